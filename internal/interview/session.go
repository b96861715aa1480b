package interview

import "time"

// Session is one interview of one candidate for one position (the seed's
// interview_sessions row). Its join link token is derived from the
// interview's ID and JoinVersion with a server secret, so that the link can
// be shown again; only the token's hash is stored.
type Session struct {
	ID          string
	TenantID    string
	PositionID  string
	CandidateID string
	Status      Status

	// WebRTC signalling state, as the seed names it.
	WebRTCStatus    string // pending | ready | connecting | connected | closed
	WebRTCServerURL string // the signalling URL the candidate's browser uses
	WebRTCSessionID string // the signalling session handed to the browser
	CallID          string // the provider's call ID (rtc_…), from Location
	// CurrentQuestion is the question (1-based, as numbered in the
	// position) the interviewer asked last; 0 before the first. The calls
	// manager records it when the model calls question_asked.
	CurrentQuestion int

	JoinTokenHash string // SHA-256 of the join link's token, hex
	JoinVersion   int    // bumped each time the link is re-issued, which changes the token
	JoinExpiresAt time.Time
	JoinRevokedAt *time.Time

	// HiringStatus is a person's decision on the candidate (new until
	// someone sets it); SetHiringStatus changes it and keeps the history.
	HiringStatus HiringStatus

	StartedAt *time.Time // first connected
	EndedAt   *time.Time // reached a terminal status
	EndReason string     // why it ended, for people: "candidate ended", "time limit", …
	CreatedAt time.Time
	UpdatedAt time.Time
}

// JoinUsable reports whether the join link can still be used at now.
func (s Session) JoinUsable(now time.Time) bool {
	return s.JoinRevokedAt == nil && now.Before(s.JoinExpiresAt) && !s.Status.Terminal()
}

// CallInfo is the WebRTC state the SDP proxy records for an interview.
type CallInfo struct {
	WebRTCStatus    string
	WebRTCServerURL string
	WebRTCSessionID string
	CallID          string
}

// SessionFilter narrows a list of interviews.
type SessionFilter struct {
	Status     Status // empty for all
	PositionID string // empty for all
	Query      string // matches candidate name or email, case-insensitive
	// HiringStatus narrows to one hiring status; empty for all.
	HiringStatus HiringStatus
	Limit        int // 0 means the store's default
	Offset       int
}

// SessionSummary is an interview with the names a list shows beside it.
type SessionSummary struct {
	Session
	CandidateName  string
	CandidateEmail string
	PositionTitle  string
}

// Apply records a move to status to at time at: entering in_progress sets
// StartedAt the first time, entering a terminal status sets EndedAt and the
// reason. It does not check the move; Status.Transition does.
func (s *Session) Apply(to Status, reason string, at time.Time) {
	s.Status = to
	s.UpdatedAt = at
	if to == StatusInProgress && s.StartedAt == nil {
		s.StartedAt = &at
	}
	if to.Terminal() {
		s.EndedAt = &at
		s.EndReason = reason
	}
}
