package supabasee2e

import (
	"strings"
	"sync"
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
	var mu sync.Mutex
	var ran []string
	t.Cleanup(func() { // after every target, the parallel ones too
		t.Logf("targets run: %s", strings.Join(ran, ", "))
	})
	for _, tg := range targets() {
		t.Run(tg.String(), func(t *testing.T) {
			if tg.real {
				t.Parallel() // each has its own Auth and database; most of their time is waiting
			}
			mu.Lock()
			ran = append(ran, tg.String())
			mu.Unlock()
			began := time.Now()
			p := start(t, tg)
			t.Logf("started in %v", time.Since(began).Round(time.Millisecond))
			for _, s := range scenarios {
				t.Run(s.name, func(t *testing.T) { s.run(t, p) })
			}
			t.Logf("ran in %v", time.Since(began).Round(time.Millisecond))
		})
	}
}
