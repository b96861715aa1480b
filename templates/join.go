package templates

import (
	"strconv"

	"github.com/interviewd/interviewd/internal/i18n"
)

// JoinView is what a candidate's join link shows before the interview.
type JoinView struct {
	Lang         i18n.Lang // the language of the pages (i18n.For the position's)
	Organisation string
	Position     string
	Description  string
	Candidate    string // the candidate's name, to greet them
	MaxMinutes   int
	Language     string // the position's language: the interviewer speaks it
}

// minutes is the interview's length, "up to 25 minutes".
func (v JoinView) minutes() string {
	return v.Lang.T("landing.minutes", "n", strconv.Itoa(v.MaxMinutes))
}

// micScript are the browser's words the landing page's microphone check
// needs (i18n.Lang.Script): not the room's.
var micScript = []string{"mic.", "meter.", "error.MIC_", "error.UNSUPPORTED"}

// JoinRefusedView is the page of a join link that does not open an
// interview. Reason is "" for a link that does not exist, else one of
// "revoked", "expired", "ended".
type JoinRefusedView struct {
	Lang         i18n.Lang
	Organisation string // empty when the link is unknown
	Reason       string
}

// refusedTitle is the heading of a refused link's page.
func (v JoinRefusedView) refusedTitle() string {
	switch v.Reason {
	case "revoked", "expired", "ended":
		return v.Lang.T("refused." + v.Reason)
	}
	return v.Lang.T("refused.unknown")
}

// refusedAdvice says what the candidate can do next, and whom to ask:
// the organisation when the link is known, else whoever sent it.
func (v JoinRefusedView) refusedAdvice() string {
	key := "refused.advice"
	switch v.Reason {
	case "ended":
		key = "refused.ended_advice"
	case "":
		key = "refused.unknown_advice"
	}
	if v.Organisation == "" {
		return v.Lang.T(key + "_anon")
	}
	return v.Lang.T(key, "org", v.Organisation)
}
