package hiring

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/interviewd/interviewd/internal/interview"
)

// The lifecycle API of the seed (/api/interviews/start, transcript, end,
// save-transcript) lives here, so that the candidate's browser, a
// recruiter's browser and an integration obey the same rules.

// canRun says who may drive an interview's lifecycle: its own candidate,
// or a member who may edit (owner, recruiter) or an API key of its tenant.
func canRun(a Actor, id string) error {
	if a.Kind == KindCandidate {
		if a.ID != id {
			return interview.Errorf(interview.CodeForbidden, "this browser was admitted to another interview")
		}
		return nil
	}
	return canEdit(a)
}

// runnable loads an interview the actor may run.
func (s *Service) runnable(ctx context.Context, a Actor, id string) (interview.Session, error) {
	if err := canRun(a, id); err != nil {
		return interview.Session{}, err
	}
	v, err := s.db(a).GetSession(ctx, a.TenantID, id)
	return v, wrap("get interview", err)
}

func closedError(v interview.Session) error {
	return interview.Errorf(interview.CodeClosed, "the interview has ended (%s)", v.Status)
}

// CallAllowed returns the interview if the actor may open its call now:
// it may run it and the interview has not ended.
func (s *Service) CallAllowed(ctx context.Context, a Actor, id string) (interview.Session, error) {
	v, err := s.runnable(ctx, a, id)
	if err == nil && v.Status.Terminal() {
		err = closedError(v)
	}
	return v, err
}

// Start makes a pending interview ready for its call and records where the
// browser signals (serverURL, the /rtc WebSocket). Starting a ready or
// running interview again changes nothing; an ended one is CodeClosed.
func (s *Service) Start(ctx context.Context, a Actor, id, serverURL string) (interview.Session, error) {
	v, err := s.CallAllowed(ctx, a, id)
	if err != nil {
		return v, err
	}
	db := s.db(a)
	if v.Status == interview.StatusPending {
		v, err = db.TransitionSession(ctx, a.TenantID, id, interview.StatusReady, "", s.now())
		if errors.Is(err, interview.ErrTransition) || errors.Is(err, interview.ErrClosed) {
			return s.Start(ctx, a, id, serverURL) // it moved on meanwhile: answer for its new status
		} else if err != nil {
			return v, wrap("start interview", err)
		}
		s.audit(ctx, a, "interview.ready", "interview", id, nil)
	}
	if v.WebRTCStatus == "" || v.WebRTCStatus == "pending" {
		info := interview.CallInfo{WebRTCStatus: "ready", WebRTCServerURL: serverURL, WebRTCSessionID: id}
		if err := db.UpdateSessionCall(ctx, a.TenantID, id, info); err != nil {
			return v, wrap("start interview", err)
		}
		v.WebRTCStatus, v.WebRTCServerURL, v.WebRTCSessionID = info.WebRTCStatus, info.WebRTCServerURL, info.WebRTCSessionID
	}
	return v, nil
}

// TranscriptInput is one transcript line posted by a browser or an
// integration, with the seed's fields.
type TranscriptInput struct {
	Text       string
	Timestamp  time.Time // zero means now
	Speaker    string    // interviewer|candidate|system|unknown, or assistant|ai|user; "" is unknown
	Confidence *float64
	ItemID     string // the provider's item ID when known; "" derives one
}

// AddTranscript stores a posted line, marked with its source (client for a
// browser, api for an API key), and reports whether it was new. A browser
// may post only candidate and interviewer lines; an integration any
// speaker. The line's time must lie within the interview (inWindow). A
// line whose item is stored already, by the server's own sideband or an
// earlier post, is not stored again: the stored one comes back. Without an
// item ID the ID is derived from a hash of speaker, text and timestamp, so
// a repeat with the same timestamp is recognised. An ended interview is
// CodeClosed.
func (s *Service) AddTranscript(ctx context.Context, a Actor, id string, in TranscriptInput) (interview.TranscriptEntry, bool, error) {
	v, err := s.runnable(ctx, a, id)
	if err != nil {
		return interview.TranscriptEntry{}, false, err
	}
	if v.Status.Terminal() {
		return interview.TranscriptEntry{}, false, closedError(v)
	}
	e, err := s.postedEntry(a, in)
	if err != nil {
		return e, false, err
	}
	if err := s.inWindow(v, e.Timestamp); err != nil {
		return e, false, err
	}
	out, err := s.db(a).AppendTranscript(ctx, a.TenantID, id, []interview.TranscriptEntry{e})
	if err != nil {
		return e, false, wrap("add transcript", err)
	}
	return out[0], out[0].ID == e.ID, nil
}

// postedEntry validates a posted line and gives it its ID, source and item.
func (s *Service) postedEntry(a Actor, in TranscriptInput) (interview.TranscriptEntry, error) {
	text := strings.TrimSpace(in.Text)
	if text == "" {
		return interview.TranscriptEntry{}, interview.Errorf(interview.CodeInvalid, "text is required")
	}
	speaker, err := ParseSpeaker(in.Speaker)
	if err != nil {
		return interview.TranscriptEntry{}, err
	}
	src := sourceOf(a)
	if src == interview.SourceClient && speaker != interview.SpeakerCandidate && speaker != interview.SpeakerInterviewer {
		return interview.TranscriptEntry{}, interview.Errorf(interview.CodeInvalid,
			"speaker: a browser may post only candidate or interviewer lines, not %s", speaker)
	}
	at := in.Timestamp
	if at.IsZero() {
		at = s.now()
	}
	item := strings.TrimSpace(in.ItemID)
	if item == "" {
		item = derivedItem(string(src), string(speaker), text, at.UTC().Format(time.RFC3339Nano))
	}
	e := interview.TranscriptEntry{
		ID: newID(), TenantID: a.TenantID, ItemID: item, Speaker: speaker, Text: text,
		Timestamp: at, Source: src, Confidence: in.Confidence,
	}
	return e, e.Validate()
}

// TranscriptSkew is how far a posted line's timestamp may lie outside
// its interview's window, for clocks that disagree a little.
const TranscriptSkew = 2 * time.Minute

// inWindow refuses a posted line's time unless it lies within the
// interview's window: from its start (or creation, before it started) to
// its end or now, each widened by TranscriptSkew.
func (s *Service) inWindow(v interview.Session, at time.Time) error {
	from, to := v.CreatedAt, s.now()
	if v.StartedAt != nil {
		from = *v.StartedAt
	}
	if v.EndedAt != nil && v.EndedAt.Before(to) {
		to = *v.EndedAt
	}
	if at.Before(from.Add(-TranscriptSkew)) || at.After(to.Add(TranscriptSkew)) {
		return interview.Errorf(interview.CodeInvalid,
			"timestamp: must lie within the interview, between %s and %s",
			from.Add(-TranscriptSkew).UTC().Format(time.RFC3339), to.Add(TranscriptSkew).UTC().Format(time.RFC3339))
	}
	return nil
}

// ParseSpeaker reads a posted speaker: ours, or the provider's roles
// (assistant is the interviewer, user the candidate). Empty is unknown.
func ParseSpeaker(s string) (interview.Speaker, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "unknown":
		return interview.SpeakerUnknown, nil
	case "interviewer", "assistant", "ai":
		return interview.SpeakerInterviewer, nil
	case "candidate", "user":
		return interview.SpeakerCandidate, nil
	case "system":
		return interview.SpeakerSystem, nil
	}
	return "", interview.Errorf(interview.CodeInvalid,
		"speaker must be interviewer, candidate, system or unknown (or assistant, user), not %.40q", s)
}

// sourceOf is the transcript source of what an actor posts.
func sourceOf(a Actor) interview.Source {
	if a.Kind == "api_key" {
		return interview.SourceAPI
	}
	return interview.SourceClient
}

// derivedItem is the item ID of a posted line that has none: the source
// and a hash of the parts that make the line itself.
func derivedItem(source string, parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return source + "_" + hex.EncodeToString(h.Sum(nil))[:32]
}

// EndInterview ends an interview on request (the seed's
// /api/interviews/end): one in progress is completed; one that never
// started is abandoned, as nothing was said. Ending an ended interview
// returns it unchanged. The caller hangs up a live call first.
func (s *Service) EndInterview(ctx context.Context, a Actor, id string) (interview.Session, error) {
	v, err := s.runnable(ctx, a, id)
	if err != nil || v.Status.Terminal() {
		return v, err
	}
	to, reason := interview.StatusCompleted, endReason(a)
	if v.Status != interview.StatusInProgress {
		to, reason = interview.StatusAbandoned, reason+" before it started"
	}
	db := s.db(a)
	v, err = db.TransitionSession(ctx, a.TenantID, id, to, reason, s.now())
	if errors.Is(err, interview.ErrTransition) || errors.Is(err, interview.ErrClosed) {
		return s.EndInterview(ctx, a, id) // it moved on meanwhile
	} else if err != nil {
		return v, wrap("end interview", err)
	}
	if v.WebRTCStatus != "closed" {
		info := interview.CallInfo{WebRTCStatus: "closed", WebRTCServerURL: v.WebRTCServerURL, WebRTCSessionID: v.WebRTCSessionID, CallID: v.CallID}
		_ = db.UpdateSessionCall(ctx, a.TenantID, id, info) // the status is what matters
	}
	s.audit(ctx, a, "interview.ended", "interview", id, map[string]string{"status": string(v.Status)})
	s.ended(v.Status)
	return v, nil
}

// CanEnd reports whether a may end interview id, and the reason its
// timeline will give: call it before hanging up a live call, which
// EndInterview alone cannot undo. An interview that has ended already may
// be "ended" again (EndInterview then changes nothing).
func (s *Service) CanEnd(ctx context.Context, a Actor, id string) (string, error) {
	if _, err := s.runnable(ctx, a, id); err != nil {
		return "", err
	}
	return endReason(a), nil
}

// endReason says who ended an interview, for the recruiter's timeline.
func endReason(a Actor) string {
	switch a.Kind {
	case KindCandidate:
		return "candidate ended"
	case "api_key":
		return "ended through the API"
	}
	return "ended by " + a.Email
}

// SavedTranscript says what SaveFullTranscript did.
type SavedTranscript struct {
	Stored int    // lines stored now
	Kept   int    // entries the server holds
	Reason string // "stored", or "server_transcript" when the server's own transcript was kept
}

// MaxFullTranscriptLines bounds a posted full transcript.
const MaxFullTranscriptLines = 5000

// SaveFullTranscript takes a whole transcript posted by a client (the
// seed's /api/interviews/save-transcript, sent every 30 s). The server is
// the source of truth: when it has written entries of its own (from the
// call's sideband) it keeps them and stores nothing. Otherwise each
// non-empty line is stored as an entry of unknown speaker, with an item ID
// from its position and text, so that the seed's client, which re-posts
// the growing transcript, adds only the new lines.
func (s *Service) SaveFullTranscript(ctx context.Context, a Actor, id, full string) (SavedTranscript, error) {
	v, err := s.runnable(ctx, a, id)
	if err != nil {
		return SavedTranscript{}, err
	}
	if v.Status.Terminal() {
		return SavedTranscript{}, closedError(v)
	}
	db := s.db(a)
	have, err := db.ListTranscript(ctx, a.TenantID, id, 0)
	if err != nil {
		return SavedTranscript{}, wrap("save transcript", err)
	}
	for _, e := range have {
		if e.Source == interview.SourceSideband {
			return SavedTranscript{Kept: len(have), Reason: "server_transcript"}, nil
		}
	}
	entries, err := s.fullEntries(a, full)
	if err != nil {
		return SavedTranscript{}, err
	}
	out, err := db.AppendTranscript(ctx, a.TenantID, id, entries)
	if err != nil {
		return SavedTranscript{}, wrap("save transcript", err)
	}
	res := SavedTranscript{Reason: "stored"}
	for i := range out {
		if out[i].ID == entries[i].ID {
			res.Stored++
		}
	}
	res.Kept = len(have) + res.Stored
	return res, nil
}

// fullEntries splits a full transcript into entries, one per non-empty line.
func (s *Service) fullEntries(a Actor, full string) ([]interview.TranscriptEntry, error) {
	var lines []string
	for l := range strings.Lines(full) {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	switch {
	case len(lines) == 0:
		return nil, interview.Errorf(interview.CodeInvalid, "fullTranscript is empty")
	case len(lines) > MaxFullTranscriptLines:
		return nil, interview.Errorf(interview.CodeInvalid, "fullTranscript may have at most %d lines", MaxFullTranscriptLines)
	}
	src, now := sourceOf(a), s.now()
	out := make([]interview.TranscriptEntry, len(lines))
	for i, l := range lines {
		out[i] = interview.TranscriptEntry{
			ID: newID(), TenantID: a.TenantID, ItemID: derivedItem(string(src)+"_full", strconv.Itoa(i), l),
			Speaker: interview.SpeakerUnknown, Text: l, Timestamp: now, Source: src,
		}
		if err := out[i].Validate(); err != nil {
			return nil, interview.Errorf(interview.CodeInvalid, "line %d: %s", i+1, interview.ErrorMessage(err))
		}
	}
	return out, nil
}

// CandidateTranscript is the transcript so far of the candidate's own
// interview, for their room.
func (s *Service) CandidateTranscript(ctx context.Context, a Actor) ([]interview.TranscriptEntry, error) {
	if a.Kind != KindCandidate {
		return nil, interview.Errorf(interview.CodeForbidden, "not a candidate")
	}
	entries, err := s.store.ListTranscript(ctx, a.TenantID, a.ID, 0)
	return entries, wrap("candidate transcript", err)
}

func newID() string { return uuid.NewString() }
