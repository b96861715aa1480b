package auth

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/interviewd/interviewd/internal/store"
	"github.com/interviewd/interviewd/internal/store/postgres"
	"github.com/interviewd/interviewd/internal/store/sqlite"
	"github.com/interviewd/interviewd/internal/testenv"
)

// spentStores open a fresh store of each kind; reopen opens the same
// database again, as a restarted or another instance does.
var spentStores = map[string]func(t *testing.T) (reopen func() store.Store){
	"sqlite": func(t *testing.T) func() store.Store {
		path := filepath.Join(t.TempDir(), "t.db")
		return func() store.Store {
			return openSpent(t, func() (store.Store, error) { return sqlite.Open(t.Context(), path) })
		}
	},
	"postgres": func(t *testing.T) func() store.Store {
		dbURL, _ := testenv.PostgresDB(t)
		return func() store.Store {
			return openSpent(t, func() (store.Store, error) { return postgres.Open(t.Context(), dbURL) })
		}
	},
}

func openSpent(t *testing.T, open func() (store.Store, error)) store.Store {
	t.Helper()
	s, err := open()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// rtcFixture issues tokens at a fixed time and returns their claims.
func rtcFixture(t *testing.T) (issue func() RTCClaims, now time.Time) {
	now = time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	signer, err := NewRTCSigner("a secret of at least thirty-two bytes long", func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	return func() RTCClaims {
		tok, _, err := signer.Issue("i1", "t1", "candidate", time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		c, err := signer.Verify(tok)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}, now
}

// TestRTCSpent: a token is spent once; a token without an ID or expiry
// counts as spent; the record outlives the expiry by the verifier's leeway,
// and outlives the RTCSpent and the store it was made with (a restart).
func TestRTCSpent(t *testing.T) {
	for name, fresh := range spentStores {
		t.Run(name, func(t *testing.T) {
			reopen := fresh(t)
			s := reopen()
			issue, now := rtcFixture(t)
			tok, other, noExpiry := issue(), issue(), issue()
			noExpiry.ExpiresAt = nil
			spent := NewRTCSpent(s)
			for _, tc := range []struct {
				name   string
				claims RTCClaims
				want   error
			}{
				{"first use", tok, nil},
				{"second use", tok, ErrTokenSpent},
				{"third use", tok, ErrTokenSpent},
				{"another token", other, nil},
				{"no expiry", noExpiry, ErrTokenSpent},
				{"no ID", RTCClaims{RegisteredClaims: jwt.RegisteredClaims{ExpiresAt: tok.ExpiresAt}}, ErrTokenSpent},
			} {
				if got := spent.Spend(t.Context(), tc.claims); got != tc.want {
					t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
				}
			}
			// The janitor prunes at its now; the token verifies until its
			// expiry plus the leeway, and stays spent until then.
			if _, err := s.PruneRTCTokens(t.Context(), now.Add(time.Minute+clockSkew-time.Second)); err != nil {
				t.Fatal(err)
			}
			if err := NewRTCSpent(s).Spend(t.Context(), tok); err != ErrTokenSpent {
				t.Errorf("within the leeway, by a new record: %v, want ErrTokenSpent", err)
			}
			if err := NewRTCSpent(reopen()).Spend(t.Context(), other); err != ErrTokenSpent {
				t.Errorf("after a restart: %v, want ErrTokenSpent", err)
			}
			if err := NewRTCSpent(s).Spend(t.Context(), issue()); err != nil {
				t.Errorf("a new token after a restart: %v", err)
			}
		})
	}
}

// TestRTCSpentInstances: two instances on one PostgreSQL database admit a
// token once in all, whichever sees it first.
func TestRTCSpentInstances(t *testing.T) {
	reopen := spentStores["postgres"](t)
	a, b := NewRTCSpent(reopen()), NewRTCSpent(reopen())
	issue, _ := rtcFixture(t)
	for i, pair := range [][2]*RTCSpent{{a, b}, {b, a}} {
		c := issue()
		if err := pair[0].Spend(t.Context(), c); err != nil {
			t.Fatalf("pair %d, first instance: %v", i, err)
		}
		if err := pair[1].Spend(t.Context(), c); err != ErrTokenSpent {
			t.Errorf("pair %d, the other instance: %v, want ErrTokenSpent", i, err)
		}
	}
	// Parallel uses of one token on the two: one connection is admitted.
	c := issue()
	errs := make(chan error, 2)
	for _, r := range []*RTCSpent{a, b} {
		go func() { errs <- r.Spend(context.Background(), c) }()
	}
	first, second := <-errs, <-errs
	if n := countNil(first, second); n != 1 || !errors.Is(errors.Join(first, second), ErrTokenSpent) {
		t.Errorf("parallel uses: %v and %v, want one nil and one ErrTokenSpent", first, second)
	}
}

func countNil(errs ...error) int {
	n := 0
	for _, err := range errs {
		if err == nil {
			n++
		}
	}
	return n
}

// TestRTCTokenNeedsID: a token without an ID (jti) cannot be spent and is refused.
func TestRTCTokenNeedsID(t *testing.T) {
	signer, _ := NewRTCSigner("a secret of at least thirty-two bytes long", nil)
	tok, _, _ := signer.Issue("i1", "t1", "candidate", time.Minute)
	c, err := signer.Verify(tok)
	if err != nil || len(c.ID) < 16 {
		t.Fatalf("claims %+v, %v", c, err)
	}
	c.ID = ""
	noID, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(signer.secret)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := signer.Verify(noID); err != ErrBadToken {
		t.Errorf("a token without an ID: %v, want ErrBadToken", err)
	}
}
