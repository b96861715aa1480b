package interview

import "time"

// VideoSegment is one piece of an interview's recording (the seed's
// video_segments table, used with api.video or local recording).
type VideoSegment struct {
	ID          string
	TenantID    string
	InterviewID string
	VideoURL    string
	StartTime   time.Time
	EndTime     *time.Time
	Status      string // recording | processing | ready | failed
	CreatedAt   time.Time
	UpdatedAt   time.Time
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
