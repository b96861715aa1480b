package calls

import (
	"context"
	"sync"

	"github.com/interviewd/interviewd/internal/interview"
)

// Update is one thing a subscriber learns about a live interview: a stored
// transcript entry, or the question the interviewer reached. Exactly one
// of the two is set.
type Update struct {
	Entry    *interview.TranscriptEntry
	Progress *Progress
}

// Progress is the question the interviewer asked last, of how many.
type Progress struct {
	Question int // 1-based; 0 before the first question
	Total    int // the position's questions
}

// hub is the subscribers of one interview.
type hub struct {
	subs map[*subscriber]struct{}
	// sent are the items published, so a repeat is not sent twice.
	sent map[string]struct{}
	// seq is the highest Seq sent (or stored when the hub was made): the
	// fan-out re-reads the entries after it.
	seq int64
	// question is the last question sent, so a re-read sends it once.
	question int
}

type subscriber struct {
	ch   chan Update
	once sync.Once
}

func (s *subscriber) close() { s.once.Do(func() { close(s.ch) }) }

// Subscribe returns the updates of an interview of tenantID from now on:
// each transcript entry as it is stored and each question reached, and a
// function that ends the subscription. The channel is closed when the interview ends through the
// manager, when the manager closes, or when the subscriber falls more than
// SubscriberBuffer entries behind: a slow subscriber is dropped, it never
// holds up a call. Entries stored before Subscribe are the caller's to read
// from the store (the /rtc connection replays them after subscribing), as
// is the progress (Conn.Progress).
//
// The updates stored by other instances sharing the database arrive too
// (fanout.go): from the entries after the last one stored when the
// interview's first subscription here began.
func (m *Manager) Subscribe(tenantID, interviewID string) (<-chan Update, func()) {
	s := &subscriber{ch: make(chan Update, m.cfg.SubscriberBuffer)}
	k := key{tenantID, interviewID}
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		s.close()
		return s.ch, func() {}
	}
	h := m.hubs[k]
	if h == nil {
		m.mu.Unlock()
		seq := m.lastSeq(k) // outside the lock: a store read
		m.mu.Lock()
		if h = m.hubs[k]; h == nil {
			h = &hub{subs: map[*subscriber]struct{}{}, seq: seq}
			m.hubs[k] = h
		}
	}
	h.subs[s] = struct{}{}
	m.mu.Unlock()
	return s.ch, func() { m.unsubscribe(k, s) }
}

// lastSeq is the Seq of k's last stored entry; 0 when there is none or
// the store cannot say (the fan-out then re-reads from the start, and the
// hub's sent items keep the repeats out).
func (m *Manager) lastSeq(k key) int64 {
	ctx, cancel := context.WithTimeout(m.ctx, m.cfg.HangupTimeout)
	defer cancel()
	entries, err := m.cfg.Store.ListTranscript(ctx, k.tenant, k.interview, 0)
	if err != nil || len(entries) == 0 {
		return 0
	}
	return entries[len(entries)-1].Seq
}

func (m *Manager) unsubscribe(k key, s *subscriber) {
	m.mu.Lock()
	if h := m.hubs[k]; h != nil {
		delete(h.subs, s)
		if len(h.subs) == 0 {
			delete(m.hubs, k)
		}
	}
	m.mu.Unlock()
	s.close()
}

// Publish sends stored entries of an interview to its subscribers. The
// manager publishes what it writes from the sideband; other writers (the
// transcript API) may publish theirs.
func (m *Manager) Publish(tenantID, interviewID string, entries []interview.TranscriptEntry) {
	m.publish(key{tenantID, interviewID}, entries)
}

// publish gives stored entries to this instance's subscribers and
// announces them to every instance.
func (m *Manager) publish(k key, entries []interview.TranscriptEntry) {
	if len(entries) == 0 {
		return
	}
	m.deliver(k, entries)
	var seq int64
	for _, e := range entries {
		seq = max(seq, e.Seq)
	}
	m.announce(k, kindEntries, seq)
}

// deliver gives stored entries to this instance's subscribers, each item
// once.
func (m *Manager) deliver(k key, entries []interview.TranscriptEntry) {
	m.mu.Lock()
	defer m.mu.Unlock()
	h := m.hubs[k]
	if h == nil {
		return
	}
	if h.sent == nil {
		h.sent = map[string]struct{}{}
	}
	for _, e := range entries {
		h.seq = max(h.seq, e.Seq)
		if _, ok := h.sent[e.ItemID]; ok {
			continue
		}
		h.sent[e.ItemID] = struct{}{}
		h.send(Update{Entry: &e})
	}
	if len(h.subs) == 0 {
		delete(m.hubs, k)
	}
}

// send gives u to every subscriber, dropping one whose buffer is full.
// The caller holds m.mu.
func (h *hub) send(u Update) {
	for s := range h.subs {
		select {
		case s.ch <- u:
		default:
			delete(h.subs, s)
			s.close()
		}
	}
}

// progress records the question the interviewer reached and publishes it.
// A failed write is logged: the call goes on.
func (m *Manager) progress(k key, question, total int) {
	ctx, cancel := context.WithTimeout(context.Background(), m.cfg.HangupTimeout)
	defer cancel()
	if err := m.cfg.Store.UpdateSessionProgress(ctx, k.tenant, k.interview, question, m.now()); err != nil {
		m.log.Error("record progress", "interview_id", k.interview, "question", question, "error", err.Error())
	}
	m.sendProgress(k, Progress{Question: question, Total: total}, true)
	m.announce(k, kindProgress, 0)
}

// sendProgress gives the question reached to k's subscribers here: always
// when this instance recorded it (again), else when it moved.
func (m *Manager) sendProgress(k key, p Progress, again bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	h := m.hubs[k]
	if h == nil || !again && h.question == p.Question {
		return
	}
	h.question = p.Question
	h.send(Update{Progress: &p})
	if len(h.subs) == 0 {
		delete(m.hubs, k)
	}
}

// closeHub ends the subscriptions of an interview that has ended, here
// and, through the notice, on every instance.
func (m *Manager) closeHub(k key) {
	m.closeSubscribers(k)
	m.announce(k, kindStatus, 0)
}

// closeSubscribers ends the subscriptions of k here.
func (m *Manager) closeSubscribers(k key) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if h := m.hubs[k]; h != nil {
		for s := range h.subs {
			s.close()
		}
		delete(m.hubs, k)
	}
}

func (m *Manager) closeHubs() {
	m.mu.Lock()
	defer m.mu.Unlock()
	for k, h := range m.hubs {
		for s := range h.subs {
			s.close()
		}
		delete(m.hubs, k)
	}
}
