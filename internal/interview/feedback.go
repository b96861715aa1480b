package interview

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Feedback is what a candidate says about their interview once it has
// ended: a rating from 1 to 5 and a comment, each optional but not both.
// An interview has at most one; its organisation reads it.
type Feedback struct {
	TenantID    string    `json:"-"`
	InterviewID string    `json:"-"`
	Rating      int       `json:"rating,omitempty"` // 1–5; 0 when not given
	Comment     string    `json:"comment,omitempty"`
	CreatedAt   time.Time `json:"createdAt"`
}

// MaxFeedbackComment is the longest comment a candidate may leave, in characters.
const MaxFeedbackComment = 2000

// Normalize trims the comment.
func (f *Feedback) Normalize() { f.Comment = strings.TrimSpace(f.Comment) }

// Validate reports what is wrong with the feedback: a rating out of range,
// a comment too long, or nothing given at all.
func (f Feedback) Validate() error {
	switch {
	case f.Rating < 0 || f.Rating > 5:
		return Errorf(CodeInvalid, "choose a rating from 1 to 5")
	case utf8.RuneCountInString(f.Comment) > MaxFeedbackComment:
		return Errorf(CodeInvalid, "the comment is longer than %d characters", MaxFeedbackComment)
	case f.Rating == 0 && f.Comment == "":
		return Errorf(CodeInvalid, "choose a rating or write a comment")
	}
	return nil
}

// DefaultNextSteps is what a candidate reads about what happens next when
// the position says nothing of its own.
const DefaultNextSteps = "The organisation reads the transcript of your interview and will contact you about the next steps, usually within a few working days."
