package assess

import (
	"encoding/json"
	"math"
	"slices"
	"strings"

	"github.com/interviewd/interviewd/internal/interview"
)

// answer is the model's answer as the schema shapes it. Pointers tell a
// missing field from an empty one.
type answer struct {
	Competencies   []answerScore `json:"competencies"`
	Summary        *string       `json:"summary"`
	Strengths      []string      `json:"strengths"`
	Concerns       []string      `json:"concerns"`
	FollowUps      []string      `json:"follow_ups"`
	Recommendation string        `json:"recommendation"`
}

type answerScore struct {
	Key       string               `json:"key"`
	Score     *float64             `json:"score"`
	Rationale string               `json:"rationale"`
	Evidence  []interview.Evidence `json:"evidence"`
}

// parseAnswer reads the model's answer for rubric r. It keeps the
// competencies of r only (others are dropped; a repeated one counts
// once), in r's order, and fails with ErrSchema on bad JSON, a missing
// field, a score off the scale, an unknown recommendation or a
// competency of r left out.
func parseAnswer(content string, r interview.Rubric) (answer, error) {
	var a answer
	if err := json.Unmarshal([]byte(content), &a); err != nil {
		return answer{}, failf(ErrSchema, "the model's answer is not the JSON asked for: %v", err)
	}
	if a.Summary == nil {
		return answer{}, failf(ErrSchema, "the model's answer has no summary")
	}
	if !interview.Recommendation(a.Recommendation).Valid() {
		return answer{}, failf(ErrSchema, "the model's recommendation %q is not one of strong_no, no, mixed, yes, strong_yes", clip(a.Recommendation))
	}
	byKey := map[string]answerScore{}
	for _, s := range a.Competencies {
		if _, known := r.Competency(s.Key); !known || byKey[s.Key].Score != nil {
			continue
		}
		if s.Score == nil || *s.Score != math.Trunc(*s.Score) || *s.Score < interview.MinScore || *s.Score > interview.MaxScore {
			return answer{}, failf(ErrSchema, "the model's score of %q is not a whole number from %d to %d", s.Key, interview.MinScore, interview.MaxScore)
		}
		byKey[s.Key] = s
	}
	a.Competencies = a.Competencies[:0]
	for _, c := range r.Competencies {
		s, ok := byKey[c.Key]
		if !ok {
			return answer{}, failf(ErrSchema, "the model's answer leaves out the competency %q", c.Key)
		}
		a.Competencies = append(a.Competencies, s)
	}
	a.Strengths, a.Concerns, a.FollowUps = cleanList(a.Strengths), cleanList(a.Concerns), cleanList(a.FollowUps)
	return a, nil
}

// cleanList drops blank items and trims the others.
func cleanList(items []string) []string {
	out := []string{}
	for _, s := range items {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return slices.Clip(out)
}

// clip shortens a value of the model's quoted in a reason.
func clip(s string) string {
	if len(s) <= 40 {
		return s
	}
	return strings.ToValidUTF8(s[:40], "") + "…"
}
