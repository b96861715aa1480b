package realtime

import (
	"strings"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
)

// DefaultPatience is how long, with no news about it, a line that holds
// back later ones is waited for when NewOrdering is given no patience.
const DefaultPatience = 30 * time.Second

// maxPlaying bounds the wait for a line whose audio is still playing, in
// case output_audio_buffer.stopped never comes: no line is that long.
const maxPlaying = 2 * time.Minute

// Line is a finished transcript line, ready to be stored.
type Line struct {
	ItemID  string
	Speaker interview.Speaker
	Text    string
	// Timestamp is when the line's speech started: the candidate's from the
	// session's audio origin and speech_started's audio_start_ms, the
	// interviewer's when its response's audio started. It is never earlier
	// than the line before it in the conversation.
	Timestamp time.Time
	// Interrupted is true for a line cut short, by the candidate speaking
	// over it or by the end of the call: Text is what was said of it.
	Interrupted bool
	// Finished is when the event that made the line final arrived; the
	// time from it to the line's storing is the transcript's lag.
	Finished time.Time
}

// Ordering turns a call's events into transcript lines in conversation
// order, not arrival order. The conversation order comes from
// previous_item_id on committed and added items. A line is released once it
// and every line before it are finished: an interviewer item holds later
// lines back while its response is in progress or its audio plays, a
// candidate's audio item while its transcription is still expected. An item
// with no news for Patience stops holding the others back, unless its audio
// is still playing (then up to maxPlaying);
// Flush with force releases what there is, as at the end of a call.
type Ordering struct {
	Patience  time.Duration
	items     []*orderItem
	byID      map[string]*orderItem
	responses map[string]*response
	starts    map[string]int64 // item ID → audio_start_ms from speech_started
	origin    time.Time        // the session's audio origin, estimated
	floor     time.Time        // timestamp of the last line compacted away
}

// response is one model response: its message items and its audio.
type response struct {
	items   []*orderItem
	audioAt time.Time // output_audio_buffer.started arrived
	playing bool      // started and not yet stopped or cleared
	done    bool      // response.done arrived
}

type orderItem struct {
	id          string
	speaker     interview.Speaker
	line        bool // false for function calls and outputs: never a line
	seen        time.Time
	news        time.Time // the last event about it: Patience counts from here
	resp        *response
	deltas      strings.Builder
	heard       *string // the deltas when it was truncated
	text        string
	done        bool // its text is final
	speaking    bool // its response is in progress
	interrupted bool
	finished    time.Time
	failed      bool // no transcript will come
	released    bool
	ts          time.Time // its timestamp, once released
}

// NewOrdering returns an empty Ordering that waits up to patience (of no
// news) for a line that holds back later ones; 0 means DefaultPatience.
func NewOrdering(patience time.Duration) *Ordering {
	if patience <= 0 {
		patience = DefaultPatience
	}
	return &Ordering{Patience: patience, byID: map[string]*orderItem{},
		responses: map[string]*response{}, starts: map[string]int64{}}
}

// Observe takes one event seen at now and returns the lines it releases.
func (o *Ordering) Observe(ev Event, now time.Time) []Line {
	switch ev.Type {
	case EvSpeechStarted:
		o.speechStarted(ev, now)
	case EvCommitted:
		it := o.place(ev.ItemID, ev.PreviousItemID, interview.SpeakerCandidate, now)
		it.touch(now)
	case EvItemAdded, EvItemDone:
		o.item(ev.Item, ev.PreviousItemID, now)
	case EvOutputItemAdded:
		o.outputItem(ev, now)
	case EvAudioBufferStarted, EvAudioBufferStopped, EvAudioBufferCleared:
		o.audio(ev, now)
	case EvOutputTranscriptDelta, evLegacyOutputDelta, EvOutputTextDelta:
		o.delta(ev.ItemID, ev.Delta, now)
	case EvItemTruncated:
		o.truncate(ev.ItemID, now)
	case EvInputTranscriptDone:
		o.finish(ev.ItemID, interview.SpeakerCandidate, ev.Transcript, now)
	case EvInputTranscriptDelta:
		if it := o.byID[ev.ItemID]; it != nil {
			it.touch(now)
		}
	case EvInputTranscriptFailed:
		it := o.place(ev.ItemID, nil, interview.SpeakerCandidate, now)
		it.failed = true
	case EvOutputTranscriptDone, evLegacyOutputTranscript:
		o.finish(ev.ItemID, interview.SpeakerInterviewer, ev.Transcript, now)
	case EvOutputTextDone:
		o.finish(ev.ItemID, interview.SpeakerInterviewer, ev.Text, now)
	case EvResponseDone:
		o.responseDone(ev.Response, now)
	}
	return o.release(now, false)
}

// Flush returns the lines that are ready at now; with force it returns every
// line there is, as at the end of a call: an interviewer line still being
// said is stored with what was said of it, marked interrupted.
func (o *Ordering) Flush(now time.Time, force bool) []Line {
	return o.release(now, force)
}

// Pending is the number of known lines not yet released.
func (o *Ordering) Pending() int {
	n := 0
	for _, it := range o.items {
		if !it.released && !it.failed && it.line {
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

func (it *orderItem) touch(now time.Time) {
	if now.After(it.news) {
		it.news = now
	}
}

// speechStarted keeps the item's audio_start_ms and moves the audio origin
// (the wall time of the session's audio at 0 ms) to the earliest estimate:
// the event's arrival less audio_start_ms, which can only be late.
func (o *Ordering) speechStarted(ev Event, now time.Time) {
	if ev.AudioStartMS == nil || *ev.AudioStartMS < 0 {
		return
	}
	ms := *ev.AudioStartMS
	if at := now.Add(-time.Duration(ms) * time.Millisecond); o.origin.IsZero() || at.Before(o.origin) {
		o.origin = at
	}
	if ev.ItemID != "" {
		o.starts[ev.ItemID] = ms
	}
}

// place records an item at its place in the conversation: right after its
// previous item when that is known, else at the end. An item already known
// keeps its place.
func (o *Ordering) place(id string, prev *string, sp interview.Speaker, now time.Time) *orderItem {
	if it, ok := o.byID[id]; ok {
		return it
	}
	it := &orderItem{id: id, speaker: sp, line: true, seen: now, news: now}
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

// item handles conversation.item.added and .done. A message is placed at
// its place; a user's text message is a finished line at once; other items
// (function calls and their outputs) are placed but are never lines.
func (o *Ordering) item(item *EventItem, prev *string, now time.Time) {
	if item == nil || item.ID == "" {
		return
	}
	it := o.place(item.ID, prev, speakerOf(item.Role), now)
	it.touch(now)
	if item.Type != "message" {
		it.line, it.done = false, true
		return
	}
	if text, ok := inputText(item.Content); ok && !it.done {
		o.finish(item.ID, it.speaker, text, now)
	}
	if it.resp == nil && item.Role == "assistant" && item.Status == "incomplete" {
		it.interrupted = true
	}
}

// inputText is the text of a message's input_text parts, if it has any.
func inputText(content []EventContent) (string, bool) {
	var parts []string
	for _, c := range content {
		if c.Type == "input_text" {
			parts = append(parts, c.Text)
		}
	}
	return strings.Join(parts, "\n"), len(parts) > 0
}

// outputItem handles response.output_item.added: an interviewer message is
// being said from now until its response is done.
func (o *Ordering) outputItem(ev Event, now time.Time) {
	if ev.Item == nil || ev.Item.ID == "" {
		return
	}
	sp := interview.SpeakerInterviewer
	if ev.Item.Role != "" {
		sp = speakerOf(ev.Item.Role)
	}
	it := o.place(ev.Item.ID, nil, sp, now)
	it.touch(now)
	if ev.Item.Type != "message" {
		it.line, it.done = false, true
		return
	}
	if ev.ResponseID == "" || it.resp != nil {
		return
	}
	r := o.responses[ev.ResponseID]
	if r == nil {
		r = &response{}
		o.responses[ev.ResponseID] = r
	}
	it.resp, it.speaking = r, !it.done
	r.items = append(r.items, it)
}

// audio handles output_audio_buffer.started, .stopped and .cleared: the
// interviewer's lines start when their response's audio starts.
func (o *Ordering) audio(ev Event, now time.Time) {
	r := o.responses[ev.ResponseID]
	if ev.Type != EvAudioBufferStarted {
		if r != nil {
			o.audioEnded(r, ev.Type == EvAudioBufferCleared, now)
			if r.done {
				delete(o.responses, ev.ResponseID)
			}
		}
		return
	}
	if r == nil {
		r = &response{}
		o.responses[ev.ResponseID] = r
	}
	if r.audioAt.IsZero() {
		r.audioAt = now
	}
	r.playing = true
	for _, it := range r.items {
		it.touch(now)
	}
}

// audioEnded notes that a response's audio stopped; cleared means it was
// cut off (the candidate spoke over it, or the client cleared it), which
// leaves its lines interrupted.
func (o *Ordering) audioEnded(r *response, cleared bool, now time.Time) {
	r.playing = false
	for _, it := range r.items {
		it.touch(now)
		if cleared && (it.text != "" || it.deltas.Len() > 0) {
			it.interrupted = true
		}
	}
}

// delta adds to an interviewer line being said, unless it was cut short.
func (o *Ordering) delta(id, d string, now time.Time) {
	it := o.byID[id]
	if it == nil || it.done || it.heard != nil {
		return
	}
	it.touch(now)
	if it.deltas.Len()+len(d) <= maxTranscriptTextFromPeer {
		it.deltas.WriteString(d)
	}
}

// truncate handles conversation.item.truncated: the candidate spoke over
// the line, whose audio stopped there. The deltas received so far are what
// was heard (the engine paces them with its audio).
func (o *Ordering) truncate(id string, now time.Time) {
	it := o.byID[id]
	if it == nil {
		return
	}
	it.touch(now)
	it.interrupted = true
	if it.heard == nil {
		heard := it.deltas.String()
		if it.done && (heard == "" || len(it.text) < len(heard)) {
			heard = it.text
		}
		it.heard = &heard
	}
	if it.done && !it.released && len(*it.heard) < len(it.text) {
		it.text = *it.heard
	}
}

func (o *Ordering) finish(id string, sp interview.Speaker, text string, now time.Time) {
	if id == "" {
		return
	}
	it := o.place(id, nil, sp, now)
	it.touch(now)
	if len(text) > maxTranscriptTextFromPeer {
		text = text[:maxTranscriptTextFromPeer]
	}
	if it.heard != nil && (text == "" || len(*it.heard) < len(text)) {
		text = *it.heard // a transcript.done after a truncation may carry the whole text
	} else if text == "" {
		text = it.deltas.String()
	}
	if !it.done {
		it.finished = now
	}
	it.text, it.done = text, true
}

// responseDone ends a response: its lines are no longer being said, and a
// response cancelled or cut off leaves them interrupted, with the text
// received so far when no transcript came.
func (o *Ordering) responseDone(resp *EventResponse, now time.Time) {
	if resp == nil {
		return
	}
	r := o.responses[resp.ID]
	if r == nil {
		return
	}
	cut := resp.Status == "cancelled" || resp.Status == "incomplete"
	for _, it := range r.items {
		it.touch(now)
		it.speaking = false
		if !it.done {
			o.finish(it.id, it.speaker, it.said(), now)
		}
		if cut && it.text != "" {
			it.interrupted = true
		}
	}
	r.done = true
	if !r.playing {
		delete(o.responses, resp.ID)
	}
}

// said is what was said of a line not finished: what was heard when it was
// truncated, else the deltas received.
func (it *orderItem) said() string {
	if it.heard != nil {
		return *it.heard
	}
	return it.deltas.String()
}

// release returns, in order, the lines not yet released that no earlier
// unfinished line holds back. With force nothing holds back and an
// interviewer line still being said goes with what was said of it.
func (o *Ordering) release(now time.Time, force bool) []Line {
	var out []Line
	prev := o.floor
	for i, it := range o.items {
		if it.released || it.failed || !it.line {
			if it.released && it.line && it.text != "" {
				prev = it.ts
			}
			continue
		}
		if !it.ready() {
			if force {
				o.cut(it, now)
			} else if it.playing() && now.Sub(it.news) < maxPlaying || now.Sub(it.news) < o.Patience {
				break // still being said, or still expected
			} else {
				continue // stop waiting for it; later lines go ahead
			}
		}
		it.released = true
		it.deltas.Reset()
		if it.text = strings.TrimSpace(it.text); it.text == "" {
			continue
		}
		it.ts = o.timestamp(it, prev, o.nextTimestamp(i))
		prev = it.ts
		out = append(out, Line{ItemID: it.id, Speaker: it.speaker, Text: it.text, Timestamp: it.ts,
			Interrupted: it.interrupted, Finished: it.finished})
	}
	o.compact()
	return out
}

// ready reports whether a line is final: its text is, its response is
// over and its audio has stopped playing.
func (it *orderItem) ready() bool { return it.done && !it.speaking && !it.playing() }

// playing reports whether the line's audio is still playing.
func (it *orderItem) playing() bool { return it.resp != nil && it.resp.playing }

// cut finishes a line at the end of the call: an interviewer line keeps
// what was said of it, marked interrupted; a transcription still expected
// is given up.
func (o *Ordering) cut(it *orderItem, now time.Time) {
	if !it.done {
		o.finish(it.id, it.speaker, it.said(), now)
	}
	if (it.speaking || it.playing()) && it.text != "" {
		it.interrupted = true // still being said when the call ended
	}
	it.speaking = false
}

// timestamp is when a line's speech started, kept between the line before
// it and the next line already released (a late line goes back to its
// place).
func (o *Ordering) timestamp(it *orderItem, prev, next time.Time) time.Time {
	ts := it.seen
	if ms, ok := o.starts[it.id]; ok && !o.origin.IsZero() {
		ts = o.origin.Add(time.Duration(ms) * time.Millisecond)
		delete(o.starts, it.id)
	} else if it.resp != nil && !it.resp.audioAt.IsZero() {
		ts = it.resp.audioAt
	}
	if !next.IsZero() && ts.After(next) {
		ts = next
	}
	if ts.Before(prev) {
		ts = prev
	}
	return ts
}

// nextTimestamp is the timestamp of the first line after item i already
// released, or zero.
func (o *Ordering) nextTimestamp(i int) time.Time {
	for _, it := range o.items[i+1:] {
		if it.released && it.line && it.text != "" {
			return it.ts
		}
	}
	return time.Time{}
}

// compact drops released items from the front so a long call does not grow
// the slice without bound; the map keeps their IDs so repeats are ignored,
// and floor the last dropped line's timestamp.
func (o *Ordering) compact() {
	i := 0
	for i < len(o.items) && (o.items[i].released || o.items[i].failed || !o.items[i].line) {
		i++
	}
	if i <= 64 {
		return
	}
	for _, it := range o.items[:i] {
		if it.released && it.line && it.text != "" {
			o.floor = it.ts
		}
	}
	o.items = append([]*orderItem(nil), o.items[i:]...)
}
