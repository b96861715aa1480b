package webhooks

import (
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestNewSecret(t *testing.T) {
	a, b := NewSecret(), NewSecret()
	if a == b || !strings.HasPrefix(a, SecretPrefix) {
		t.Fatalf("secrets %q %q", a, b)
	}
	k, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(a, SecretPrefix))
	if err != nil || len(k) != 32 {
		t.Fatalf("key of %q: %d bytes, %v", a, len(k), err)
	}
}

// TestSignKnownAnswer pins the signature to the Standard Webhooks
// specification's own example, so that integrators' libraries agree.
func TestSignKnownAnswer(t *testing.T) {
	secret := "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	body := []byte(`{"test": 2432232314}`)
	got, err := Sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", time.Unix(1614265330, 0), body)
	if err != nil {
		t.Fatal(err)
	}
	if want := "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="; got != want {
		t.Errorf("Sign = %s, want %s", got, want)
	}
}

func TestVerify(t *testing.T) {
	secret, other := NewSecret(), NewSecret()
	now := time.Date(2025, 3, 4, 10, 0, 0, 0, time.UTC)
	body := []byte(`{"type":"interview.completed"}`)
	signed := func(at time.Time) map[string]string {
		h, err := Headers(secret, "dlv_1", at, body)
		if err != nil {
			t.Fatal(err)
		}
		return map[string]string{HeaderID: h.Get(HeaderID), HeaderTimestamp: h.Get(HeaderTimestamp), HeaderSignature: h.Get(HeaderSignature)}
	}
	tests := []struct {
		name   string
		secret string
		edit   func(h map[string]string)
		body   string
		want   error
	}{
		{"valid", secret, nil, string(body), nil},
		{"tampered body", secret, nil, `{"type":"interview.failed"}`, ErrSignature},
		{"wrong secret", other, nil, string(body), ErrSignature},
		{"old timestamp", secret, func(h map[string]string) { h[HeaderTimestamp] = signed(now.Add(-6 * time.Minute))[HeaderTimestamp] }, string(body), ErrTimestamp},
		{"old timestamp signed", secret, func(h map[string]string) {
			for k, v := range signed(now.Add(-6 * time.Minute)) {
				h[k] = v
			}
		}, string(body), ErrTimestamp},
		{"future timestamp", secret, func(h map[string]string) {
			for k, v := range signed(now.Add(6 * time.Minute)) {
				h[k] = v
			}
		}, string(body), ErrTimestamp},
		{"no timestamp", secret, func(h map[string]string) { delete(h, HeaderTimestamp) }, string(body), ErrTimestamp},
		{"other id", secret, func(h map[string]string) { h[HeaderID] = "dlv_2" }, string(body), ErrSignature},
		{"no id", secret, func(h map[string]string) { delete(h, HeaderID) }, string(body), ErrSignature},
		{"no signature", secret, func(h map[string]string) { delete(h, HeaderSignature) }, string(body), ErrSignature},
		{"one of several", secret, func(h map[string]string) {
			h[HeaderSignature] = "v1,bm9wZQ== v2,xyz " + h[HeaderSignature]
		}, string(body), nil},
		{"other version", secret, func(h map[string]string) {
			h[HeaderSignature] = "v2," + strings.TrimPrefix(h[HeaderSignature], "v1,")
		}, string(body), ErrSignature},
		{"within tolerance", secret, func(h map[string]string) {
			for k, v := range signed(now.Add(-4 * time.Minute)) {
				h[k] = v
			}
		}, string(body), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := signed(now)
			if tt.edit != nil {
				tt.edit(h)
			}
			err := Verify(tt.secret, toHeader(h), []byte(tt.body), now, 0)
			if !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
				t.Errorf("Verify = %v, want %v", err, tt.want)
			}
		})
	}
	if err := Verify("not a secret!", toHeader(signed(now)), body, now, 0); err == nil {
		t.Error("a malformed secret verified")
	}
}

// FuzzVerify: whatever headers and body arrive, Verify never panics, and
// accepts only what was signed with the secret.
func FuzzVerify(f *testing.F) {
	secret := "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	f.Add("msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", []byte(`{"test": 2432232314}`))
	f.Add("", "-1", "v1, v1,,, v2,x", []byte{})
	f.Add("id", "99999999999999999999", "v1,====", []byte("{}"))
	now := time.Unix(1614265330, 0)
	f.Fuzz(func(t *testing.T, id, ts, sig string, body []byte) {
		h := toHeader(map[string]string{HeaderID: id, HeaderTimestamp: ts, HeaderSignature: sig})
		if Verify(secret, h, body, now, 0) != nil {
			return
		}
		unix, _ := strconv.ParseInt(ts, 10, 64)
		if d := now.Sub(time.Unix(unix, 0)); d > DefaultTolerance || d < -DefaultTolerance {
			t.Fatalf("verified timestamp %q", ts)
		}
		want, _ := Sign(secret, id, time.Unix(unix, 0), body)
		wantMAC, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(want, "v1,"))
		for _, f := range strings.Fields(sig) {
			if got, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(f, "v1,")); err == nil && strings.HasPrefix(f, "v1,") && string(got) == string(wantMAC) {
				return
			}
		}
		t.Errorf("verified signature %q, which is not %q", sig, want)
	})
}
