// Package analytics measures an interview from its transcript, with no
// model: per question whether it was asked and answered, how long the
// answer was and how soon it began, interruptions; overall the talk ratio,
// completion and duration (docs/assessment.md, "Analytics").
package analytics

import (
	"time"

	"github.com/interviewd/interviewd/internal/interview"
)

// Report is an interview's analytics.
type Report struct {
	Questions      []Question
	TotalQuestions int
	Asked          int
	Answered       int
	// Completion is Answered / TotalQuestions (0..1); 0 with no questions.
	Completion float64
	Duration   time.Duration // StartedAt to EndedAt (or the last line); 0 before it starts
	// Words and estimated speaking time of each side.
	CandidateWords      int
	InterviewerWords    int
	CandidateSpeaking   time.Duration
	InterviewerSpeaking time.Duration
	// TalkRatio is the candidate's share of the speaking time (0..1).
	TalkRatio     float64
	Interruptions int
}

// Question is one question of the position.
type Question struct {
	Number int // 1-based
	Text   string
	Asked  bool
	// How the asking was found: "marked" (the interviewer's
	// question_asked call) or "matched" (an interviewer line resembling the
	// question); empty when not asked.
	Found    string
	AskedAt  *time.Time
	AskedSeq int64 // the interviewer's line that asked it; 0 when unknown
	Answered bool
	// The answer: the candidate's lines until the next question.
	AnswerWords     int
	AnswerSpeaking  time.Duration
	TimeToFirstWord *time.Duration // from the asking to the answer's first line
	Interruptions   int
	FirstSeq        int64 // the answer's first and last lines; 0 when none
	LastSeq         int64
}

// Compute measures the interview s of position p from its transcript
// entries (in Seq order) and question marks.
func Compute(p interview.Position, s interview.Session, entries []interview.TranscriptEntry, marks []interview.QuestionMark) Report {
	return Report{TotalQuestions: len(p.Questions)} // TODO(issue 12): the helper writing analytics replaces this.
}
