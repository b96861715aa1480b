package web

import (
	"time"

	"github.com/interviewd/interviewd/internal/analytics"
	"github.com/interviewd/interviewd/internal/interview"
)

// apiAnalytics is an interview's analytics as the API shows them: times
// in seconds.
type apiAnalytics struct {
	InterviewID                string             `json:"interviewId"`
	TotalQuestions             int                `json:"totalQuestions"`
	Asked                      int                `json:"asked"`
	Answered                   int                `json:"answered"`
	Completion                 float64            `json:"completion"`
	DurationSeconds            float64            `json:"durationSeconds"`
	CandidateWords             int                `json:"candidateWords"`
	InterviewerWords           int                `json:"interviewerWords"`
	CandidateSpeakingSeconds   float64            `json:"candidateSpeakingSeconds"`
	InterviewerSpeakingSeconds float64            `json:"interviewerSpeakingSeconds"`
	TalkRatio                  float64            `json:"talkRatio"`
	Interruptions              int                `json:"interruptions"`
	Questions                  []apiQuestionStats `json:"questions"`
}

// apiQuestionStats is one question's analytics.
type apiQuestionStats struct {
	Number                 int        `json:"number"`
	Text                   string     `json:"text"`
	Asked                  bool       `json:"asked"`
	Found                  string     `json:"found"`
	AskedAt                *time.Time `json:"askedAt"`
	AskedSeq               int64      `json:"askedSeq"`
	Answered               bool       `json:"answered"`
	AnswerWords            int        `json:"answerWords"`
	AnswerSeconds          float64    `json:"answerSeconds"`
	TimeToFirstWordSeconds *float64   `json:"timeToFirstWordSeconds"`
	Interruptions          int        `json:"interruptions"`
	FirstSeq               int64      `json:"firstSeq"`
	LastSeq                int64      `json:"lastSeq"`
}

func toAPIAnalytics(interviewID string, r analytics.Report) apiAnalytics {
	out := apiAnalytics{
		InterviewID: interviewID, TotalQuestions: r.TotalQuestions, Asked: r.Asked, Answered: r.Answered,
		Completion: r.Completion, DurationSeconds: r.Duration.Seconds(),
		CandidateWords: r.CandidateWords, InterviewerWords: r.InterviewerWords,
		CandidateSpeakingSeconds: r.CandidateSpeaking.Seconds(), InterviewerSpeakingSeconds: r.InterviewerSpeaking.Seconds(),
		TalkRatio: r.TalkRatio, Interruptions: r.Interruptions, Questions: []apiQuestionStats{},
	}
	for _, q := range r.Questions {
		qs := apiQuestionStats{
			Number: q.Number, Text: q.Text, Asked: q.Asked, Found: q.Found, AskedAt: utcPtr(q.AskedAt), AskedSeq: q.AskedSeq,
			Answered: q.Answered, AnswerWords: q.AnswerWords, AnswerSeconds: q.AnswerSpeaking.Seconds(),
			Interruptions: q.Interruptions, FirstSeq: q.FirstSeq, LastSeq: q.LastSeq,
		}
		if q.TimeToFirstWord != nil {
			s := q.TimeToFirstWord.Seconds()
			qs.TimeToFirstWordSeconds = &s
		}
		out.Questions = append(out.Questions, qs)
	}
	return out
}

// apiAssessment is one AI assessment as the API shows it. Result keeps
// interview.AssessmentResult's own JSON names; it is null until done.
type apiAssessment struct {
	ID             string                      `json:"id"`
	Status         interview.AssessmentStatus  `json:"status"`
	Attempts       int                         `json:"attempts"`
	Model          string                      `json:"model"`
	PromptVersion  string                      `json:"promptVersion"`
	RubricVersion  int                         `json:"rubricVersion"`
	TranscriptHash string                      `json:"transcriptHash"`
	Result         *interview.AssessmentResult `json:"result"`
	Error          string                      `json:"error"`
	RequestedBy    string                      `json:"requestedBy"`
	CreatedAt      time.Time                   `json:"createdAt"`
	CompletedAt    *time.Time                  `json:"completedAt"`
}

func toAPIAssessment(a interview.Assessment) apiAssessment {
	return apiAssessment{
		ID: a.ID, Status: a.Status, Attempts: a.Attempts, Model: a.Model, PromptVersion: a.PromptVersion,
		RubricVersion: a.RubricVersion, TranscriptHash: a.TranscriptHash, Result: filledResult(a.Result),
		Error: a.Error, RequestedBy: a.RequestedBy, CreatedAt: a.CreatedAt.UTC(), CompletedAt: utcPtr(a.CompletedAt),
	}
}

// filledResult is r with empty lists as [] rather than null.
func filledResult(r *interview.AssessmentResult) *interview.AssessmentResult {
	if r == nil {
		return nil
	}
	out := *r
	out.Competencies = nonNil(append([]interview.CompetencyScore(nil), r.Competencies...))
	for i := range out.Competencies {
		out.Competencies[i].Evidence = nonNil(out.Competencies[i].Evidence)
	}
	out.Strengths, out.Concerns, out.FollowUps = nonNil(r.Strengths), nonNil(r.Concerns), nonNil(r.FollowUps)
	return &out
}

// nonNil is s, or an empty slice for nil (JSON [] rather than null).
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// apiScorecard is a reviewer's scorecard as the API shows it.
type apiScorecard struct {
	ID             string                   `json:"id"`
	ReviewerID     string                   `json:"reviewerId"`
	ReviewerEmail  string                   `json:"reviewerEmail"`
	RubricVersion  int                      `json:"rubricVersion"`
	Scores         map[string]int           `json:"scores"`
	Recommendation interview.Recommendation `json:"recommendation"`
	Notes          string                   `json:"notes"`
	Declined       bool                     `json:"declined"`
	SubmittedAt    time.Time                `json:"submittedAt"`
	UpdatedAt      time.Time                `json:"updatedAt"`
}

func toAPIScorecard(c interview.Scorecard) apiScorecard {
	scores := c.Scores
	if scores == nil {
		scores = map[string]int{}
	}
	return apiScorecard{
		ID: c.ID, ReviewerID: c.ReviewerID, ReviewerEmail: c.ReviewerEmail, RubricVersion: c.RubricVersion,
		Scores: scores, Recommendation: c.Recommendation, Notes: c.Notes, Declined: c.Declined,
		SubmittedAt: c.SubmittedAt.UTC(), UpdatedAt: c.UpdatedAt.UTC(),
	}
}
