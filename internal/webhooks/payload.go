package webhooks

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
)

// Event is the body of a delivery: a thin event that names the interview
// and says how it is at the time of sending (which may be later than the
// change the event reports, after retries). The field names are the
// integration API's (camelCase).
type Event struct {
	Type      string    `json:"type"`      // interview.started, .completed, .abandoned, .failed, .assessed
	Timestamp time.Time `json:"timestamp"` // when the event happened (the status changed)
	Data      EventData `json:"data"`
}

// EventData is the interview an event is about.
type EventData struct {
	InterviewID   string         `json:"interviewId"`
	Status        string         `json:"status"`
	PositionID    string         `json:"positionId"`
	Candidate     EventCandidate `json:"candidate"`
	StartedAt     *time.Time     `json:"startedAt"`
	EndedAt       *time.Time     `json:"endedAt"`
	EndReason     string         `json:"endReason"`
	TranscriptURL string         `json:"transcriptUrl"` // the API's transcript, read with an API key
	// Assessment is the AI assessment an interview.assessed event
	// announces; absent from the other events.
	Assessment *EventAssessment `json:"assessment,omitempty"`
}

// EventAssessment summarises an AI assessment (advisory: people decide).
type EventAssessment struct {
	ID             string  `json:"id"`
	Overall        float64 `json:"overall"`
	Recommendation string  `json:"recommendation"`
	Model          string  `json:"model"`
	URL            string  `json:"url"` // the API's assessment, read with an API key
}

// EventCandidate is the person interviewed.
type EventCandidate struct {
	Name  string `json:"name"`
	Email string `json:"email"`
}

// Reader is what building an event reads: the privileged path of a
// store.Store, because a delivery may be of any tenant.
type Reader interface {
	GetSession(ctx context.Context, tenantID, id string) (interview.Session, error)
	GetCandidate(ctx context.Context, tenantID, id string) (interview.Candidate, error)
	GetAssessment(ctx context.Context, tenantID, id string) (interview.Assessment, error)
}

// BuildEvent makes the event of delivery d from its interview as it is now.
// publicURL prefixes the transcript's URL.
func BuildEvent(ctx context.Context, db Reader, publicURL string, d interview.WebhookDelivery) (Event, error) {
	v, err := db.GetSession(ctx, d.TenantID, d.InterviewID)
	if err != nil {
		return Event{}, fmt.Errorf("webhook event %s: interview %s: %w", d.ID, d.InterviewID, err)
	}
	c, err := db.GetCandidate(ctx, d.TenantID, v.CandidateID)
	if err != nil {
		return Event{}, fmt.Errorf("webhook event %s: candidate: %w", d.ID, err)
	}
	api := strings.TrimRight(publicURL, "/") + "/api/v1/interviews/" + v.ID
	ev := Event{
		Type:      d.Event,
		Timestamp: d.CreatedAt.UTC(),
		Data: EventData{
			InterviewID: v.ID, Status: string(v.Status), PositionID: v.PositionID,
			Candidate: EventCandidate{Name: c.Name, Email: c.Email},
			StartedAt: utc(v.StartedAt), EndedAt: utc(v.EndedAt), EndReason: v.EndReason,
			TranscriptURL: api + "/transcript",
		},
	}
	if d.AssessmentID != "" {
		a, err := db.GetAssessment(ctx, d.TenantID, d.AssessmentID)
		if err != nil {
			return Event{}, fmt.Errorf("webhook event %s: assessment %s: %w", d.ID, d.AssessmentID, err)
		}
		ev.Data.Assessment = &EventAssessment{ID: a.ID, Model: a.Model, URL: api + "/assessment"}
		if a.Result != nil {
			ev.Data.Assessment.Overall, ev.Data.Assessment.Recommendation = a.Result.Overall, string(a.Result.Recommendation)
		}
	}
	return ev, nil
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
