package templates

// InviteView is the page an invitation link opens, and the page that asks
// the invitee to confirm their email first. It holds nothing that depends
// on whether the invitation's email has an account, so the page cannot
// tell anyone holding the link.
type InviteView struct {
	Token string
	Org   string
	Email string // the invitation's
	Role  string
	Name  string // typed into the form
	Err   *FormError
}

func (v InviteView) action() string { return "/invite/" + v.Token }
