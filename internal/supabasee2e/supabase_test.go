package supabasee2e

import (
	"strings"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/auth/supabasetest"
)

// scenario is one end-to-end test, run against every target.
type scenario struct {
	name string
	run  func(*testing.T, *project)
}

// scenarios run in this order on each target's one project. Each signs up
// its own users, so that they share the database and the Auth.
var scenarios = []scenario{
	{"sign-up", testSignUp},
	{"sign-in", testSignIn},
	{"refresh", testRefresh},
	{"sign-out-is-final", testSignOut},
	{"issuer", testIssuer},
	{"signing-keys", testSigningKeys},
	{"invitation", testInvitation},
	{"rls-with-auth-tokens", testRLS},
	{"impostor", testImpostor},
	{"truncate", testTruncate},
}

// TestSupabase runs interviewd's SupabaseAccounts and PostgreSQL store
// against each Supabase Auth target: the stand-in always, the real Auth
// where the machine has it built (INTERVIEWD_GOTRUE_BIN and
// INTERVIEWD_GOTRUE_MIGRATIONS). There is no skip: in CI the real targets do
// not exist, and the log says which ran.
func TestSupabase(t *testing.T) {
	if !supabasetest.HaveRealAuth() {
		t.Log("no real Supabase Auth on this machine (INTERVIEWD_GOTRUE_BIN, INTERVIEWD_GOTRUE_MIGRATIONS): the stand-in only")
	}
	var ran []string
	for _, tg := range targets() {
		t.Run(tg.String(), func(t *testing.T) {
			if tg.real {
				t.Parallel() // each has its own Auth and database; most of their time is waiting
			}
			began := time.Now()
			p := start(t, tg)
			t.Logf("%s: started in %v", tg, time.Since(began).Round(time.Millisecond))
			for _, s := range scenarios {
				t.Run(s.name, func(t *testing.T) { s.run(t, p) })
			}
			t.Logf("%s: ran in %v", tg, time.Since(began).Round(time.Millisecond))
		})
		ran = append(ran, tg.String())
	}
	t.Logf("targets: %s", strings.Join(ran, ", "))
	if len(ran) == 0 {
		t.Fatal("no target")
	}
}
