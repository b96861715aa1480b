package assess

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/interviewd/interviewd/internal/hiring"
	"github.com/interviewd/interviewd/internal/interview"
)

// Bounds of a suggestion.
const (
	DefaultSuggestCount = 6
	MaxSuggestCount     = 15
)

const suggestPrompt = `You help a recruiter plan a structured job interview that an AI interviewer will hold by voice.

Propose the interview's questions and a rubric to score the answers:
- Questions are open, job-related, one topic each, short enough to say aloud, and never about protected characteristics (age, gender, origin, health, family, religion).
- Competencies are what the job needs, each with what good looks like, a weight from 1 (minor) to 10 (essential), and one sentence each for what a 1, a 3 and a 5 look like on a 1-5 scale.
- Link each question to the competencies (by name) that its answer shows.
- Answer with JSON that follows the given schema, and nothing else.`

// suggestion is the model's answer as the suggestion schema shapes it.
type suggestion struct {
	Questions []struct {
		Text         string   `json:"text"`
		Competencies []string `json:"competencies"`
	} `json:"questions"`
	Competencies []struct {
		Name        string `json:"name"`
		Description string `json:"description"`
		Weight      int    `json:"weight"`
		Anchor1     string `json:"anchor_1"`
		Anchor3     string `json:"anchor_3"`
		Anchor5     string `json:"anchor_5"`
	} `json:"competencies"`
}

// SuggestSchema is the JSON schema of a suggestion of n questions.
func SuggestSchema(n int) map[string]any {
	text := map[string]any{"type": "string"}
	question := object(map[string]any{"text": text, "competencies": stringList()})
	competency := object(map[string]any{
		"name": text, "description": text, "anchor_1": text, "anchor_3": text, "anchor_5": text,
		"weight": map[string]any{"type": "integer", "minimum": interview.MinWeight, "maximum": interview.MaxWeight},
	})
	return object(map[string]any{
		"questions":    map[string]any{"type": "array", "items": question, "minItems": n, "maxItems": n},
		"competencies": map[string]any{"type": "array", "items": competency, "minItems": 1, "maxItems": interview.MaxCompetencies},
	})
}

// SuggestQuestions asks the model for a position's questions and rubric
// (hiring.Suggester). Its errors are the domain's: unavailable, with the
// reason for the recruiter.
func (c *Client) SuggestQuestions(ctx context.Context, in hiring.SuggestInput) (hiring.Suggestion, error) {
	n := in.Count
	if n <= 0 {
		n = DefaultSuggestCount
	}
	n = min(n, MaxSuggestCount)
	var sg hiring.Suggestion
	err := c.askParsed(ctx, suggestPrompt, suggestRequest(in, n), "interview_plan", SuggestSchema(n), func(content string) (err error) {
		sg, err = parseSuggestion(content)
		return err
	})
	var f *Failure
	if errors.As(err, &f) {
		return hiring.Suggestion{}, interview.Errorf(interview.CodeUnavailable, "no suggestion: %s", f.Reason)
	}
	return sg, err
}

func suggestRequest(in hiring.SuggestInput, n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Job title: %s\n", strings.TrimSpace(in.Title))
	if d := strings.TrimSpace(in.Description); d != "" {
		fmt.Fprintf(&b, "Job description:\n%s\n", d)
	}
	fmt.Fprintf(&b, "Propose %d questions.\n", n)
	if in.Language != "" {
		fmt.Fprintf(&b, "Write in the language whose BCP 47 tag is %q.\n", in.Language)
	}
	return b.String()
}

// parseSuggestion reads the model's answer into a suggestion whose rubric
// passes Validate; anything else is ErrSchema.
func parseSuggestion(content string) (hiring.Suggestion, error) {
	var s suggestion
	if err := json.Unmarshal([]byte(content), &s); err != nil {
		return hiring.Suggestion{}, failf(ErrSchema, "the model's answer is not the JSON asked for: %v", err)
	}
	var sg hiring.Suggestion
	for _, c := range s.Competencies {
		sg.Rubric.Competencies = append(sg.Rubric.Competencies, interview.Competency{Name: c.Name, Description: c.Description,
			Weight: min(max(c.Weight, interview.MinWeight), interview.MaxWeight), Anchor1: c.Anchor1, Anchor3: c.Anchor3, Anchor5: c.Anchor5})
	}
	sg.Rubric.Normalize(0) // keys from names
	keys := map[string]string{}
	for _, c := range sg.Rubric.Competencies {
		keys[strings.ToLower(c.Name)] = c.Key
	}
	for _, q := range s.Questions {
		if q.Text = strings.TrimSpace(q.Text); q.Text == "" {
			continue
		}
		var links []string
		for _, name := range q.Competencies {
			if k, ok := keys[strings.ToLower(strings.TrimSpace(name))]; ok {
				links = append(links, k)
			}
		}
		sg.Questions = append(sg.Questions, q.Text)
		sg.Rubric.QuestionLinks = append(sg.Rubric.QuestionLinks, links)
	}
	if len(sg.Questions) == 0 {
		return hiring.Suggestion{}, failf(ErrSchema, "the model suggested no question")
	}
	sg.Rubric.Normalize(len(sg.Questions))
	if err := sg.Rubric.Validate(); err != nil {
		return hiring.Suggestion{}, failf(ErrSchema, "the model's rubric is not valid: %v", err)
	}
	return sg, nil
}

var _ hiring.Suggester = (*Client)(nil)
