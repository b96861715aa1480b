package interview

import "time"

// Recommendation is an overall verdict on a fixed five-step scale, used by
// the AI's assessments and by people's scorecards alike. The AI's is
// advisory only: a person decides (HiringStatus).
type Recommendation string

// The recommendation scale, from worst to best.
const (
	RecommendStrongNo  Recommendation = "strong_no"
	RecommendNo        Recommendation = "no"
	RecommendMixed     Recommendation = "mixed"
	RecommendYes       Recommendation = "yes"
	RecommendStrongYes Recommendation = "strong_yes"
)

// Recommendations lists the scale from worst to best.
var Recommendations = []Recommendation{RecommendStrongNo, RecommendNo, RecommendMixed, RecommendYes, RecommendStrongYes}

// Valid reports whether r is on the scale.
func (r Recommendation) Valid() bool {
	switch r {
	case RecommendStrongNo, RecommendNo, RecommendMixed, RecommendYes, RecommendStrongYes:
		return true
	}
	return false
}

// Label is r in words for people.
func (r Recommendation) Label() string {
	switch r {
	case RecommendStrongNo:
		return "Strong no"
	case RecommendNo:
		return "No"
	case RecommendMixed:
		return "Mixed"
	case RecommendYes:
		return "Yes"
	case RecommendStrongYes:
		return "Strong yes"
	}
	return ""
}

// Score bounds: every competency is scored 1–5.
const (
	MinScore = 1
	MaxScore = 5
)

// AssessmentStatus is where an AI assessment is.
type AssessmentStatus string

// An assessment is pending (waiting for a worker, perhaps to retry),
// running (claimed by a worker until its lease ends), then done or failed.
const (
	AssessmentPending AssessmentStatus = "pending"
	AssessmentRunning AssessmentStatus = "running"
	AssessmentDone    AssessmentStatus = "done"
	AssessmentFailed  AssessmentStatus = "failed"
)

// Assessment is one AI assessment of one interview: a durable job while
// pending or running, then a record that is kept (a re-run adds a new
// one). At most one assessment per interview is pending or running.
type Assessment struct {
	ID          string
	TenantID    string
	InterviewID string
	Status      AssessmentStatus
	// Attempts counts the claims of the job; a claim increments it, and
	// finishing requires the count of the claim (a fencing token), so a
	// worker whose lease ran out cannot overwrite a later attempt.
	Attempts    int
	NextAttempt time.Time  // when a pending job is due
	LeaseUntil  *time.Time // while running: when another worker may take it

	Model          string // the model asked, e.g. gpt-4.1-mini
	PromptVersion  string // the version of interviewd's prompt and schema
	RubricVersion  int    // the rubric version the assessment used
	TranscriptHash string // SHA-256, hex, of the transcript as sent

	Result *AssessmentResult // when done
	Error  string            // when failed (or a retry's last reason): why, for people

	RequestedBy string // the user or API key that asked for a re-run; empty when automatic
	CreatedAt   time.Time
	CompletedAt *time.Time // when it became done or failed
}

// AssessmentResult is a verified assessment (docs/assessment.md): the
// model's structured answer after interviewd dropped every quote it could
// not find in the cited transcript entry.
type AssessmentResult struct {
	Competencies   []CompetencyScore `json:"competencies"`
	Summary        string            `json:"summary"`
	Strengths      []string          `json:"strengths"`
	Concerns       []string          `json:"concerns"`
	FollowUps      []string          `json:"followUps"` // suggested follow-up questions
	Recommendation Recommendation    `json:"recommendation"`
	// Overall is the rubric-weighted mean of the competency scores,
	// computed by interviewd (1.0–5.0), not asked of the model.
	Overall float64 `json:"overall"`
}

// CompetencyScore is the score of one competency of the rubric.
type CompetencyScore struct {
	Key       string     `json:"key"` // the rubric's competency key
	Score     int        `json:"score"`
	Rationale string     `json:"rationale"`
	Evidence  []Evidence `json:"evidence"` // verified quotes only
	// Flagged is true when a quote the model gave was not found in the
	// entry it cited and was dropped, or when no evidence is left: the
	// score deserves a closer look.
	Flagged bool `json:"flagged"`
	Dropped int  `json:"dropped"` // quotes dropped
}

// Evidence is a quote from the transcript, cited by the entry's Seq.
type Evidence struct {
	Seq   int64  `json:"seq"`
	Quote string `json:"quote"`
}
