package web

import (
	"context"
	"encoding/base64"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/testenv"
)

// replayRecordingLength is how long TestBrowserReplay records.
const replayRecordingLength = 8 * time.Second

// TestBrowserReplay: Chromium records a WebM with MediaRecorder over its
// fake microphone; the chunks go through recording.Service as the room's
// uploads would and are finalised; the replay page plays the file, with
// its length known, marks the line being played (aria-current) as it
// plays, and seeks to a line's moment on a click on its text, on its link
// and with Enter on the link.
func TestBrowserReplay(t *testing.T) {
	f := newReplayFixture(t, openSQLiteStore(t))
	ctx := testenv.Browser(t, testenv.FakeMicrophone(writeToneWAV(t, 30*time.Second)))
	browserSignIn(t, ctx, f.app, "owner@acme.test")
	chunks := recordInChromium(t, ctx, replayRecordingLength)
	seg := f.record(t, f.id, "audio/webm;codecs=opus", chunks, false)
	if seg.Status != interview.SegmentReady || math.Abs(float64(seg.DurationMS)-float64(replayRecordingLength.Milliseconds())) > 1500 {
		t.Fatalf("segment %s, %d ms from %d chunks; want ready, about %s", seg.Status, seg.DurationMS, len(chunks), replayRecordingLength)
	}
	f.say(t, f.id, seg.StartTime.Add(500*time.Millisecond), seg.StartTime.Add(2500*time.Millisecond), seg.StartTime.Add(5500*time.Millisecond))

	step(t, ctx, "open the replay",
		chromedp.Navigate(f.app.URL+"/app/interviews/"+f.id+"/recording"),
		chromedp.WaitVisible(css("replay-media")),
	)
	d := poll[float64](t, ctx, "the file's length", `(a => a.readyState >= 1 && isFinite(a.duration) && a.duration)(document.querySelector("audio"))`, 10*time.Second)
	if math.Abs(d-replayRecordingLength.Seconds()) > 1.5 {
		t.Errorf("the player says the file lasts %.1f s, want about %s", d, replayRecordingLength)
	}
	step(t, ctx, "play", chromedp.Evaluate[chromedp.Void](`document.querySelector("audio").play()`, chromedp.EvalAwaitPromise))
	poll[bool](t, ctx, "the second line is marked as it plays",
		`document.querySelectorAll('[data-testid="replay-line"]')[1].getAttribute("aria-current") === "true" &&
			document.querySelector("audio").currentTime >= 2.5`, 10*time.Second)
	if n := read(t, ctx, "marked lines", chromedp.Evaluate[int](`document.querySelectorAll('[aria-current="true"]').length`)); n != 1 {
		t.Errorf("%d lines marked, want 1", n)
	}

	checkSeek(t, ctx, "a click on the third line's text", 5.5, 2,
		chromedp.Click(chromedp.CSS(`[data-testid="replay-line"]:nth-child(3) .text`)))
	checkSeek(t, ctx, "a click on the first line's link", 0.5, 0,
		chromedp.Click(chromedp.CSS(`[data-testid="replay-line"]:nth-child(1) [data-testid="replay-seek"]`)))
	checkSeek(t, ctx, "Enter on the third line's link", 5.5, 2,
		chromedp.Focus(chromedp.CSS(`[data-testid="replay-line"]:nth-child(3) [data-testid="replay-seek"]`)),
		chromedp.KeyEvent(kb.Enter))
	if loc := read(t, ctx, "the address", chromedp.Location()); strings.Contains(loc, "#t=") {
		t.Errorf("a seek in the page followed the link to %s", loc)
	}
}

// checkSeek runs actions and checks the player jumped to at seconds (and
// plays on from there) with line (0-based) marked.
func checkSeek(t *testing.T, ctx context.Context, what string, at float64, line int, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	step(t, ctx, what, actions...)
	got := poll[float64](t, ctx, what+": the player's time",
		`(a => !a.seeking && a.currentTime >= `+strconv.FormatFloat(at, 'f', 2, 64)+` && a.currentTime < `+strconv.FormatFloat(at+1.5, 'f', 2, 64)+` &&
			document.querySelectorAll('[data-testid="replay-line"]')[`+itoa(int64(line))+`].getAttribute("aria-current") === "true" && a.currentTime)(document.querySelector("audio"))`,
		5*time.Second)
	t.Logf("%s: at %.2f s", what, got)
}

// recordInChromium records d of Chromium's microphone with MediaRecorder
// (WebM/Opus, a chunk a second, as the room does in 4 s chunks) on a page
// of the app and returns the chunks.
func recordInChromium(t *testing.T, ctx context.Context, d time.Duration) [][]byte {
	t.Helper()
	ctx, cancel := testenv.Timeout(ctx, d+20*time.Second)
	defer cancel()
	got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(async () => {
		const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
		const rec = new MediaRecorder(stream, { mimeType: "audio/webm;codecs=opus", audioBitsPerSecond: 32000 });
		const chunks = [];
		rec.ondataavailable = (e) => { if (e.data.size) chunks.push(e.data); };
		const stopped = new Promise((r) => { rec.onstop = r; });
		rec.start(1000);
		await new Promise((r) => setTimeout(r, `+itoa(d.Milliseconds())+`));
		rec.stop();
		await stopped;
		stream.getTracks().forEach((tr) => tr.stop());
		const out = [];
		for (const c of chunks) {
			let s = "";
			for (const b of new Uint8Array(await c.arrayBuffer())) s += String.fromCharCode(b);
			out.push(btoa(s));
		}
		return out;
	})()`, chromedp.EvalAwaitPromise))
	if err != nil || len(got) < 2 {
		t.Fatalf("record in Chromium: %d chunks, %v", len(got), err)
	}
	chunks := make([][]byte, len(got))
	for i, s := range got {
		if chunks[i], err = base64.StdEncoding.DecodeString(s); err != nil {
			t.Fatal(err)
		}
	}
	return chunks
}

// recordReplay gives the accessibility sweep an interview with a
// recording, a ready part and an incomplete one, and a transcript.
func (f *a11yFixture) recordReplay(t *testing.T) string {
	t.Helper()
	ctx := t.Context()
	id := newInterviewVia(f.owner, f.position, "Candidate replay", "replay@example.com")
	v, err := f.app.Store.GetSession(ctx, f.tenant, id)
	if err != nil {
		t.Fatal(err)
	}
	p, err := f.app.Store.GetPosition(ctx, f.tenant, f.position)
	if err != nil {
		t.Fatal(err)
	}
	for _, chunks := range [][]int{{0, 1}, {0, 2}} {
		seg, err := f.app.Recordings.Begin(ctx, v, p, "audio/mp4", false)
		for _, seq := range chunks {
			if err == nil {
				_, err = f.app.Recordings.PutChunk(ctx, f.tenant, id, seg.Index, seq, []byte("chunk"))
			}
		}
		if err == nil {
			_, err = f.app.Recordings.Finalise(ctx, seg)
		}
		if err != nil {
			t.Fatalf("record: %v", err)
		}
	}
	at := time.Now()
	entries := []interview.TranscriptEntry{
		{ItemID: "a", Speaker: interview.SpeakerInterviewer, Text: "Tell me about yourself.", Timestamp: at, Source: interview.SourceSideband},
		{ItemID: "b", Speaker: interview.SpeakerCandidate, Text: "I build Go services.", Timestamp: at.Add(3 * time.Second), Source: interview.SourceSideband},
	}
	if _, err := f.app.Store.AppendTranscript(ctx, f.tenant, id, entries); err != nil {
		t.Fatal(err)
	}
	return id
}

// replayPages are the replay's states for the sweep: with a recording,
// with nothing recorded, and the interview page's Recording panel.
func (f *a11yFixture) replayPages() []pageState {
	return []pageState{
		visit("replay", "/app/interviews/"+f.recorded+"/recording", "replay", f.app),
		visit("replay, nothing recorded", "/app/interviews/"+f.byStatus["completed"]+"/recording", "replay-none", f.app),
		visit("interview with a recording", "/app/interviews/"+f.recorded, "recording-section", f.app),
	}
}
