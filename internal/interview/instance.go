package interview

import "time"

// Instance is one running interviewd process sharing a database with
// others (docs/scaling.md). It proves it is alive with a heartbeat; one
// whose heartbeat is older than the lease time is dead.
type Instance struct {
	ID          string // random, made at start-up: "inst_…"
	Host        string // the machine's name, for people
	StartedAt   time.Time
	HeartbeatAt time.Time
	Draining    bool // stopping: it takes no new calls and hands its calls over
}

// CallLease says which instance owns an interview's live call: only the
// owner reads its sideband and writes its transcript. The owner renews the
// lease while the call lives; another instance takes the call over only
// once the lease has expired (or was released), never from a live owner.
type CallLease struct {
	TenantID    string
	InterviewID string
	Owner       string // the instance ID
	CallID      string // the provider call (rtc_…); empty before one exists
	ExpiresAt   time.Time
	UpdatedAt   time.Time
}

// Held reports whether the lease is held at now.
func (l CallLease) Held(now time.Time) bool { return l.Owner != "" && now.Before(l.ExpiresAt) }
