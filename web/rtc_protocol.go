package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/coder/websocket"

	"github.com/interviewd/interviewd/internal/calls"
	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/realtime"
)

// The signalling protocol of /rtc (docs/signaling.md keeps in step).

// Client message types.
const (
	msgSDPOffer     = "sdp_offer"
	msgICECandidate = "ice_candidate"
	msgEnd          = "end"
	msgPing         = "ping"
	msgResume       = "resume"
	msgWitness      = "transcript" // the browser's copy of the final transcript events
)

// Server message types.
const (
	msgSDPAnswer  = "sdp_answer"
	msgSession    = "session"
	msgTranscript = "transcript"
	msgProgress   = "progress"
	msgError      = "error"
	msgPong       = "pong"
	msgResumed    = "resumed"
)

// rtcCode is one of the closed set of signalling error codes.
type rtcCode string

// The signalling error codes; the manager's codes are the same strings.
const (
	rtcUnauthorized    rtcCode = "UNAUTHORIZED"
	rtcForbidden       rtcCode = "FORBIDDEN"
	rtcClosed          rtcCode = rtcCode(calls.CodeClosed)
	rtcNotFound        rtcCode = rtcCode(calls.CodeNotFound)
	rtcTakenOver       rtcCode = rtcCode(calls.CodeTakenOver)
	rtcUnavailable     rtcCode = rtcCode(calls.CodeUnavailable)
	rtcRejected        rtcCode = rtcCode(calls.CodeRejected)
	rtcBadMessage      rtcCode = rtcCode(calls.CodeBadOffer)
	rtcTooLarge        rtcCode = "MESSAGE_TOO_LARGE"
	rtcRateLimited     rtcCode = "RATE_LIMITED"
	rtcShuttingDown    rtcCode = rtcCode(calls.CodeShutdown)
	rtcInternal        rtcCode = rtcCode(calls.CodeInternal)
	maxClientSDPString         = 64 << 10
	maxWitnessBytes            = 32 << 10 // one transcript message
	maxWitnessEvents           = 50       // events in one transcript message
	maxCallID                  = 200
)

// Close codes of the signalling WebSocket beyond RFC 6455's.
const (
	closeNotFound  websocket.StatusCode = 4004
	closeClosed    websocket.StatusCode = 4009
	closeTakenOver websocket.StatusCode = 4010
	closeFailed    websocket.StatusCode = 4011
)

// clientMessage is what a browser sends. Unknown fields are ignored, as
// the seed's client sends more than it needs to; a key that is one of its
// fields spelled in another case ({"TYPE":"end"}) is refused.
type clientMessage struct {
	Type      string            `json:"type"`
	SDP       string            `json:"sdp,omitempty"`
	Candidate json.RawMessage   `json:"candidate,omitempty"`
	CallID    string            `json:"callId,omitempty"` // resume
	Events    []json.RawMessage `json:"events,omitempty"` // transcript
	events    []realtime.Event  // Events decoded
}

// errBadMessage is a message that is not one the protocol knows.
type errBadMessage struct{ reason string }

func (e *errBadMessage) Error() string { return e.reason }

// decodeClientMessage parses one client message: a JSON object whose type
// is one of the six, an sdp_offer with an sdp string of at most 64 KiB, a
// resume with a call ID, a transcript of at most 32 KiB and 1 to 50
// provider events, of which it keeps the final transcript lines
// (calls.WitnessLine) and end_interview calls (calls.Witnessed).
func decodeClientMessage(b []byte) (clientMessage, error) {
	var m clientMessage
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '{' {
		return m, &errBadMessage{"a message must be a JSON object"}
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return clientMessage{}, &errBadMessage{"the message is not valid JSON with the expected field types"}
	}
	if err := checkClientKeys(b); err != nil {
		return clientMessage{}, err
	}
	switch m.Type {
	case msgSDPOffer:
		if m.SDP == "" {
			return clientMessage{}, &errBadMessage{"sdp_offer needs an sdp"}
		}
		if len(m.SDP) > maxClientSDPString {
			return clientMessage{}, &errBadMessage{"the SDP offer is larger than 64 KiB"}
		}
	case msgResume:
		if m.CallID == "" || len(m.CallID) > maxCallID || strings.ContainsFunc(m.CallID, notCallIDRune) {
			return clientMessage{}, &errBadMessage{"resume needs the callId of the call (rtc_…)"}
		}
	case msgWitness:
		return decodeWitness(b, m)
	case msgICECandidate, msgEnd, msgPing:
	case "":
		return clientMessage{}, &errBadMessage{"the message has no type"}
	default:
		return clientMessage{}, &errBadMessage{fmt.Sprintf("unknown message type %.40q", m.Type)}
	}
	return m, nil
}

// decodeWitness checks a transcript message's events.
func decodeWitness(b []byte, m clientMessage) (clientMessage, error) {
	switch {
	case len(b) > maxWitnessBytes:
		return clientMessage{}, &errBadMessage{"a transcript message may have at most 32 KiB"}
	case len(m.Events) == 0 || len(m.Events) > maxWitnessEvents:
		return clientMessage{}, &errBadMessage{"a transcript message needs 1 to 50 events"}
	}
	for i, raw := range m.Events {
		ev, err := realtime.DecodeEvent(raw)
		if err != nil {
			return clientMessage{}, &errBadMessage{fmt.Sprintf("event %d is not a provider event", i)}
		}
		if calls.Witnessed(ev) {
			m.events = append(m.events, ev) // others (an empty transcript, a delta) say nothing to keep
		}
	}
	return m, nil
}

// notCallIDRune is a rune no provider call ID has.
func notCallIDRune(r rune) bool {
	return !(r == '_' || r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
}

// checkClientKeys refuses a key that matches a field of clientMessage only
// case-insensitively, which encoding/json would accept; other unknown keys
// pass. The field names are the API's (checkJSONKeys's jsonFields).
func checkClientKeys(b []byte) error {
	var obj map[string]json.RawMessage
	if json.Unmarshal(b, &obj) != nil {
		return &errBadMessage{"a message must be a JSON object"}
	}
	fields := jsonFields(reflect.TypeFor[clientMessage]())
	for key := range obj {
		if _, exact := fields[key]; exact {
			continue
		}
		for name := range fields {
			if strings.EqualFold(key, name) {
				return &errBadMessage{fmt.Sprintf("unknown field %.40q (field names are case-sensitive: %q)", key, name)}
			}
		}
	}
	return nil
}

// serverMessage is every message the server sends; each type fills its fields.
type serverMessage struct {
	Type        string          `json:"type"`
	SDP         string          `json:"sdp,omitempty"`
	InterviewID string          `json:"interviewId,omitempty"`
	CallID      string          `json:"callId,omitempty"`
	ExpiresAt   string          `json:"expiresAt,omitempty"`
	Entry       *transcriptJSON `json:"entry,omitempty"`
	Question    int             `json:"question,omitempty"`
	Total       int             `json:"total,omitempty"`
	Code        rtcCode         `json:"code,omitempty"`
	Message     string          `json:"message,omitempty"`
}

// transcriptJSON is a stored transcript entry as the browser sees it.
type transcriptJSON struct {
	Seq         int64  `json:"seq"`
	Speaker     string `json:"speaker"`
	Text        string `json:"text"`
	Timestamp   string `json:"timestamp"`
	ItemID      string `json:"itemId"`
	Interrupted bool   `json:"interrupted,omitempty"`
}

func transcriptMessage(e interview.TranscriptEntry) serverMessage {
	return serverMessage{Type: msgTranscript, Entry: &transcriptJSON{
		Seq: e.Seq, Speaker: string(e.Speaker), Text: e.Text,
		Timestamp: e.Timestamp.UTC().Format(time.RFC3339Nano), ItemID: e.ItemID, Interrupted: e.Interrupted,
	}}
}

// progressMessage is the question the interviewer reached, of how many.
func progressMessage(p calls.Progress) serverMessage {
	return serverMessage{Type: msgProgress, Question: p.Question, Total: p.Total}
}

// updateMessage is what a subscriber's update becomes on the wire.
func updateMessage(u calls.Update) serverMessage {
	if u.Progress != nil {
		return progressMessage(*u.Progress)
	}
	return transcriptMessage(*u.Entry)
}

func errorMessage(code rtcCode, msg string) serverMessage {
	return serverMessage{Type: msgError, Code: code, Message: msg}
}

// outcome is what the connection does after a failure: the error message
// to send (none when code is empty) and the close code (0 keeps the
// connection open).
type outcome struct {
	code    rtcCode
	message string
	close   websocket.StatusCode
	reason  string
}

// outcomeOf maps a manager's error or end to the protocol.
func outcomeOf(err error) outcome {
	if err == nil {
		return outcome{close: websocket.StatusNormalClosure, reason: "ended"}
	}
	if ended, ok := errors.AsType[*calls.Ended](err); ok {
		if ended.Status == interview.StatusFailed {
			code := rtcCode(ended.Code)
			if code == "" {
				code = rtcUnavailable
			}
			return outcome{code, "The interview could not go on: " + ended.Reason + ".", closeFailed, "interview failed"}
		}
		return outcome{close: websocket.StatusNormalClosure, reason: "interview " + string(ended.Status) + ": " + ended.Reason}
	}
	e, ok := errors.AsType[*calls.Error](err)
	if !ok {
		return outcome{rtcInternal, "internal error", websocket.StatusInternalError, "internal error"}
	}
	o := outcome{code: rtcCode(e.Code), message: e.Message}
	if e.Retryable && e.Code != calls.CodeShutdown {
		return o
	}
	switch e.Code {
	case calls.CodeNotFound:
		o.close = closeNotFound
	case calls.CodeClosed:
		o.close = closeClosed
	case calls.CodeTakenOver:
		o.close = closeTakenOver
	case calls.CodeShutdown:
		o.close = websocket.StatusGoingAway
	case calls.CodeInternal:
		o.close = websocket.StatusInternalError
	default:
		o.close = closeFailed
	}
	o.reason = string(e.Code)
	return o
}
