package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/webhooks"
)

// hookReceiver is a webhook endpoint that keeps every event it is sent.
type hookReceiver struct {
	URL    string
	events chan webhooks.Event
}

func newHookReceiver(t *testing.T) *hookReceiver {
	h := &hookReceiver{events: make(chan webhooks.Event, 16)}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var ev webhooks.Event
		body, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(body, &ev); err != nil {
			t.Errorf("webhook body %q: %v", body, err)
			http.Error(w, "bad body", http.StatusBadRequest)
			return
		}
		h.events <- ev
	}))
	t.Cleanup(srv.Close)
	h.URL = srv.URL + "/hook"
	return h
}

// wait returns the first event of type typ, skipping others.
func (h *hookReceiver) wait(t *testing.T, typ string) webhooks.Event {
	t.Helper()
	timeout := time.After(30 * time.Second)
	for {
		select {
		case ev := <-h.events:
			if ev.Type == typ {
				return ev
			}
		case <-timeout:
			t.Fatalf("no %s webhook within 30 s", typ)
		}
	}
}
