package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
)

// readyTimeout bounds the store ping of /readyz, so that a hung database
// makes the probe fail rather than hang.
const readyTimeout = 2 * time.Second

// errStoreDown is what /readyz tells clients when the store does not answer.
var errStoreDown = &interview.Error{Code: interview.CodeUnavailable, Message: "store unreachable"}

// healthz reports that the process is alive. It never touches the store, so
// a database outage does not make the platform restart a healthy process.
func (s *server) healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// readyz reports whether the instance can serve: the store must answer a
// ping within readyTimeout.
func (s *server) readyz(w http.ResponseWriter, r *http.Request) {
	if err := s.pingStore(r.Context()); err != nil {
		s.fail(w, r, fmt.Errorf("%w: %w", errStoreDown, err))
		return
	}
	body := map[string]string{
		"status":   "ready",
		"store":    s.mode.Store,
		"provider": s.mode.Provider,
		"auth":     s.mode.Auth,
	}
	if s.mode.Speech != "" {
		body["speech"] = s.mode.Speech
	}
	writeJSON(w, http.StatusOK, body)
}

// pingStore pings the store with readyTimeout.
func (s *server) pingStore(ctx context.Context) error {
	if s.store == nil {
		return errors.New("no store configured")
	}
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	return s.store.Ping(ctx)
}
