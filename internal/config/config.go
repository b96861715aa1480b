// Package config turns the environment into a validated Config. Every
// variable is optional: with none set, interviewd runs on a SQLite file, the
// local realtime engine and built-in accounts.
package config

import (
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/interviewd/interviewd/internal/interview"
)

// Defaults for the variables that have one.
const (
	DefaultPort            = "8080"
	DefaultDataDir         = "./data"
	DefaultOpenAIBaseURL   = "https://api.openai.com/v1"
	DefaultRealtimeModel   = "gpt-realtime"
	DefaultRealtimeVoice   = "marin"
	DefaultTranscribeModel = "gpt-4o-transcribe"
	DefaultLogLevel        = "info"
	DefaultShutdownTimeout = 10 * time.Second
	// DefaultAssessmentTimeout bounds one request to the assessment model.
	DefaultAssessmentTimeout = 90 * time.Second
	minJWTSecretLen          = 32
	// MinEngineAPIKeyLen is the shortest ENGINE_API_KEY accepted.
	MinEngineAPIKeyLen = 32
)

// Config is interviewd's whole configuration.
type Config struct {
	Addr      string // host:port to listen on
	PublicURL string // how browsers reach us; the allowed WebSocket Origin
	DataDir   string // SQLite file, generated secrets, local recordings

	DatabaseURL string // empty: SQLite in DataDir

	OpenAIAPIKey  string // empty: the local realtime engine
	OpenAIBaseURL string
	// EngineAPIKey is the local engine's key: the built-in engine's when
	// set (empty: random per process), and required by `interviewd engine`.
	EngineAPIKey string
	// EngineRecord is the file `interviewd engine` appends its record to
	// (ENGINE_RECORD; docs/engine.md); empty records nothing.
	EngineRecord    string
	RealtimeModel   string
	RealtimeVoice   string
	TranscribeModel string

	SupabaseURL       string // empty: built-in accounts
	SupabaseAnonKey   string
	SupabaseJWTSecret string
	SupabaseJWKSURL   string
	// SupabaseJWTIssuer (SUPABASE_JWT_ISSUER) is the iss Supabase access
	// tokens must carry when SupabaseJWTIssuerSet; set and empty, none is
	// required (a self-hosted Supabase Auth without GOTRUE_JWT_ISSUER).
	// Unset, it is SUPABASE_URL/auth/v1, as hosted Supabase issues.
	SupabaseJWTIssuer    string
	SupabaseJWTIssuerSet bool

	JWTSecret string // empty: generated once and kept in DataDir
	TenantID  string // empty: multi-tenant

	// AssessmentModel (ASSESSMENT_MODEL) turns AI assessment on with
	// that model; empty, it is off. AssessmentBaseURL and AssessmentAPIKey
	// are ASSESSMENT_BASE_URL and ASSESSMENT_API_KEY, or, when
	// ASSESSMENT_BASE_URL is unset, OPENAI_BASE_URL and OPENAI_API_KEY
	// (the OpenAI key is never sent to another server).
	AssessmentModel   string
	AssessmentBaseURL string
	AssessmentAPIKey  string
	AssessmentTimeout time.Duration

	// SignUp (SIGNUP) says who may create an organisation by signing up.
	SignUp interview.SignUpPolicy

	// WebhookAllowPrivate lets webhooks reach loopback, private and
	// link-local addresses; off, such deliveries are refused (SSRF).
	WebhookAllowPrivate bool

	// Mail is SMTP_URL, MAIL_FROM and MAIL_REMINDER_BEFORE (docs/email.md).
	Mail MailConfig
	// Recordings is where recordings are kept (recordings.go).
	Recordings RecordingsConfig

	LogLevel        string // debug | info | warn | error
	ShutdownTimeout time.Duration

	// MetricsAddr is the host:port of the listener that serves
	// GET /metrics, apart from the public one; empty serves no metrics.
	MetricsAddr string

	// TrustedProxies (TRUSTED_PROXIES) are the peers whose ClientIPHeader
	// is believed; ClientIPHeader (CLIENT_IP_HEADER) is X-Forwarded-For,
	// Fly-Client-IP or empty (none: the client is the connection's peer).
	TrustedProxies []netip.Prefix
	ClientIPHeader string
}

// Store names the storage the config selects.
func (c Config) Store() string {
	if c.DatabaseURL != "" {
		return "postgres"
	}
	return "sqlite"
}

// Provider names the realtime provider the config selects.
func (c Config) Provider() string {
	if c.OpenAIAPIKey != "" {
		return "openai"
	}
	return "local engine"
}

// Auth names the account system the config selects.
func (c Config) Auth() string {
	if c.SupabaseURL != "" {
		return "supabase"
	}
	return "built-in"
}

// Load reads the configuration through lookup (os.LookupEnv, or a map in
// tests) and validates it. The error names the variable at fault and why,
// in one line. A variable set to blanks reads as unset, except
// SUPABASE_JWT_ISSUER, whose empty value means "no iss required".
func Load(lookup func(string) (string, bool)) (Config, error) {
	env := func(name, def string) string {
		if v, _ := lookup(name); strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v)
		}
		return def
	}
	c := Config{
		DataDir:           env("DATA_DIR", DefaultDataDir),
		DatabaseURL:       env("DATABASE_URL", ""),
		OpenAIAPIKey:      env("OPENAI_API_KEY", ""),
		OpenAIBaseURL:     strings.TrimRight(env("OPENAI_BASE_URL", DefaultOpenAIBaseURL), "/"),
		EngineAPIKey:      env("ENGINE_API_KEY", ""),
		EngineRecord:      env("ENGINE_RECORD", ""),
		RealtimeModel:     env("REALTIME_MODEL", DefaultRealtimeModel),
		RealtimeVoice:     env("REALTIME_VOICE", DefaultRealtimeVoice),
		TranscribeModel:   env("TRANSCRIBE_MODEL", DefaultTranscribeModel),
		SupabaseURL:       strings.TrimRight(env("SUPABASE_URL", ""), "/"),
		SupabaseAnonKey:   env("SUPABASE_ANON_KEY", ""),
		SupabaseJWTSecret: env("SUPABASE_JWT_SECRET", ""),
		SupabaseJWKSURL:   env("SUPABASE_JWKS_URL", ""),
		JWTSecret:         env("JWT_SECRET", ""),
		TenantID:          env("TENANT_ID", ""),
		LogLevel:          strings.ToLower(env("LOG_LEVEL", DefaultLogLevel)),
		MetricsAddr:       env("METRICS_ADDR", ""),
	}
	if v, ok := lookup("SUPABASE_JWT_ISSUER"); ok {
		c.SupabaseJWTIssuer, c.SupabaseJWTIssuerSet = strings.TrimSpace(v), true
	}
	var err error
	if c.Addr, err = listenAddr(env("ADDR", ""), env("PORT", "")); err != nil {
		return Config{}, err
	}
	if c.ShutdownTimeout, err = duration("SHUTDOWN_TIMEOUT", env("SHUTDOWN_TIMEOUT", ""), DefaultShutdownTimeout); err != nil {
		return Config{}, err
	}
	if c.WebhookAllowPrivate, err = boolean("WEBHOOK_ALLOW_PRIVATE", env("WEBHOOK_ALLOW_PRIVATE", "")); err != nil {
		return Config{}, err
	}
	if err := c.loadAssessment(env); err != nil {
		return Config{}, err
	}
	if err := c.loadMail(env); err != nil {
		return Config{}, err
	}
	c.loadRecordings(env)
	if c.SignUp, err = interview.ParseSignUpPolicy(strings.ToLower(env("SIGNUP", ""))); err != nil {
		return Config{}, fmt.Errorf("SIGNUP: %w", err)
	}
	if c.TrustedProxies, err = parseTrustedProxies(env("TRUSTED_PROXIES", "")); err != nil {
		return Config{}, err
	}
	if c.ClientIPHeader, err = parseClientIPHeader(env("CLIENT_IP_HEADER", "")); err != nil {
		return Config{}, err
	}
	c.PublicURL = env("PUBLIC_URL", "")
	if c.PublicURL == "" {
		c.PublicURL = "http://localhost:" + portOf(c.Addr)
	}
	c.PublicURL = strings.TrimRight(c.PublicURL, "/")
	if err := c.validate(); err != nil {
		return Config{}, err
	}
	return c, nil
}

// listenAddr combines ADDR and PORT: ADDR wins when set; PORT alone listens
// on every interface.
func listenAddr(addr, port string) (string, error) {
	if port != "" {
		if err := checkPort("PORT", port); err != nil {
			return "", err
		}
	}
	if addr != "" {
		host, p, err := net.SplitHostPort(addr)
		if err != nil {
			return "", fmt.Errorf("ADDR: %q is not host:port", addr)
		}
		if err := checkPort("ADDR", p); err != nil {
			return "", err
		}
		return net.JoinHostPort(host, p), nil
	}
	if port == "" {
		port = DefaultPort
	}
	if err := checkPort("PORT", port); err != nil {
		return "", err
	}
	return ":" + port, nil
}

func checkPort(name, p string) error {
	n, err := strconv.Atoi(p)
	if err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("%s: %q is not a port number (0-65535)", name, p)
	}
	return nil
}

func portOf(addr string) string {
	_, p, _ := net.SplitHostPort(addr)
	return p
}

func duration(name, v string, def time.Duration) (time.Duration, error) {
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%s: %q is not a positive duration such as 10s", name, v)
	}
	return d, nil
}

// boolean reads a true/false variable; empty means false.
func boolean(name, v string) (bool, error) {
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("%s: %q is not true or false", name, v)
	}
	return b, nil
}

func (c Config) validate() error {
	checks := []func() error{
		func() error { return checkHTTPURL("PUBLIC_URL", c.PublicURL) },
		func() error { return checkDatabaseURL(c.DatabaseURL) },
		func() error { return checkHTTPURL("OPENAI_BASE_URL", c.OpenAIBaseURL) },
		c.checkSupabase,
		c.checkAssessment,
		c.checkSecrets,
		c.checkLogLevel,
		c.checkMetricsAddr,
		c.checkProxies,
		c.checkRecordings,
	}
	for _, check := range checks {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}

func checkHTTPURL(name, v string) error {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%s: %q is not an http(s) URL", name, v)
	}
	return nil
}

// checkDatabaseURL accepts an empty value (SQLite) or a postgres URL with a
// host. It never echoes the value, which may hold a password.
func checkDatabaseURL(v string) error {
	if v == "" {
		return nil
	}
	u, err := url.Parse(v)
	if err != nil {
		return fmt.Errorf("DATABASE_URL: not a valid URL")
	}
	if u.Scheme != "postgres" && u.Scheme != "postgresql" {
		return fmt.Errorf("DATABASE_URL: scheme %q is not supported (want postgres://)", u.Scheme)
	}
	if u.Host == "" {
		return fmt.Errorf("DATABASE_URL: no host in the URL")
	}
	return nil
}

func (c Config) checkSupabase() error {
	if c.SupabaseURL == "" {
		if c.SupabaseAnonKey != "" || c.SupabaseJWTSecret != "" || c.SupabaseJWKSURL != "" || c.SupabaseJWTIssuerSet {
			return fmt.Errorf("SUPABASE_URL: must be set when another SUPABASE_ variable is")
		}
		return nil
	}
	if c.SupabaseJWKSURL != "" {
		if err := checkHTTPURL("SUPABASE_JWKS_URL", c.SupabaseJWKSURL); err != nil {
			return err
		}
	}
	if c.SupabaseJWTSecret != "" && len(c.SupabaseJWTSecret) < minJWTSecretLen {
		return fmt.Errorf("SUPABASE_JWT_SECRET: must have at least %d characters", minJWTSecretLen)
	}
	if err := checkHTTPURL("SUPABASE_URL", c.SupabaseURL); err != nil {
		return err
	}
	if c.SupabaseAnonKey == "" {
		return fmt.Errorf("SUPABASE_ANON_KEY: required when SUPABASE_URL is set")
	}
	return nil
}

func (c Config) checkSecrets() error {
	if c.JWTSecret != "" && len(c.JWTSecret) < minJWTSecretLen {
		return fmt.Errorf("JWT_SECRET: must have at least %d characters", minJWTSecretLen)
	}
	if c.EngineAPIKey != "" && len(c.EngineAPIKey) < MinEngineAPIKeyLen {
		return fmt.Errorf("ENGINE_API_KEY: must have at least %d characters", MinEngineAPIKeyLen)
	}
	if c.TenantID != "" {
		if _, err := uuid.Parse(c.TenantID); err != nil {
			return fmt.Errorf("TENANT_ID: %q is not a UUID", c.TenantID)
		}
	}
	return nil
}

// RequireEngineKey is the check `interviewd engine` adds: its clients
// authenticate with ENGINE_API_KEY, so it must be set (Load has checked
// its length).
func (c Config) RequireEngineKey() error {
	if c.EngineAPIKey == "" {
		return fmt.Errorf("ENGINE_API_KEY: required by interviewd engine (at least %d characters; clients send it as their OpenAI API key)", MinEngineAPIKeyLen)
	}
	return nil
}

func (c Config) checkLogLevel() error {
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
		return nil
	}
	return fmt.Errorf("LOG_LEVEL: %q is not one of debug, info, warn, error", c.LogLevel)
}

// checkMetricsAddr accepts an empty value (no metrics listener) or a
// host:port other than the main listener's.
func (c Config) checkMetricsAddr() error {
	if c.MetricsAddr == "" {
		return nil
	}
	_, p, err := net.SplitHostPort(c.MetricsAddr)
	if err != nil || p == "" {
		return fmt.Errorf("METRICS_ADDR: %q is not host:port", c.MetricsAddr)
	}
	if err := checkPort("METRICS_ADDR", p); err != nil {
		return err
	}
	if c.MetricsAddr == c.Addr && p != "0" {
		return fmt.Errorf("METRICS_ADDR: %q is the main listener; metrics need a listener of their own", c.MetricsAddr)
	}
	return nil
}

// loadAssessment reads the ASSESSMENT_ variables, falling back to the
// OpenAI ones when ASSESSMENT_BASE_URL is unset.
func (c *Config) loadAssessment(env func(name, def string) string) error {
	c.AssessmentModel = env("ASSESSMENT_MODEL", "")
	c.AssessmentBaseURL = strings.TrimRight(env("ASSESSMENT_BASE_URL", ""), "/")
	c.AssessmentAPIKey = env("ASSESSMENT_API_KEY", "")
	timeout := env("ASSESSMENT_TIMEOUT", "")
	if c.AssessmentModel == "" && (c.AssessmentBaseURL != "" || c.AssessmentAPIKey != "" || timeout != "") {
		return fmt.Errorf("ASSESSMENT_MODEL: must be set when another ASSESSMENT_ variable is")
	}
	if c.AssessmentBaseURL == "" {
		c.AssessmentBaseURL = c.OpenAIBaseURL
		if c.AssessmentAPIKey == "" {
			c.AssessmentAPIKey = c.OpenAIAPIKey
		}
		// Without a server of its own the model is OpenAI's (or a
		// compatible server's that OPENAI_BASE_URL names): a key is needed.
		if c.AssessmentModel != "" && c.AssessmentAPIKey == "" {
			return fmt.Errorf("ASSESSMENT_MODEL: needs an API key: set ASSESSMENT_API_KEY or OPENAI_API_KEY, or ASSESSMENT_BASE_URL for a local server that needs none")
		}
	}
	var err error
	c.AssessmentTimeout, err = duration("ASSESSMENT_TIMEOUT", timeout, DefaultAssessmentTimeout)
	return err
}

// Assessment reports whether AI assessment is on (ASSESSMENT_MODEL).
func (c Config) Assessment() bool { return c.AssessmentModel != "" }

// checkAssessment checks the assessment server's URL when it is on.
func (c Config) checkAssessment() error {
	if !c.Assessment() {
		return nil
	}
	return checkHTTPURL("ASSESSMENT_BASE_URL", c.AssessmentBaseURL)
}
