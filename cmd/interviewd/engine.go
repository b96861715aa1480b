package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/interviewd/interviewd/internal/config"
	"github.com/interviewd/interviewd/internal/engine"
	"github.com/interviewd/interviewd/internal/speech"
)

// newEngine builds the local realtime engine with key and the speech tools
// found on this machine, for serve's built-in engine and the engine command.
func newEngine(key string, logger *slog.Logger) (*engine.Engine, error) {
	return newRecordingEngine(key, logger, nil)
}

// newRecordingEngine is newEngine with the engine's record written to
// record (nil: none).
func newRecordingEngine(key string, logger *slog.Logger, record io.Writer) (*engine.Engine, error) {
	tools := speech.Detect(context.Background(), nil)
	eng, err := engine.New(engine.Config{APIKey: key, Logger: logger.With("component", "engine"),
		Recognizer: tools.Recognizer, Synthesizer: tools.Synthesizer, Record: record})
	if err != nil {
		return nil, fmt.Errorf("local engine: %w", err)
	}
	return eng, nil
}

// serveEngine is `interviewd engine`: the local engine alone, serving the
// OpenAI-compatible API under /v1 (and /healthz) on PORT/ADDR until ctx
// ends. Its clients (a second interviewd through OPENAI_BASE_URL, or any
// OpenAI SDK) authenticate with ENGINE_API_KEY. It opens no store.
// derivePublicURL says PUBLIC_URL was not given, so the URL on the
// start-up line follows the port actually bound. With ENGINE_RECORD it
// appends its record to that file (docs/engine.md, "The record").
func serveEngine(ctx context.Context, cfg config.Config, derivePublicURL bool, stdout io.Writer) error {
	if err := cfg.RequireEngineKey(); err != nil {
		return err
	}
	logger := newLogger(stdout, cfg.LogLevel)
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("PORT/ADDR: cannot listen on %s: %w", cfg.Addr, err)
	}
	defer ln.Close() // on an early return; Serve has closed it otherwise
	if derivePublicURL {
		cfg.PublicURL = fmt.Sprintf("http://localhost:%d", ln.Addr().(*net.TCPAddr).Port)
	}
	var record io.Writer // ENGINE_RECORD; closed after the engine's calls have ended
	if cfg.EngineRecord != "" {
		f, err := os.OpenFile(cfg.EngineRecord, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
		if err != nil {
			return fmt.Errorf("ENGINE_RECORD: %w", err)
		}
		defer f.Close()
		record = f
	}
	eng, err := newRecordingEngine(cfg.EngineAPIKey, logger, record)
	if err != nil {
		return err
	}
	// Shutdown does not wait for the sidebands (hijacked connections):
	// Close ends every call once the server has drained.
	defer eng.Close()
	srv := &http.Server{
		Handler:           engineMux(eng, logger),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	logger.Info("interviewd engine is running", "url", cfg.PublicURL+"/v1", "listen", ln.Addr().String(),
		"speech", eng.Capabilities().String(), "version", version)
	return serveUntilDone(ctx, srv, ln, cfg.ShutdownTimeout, logger)
}

// engineMux serves the engine's API under /v1 and /healthz, and logs each
// request (never its headers: they carry the key).
func engineMux(eng *engine.Engine, logger *slog.Logger) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/v1/", eng.Handler())
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, "ok\n")
	})
	return accessLog(mux, logger.With("component", "http"))
}

// accessLog logs each request's method, path, status and duration once it
// is answered (a sideband's once its WebSocket ends).
func accessLog(next http.Handler, logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		status := rec.status
		if status == 0 {
			status = http.StatusOK
		}
		logger.Info("request", "method", r.Method, "path", r.URL.Path, "status", status,
			"duration", time.Since(start).Round(time.Millisecond).String())
	})
}

// statusRecorder remembers the status a handler wrote; it still lets the
// sideband take over its connection.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

// WriteHeader records the status and passes it on.
func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

// Write records the implicit 200 and passes the body on.
func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

// Hijack hands the connection to a WebSocket upgrade (101).
func (s *statusRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := s.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, fmt.Errorf("hijack: %T cannot be hijacked", s.ResponseWriter)
	}
	if s.status == 0 {
		s.status = http.StatusSwitchingProtocols
	}
	return hj.Hijack()
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }
