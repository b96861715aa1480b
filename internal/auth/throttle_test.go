package auth_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/auth"
	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store/sqlite"
)

// throttled returns built-in accounts on a fresh SQLite with pool, and the
// owner ann@example.com signed up from 192.0.2.1.
func throttled(t *testing.T, pool *auth.PasswordPool) *auth.Accounts {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	a, err := auth.NewAccounts(auth.AccountsConfig{Store: s, Passwords: pool})
	if err != nil {
		t.Fatal(err)
	}
	in := auth.SignUpInput{Organisation: "Acme", Name: "Ann", Email: "ann@example.com", Password: password, ClientIP: "192.0.2.1"}
	if _, _, err := a.SignUp(t.Context(), in); err != nil {
		t.Fatalf("sign up: %v", err)
	}
	return a
}

// parallel runs n sign-ins at once and counts the answers by error code.
func parallel(t *testing.T, a *auth.Accounts, n int, attempt func(i int) (email, pw, ip string)) map[interview.Code]int {
	var mu sync.Mutex
	codes := map[interview.Code]int{}
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			email, pw, ip := attempt(i)
			_, _, err := a.SignIn(t.Context(), email, pw, ip)
			mu.Lock()
			defer mu.Unlock()
			codes[interview.ErrorCode(err)]++
		})
	}
	wg.Wait()
	return codes
}

// TestThrottleHoldsUnderConcurrency: 40 parallel wrong passwords for one
// email from one address are not all checked; past the limit they are
// refused before the password check.
func TestThrottleHoldsUnderConcurrency(t *testing.T) {
	pool := auth.NewPasswordPool(4, 64)
	a := throttled(t, pool)
	before := pool.Runs()
	codes := parallel(t, a, 40, func(int) (string, string, string) { return "ann@example.com", "wrong password!", "203.0.113.9" })
	if checked := pool.Runs() - before; checked > 10 {
		t.Errorf("%d passwords checked, want at most 10", checked)
	}
	if codes[interview.CodeRateLimited] < 30 || codes[interview.CodeUnauthorized]+codes[interview.CodeRateLimited] != 40 {
		t.Errorf("answers %v, want at least 30 rate_limited and the rest unauthorized", codes)
	}
}

// TestThrottleSurvivesOwnSuccesses: an attacker who signs in to their own
// account (ann's, here) between guesses at others' passwords is still
// throttled.
func TestThrottleSurvivesOwnSuccesses(t *testing.T) {
	a := throttled(t, nil)
	ip := "203.0.113.7"
	refused := 0
	for i := range 30 {
		_, _, err := a.SignIn(t.Context(), fmt.Sprintf("victim%d@example.com", i), "wrong password!", ip)
		if interview.ErrorCode(err) == interview.CodeRateLimited {
			refused++
		}
		// Once the address is throttled its own sign-ins wait too.
		_, _, err = a.SignIn(t.Context(), "ann@example.com", password, ip)
		if err != nil && interview.ErrorCode(err) != interview.CodeRateLimited {
			t.Fatalf("own sign-in %d: %v", i, err)
		}
	}
	if refused < 15 {
		t.Errorf("%d of 30 guesses refused, want the address throttled after at most 10 failures", refused)
	}
}

// TestStrangerCannotLockOwnerOut: failures for the owner's email from many
// other addresses slow the owner's sign-in down, by at most the documented
// delay, but do not refuse it.
func TestStrangerCannotLockOwnerOut(t *testing.T) {
	a := throttled(t, auth.NewPasswordPool(4, 64))
	codes := parallel(t, a, 30, func(i int) (string, string, string) {
		return "ann@example.com", "wrong password!", fmt.Sprintf("198.51.100.%d", i)
	})
	if codes[interview.CodeUnauthorized] != 30 {
		t.Fatalf("stranger's answers %v", codes)
	}
	start := time.Now()
	if _, _, err := a.SignIn(t.Context(), "ann@example.com", password, "192.0.2.1"); err != nil {
		t.Fatalf("owner locked out: %v", err)
	}
	// 3 s is slowdownMax (docs/security.md); the rest is one argon2 check.
	if took := time.Since(start); took > 3*time.Second+2*time.Second {
		t.Errorf("owner's sign-in took %v", took)
	}
}

// TestPasswordPoolBoundsHashing: 100 parallel sign-ins for unknown emails
// from 100 addresses never run more hashes at once than the pool allows;
// the excess is told the server is busy, and each other costs one hash.
func TestPasswordPoolBoundsHashing(t *testing.T) {
	pool := auth.NewPasswordPool(2, 2)
	a := throttled(t, pool)
	before := pool.Runs()
	codes := parallel(t, a, 100, func(i int) (string, string, string) {
		return fmt.Sprintf("nobody%d@example.com", i), "wrong password!", fmt.Sprintf("198.51.100.%d", i)
	})
	if pool.Peak() > 2 {
		t.Errorf("peak %d hashes at once, pool of 2", pool.Peak())
	}
	busy, wrong := codes[interview.CodeUnavailable], codes[interview.CodeUnauthorized]
	if busy == 0 || busy+wrong != 100 {
		t.Errorf("answers %v, want some unavailable and the rest unauthorized", codes)
	}
	if runs := pool.Runs() - before; runs != wrong {
		t.Errorf("%d hashes for %d checked sign-ins, want one each", runs, wrong)
	}
	t.Logf("peak %d, %d checked, %d busy", pool.Peak(), wrong, busy)
}

// TestDefaultPasswordPool is sized from GOMAXPROCS and memory.
func TestDefaultPasswordPool(t *testing.T) {
	p := auth.DefaultPasswordPool()
	if n := p.Size(); n < 1 || n > 6 {
		t.Errorf("default pool of %d, want 1 to min(GOMAXPROCS, 128 MiB / 19 MiB = 6)", n)
	}
}
