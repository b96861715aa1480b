package templates

import (
	"github.com/interviewd/interviewd/internal/hiring"
	"github.com/interviewd/interviewd/internal/interview"
)

// ErasureView is the confirmation of a candidate's erasure: who, and the
// interviews whose data goes with them.
type ErasureView struct {
	hiring.ErasurePreview
}

// InProgress reports whether one of the interviews is live: the erasure
// waits for its end.
func (v ErasureView) InProgress() bool {
	for _, iv := range v.Interviews {
		if iv.Status == interview.StatusInProgress {
			return true
		}
	}
	return false
}

// erasureHref is where a candidate's erasure is confirmed and done.
func erasureHref(candidateID string) string { return "/app/candidates/" + candidateID + "/erase" }
