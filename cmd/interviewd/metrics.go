package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/interviewd/interviewd/internal/metrics"
)

// serveMetrics serves mx at GET /metrics, and ready (the detailed
// readiness check) at GET /readyz, on a listener of its own at addr
// (METRICS_ADDR), never on the public one: no token guards it, so it must
// only be reachable from the operator's network. It returns the metrics
// URL for the start-up line and a function that shuts the listener down.
func serveMetrics(addr string, mx *metrics.Metrics, ready http.Handler, logger *slog.Logger) (string, func(), error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, fmt.Errorf("METRICS_ADDR: cannot listen on %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", mx.Handler())
	mux.Handle("GET /readyz", ready)
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			logger.Error("metrics listener failed", "error", err.Error())
		}
	}()
	stop := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx) // a scrape in flight gets its answer; nothing else waits
		<-done
	}
	return "http://" + ln.Addr().String() + "/metrics", stop, nil
}
