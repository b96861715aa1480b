package interview

import "time"

// HiringStatus is a person's decision on an interview's candidate. Only a
// person sets it (a member, or an integration with an API key); the AI
// never does.
type HiringStatus string

// The hiring statuses. Every interview starts as new.
const (
	HiringNew         HiringStatus = "new"
	HiringShortlisted HiringStatus = "shortlisted"
	HiringRejected    HiringStatus = "rejected"
	HiringAdvanced    HiringStatus = "advanced"
)

// HiringStatuses lists them in the order the UI shows them.
var HiringStatuses = []HiringStatus{HiringNew, HiringShortlisted, HiringAdvanced, HiringRejected}

// Valid reports whether h is a known hiring status.
func (h HiringStatus) Valid() bool {
	switch h {
	case HiringNew, HiringShortlisted, HiringRejected, HiringAdvanced:
		return true
	}
	return false
}

// Label is h in words for people.
func (h HiringStatus) Label() string {
	switch h {
	case HiringNew:
		return "New"
	case HiringShortlisted:
		return "Shortlisted"
	case HiringRejected:
		return "Rejected"
	case HiringAdvanced:
		return "Advanced"
	}
	return ""
}

// HiringDecision is one change of an interview's hiring status: who set
// it, to what, and when. The decisions are the interview's timeline of
// hiring status, kept in full.
type HiringDecision struct {
	ID          string
	TenantID    string
	InterviewID string
	Status      HiringStatus
	ActorKind   string // "user" or "api_key"
	ActorID     string
	ActorName   string // the user's email or the API key's name, as it was then
	At          time.Time
}

// Scorecard is one person's scores of one interview: a score per
// competency of the rubric (a competency may be left unscored), an overall
// recommendation and notes. A reviewer has at most one scorecard per
// interview and may revise it. A reviewer sees other scorecards and the
// AI's assessment only once they have one (docs/assessment.md, "Blind
// scoring"); Declined marks one made to see them without scoring.
type Scorecard struct {
	ID             string
	TenantID       string
	InterviewID    string
	ReviewerID     string // user ID
	ReviewerEmail  string // as it was when saved, to show beside the scores
	RubricVersion  int
	Scores         map[string]int // competency key → MinScore..MaxScore
	Recommendation Recommendation // empty when Declined
	Notes          string
	Declined       bool // the reviewer chose to see the results without scoring
	SubmittedAt    time.Time
	UpdatedAt      time.Time
}

// Validate checks a scorecard against the scale (not against a rubric: the
// caller checks the keys).
func (c Scorecard) Validate() error {
	if c.Declined {
		if len(c.Scores) > 0 || c.Recommendation != "" {
			return Errorf(CodeInvalid, "a declined scorecard holds no scores")
		}
		return checkText("notes", "notes", c.Notes, 0, 10000)
	}
	var errs []error
	if !c.Recommendation.Valid() {
		errs = append(errs, FieldErrorf("recommendation", "a recommendation is needed: one of strong_no, no, mixed, yes, strong_yes"))
	}
	for k, v := range c.Scores {
		if v < MinScore || v > MaxScore {
			errs = append(errs, Errorf(CodeInvalid, "the score of %q must be between %d and %d", k, MinScore, MaxScore))
		}
	}
	return JoinFields(append(errs, checkText("notes", "notes", c.Notes, 0, 10000))...)
}

// QuestionMark records when the interviewer first asked a question of the
// position (the model's question_asked call), for the transcript's
// analytics.
type QuestionMark struct {
	Question int // 1-based, as numbered in the position
	AskedAt  time.Time
}
