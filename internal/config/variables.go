package config

import "github.com/interviewd/interviewd/internal/interview"

// Variable documents one environment variable that Load reads.
type Variable struct {
	Name    string
	Default string
	Effect  string
}

// Variables lists every environment variable Load reads, in the order the
// README's configuration table shows them. A test keeps the two in step.
func Variables() []Variable {
	return []Variable{
		{"PORT", DefaultPort, "port to listen on (all interfaces)"},
		{"ADDR", "", "host:port to listen on; wins over PORT"},
		{"PUBLIC_URL", "http://localhost:PORT", "how browsers reach interviewd: links and the allowed WebSocket Origin"},
		{"DATA_DIR", DefaultDataDir, "SQLite file, generated secrets, local recordings"},
		{"DATABASE_URL", "", "postgres://… selects PostgreSQL (Supabase works); empty means SQLite in DATA_DIR"},
		{"OPENAI_API_KEY", "", "selects OpenAI as the realtime provider; empty means the built-in local engine"},
		{"OPENAI_BASE_URL", DefaultOpenAIBaseURL, "any OpenAI-compatible realtime server, such as a standalone interviewd engine"},
		{"ENGINE_API_KEY", "random per process", "the local engine's API key, at least 32 characters; set, any OpenAI SDK can use PUBLIC_URL/v1 with it; required by interviewd engine"},
		{"ENGINE_RECORD", "unset", "interviewd engine only: a file it appends one JSON line to per finished message and function call of every call (the chaos harness's oracle; docs/engine.md)"},
		{"REALTIME_MODEL", DefaultRealtimeModel, "upstream realtime model"},
		{"REALTIME_VOICE", DefaultRealtimeVoice, "interviewer voice when a position names none"},
		{"TRANSCRIBE_MODEL", DefaultTranscribeModel, "upstream model that transcribes the candidate"},
		{"ASSESSMENT_MODEL", "", "turns AI assessment of completed interviews on with this model (e.g. gpt-4.1-mini, or a local model's name); empty means off (docs/assessment.md)"},
		{"ASSESSMENT_BASE_URL", "OPENAI_BASE_URL", "an OpenAI-compatible Chat Completions server for assessments, such as Ollama (http://localhost:11434/v1) or llama.cpp's server"},
		{"ASSESSMENT_API_KEY", "OPENAI_API_KEY when ASSESSMENT_BASE_URL is unset", "the assessment server's key; may be empty only with ASSESSMENT_BASE_URL (local servers need none)"},
		{"ASSESSMENT_TIMEOUT", DefaultAssessmentTimeout.String(), "how long one request to the assessment model may take"},
		{"SUPABASE_URL", "", "selects Supabase Auth for recruiters; empty means built-in accounts"},
		{"SUPABASE_ANON_KEY", "", "Supabase project's anon key (required with SUPABASE_URL)"},
		{"SUPABASE_JWT_SECRET", "", "verifies Supabase access tokens (HS256)"},
		{"SUPABASE_JWKS_URL", "", "key set that verifies RS256/ES256 Supabase tokens; default SUPABASE_URL/auth/v1/.well-known/jwks.json when SUPABASE_JWT_SECRET is empty"},
		{"SUPABASE_JWT_ISSUER", "SUPABASE_URL/auth/v1", "the iss Supabase access tokens must carry; set it empty (SUPABASE_JWT_ISSUER=) for a self-hosted Supabase whose Auth has no GOTRUE_JWT_ISSUER"},
		{"JWT_SECRET", "generated once, kept in DATA_DIR", "signs WebSocket tokens; at least 32 characters"},
		{"TENANT_ID", "", "pins the instance to one tenant (per-tenant deploys); other tenants are refused"},
		{"SIGNUP", string(interview.SignUpFirst), "who may sign up: first (only the first account on an empty instance), open (anyone) or closed (no one); invitations and interviewd admin create-user always work"},
		{"SMTP_URL", "", "turns e-mail on (invitations, reminders, team invitations): smtp://user:pass@host:587 (STARTTLS when offered, required with a password) or smtps://user:pass@host:465; empty means links are shown to copy (docs/email.md)"},
		{"MAIL_FROM", "", "the sender of e-mail, e.g. interviewd <noreply@example.com>; required with SMTP_URL"},
		{"MAIL_REMINDER_BEFORE", DefaultMailReminderBefore.String(), "how long before a join link expires its one reminder is e-mailed"},
		{"RECORDINGS_STORE", RecordingsFiles, "where recordings are kept: files (DATA_DIR/recordings) or supabase (a private Supabase Storage bucket of SUPABASE_URL's project; docs/recordings.md)"},
		{"RECORDINGS_BUCKET", DefaultRecordingsBucket, "the Supabase Storage bucket of RECORDINGS_STORE=supabase, made private when missing"},
		{"SUPABASE_SERVICE_ROLE_KEY", "", "the Supabase project's service role key; required with RECORDINGS_STORE=supabase"},
		{"API_VIDEO_KEY", "", "sends each finalised recording to api.video, which keeps it instead of interviewd; empty means off"},
		{"API_VIDEO_URL", DefaultAPIVideoURL, "api.video's API (https://sandbox.api.video for its sandbox)"},
		{"WEBHOOK_ALLOW_PRIVATE", "false", "lets webhooks reach loopback, private and link-local addresses (refused by default against SSRF)"},
		{"LOG_LEVEL", DefaultLogLevel, "debug, info, warn or error"},
		{"SHUTDOWN_TIMEOUT", DefaultShutdownTimeout.String(), "how long a stop waits for requests to finish"},
		{"TRUSTED_PROXIES", "", "comma-separated CIDRs (or addresses) of the reverse proxies whose CLIENT_IP_HEADER is believed; empty means none"},
		{"CLIENT_IP_HEADER", "", "X-Forwarded-For or Fly-Client-IP: the header that carries the client's address from a trusted proxy; empty means none"},
		{"METRICS_ADDR", "", "host:port of a separate listener serving Prometheus metrics at /metrics (e.g. 127.0.0.1:9091); empty means none"},
	}
}
