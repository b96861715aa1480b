package templates

// JoinView is what a candidate's join link shows before the interview.
type JoinView struct {
	Organisation string
	Position     string
	Description  string
	Candidate    string // the candidate's name, to greet them
	MaxMinutes   int
	Language     string
}

// JoinRefusedView is the page of a join link that does not open an
// interview. Reason is "" for a link that does not exist, else one of
// "revoked", "expired", "ended".
type JoinRefusedView struct {
	Organisation string // empty when the link is unknown
	Reason       string
}

// refusedTitle is the heading of a refused link's page.
func (v JoinRefusedView) refusedTitle() string {
	switch v.Reason {
	case "revoked":
		return "This link has been withdrawn"
	case "expired":
		return "This link has expired"
	case "ended":
		return "This interview has already taken place"
	}
	return "This interview link does not work"
}

// refusedAdvice says what the candidate can do next.
func (v JoinRefusedView) refusedAdvice() string {
	who := "the person who sent it to you"
	if v.Organisation != "" {
		who = v.Organisation
	}
	switch v.Reason {
	case "ended":
		return "Thank you for your time. If you think this is a mistake, contact " + who + "."
	case "":
		return "Check that you opened the whole link from your invitation. If it still does not work, ask " + who + " for a new one."
	}
	return "Ask " + who + " to send you a new link."
}
