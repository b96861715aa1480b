package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/interviewd/interviewd/internal/auth"
)

// TestSignInBusyThroughRouter: 100 parallel sign-ins for unknown emails
// never run more password hashes at once than the pool allows, and the
// excess is answered 503 with Retry-After by the error exit. Each comes
// from an address of its own (behind a trusted proxy), so that the
// per-address throttle, which allows 10 failures, does not answer 429
// first: on a loaded machine the attempts reached the pool one by one.
func TestSignInBusyThroughRouter(t *testing.T) {
	pool := auth.NewPasswordPool(2, 2)
	app := newTestAppWith(t, openSQLiteStore(t), func(app *testApp, d *Deps) {
		acc, err := auth.NewAccounts(auth.AccountsConfig{Store: app.Store, Passwords: pool})
		if err != nil {
			t.Fatal(err)
		}
		app.Accounts, d.Accounts, d.Team = acc, acc, acc
		d.ClientIPs = ClientIPs{TrustedProxies: prefixes("127.0.0.1"), Header: "Fly-Client-IP"}
	})
	statuses := map[int]int{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := range 100 {
		wg.Go(func() {
			form := url.Values{"email": {fmt.Sprintf("nobody%d@example.com", i)}, "password": {"wrong password!"}}
			res := app.clientFrom("Fly-Client-IP", fmt.Sprintf("203.0.113.%d", i+1)).post("/signin", form)
			body := readBody(t, res)
			if res.StatusCode == http.StatusServiceUnavailable && (res.Header.Get("Retry-After") != "1" || !strings.Contains(body, "busy")) {
				t.Errorf("503 without Retry-After or message: %v", res.Header)
			}
			mu.Lock()
			defer mu.Unlock()
			statuses[res.StatusCode]++
		})
	}
	wg.Wait()
	if pool.Peak() > 2 {
		t.Errorf("peak %d hashes at once, pool of 2", pool.Peak())
	}
	if statuses[http.StatusServiceUnavailable] == 0 || statuses[http.StatusTooManyRequests] != 0 {
		t.Errorf("statuses %v, want some 503 and no 429", statuses)
	}
	t.Logf("statuses %v, peak %d", statuses, pool.Peak())
}
