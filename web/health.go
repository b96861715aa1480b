package web

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// readyTimeout bounds the store ping of /readyz, so that a hung database
// makes the probe fail rather than hang.
const readyTimeout = 2 * time.Second

// errNotReady is all the public /readyz tells clients when the store does
// not answer: why is for the operator (ReadyDetails).
var errNotReady = &interview.Error{Code: interview.CodeUnavailable, Message: "not ready"}

// healthz reports that the process is alive. It never touches the store, so
// a database outage does not make the platform restart a healthy process.
func (s *server) healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// readyz reports whether the instance can serve: the store must answer a
// ping within readyTimeout. It says nothing else, since anyone can ask.
func (s *server) readyz(w http.ResponseWriter, r *http.Request) {
	if err := pingStore(r.Context(), s.store); err != nil {
		s.fail(w, r, errors.Join(errNotReady, err))
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

// ReadyDetails is /readyz for the operator's metrics listener: the same
// check, and the store, provider, auth and speech tools in use, and on
// failure why the store did not answer.
func ReadyDetails(st store.Store, mode Mode) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := map[string]string{"status": "ready", "store": mode.Store, "provider": mode.Provider, "auth": mode.Auth}
		if mode.Speech != "" {
			body["speech"] = mode.Speech
		}
		status := http.StatusOK
		if err := pingStore(r.Context(), st); err != nil {
			status, body["status"], body["error"] = http.StatusServiceUnavailable, "not ready", err.Error()
		}
		writeJSON(w, status, body)
	})
}

// pingStore pings st with readyTimeout.
func pingStore(ctx context.Context, st store.Store) error {
	if st == nil {
		return errors.New("no store configured")
	}
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	return st.Ping(ctx)
}
