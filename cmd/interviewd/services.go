package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/interviewd/interviewd/internal/assess"
	"github.com/interviewd/interviewd/internal/auth"
	"github.com/interviewd/interviewd/internal/calls"
	"github.com/interviewd/interviewd/internal/config"
	"github.com/interviewd/interviewd/internal/engine"
	"github.com/interviewd/interviewd/internal/hiring"
	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/mail"
	"github.com/interviewd/interviewd/internal/metrics"
	"github.com/interviewd/interviewd/internal/realtime"
	"github.com/interviewd/interviewd/internal/recording"
	"github.com/interviewd/interviewd/internal/recording/blobs"
	"github.com/interviewd/interviewd/internal/store"
	"github.com/interviewd/interviewd/web"
)

// services are the application services built once at start-up and shared
// by the HTTP layer and the admin commands.
type services struct {
	accounts *auth.Accounts
	// recruiters signs recruiters in: accounts, or Supabase Auth.
	recruiters auth.Recruiters
	hiring     *hiring.Service
	// engine is the local realtime engine; nil when OpenAI is the provider.
	engine *engine.Engine
	// provider is the realtime client: OpenAI, or the engine over loopback.
	provider *realtime.Client
	// sidebands dials the calls' sideband WebSockets: a client of its own,
	// so that an upgrade never takes a pooled connection that call creation
	// would reuse.
	sidebands *realtime.Client
	// calls runs the live interviews behind /rtc.
	calls *calls.Manager
	// rtcTokens signs and verifies the tokens that admit browsers to /rtc.
	rtcTokens *auth.RTCSigner
	// assessor runs AI assessments; nil when ASSESSMENT_MODEL is unset.
	assessor *assess.Worker
	// mail sends the e-mail outbox; nil when SMTP_URL is unset.
	mail *mail.Worker
	// recordingLinks signs the API's download links of recordings.
	recordingLinks *auth.RecordingLinks
	// recordings takes the room's recording uploads, finalises and
	// deletes them (docs/recordings.md).
	recordings *recording.Service
}

// startRecordings builds the recording service on the blob store that
// RECORDINGS_STORE names (files under DATA_DIR/recordings by default),
// with api.video keeping the finalised files when API_VIDEO_KEY is set.
// Its client has no overall timeout: an upload to api.video may be long.
func (svc *services) startRecordings(ctx context.Context, cfg config.Config, st store.Store, logger *slog.Logger) error {
	b, pub, err := blobs.FromConfig(ctx, cfg, &http.Client{})
	if err != nil {
		return fmt.Errorf("recordings: %w", err)
	}
	svc.recordings, err = recording.New(recording.Config{Store: st, Blobs: b, Publisher: pub,
		Logger: logger.With("component", "recordings")})
	return err
}

// countEnded counts the interviews the hiring service ends itself; nil
// metrics (the admin commands) count nothing.
func countEnded(mx *metrics.Metrics) func(interview.Status) {
	if mx == nil {
		return nil
	}
	return func(s interview.Status) { mx.InterviewEnded(string(s)) }
}

// newServices builds the services; mx may be nil, and so may logger (the
// admin commands).
func newServices(cfg config.Config, st store.Store, mx *metrics.Metrics, logger *slog.Logger) (services, error) {
	accounts, err := auth.NewAccounts(auth.AccountsConfig{Store: st, PinnedTenant: cfg.TenantID, SignUp: cfg.SignUp})
	if err != nil {
		return services{}, fmt.Errorf("accounts: %w", err)
	}
	links, err := auth.NewJoinLinks(cfg.JWTSecret)
	if err != nil {
		return services{}, fmt.Errorf("JWT_SECRET: %w", err)
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	var amx assess.Metrics // a nil interface, not a typed nil, when mx is nil
	if mx != nil {
		amx = mx
	}
	client, assessor := newAssessor(cfg, st, amx, logger.With("component", "assess"))
	hc := hiring.Config{Store: st, Links: links, PublicURL: cfg.PublicURL, Ended: countEnded(mx)}
	assessmentConfig(cfg, client, assessor, &hc)
	svc := services{
		accounts:   accounts,
		recruiters: accounts,
		hiring:     hiring.New(hc),
		assessor:   assessor,
	}
	if svc.recordingLinks, err = auth.NewRecordingLinks(cfg.JWTSecret, nil); err != nil {
		return services{}, fmt.Errorf("JWT_SECRET: %w", err)
	}
	if cfg.Auth() == "supabase" {
		if svc.recruiters, err = auth.NewSupabaseAccounts(auth.SupabaseConfig{
			URL: cfg.SupabaseURL, AnonKey: cfg.SupabaseAnonKey, JWTSecret: cfg.SupabaseJWTSecret,
			JWKSURL: cfg.SupabaseJWKSURL, Issuer: cfg.SupabaseJWTIssuer, IssuerSet: cfg.SupabaseJWTIssuerSet,
			CookieSecret: cfg.JWTSecret, Store: st, PinnedTenant: cfg.TenantID, SignUp: cfg.SignUp,
		}); err != nil {
			return services{}, fmt.Errorf("SUPABASE_URL: %w", err)
		}
	}
	return svc, nil
}

// startProvider builds the realtime provider: OpenAI (or whatever
// OpenAI-compatible server OPENAI_BASE_URL names, such as a standalone
// `interviewd engine`) when a key is set, else the local engine, which
// interviewd serves at /v1 on its own listener and reaches over loopback at
// selfURL, through the same client code.
func (svc *services) startProvider(cfg config.Config, selfURL string, logger *slog.Logger) error {
	base, key := cfg.OpenAIBaseURL, cfg.OpenAIAPIKey
	if key == "" {
		// ENGINE_API_KEY lets other clients use the built-in engine too;
		// unset, only this process can.
		key = cfg.EngineAPIKey
		if key == "" {
			key = auth.NewToken("sk-local-")
		}
		eng, err := newEngine(key, logger)
		if err != nil {
			return err
		}
		svc.engine, base = eng, selfURL+"/v1"
	}
	svc.provider = realtime.NewClient(base, key, nil)
	svc.sidebands = realtime.NewClient(base, key, &http.Client{})
	return nil
}

// startCalls builds the manager of live interviews on top of the provider.
func (svc *services) startCalls(cfg config.Config, st store.Store, logger *slog.Logger, mx calls.Metrics) error {
	signer, err := auth.NewRTCSigner(cfg.JWTSecret, nil)
	if err != nil {
		return fmt.Errorf("JWT_SECRET: %w", err)
	}
	if svc.assessor != nil {
		mx = nudgeOnCompleted{Metrics: mx, worker: svc.assessor}
	}
	m, err := calls.New(calls.Config{
		Store: st, Provider: svc.provider, Sidebands: svc.sidebands, Logger: logger.With("component", "calls"), Metrics: mx,
		InstanceID: auth.NewToken("inst_"), TenantID: cfg.TenantID,
		Settings: realtime.Settings{Model: cfg.RealtimeModel, Voice: cfg.RealtimeVoice, TranscribeModel: cfg.TranscribeModel},
	})
	if err != nil {
		return fmt.Errorf("calls: %w", err)
	}
	svc.calls, svc.rtcTokens = m, signer
	return nil
}

// providerName is the provider for the start-up line, with the engine's
// speech tools when it is the local engine.
func (svc *services) providerName(cfg config.Config) string {
	if svc.engine == nil {
		if cfg.OpenAIBaseURL != config.DefaultOpenAIBaseURL {
			return cfg.Provider() + " at " + cfg.OpenAIBaseURL
		}
		return cfg.Provider()
	}
	return cfg.Provider() + " (" + svc.engine.Capabilities().String() + ")"
}

// speech names the engine's speech tools for /readyz; empty with OpenAI.
func (svc *services) speech() string {
	if svc.engine == nil {
		return ""
	}
	return svc.engine.Capabilities().String()
}

// startMail builds the e-mail worker when SMTP_URL is set (docs/email.md);
// it makes join links as the hiring service does.
func (svc *services) startMail(cfg config.Config, st store.Store, logger *slog.Logger) {
	if !cfg.Mail.SMTPSet {
		return
	}
	svc.mail = mail.NewWorker(mail.Config{Store: st, Server: cfg.Mail.SMTP, From: cfg.Mail.From,
		JoinURL: svc.hiring.JoinURL, ReminderBefore: cfg.Mail.ReminderBefore, Logger: logger.With("component", "mail")})
}

// mailer is the web layer's view of the worker: nil (e-mail off) when
// there is none, not a typed nil.
func (svc *services) mailer() web.Mailer {
	if svc.mail == nil {
		return nil
	}
	return svc.mail
}
