package assess_test

import (
	"time"

	"github.com/interviewd/interviewd/internal/assess"
	"github.com/interviewd/interviewd/internal/interview"
)

// fixture is a short interview of Anna Kowalska for a backend position.
func fixture() assess.Input {
	at := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	line := func(seq int64, who interview.Speaker, text string) interview.TranscriptEntry {
		return interview.TranscriptEntry{Seq: seq, Speaker: who, Text: text, Timestamp: at.Add(time.Duration(seq) * 10 * time.Second)}
	}
	r := interview.Rubric{
		Version: 2,
		Competencies: []interview.Competency{
			{Key: "system-design", Name: "System design", Description: "Designs services that scale", Weight: 3,
				Anchor1: "No structure", Anchor3: "Sound but generic", Anchor5: "Clear trade-offs with numbers"},
			{Key: "communication", Name: "Communication", Description: "Clear and structured", Weight: 1},
		},
		QuestionLinks: [][]string{{"system-design", "communication"}, {"communication"}},
	}
	return assess.Input{
		Position: interview.Position{Title: "Backend engineer", Description: "Go services on PostgreSQL", Language: "en",
			Questions: []string{"Design a URL shortener.", "Tell me about a project you led."}},
		Rubric:    r,
		Candidate: interview.Candidate{Name: "Anna Kowalska", Email: "anna.k@example.com"},
		Transcript: []interview.TranscriptEntry{
			line(1, interview.SpeakerInterviewer, "Hello Anna, thanks for joining. Design a URL shortener."),
			line(2, interview.SpeakerCandidate, "Hi, I'm Anna Kowalska. I would hash the URL, store it in PostgreSQL, and cache hot keys in Redis."),
			line(3, interview.SpeakerSystem, "Candidate reconnected"),
			line(4, interview.SpeakerInterviewer, "Tell me about a project you led."),
			line(5, interview.SpeakerCandidate, "I led the billing rewrite; write to me at ANNA.K@example.com for the design doc. We cut p99 latency by 40%."),
		},
	}
}

// goodAnswer is a schema-valid answer for fixture's rubric, with one
// quote of each kind: exact, loosely punctuated, from the wrong line, from
// the interviewer, and invented.
func goodAnswer() map[string]any {
	return map[string]any{
		"competencies": []any{
			map[string]any{"key": "system-design", "score": 4, "rationale": "Hashing plus a cache.", "evidence": []any{
				map[string]any{"seq": 2, "quote": "store it in PostgreSQL, and cache hot keys in Redis"},
				map[string]any{"seq": 5, "quote": "WE CUT P99 latency   by 40"},
			}},
			map[string]any{"key": "communication", "score": 3, "rationale": "Clear.", "evidence": []any{
				map[string]any{"seq": 5, "quote": "store it in PostgreSQL"},
				map[string]any{"seq": 1, "quote": "thanks for joining"},
				map[string]any{"seq": 2, "quote": "I am a great communicator"},
			}},
		},
		"summary": "Solid design basics.", "strengths": []any{"Caching", " "}, "concerns": []any{},
		"follow_ups": []any{"How would you expire links?"}, "recommendation": "yes",
	}
}
