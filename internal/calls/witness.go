package calls

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/realtime"
)

// evLegacyItemCreated is the beta name of conversation.item.added, which
// a browser may still relay from an older provider.
const evLegacyItemCreated = "conversation.item.created"

// WitnessLine is the finished line a provider event reports, as the
// candidate's browser saw it on its data channel: the candidate's
// transcribed speech, the interviewer's transcript, or a message item
// that carries text. ok is false for every other event; Text is at most
// interview.MaxTranscriptText bytes long only when ok.
func WitnessLine(ev realtime.Event) (speaker interview.Speaker, itemID, text string, ok bool) {
	switch ev.Type {
	case realtime.EvInputTranscriptDone:
		speaker, itemID, text = interview.SpeakerCandidate, ev.ItemID, ev.Transcript
	case realtime.EvOutputTranscriptDone:
		speaker, itemID, text = interview.SpeakerInterviewer, ev.ItemID, ev.Transcript
	case realtime.EvOutputTextDone:
		speaker, itemID, text = interview.SpeakerInterviewer, ev.ItemID, ev.Text
	case realtime.EvItemAdded, realtime.EvItemDone, evLegacyItemCreated:
		if ev.Item == nil || ev.Item.Type != "message" {
			return "", "", "", false
		}
		speaker, itemID, text = roleSpeaker(ev.Item.Role), ev.Item.ID, itemText(ev.Item.Content)
	default:
		return "", "", "", false
	}
	text = strings.TrimSpace(text)
	ok = itemID != "" && len(itemID) <= 200 && text != "" && len(text) <= interview.MaxTranscriptText
	return speaker, itemID, text, ok
}

// roleSpeaker is the speaker of a message item's role.
func roleSpeaker(role string) interview.Speaker {
	switch role {
	case "user":
		return interview.SpeakerCandidate
	case "assistant":
		return interview.SpeakerInterviewer
	}
	return interview.SpeakerUnknown
}

// itemText is what a message item's content parts say: typed text, or
// the transcript of audio once the provider has one.
func itemText(content []realtime.EventContent) string {
	var parts []string
	for _, c := range content {
		switch {
		case c.Text != "":
			parts = append(parts, c.Text)
		case c.Transcript != nil && *c.Transcript != "":
			parts = append(parts, *c.Transcript)
		}
	}
	return strings.Join(parts, "\n")
}

// witnessWait is how long a witnessed line whose item the reader has not
// seen waits before it is stored: a line said just before the sideband
// attached is never seen by it, while one the sideband is about to report
// is seen within this time (both copies leave the provider together).
const witnessWait = time.Second

// Witnessed reports whether the room's copy of ev is worth sending: a
// final line (WitnessLine) or the interviewer's end_interview call, which
// carries a goodbye over to a new sideband.
func Witnessed(ev realtime.Event) bool {
	if _, _, _, ok := WitnessLine(ev); ok {
		return true
	}
	fc, ok := realtime.FunctionCallOf(ev)
	return ok && fc.Name == realtime.ToolEndInterview
}

// Witness takes the browser's copies of the final transcript events and
// of end_interview (Witnessed); the room re-sends its recent ones after
// each resume or new call, so the same event may come several times.
//
// Lines are stored as entries with Source client, idempotent by item ID,
// and published, as the reader does with the sideband's; the sideband's
// copy replaces a browser's for the same item (store.Overrides). A line
// is stored when no sideband of this manager reads the call, or, after
// witnessWait, when the one that reads it has not seen its item: lines
// said while no sideband listened (a kill, a handover, a drain) and lines
// a killed owner held back. Each is timed by its receivedAt clamped to
// [the interview's start, now], in the batch's order (docs/signaling.md).
//
// An end_interview the reader has not seen ends the interview as the
// interviewer asked (goodbye), when c is the interview's connection and
// resumed the call a sideband here reads (readerOf). ErrClosed once the interview has ended.
func (c *Conn) Witness(ctx context.Context, events []realtime.Event) error {
	entries := c.witnessLines(events)
	up, own := c.m.readerOf(c)
	if own {
		if fc, said, ok := endOf(events); ok {
			up.tools.carry(ctx, fc, said)
		}
	}
	if up == nil {
		return c.storeWitness(ctx, entries)
	}
	if unseen := up.unseen(entries); len(unseen) > 0 {
		// Held on the reader, so that the interview's end or the reader's
		// stop stores them if they are still waiting (storeHeld).
		up.hold(unseen)
		c.m.after(witnessWait, func() {
			held := up.unhold(unseen)
			if cur, _ := c.m.readerOf(c); cur != nil && cur != up {
				held = cur.unseen(held)
			}
			ctx, cancel := context.WithTimeout(context.Background(), c.m.cfg.HangupTimeout)
			defer cancel()
			if err := c.storeWitness(ctx, held); err != nil && !errors.Is(err, ErrClosed) {
				c.m.log.Warn("store witnessed lines", "interview_id", c.key.interview, "error", err.Error())
			}
		})
	}
	return nil
}

// storeHeld stores the witnessed lines up still holds that it has not
// seen, once its reader has stopped and stored its own: before the
// interview ends (a closed interview takes no more lines) or another
// instance reads the call.
func (m *Manager) storeHeld(k key, up *upstream) {
	held := up.unhold(nil)
	if len(held) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), m.cfg.HangupTimeout)
	defer cancel()
	stored, err := m.cfg.Store.AppendTranscript(ctx, k.tenant, k.interview, held)
	if err != nil {
		m.log.Warn("store witnessed lines", "interview_id", k.interview, "error", err.Error())
		return
	}
	m.publish(k, stored)
}

// witnessLines turns the events' lines into entries timed by receivedAt,
// clamped to [the interview's start, now] and kept in the batch's order.
func (c *Conn) witnessLines(events []realtime.Event) []interview.TranscriptEntry {
	now, from := c.m.now(), c.m.startOf(c)
	var entries []interview.TranscriptEntry
	var last time.Time
	for _, ev := range events {
		sp, id, text, ok := WitnessLine(ev)
		if !ok {
			continue
		}
		at := now
		if ev.ReceivedAt > 0 {
			at = time.UnixMilli(ev.ReceivedAt).UTC()
		}
		at = clampTime(at, from, now)
		if !at.After(last) && !last.IsZero() {
			at = last.Add(time.Microsecond) // a batch keeps its order
		}
		last = at
		entries = append(entries, interview.TranscriptEntry{TenantID: c.key.tenant, InterviewID: c.key.interview,
			ItemID: id, Speaker: sp, Text: text, Timestamp: at, Source: interview.SourceClient})
	}
	return entries
}

// storeWitness stores witnessed entries and publishes those stored.
func (c *Conn) storeWitness(ctx context.Context, entries []interview.TranscriptEntry) error {
	if len(entries) == 0 {
		return nil
	}
	stored, err := c.m.cfg.Store.AppendTranscript(ctx, c.key.tenant, c.key.interview, entries)
	if err != nil {
		return c.m.storeFailed("witness transcript", err)
	}
	c.m.publish(c.key, stored)
	return nil
}

// endOf finds the end_interview call among witnessed events, with the
// interviewer's lines the browser received after it (the goodbye, when
// it has been said).
func endOf(events []realtime.Event) (fc realtime.FunctionCall, said []realtime.Event, ok bool) {
	for _, ev := range events {
		if f, isCall := realtime.FunctionCallOf(ev); isCall && f.Name == realtime.ToolEndInterview && !ok {
			fc, ok = f, true
			continue
		}
		if sp, _, _, line := WitnessLine(ev); ok && line && sp == interview.SpeakerInterviewer {
			said = append(said, ev)
		}
	}
	return fc, said, ok
}

// startOf is when the interview started, as far as this manager knows:
// Connect's time when it started after c connected and is not live here.
func (m *Manager) startOf(c *Conn) time.Time {
	if c.v.StartedAt != nil {
		return *c.v.StartedAt
	}
	m.mu.Lock()
	l := m.lives[c.key]
	m.mu.Unlock()
	if l != nil && m.lock(l) {
		defer l.op.Unlock()
		if !l.end.IsZero() {
			return l.end.Add(-l.limit)
		}
	}
	return c.opened
}

// readerOf returns the reader of the interview's call when this manager
// reads it, and whether that call is c's own: c is the interview's
// connection and resumed that call, the one its peer connection held
// before the drop (an end_interview it witnesses is that call's; after a
// new offer the room's recent events are an earlier call's).
func (m *Manager) readerOf(c *Conn) (*upstream, bool) {
	m.mu.Lock()
	l := m.lives[c.key]
	m.mu.Unlock()
	if l == nil || !m.lock(l) {
		return nil, false
	}
	defer l.op.Unlock()
	if l.call == nil {
		return nil, false
	}
	select {
	case <-l.call.done:
		return nil, false
	default:
		return l.call, l.conn == c && c.resumed == l.call.id
	}
}

// clampTime returns t within [lo, hi].
func clampTime(t, lo, hi time.Time) time.Time {
	switch {
	case t.Before(lo):
		return lo
	case t.After(hi):
		return hi
	}
	return t
}
