package calls

import (
	"errors"
	"testing"

	"github.com/interviewd/interviewd/internal/interview"
)

// TestOfferResult sorts every outcome of an offer into the metric's closed
// set of results.
func TestOfferResult(t *testing.T) {
	cases := []struct {
		err  error
		want string
	}{
		{nil, "answered"},
		{&Error{Code: CodeRejected}, "rejected"},
		{&Error{Code: CodeUnavailable}, "failed"},
		{&Error{Code: CodeInternal}, "failed"},
		{errors.New("boom"), "failed"},
		{&Error{Code: CodeBadOffer}, "refused"},
		{ErrClosed, "refused"},
		{ErrNotFound, "refused"},
		{ErrTakenOver, "refused"},
		{ErrShutdown, "refused"},
		{&Ended{Status: interview.StatusCompleted}, "refused"},
	}
	for _, tc := range cases {
		if got := offerResult(tc.err); got != tc.want {
			t.Errorf("offerResult(%v) = %s, want %s", tc.err, got, tc.want)
		}
	}
}
