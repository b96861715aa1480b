package engine

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseInstructions(t *testing.T) {
	tests := []struct {
		name string
		text string
		want script
	}{
		{"convention", testInstructions, script{Candidate: "Ada Lovelace", Position: "Backend Engineer",
			Questions: []string{"Tell me about a project you are proud of.", "Why do you want to work with us?"}}},
		{"markdown and parentheses", "## Interview\n**Candidate:** Grace Hopper\n- Time limit: 30 minutes\n\n### Questions\n1) First?\n\n2) Second?\n",
			script{Candidate: "Grace Hopper", Questions: []string{"First?", "Second?"}}},
		{"continuation lines", "Questions:\n1. Describe a bug\n   you fixed.\n2. Next?\nThank the candidate at the end.\n3. Not a question\n",
			script{Questions: []string{"Describe a bug you fixed.", "Next?"}}},
		{"numbered lines before the heading are rules", "Rules:\n1. Be kind.\nQuestions\n1. Real one?\n",
			script{Questions: []string{"Real one?"}}},
		{"no convention", "You are a helpful assistant. Be brief.", script{}},
		{"a time limit is not a question", "Duration: 1 hour\nQuestions:\n1. Only?", script{Questions: []string{"Only?"}}},
		{"first value wins", "Candidate: A\nCandidate: B", script{Candidate: "A"}},
		{"control characters", "Candidate: Eve\x00\x07 Smith\r\nQuestions:\r\n1. Why\tnot?\r\n", script{Candidate: "Eve Smith", Questions: []string{"Why not?"}}},
		{"crlf line endings", "Candidate: Bo\r\nQuestions:\r\n1. One?\r\n2. Two?\r\n", script{Candidate: "Bo", Questions: []string{"One?", "Two?"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := parseInstructions(tc.text); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestParseInstructionsCaps(t *testing.T) {
	var b strings.Builder
	b.WriteString("Candidate: " + strings.Repeat("n", 500) + "\nQuestions:\n")
	for range 80 {
		b.WriteString("1. " + strings.Repeat("q", 5000) + "\n")
	}
	s := parseInstructions(b.String())
	if got := clean(strings.Repeat("a", maxNameLen-1)+" b", maxNameLen); utf8.RuneCountInString(got) > maxNameLen {
		t.Errorf("a space at the cap gave %d runes", utf8.RuneCountInString(got))
	}
	if utf8.RuneCountInString(s.Candidate) != maxNameLen || len(s.Questions) != maxQuestions ||
		utf8.RuneCountInString(s.Questions[0]) != maxQuestionLen {
		t.Errorf("caps not applied: name %d, %d questions", len(s.Candidate), len(s.Questions))
	}
}

func TestChunksRebuildTheLine(t *testing.T) {
	for _, text := range []string{"", "one", "Hello Ada, and thank you for joining.", "  spaced  out  ", "a b c d e f g"} {
		cs := chunks(text, 3)
		if joinChunks(cs) != text || len(cs) == 0 {
			t.Errorf("chunks(%q) = %q", text, cs)
		}
	}
}

func TestGreetingWithoutName(t *testing.T) {
	iv := newInterview(script{Questions: []string{"Q?"}})
	r := iv.decide(withTools)
	if r.before == nil || r.before.args != `{"index":1}` || !strings.HasPrefix(r.text, "Hello, and thank you") ||
		!strings.Contains(r.text, "one question") {
		t.Errorf("greeting %+v", r)
	}
}

func withTools(string) bool    { return true }
func withoutTools(string) bool { return false }

// TestInterviewerDecides walks the interviewer through a whole interview,
// with the function tools and without them.
func TestInterviewerDecides(t *testing.T) {
	s := script{Candidate: "Ada", Questions: []string{"One?", "Two?"}}
	type step struct {
		answer     string // "-" for no answer at all
		text, call string // a prefix of the message; the function call (name args)
		after      string // a function call after the message
	}
	calls := func(fc *funcCall) string {
		if fc == nil {
			return ""
		}
		return fc.name + " " + fc.args
	}
	for _, tt := range []struct {
		name  string
		tool  func(string) bool
		steps []step
	}{
		{"with tools", withTools, []step{
			{answer: "-", text: "Hello Ada", call: `question_asked {"index":1}`},
			{answer: "-", text: "Take your time."},
			{answer: "", text: "Sorry, I did not catch that."},
			{answer: "", text: "Thank you. And the last question: Two?", call: `question_asked {"index":2}`},
			{answer: "Because.", call: `end_interview {"reason":"completed"}`},
			{answer: "-", text: "Thank you, Ada. That was the last question"},
			{answer: "Bye!", text: "Goodbye."},
		}},
		{"without tools", withoutTools, []step{
			{answer: "-", text: "Hello Ada"},
			{answer: "A compiler.", text: "Thank you. And the last question: Two?"},
			{answer: "-", text: "Take your time."},
			{answer: "-", text: "Thank you, Ada. That was the last question"},
			{answer: "-", text: "Goodbye."},
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			iv := newInterview(s)
			for i, st := range tt.steps {
				if st.answer != "-" {
					iv.heard(fmt.Sprint("item_", i))
					iv.transcribed(fmt.Sprint("item_", i), st.answer == "")
				}
				r := iv.decide(tt.tool)
				if r.after != nil && r.after.name == toolEndInterview || r.before != nil && r.before.name == toolEndInterview {
					iv.ended = true // the engine sets it as it emits the call
				}
				if !strings.HasPrefix(r.text, st.text) || calls(r.before) != st.call || calls(r.after) != st.after {
					t.Fatalf("step %d: %q before %q after %q, want %q, %q, %q", i, r.text, calls(r.before), calls(r.after), st.text, st.call, st.after)
				}
			}
		})
	}
	iv := newInterview(script{})
	if r := iv.decide(withTools); !strings.Contains(r.text, "no questions") || calls(r.after) != `end_interview {"reason":"no_questions"}` {
		t.Errorf("no questions: %+v", r)
	}
}

func FuzzParseInstructions(f *testing.F) {
	f.Add(testInstructions)
	f.Add("Questions:\n1. a\n  b\n2) c\nTime limit: 5m\nCandidate: **x**")
	f.Add("1.\n1. \n9999. x\nquestion\n1.\tTab")
	// A space that fell on the last allowed rune once took the name one rune past its cap.
	f.Add("Candidate:" + strings.Repeat("0", 99) + " 0")
	f.Fuzz(func(t *testing.T, text string) {
		s := parseInstructions(text)
		if len(s.Questions) > maxQuestions || utf8.RuneCountInString(s.Candidate) > maxNameLen {
			t.Fatalf("caps exceeded: %+v", s)
		}
		for _, q := range s.Questions {
			if q == "" || !utf8.ValidString(q) || utf8.RuneCountInString(q) > maxQuestionLen {
				t.Fatalf("bad question %q", q)
			}
		}
		iv := newInterview(s)
		if r := iv.decide(withTools); r.text == "" && r.before == nil {
			t.Fatal("empty greeting")
		}
	})
}

// TestResume: the instructions of a reconnected call name the question to
// continue with, and the interviewer welcomes the candidate back there
// instead of starting over.
func TestResume(t *testing.T) {
	text := "Candidate: Ada\nResume at question: 2\nQuestions, to be asked in this order:\n1. First?\n2. Second?\n3. Third?\n"
	s := parseInstructions(text)
	if s.Resume != 2 || len(s.Questions) != 3 {
		t.Fatalf("script %+v", s)
	}
	iv := newInterview(s)
	r := iv.decide(withTools)
	if r.before == nil || r.before.args != `{"index":2}` || !strings.HasPrefix(r.text, "Welcome back, Ada.") ||
		!strings.HasSuffix(r.text, "Question 2: Second?") {
		t.Errorf("greeting %+v", r)
	}
	iv.heard("item_1")
	if next := iv.decide(withTools); !strings.HasSuffix(next.text, "Third?") || next.before.args != `{"index":3}` {
		t.Errorf("after the resumed question comes %+v", next)
	}
	done := newInterview(parseInstructions("Resume at question: 4\nQuestions:\n1. A?\n2. B?\n3. C?\n"))
	if r := done.decide(withTools); r.after == nil || r.after.name != toolEndInterview || !strings.Contains(r.text, "Welcome back") {
		t.Errorf("resume after every question: %+v", r)
	}
	for _, bad := range []string{"Resume at question: x", "Resume at question: -1", "Resume at question: 999999"} {
		if s := parseInstructions(bad + "\nQuestions:\n1. A?\n"); s.Resume != 0 {
			t.Errorf("%q gave resume %d", bad, s.Resume)
		}
	}
}
