package web

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/interviewd/interviewd/internal/calls"
	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/testenv"
)

// recordTurns keeps every state the interviewer's indicator shows.
const recordTurns = `(() => {
  const s = document.querySelector('[data-testid="room-speaker"]');
  const seen = window.__turns = [s.dataset.state];
  new MutationObserver(() => { if (seen[seen.length - 1] !== s.dataset.state) seen.push(s.dataset.state); })
    .observe(s, {attributes: true});
  return true;
})()`

// TestBrowserRoomAlive runs a call in Chromium at 1280×800 and 390×844
// against the local engine: the interviewer's indicator follows the turn,
// the microphone meter has a real width and moves, the connection's
// quality shows its numbers, the confirmation takes and gives back the
// focus (Escape closes it), and at the end the thank-you replaces the
// controls with the focus on its heading; the rating sent from it is
// stored and shown to the recruiter. axe-core finds nothing in the states
// live, confirm open and ended.
func TestBrowserRoomAlive(t *testing.T) {
	// Silence: the engine takes a tone for the candidate speaking over the
	// interviewer (TestBrowserMicCheck has the meter follow a tone).
	browser := testenv.Browser(t, testenv.FakeMicrophone(writeSilenceWAV(t, 2*time.Minute)))
	for _, vp := range []struct {
		name string
		w, h int64
	}{{"1280x800", 1280, 800}, {"390x844", 390, 844}} {
		t.Run(vp.name, func(t *testing.T) { roomAlive(t, browser, vp.w, vp.h) })
	}
}

func roomAlive(t *testing.T, browser context.Context, width, height int64) {
	r := newReconnectRoom(t, calls.Config{})
	tenant, id, link := r.interview()
	cand := enterRoom(t, browser, link)
	step(t, cand, "the viewport", chromedp.EmulateViewport(width, height))
	if got := activeTestID(t, cand); got != "room-state" {
		t.Errorf("focus after Start on %q, want the status", got)
	}
	checkMeter(t, cand, width)
	checkTurns(t, cand)
	q := poll[string](t, cand, "the connection's quality", `(q => !q.hidden && q.dataset.quality + " " + q.textContent.trim())(document.querySelector('[data-testid="room-quality"]'))`, 15*time.Second)
	if !regexp.MustCompile(`^(good|fair|poor) Connection: (Good|Fair|Poor) \(round trip \d+ ms, [\d.]+% packets lost\)$`).MatchString(q) {
		t.Errorf("quality %q", q)
	}
	if p := read(t, cand, "progress", chromedp.Evaluate[string](`document.querySelector('[data-testid="room-progress"]').textContent`)); !strings.HasPrefix(p, "Question ") {
		t.Errorf("progress %q", p)
	}
	checkAxe(t, cand, "the room, live")

	step(t, cand, "open the confirmation", chromedp.Click(css("room-end")), chromedp.WaitVisible(css("room-end-confirm")))
	if got := activeTestID(t, cand); got != "room-end-no" {
		t.Errorf("focus in the confirmation on %q, want its first button", got)
	}
	checkAxe(t, cand, "the room, confirmation open")
	step(t, cand, "Escape closes it", chromedp.KeyEvent("\x1b"), chromedp.WaitNotVisible(css("room-end-confirm")))
	if got := activeTestID(t, cand); got != "room-end" {
		t.Errorf("focus after Escape on %q, want End interview", got)
	}
	endFromRoom(t, cand)
	checkEnded(t, cand)
	checkAxe(t, cand, "the room, ended")

	step(t, cand, "rate the interview",
		chromedp.Click(css("feedback-rating-5")),
		chromedp.SendKeys(css("feedback-comment"), "Friendly and clear."),
		chromedp.Click(css("feedback-submit")),
		chromedp.WaitVisible(css("feedback-given")),
	)
	f, err := r.Store.GetFeedback(t.Context(), tenant, id)
	if err != nil || f.Rating != 5 || f.Comment != "Friendly and clear." {
		t.Fatalf("stored feedback %+v, %v", f, err)
	}
	if got := r.session(t, tenant, id); got.Status != interview.StatusCompleted {
		t.Errorf("interview %s, want completed", got.Status)
	}
}

// activeTestID is the data-testid of the focused element.
func activeTestID(t *testing.T, ctx context.Context) string {
	t.Helper()
	return read(t, ctx, "the focus", chromedp.Evaluate[string](`document.activeElement?.dataset?.testid || document.activeElement?.tagName || ""`))
}

// checkMeter: the room's meter is a bar of sensible width inside the
// viewport, driven by the microphone (silent here).
func checkMeter(t *testing.T, cand context.Context, width int64) {
	t.Helper()
	box := read(t, cand, "the meter's box", chromedp.Evaluate[[]float64](`(b => [b.width, b.height, b.right])(document.querySelector('[data-testid="room-meter"]').getBoundingClientRect())`))
	if box[0] < 96 || box[1] < 8 || box[2] > float64(width) {
		t.Errorf("meter %v×%v px ending at %v in a %d px viewport, want at least 96×8 inside it", box[0], box[1], box[2], width)
	}
	poll[bool](t, cand, "the meter follows the microphone", `(m => m.getAttribute("aria-valuetext") === "silent" &&
		m.querySelector("[data-meter-bar]").style.width === "0%")(document.querySelector('[data-testid="room-meter"]'))`, 10*time.Second)
}

// checkTurns: after an answer the indicator goes thinking or speaking,
// then listening once the interviewer has asked the next question.
func checkTurns(t *testing.T, cand context.Context) {
	t.Helper()
	if !read(t, cand, "record the turns", chromedp.Evaluate[bool](recordTurns)) {
		t.Fatal("the turn recorder did not start")
	}
	typeAnswer(t, cand, answerFirst)
	turns := poll[[]string](t, cand, "the interviewer speaks, then listens",
		`(h => h.includes("speaking") && h[h.length - 1] === "listening" && h)(window.__turns)`, 30*time.Second)
	speaking := strings.Index(strings.Join(turns, ","), "speaking")
	if speaking < 0 || !strings.Contains(strings.Join(turns, ",")[speaking:], "listening") {
		t.Errorf("turns %v: want speaking then listening", turns)
	}
	text := read(t, cand, "the indicator's text", chromedp.Evaluate[string](`document.querySelector('[data-testid="room-speaker"]').textContent.trim()`))
	if text != "The interviewer is listening" {
		t.Errorf("indicator says %q", text)
	}
	if live := read(t, cand, "the indicator's live region", chromedp.Evaluate[string](`document.querySelector('[data-testid="room-speaker"]').getAttribute("aria-live") || ""`)); live != "" {
		t.Errorf("the indicator is a live region (%q): it would flood screen readers", live)
	}
}

// checkEnded: the thank-you replaces the controls and the timer, with the
// focus on its heading and the position's next steps.
func checkEnded(t *testing.T, cand context.Context) {
	t.Helper()
	poll[bool](t, cand, "the thank-you", `!document.querySelector('[data-room-ended]').hidden`, 10*time.Second)
	shown := read(t, cand, "what is shown", chromedp.Evaluate[map[string]bool](`({
		controls: !!document.querySelector('[data-testid="room-end"]').offsetParent,
		timer: !!document.querySelector('[data-testid="room-countdown"]').offsetParent,
		thanks: !!document.querySelector('[data-testid="room-ended-heading"]').offsetParent,
		form: !!document.querySelector('[data-testid="feedback-form"]').offsetParent})`))
	if shown["controls"] || shown["timer"] || !shown["thanks"] || !shown["form"] {
		t.Errorf("after the end: %v, want the thank-you and the form without controls or timer", shown)
	}
	if got := activeTestID(t, cand); got != "room-ended-heading" {
		t.Errorf("focus after the end on %q, want the thank-you's heading", got)
	}
	next := read(t, cand, "next steps", chromedp.Evaluate[string](`document.querySelector('[data-testid="room-next-steps"]').textContent`))
	if next != interview.DefaultNextSteps {
		t.Errorf("next steps %q", next)
	}
}

// TestBrowserFeedbackWithoutJS: with JavaScript off, a candidate consents,
// and once the interview has ended sends a rating from the thank-you page
// as a plain form (axe runs on the same section in TestBrowserRoomAlive:
// it needs JavaScript).
func TestBrowserFeedbackWithoutJS(t *testing.T) {
	f := newRoomFixture(t, openSQLiteStore(t))
	cand := isolatedContext(t, testenv.Browser(t))
	if _, err := chromedp.Call(cand, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatalf("turn JavaScript off: %v", err)
	}
	step(t, cand, "consent without JavaScript",
		chromedp.Navigate(f.link1),
		chromedp.Click(css("consent-checkbox")),
		chromedp.Click(css("consent-submit")),
		chromedp.WaitVisible(css("room-noscript")),
	)
	for _, s := range []interview.Status{interview.StatusReady, interview.StatusInProgress, interview.StatusCompleted} {
		if _, err := f.app.Store.TransitionSession(t.Context(), f.tenant, f.id1, s, "test", time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	step(t, cand, "rate from the thank-you page",
		chromedp.Navigate(f.link1+"/room"),
		chromedp.WaitVisible(css("feedback-form")),
		chromedp.Click(css("feedback-rating-2")),
		chromedp.Click(css("feedback-submit")),
		chromedp.WaitVisible(css("feedback-given")),
	)
	got, err := f.app.Store.GetFeedback(t.Context(), f.tenant, f.id1)
	if err != nil || got.Rating != 2 || got.Comment != "" {
		t.Errorf("stored %+v, %v; want rating 2", got, err)
	}
}
