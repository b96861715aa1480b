package webhooks

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/hiring"
	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// received is one request the integrator's endpoint got.
type received struct {
	header http.Header
	body   []byte
}

// integrator is the receiving side: a real HTTP server, as an integration
// runs it, answering with the codes it is given in turn (then the last one
// for ever).
type integrator struct {
	*httptest.Server
	mu    sync.Mutex
	got   []received
	codes []int
}

func newIntegrator(t *testing.T, codes ...int) *integrator {
	t.Helper()
	in := &integrator{codes: codes}
	in.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		in.mu.Lock()
		in.got = append(in.got, received{header: r.Header.Clone(), body: body})
		code := in.codes[min(len(in.got), len(in.codes))-1]
		in.mu.Unlock()
		w.WriteHeader(code)
		io.WriteString(w, strings.Repeat("x", 64<<10)) // a large body, read only in part
	}))
	t.Cleanup(in.Close)
	return in
}

func (in *integrator) requests() []received {
	in.mu.Lock()
	defer in.mu.Unlock()
	return append([]received(nil), in.got...)
}

// clock is a settable time for the sender.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// outbox is a tenant with an interview and one webhook endpoint.
type outbox struct {
	st        store.Store
	tenant    string
	interview interview.Session
	endpoint  interview.WebhookEndpoint
}

// newOutbox makes a tenant, a position, a candidate, a pending interview
// and an endpoint at url, created as an API key would.
func newOutbox(t *testing.T, st store.Store, url string, events ...string) outbox {
	t.Helper()
	ctx := t.Context()
	tenant := interview.Tenant{Name: "Acme"}
	must(t, st.CreateTenant(ctx, &tenant, ""))
	p := interview.Position{TenantID: tenant.ID, Title: "Backend engineer", Questions: []string{"Why?"}}
	must(t, st.CreatePosition(ctx, &p))
	c := interview.Candidate{TenantID: tenant.ID, Name: "Ada Lovelace", Email: "ada@example.com"}
	must(t, st.CreateCandidate(ctx, &c))
	v := interview.Session{TenantID: tenant.ID, PositionID: p.ID, CandidateID: c.ID,
		JoinTokenHash: "hash-" + tenant.ID, JoinExpiresAt: time.Now().Add(time.Hour)}
	must(t, st.CreateSession(ctx, &v))
	key := hiring.KeyActor(interview.APIKey{ID: "key", TenantID: tenant.ID})
	ep, err := NewEndpoints(st).Create(ctx, key, EndpointInput{URL: url, Events: events})
	must(t, err)
	return outbox{st: st, tenant: tenant.ID, interview: v, endpoint: ep}
}

// move walks the interview through statuses, one second apart, ending a
// second before at.
func (o outbox) move(t *testing.T, at time.Time, to ...interview.Status) {
	t.Helper()
	for i, s := range to {
		when := at.Add(time.Duration(i-len(to)) * time.Second)
		if _, err := o.st.TransitionSession(t.Context(), o.tenant, o.interview.ID, s, "test", when); err != nil {
			t.Fatalf("move to %s: %v", s, err)
		}
	}
}

func (o outbox) deliveries(t *testing.T) []interview.WebhookDelivery {
	t.Helper()
	list, err := o.st.ListWebhookDeliveries(t.Context(), o.tenant, o.endpoint.ID, 50)
	must(t, err)
	return list
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// newTestSender is a sender to loopback integrators, on a settable clock.
func newTestSender(st store.Store, c *clock, schedule ...time.Duration) *Sender {
	return NewSender(Config{Store: st, PublicURL: "https://interviews.example.com", AllowPrivate: true,
		Schedule: schedule, Now: c.now})
}

// TestDeliversEventsInOrder: an interview starts and completes; the
// integrator gets both events, signed, in order, describing the interview.
func TestDeliversEventsInOrder(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		in := newIntegrator(t, http.StatusNoContent)
		o := newOutbox(t, st, in.URL+"/hooks?token=abc")
		c := &clock{t: time.Now()}
		o.move(t, c.now(), interview.StatusReady, interview.StatusInProgress, interview.StatusCompleted)

		n, err := newTestSender(st, c).SendDue(t.Context())
		if err != nil || n != 2 {
			t.Fatalf("SendDue = %d, %v; want 2 attempts", n, err)
		}
		got := in.requests()
		if len(got) != 2 {
			t.Fatalf("integrator got %d requests, want 2", len(got))
		}
		for i, want := range []string{interview.EventInterviewStarted, interview.EventInterviewCompleted} {
			if err := Verify(o.endpoint.Secret, got[i].header, got[i].body, time.Now(), 0); err != nil {
				t.Errorf("request %d does not verify: %v", i, err)
			}
			var ev Event
			must(t, json.Unmarshal(got[i].body, &ev))
			if ev.Type != want {
				t.Errorf("request %d is %s, want %s", i, ev.Type, want)
			}
			checkEventData(t, ev, o)
		}
		if got[0].header.Get(HeaderID) == got[1].header.Get(HeaderID) {
			t.Error("two deliveries share a webhook-id")
		}
		for _, d := range o.deliveries(t) {
			if d.Status != interview.DeliveryDelivered || d.Attempts != 1 || d.LastCode != 204 {
				t.Errorf("delivery %s: %s after %d attempts, code %d", d.Event, d.Status, d.Attempts, d.LastCode)
			}
		}
	})
}

func checkEventData(t *testing.T, ev Event, o outbox) {
	t.Helper()
	d := ev.Data
	wantURL := "https://interviews.example.com/api/v1/interviews/" + o.interview.ID + "/transcript"
	if d.InterviewID != o.interview.ID || d.Status != "completed" || d.PositionID != o.interview.PositionID ||
		d.Candidate.Name != "Ada Lovelace" || d.Candidate.Email != "ada@example.com" ||
		d.StartedAt == nil || d.EndedAt == nil || d.EndReason != "test" || d.TranscriptURL != wantURL {
		t.Errorf("event data %+v", d)
	}
	if ev.Timestamp.IsZero() || ev.Timestamp.Location() != time.UTC {
		t.Errorf("event timestamp %v", ev.Timestamp)
	}
}

// TestRetriesAfterFailure: a 500 is retried after the first wait, with the
// same webhook-id, and then delivered.
func TestRetriesAfterFailure(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		in := newIntegrator(t, http.StatusInternalServerError, http.StatusOK)
		o := newOutbox(t, st, in.URL, interview.EventInterviewStarted)
		c := &clock{t: time.Now()}
		o.move(t, c.now(), interview.StatusReady, interview.StatusInProgress, interview.StatusCompleted)
		s := newTestSender(st, c, time.Minute, time.Hour)

		sendDue(t, s, 1)
		d := o.deliveries(t)
		if len(d) != 1 || d[0].Status != interview.DeliveryPending || d[0].Attempts != 1 || d[0].LastCode != 500 ||
			d[0].LastError != "HTTP 500" || d[0].NextAttempt.Sub(c.now()).Round(time.Second) != time.Minute {
			t.Fatalf("after a 500: %+v", d)
		}
		sendDue(t, s, 0) // not due yet
		c.add(2 * time.Minute)
		sendDue(t, s, 1)
		d = o.deliveries(t)
		if d[0].Status != interview.DeliveryDelivered || d[0].Attempts != 2 || d[0].LastCode != 200 || d[0].LastError != "" || d[0].DeliveredAt == nil {
			t.Fatalf("after a 200: %+v", d[0])
		}
		got := in.requests()
		if len(got) != 2 || got[0].header.Get(HeaderID) != got[1].header.Get(HeaderID) || got[0].header.Get(HeaderID) != d[0].ID {
			t.Errorf("the retry is not the same delivery: %d requests", len(got))
		}
	})
}

// TestFailsAfterSchedule: an endpoint that never answers 2xx gets the
// first attempt and one per scheduled retry, then the delivery fails.
func TestFailsAfterSchedule(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		in := newIntegrator(t, http.StatusServiceUnavailable)
		o := newOutbox(t, st, in.URL, interview.EventInterviewAbandoned)
		c := &clock{t: time.Now()}
		o.move(t, c.now(), interview.StatusAbandoned)
		s := newTestSender(st, c, time.Second, time.Second)
		for range 3 {
			sendDue(t, s, 1)
			c.add(2 * time.Second)
		}
		sendDue(t, s, 0)
		d := o.deliveries(t)
		if len(d) != 1 || d[0].Status != interview.DeliveryFailed || d[0].Attempts != 3 || d[0].LastCode != 503 {
			t.Fatalf("after the schedule: %+v", d)
		}
		if n := len(in.requests()); n != 3 {
			t.Errorf("integrator got %d requests, want 3", n)
		}
	})
}

// TestRefusesPrivateAddresses: without AllowPrivate, a delivery to a
// loopback server is refused at dial time and never reaches it.
func TestRefusesPrivateAddresses(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		in := newIntegrator(t, http.StatusOK)
		o := newOutbox(t, st, in.URL)
		c := &clock{t: time.Now()}
		o.move(t, c.now(), interview.StatusReady, interview.StatusFailed)
		s := NewSender(Config{Store: st, PublicURL: "https://x.example", Schedule: []time.Duration{time.Minute}, Now: c.now})
		sendDue(t, s, 1)
		d := o.deliveries(t)
		if len(d) != 1 || d[0].Status != interview.DeliveryPending || d[0].LastCode != 0 || d[0].LastError != "refused by the address filter" {
			t.Fatalf("after a private address: %+v", d)
		}
		if n := len(in.requests()); n != 0 {
			t.Errorf("the private server got %d requests", n)
		}
	})
}

func sendDue(t *testing.T, s *Sender, want int) {
	t.Helper()
	n, err := s.SendDue(t.Context())
	if err != nil || n != want {
		t.Fatalf("SendDue = %d, %v; want %d attempts", n, err, want)
	}
}

// TestRunNudged: a running sender sends when nudged, and stops when asked.
func TestRunNudged(t *testing.T) {
	st := openSQLite(t)
	in := newIntegrator(t, http.StatusOK)
	o := newOutbox(t, st, in.URL)
	s := NewSender(Config{Store: st, AllowPrivate: true, Interval: time.Hour})
	stop := s.Start(context.Background())
	defer stop()
	o.move(t, time.Now(), interview.StatusReady, interview.StatusInProgress)
	s.Nudge()
	deadline := time.Now().Add(5 * time.Second)
	for len(in.requests()) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if len(in.requests()) != 1 {
		t.Fatalf("nudged sender sent %d requests", len(in.requests()))
	}
	stop()
}
