package realtime

import (
	"errors"
	"strings"
)

// CheckSDP does the cheap checks interviewd makes on an offer before it
// goes upstream, and on an answer before it goes to the browser: it must be
// a session description, of bounded size, with an audio section. It does not
// rewrite anything: SDP is passed through byte for byte.
func CheckSDP(sdp, kind string) error {
	switch {
	case sdp == "":
		return errors.New("empty " + kind)
	case len(sdp) > MaxSDPSize:
		return errors.New(kind + " too large")
	case !strings.HasPrefix(sdp, "v=0\r\n") && !strings.HasPrefix(sdp, "v=0\n"):
		return errors.New(kind + " is not an SDP (must start with v=0)")
	case strings.IndexByte(sdp, 0) >= 0:
		return errors.New(kind + " contains a NUL byte")
	}
	hasAudio := false
	for _, line := range strings.Split(sdp, "\n") {
		line = strings.TrimRight(line, "\r")
		if len(line) < 2 || line[1] != '=' {
			if line != "" {
				return errors.New(kind + " has a malformed line")
			}
			continue
		}
		if strings.HasPrefix(line, "m=audio ") {
			hasAudio = true
		}
	}
	if !hasAudio {
		return errors.New(kind + " has no audio section")
	}
	return nil
}
