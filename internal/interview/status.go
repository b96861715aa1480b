package interview

import "fmt"

// Status is where an interview is in its lifecycle.
//
//	pending ──► ready ──► in_progress ──► completed
//	   │          │            ├────────► abandoned
//	   │          │            └────────► failed
//	   │          ├──► abandoned | failed
//	   └──────────┴──► abandoned
//
// completed, abandoned and failed are terminal: nothing leaves them.
type Status string

// The lifecycle states of an interview.
const (
	StatusPending    Status = "pending"
	StatusReady      Status = "ready"
	StatusInProgress Status = "in_progress"
	StatusCompleted  Status = "completed"
	StatusAbandoned  Status = "abandoned"
	StatusFailed     Status = "failed"
)

// Statuses lists every status in lifecycle order.
var Statuses = []Status{
	StatusPending, StatusReady, StatusInProgress,
	StatusCompleted, StatusAbandoned, StatusFailed,
}

// transitions is the whole state machine: the statuses each status may move to.
var transitions = map[Status][]Status{
	StatusPending:    {StatusReady, StatusAbandoned},
	StatusReady:      {StatusInProgress, StatusAbandoned, StatusFailed},
	StatusInProgress: {StatusCompleted, StatusAbandoned, StatusFailed},
}

// Valid reports whether s is one of the known statuses.
func (s Status) Valid() bool {
	for _, v := range Statuses {
		if s == v {
			return true
		}
	}
	return false
}

// Terminal reports whether s is an end state that nothing leaves.
func (s Status) Terminal() bool {
	return s == StatusCompleted || s == StatusAbandoned || s == StatusFailed
}

// Open reports whether an interview in s still accepts transcript entries.
func (s Status) Open() bool { return s.Valid() && !s.Terminal() }

// CanTransition reports whether an interview may move from s to next.
func (s Status) CanTransition(next Status) bool {
	for _, v := range transitions[s] {
		if v == next {
			return true
		}
	}
	return false
}

// Transition returns next if s may move to it, and an error with
// CodeTransition (or CodeClosed from a terminal status) otherwise.
func (s Status) Transition(next Status) (Status, error) {
	switch {
	case !next.Valid():
		return s, Errorf(CodeInvalid, "unknown status %q", next)
	case s.CanTransition(next):
		return next, nil
	case s.Terminal():
		return s, &Error{Code: CodeClosed, Message: fmt.Sprintf("the interview has already ended (%s)", s)}
	default:
		return s, &Error{Code: CodeTransition, Message: fmt.Sprintf("an interview cannot go from %s to %s", s, next)}
	}
}

// ParseStatus returns the Status named by s, or an invalid-request error.
func ParseStatus(s string) (Status, error) {
	st := Status(s)
	if !st.Valid() {
		return "", Errorf(CodeInvalid, "unknown status %q", s)
	}
	return st, nil
}
