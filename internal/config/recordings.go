package config

import "fmt"

// Recording stores (RECORDINGS_STORE) and their defaults.
const (
	RecordingsFiles    = "files"
	RecordingsSupabase = "supabase"

	DefaultRecordingsBucket = "recordings"
	DefaultAPIVideoURL      = "https://ws.api.video"
)

// RecordingsConfig is where recordings are kept (docs/recordings.md,
// "Where recordings are kept").
type RecordingsConfig struct {
	// Store is RECORDINGS_STORE: files (DATA_DIR/recordings) or supabase
	// (a private bucket of the SUPABASE_URL project).
	Store string
	// Bucket is RECORDINGS_BUCKET, the Supabase Storage bucket.
	Bucket string
	// SupabaseServiceRoleKey is SUPABASE_SERVICE_ROLE_KEY, which the
	// supabase store authenticates with. Never logged.
	SupabaseServiceRoleKey string
	// APIVideoKey (API_VIDEO_KEY) sends finalised segments to api.video
	// instead of keeping them; APIVideoURL is its API (API_VIDEO_URL).
	APIVideoKey string
	APIVideoURL string
}

// loadRecordings reads RECORDINGS_STORE, RECORDINGS_BUCKET,
// SUPABASE_SERVICE_ROLE_KEY, API_VIDEO_KEY and API_VIDEO_URL.
func (c *Config) loadRecordings(env func(name, def string) string) {
	c.Recordings = RecordingsConfig{
		Store:                  env("RECORDINGS_STORE", RecordingsFiles),
		Bucket:                 env("RECORDINGS_BUCKET", DefaultRecordingsBucket),
		SupabaseServiceRoleKey: env("SUPABASE_SERVICE_ROLE_KEY", ""),
		APIVideoKey:            env("API_VIDEO_KEY", ""),
		APIVideoURL:            env("API_VIDEO_URL", DefaultAPIVideoURL),
	}
}

// checkRecordings: a known store, and what the supabase one needs.
func (c Config) checkRecordings() error {
	r := c.Recordings
	switch r.Store {
	case RecordingsFiles:
	case RecordingsSupabase:
		if c.SupabaseURL == "" || r.SupabaseServiceRoleKey == "" {
			return fmt.Errorf("RECORDINGS_STORE=supabase needs SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY")
		}
	default:
		return fmt.Errorf("RECORDINGS_STORE: %q is not files or supabase", r.Store)
	}
	if r.APIVideoKey != "" {
		return checkHTTPURL("API_VIDEO_URL", r.APIVideoURL)
	}
	return nil
}
