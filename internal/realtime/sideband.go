package realtime

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/coder/websocket"
)

// writeTimeout bounds every write on the sideband.
const writeTimeout = 5 * time.Second

// Sideband is the server's own connection to a call: it sees every event
// of the call, whatever happens to the browser, and sends client events.
// Client.DialSideband's is OpenAI's WebSocket; another provider's adapter
// gives its own (docs/ARCHITECTURE.md). Send may be called while a Read
// waits.
type Sideband interface {
	// Send writes one client event as JSON.
	Send(ctx context.Context, event any) error
	// Read returns the next server event, skipping malformed ones; it
	// returns ErrSidebandClosed when the provider closed the call normally.
	Read(ctx context.Context) (Event, error)
	// Close closes the connection normally.
	Close() error
}

// wsSideband is a sideband over OpenAI's WebSocket.
type wsSideband struct {
	conn *websocket.Conn
}

// DialSideband opens {base}/realtime?call_id=ID as a WebSocket with the API
// key (ws for http bases, wss for https).
func (c *Client) DialSideband(ctx context.Context, callID string) (Sideband, error) {
	if !validCallID(callID) {
		return nil, fmt.Errorf("sideband: bad call ID %q", callID)
	}
	u, err := url.Parse(c.baseURL + "/realtime")
	if err != nil {
		return nil, err
	}
	u.Scheme = strings.Replace(u.Scheme, "http", "ws", 1)
	u.RawQuery = url.Values{"call_id": {callID}}.Encode()
	conn, resp, err := websocket.Dial(ctx, u.String(), &websocket.DialOptions{
		HTTPClient: c.http,
		HTTPHeader: http.Header{"Authorization": {"Bearer " + c.apiKey}},
	})
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		return nil, &UpstreamError{Status: status, Code: "sideband", Message: "could not open the call's sideband"}
	}
	conn.SetReadLimit(MaxEventSize)
	return &wsSideband{conn: conn}, nil
}

// Send writes one client event as JSON.
func (s *wsSideband) Send(ctx context.Context, event any) error {
	b, err := json.Marshal(event)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, writeTimeout)
	defer cancel()
	return s.conn.Write(ctx, websocket.MessageText, b)
}

// Read returns the next server event. Malformed events are skipped; it
// returns an error only when the connection ends (io.EOF-like
// ErrSidebandClosed for a normal close).
func (s *wsSideband) Read(ctx context.Context) (Event, error) {
	for {
		typ, b, err := s.conn.Read(ctx)
		if err != nil {
			if websocket.CloseStatus(err) == websocket.StatusNormalClosure || websocket.CloseStatus(err) == websocket.StatusGoingAway {
				return Event{}, ErrSidebandClosed
			}
			return Event{}, err
		}
		if typ != websocket.MessageText {
			continue
		}
		if ev, err := DecodeEvent(b); err == nil {
			return ev, nil
		}
	}
}

// ErrSidebandClosed means the provider closed the sideband normally: the
// call is over.
var ErrSidebandClosed = errors.New("sideband closed")

// Close closes the sideband normally.
func (s *wsSideband) Close() error {
	return s.conn.Close(websocket.StatusNormalClosure, "")
}

// SessionUpdate is the session.update client event.
type SessionUpdate struct {
	Type    string  `json:"type"`
	Session Session `json:"session"`
}

// NewSessionUpdate wraps s in a session.update event.
func NewSessionUpdate(s Session) SessionUpdate {
	return SessionUpdate{Type: "session.update", Session: s}
}
