package templates

// The two ways an invitation page's forms accept: the value of their
// "account" field.
const (
	AcceptNew      = "new"      // create an account with the invitation's email
	AcceptExisting = "existing" // sign in with an account one already has
)

// InviteView is the page an invitation link opens, and the page that asks
// the invitee to confirm their email first.
type InviteView struct {
	Token string
	Org   string
	Email string // the invitation's
	Role  string
	// HasAccount: the email already has an interviewd account, so the page
	// only asks to sign in. Otherwise it offers both ways, since an account
	// may exist that interviewd has not seen yet (Supabase Auth).
	HasAccount bool
	Name       string // typed into the new-account form
	SignInAs   string // typed into the sign-in form; empty shows Email
	Err        *FormError
	ErrForm    string // AcceptNew or AcceptExisting: the form Err belongs to
}

// errOf returns v's error if it belongs to the form of account.
func (v InviteView) errOf(account string) *FormError {
	if v.ErrForm != account {
		return nil
	}
	return v.Err
}

// signInAs is what the sign-in form's email shows.
func (v InviteView) signInAs() string {
	if v.SignInAs != "" {
		return v.SignInAs
	}
	return v.Email
}

func (v InviteView) action() string { return "/invite/" + v.Token }
