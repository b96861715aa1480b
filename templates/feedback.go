package templates

import "strconv"

// EndedView is what the candidate sees once the interview has ended.
type EndedView struct {
	Organisation string
	Position     string
	Candidate    string
	NextSteps    string // the position's text, or a default
	Action       string // where the feedback form posts
	Given        bool   // the candidate has sent their feedback
	Rating       int    // as typed, after a refused submission
	Comment      string
	Error        string
}

func (v EndedView) thanks() string {
	if v.Candidate == "" {
		return "Thank you"
	}
	return "Thank you, " + v.Candidate
}

// ratingLabel says what a rating from 1 to 5 means.
func ratingLabel(n int) string {
	labels := [...]string{"", "1 – poor", "2 – fair", "3 – good", "4 – very good", "5 – excellent"}
	if n < 1 || n >= len(labels) {
		return strconv.Itoa(n)
	}
	return labels[n]
}
