package interview

import "time"

// VideoSegment is one piece of an interview's recording (the seed's
// video_segments table, used with api.video or local recording).
type VideoSegment struct {
	ID          string
	TenantID    string
	InterviewID string
	VideoURL    string // api.video's player or asset address, when it holds the segment
	StartTime   time.Time
	EndTime     *time.Time
	Status      string // Segment* (recording.go)
	CreatedAt   time.Time
	UpdatedAt   time.Time

	// Index numbers an interview's segments in order, from 0: each
	// reconnect of the room starts the next.
	Index    int
	MIMEType string // as the browser's MediaRecorder named it, e.g. audio/webm;codecs=opus
	HasVideo bool   // the candidate's camera is in it
	// Set while recording, as chunks arrive.
	Chunks int   // chunks stored
	Bytes  int64 // their total size
	// Set when finalised.
	DurationMS int64  // the playable length, from the media's own timestamps
	Gaps       int    // chunks missing below the highest received (incomplete)
	Storage    string // the backend holding the joined file: files | supabase | apivideo
	ObjectKey  string // its key there (files, supabase)
	ExternalID string // api.video's video ID (apivideo)
}

// Consent records that a candidate agreed to what is recorded and processed,
// with the version of the text they saw.
type Consent struct {
	ID          string
	TenantID    string
	InterviewID string
	TextVersion string
	AcceptedAt  time.Time
	IPAddress   string
	UserAgent   string
}

// APIKey lets an integration act for a tenant. Only a hash of the secret is
// kept; the secret is shown once when the key is made.
type APIKey struct {
	ID         string
	TenantID   string
	Name       string
	Prefix     string // the first characters of the key, to tell keys apart
	Hash       string // SHA-256 of the whole key, hex
	CreatedBy  string // user ID, empty when made by the admin CLI
	CreatedAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

// Active reports whether the key may still be used.
func (k APIKey) Active() bool { return k.RevokedAt == nil }

// AuditEvent records who did what to which record of a tenant.
type AuditEvent struct {
	ID         string
	TenantID   string
	ActorType  string // user | api_key | candidate | system
	ActorID    string
	Action     string // e.g. interview.created, position.archived
	TargetType string
	TargetID   string
	Data       map[string]string
	CreatedAt  time.Time
}
