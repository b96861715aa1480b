package templates

import (
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/interviewd/interviewd/internal/hiring"
	"github.com/interviewd/interviewd/internal/interview"
)

// DecideView is an interview's decision panel: its analytics, hiring
// status, the viewer's scorecard and, once revealed, the others' scorecards
// and the AI's assessments.
type DecideView struct {
	Review       hiring.Review
	HiringStatus interview.HiringStatus
	Ended        bool // the interview ended: it may be scored
	Completed    bool // the interview completed: an assessment may be re-run
	CanEdit      bool // may set the hiring status and ask for a re-run
	Scorecard    ScorecardForm
}

// ScorecardForm is the scorecard as typed, so that a refused one is shown
// again with its message.
type ScorecardForm struct {
	Scores         map[string]int
	Recommendation string
	Notes          string
	Err            *FormError
}

// ScorecardFormOf fills the form from a stored scorecard (nil: empty).
func ScorecardFormOf(c *interview.Scorecard) ScorecardForm {
	if c == nil || c.Declined {
		return ScorecardForm{Scores: map[string]int{}}
	}
	return ScorecardForm{Scores: c.Scores, Recommendation: string(c.Recommendation), Notes: c.Notes}
}

// scored reports whether the viewer has a scorecard with scores.
func (v DecideView) scored() bool { return v.Review.Mine != nil && !v.Review.Mine.Declined }

// declined reports whether the viewer chose to see the results unscored.
func (v DecideView) declined() bool { return v.Review.Mine != nil && v.Review.Mine.Declined }

// latest is the newest assessment, if any.
func (v DecideView) latest() (interview.Assessment, bool) {
	if len(v.Review.Assessments) == 0 {
		return interview.Assessment{}, false
	}
	return v.Review.Assessments[0], true
}

// canRerun says whether the page offers "Run the assessment again".
func (v DecideView) canRerun() bool {
	return v.CanEdit && v.Completed && v.Review.AI.Enabled && !v.Review.AssessmentPending
}

// competencyName names a competency key by the rubric, or the key itself
// for one the rubric no longer has.
func competencyName(r interview.Rubric, key string) string {
	if c, ok := r.Competency(key); ok {
		return c.Name
	}
	return key
}

// scoreOptions are a competency's choices, 1 to 5, with the rubric's
// anchors as hints on 1, 3 and 5.
func scoreOptions(c interview.Competency) []scoreOption {
	anchors := map[int]string{1: c.Anchor1, 3: c.Anchor3, 5: c.Anchor5}
	var out []scoreOption
	for n := interview.MinScore; n <= interview.MaxScore; n++ {
		out = append(out, scoreOption{Value: n, Anchor: anchors[n]})
	}
	return out
}

// scoreOption is one radio of a competency's scale.
type scoreOption struct {
	Value  int
	Anchor string
}

// scoreInputID is the id of a score radio; "" value is "not scored".
func scoreInputID(key string, n int) string { return "score-" + key + "-" + strconv.Itoa(n) }

// scoreName is the form field of a competency's score.
func scoreName(key string) string { return "score." + key }

// evidenceHref links to the transcript lines a score cites, highlighted.
func evidenceHref(interviewID string, ev []interview.Evidence) string {
	if len(ev) == 0 {
		return interviewHref(interviewID)
	}
	seqs := make([]string, len(ev))
	for i, e := range ev {
		seqs[i] = strconv.FormatInt(e.Seq, 10)
	}
	return interviewHref(interviewID) + "?" + url.Values{"hl": {strings.Join(seqs, ",")}}.Encode() + "#entry-" + seqs[0]
}

// quoteHref links to the one line a quote cites.
func quoteHref(interviewID string, e interview.Evidence) string {
	return evidenceHref(interviewID, []interview.Evidence{e})
}

// answerHref links to a question's answer in the transcript.
func answerHref(interviewID string, first, last int64) string {
	var seqs []string
	for s := first; s <= last && len(seqs) < 50; s++ {
		seqs = append(seqs, strconv.FormatInt(s, 10))
	}
	return interviewHref(interviewID) + "?" + url.Values{"hl": {strings.Join(seqs, ",")}}.Encode() + "#entry-" + seqs[0]
}

// ParseHighlight reads ?hl=SEQ,SEQ: the transcript lines to highlight.
// What is not a sequence number is ignored.
func ParseHighlight(s string) map[int64]bool {
	out := map[int64]bool{}
	for part := range strings.SplitSeq(s, ",") {
		if n, err := strconv.ParseInt(strings.TrimSpace(part), 10, 64); err == nil && n > 0 && len(out) < 200 {
			out[n] = true
		}
	}
	return out
}

// percent shows a share of one as a whole percentage.
func percent(f float64) string { return strconv.Itoa(int(math.Round(f*100))) + "%" }

// oneDecimal shows a score such as 3.7; "—" for none.
func oneDecimal(f float64) string {
	if f == 0 {
		return "—"
	}
	return strconv.FormatFloat(f, 'f', 1, 64)
}

// duration shows a length of time as "12 min 5 s" or "40 s".
func duration(d time.Duration) string {
	d = d.Round(time.Second)
	if d < time.Minute {
		return fmt.Sprintf("%d s", int(d.Seconds()))
	}
	return fmt.Sprintf("%d min %d s", int(d.Minutes()), int(d.Seconds())%60)
}

// optDuration shows a duration that may be unknown.
func optDuration(d *time.Duration) string {
	if d == nil {
		return "—"
	}
	return duration(*d)
}

// foundLabel says how a question's asking was found.
func foundLabel(found string) string {
	switch found {
	case "marked":
		return "Yes (marked by the interviewer)"
	case "matched":
		return "Yes (matched by its words)"
	}
	return "No"
}

func yesNo(b bool) string {
	if b {
		return "Yes"
	}
	return "No"
}

// assessmentStatusLabel names an assessment's status for people.
func assessmentStatusLabel(s interview.AssessmentStatus) string {
	switch s {
	case interview.AssessmentPending:
		return "Waiting to run"
	case interview.AssessmentRunning:
		return "Running"
	case interview.AssessmentDone:
		return "Done"
	case interview.AssessmentFailed:
		return "Failed"
	}
	return string(s)
}

// recommendationLabel names a recommendation, "—" for none.
func recommendationLabel(r interview.Recommendation) string {
	if l := r.Label(); l != "" {
		return l
	}
	return "—"
}

// scoreText is a competency's score on a scorecard, "—" when unscored.
func scoreText(scores map[string]int, key string) string {
	if n, ok := scores[key]; ok {
		return strconv.Itoa(n)
	}
	return "—"
}

// averageText is a human average for a competency, "—" when none.
func averageText(avg map[string]float64, key string) string { return oneDecimal(avg[key]) }

// submitted drops the scorecards made only to see the results.
func submitted(cards []interview.Scorecard) []interview.Scorecard {
	return slices.DeleteFunc(slices.Clone(cards), func(c interview.Scorecard) bool { return c.Declined })
}

// decisionLabel is a hiring decision as the timeline shows it.
func decisionLabel(d interview.HiringDecision) string { return "Hiring status: " + d.Status.Label() }

// decisionBy names who made a decision.
func decisionBy(d interview.HiringDecision) string {
	who := d.ActorName
	if who == "" {
		who = d.ActorID
	}
	return "by " + who // an API key's name says "API key …" itself
}
