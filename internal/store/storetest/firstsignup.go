package storetest

import (
	"sync"
	"testing"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// testFirstSignUp checks that of parallel first sign-ups on an empty
// instance exactly one wins, and that once anyone exists a first sign-up
// is ErrNotEmpty and writes nothing (issue 10, finding 12, SIGNUP=first).
func testFirstSignUp(t *testing.T, s store.Store) {
	ctx := t.Context()
	empty, err := s.Empty(ctx)
	must(t, err)
	if empty {
		raceFirstSignUps(t, s)
	} else {
		t.Log("the store is shared and not empty: only the refusal is checked")
	}
	empty, err = s.Empty(ctx)
	must(t, err)
	if empty {
		t.Fatal("Empty after a sign-up")
	}
	email := "late-" + unique() + "@example.com"
	u := interview.User{Email: email, Name: "Late", PasswordHash: "h"}
	tn := interview.Tenant{ID: unique(), Name: "Late"}
	wantErr(t, "first sign-up on a used instance", s.CreateFirstUserWithTenant(ctx, &u, &tn), store.ErrNotEmpty)
	_, err = s.GetUserByEmail(ctx, email)
	wantErr(t, "user after refusal", err, store.ErrNotFound)
	_, err = s.GetTenant(ctx, tn.ID)
	wantErr(t, "tenant after refusal", err, store.ErrNotFound)
}

// raceFirstSignUps runs parallel first sign-ups on an empty store and
// checks that one wins and the others are ErrNotEmpty.
func raceFirstSignUps(t *testing.T, s store.Store) {
	const n = 8
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			u := interview.User{Email: "first-" + unique() + "@example.com", Name: "First", PasswordHash: "h"}
			tn := interview.Tenant{Name: "First"}
			errs[i] = s.CreateFirstUserWithTenant(t.Context(), &u, &tn)
		}()
	}
	wg.Wait()
	oneWon(t, "parallel first sign-ups", errs, store.ErrNotEmpty)
}
