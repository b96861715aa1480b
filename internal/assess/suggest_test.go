package assess_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/interviewd/interviewd/internal/assess"
	"github.com/interviewd/interviewd/internal/assess/assesstest"
	"github.com/interviewd/interviewd/internal/hiring"
	"github.com/interviewd/interviewd/internal/interview"
)

func plan(questions ...map[string]any) map[string]any {
	qs := make([]any, len(questions))
	for i, q := range questions {
		qs[i] = q
	}
	return map[string]any{"questions": qs, "competencies": []any{
		map[string]any{"name": "System design", "description": "Scales things", "weight": 4, "anchor_1": "a", "anchor_3": "b", "anchor_5": "c"},
		map[string]any{"name": "Communication", "description": "Clear", "weight": 1, "anchor_1": "", "anchor_3": "", "anchor_5": ""},
	}}
}

func q(text string, competencies ...any) map[string]any {
	return map[string]any{"text": text, "competencies": append([]any{}, competencies...)}
}

func TestSuggestQuestions(t *testing.T) {
	fake := assesstest.New(t)
	c := assess.New(assess.Config{BaseURL: fake.URL, Model: "gpt-test"})
	fake.Push(assesstest.JSON(plan(q("Design a cache.", "System design", "communication", "Nonexistent"), q("Explain it to a PM.", "Communication"))))
	sg, err := c.SuggestQuestions(context.Background(), hiring.SuggestInput{Title: "Backend engineer", Description: "Go", Language: "de", Count: 2})
	if err != nil {
		t.Fatalf("SuggestQuestions: %v", err)
	}
	if !slices.Equal(sg.Questions, []string{"Design a cache.", "Explain it to a PM."}) {
		t.Errorf("questions %q", sg.Questions)
	}
	r := sg.Rubric
	if len(r.Competencies) != 2 || r.Competencies[0].Key != "system-design" || r.Competencies[0].Weight != 4 || r.Competencies[0].Anchor5 != "c" {
		t.Errorf("competencies %+v", r.Competencies)
	}
	if !slices.Equal(r.QuestionLinks[0], []string{"communication", "system-design"}) || !slices.Equal(r.QuestionLinks[1], []string{"communication"}) {
		t.Errorf("links %q", r.QuestionLinks)
	}
	if err := r.Validate(); err != nil {
		t.Errorf("the suggested rubric is invalid: %v", err)
	}
	text := fake.Requests()[0].Text
	for _, want := range []string{"Job title: Backend engineer", "Propose 2 questions.", `"de"`} {
		if !strings.Contains(text, want) {
			t.Errorf("the request lacks %q", want)
		}
	}
}

func TestSuggestQuestionsFailures(t *testing.T) {
	bad := plan(q("Design a cache."))
	bad["competencies"].([]any)[0].(map[string]any)["name"] = " "
	tests := []struct {
		name    string
		replies []assesstest.Reply
		reason  string
	}{
		{"invalid rubric", []assesstest.Reply{assesstest.JSON(bad), assesstest.JSON(bad), assesstest.JSON(bad)}, "the model's rubric is not valid"},
		{"refusal", []assesstest.Reply{assesstest.Refusal("No.")}, "the model refused: No."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := assesstest.New(t)
			c := assess.New(assess.Config{BaseURL: fake.URL, Model: "gpt-test"})
			fake.Push(tt.replies...)
			_, err := c.SuggestQuestions(context.Background(), hiring.SuggestInput{Title: "Chef", Count: 1})
			var e *interview.Error
			if !errors.As(err, &e) || e.Code != interview.CodeUnavailable || !strings.Contains(err.Error(), tt.reason) {
				t.Fatalf("err = %v, want unavailable with %q", err, tt.reason)
			}
			if len(fake.Requests()) != len(tt.replies) {
				t.Errorf("asked %d times, want %d", len(fake.Requests()), len(tt.replies))
			}
		})
	}
}
