package assess

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/interviewd/interviewd/internal/interview"
)

// FuzzVerifyEvidence holds the evidence matcher to its rule: a kept quote
// is non-empty and occurs, as whole normalised words, in a candidate's
// line; the line itself, and any run of its words, is always kept.
func FuzzVerifyEvidence(f *testing.F) {
	f.Add("I'd cache hot keys in Redis.", "cache HOT keys", int64(2), true)
	f.Add("Straße und Café, 40%!", "strasse", int64(2), true)
	f.Add("hello world", "ello worl", int64(2), true)
	f.Add("hello", "hello", int64(3), false)
	f.Add("", "  ", int64(2), true)
	f.Fuzz(func(t *testing.T, text, quote string, seq int64, candidate bool) {
		who := interview.SpeakerInterviewer
		if candidate {
			who = interview.SpeakerCandidate
		}
		lines := map[int64]interview.TranscriptEntry{2: {Seq: 2, Speaker: who, Text: text}}
		kept := VerifyQuote(lines, interview.Evidence{Seq: seq, Quote: quote})
		nq, nt := Normalize(quote), Normalize(text)
		if kept && (seq != 2 || !candidate || nq == "" || !strings.Contains(" "+nt+" ", " "+nq+" ")) {
			t.Fatalf("kept %q of %q (seq %d, candidate %v)", quote, text, seq, candidate)
		}
		if Normalize(nt) != nt || strings.Contains(nt, "  ") {
			t.Fatalf("Normalize(%q) = %q is not stable", text, nt)
		}
		if words := strings.Fields(nt); candidate && len(words) > 0 {
			run := strings.Join(words[len(words)/2:], " ")
			if !VerifyQuote(lines, interview.Evidence{Seq: 2, Quote: run}) {
				t.Fatalf("dropped %q, words of %q", run, text)
			}
		}
	})
}

// FuzzParseAnswer: any answer either fails as ErrSchema or gives every
// rubric competency once, scored 1–5, with an overall in range after
// verification.
func FuzzParseAnswer(f *testing.F) {
	r := interview.Rubric{Competencies: []interview.Competency{{Key: "a", Weight: 3}, {Key: "b", Weight: 1}}}
	good, _ := json.Marshal(map[string]any{"competencies": []any{
		map[string]any{"key": "a", "score": 5, "rationale": "", "evidence": []any{map[string]any{"seq": 1, "quote": "yes"}}},
		map[string]any{"key": "b", "score": 1, "rationale": "", "evidence": []any{}},
		map[string]any{"key": "zz", "score": 3},
	}, "summary": "", "strengths": nil, "concerns": []any{}, "follow_ups": []any{}, "recommendation": "no"})
	f.Add(string(good))
	f.Add(`{"competencies":[{"key":"a","score":2.5}],"summary":"x","recommendation":"yes"}`)
	f.Add(`{"competencies":[{"key":"a","score":1e400}]}`)
	f.Add(`[]`)
	lines := map[int64]interview.TranscriptEntry{1: {Seq: 1, Speaker: interview.SpeakerCandidate, Text: "Yes, I would."}}
	f.Fuzz(func(t *testing.T, content string) {
		a, err := parseAnswer(content, r)
		if err != nil {
			var fl *Failure
			if !asFailure(err, &fl) || fl.Kind != ErrSchema || fl.Reason == "" {
				t.Fatalf("err = %v, want a schema failure", err)
			}
			return
		}
		res := verify(a, r, lines)
		if len(res.Competencies) != 2 || res.Competencies[0].Key != "a" || res.Competencies[1].Key != "b" {
			t.Fatalf("competencies %+v", res.Competencies)
		}
		for _, c := range res.Competencies {
			if c.Score < interview.MinScore || c.Score > interview.MaxScore || c.Evidence == nil {
				t.Fatalf("competency %+v", c)
			}
		}
		if res.Overall < interview.MinScore || res.Overall > interview.MaxScore || !res.Recommendation.Valid() {
			t.Fatalf("overall %v, recommendation %q", res.Overall, res.Recommendation)
		}
	})
}

func asFailure(err error, f **Failure) bool {
	ff, ok := err.(*Failure)
	*f = ff
	return ok
}
