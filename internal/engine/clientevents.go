package engine

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// sink is a connection that hears a call's events: the data channel or a
// sideband. send reports false when the connection is gone or too slow.
type sink interface {
	send(msg []byte) bool
}

// clientEvent is a checked client event, ready for the run goroutine.
type clientEvent struct {
	Type    string          `json:"type"`
	EventID string          `json:"event_id"`
	Session json.RawMessage `json:"session"`
	Item    json.RawMessage `json:"item"`

	item itemInput // conversation.item.create only
}

// itemInput is an item a client adds to the conversation: a user message
// with text, or the output of a function call.
type itemInput struct {
	ID     string
	Type   string // "message" or "function_call_output"
	Text   string
	CallID string
	Output string
}

var clientEventTypes = map[string]bool{
	"session.update":            true,
	"response.create":           true,
	"response.cancel":           true,
	"input_audio_buffer.commit": true,
	"input_audio_buffer.clear":  true,
	"conversation.item.create":  true,
	"output_audio_buffer.clear": true,
}

// receive checks one client event from a data channel or a sideband. A bad
// event gets an error event on the connection that sent it; the call goes on.
func (c *call) receive(from sink, data []byte) {
	ev, err := decodeClientEvent(data, c.e.cfg.Limits.MaxEventBytes)
	if err != nil {
		from.send(encode(newErrorEvent(err)))
		return
	}
	c.post(clientInput{from: from, ev: ev})
}

func decodeClientEvent(data []byte, limit int64) (clientEvent, *apiError) {
	var ev clientEvent
	if int64(len(data)) > limit {
		return ev, invalidEvent("", fmt.Sprintf("The event is larger than %d bytes.", limit))
	}
	if err := json.Unmarshal(data, &ev); err != nil {
		var syntax *json.SyntaxError
		if errors.As(err, &syntax) || !json.Valid(data) {
			return ev, withEventID(invalidJSON("", err), "")
		}
		return ev, invalidEvent("", "The event has a field of the wrong type: "+err.Error())
	}
	switch {
	case ev.Type == "":
		return ev, invalidEvent(ev.EventID, "The 'type' field is missing.")
	case !clientEventTypes[ev.Type]:
		return ev, withEventID(invalidValue("type", fmt.Sprintf("Invalid value: '%s'. Supported values are: %s.",
			clip(ev.Type, 64), supportedTypes())), ev.EventID)
	case ev.Type == "conversation.item.create":
		item, err := parseItem(ev.Item)
		if err != nil {
			return ev, withEventID(err, ev.EventID)
		}
		ev.item = item
	}
	return ev, nil
}

func parseItem(raw json.RawMessage) (itemInput, *apiError) {
	var it struct {
		ID      string `json:"id"`
		Type    string `json:"type"`
		Role    string `json:"role"`
		CallID  string `json:"call_id"`
		Output  string `json:"output"`
		Content []struct {
			Type string `json:"type"`
			Text string `json:"text"`
		} `json:"content"`
	}
	if len(raw) == 0 || isNull(raw) {
		return itemInput{}, missingParam("item")
	}
	if err := json.Unmarshal(raw, &it); err != nil {
		return itemInput{}, invalidValue("item", "The item must be an object: "+err.Error())
	}
	if it.ID != "" && !validItemID(it.ID) {
		return itemInput{}, invalidValue("item.id", "The item id must be at most 32 letters, digits, '_' or '-'.")
	}
	switch {
	case it.Type == "function_call_output":
		if it.CallID == "" {
			return itemInput{}, missingParam("item.call_id")
		}
		return itemInput{ID: it.ID, Type: it.Type, CallID: clip(it.CallID, 64), Output: it.Output}, nil
	case it.Type != "message" || it.Role != "user":
		return itemInput{}, invalidValue("item", "The engine accepts user messages (type 'message', role 'user') and 'function_call_output' items.")
	}
	var parts []string
	for _, p := range it.Content {
		if p.Type != "input_text" && p.Type != "text" {
			return itemInput{}, invalidValue("item.content", "The engine accepts only 'input_text' content.")
		}
		parts = append(parts, strings.TrimSpace(p.Text))
	}
	return itemInput{ID: it.ID, Type: it.Type, Text: strings.TrimSpace(strings.Join(parts, " "))}, nil
}

func invalidEvent(eventID, msg string) *apiError {
	return withEventID(invalidRequest(http.StatusBadRequest, "invalid_event", "", msg), eventID)
}

func withEventID(e *apiError, eventID string) *apiError {
	if eventID != "" {
		id := clip(eventID, 64)
		e.EventID = &id
	} else {
		e.EventID = nil
	}
	return e
}

func supportedTypes() string {
	return "'session.update', 'response.create', 'response.cancel', 'input_audio_buffer.commit', " +
		"'input_audio_buffer.clear', 'conversation.item.create', 'output_audio_buffer.clear'"
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
