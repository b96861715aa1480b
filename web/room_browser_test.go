package web

import (
	"bytes"
	"context"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/interviewd/interviewd/internal/calls"
	"github.com/interviewd/interviewd/internal/engine"
	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/testenv"
)

// writeToneWAV writes a 16 kHz mono 16-bit WAV of a 440 Hz tone at half
// scale lasting d, for Chromium's fake microphone.
func writeToneWAV(t *testing.T, d time.Duration) string {
	t.Helper()
	const rate = 16000
	n := int(d.Seconds() * rate)
	var pcm bytes.Buffer
	for i := range n {
		v := int16(0.5 * math.MaxInt16 * math.Sin(2*math.Pi*440*float64(i)/rate))
		binary.Write(&pcm, binary.LittleEndian, v) //nolint:errcheck // a bytes.Buffer does not fail
	}
	var b bytes.Buffer
	le := func(v any) { binary.Write(&b, binary.LittleEndian, v) } //nolint:errcheck // as above
	b.WriteString("RIFF")
	le(uint32(36 + pcm.Len()))
	b.WriteString("WAVEfmt ")
	le(uint32(16))
	le(uint16(1)) // PCM
	le(uint16(1)) // mono
	le(uint32(rate))
	le(uint32(rate * 2)) // bytes per second
	le(uint16(2))        // block align
	le(uint16(16))       // bits per sample
	b.WriteString("data")
	le(uint32(pcm.Len()))
	b.Write(pcm.Bytes())
	path := filepath.Join(t.TempDir(), "tone.wav")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// poll waits until the JavaScript expression is truthy and returns it.
func poll[T any](t *testing.T, ctx context.Context, what, expr string, timeout time.Duration) T {
	t.Helper()
	ctx, cancel := testenv.Timeout(ctx, timeout+5*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Poll[T](expr, chromedp.WithPollingTimeout(timeout), chromedp.WithPollingInterval(100*time.Millisecond)))
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

// TestBrowserMicCheck: on the landing page, the microphone check's meter
// moves with Chromium's fake microphone playing a tone.
func TestBrowserMicCheck(t *testing.T) {
	f := newRoomFixture(t, openSQLiteStore(t))
	ctx := testenv.Browser(t, testenv.FakeMicrophone(writeToneWAV(t, 20*time.Second)))
	step(t, ctx, "start the microphone check",
		chromedp.Navigate(f.link1),
		chromedp.WaitVisible(css("mic-start")),
		chromedp.Click(css("mic-start")),
	)
	level := poll[string](t, ctx, "the meter moves",
		`(v => Number(v) > 0 && v)(document.querySelector('[data-testid="mic-meter"]').getAttribute("aria-valuenow"))`, 10*time.Second)
	status := read(t, ctx, "status", chromedp.Text(css("mic-status")))
	if !strings.Contains(status, "microphone is on") {
		t.Errorf("mic status %q (level %s)", status, level)
	}
	step(t, ctx, "stop the check", chromedp.Click(css("mic-start")))
	poll[bool](t, ctx, "the meter rests", `document.querySelector('[data-testid="mic-meter"]').getAttribute("aria-valuenow") === "0"`, 5*time.Second)
}

// liveRoomApp is the whole candidate stack in-process, as cmd/interviewd
// wires it with the local engine: the engine at /v1, reached over HTTP by
// the realtime client, the calls manager, and the web server with the
// lifecycle API.
func liveRoomApp(t *testing.T) *roomApp {
	t.Helper()
	app, _ := newLiveRoomApp(t, engine.Config{Turn: engine.Turn{DeltaInterval: 20 * time.Millisecond}}, calls.Config{})
	return app
}

// TestBrowserInterviewRoom is the candidate's whole interview in Chromium
// with a fake microphone, against the local engine: join link → consent
// → room → live → the interviewer's first line and "Question 1 of 2" in the
// room and, through live.js, on the recruiter's open interview page → End
// → completed.
func TestBrowserInterviewRoom(t *testing.T) {
	app := liveRoomApp(t)
	owner := app.client()
	tenant := owner.signUp("Acme Hiring", "owner@acme.test")
	pos := newPositionVia(owner, "Backend engineer", "Tell me about yourself.", "Why Go?")
	id := newInterviewVia(owner, pos, "Ada Lovelace", "ada@example.com")
	link := joinLinkOf(owner, id)

	ctx := testenv.Browser(t, testenv.FakeMicrophone(writeToneWAV(t, 60*time.Second)))
	browserSignIn(t, ctx, app.testApp, "owner@acme.test")
	step(t, ctx, "the recruiter opens the interview",
		chromedp.Navigate(app.URL+"/app/interviews/"+id),
		chromedp.WaitVisible(css("transcript-empty")),
	)

	cand := isolatedContext(t, ctx)
	step(t, cand, "the candidate consents",
		chromedp.Navigate(link),
		chromedp.WaitVisible(css("consent-form")),
		chromedp.Click(css("consent-checkbox")),
		chromedp.Click(css("consent-submit")),
		chromedp.WaitVisible(css("room-join")),
	)
	if got := read(t, cand, "state", chromedp.Text(css("room-state"))); !strings.Contains(got, "when you are ready") {
		t.Errorf("room before start says %q", got)
	}
	step(t, cand, "start", chromedp.Click(css("room-join")))
	state := poll[string](t, cand, "the call is live",
		`(s => (s.dataset.state === "live" || s.dataset.state === "error") && s.dataset.state + ": " + s.textContent)(document.querySelector('[data-testid="room-state"]'))`,
		20*time.Second)
	if !strings.HasPrefix(state, "live: ") || !strings.Contains(state, "you can speak now") {
		t.Fatalf("room state %q", state)
	}
	first := poll[string](t, cand, "the interviewer's first line in the room",
		`(l => l && l.dataset.final === "true" && l.textContent)(document.querySelector('[data-testid="room-line"].interviewer'))`,
		20*time.Second)
	if !strings.Contains(first, "Interviewer") {
		t.Errorf("first room line %q", first)
	}
	text := read(t, cand, "line text", chromedp.Text(chromedp.CSS(`[data-testid="room-line"].interviewer [data-testid="room-line-text"]`)))
	onPage := poll[string](t, ctx, "the line on the recruiter's page",
		`(l => l && l.textContent)(document.querySelector('[data-testid="transcript-line"].interviewer [data-testid="transcript-text"]'))`,
		15*time.Second)
	if onPage != text {
		t.Errorf("recruiter sees %q, the room %q", onPage, text)
	}
	// The question reached, in the room (the /rtc progress message) and on
	// the recruiter's page (live.js).
	if got := poll[string](t, cand, "the room's progress",
		`(p => !p.hidden && p.textContent)(document.querySelector('[data-testid="room-progress"]'))`,
		10*time.Second); got != "Question 1 of 2" {
		t.Errorf("room progress %q", got)
	}
	if got := poll[string](t, ctx, "the recruiter's progress",
		`(p => !p.hidden && p.textContent)(document.querySelector('[data-testid="interview-progress"]'))`,
		10*time.Second); got != "Question 1 of 2" {
		t.Errorf("recruiter progress %q", got)
	}
	// The data channel's line and the server's stored echo are one line.
	dups := read(t, cand, "duplicate lines", chromedp.Evaluate[int](`(t => t.length - new Set(t).size)(
		[...document.querySelectorAll('[data-testid="room-line-text"]')].map(l => l.textContent))`))
	if dups != 0 {
		t.Errorf("%d transcript lines shown twice in the room", dups)
	}
	if got := read(t, cand, "mute", chromedp.AttributeValue(css("room-mute"), "aria-pressed")); got.Value != "false" {
		t.Errorf("mute aria-pressed %q", got.Value)
	}

	step(t, cand, "end the interview",
		chromedp.Click(css("room-end")),
		chromedp.WaitVisible(css("room-end-confirm")),
		chromedp.Click(css("room-end-yes")),
	)
	poll[bool](t, cand, "the room says it ended",
		`document.querySelector('[data-testid="room-state"]').dataset.state === "ended"`, 15*time.Second)
	v, err := app.Store.GetSession(t.Context(), tenant, id)
	if err != nil || v.Status != interview.StatusCompleted || v.EndReason != "candidate ended" {
		t.Errorf("after End: %s %q (%v)", v.Status, v.EndReason, err)
	}
	poll[bool](t, ctx, "the recruiter's page says completed",
		`document.querySelector('[data-testid="interview-status"]').textContent === "Completed"`, 10*time.Second)
}
