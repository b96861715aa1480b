package calls

import (
	"sync"

	"github.com/interviewd/interviewd/internal/interview"
)

// hub is the subscribers of one interview.
type hub struct {
	subs    map[*subscriber]struct{}
	lastSeq int64 // the newest entry published, so a repeat is not sent twice
}

type subscriber struct {
	ch   chan interview.TranscriptEntry
	once sync.Once
}

func (s *subscriber) close() { s.once.Do(func() { close(s.ch) }) }

// Subscribe returns the transcript entries stored for an interview of
// tenantID from now on, as they are stored, and a function that ends the
// subscription. The channel is closed when the interview ends through the
// manager, when the manager closes, or when the subscriber falls more than
// SubscriberBuffer entries behind: a slow subscriber is dropped, it never
// holds up a call. Entries stored before Subscribe are the caller's to read
// from the store (the /rtc connection replays them after subscribing).
func (m *Manager) Subscribe(tenantID, interviewID string) (<-chan interview.TranscriptEntry, func()) {
	s := &subscriber{ch: make(chan interview.TranscriptEntry, m.cfg.SubscriberBuffer)}
	k := key{tenantID, interviewID}
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		s.close()
		return s.ch, func() {}
	}
	h := m.hubs[k]
	if h == nil {
		h = &hub{subs: map[*subscriber]struct{}{}}
		m.hubs[k] = h
	}
	h.subs[s] = struct{}{}
	m.mu.Unlock()
	return s.ch, func() { m.unsubscribe(k, s) }
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

func (m *Manager) publish(k key, entries []interview.TranscriptEntry) {
	m.mu.Lock()
	defer m.mu.Unlock()
	h := m.hubs[k]
	if h == nil {
		return
	}
	for _, e := range entries {
		if e.Seq <= h.lastSeq {
			continue
		}
		h.lastSeq = e.Seq
		for s := range h.subs {
			select {
			case s.ch <- e:
			default:
				delete(h.subs, s)
				s.close()
			}
		}
	}
	if len(h.subs) == 0 {
		delete(m.hubs, k)
	}
}

// closeHub ends the subscriptions of an interview that has ended.
func (m *Manager) closeHub(k key) {
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
