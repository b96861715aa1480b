package calls

import (
	"context"

	"github.com/interviewd/interviewd/internal/realtime"
)

// Provider is the realtime provider as the manager uses it: create a call
// from the browser's offer, attach the server's sideband to it, hang it
// up. *realtime.Client is one (OpenAI and the local engine); another
// provider needs only an adapter that speaks OpenAI's session and events
// (docs/ARCHITECTURE.md, "Adding a provider").
type Provider interface {
	// CreateCall sends the offer and the session and returns the call's
	// ID and SDP answer; a refusal is a *realtime.UpstreamError.
	CreateCall(ctx context.Context, offerSDP string, s realtime.Session) (realtime.Call, error)
	// DialSideband opens the server's own connection to the call's events.
	DialSideband(ctx context.Context, callID string) (realtime.Sideband, error)
	// Hangup ends the call.
	Hangup(ctx context.Context, callID string) error
}

var _ Provider = (*realtime.Client)(nil)
