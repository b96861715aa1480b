package web

import (
	"context"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/interviewd/interviewd/internal/calls"
	"github.com/interviewd/interviewd/internal/i18n"
	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/testenv"
)

// shownText is what the page shows a reader (innerText: hidden elements
// left out) without the transcript, whose lines are the interviewer's
// and the candidate's own words.
const shownText = `(() => {
  const body = document.body.cloneNode(true);
  body.querySelector('[data-testid="room-transcript"]')?.remove();
  body.querySelectorAll('script, noscript, [hidden]').forEach(e => e.remove());
  return body.innerText;
})()`

// TestBrowserRoomInSpanish runs the candidate's journey for a position in
// Mexican Spanish in Chromium against the local engine: the landing page
// and its microphone check, the room before the start, live (the turn
// indicator, the question reached, the connection's quality, Mute, the
// speakers' labels) and ended (the thank-you): each in Spanish with
// <html lang="es">, no English shown, and axe-core finds nothing.
func TestBrowserRoomInSpanish(t *testing.T) {
	browser := testenv.Browser(t, testenv.FakeMicrophone(writeSilenceWAV(t, 2*time.Minute)))
	r := newReconnectRoom(t, calls.Config{})
	owner := r.client()
	tenant := owner.signUp("Acme", "owner@acme.test")
	pos := newPositionIn(owner, "es-MX", "Go Backend", reconnectQuestions...)
	id := newInterviewVia(owner, pos, "Ada Lovelace", "ada@example.com")
	link := joinLinkOf(owner, id)
	es := i18n.Lang("es")

	landing := isolatedContext(t, browser)
	step(t, landing, "the landing page", chromedp.Navigate(link), chromedp.WaitVisible(css("mic-start")))
	checkShownIn(t, landing, "the landing page", es)
	checkAxe(t, landing, "the landing page in Spanish")
	step(t, landing, "the microphone check", chromedp.Click(css("mic-start")))
	poll[bool](t, landing, "the check says the microphone is on, in Spanish",
		`document.querySelector('[data-testid="mic-status"]').textContent === `+jsString(es.T("js.mic.on"))+` &&
		document.querySelector('[data-testid="mic-start"]').textContent === `+jsString(es.T("js.mic.stop")), 10*time.Second)
	step(t, landing, "consent", chromedp.Click(css("consent-checkbox")), chromedp.Click(css("consent-submit")),
		chromedp.WaitVisible(css("room-join")))
	if got := read(t, landing, "the room's state", chromedp.Text(css("room-state"))); got != es.T("js.state.idle") {
		t.Errorf("the room before the start says %q", got)
	}
	checkShownIn(t, landing, "the room before the start", es)

	cand := enterRoom(t, browser, link)
	checkLiveInSpanish(t, cand, es)
	checkShownIn(t, cand, "the room, live", es)
	checkAxe(t, cand, "the room in Spanish, live")

	endFromRoom(t, cand)
	poll[bool](t, cand, "the thank-you", `!document.querySelector('[data-room-ended]').hidden`, 10*time.Second)
	ended := read(t, cand, "the thank-you", chromedp.Evaluate[[]string](`["room-ended-heading", "room-next-steps", "feedback-submit"]
		.map(id => document.querySelector('[data-testid="' + id + '"]').textContent.trim())`))
	if want := []string{es.T("ended.thanks_name", "name", "Ada Lovelace"), es.T("ended.next_default"), es.T("ended.send")}; !slices.Equal(ended, want) {
		t.Errorf("the thank-you says %q, want %q", ended, want)
	}
	checkShownIn(t, cand, "the room, ended", es)
	checkAxe(t, cand, "the room in Spanish, ended")
	if got := r.session(t, tenant, id); got.Status != interview.StatusCompleted {
		t.Errorf("interview %s, want completed", got.Status)
	}
}

// checkLiveInSpanish: a live room's words come from the page's language.
func checkLiveInSpanish(t *testing.T, cand context.Context, es i18n.Lang) {
	t.Helper()
	if got := read(t, cand, "the state", chromedp.Text(css("room-state"))); got != es.T("js.state.live") {
		t.Errorf("live, the room says %q", got)
	}
	typeAnswer(t, cand, answerFirst)
	poll[bool](t, cand, "the interviewer listens again, said in Spanish",
		`document.querySelector('[data-testid="room-speaker"]').textContent.trim() === `+jsString(es.T("js.turn.listening")), 30*time.Second)
	progress := poll[string](t, cand, "the question reached",
		`(p => !p.hidden && p.textContent)(document.querySelector('[data-testid="room-progress"]'))`, 20*time.Second)
	if !regexp.MustCompile(`^Pregunta \d de ` + strconv.Itoa(len(reconnectQuestions)) + `$`).MatchString(progress) {
		t.Errorf("progress %q", progress)
	}
	quality := poll[string](t, cand, "the connection's quality",
		`(q => !q.hidden && q.textContent.trim())(document.querySelector('[data-testid="room-quality"]'))`, 15*time.Second)
	if !regexp.MustCompile(`^Conexión: (buena|regular|mala) \(ida y vuelta \d+ ms, \d+(,\d)? % de paquetes perdidos\)$`).MatchString(quality) {
		t.Errorf("quality %q", quality)
	}
	labels := poll[[]string](t, cand, "both speakers' lines",
		`(ls => ls.length >= 3 && ls)([...document.querySelectorAll('[data-testid="room-line"] .speaker')].map(s => s.textContent))`, 20*time.Second)
	if !slices.Contains(labels, es.T("js.speaker.interviewer")) || !slices.Contains(labels, es.T("js.speaker.candidate")) {
		t.Errorf("speakers %q", labels)
	}
	step(t, cand, "mute", chromedp.Click(css("room-mute")))
	if got := read(t, cand, "the mute button", chromedp.Text(css("room-mute"))); got != es.T("js.unmute") {
		t.Errorf("muted, the button says %q", got)
	}
	step(t, cand, "unmute", chromedp.Click(css("room-mute")))
}

// checkShownIn: the page is in lang, and shows no English.
func checkShownIn(t *testing.T, ctx context.Context, what string, lang i18n.Lang) {
	t.Helper()
	if got := read(t, ctx, "<html lang>", chromedp.Evaluate[string](`document.documentElement.lang`)); got != lang.Tag() {
		t.Errorf("%s: <html lang=%q>", what, got)
	}
	shown := read(t, ctx, "the text shown", chromedp.Evaluate[string](shownText))
	if left := englishIn(shown, lang); len(left) > 0 {
		t.Errorf("%s: English shown: %v in %q", what, left, shown)
	}
}

// jsString quotes s for a script.
func jsString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\n", `\n`).Replace(s) + "'"
}
