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
	Type           string         `json:"type"`
	EventID        string         `json:"event_id"`
	ItemID         string         `json:"item_id"`
	ResponseID     string         `json:"response_id"`
	PreviousItemID *string        `json:"previous_item_id"`
	Delta          string         `json:"delta"`
	Transcript     string         `json:"transcript"`
	Note           string         `json:"note"`
	Name           string         `json:"name"`
	CallID         string         `json:"call_id"`
	Arguments      string         `json:"arguments"`
	OutputIndex    *int           `json:"output_index"`
	AudioStartMS   *int64         `json:"audio_start_ms"`
	AudioEndMS     *int64         `json:"audio_end_ms"`
	Item           *EventItem     `json:"item"`
	Part           *EventPart     `json:"part"`
	Response       *EventResponse `json:"response"`
	Error          *EventError    `json:"error"`
	Session        *EventSession  `json:"session"`
	Raw            string         `json:"-"`
}

// EventItem is a conversation item: a message, a function call or its output.
type EventItem struct {
	ID        string `json:"id"`
	Type      string `json:"type"`
	Status    string `json:"status"`
	Role      string `json:"role"`
	CallID    string `json:"call_id"`
	Name      string `json:"name"`
	Arguments string `json:"arguments"`
	Output    string `json:"output"`
	Content   []struct {
		Type       string  `json:"type"`
		Text       string  `json:"text"`
		Transcript *string `json:"transcript"`
	} `json:"content"`
}

// EventPart is the content part of response.content_part.added and .done.
type EventPart struct {
	Type       string `json:"type"`
	Transcript string `json:"transcript"`
}

// EventResponse is the response of response.created and response.done.
type EventResponse struct {
	ID            string `json:"id"`
	Status        string `json:"status"`
	StatusDetails *struct {
		Type   string `json:"type"`
		Reason string `json:"reason"`
	} `json:"status_details"`
	Output []EventItem `json:"output"`
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

// ResponseCreate is the client event that asks the model to respond.
func ResponseCreate() map[string]any { return map[string]any{"type": "response.create"} }

// FunctionOutput is the client event that gives a function call its output.
func FunctionOutput(callID, output string) map[string]any {
	return map[string]any{"type": "conversation.item.create", "item": map[string]any{
		"type": "function_call_output", "call_id": callID, "output": output}}
}

// FunctionReplies are the client events interviewd sends for the function
// calls among evs (response.function_call_arguments.done): each call's
// output, and after end_interview a response.create for the goodbye.
// ended reports whether end_interview was among them.
func FunctionReplies(evs []Event) (replies []map[string]any, ended bool) {
	for _, ev := range evs {
		if ev.Type != "response.function_call_arguments.done" {
			continue
		}
		switch ev.Name {
		case "end_interview":
			ended = true
			replies = append(replies, FunctionOutput(ev.CallID,
				`{"ok":true,"note":"The interview is over. Say a short goodbye."}`), ResponseCreate())
		default:
			replies = append(replies, FunctionOutput(ev.CallID, `{"ok":true}`))
		}
	}
	return replies, ended
}

func (p *Peer) openDataChannel() {
	dc, err := p.pc.CreateDataChannel(EventsLabel, nil)
	if err != nil {
		p.t.Fatalf("create the data channel: %v", err)
	}
	p.dc = dc
	dc.OnMessage(func(m webrtc.DataChannelMessage) { p.deliver(m.Data) })
	var once sync.Once
	dc.OnOpen(func() { close(p.dcOpen) })
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
// what is not a valid event. It waits, at most ConnectTimeout, for the
// channel to open.
func (p *Peer) SendText(s string) error {
	if p.dc == nil {
		return fmt.Errorf("the peer has no data channel")
	}
	select {
	case <-p.dcOpen:
	case <-p.stop:
		return fmt.Errorf("the peer is closed")
	case <-time.After(ConnectTimeout):
		return fmt.Errorf("the data channel did not open within %v", ConnectTimeout)
	}
	return p.dc.SendText(s)
}

// Say adds a user text message on the data channel (UserMessage); it
// starts no response by itself.
func (p *Peer) Say(text string) {
	p.t.Helper()
	p.SendEvent(UserMessage(text))
}

// Reply answers in text the way a client of OpenAI does: the user
// message, then response.create.
func (p *Peer) Reply(text string) {
	p.t.Helper()
	p.SendEvent(UserMessage(text))
	p.SendEvent(ResponseCreate())
}

// AnswerCalls sends, on the data channel, what interviewd sends for the
// function calls among evs (FunctionReplies) and reports whether
// end_interview was called.
func (p *Peer) AnswerCalls(evs []Event) bool {
	p.t.Helper()
	replies, ended := FunctionReplies(evs)
	for _, r := range replies {
		p.SendEvent(r)
	}
	return ended
}
