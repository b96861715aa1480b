package templates

import "fmt"

// ProgressText is the question the interviewer reached, as the room and
// the recruiter's page show it ("Question 2 of 5"); empty before the
// first question. room.js and live.js show the same words.
func ProgressText(question, total int) string {
	if question < 1 || total < 1 {
		return ""
	}
	return fmt.Sprintf("Question %d of %d", min(question, total), total)
}

// progress is the interview's ProgressText.
func (v InterviewView) progress() string {
	return ProgressText(v.Interview.CurrentQuestion, len(v.Position.Questions))
}
