package supabasetest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/supabase-community/gotrue-go/types"
	"github.com/supabase-community/supabase-go"
)

// TestScenarioRequestsAreGotrueGos holds the scenarios' requests to what
// gotrue-go, through which interviewd calls Supabase Auth, sends.
func TestScenarioRequestsAreGotrueGos(t *testing.T) {
	var mu sync.Mutex
	var sent []request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		sent = append(sent, request{Method: r.Method, Path: r.URL.RequestURI(), Body: string(b), Header: map[string]string{}})
		for _, h := range []string{"Apikey", "Content-Type", "Authorization"} {
			if v := r.Header.Get(h); v != "" {
				sent[len(sent)-1].Header[h] = v
			}
		}
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{}`))
	}))
	defer srv.Close()
	client, err := supabase.NewClient(srv.URL, "the-anon-key", nil)
	if err != nil {
		t.Fatal(err)
	}
	gt := client.Auth
	_, _ = gt.Signup(types.SignupRequest{Email: ada, Password: password, Data: adaMeta})
	_, _ = gt.SignInWithEmailPassword(ada, password)
	_, _ = gt.RefreshToken("the-refresh-token")
	_ = gt.WithToken("the-access-token").Logout()

	vars := map[string]string{"anon_key": "the-anon-key", "r1": "the-refresh-token", "a1": "the-access-token"}
	want := []step{
		signUp("", ada, password, adaMeta, "", ""),
		signIn("", ada, password, "", ""),
		refresh("", "r1", "", ""),
		logout("", "a1"),
	}
	if len(sent) != len(want) {
		t.Fatalf("gotrue-go sent %d requests, want %d", len(sent), len(want))
	}
	for i, s := range want {
		r := *s.Request
		r.Path, r.Body = fill(r.Path, vars), fill(r.Body, vars)
		r.Header = map[string]string{}
		for k, v := range s.Request.Header {
			r.Header[k] = fill(v, vars)
		}
		if show(r) != show(sent[i]) {
			t.Errorf("request %d:\nscenario  %s\ngotrue-go %s", i+1, show(r), show(sent[i]))
		}
	}
}
