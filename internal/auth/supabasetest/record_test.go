package supabasetest

import (
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

// TestRecordings holds the recordings to the scenarios and, where a real
// Supabase Auth is available (HaveRealAuth), to what it answers: it plays
// every scenario on a fresh real project and compares. With
// INTERVIEWD_RECORD=1 it writes the recordings instead. Scenarios run in
// parallel; the longest waits 61 s of real time.
func TestRecordings(t *testing.T) {
	recording := os.Getenv("INTERVIEWD_RECORD") == "1"
	recorded := loadRecorded(t)
	if !recording {
		checkRecordingsMatchScenarios(t, recorded)
	}
	if !HaveRealAuth() {
		if recording {
			t.Fatalf("INTERVIEWD_RECORD=1 needs the real Supabase Auth: set %s and %s", envGoTrueBin, envGoTrueMigrations)
		}
		t.Logf("no real Supabase Auth (%s): the recordings were checked against the scenarios only", envGoTrueBin)
		return
	}
	t.Run("gateway", testGateway)
	for _, sc := range scenarios {
		t.Run(sc.Name, func(t *testing.T) {
			t.Parallel()
			got := play(t, sc, realTarget(t, sc.Mode))
			if recording {
				writeRecorded(t, got)
				return
			}
			if d := diff(recorded[sc.Name], got); len(d) > 0 {
				t.Errorf("the real Supabase Auth no longer answers as recorded in %s/%s.json (re-record with INTERVIEWD_RECORD=1 if Auth changed):\n%s",
					recordedDir, sc.Name, strings.Join(d, "\n"))
			}
		})
	}
}

// testGateway checks that RealAuth's gateway, like Supabase's, refuses a
// request without the project's API key, and serves Auth under /auth/v1.
func testGateway(t *testing.T) {
	t.Parallel()
	a := StartRealAuth(t, RealAuthOptions{Issuer: true})
	for key, want := range map[string]int{"": 401, "not-a-key": 401, a.AnonKey(): 200} {
		req, err := http.NewRequest("GET", a.URL()+"/auth/v1/.well-known/jwks.json", nil)
		if err != nil {
			t.Fatal(err)
		}
		if key != "" {
			req.Header.Set("apikey", key)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("apikey %q: status %d, want %d", key, resp.StatusCode, want)
		}
	}
	if a.Issuer() != a.URL()+"/auth/v1" || a.DatabaseURL() == "" || len(a.JWTSecret()) < 32 {
		t.Errorf("issuer %q, database %q, secret of %d characters", a.Issuer(), a.DatabaseURL(), len(a.JWTSecret()))
	}
}

// checkRecordingsMatchScenarios fails unless every scenario has a
// recording of exactly its requests, and every recording a scenario.
func checkRecordingsMatchScenarios(t *testing.T, recorded map[string]scenario) {
	t.Helper()
	names := map[string]bool{}
	for _, sc := range scenarios {
		if names[sc.Name] {
			t.Fatalf("two scenarios are named %s", sc.Name)
		}
		names[sc.Name] = true
		rec, ok := recorded[sc.Name]
		if !ok {
			t.Errorf("scenario %s has no recording: record it with INTERVIEWD_RECORD=1 on a machine with the real Auth", sc.Name)
			continue
		}
		if show(withoutAnswers(rec)) != show(withoutAnswers(sc)) {
			t.Errorf("the recording of %s was made of other requests than the scenario's: re-record it", sc.Name)
		}
	}
	for name := range recorded {
		if !names[name] {
			t.Errorf("%s/%s.json records no scenario", recordedDir, name)
		}
	}
}

func withoutAnswers(sc scenario) scenario {
	steps := make([]step, len(sc.Steps))
	for i, s := range sc.Steps {
		s.Answer = nil
		steps[i] = s
	}
	sc.Steps = steps
	return sc
}

// realTarget starts a real Auth configured as m says.
func realTarget(t *testing.T, m mode) target {
	a := StartRealAuth(t, RealAuthOptions{Issuer: m.Issuer, Confirm: m.Confirm, ES256: m.ES256,
		DisableEmail: m.DisableEmail, DisableSignup: m.DisableSignup})
	return target{url: a.URL(), anonKey: a.AnonKey(), issuer: a.Issuer(),
		confirmAll: func() { a.ConfirmAll(t) }, wait: time.Sleep}
}
