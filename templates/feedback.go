package templates

import (
	"strconv"

	"github.com/interviewd/interviewd/internal/i18n"
)

// EndedView is what the candidate sees once the interview has ended.
type EndedView struct {
	Lang         i18n.Lang
	Organisation string
	Position     string
	Candidate    string
	NextSteps    string // the position's text, or the default in Lang
	Action       string // where the feedback form posts
	Given        bool   // the candidate has sent their feedback
	Rating       int    // as typed, after a refused submission
	Comment      string
	Error        string
}

func (v EndedView) thanks() string {
	if v.Candidate == "" {
		return v.Lang.T("ended.title")
	}
	return v.Lang.T("ended.thanks_name", "name", v.Candidate)
}

// ratingLabel says what a rating from 1 to 5 means, in English: the
// recruiter's pages (the candidate's are in their language).
func ratingLabel(n int) string {
	labels := [...]string{"", "1 – poor", "2 – fair", "3 – good", "4 – very good", "5 – excellent"}
	if n < 1 || n >= len(labels) {
		return strconv.Itoa(n)
	}
	return labels[n]
}
