package store

import (
	"context"
	"fmt"

	"github.com/interviewd/interviewd/internal/interview"
)

// Feedbacks stores what candidates say about their interviews once they
// have ended (interview.Feedback): one per interview, read by its
// organisation.
type Feedbacks interface {
	// AddFeedback stores f, filling f.CreatedAt. ErrConflict when the
	// interview has feedback already; ErrNotFound when it is not in
	// f.TenantID; ErrInvalid when f does not validate.
	AddFeedback(ctx context.Context, f *interview.Feedback) error
	// GetFeedback returns an interview's feedback; ErrNotFound when it has
	// none or is not in tenantID.
	GetFeedback(ctx context.Context, tenantID, interviewID string) (interview.Feedback, error)
}

// PrepareFeedback normalizes f and validates it before either store
// writes it.
func PrepareFeedback(f *interview.Feedback) error {
	f.Normalize()
	if err := f.Validate(); err != nil {
		return fmt.Errorf("add feedback to interview %s: %w", f.InterviewID, err)
	}
	return nil
}
