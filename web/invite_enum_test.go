package web

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/interviewd/interviewd/internal/interview"
)

// pageTokens are the parts of a page that differ between any two requests
// (form and link tokens, script nonces), and the email the page is for.
var pageTokens = regexp.MustCompile(`(csrf_token" value="|nonce="|/invite/)[A-Za-z0-9_\-+/=]+|[a-z]+@example\.com`)

// TestInvitationPageSameForAnyAccount: the page an invitation link opens is
// the same, byte for byte apart from tokens and the email, whether the
// email has no account, an account of the account system, or a user in
// interviewd already (a member of another organisation), so that a link
// tells nobody which emails have an account.
func TestInvitationPageSameForAnyAccount(t *testing.T) {
	for _, mode := range accountModes() {
		t.Run(mode.name, func(t *testing.T) {
			app, fake := mode.newApp(t, openSQLiteStore(t))
			owner := app.client()
			owner.signUp("Acme", "owner@example.com")
			mode.newAccount(t, app, fake, "has@example.com")
			app.client().signUp("Othercorp", "olga@example.com")
			links := map[string]string{
				"no account": invite(t, owner, "new@example.com", interview.RoleRecruiter),
				"account":    invite(t, owner, "has@example.com", interview.RoleRecruiter),
				"member":     invite(t, owner, "olga@example.com", interview.RoleRecruiter),
			}
			visitor := app.client()
			pages := map[string]string{}
			for name, link := range links {
				res := visitor.get(link)
				body := readBody(t, res)
				if res.StatusCode != http.StatusOK {
					t.Fatalf("%s: %d", name, res.StatusCode)
				}
				pages[name] = pageTokens.ReplaceAllString(body, "$1…")
			}
			for _, name := range []string{"account", "member"} {
				if pages[name] != pages["no account"] {
					t.Errorf("the page for %s differs from the one for no account:\n%s", name, firstDiff(pages["no account"], pages[name]))
				}
			}
			if !strings.Contains(pages["no account"], `data-testid="invite-form"`) {
				t.Fatalf("no form:\n%s", pages["no account"])
			}
		})
	}
}

// firstDiff shows where a and b first differ.
func firstDiff(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(0, i-200)
	return "…" + a[from:min(len(a), i+200)] + "\n---\n…" + b[from:min(len(b), i+200)]
}
