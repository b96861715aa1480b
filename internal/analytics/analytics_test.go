package analytics

import (
	"math"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
)

var t0 = time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)

// at is t0 plus s seconds.
func at(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }

// script builds a transcript from (seconds, speaker, text) lines, as the
// store returns it: Seq from 1 in order.
type said struct {
	s           float64
	who         interview.Speaker
	text        string
	interrupted bool
}

func script(lines ...said) []interview.TranscriptEntry {
	out := make([]interview.TranscriptEntry, len(lines))
	for i, l := range lines {
		out[i] = interview.TranscriptEntry{Seq: int64(i + 1), Speaker: l.who, Text: l.text, Timestamp: at(l.s), Interrupted: l.interrupted}
	}
	return out
}

const (
	iv = interview.SpeakerInterviewer
	cd = interview.SpeakerCandidate
)

var backend = interview.Position{Questions: []string{
	"Tell me about yourself.",
	"Describe a production incident you handled.",
	"Why do you want to work with Go?",
}}

// backendCall is a whole interview of backend as the local engine and
// OpenAI transcribe it: a greeting, each question with a prefix, answers,
// an interruption, and a goodbye.
var backendCall = script(
	said{0, iv, "Hello Ada, thanks for joining. Let's start. Tell me about yourself.", false},               // 1
	said{6, cd, "Sure. I have been building backend services in Go for six years, mostly payments.", false}, // 2
	said{14, cd, "Before that I did Python.", false},                                                        // 3
	said{18, iv, "Thank you. Next question: describe a production incident you handled.", false},            // 4
	said{25, cd, "Um.", false}, // 5
	said{27, cd, "Last year our Postgres primary ran out of disk and I led the failover and the postmortem.", false}, // 6
	said{40, iv, "Thank you. And the last question: why do you want to work", true},                                  // 7
	said{43, cd, "Sorry, go on.", false},                                                    // 8
	said{45, iv, "Why do you want to work with Go?", false},                                 // 9
	said{49, cd, "Because it is simple, fast to compile, and the tooling is great.", false}, // 10
	said{58, iv, "Thank you for your time, goodbye.", false},                                // 11
)

func session(start, end float64) interview.Session {
	s, e := at(start), at(end)
	return interview.Session{Status: interview.StatusCompleted, StartedAt: &s, EndedAt: &e}
}

func TestComputeMatched(t *testing.T) {
	r := Compute(backend, session(-2, 62), backendCall, nil)
	wantQuestions(t, r, []wantQ{
		{asked: true, found: FoundMatched, seq: 1, answered: true, first: 2, last: 3, ttfw: 6 * time.Second},
		{asked: true, found: FoundMatched, seq: 4, answered: true, first: 5, last: 6, ttfw: 7 * time.Second},
		// Line 7 was cut short and resembles question 3 too, so it asks it;
		// the repeat at line 9 is inside its span.
		{asked: true, found: FoundMatched, seq: 7, answered: true, first: 8, last: 10, ttfw: 3 * time.Second, interruptions: 1},
	})
	if r.Asked != 3 || r.Answered != 3 || r.Completion != 1 || r.TotalQuestions != 3 {
		t.Errorf("asked %d answered %d completion %v of %d", r.Asked, r.Answered, r.Completion, r.TotalQuestions)
	}
	if r.Duration != 64*time.Second {
		t.Errorf("duration %v, want 64s", r.Duration)
	}
	if r.Interruptions != 1 {
		t.Errorf("interruptions %d, want 1", r.Interruptions)
	}
}

func TestComputeMarked(t *testing.T) {
	// The model called question_asked for each question, a moment after
	// its line started; question 2's line is worded unlike the question.
	marks := []interview.QuestionMark{
		{Question: 1, AskedAt: at(0.4)},
		{Question: 2, AskedAt: at(18.5)},
		{Question: 3, AskedAt: at(40.2)},
	}
	entries := script(
		said{0, iv, "Hi! To begin, tell me about yourself.", false},
		said{5, cd, "I am a backend engineer who likes databases.", false},
		said{18, iv, "What is the worst outage you were part of, and what did you do?", false},
		said{24, cd, "A DNS outage that took down our API for an hour; I rolled back the change.", false},
		said{40, iv, "Last one: why do you want to work with Go?", false},
		said{46, cd, "Go.", false},
	)
	r := Compute(backend, session(0, 50), entries, marks)
	wantQuestions(t, r, []wantQ{
		{asked: true, found: FoundMarked, seq: 1, answered: true, first: 2, last: 2, ttfw: 4600 * time.Millisecond},
		{asked: true, found: FoundMarked, seq: 3, answered: true, first: 4, last: 4, ttfw: 5500 * time.Millisecond},
		{asked: true, found: FoundMarked, seq: 5, answered: false, first: 6, last: 6, ttfw: 5800 * time.Millisecond},
	})
	if r.Answered != 2 || math.Abs(r.Completion-2.0/3) > 1e-9 {
		t.Errorf("answered %d completion %v, want 2 and 2/3", r.Answered, r.Completion)
	}
}

func TestComputeNotAsked(t *testing.T) {
	// The call ended after the first question; question 3 was marked but
	// has no line (the call dropped as it was asked).
	entries := script(
		said{0, iv, "Tell me about yourself.", false},
		said{3, cd, "I write Go and I like it a lot.", false},
	)
	marks := []interview.QuestionMark{{Question: 3, AskedAt: at(200)}, {Question: 9, AskedAt: at(1)}}
	r := Compute(backend, session(0, 201), entries, marks)
	wantQuestions(t, r, []wantQ{
		{asked: true, found: FoundMatched, seq: 1, answered: true, first: 2, last: 2, ttfw: 3 * time.Second},
		{},
		{asked: true, found: FoundMarked},
	})
	if r.Questions[2].AskedAt == nil || !r.Questions[2].AskedAt.Equal(at(200)) {
		t.Errorf("question 3 asked at %v, want the mark's time", r.Questions[2].AskedAt)
	}
	if r.Asked != 2 || r.Answered != 1 {
		t.Errorf("asked %d answered %d, want 2 and 1", r.Asked, r.Answered)
	}
}

func TestSpeakingTime(t *testing.T) {
	entries := script(
		said{0, iv, "one two three four five six", false}, // next starts 2 s later: 2 s
		said{2, cd, "a b c", false},                       // next 100 s later, capped at 3 words / 1.5 = 2 s
		said{102, iv, "x", false},                         // next 0.2 s later: 0.2 s
		said{102.2, cd, "one two three four five", false}, // last: 5 / 2.5 = 2 s
	)
	r := Compute(interview.Position{}, interview.Session{}, entries, nil)
	if r.InterviewerSpeaking != 2200*time.Millisecond || r.CandidateSpeaking != 4*time.Second {
		t.Errorf("speaking: interviewer %v candidate %v, want 2.2s and 4s", r.InterviewerSpeaking, r.CandidateSpeaking)
	}
	if r.InterviewerWords != 7 || r.CandidateWords != 8 {
		t.Errorf("words: interviewer %d candidate %d, want 7 and 8", r.InterviewerWords, r.CandidateWords)
	}
	if want := 4 / 6.2; math.Abs(r.TalkRatio-want) > 1e-9 {
		t.Errorf("talk ratio %v, want %v", r.TalkRatio, want)
	}
	if r.Duration != 0 || r.Completion != 0 || len(r.Questions) != 0 {
		t.Errorf("an interview never started: duration %v completion %v questions %d", r.Duration, r.Completion, len(r.Questions))
	}
	long := script(said{0, cd, repeatWords(1000), false})
	if got := measure(long)[0].speaking; got != maxLine {
		t.Errorf("a 1000-word last line speaks %v, want the cap %v", got, maxLine)
	}
}

func TestDurationWhileRunning(t *testing.T) {
	start := at(-10)
	s := interview.Session{Status: interview.StatusInProgress, StartedAt: &start}
	r := Compute(backend, s, backendCall, nil)
	if r.Duration != 68*time.Second {
		t.Errorf("running duration %v, want start to last line, 68s", r.Duration)
	}
}

func repeatWords(n int) string {
	b := make([]byte, 0, 2*n)
	for range n {
		b = append(b, "w "...)
	}
	return string(b)
}

type wantQ struct {
	asked, answered  bool
	found            string
	seq, first, last int64
	ttfw             time.Duration
	interruptions    int
}

func wantQuestions(t *testing.T, r Report, want []wantQ) {
	t.Helper()
	if len(r.Questions) != len(want) {
		t.Fatalf("%d questions, want %d", len(r.Questions), len(want))
	}
	for i, w := range want {
		q := r.Questions[i]
		got := wantQ{asked: q.Asked, answered: q.Answered, found: q.Found, seq: q.AskedSeq, first: q.FirstSeq, last: q.LastSeq, interruptions: q.Interruptions}
		if q.TimeToFirstWord != nil {
			got.ttfw = *q.TimeToFirstWord
		}
		if got != w {
			t.Errorf("question %d = %+v, want %+v", i+1, got, w)
		}
		if q.Number != i+1 || q.Text != backend.Questions[i] {
			t.Errorf("question %d numbered %d", i+1, q.Number)
		}
		if q.Asked != (q.AskedAt != nil) {
			t.Errorf("question %d asked %v at %v", i+1, q.Asked, q.AskedAt)
		}
	}
}

func TestMatchPrefersTheCloserQuestion(t *testing.T) {
	p := interview.Position{Questions: []string{"What database do you know best?", "Which database would you pick for a queue, and why?"}}
	entries := script(
		said{0, iv, "Which database would you pick for a queue, and why?", false},
		said{4, cd, "Postgres with SKIP LOCKED, it is enough.", false},
		said{10, iv, "And what database do you know best?", false},
		said{13, cd, "MySQL, from my first job.", false},
	)
	r := Compute(p, session(0, 20), entries, nil)
	wantAsked := []int64{3, 1}
	for i, q := range r.Questions {
		if q.AskedSeq != wantAsked[i] || !q.Answered {
			t.Errorf("question %d asked at line %d answered %v, want line %d answered", i+1, q.AskedSeq, q.Answered, wantAsked[i])
		}
	}
	// Asked out of order: each answer runs to the next asking in the
	// transcript, whatever its number.
	if r.Questions[1].LastSeq != 2 || r.Questions[0].FirstSeq != 4 {
		t.Errorf("answers %+v", r.Questions)
	}
}
