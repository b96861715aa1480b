package calls

import (
	"errors"
	"strings"

	"github.com/interviewd/interviewd/internal/realtime"
)

// CheckOffer checks a browser's offer before it goes upstream: a bounded
// session description with an audio section (realtime.CheckSDP), ICE
// credentials and a DTLS fingerprint, without which no provider can answer.
// It never changes the offer, which goes upstream byte for byte.
func CheckOffer(sdp string) error {
	if err := realtime.CheckSDP(sdp, "offer"); err != nil {
		return err
	}
	for _, attr := range []string{"a=ice-ufrag:", "a=ice-pwd:", "a=fingerprint:"} {
		if !hasLine(sdp, attr) {
			return errors.New("offer has no " + strings.TrimSuffix(strings.TrimPrefix(attr, "a="), ":") + " line")
		}
	}
	return nil
}

// hasLine reports whether some line of sdp starts with prefix.
func hasLine(sdp, prefix string) bool {
	return strings.HasPrefix(sdp, prefix) || strings.Contains(sdp, "\n"+prefix)
}
