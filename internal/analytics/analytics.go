// Package analytics measures an interview from its transcript, with no
// model: per question whether it was asked and answered, how long the
// answer was and how soon it began, interruptions; overall the talk ratio,
// completion and duration (docs/assessment.md, "Analytics").
package analytics

import (
	"slices"
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

// How an asking was found.
const (
	FoundMarked  = "marked"
	FoundMatched = "matched"
)

// answerWords is how many words a candidate line needs for its question to
// count as answered: "yes", "I don't know" do not.
const answerWords = 3

// Compute measures the interview s of position p from its transcript
// entries (in Seq order) and question marks.
func Compute(p interview.Position, s interview.Session, entries []interview.TranscriptEntry, marks []interview.QuestionMark) Report {
	r := Report{TotalQuestions: len(p.Questions), Duration: duration(s, entries)}
	lines := measure(entries)
	for _, l := range lines {
		r.addLine(l)
	}
	askings := locate(p.Questions, lines, marks)
	r.Questions = make([]Question, len(p.Questions))
	for i, text := range p.Questions {
		r.Questions[i] = Question{Number: i + 1, Text: text}
	}
	for k, a := range askings {
		end := len(lines)
		if k+1 < len(askings) {
			end = askings[k+1].index
		}
		q := &r.Questions[a.question-1]
		q.answer(a, lines[a.index:end])
	}
	for _, q := range r.Questions {
		if q.Asked {
			r.Asked++
		}
		if q.Answered {
			r.Answered++
		}
	}
	if r.TotalQuestions > 0 {
		r.Completion = float64(r.Answered) / float64(r.TotalQuestions)
	}
	if total := r.CandidateSpeaking + r.InterviewerSpeaking; total > 0 {
		r.TalkRatio = float64(r.CandidateSpeaking) / float64(total)
	}
	return r
}

// addLine counts a line in the overall figures.
func (r *Report) addLine(l line) {
	switch l.Speaker {
	case interview.SpeakerCandidate:
		r.CandidateWords += l.words
		r.CandidateSpeaking += l.speaking
	case interview.SpeakerInterviewer:
		r.InterviewerWords += l.words
		r.InterviewerSpeaking += l.speaking
	}
	if l.Interrupted {
		r.Interruptions++
	}
}

// answer fills q from its asking a and the lines from the asking up to
// the next question's.
func (q *Question) answer(a asking, span []line) {
	q.Asked, q.Found, q.AskedSeq = true, a.found, a.seq
	at := a.at
	q.AskedAt = &at
	for _, l := range span {
		if l.Interrupted {
			q.Interruptions++
		}
		if l.Speaker != interview.SpeakerCandidate {
			continue
		}
		if q.FirstSeq == 0 {
			q.FirstSeq = l.Seq
			ttfw := max(l.Timestamp.Sub(a.at), 0)
			q.TimeToFirstWord = &ttfw
		}
		q.LastSeq = l.Seq
		q.AnswerWords += l.words
		q.AnswerSpeaking += l.speaking
		if l.words >= answerWords {
			q.Answered = true
		}
	}
}

// duration is how long the interview has lasted: from its start to its
// end, or to its last line while it runs.
func duration(s interview.Session, entries []interview.TranscriptEntry) time.Duration {
	if s.StartedAt == nil {
		return 0
	}
	end := s.EndedAt
	if end == nil && len(entries) > 0 {
		end = &entries[len(entries)-1].Timestamp
	}
	if end == nil {
		return 0
	}
	return max(end.Sub(*s.StartedAt), 0)
}

// asking is where a question was asked: its line's index in the
// transcript (or where a line at that time would go), its time and how it
// was found.
type asking struct {
	question int
	index    int
	seq      int64
	at       time.Time
	found    string
}

// locate finds the asking of each question, from its mark or else from an
// interviewer line resembling it, in transcript order.
func locate(questions []string, lines []line, marks []interview.QuestionMark) []asking {
	var out []asking
	used := map[int]bool{}
	marked := map[int]bool{}
	for _, m := range marks {
		if m.Question < 1 || m.Question > len(questions) || marked[m.Question] {
			continue
		}
		marked[m.Question] = true
		a := asking{question: m.Question, at: m.AskedAt, found: FoundMarked, index: insertAt(lines, m.AskedAt)}
		if i := askingLine(lines, questions[m.Question-1], m.AskedAt, used); i >= 0 {
			used[i] = true
			a.index, a.seq = i, lines[i].Seq
		}
		out = append(out, a)
	}
	for q, i := range matchLines(questions, lines, used) {
		if !marked[q] {
			out = append(out, asking{question: q, index: i, seq: lines[i].Seq, at: lines[i].Timestamp, found: FoundMatched})
		}
	}
	slices.SortStableFunc(out, func(a, b asking) int {
		if a.index != b.index {
			return a.index - b.index
		}
		return a.question - b.question
	})
	return out
}

// insertAt is the index of the first line said at or after t.
func insertAt(lines []line, t time.Time) int {
	i := slices.IndexFunc(lines, func(l line) bool { return !l.Timestamp.Before(t) })
	if i < 0 {
		return len(lines)
	}
	return i
}
