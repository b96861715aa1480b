package supabasetest

import (
	"strings"
	"testing"
	"time"
)

// TestStandInAnswersAsRecorded plays every recorded scenario on the
// stand-in, configured as the real project was, and fails where the
// stand-in answers otherwise than the real Supabase Auth did.
func TestStandInAnswersAsRecorded(t *testing.T) {
	recorded := loadRecorded(t)
	if len(recorded) == 0 {
		t.Fatalf("no recordings in %s", recordedDir)
	}
	for name, want := range recorded {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got := play(t, want, standInTarget(t, want.Mode))
			if d := diff(want, got); len(d) > 0 {
				t.Errorf("the stand-in answers otherwise than the real Supabase Auth (%s/%s.json):\n%s",
					recordedDir, name, strings.Join(d, "\n"))
			}
		})
	}
}

// standInTarget starts a stand-in configured as m says, on a clock of its
// own that the scenario's waits move.
func standInTarget(t *testing.T, m mode) target {
	clock := NewClock(time.Now())
	key, jwks := HS256(), []Key(nil)
	if m.ES256 {
		key = ES256(t, Kid)
		jwks = append(jwks, key)
	}
	f := New(t, clock, key, jwks...)
	for on, set := range map[*bool]func(){&m.Confirm: f.RequireConfirmation, &m.DisableEmail: f.DisableEmailProvider,
		&m.DisableSignup: f.DisableSignup} {
		if *on {
			set()
		}
	}
	if !m.Issuer {
		f.WithoutIssuer()
	}
	return target{url: f.URL(), anonKey: AnonKey, issuer: f.Issuer(), confirmAll: f.ConfirmAll, wait: clock.Advance}
}
