package interview

import "time"

// ProblemCode names a problem the candidate's browser met that the server
// cannot see: the microphone refused or missing, or a call that could not
// connect. The set is closed; the browser sends a code, never text.
type ProblemCode string

// The problems a candidate's page reports (docs/candidate-room.md). The
// names are the room's error codes (static/js/rtc.js, mic.js).
const (
	ProblemMicDenied      ProblemCode = "MIC_DENIED"      // the browser or the candidate refused the microphone
	ProblemMicMissing     ProblemCode = "MIC_MISSING"     // no microphone found
	ProblemMicBusy        ProblemCode = "MIC_BUSY"        // another application holds it
	ProblemUnsupported    ProblemCode = "UNSUPPORTED"     // the browser cannot use a microphone or WebRTC here
	ProblemConnectFailed  ProblemCode = "CONNECT_FAILED"  // the call never connected
	ProblemConnectionLost ProblemCode = "CONNECTION_LOST" // a live call dropped and did not come back
)

// ProblemCodes returns every ProblemCode, in the order above.
func ProblemCodes() []ProblemCode {
	return []ProblemCode{ProblemMicDenied, ProblemMicMissing, ProblemMicBusy, ProblemUnsupported,
		ProblemConnectFailed, ProblemConnectionLost}
}

// Valid reports whether c is one of ProblemCodes.
func (c ProblemCode) Valid() bool {
	switch c {
	case ProblemMicDenied, ProblemMicMissing, ProblemMicBusy, ProblemUnsupported,
		ProblemConnectFailed, ProblemConnectionLost:
		return true
	}
	return false
}

// CandidateProblem is one problem a candidate's page reported, with the
// server's time of the report. The recruiter reads them in the
// interview's timeline and the API.
type CandidateProblem struct {
	TenantID    string      `json:"-"`
	InterviewID string      `json:"-"`
	Code        ProblemCode `json:"code"`
	At          time.Time   `json:"at"`
}

// Limits of what an interview stores: at most MaxCandidateProblems, and a
// repeat of a code within ProblemFold of another of that code is folded
// into it (a candidate pressing Start again and again).
const (
	MaxCandidateProblems = 20
	ProblemFold          = time.Minute
)

// Validate reports a code outside the closed set.
func (p CandidateProblem) Validate() error {
	if !p.Code.Valid() {
		return Errorf(CodeInvalid, "unknown problem code %q", p.Code)
	}
	return nil
}
