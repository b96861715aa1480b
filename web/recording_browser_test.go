package web

import (
	"context"
	"encoding/base64"
	"io"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/testenv"
)

// The room's recorder in Chromium (static/js/recorder.js): whole
// interviews with the local engine and the fake microphone (and camera),
// then the stored segment, joined by the server, decoded by Chromium.

// recordedCallLength is how long each test keeps the call live.
const recordedCallLength = 10 * time.Second

// recordedCall is an interview the room recorded.
type recordedCall struct {
	app        *roomApp
	tenant, id string
	live       time.Duration // from the room's "live" to its "ended", as the page timed it
	// With a reconnection: from "live" to "reconnecting", and from the
	// last "live" to "ended".
	reconnecting, liveAgain time.Duration
}

// recordInterview runs an interview of a position that records (and its
// camera with video) in Chromium: consent, Start, the Recording indicator,
// during (the call is live), End, and the indicator saying the recording
// is saved.
func recordInterview(t *testing.T, video bool, during func(cand context.Context, app *roomApp)) recordedCall {
	t.Helper()
	app := liveRoomApp(t)
	owner := app.client()
	tenant := owner.signUp("Acme Hiring", "owner@acme.test")
	pos := newPositionVia(owner, "Backend engineer", "Tell me about yourself.", "Why Go?")
	p, err := app.Store.GetPosition(t.Context(), tenant, pos)
	if err != nil {
		t.Fatal(err)
	}
	p.RecordAudio, p.RecordVideo = true, video
	if err := app.Store.UpdatePosition(t.Context(), &p); err != nil {
		t.Fatal(err)
	}
	id := newInterviewVia(owner, pos, "Ada Lovelace", "ada@example.com")
	link := joinLinkOf(owner, id)

	cand := testenv.Browser(t, testenv.FakeMicrophone(writeToneWAV(t, 60*time.Second)))
	step(t, cand, "the candidate consents",
		chromedp.Navigate(link),
		chromedp.WaitVisible(css("consent-form")),
		chromedp.Click(css("consent-checkbox")),
		chromedp.Click(css("consent-submit")),
		chromedp.WaitVisible(css("room-join")),
	)
	if hidden := read(t, cand, "indicator before start", chromedp.Evaluate[bool](
		`document.querySelector("[data-room-recording]").hidden`)); !hidden {
		t.Error("the Recording indicator shows before the call starts")
	}
	// The first time the room's state and the recorder's reach each value,
	// and the last time the room went live; the peer connections, which a
	// test may close (recordChannels).
	step(t, cand, "time the states", chromedp.Evaluate[chromedp.Void](`window.seen = {};
		new MutationObserver(() => {
			const now = performance.now(), state = document.querySelector('[data-testid="room-state"]').dataset.state;
			window.seen[state] ??= now;
			if (state === "live" && window.seen.last !== "live") window.seen["last live"] = now;
			window.seen.last = state;
			window.seen["recorder " + document.querySelector('[data-testid="room-recording"]').dataset.state] ??= now;
		}).observe(document.body, {subtree: true, attributes: true, attributeFilter: ["data-state"]});
		`+recordChannels))
	step(t, cand, "start", chromedp.Click(css("room-join")))
	poll[bool](t, cand, "the call is live", `document.querySelector('[data-testid="room-state"]').dataset.state === "live"`, 20*time.Second)
	status := poll[string](t, cand, "the Recording indicator",
		`(s => !s.closest("[data-room-recording]").hidden && s.dataset.state !== "off" && s.dataset.state + ": " + s.textContent.trim())(
			document.querySelector('[data-testid="room-recording"]'))`, 10*time.Second)
	if status != "recording: Recording" {
		t.Errorf("the indicator says %q, want recording: Recording", status)
	}
	if role := read(t, cand, "indicator role", chromedp.Evaluate[string](
		`document.querySelector('[data-testid="room-recording"]').getAttribute("role")`)); role != "status" {
		t.Errorf("the indicator's role is %q, want status", role)
	}
	during(cand, app)
	step(t, cand, "end the interview",
		chromedp.Click(css("room-end")),
		chromedp.WaitVisible(css("room-end-confirm")),
		chromedp.Click(css("room-end-yes")),
	)
	poll[bool](t, cand, "the room says it ended", `document.querySelector('[data-testid="room-state"]').dataset.state === "ended"`, 15*time.Second)
	saved := poll[string](t, cand, "the indicator says the recording is saved",
		`(s => (s.dataset.state === "saved" || s.dataset.state === "stopped") && s.dataset.state + ": " + s.textContent.trim())(
			document.querySelector('[data-testid="room-recording"]'))`, 30*time.Second)
	if saved != "saved: Recording saved" {
		t.Errorf("after the end the indicator says %q", saved)
	}
	seen := read(t, cand, "the call's times", chromedp.Evaluate[map[string]any](`window.seen`))
	ms := func(k string) time.Duration {
		v, _ := seen[k].(float64)
		return time.Duration(v * float64(time.Millisecond))
	}
	return recordedCall{app: app, tenant: tenant, id: id, live: ms("ended") - ms("live"),
		reconnecting: ms("reconnecting") - ms("live"), liveAgain: ms("ended") - ms("last live")}
}

// segment waits for the interview's segment index to be finalised and
// returns it with its joined file.
func (c recordedCall) segment(t *testing.T, index int) (interview.VideoSegment, []byte) {
	t.Helper()
	var seg interview.VideoSegment
	deadline := time.Now().Add(20 * time.Second)
	for {
		var err error
		seg, err = c.app.Store.GetSegment(t.Context(), c.tenant, c.id, index)
		if err == nil && seg.Status != interview.SegmentRecording && seg.Status != interview.SegmentProcessing {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("segment %d not finalised: %+v (%v)", index, seg, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	f, err := c.app.Recordings.Open(t.Context(), seg)
	if err != nil {
		t.Fatalf("open segment %d: %v", index, err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return seg, b
}

// decoded is what Chromium makes of a recorded file.
type decoded struct {
	Duration float64 // seconds of audio decodeAudioData gave
	Loud     float64 // the share of 250 ms windows above -40 dBFS
	RMS      float64
	Width    int     // a <video>'s videoWidth (video files only)
	Meta     float64 // the media element's duration: Infinity without the file's Duration
}

// decodeInChromium hands the file's bytes to a blank page of a browser,
// which decodes its audio (AudioContext.decodeAudioData) and, for a video
// type, loads it in a <video>.
func decodeInChromium(t *testing.T, file []byte, mimeType string) decoded {
	t.Helper()
	ctx := testenv.Browser(t)
	step(t, ctx, "a blank page", chromedp.Navigate("about:blank"))
	expr := `(async (b64, type) => {
		const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
		const ctx = new OfflineAudioContext(1, 1, 48000);
		const buf = await ctx.decodeAudioData(bytes.slice().buffer);
		const d = buf.getChannelData(0), win = Math.floor(buf.sampleRate / 4);
		let sum = 0, loud = 0, wins = 0;
		for (let at = 0; at + win <= d.length; at += win) {
			let s = 0;
			for (let i = at; i < at + win; i++) s += d[i] * d[i];
			sum += s;
			wins++;
			if (Math.sqrt(s / win) > 0.01) loud++;
		}
		const out = {Duration: buf.duration, Loud: wins ? loud / wins : 0, RMS: Math.sqrt(sum / d.length), Width: 0, Meta: 0};
		const media = document.createElement(type.startsWith("video/") ? "video" : "audio");
		media.muted = true;
		media.preload = "metadata";
		media.src = URL.createObjectURL(new Blob([bytes], {type}));
		await new Promise((resolve, reject) => {
			media.onloadedmetadata = resolve;
			media.onerror = () => reject(new Error("the media element refused the file: " + media.error?.code));
		});
		out.Width = media.videoWidth || 0;
		out.Meta = Number.isFinite(media.duration) ? media.duration : -1;
		return out;
	})(` + "`" + base64.StdEncoding.EncodeToString(file) + "`, `" + mimeType + "`)"
	return read(t, ctx, "decode the recording", chromedp.Evaluate[decoded](expr, chromedp.EvalAwaitPromise))
}

// checkRecording checks the segment holds the whole call, audible.
func checkRecording(t *testing.T, c recordedCall, seg interview.VideoSegment, d decoded) {
	t.Helper()
	checkSegment(t, c.live, seg, d)
}

// checkSegment checks the segment holds the length of call it recorded,
// audible.
func checkSegment(t *testing.T, live time.Duration, seg interview.VideoSegment, d decoded) {
	t.Helper()
	if seg.Status != interview.SegmentReady || seg.Gaps != 0 || seg.Chunks < 2 {
		t.Errorf("segment %s, %d chunks, %d gaps; want ready with no gap", seg.Status, seg.Chunks, seg.Gaps)
	}
	got := time.Duration(d.Duration * float64(time.Second))
	if diff := (got - live).Abs(); diff > 1500*time.Millisecond {
		t.Errorf("segment %d decodes to %v, the call was live %v", seg.Index, got.Round(time.Millisecond), live.Round(time.Millisecond))
	}
	if d.Loud < 0.5 || d.RMS < 0.01 {
		t.Errorf("the recording is silent: %.0f%% of it above -40 dBFS, RMS %.4f", 100*d.Loud, d.RMS)
	}
	t.Logf("call live %v; segment %d: %d chunks, %d bytes, %d ms by the server; decoded %.2f s (element %.2f s), %.0f%% loud, RMS %.3f",
		live.Round(time.Millisecond), seg.Index, seg.Chunks, seg.Bytes, seg.DurationMS, d.Duration, d.Meta, 100*d.Loud, d.RMS)
}

// noSecondSegment: one peer connection is one segment.
func noSecondSegment(t *testing.T, c recordedCall) {
	t.Helper()
	if seg, err := c.app.Store.GetSegment(t.Context(), c.tenant, c.id, 1); err == nil {
		t.Errorf("a second segment without a reconnect: %+v", seg)
	}
}

// TestBrowserRecordingAudio: a position that records audio; the room
// records the call; the server's joined file decodes in Chromium to the
// call's length, with the microphone's tone in it.
func TestBrowserRecordingAudio(t *testing.T) {
	c := recordInterview(t, false, func(cand context.Context, _ *roomApp) { time.Sleep(recordedCallLength) })
	seg, file := c.segment(t, 0)
	if !strings.HasPrefix(seg.MIMEType, "audio/webm") || seg.HasVideo {
		t.Errorf("segment type %q, video %v; want audio/webm", seg.MIMEType, seg.HasVideo)
	}
	checkRecording(t, c, seg, decodeInChromium(t, file, seg.MIMEType))
	noSecondSegment(t, c)
}

// TestBrowserRecordingVideo: with the camera on, the candidate sees their
// muted self-view, and the file is a WebM with Chromium's fake camera in it.
func TestBrowserRecordingVideo(t *testing.T) {
	c := recordInterview(t, true, func(cand context.Context, _ *roomApp) {
		width := poll[int](t, cand, "the self-view plays the camera",
			`(v => !v.hidden && v.muted && v.videoWidth)(document.querySelector('[data-testid="room-camera"]'))`, 10*time.Second)
		if width <= 0 {
			t.Errorf("self-view width %d", width)
		}
		time.Sleep(recordedCallLength)
	})
	seg, file := c.segment(t, 0)
	if !strings.HasPrefix(seg.MIMEType, "video/webm") || !seg.HasVideo {
		t.Errorf("segment type %q, video %v; want video/webm with video", seg.MIMEType, seg.HasVideo)
	}
	d := decodeInChromium(t, file, seg.MIMEType)
	if d.Width <= 0 {
		t.Errorf("the <video> reports videoWidth %d", d.Width)
	}
	checkRecording(t, c, seg, d)
	noSecondSegment(t, c)
}

// TestBrowserRecordingOutage: the chunk uploads cannot reach the server
// for a while during the call (DevTools blocks their URLs, as a network
// that drops them would); the call goes on, the recorder keeps recording,
// and once the uploads get through again every chunk arrives: the segment
// is whole.
func TestBrowserRecordingOutage(t *testing.T) {
	const outage = 9 * time.Second
	var failed atomic.Int32
	c := recordInterview(t, false, func(cand context.Context, _ *roomApp) {
		block := blockUploads(t, cand, &failed)
		block(true)
		for end := time.Now().Add(outage); time.Now().Before(end); time.Sleep(time.Second) {
			state := read(t, cand, "the room during the outage", chromedp.Evaluate[string](
				`document.querySelector('[data-testid="room-state"]').dataset.state + " " +
				document.querySelector('[data-testid="room-recording"]').dataset.state`))
			if state != "live recording" {
				t.Errorf("during the outage the room is %q, want live recording", state)
			}
		}
		block(false)
		time.Sleep(3 * time.Second)
	})
	if n := failed.Load(); n < 2 {
		t.Errorf("%d uploads failed during the outage, want some", n)
	}
	seg, file := c.segment(t, 0)
	checkRecording(t, c, seg, decodeInChromium(t, file, seg.MIMEType))
}

// blockUploads returns a switch that makes the page's chunk uploads and
// finishes fail as a lost network does (Network.setBlockedURLs), counting
// the requests that failed. The begin of a segment is not blocked.
func blockUploads(t *testing.T, ctx context.Context, failed *atomic.Int32) func(bool) {
	t.Helper()
	failures := chromedp.Events(ctx, network.LoadingFailed)
	go func() {
		for e, err := range failures {
			if err != nil {
				return
			}
			if e.BlockedReason != "" {
				failed.Add(1)
			}
		}
	}()
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatalf("network domain: %v", err)
	}
	return func(on bool) {
		var patterns []*network.BlockPattern
		if on {
			patterns = []*network.BlockPattern{{URLPattern: "*://*:*/join/*/recording/*", Block: true}}
		}
		if _, err := chromedp.Call(ctx, network.SetBlockedURLs, network.SetBlockedURLsParams{URLPatterns: patterns}); err != nil {
			t.Fatalf("block the uploads (%v): %v", on, err)
		}
	}
}

// TestBrowserRecordingReconnect: signalling and media drop mid-call (the
// test server cuts the room's /rtc socket and the page's peer connection
// closes), the room offers a new call: the first peer connection's segment
// ends there and a second one records the new connection; both are whole.
func TestBrowserRecordingReconnect(t *testing.T) {
	c := recordInterview(t, false, func(cand context.Context, app *roomApp) {
		time.Sleep(5 * time.Second)
		if n := app.conns.cutRTC(); n != 1 {
			t.Fatalf("cut %d signalling connections, want the room's one", n)
		}
		if n := read(t, cand, "close the room's peer", chromedp.Evaluate[int](closePeers)); n != 1 {
			t.Fatalf("closed %d peer connections, want the room's one", n)
		}
		poll[bool](t, cand, "the room live again", `window.seen.reconnecting && window.seen.last === "live"`, 40*time.Second)
		if got := read(t, cand, "the indicator", chromedp.Evaluate[string](
			`document.querySelector('[data-testid="room-recording"]').dataset.state`)); got != "recording" {
			t.Errorf("live again, the indicator is %q", got)
		}
		time.Sleep(6 * time.Second)
	})
	for i, live := range []time.Duration{c.reconnecting, c.liveAgain} {
		seg, file := c.segment(t, i)
		checkSegment(t, live, seg, decodeInChromium(t, file, seg.MIMEType))
	}
	if seg, err := c.app.Store.GetSegment(t.Context(), c.tenant, c.id, 2); err == nil {
		t.Errorf("a third segment for two peer connections: %+v", seg)
	}
}
