package web

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/interviewd/interviewd/internal/calls"
	"github.com/interviewd/interviewd/internal/engine"
	"github.com/interviewd/interviewd/internal/hiring"
	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/testenv"
	"github.com/interviewd/interviewd/internal/testenv/voice"
)

// Issue 9's transcript bugs, in Chromium against the local engine speaking
// with flite (so that its lines take seconds to say, and barge-in applies)
// and without a recogniser (the candidate's turns are stored as
// engine.NoRecognizerText: the order is what is tested, not the words).

// micWAV writes the fake microphone's file: silence, then a loud tone (the
// engine's voice detector hears speech) for toneFor, then silence.
func micWAV(t *testing.T, lead, toneFor time.Duration) string {
	t.Helper()
	const rate = 16000
	pcm := engine.PCM{Rate: rate, Samples: make([]int16, int((lead+toneFor+2*time.Minute).Seconds()*rate))}
	from := int(lead.Seconds() * rate)
	for i := range int(toneFor.Seconds() * rate) {
		pcm.Samples[from+i] = int16(0.5 * math.MaxInt16 * math.Sin(2*math.Pi*440*float64(i)/rate))
	}
	return writeWAV(t, "mic.wav", pcm)
}

// orderRoom is an interview in a spoken room, its candidate in the room.
type orderRoom struct {
	app        *roomApp
	owner      *testClient
	tenant, id string
	cand       context.Context
}

func newOrderRoom(t *testing.T, wav string) *orderRoom {
	t.Helper()
	app, _ := newLiveRoomApp(t, engine.Config{Synthesizer: voice.Speaker(t).Synthesizer}, calls.Config{})
	r := &orderRoom{app: app, owner: app.client()}
	r.tenant = r.owner.signUp("Acme Hiring", "owner@acme.test")
	pos := newPositionVia(r.owner, "Backend engineer", "Tell me about a system you built and what you would change in it today.", "Why Go?")
	r.id = newInterviewVia(r.owner, pos, "Ada Lovelace", "ada@example.com")
	link := joinLinkOf(r.owner, r.id)
	r.cand = testenv.Browser(t, testenv.FakeMicrophone(wav))
	step(t, r.cand, "the candidate consents",
		chromedp.Navigate(link),
		chromedp.WaitVisible(css("consent-form")),
		chromedp.Click(css("consent-checkbox")),
		chromedp.Click(css("consent-submit")),
		chromedp.WaitVisible(css("room-join")),
	)
	step(t, r.cand, "start", chromedp.Click(css("room-join")))
	poll[bool](t, r.cand, "the call is live",
		`document.querySelector('[data-testid="room-state"]').dataset.state === "live"`, 20*time.Second)
	return r
}

func (r *orderRoom) transcript(t *testing.T) []interview.TranscriptEntry {
	t.Helper()
	e, err := r.app.Store.ListTranscript(t.Context(), r.tenant, r.id, 0)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestBrowserSpeakingOverGreeting: the candidate speaks two seconds into
// the greeting. The greeting stops there (barge-in) and is stored first,
// cut short and marked interrupted, the candidate second, timed after it;
// the recruiter's page and the three exports agree.
func TestBrowserSpeakingOverGreeting(t *testing.T) {
	testenv.ChromiumPath(t)
	r := newOrderRoom(t, micWAV(t, connectAllowance+2*time.Second, 1500*time.Millisecond))
	var entries []interview.TranscriptEntry
	eventually(t, "the greeting, the candidate and the interviewer's next line stored", 60*time.Second, func() (bool, string) {
		entries = r.transcript(t)
		return len(entries) >= 3, dump(entries)
	})
	greeting, cand := entries[0], entries[1]
	if greeting.Speaker != interview.SpeakerInterviewer || !greeting.Interrupted ||
		!strings.HasPrefix(greeting.Text, "Hello Ada Lovelace") || strings.Contains(greeting.Text, "Tell me about a system") {
		t.Errorf("first entry is not the greeting cut short:\n%s", dump(entries))
	}
	if cand.Speaker != interview.SpeakerCandidate || cand.Text != engine.NoRecognizerText || cand.Interrupted {
		t.Errorf("second entry is not the candidate:\n%s", dump(entries))
	}
	if d := cand.Timestamp.Sub(greeting.Timestamp); d < 500*time.Millisecond || d > 8*time.Second {
		t.Errorf("the candidate started %v after the greeting, want about 2 s:\n%s", d, dump(entries))
	}
	checkSpokenOrder(t, r, entries)
	// The room too: the greeting, marked, then the candidate.
	room := poll[string](t, r.cand, "the room's lines in order",
		`(ls => ls.length >= 3 && ls.every(l => l.dataset.final === "true") && ls.map(l => l.className.replace("line ", "") +
			(l.querySelector('[data-testid="room-line-interrupted"]') ? " (interrupted)" : "")).join(", "))(
			[...document.querySelectorAll('[data-testid="room-line"]')])`, 15*time.Second)
	if !strings.HasPrefix(room, "interviewer (interrupted), candidate, interviewer") {
		t.Errorf("the room shows %s", room)
	}
	t.Logf("stored:\n%s", dump(entries))
}

// TestBrowserEndMidSentence: End is pressed while the interviewer is
// speaking; the line is stored with what was said, marked interrupted.
func TestBrowserEndMidSentence(t *testing.T) {
	testenv.ChromiumPath(t)
	r := newOrderRoom(t, micWAV(t, 0, 0))
	said := poll[string](t, r.cand, "the greeting has begun",
		`(l => l && l.dataset.final !== "true" && l.querySelector('[data-testid="room-line-text"]').textContent.split(" ").length >= 6 &&
			l.querySelector('[data-testid="room-line-text"]').textContent)(document.querySelector('[data-testid="room-line"].interviewer'))`,
		20*time.Second)
	step(t, r.cand, "end the interview",
		chromedp.Click(css("room-end")),
		chromedp.WaitVisible(css("room-end-confirm")),
		chromedp.Click(css("room-end-yes")),
	)
	poll[bool](t, r.cand, "the room says it ended",
		`document.querySelector('[data-testid="room-state"]').dataset.state === "ended"`, 15*time.Second)
	entries := r.transcript(t)
	if len(entries) != 1 {
		t.Fatalf("stored:\n%s", dump(entries))
	}
	e := entries[0]
	if e.Speaker != interview.SpeakerInterviewer || !e.Interrupted || !strings.HasPrefix(e.Text, strings.TrimSpace(said)) ||
		strings.Contains(e.Text, "Tell me about a system") {
		t.Errorf("the greeting as stored: %q (the room showed %q before End)\n%s", e.Text, said, dump(entries))
	}
	checkSpokenOrder(t, r, entries)
	t.Logf("the room showed %q before End; stored:\n%s", said, dump(entries))
}

func dump(entries []interview.TranscriptEntry) string {
	var b strings.Builder
	for _, e := range entries {
		fmt.Fprintf(&b, "  %d %s %s interrupted=%v %q\n", e.Seq, e.Timestamp.Format("15:04:05.000"), e.Speaker, e.Interrupted, e.Text)
	}
	return b.String()
}

var (
	clockRE   = regexp.MustCompile(`^\d\d:\d\d$`)
	txtLineRE = regexp.MustCompile(`^\[\d\d:\d\d\] `)
)

// checkSpokenOrder checks that the recruiter's page, the API's JSON and the
// text and WebVTT exports show entries in their order, with times that
// never go back or below zero, cues that never overlap, and the
// interrupted lines marked.
func checkSpokenOrder(t *testing.T, r *orderRoom, entries []interview.TranscriptEntry) {
	t.Helper()
	for i := 1; i < len(entries); i++ {
		if entries[i].Timestamp.Before(entries[i-1].Timestamp) {
			t.Errorf("entry %d is timed before entry %d:\n%s", i+1, i, dump(entries))
		}
	}
	doc := r.owner.page("/app/interviews/"+r.id, 200)
	lines := doc.Find(testID("transcript-line"))
	if lines.Length() != len(entries) {
		t.Fatalf("the page shows %d lines, %d are stored", lines.Length(), len(entries))
	}
	prev := ""
	for i, e := range entries {
		li := lines.Eq(i)
		offset := li.Find("time").Text()
		if li.Find(testID("transcript-text")).Text() != e.Text || !clockRE.MatchString(offset) || offset < prev ||
			(i == 0 && offset != "00:00") || (li.Find(testID("transcript-interrupted")).Length() == 1) != e.Interrupted {
			t.Errorf("page line %d: %q at %q (interrupted mark %d), stored %q interrupted=%v", i+1,
				li.Find(testID("transcript-text")).Text(), offset, li.Find(testID("transcript-interrupted")).Length(), e.Text, e.Interrupted)
		}
		prev = offset
	}
	base := "/app/interviews/" + r.id + "/transcript."
	txt := strings.Split(strings.TrimSpace(readBody(t, r.owner.get(base+"txt"))), "\n")[3:]
	for i, e := range entries {
		who := map[bool]string{true: "Interviewer", false: "Candidate"}[e.Speaker == interview.SpeakerInterviewer]
		want := "] " + who + " (" + hiring.SourceLabel(e.Source) + "): " + e.Text
		if e.Interrupted {
			want += " — interrupted"
		}
		if i >= len(txt) || !strings.HasSuffix(txt[i], want) || !txtLineRE.MatchString(txt[i]) {
			t.Errorf("text export line %d: %q, want …%q", i+1, txt[min(i, len(txt)-1)], want)
		}
	}
	var js struct {
		Entries []struct {
			Seq         int64  `json:"seq"`
			ItemID      string `json:"itemId"`
			Interrupted bool   `json:"interrupted"`
		} `json:"entries"`
	}
	if err := json.Unmarshal([]byte(readBody(t, r.owner.get(base+"json"))), &js); err != nil || len(js.Entries) != len(entries) {
		t.Fatalf("json export: %v, %d entries", err, len(js.Entries))
	}
	for i, e := range js.Entries {
		if e.Seq != int64(i+1) || e.ItemID != entries[i].ItemID || e.Interrupted != entries[i].Interrupted {
			t.Errorf("json entry %d: %+v", i, e)
		}
	}
	checkVTT(t, readBody(t, r.owner.get(base+"vtt")), entries)
}

// checkVTT checks that the cues are numbered 1, 2, 3 …, in the entries'
// order, each ending after it starts and no later than the next starts.
func checkVTT(t *testing.T, vtt string, entries []interview.TranscriptEntry) {
	t.Helper()
	blocks := strings.Split(strings.TrimSpace(vtt), "\n\n")
	if blocks[0] != "WEBVTT" || len(blocks) != len(entries)+1 {
		t.Fatalf("vtt:\n%s", vtt)
	}
	end := ""
	for i, b := range blocks[1:] {
		l := strings.Split(b, "\n")
		from, to, _ := strings.Cut(l[1], " --> ")
		if len(l) != 3 || l[0] != fmt.Sprint(i+1) || to <= from || from < end || !strings.Contains(l[2], vttEscapeForTest(entries[i].Text)) ||
			strings.Contains(l[2], "— interrupted") != entries[i].Interrupted {
			t.Errorf("cue %d: %q (the one before ended at %s)", i+1, b, end)
		}
		end = to
	}
}

func vttEscapeForTest(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// TestBrowserLiveViewLateEntry: the recruiter's page is open while lines
// arrive; one posted late with an earlier time is stored at its place and
// moves the later line's seq up. The live view shows it at its place, once,
// and then goes on adding new lines at the end.
func TestBrowserLiveViewLateEntry(t *testing.T) {
	app := newTestApp(t, openSQLiteStore(t))
	owner := app.client()
	tenant := owner.signUp("Acme Hiring", "owner@acme.test")
	id := newInterviewVia(owner, newPositionVia(owner, "Engineer", "Why Go?"), "Ada Lovelace", "ada@example.com")
	t0 := time.Now().UTC()
	add := func(item string, at time.Duration) {
		t.Helper()
		_, err := app.Store.AppendTranscript(t.Context(), tenant, id, []interview.TranscriptEntry{{
			ItemID: item, Speaker: interview.SpeakerCandidate, Text: "line " + item, Timestamp: t0.Add(at), Source: interview.SourceAPI}})
		if err != nil {
			t.Fatal(err)
		}
	}
	add("a", 0)
	ctx := testenv.Browser(t)
	browserSignIn(t, ctx, app, "owner@acme.test")
	step(t, ctx, "the recruiter opens the interview", chromedp.Navigate(app.URL+"/app/interviews/"+id),
		chromedp.WaitVisible(css("transcript-line")))
	shown := func(want string) {
		t.Helper()
		got := poll[string](t, ctx, "the live view shows "+want,
			`(ls => (s => s === `+fmt.Sprintf("%q", want)+` && s)(ls.map(l => l.textContent + "@" + l.closest("li").querySelector("time").textContent).join(", ")))(
				[...document.querySelectorAll('[data-testid="transcript-text"]')])`, 15*time.Second)
		if got != want {
			t.Errorf("live view %q, want %q", got, want)
		}
	}
	add("c", 20*time.Second)
	shown("line a@00:00, line c@00:20")
	add("b", 10*time.Second) // late: seq 2, c moves to 3
	shown("line a@00:00, line b@00:10, line c@00:20")
	add("d", 30*time.Second)
	shown("line a@00:00, line b@00:10, line c@00:20, line d@00:30")
}
