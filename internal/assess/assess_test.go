package assess_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/assess"
	"github.com/interviewd/interviewd/internal/assess/assesstest"
	"github.com/interviewd/interviewd/internal/interview"
)

func newClient(t *testing.T, timeout time.Duration) (*assess.Client, *assesstest.Server) {
	fake := assesstest.New(t)
	in := fixture()
	fake.Forbid("Anna", "Kowalska", in.Candidate.Email)
	return assess.New(assess.Config{BaseURL: fake.URL, APIKey: "sk-test", Model: "gpt-test", Timeout: timeout}), fake
}

func TestAssessVerifiesEvidence(t *testing.T) {
	c, fake := newClient(t, 0)
	fake.Push(assesstest.JSON(goodAnswer()))
	res, hash, err := c.Assess(context.Background(), fixture())
	if err != nil {
		t.Fatalf("Assess: %v", err)
	}
	if len(hash) != 64 {
		t.Errorf("hash %q is not SHA-256 hex", hash)
	}
	sd, comm := res.Competencies[0], res.Competencies[1]
	if sd.Key != "system-design" || sd.Score != 4 || len(sd.Evidence) != 2 || sd.Dropped != 0 || sd.Flagged {
		t.Errorf("system-design = %+v, want both quotes kept, not flagged", sd)
	}
	if comm.Key != "communication" || len(comm.Evidence) != 0 || comm.Dropped != 3 || !comm.Flagged {
		t.Errorf("communication = %+v, want every quote dropped and flagged", comm)
	}
	if want := (4.0*3 + 3*1) / 4; res.Overall != want {
		t.Errorf("overall = %v, want the weighted mean %v", res.Overall, want)
	}
	if res.Recommendation != interview.RecommendYes || len(res.Strengths) != 1 || res.Summary != "Solid design basics." {
		t.Errorf("result = %+v", res)
	}
	reqs := fake.Requests()
	if len(reqs) != 1 || reqs[0].Authorization != "Bearer sk-test" || string(reqs[0].Params.Model) != "gpt-test" {
		t.Fatalf("requests = %d, auth %q", len(reqs), reqs[0].Authorization)
	}
	for _, want := range []string{"[2] Candidate: Hi, I'm [name] [name].", "[email] for the design doc", "[1] Interviewer: Hello [name]", "key: system-design", "probed by questions: 1, 2"} {
		if !strings.Contains(reqs[0].Text, want) {
			t.Errorf("the prompt lacks %q:\n%s", want, reqs[0].Text)
		}
	}
	if strings.Contains(reqs[0].Text, "reconnected") {
		t.Errorf("the prompt holds a system line")
	}
}

func TestAssessFailures(t *testing.T) {
	tests := []struct {
		name    string
		replies []assesstest.Reply
		kind    error
		reason  string
		asked   int
	}{
		{"malformed three times", []assesstest.Reply{assesstest.Malformed(), assesstest.Malformed(), assesstest.Malformed()},
			assess.ErrSchema, "is not the JSON asked for", 3},
		{"missing competency then fine", []assesstest.Reply{assesstest.Violating(without(goodAnswer(), 1)), assesstest.JSON(goodAnswer())},
			nil, "", 2},
		{"score out of range", []assesstest.Reply{assesstest.Violating(scored(goodAnswer(), 9)), assesstest.Violating(scored(goodAnswer(), 0)), assesstest.Violating(scored(goodAnswer(), 6))},
			assess.ErrSchema, "not a whole number from 1 to 5", 3},
		{"refusal", []assesstest.Reply{assesstest.Refusal("I cannot assess people.")}, assess.ErrRefused, "the model refused: I cannot assess people.", 1},
		{"rate limited", []assesstest.Reply{assesstest.Status(http.StatusTooManyRequests, "7")}, assess.ErrTransient, "answered 429", 1},
		{"server error", []assesstest.Reply{assesstest.Status(http.StatusInternalServerError, "")}, assess.ErrTransient, "answered 500", 1},
		{"bad key", []assesstest.Reply{assesstest.Status(http.StatusUnauthorized, "")}, assess.ErrPermanent, "answered 401", 1},
		{"too slow", []assesstest.Reply{assesstest.Slow(2*time.Second, assesstest.JSON(goodAnswer()))}, assess.ErrTransient, "did not answer in time", 1},
		{"cut off", []assesstest.Reply{{Content: `{"summary": "`, FinishReason: "length"}, assesstest.Malformed(), assesstest.Malformed()}, assess.ErrSchema, "is not the JSON", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, fake := newClient(t, 300*time.Millisecond)
			fake.Push(tt.replies...)
			_, hash, err := c.Assess(context.Background(), fixture())
			if got := len(fake.Requests()); got != tt.asked {
				t.Errorf("asked %d times, want %d", got, tt.asked)
			}
			if hash == "" {
				t.Errorf("no transcript hash")
			}
			if tt.kind == nil {
				if err != nil {
					t.Fatalf("Assess: %v", err)
				}
				return
			}
			var f *assess.Failure
			if !errors.As(err, &f) || !errors.Is(err, tt.kind) || !strings.Contains(f.Reason, tt.reason) {
				t.Fatalf("err = %v, want %v with %q", err, tt.kind, tt.reason)
			}
			if tt.name == "rate limited" && f.RetryAfter != 7*time.Second {
				t.Errorf("RetryAfter = %v, want 7s", f.RetryAfter)
			}
		})
	}
}

func TestAssessUnreachable(t *testing.T) {
	c := assess.New(assess.Config{BaseURL: "http://127.0.0.1:1/v1", Model: "m"})
	_, _, err := c.Assess(context.Background(), fixture())
	if !errors.Is(err, assess.ErrTransient) || !strings.Contains(err.Error(), "cannot reach") {
		t.Fatalf("err = %v, want a transient failure", err)
	}
}

func TestAssessNeedsCandidateLines(t *testing.T) {
	in := fixture()
	in.Transcript = in.Transcript[:1]
	c, _ := newClient(t, 0)
	if _, _, err := c.Assess(context.Background(), in); !errors.Is(err, assess.ErrPermanent) {
		t.Fatalf("err = %v, want ErrPermanent before asking", err)
	}
}

func TestBackoff(t *testing.T) {
	want := []time.Duration{10 * time.Second, 30 * time.Second, 2 * time.Minute, 10 * time.Minute, 10 * time.Minute}
	for i, w := range want {
		if got := assess.Backoff(i + 1); got != w {
			t.Errorf("Backoff(%d) = %v, want %v", i+1, got, w)
		}
	}
}

// without drops competency i from an answer.
func without(a map[string]any, i int) map[string]any {
	cs := a["competencies"].([]any)
	a["competencies"] = append(append([]any{}, cs[:i]...), cs[i+1:]...)
	return a
}

// scored sets every competency's score.
func scored(a map[string]any, score int) map[string]any {
	for _, c := range a["competencies"].([]any) {
		c.(map[string]any)["score"] = score
	}
	return a
}
