package templates

import (
	"time"

	"github.com/interviewd/interviewd/internal/interview"
)

// TeamView is the team page: members, and for owners the pending
// invitations and the link of one just made.
type TeamView struct {
	Members     []interview.Member
	Invitations []interview.Invitation
	Self        string // the viewer's user ID: nobody removes themselves here
	CanManage   bool
	NewLink     string // the invitation link just created, shown once
	NewEmail    string
	Email       string // the invite form's address, kept after a refusal
	// MailOn shows the "send by e-mail" option (SMTP_URL is set); Mailed
	// says that the link just created is on its way by e-mail too.
	MailOn bool
	Mailed bool
	Err    *FormError
}

// APIKeysView is the API keys page; NewKey is shown once, right after it is
// made.
type APIKeysView struct {
	Keys   []interview.APIKey
	NewKey string
	Err    *FormError
}

// Roles lists the roles for a select, most privileged first.
func Roles() []string {
	return []string{string(interview.RoleOwner), string(interview.RoleRecruiter), string(interview.RoleViewer)}
}

// Date shows a time as a date for people, or a dash for none.
func Date(t *time.Time) string {
	if t == nil || t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2 Jan 2006 15:04 UTC")
}

func roleHelp(role string) string {
	switch role {
	case string(interview.RoleOwner):
		return "manages the team and API keys, and everything a recruiter does"
	case string(interview.RoleRecruiter):
		return "creates positions and interviews"
	}
	return "reads positions, interviews and transcripts"
}
