package assess

import (
	"math"
	"strings"

	"github.com/interviewd/interviewd/internal/interview"
)

// verify turns a parsed answer into the result that is stored: each quote
// is kept only when it occurs, as whole words after normalising, in the
// text of the line it cites and that line is the candidate's; a
// competency that lost a quote or has none left is flagged. Overall is
// the mean of the scores weighted by r.
func verify(a answer, r interview.Rubric, lines map[int64]interview.TranscriptEntry) interview.AssessmentResult {
	res := interview.AssessmentResult{
		Summary: strings.TrimSpace(*a.Summary), Strengths: a.Strengths, Concerns: a.Concerns, FollowUps: a.FollowUps,
		Recommendation: interview.Recommendation(a.Recommendation),
	}
	scores := map[string]float64{}
	for _, s := range a.Competencies {
		cs := interview.CompetencyScore{Key: s.Key, Score: int(*s.Score), Rationale: strings.TrimSpace(s.Rationale), Evidence: []interview.Evidence{}}
		for _, e := range s.Evidence {
			if VerifyQuote(lines, e) {
				cs.Evidence = append(cs.Evidence, interview.Evidence{Seq: e.Seq, Quote: strings.TrimSpace(e.Quote)})
			} else {
				cs.Dropped++
			}
		}
		cs.Flagged = cs.Dropped > 0 || len(cs.Evidence) == 0
		res.Competencies = append(res.Competencies, cs)
		scores[s.Key] = float64(cs.Score)
	}
	res.Overall = math.Round(r.WeightedMean(scores)*100) / 100
	return res
}

// VerifyQuote reports whether e's quote is the candidate's: it occurs, as
// whole words after Normalize, in the line numbered e.Seq, and that line
// is the candidate's.
func VerifyQuote(lines map[int64]interview.TranscriptEntry, e interview.Evidence) bool {
	line, ok := lines[e.Seq]
	if !ok || line.Speaker != interview.SpeakerCandidate {
		return false
	}
	q := Normalize(e.Quote)
	return q != "" && strings.Contains(" "+Normalize(line.Text)+" ", " "+q+" ")
}

// Normalize is text as quotes are compared: its words (interview.Words:
// lower case, letters and digits only) separated by single spaces.
func Normalize(s string) string { return strings.Join(interview.Words(s), " ") }
