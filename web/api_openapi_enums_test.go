package web

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/webhooks"
)

// TestOpenAPIEnumsMatchTheDomain checks every closed list the API
// documents against the Go list it comes from, so that a new status,
// event or recommendation cannot be served undocumented.
func TestOpenAPIEnumsMatchTheDomain(t *testing.T) {
	doc := openAPIDoc(t)
	cases := []struct {
		schema string
		want   []string
	}{
		{"Status", strs(interview.Statuses)},
		{"WebhookEventName", interview.WebhookEvents},
		{"HiringStatus", strs(interview.HiringStatuses)},
		{"Recommendation", strs(interview.Recommendations)},
	}
	for _, c := range cases {
		var got []string
		for _, v := range dig(doc, "components", "schemas", c.schema, "enum").([]any) {
			got = append(got, fmt.Sprint(v))
		}
		if !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(c.want))) {
			t.Errorf("openapi.json %s = %v, the code has %v", c.schema, got, c.want)
		}
	}
}

func strs[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// TestOpenAPIWebhookEventDescribesEveryEvent checks that the body of each
// event, interview.assessed with its assessment included, matches the
// documented WebhookEvent schema.
func TestOpenAPIWebhookEventDescribesEveryEvent(t *testing.T) {
	at := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	for _, name := range interview.WebhookEvents {
		ev := webhooks.Event{Type: name, Timestamp: at, Data: webhooks.EventData{
			InterviewID: "iv", Status: string(interview.StatusCompleted), PositionID: "p",
			Candidate: webhooks.EventCandidate{Name: "Ada", Email: "ada@example.com"},
			StartedAt: &at, EndedAt: &at, EndReason: "completed",
			TranscriptURL: "https://example.com/api/v1/interviews/iv/transcript",
		}}
		if name == interview.EventInterviewAssessed {
			ev.Data.Assessment = &webhooks.EventAssessment{ID: "a", Overall: 3.5,
				Recommendation: string(interview.RecommendYes), Model: "m",
				URL: "https://example.com/api/v1/interviews/iv/assessment"}
		}
		body, err := json.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(name, func(t *testing.T) { checkSchema(t, "WebhookEvent", body) })
	}
}
