package calls

import (
	"context"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/realtime"
)

// startReader starts the goroutine that reads a call's sideband.
func (m *Manager) startReader(l *live, callID string, sb realtime.Sideband) *upstream {
	ctx, cancel := context.WithCancel(m.ctx)
	up := &upstream{id: callID, cancel: cancel, done: make(chan struct{}), seen: map[string]bool{}}
	up.tools = m.newTools(l, up, sb)
	m.cfg.Metrics.CallStarted()
	m.wg.Add(1)
	go m.read(ctx, l, up, sb)
	return up
}

// read turns the call's events into ordered transcript lines and stores
// each as soon as it is released. When the sideband ends it stores every
// line still held back, then, unless the manager itself ended the call,
// reports that the provider did.
func (m *Manager) read(ctx context.Context, l *live, up *upstream, sb realtime.Sideband) {
	defer m.wg.Done()
	order := realtime.NewOrdering(m.cfg.Patience)
	tools := up.tools
	for {
		ev, err := sb.Read(ctx)
		if err != nil {
			m.log.Debug("sideband ended", "call_id", up.id, "error", err.Error())
			break
		}
		switch {
		case ev.Type == realtime.EvError && ev.Error != nil:
			m.log.Warn("provider error event", "call_id", up.id, "code", ev.Error.Code, "message", ev.Error.Message)
		case ev.Type == realtime.EvInputTranscriptFailed:
			m.cfg.Metrics.TranscriptError("transcription")
		}
		up.see(ev)
		m.store(l.key, order.Observe(ev, m.now()))
		tools.observe(ctx, ev)
	}
	tools.stop()
	// A call left running keeps the line still being said for the next
	// reader, which hears it end; one that ends stores it as it stands.
	m.store(l.key, order.Flush(m.now(), !up.leaving.Load()))
	_ = sb.Close()
	m.cfg.Metrics.CallEnded()
	close(up.done)
	if !up.stopping.Load() {
		m.callEnded(l, up)
	}
}

// store writes released lines as sideband entries, idempotent by the
// provider's item ID, and publishes the stored entries.
func (m *Manager) store(k key, lines []realtime.Line) {
	if len(lines) == 0 {
		return
	}
	entries := make([]interview.TranscriptEntry, len(lines))
	for i, ln := range lines {
		entries[i] = interview.TranscriptEntry{
			TenantID: k.tenant, InterviewID: k.interview, ItemID: ln.ItemID,
			Speaker: ln.Speaker, Text: ln.Text, Timestamp: ln.Timestamp, Interrupted: ln.Interrupted, Source: interview.SourceSideband,
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), m.cfg.HangupTimeout)
	defer cancel()
	stored, err := m.cfg.Store.AppendTranscript(ctx, k.tenant, k.interview, entries)
	if err != nil {
		m.log.Error("store transcript", "interview_id", k.interview, "lines", len(lines), "error", err.Error())
		m.cfg.Metrics.TranscriptError("store")
		return
	}
	now := m.now()
	for i, e := range stored { // stored is in the order given, one per line
		if i < len(lines) {
			m.cfg.Metrics.TranscriptStored(string(e.Speaker), now.Sub(lines[i].Finished))
		}
	}
	m.publish(k, stored)
}
