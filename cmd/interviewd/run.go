package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/interviewd/interviewd/internal/calls"
	"github.com/interviewd/interviewd/internal/config"
	"github.com/interviewd/interviewd/internal/engine"
	"github.com/interviewd/interviewd/internal/housekeeping"
	"github.com/interviewd/interviewd/internal/metrics"
	"github.com/interviewd/interviewd/internal/store"
	"github.com/interviewd/interviewd/internal/store/postgres"
	"github.com/interviewd/interviewd/internal/store/sqlite"
	"github.com/interviewd/interviewd/internal/webhooks"
	"github.com/interviewd/interviewd/web"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

// run is the whole program: main only adds the process's signals, arguments,
// environment and standard streams, so that tests can run it in-process.
func run(ctx context.Context, args []string, lookup func(string) (string, bool), stdout, stderr io.Writer) error {
	if len(args) > 1 {
		switch args[1] {
		case "version", "-version", "--version":
			fmt.Fprintln(stdout, "interviewd", version)
			return nil
		case "admin":
			return admin(ctx, args[2:], lookup, stdout)
		case "healthcheck":
			return healthcheck(ctx, lookup)
		case "serve", "engine":
		default:
			return fmt.Errorf("unknown command %q (want serve, engine, admin, healthcheck or version)", args[1])
		}
	}
	cfg, err := config.Load(lookup)
	if err != nil {
		return err
	}
	publicURL, _ := lookup("PUBLIC_URL")
	derive := strings.TrimSpace(publicURL) == ""
	if len(args) > 1 && args[1] == "engine" {
		return serveEngine(ctx, cfg, derive, stdout)
	}
	return serve(ctx, cfg, derive, stdout)
}

// serve opens the store, listens and serves until ctx ends, then drains.
// derivePublicURL says PUBLIC_URL was not given, so it follows the port
// actually bound (which matters for port 0).
func serve(ctx context.Context, cfg config.Config, derivePublicURL bool, stdout io.Writer) error {
	logger := newLogger(stdout, cfg.LogLevel)
	if err := prepareDataDir(&cfg); err != nil {
		return err
	}
	if cfg.DatabaseURL == "" {
		// SQLite serves one process: a second server on this DATA_DIR is
		// refused, naming DATABASE_URL as the way to run several.
		unlock, err := sqlite.LockDataDir(cfg.DataDir)
		if err != nil {
			return fmt.Errorf("DATA_DIR: %w", err)
		}
		defer unlock()
	}
	st, where, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	warnLooseModes(cfg.DataDir, logger)

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("PORT/ADDR: cannot listen on %s: %w", cfg.Addr, err)
	}
	defer ln.Close() // on an early return; Serve has closed it otherwise
	if derivePublicURL {
		cfg.PublicURL = fmt.Sprintf("http://localhost:%d", ln.Addr().(*net.TCPAddr).Port)
	}
	// Counted always (it is cheap), served only when METRICS_ADDR is set.
	mx := metrics.New()
	svc, err := newServices(cfg, st, mx, logger)
	if err != nil {
		return err
	}
	selfURL := fmt.Sprintf("http://127.0.0.1:%d", ln.Addr().(*net.TCPAddr).Port)
	if err := svc.startProvider(cfg, selfURL, logger); err != nil {
		return err
	}
	if svc.engine != nil {
		// The engine's sidebands are hijacked connections that Shutdown does
		// not wait for: end its calls first (deferred, so after the manager).
		defer svc.engine.Close()
	}
	if err := svc.startCalls(cfg, st, logger, mx); err != nil {
		return err
	}
	// On the way out the calls are drained, not hung up: each room is told
	// to reconnect (to another instance, or this one restarted) and resume
	// its call, which goes on at the provider (docs/scaling.md).
	defer drainCalls(svc.calls, cfg.ShutdownTimeout, logger)
	// Interviews in progress that no live instance owns (this process's
	// predecessor drained or died) are taken over: their calls are
	// re-attached by call ID, or get the reconnect window when gone.
	if _, err := svc.calls.Recover(ctx, cfg.TenantID); err != nil {
		return err
	}
	// Expired logins, day-old idempotency keys and long-expired invitations
	// are deleted hourly; stopped before the store closes.
	// Recordings: the room's uploads, and every 15 s a sweep finalising
	// the segments no browser will add to; stopped before the store closes
	// (docs/recordings.md).
	if err := svc.startRecordings(ctx, cfg, st, logger); err != nil {
		return err
	}
	stopRecordings := svc.recordings.Start(ctx)
	defer stopRecordings()
	janitor := housekeeping.New(housekeeping.Config{Store: st, Logger: logger.With("component", "housekeeping"),
		Recordings: svc.recordings})
	stopJanitor := janitor.Start(ctx)
	defer stopJanitor()
	// The webhook outbox is sent every few seconds; stopped before the
	// store closes (docs/webhooks.md).
	sender := webhooks.NewSender(webhooks.Config{Store: st, PublicURL: cfg.PublicURL,
		AllowPrivate: cfg.WebhookAllowPrivate, Logger: logger.With("component", "webhooks"), Metrics: mx})
	stopSender := sender.Start(ctx)
	defer stopSender()
	// The e-mail outbox, when SMTP_URL is set; stopped before the store
	// closes (docs/email.md).
	svc.startMail(cfg, st, logger)
	if svc.mail != nil {
		stopMail := svc.mail.Start(ctx)
		defer stopMail()
	}
	// AI assessments run from the assessments table; stopped before the
	// store closes, putting jobs in flight back (docs/assessment.md).
	if svc.assessor != nil {
		stopAssessor := svc.assessor.Start(ctx)
		defer stopAssessor()
	}
	mode := web.Mode{Store: cfg.Store(), Provider: cfg.Provider(), Auth: cfg.Auth(), Speech: svc.speech()}
	handler := web.NewServer(web.Deps{
		Logger:    logger,
		Store:     st,
		PublicURL: cfg.PublicURL,
		Mode:      mode,
		Accounts:  svc.recruiters,
		Team:      svc.accounts,
		Hiring:    svc.hiring,
		Engine:    engineHandler(svc.engine),

		Calls:        svc.calls,
		RTCTokens:    svc.rtcTokens,
		PinnedTenant: cfg.TenantID,
		Metrics:      mx,
		ClientIPs:    web.ClientIPs{TrustedProxies: cfg.TrustedProxies, Header: cfg.ClientIPHeader},
		Mail:         svc.mailer(),

		RecordingLinks: svc.recordingLinks,
		Recordings:     svc.recordings,
	})
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	attrs := []any{"url", cfg.PublicURL, "listen", ln.Addr().String(), "store", where,
		"provider", svc.providerName(cfg), "auth", cfg.Auth(), "assessment", assessmentName(cfg), "version", version}
	if cfg.MetricsAddr != "" {
		metricsURL, stopMetrics, err := serveMetrics(cfg.MetricsAddr, mx, web.ReadyDetails(st, mode), logger)
		if err != nil {
			return err
		}
		defer stopMetrics() // after the main server has drained
		attrs = append(attrs, "metrics", metricsURL)
	}
	logger.Info("interviewd is running", attrs...)
	return serveUntilDone(ctx, srv, ln, cfg.ShutdownTimeout, logger)
}

// serveUntilDone serves on ln until ctx ends, then gives in-flight requests
// up to timeout to finish.
func serveUntilDone(ctx context.Context, srv *http.Server, ln net.Listener, timeout time.Duration, logger *slog.Logger) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down", "timeout", timeout.String())
	sctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	logger.Info("stopped")
	return nil
}

// drainCalls hands the live calls on (calls.Manager.Drain), waiting up to
// timeout for the store writes it makes.
func drainCalls(m *calls.Manager, timeout time.Duration, logger *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := m.Drain(ctx); err != nil {
		logger.Warn("drain calls", "error", err.Error())
	}
}

// openStore opens the database the config selects and says where it is, for
// the start-up line (never the DATABASE_URL itself: it may hold a password).
func openStore(ctx context.Context, cfg config.Config) (store.Store, string, error) {
	if cfg.DatabaseURL != "" {
		st, err := postgres.Open(ctx, cfg.DatabaseURL)
		if err != nil {
			return nil, "", fmt.Errorf("DATABASE_URL: %w", err)
		}
		return st, "postgres", nil
	}
	path := filepath.Join(cfg.DataDir, "interviewd.db")
	if err := createPrivate(path); err != nil {
		return nil, "", fmt.Errorf("DATA_DIR: %w", err)
	}
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		return nil, "", fmt.Errorf("DATA_DIR: open %s: %w", path, err)
	}
	return st, "sqlite " + path, nil
}

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level)) // validated by config.Load
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l}))
}

// healthcheck asks a running interviewd on this machine for /healthz, for
// container health checks on images that have no curl.
func healthcheck(ctx context.Context, lookup func(string) (string, bool)) error {
	cfg, err := config.Load(lookup)
	if err != nil {
		return err
	}
	host, port, _ := net.SplitHostPort(cfg.Addr)
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+net.JoinHostPort(host, port)+"/healthz", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: /healthz answered %d", resp.StatusCode)
	}
	return nil
}

// engineHandler is the engine's API, or nil (no route) without an engine.
func engineHandler(eng *engine.Engine) http.Handler {
	if eng == nil {
		return nil
	}
	return eng.Handler()
}
