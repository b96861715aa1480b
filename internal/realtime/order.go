package realtime

import (
	"time"

	"github.com/interviewd/interviewd/internal/interview"
)

// Line is a finished transcript line, ready to be stored.
type Line struct {
	ItemID  string
	Speaker interview.Speaker
	Text    string
	At      time.Time // when the item was first seen: its place in the conversation
	// Finished is when the event that made the line final arrived; the
	// time from it to the line's storing is the transcript's lag.
	Finished time.Time
}

// Ordering turns a call's events into transcript lines in conversation
// order. The provider transcribes the candidate asynchronously, so a
// transcript may complete after the interviewer's next line; the
// conversation order comes from previous_item_id on committed and added
// items instead. A line is released once it and every line before it are
// finished; a line that never finishes stops holding the others back after
// Patience.
type Ordering struct {
	Patience time.Duration
	items    []*orderItem
	byID     map[string]*orderItem
}

type orderItem struct {
	id       string
	speaker  interview.Speaker
	text     string
	at       time.Time
	done     bool // its transcript is final
	finished time.Time
	failed   bool // no transcript will come
	released bool
}

// NewOrdering returns an empty Ordering that waits up to patience for a
// line that holds back later ones.
func NewOrdering(patience time.Duration) *Ordering {
	return &Ordering{Patience: patience, byID: map[string]*orderItem{}}
}

// Observe takes one event seen at now and returns the lines it releases.
func (o *Ordering) Observe(ev Event, now time.Time) []Line {
	switch ev.Type {
	case EvCommitted:
		o.place(ev.ItemID, ev.PreviousItemID, interview.SpeakerCandidate, now)
	case EvItemAdded:
		if ev.Item != nil && ev.Item.Type == "message" {
			o.place(ev.Item.ID, ev.PreviousItemID, speakerOf(ev.Item.Role), now)
		}
	case EvOutputItemAdded:
		if ev.Item != nil && ev.Item.Type == "message" {
			o.place(ev.Item.ID, nil, interview.SpeakerInterviewer, now)
		}
	case EvInputTranscriptDone:
		o.finish(ev.ItemID, interview.SpeakerCandidate, ev.Transcript, now)
	case EvInputTranscriptFailed:
		it := o.place(ev.ItemID, nil, interview.SpeakerCandidate, now)
		it.failed = true
	case EvOutputTranscriptDone, evLegacyOutputTranscript:
		o.finish(ev.ItemID, interview.SpeakerInterviewer, ev.Transcript, now)
	case EvOutputTextDone:
		o.finish(ev.ItemID, interview.SpeakerInterviewer, ev.Text, now)
	}
	return o.release(now, false)
}

// Flush returns the lines that are ready at now; with force it returns every
// finished line, as at the end of a call.
func (o *Ordering) Flush(now time.Time, force bool) []Line {
	return o.release(now, force)
}

// Pending is the number of known lines not yet released.
func (o *Ordering) Pending() int {
	n := 0
	for _, it := range o.items {
		if !it.released && !it.failed {
			n++
		}
	}
	return n
}

func speakerOf(role string) interview.Speaker {
	switch role {
	case "user":
		return interview.SpeakerCandidate
	case "assistant":
		return interview.SpeakerInterviewer
	case "system":
		return interview.SpeakerSystem
	}
	return interview.SpeakerUnknown
}

// place records an item at its place in the conversation: right after its
// previous item when that is known, else at the end. An item already known
// keeps its place.
func (o *Ordering) place(id string, prev *string, sp interview.Speaker, now time.Time) *orderItem {
	if it, ok := o.byID[id]; ok {
		return it
	}
	it := &orderItem{id: id, speaker: sp, at: now}
	o.byID[id] = it
	pos := len(o.items)
	if prev != nil && *prev != "" {
		for i, x := range o.items {
			if x.id == *prev {
				pos = i + 1
				break
			}
		}
	}
	o.items = append(o.items, nil)
	copy(o.items[pos+1:], o.items[pos:])
	o.items[pos] = it
	return it
}

func (o *Ordering) finish(id string, sp interview.Speaker, text string, now time.Time) {
	if id == "" {
		return
	}
	it := o.place(id, nil, sp, now)
	if len(text) > maxTranscriptTextFromPeer {
		text = text[:maxTranscriptTextFromPeer]
	}
	if !it.done {
		it.finished = now
	}
	it.text, it.done = text, true
}

// release returns, in order, the finished lines not yet released that no
// unfinished earlier line (younger than Patience) holds back.
func (o *Ordering) release(now time.Time, force bool) []Line {
	var out []Line
	for _, it := range o.items {
		if it.released || it.failed {
			continue
		}
		if !it.done {
			if force || now.Sub(it.at) >= o.Patience {
				continue // stop waiting for it; later lines go ahead
			}
			break
		}
		it.released = true
		if it.text != "" {
			out = append(out, Line{ItemID: it.id, Speaker: it.speaker, Text: it.text, At: it.at, Finished: it.finished})
		}
	}
	o.compact()
	return out
}

// compact drops released items from the front so a long call does not grow
// the slice without bound; the map keeps their IDs so repeats are ignored.
func (o *Ordering) compact() {
	i := 0
	for i < len(o.items) && (o.items[i].released || o.items[i].failed) {
		i++
	}
	if i > 64 {
		o.items = append([]*orderItem(nil), o.items[i:]...)
	}
}
