package peer

import (
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/pion/webrtc/v4"
)

// Event is a server event as tests read it: the fields they check and the
// event's JSON as it came.
type Event struct {
	Type           string        `json:"type"`
	EventID        string        `json:"event_id"`
	ItemID         string        `json:"item_id"`
	ResponseID     string        `json:"response_id"`
	PreviousItemID *string       `json:"previous_item_id"`
	Delta          string        `json:"delta"`
	Transcript     string        `json:"transcript"`
	Note           string        `json:"note"`
	Error          *EventError   `json:"error"`
	Session        *EventSession `json:"session"`
	Raw            string        `json:"-"`
}

// EventError is the error of an error event.
type EventError struct {
	Type    string `json:"type"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// EventSession is the session of session.created and session.updated.
type EventSession struct {
	ID           string `json:"id"`
	Instructions string `json:"instructions"`
	Audio        struct {
		Output struct {
			Voice string `json:"voice"`
		} `json:"output"`
	} `json:"audio"`
}

// DecodeEvent parses one server event; the data channel and a sideband
// carry the same JSON.
func DecodeEvent(data []byte) (Event, error) {
	var ev Event
	if err := json.Unmarshal(data, &ev); err != nil {
		return ev, fmt.Errorf("server event is not JSON: %w: %s", err, data)
	}
	ev.Raw = string(data)
	return ev, nil
}

// UserMessage is the client event that answers in text, as the engine's
// text mode takes answers.
func UserMessage(text string) map[string]any {
	return map[string]any{"type": "conversation.item.create", "item": map[string]any{
		"type": "message", "role": "user",
		"content": []map[string]any{{"type": "input_text", "text": text}}}}
}

func (p *Peer) openDataChannel() {
	dc, err := p.pc.CreateDataChannel(EventsLabel, nil)
	if err != nil {
		p.t.Fatalf("create the data channel: %v", err)
	}
	p.dc = dc
	dc.OnMessage(func(m webrtc.DataChannelMessage) { p.deliver(m.Data) })
	var once sync.Once
	dc.OnClose(func() { once.Do(func() { close(p.dcClosed) }) })
}

// deliver queues an event for the test; one that is not JSON, or that
// finds the queue full, fails the test rather than go missing.
func (p *Peer) deliver(data []byte) {
	select {
	case <-p.stop:
		return // the test is over
	default:
	}
	ev, err := DecodeEvent(data)
	if err != nil {
		p.t.Error(err)
		return
	}
	select {
	case p.events <- ev:
	default:
		p.t.Errorf("event dropped, %d unread: %s", cap(p.events), data)
	}
}

// Events returns the server events from the data channel, in order. The
// channel holds 1024 unread events; one more fails the test.
func (p *Peer) Events() <-chan Event { return p.events }

// DataChannelClosed returns a channel closed when the data channel closes,
// as it does when the other side ends the call.
func (p *Peer) DataChannelClosed() <-chan struct{} { return p.dcClosed }

// Until reads events up to and including the first of type typ, and fails
// the test if it does not come within the given time.
func (p *Peer) Until(typ string, within time.Duration) []Event {
	p.t.Helper()
	var out []Event
	timeout := time.After(within)
	for {
		select {
		case ev := <-p.events:
			out = append(out, ev)
			if ev.Type == typ {
				return out
			}
		case <-timeout:
			p.t.Fatalf("no %s within %v; saw %d events", typ, within, len(out))
		}
	}
}

// SendEvent sends a client event, as JSON, on the data channel.
func (p *Peer) SendEvent(v any) {
	p.t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		p.t.Fatal(err)
	}
	if err := p.SendText(string(b)); err != nil {
		p.t.Fatalf("send %s: %v", b, err)
	}
}

// SendText sends text as it is on the data channel: a test's way to send
// what is not a valid event.
func (p *Peer) SendText(s string) error {
	if p.dc == nil {
		return fmt.Errorf("the peer has no data channel")
	}
	return p.dc.SendText(s)
}

// Say answers in text on the data channel (UserMessage).
func (p *Peer) Say(text string) {
	p.t.Helper()
	p.SendEvent(UserMessage(text))
}
