package calls

import (
	"context"
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

// Witness stores the lines of the browser's final transcript events
// (WitnessLine) as entries with Source client, idempotent by item ID, and
// publishes those stored, as the reader does with the sideband's. The
// sideband is the better witness (its lines are timed from when their
// speech started and ordered by the conversation; a browser's copy is
// timed when it reaches the server), and its copy replaces a browser's
// for the same item (store.Overrides). So while this manager reads the
// interview's sideband, Witness stores nothing: a browser's copy arriving
// first would fix the line's place by its later time. It keeps the lines
// said while no sideband is attached: a sideband that was cut, the gap
// of a handover or a drain. ErrClosed once the interview has ended.
func (c *Conn) Witness(ctx context.Context, events []realtime.Event) error {
	if c.m.reading(c.key) {
		return nil
	}
	now := c.m.now()
	var entries []interview.TranscriptEntry
	for _, ev := range events {
		sp, id, text, ok := WitnessLine(ev)
		if !ok {
			continue
		}
		// A batch keeps its order: the store places entries by time.
		at := now.Add(time.Duration(len(entries)) * time.Microsecond)
		entries = append(entries, interview.TranscriptEntry{TenantID: c.key.tenant, InterviewID: c.key.interview,
			ItemID: id, Speaker: sp, Text: text, Timestamp: at, Source: interview.SourceClient})
	}
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

// reading reports whether this manager reads the sideband of the
// interview's call now.
func (m *Manager) reading(k key) bool {
	m.mu.Lock()
	l := m.lives[k]
	m.mu.Unlock()
	if l == nil || !m.lock(l) {
		return false
	}
	defer l.op.Unlock()
	if l.call == nil {
		return false
	}
	select {
	case <-l.call.done:
		return false
	default:
		return true
	}
}
