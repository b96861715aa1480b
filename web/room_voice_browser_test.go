package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/interviewd/interviewd/internal/calls"
	"github.com/interviewd/interviewd/internal/engine"
	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/realtime"
	"github.com/interviewd/interviewd/internal/speech"
	"github.com/interviewd/interviewd/internal/testenv"
	"github.com/interviewd/interviewd/internal/testenv/voice"
)

// The spoken interview: a short position, so that the whole call takes
// well under a minute, and two answers that pocketsphinx hears well in
// flite's slt voice. Answer 1 has a thinking pause inside it.
const (
	voiceCandidate = "Ada Lovelace"
	voicePosition  = "Backend engineer"
	voiceQ1        = "What do you like to build?"
	voiceQ2        = "Why do you want this job?"
	// voicePause is the pause inside answer 1, between its two parts and
	// after flite's own silence is trimmed: shorter than the session's
	// 2.5 s end-of-turn silence, so it must not end the turn.
	voicePause  = 2 * time.Second
	voiceMaxWER = 0.35
)

var (
	voiceAnswer1 = [2]string{"I like to build web services that are simple and fast", "and I enjoy writing tests"}
	voiceAnswer2 = "I want this job because your team makes software that many people use every day"
)

// voiceLayout is where things are in the fake microphone's WAV, worked out
// from how long flite takes to say the engine's lines and how long
// pocketsphinx takes to recognise an answer on this machine.
type voiceLayout struct {
	greeting, question2, closing time.Duration // the engine's lines, as flite says them
	recognise                    time.Duration // pocketsphinx on answer 1, measured here
	lead, answer1, gap, answer2  time.Duration // the WAV: silence, answer, silence, answer, then silence
	offlineWER                   [2]float64    // pocketsphinx on the flite audio itself, no browser
	greetingText                 string        // the engine's first line, as docs/engine.md gives it
}

func (l voiceLayout) String() string {
	return fmt.Sprintf("greeting %v, question 2 %v, closing %v, recognition %v; WAV: %v silence, answer 1 %v, %v silence, answer 2 %v",
		l.greeting.Round(10*time.Millisecond), l.question2.Round(10*time.Millisecond), l.closing.Round(10*time.Millisecond),
		l.recognise.Round(10*time.Millisecond), l.lead.Round(10*time.Millisecond), l.answer1.Round(10*time.Millisecond),
		l.gap.Round(10*time.Millisecond), l.answer2.Round(10*time.Millisecond))
}

// Allowances the layout adds to what it measured.
const (
	// connectAllowance is how long after Start the greeting is expected to
	// start: signalling, ICE and DTLS, the sideband, synthesis (0.6–1.2 s
	// seen). It only sets the test's deadline: the microphone opens once the
	// greeting has been heard.
	connectAllowance = 1500 * time.Millisecond
	// trailingSilence follows answer 2: the end of turn, its recognition and
	// the closing line happen in it; the call ends before it does.
	trailingSilence = 40 * time.Second
	// lineMargin is the silence kept between the end of an interviewer's
	// line and the answer; the WAV starts with it.
	lineMargin = time.Second
	// roomNoise is the standard deviation of the noise under the WAV, in
	// samples: -61 dBFS.
	roomNoise = 30
	// maxRecognition caps the allowance for answer 1's recognition, so
	// that a busy moment while it is measured does not stretch the test
	// beyond its time (the slowest seen in a call was 7.6 s).
	maxRecognition = 12 * time.Second
)

// recognitionAllowance is how long the engine's recognition of answer 1 may
// take in the call: the utterance it gets is the answer plus the
// end-of-turn silence and 300 ms before it, and it runs beside Chromium.
func recognitionAllowance(measured, answer time.Duration) time.Duration {
	utterance := answer + time.Duration(realtime.EndOfTurnSilence)*time.Millisecond + 300*time.Millisecond
	return min(3*time.Duration(float64(measured)*float64(utterance)/float64(answer))+time.Second, maxRecognition)
}

// fliteSay speaks text with flite's slt voice (16 kHz mono 16-bit) and
// trims the silence flite puts around it.
func fliteSay(t *testing.T, text string) engine.PCM {
	t.Helper()
	wav := filepath.Join(t.TempDir(), "say.wav")
	if out, err := exec.Command("flite", "-voice", "slt", "-t", text, "-o", wav).CombinedOutput(); err != nil {
		t.Fatalf("flite: %v %s", err, out)
	}
	pcm, err := speech.ReadWAV(wav)
	if err != nil {
		t.Fatal(err)
	}
	if pcm.Rate != 16000 {
		t.Fatalf("flite wrote %d Hz; the WAV is laid out at 16 kHz", pcm.Rate)
	}
	return trimSilence(pcm)
}

// trimSilence drops the quiet samples at both ends, keeping 30 ms.
func trimSilence(p engine.PCM) engine.PCM {
	const quiet = 300 // about -40 dBFS
	loud := func(v int16) bool { return v > quiet || v < -quiet }
	first, last := 0, len(p.Samples)-1
	for first < last && !loud(p.Samples[first]) {
		first++
	}
	for last > first && !loud(p.Samples[last]) {
		last--
	}
	keep := p.Rate * 30 / 1000
	p.Samples = p.Samples[max(first-keep, 0):min(last+keep+1, len(p.Samples))]
	return p
}

func silence(d time.Duration) []int16 { return make([]int16, int(d.Seconds()*16000)) }

// lineLength is how long the engine's synthesiser speaks text.
func lineLength(t *testing.T, tools speech.Tools, text string) time.Duration {
	t.Helper()
	pcm, err := tools.Synthesizer.Synthesize(t.Context(), engine.Line{Text: text, Voice: "marin", Language: "en"})
	if err != nil {
		t.Fatalf("synthesise %q: %v", text, err)
	}
	return pcm.Duration()
}

// voiceWAV lays out the fake microphone's file and writes it: a moment of
// silence (the file starts once the greeting has been heard), answer 1
// (with its pause), silence for the end of turn, the recognition and
// question 2, answer 2, and a long silence.
func voiceWAV(t *testing.T, tools speech.Tools) (string, voiceLayout) {
	t.Helper()
	var l voiceLayout
	l.greetingText = fmt.Sprintf("Hello %s, and thank you for joining this interview for the %s position. "+
		"I will ask you 2 questions; take your time with each answer. Here is the first one: %s",
		voiceCandidate, voicePosition, voiceQ1)
	l.greeting = lineLength(t, tools, l.greetingText)
	l.question2 = lineLength(t, tools, "Thank you. And the last question: "+voiceQ2)
	l.closing = lineLength(t, tools, "Thank you, "+voiceCandidate+". That was the last question, and it concludes our interview. "+
		"The team will be in touch about the next steps. Goodbye!")

	a1 := fliteSay(t, voiceAnswer1[0])
	a1.Samples = append(a1.Samples, silence(voicePause)...)
	a1.Samples = append(a1.Samples, fliteSay(t, voiceAnswer1[1]).Samples...)
	a2 := fliteSay(t, voiceAnswer2)
	l.answer1, l.answer2 = a1.Duration(), a2.Duration()

	// How long pocketsphinx takes on answer 1 here, and what it hears in
	// the clean audio of both answers: the baseline for the browser's WER.
	// Answer 2's baseline is recognised alongside (pocketsphinx uses one
	// core; this machine has two).
	type result struct {
		text string
		err  error
	}
	second := make(chan result, 1)
	go func() {
		heard, err := tools.Recognizer.Recognize(t.Context(), engine.Utterance{Audio: a2, Language: "en"})
		second <- result{heard.Text, err}
	}()
	start := time.Now()
	heard, err := tools.Recognizer.Recognize(t.Context(), engine.Utterance{Audio: a1, Language: "en"})
	l.recognise = time.Since(start)
	r2 := <-second
	if err = errors.Join(err, r2.err); err != nil {
		t.Fatalf("recognise the answers offline: %v", err)
	}
	l.offlineWER[0] = speech.WER(voiceAnswer1[0]+" "+voiceAnswer1[1], heard.Text)
	l.offlineWER[1] = speech.WER(voiceAnswer2, r2.text)

	// Each answer starts once the line before it has been played out:
	// Chromium's echo canceller treats the candidate's voice over the
	// interviewer's as double talk and garbles it, and with barge-in an
	// answer over a line cuts it. The microphone opens (the WAV starts)
	// when the greeting's output_audio_buffer.stopped arrives, however long
	// the greeting took (16.1 s for 12.4 s of audio was seen on a busy
	// machine), so answer 1 needs only lineMargin. Answer 2 waits for the
	// end-of-turn silence, answer 1's recognition (measured here on the
	// clean audio; in the call it runs on processed audio with its
	// silences, beside Chromium, on two cores) and question 2, which plays
	// for about 10 % longer than flite's audio. Starting late only makes
	// the test longer.
	l.lead = lineMargin
	l.gap = time.Duration(realtime.EndOfTurnSilence)*time.Millisecond + recognitionAllowance(l.recognise, a1.Duration()) +
		l.question2*11/10 + lineMargin

	pcm := engine.PCM{Rate: 16000}
	for _, part := range [][]int16{silence(l.lead), a1.Samples, silence(l.gap), a2.Samples, silence(trailingSilence)} {
		pcm.Samples = append(pcm.Samples, part...)
	}
	// A room's quiet, about -60 dBFS, under everything: a real microphone
	// never sends digital zero, and Chromium's noise suppression and gain
	// control settle on it (with pure zeros they garbled the first words of
	// an answer more often).
	rng := rand.New(rand.NewPCG(6, 6))
	for i, v := range pcm.Samples {
		pcm.Samples[i] = int16(max(min(int(v)+int(rng.NormFloat64()*roomNoise), math.MaxInt16), math.MinInt16))
	}
	return writeWAV(t, "answers.wav", pcm), l
}

// writeWAV writes pcm as a WAV file named name in a temporary directory,
// for Chromium's fake microphone.
func writeWAV(t *testing.T, name string, pcm engine.PCM) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := speech.WriteWAV(f, pcm); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// spokenRoomApp is liveRoomApp with the engine's speech tools: it listens
// with pocketsphinx and speaks with flite. The engine's and the calls
// manager's logs go to logs.
func spokenRoomApp(t *testing.T, tools speech.Tools, logs *logBuffer) (*roomApp, *engine.Engine) {
	t.Helper()
	logger := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	app, eng := newLiveRoomApp(t,
		engine.Config{Recognizer: tools.Recognizer, Synthesizer: tools.Synthesizer, Logger: logger.With("part", "engine")},
		calls.Config{Logger: logger.With("part", "calls")})
	return app, eng
}

// recordEvents is installed in the page before its scripts run. The call
// starts with a silent Web Audio stream in place of the microphone; when the
// greeting's output_audio_buffer.stopped arrives, Chromium's microphone is
// opened with the page's constraints (its file starts playing then, through
// Chromium's audio processing) and replaces that stream's track on the
// call's sender, so answer 1 never starts during the greeting. It notes
// when the microphone opened and the time and type of every event on the
// call's data channel, except deltas.
const recordEvents = `(() => {
  const rec = window.__voice = { mic: null, events: [] };
  const md = navigator.mediaDevices;
  const gum = md.getUserMedia.bind(md);
  let constraints, sender, opened = false;
  md.getUserMedia = async (c) => { constraints = c; return new AudioContext().createMediaStreamDestination().stream; };
  const addTrack = RTCPeerConnection.prototype.addTrack;
  RTCPeerConnection.prototype.addTrack = function (track, ...streams) {
    const s = addTrack.call(this, track, ...streams);
    if (track.kind === "audio") sender = s;
    return s;
  };
  const openMicrophone = async () => {
    const mic = await gum(constraints);
    await sender.replaceTrack(mic.getAudioTracks()[0]);
    rec.mic = performance.now();
  };
  const cdc = RTCPeerConnection.prototype.createDataChannel;
  RTCPeerConnection.prototype.createDataChannel = function (...args) {
    const dc = cdc.apply(this, args);
    dc.addEventListener("message", (m) => {
      try {
        const ev = JSON.parse(m.data);
        if (ev.type.endsWith(".delta")) return;
        if (ev.type === "output_audio_buffer.stopped" && !opened) {
          opened = true;
          openMicrophone().catch((e) => rec.events.push({ at: performance.now(), type: "microphone failed: " + e }));
        }
        rec.events.push({ at: performance.now(), type: ev.type, item: ev.item_id || ev.item?.id || "",
          start: ev.audio_start_ms, end: ev.audio_end_ms, text: ev.transcript || "" });
      } catch (e) { rec.events.push({ at: performance.now(), type: "unparsed " + e }); }
    });
    return dc;
  };
})();`

type pageEvent struct {
	At    float64 `json:"at"`
	Type  string  `json:"type"`
	Item  string  `json:"item"`
	Start *int    `json:"start"`
	End   *int    `json:"end"`
	Text  string  `json:"text"`
}

type pageRecord struct {
	Mic    *float64    `json:"mic"`
	Events []pageEvent `json:"events"`
}

// timeline is the data channel's events with their time from the moment
// the microphone's file started playing (negative before it).
func timeline(t *testing.T, ctx context.Context) string {
	t.Helper()
	ctx, cancel := testenv.Timeout(ctx, 5*time.Second)
	defer cancel()
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](`JSON.stringify(window.__voice || null)`))
	if err != nil {
		return fmt.Sprintf("(no events: %v)", err)
	}
	var rec pageRecord
	if json.Unmarshal([]byte(raw), &rec) != nil || rec.Mic == nil {
		return "(no events recorded: " + raw + ")"
	}
	var b strings.Builder
	for _, ev := range rec.Events {
		fmt.Fprintf(&b, "\n  %6.2fs %s", (ev.At-*rec.Mic)/1000, ev.Type)
		if ev.Start != nil {
			fmt.Fprintf(&b, " audio_start_ms=%d", *ev.Start)
		}
		if ev.End != nil {
			fmt.Fprintf(&b, " audio_end_ms=%d", *ev.End)
		}
		if ev.Text != "" {
			fmt.Fprintf(&b, " %q", ev.Text)
		}
	}
	return b.String()
}

// TestBrowserSpokenInterview is issue 6's real interview in a real browser:
// Chromium's fake microphone, opened once the greeting has been heard,
// plays flite's answers to the two questions (with a thinking pause inside
// the first), through join → consent → room → Start, against the local
// engine with pocketsphinx and flite. The engine
// asks both questions, hears both answers and ends the interview through
// end_interview (interviewd hangs up once the goodbye has been heard);
// the stored transcript has the four lines in order and the closing, and
// each answer's word error rate is at most 35 %.
func TestBrowserSpokenInterview(t *testing.T) {
	tools := voice.Both(t)
	testenv.ChromiumPath(t)
	wav, layout := voiceWAV(t, tools)
	t.Logf("layout: %v; offline WER %.1f%% / %.1f%%", layout, 100*layout.offlineWER[0], 100*layout.offlineWER[1])

	logs := &logBuffer{}
	app, eng := spokenRoomApp(t, tools, logs)
	if c := eng.Capabilities(); c.TextMode() || !strings.Contains(c.String(), "pocketsphinx") || !strings.Contains(c.String(), "flite") {
		t.Fatalf("engine capabilities %s", c)
	}
	owner := app.client()
	tenant := owner.signUp("Acme Hiring", "owner@acme.test")
	pos := newPositionVia(owner, voicePosition, voiceQ1, voiceQ2)
	id := newInterviewVia(owner, pos, voiceCandidate, "ada@example.com")
	link := joinLinkOf(owner, id)

	ctx := testenv.Browser(t, testenv.FakeMicrophone(wav))
	var entries []interview.TranscriptEntry
	t.Cleanup(func() {
		if !t.Failed() {
			return
		}
		t.Logf("events from the microphone's start:%s", timeline(t, ctx))
		for _, e := range entries {
			t.Logf("stored %d %s: %q", e.Seq, e.Speaker, e.Text)
		}
		logs.mu.Lock()
		defer logs.mu.Unlock()
		t.Logf("engine stats %+v; logs:\n%s", eng.Stats(), logs.buf.String())
	})
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument,
		page.AddScriptToEvaluateOnNewDocumentParams{Source: recordEvents}); err != nil {
		t.Fatalf("install the event recorder: %v", err)
	}
	step(t, ctx, "the candidate consents",
		chromedp.Navigate(link),
		chromedp.WaitVisible(css("consent-form")),
		chromedp.Click(css("consent-checkbox")),
		chromedp.Click(css("consent-submit")),
		chromedp.WaitVisible(css("room-join")),
	)
	started := time.Now()
	step(t, ctx, "start", chromedp.Click(css("room-join")))
	state := poll[string](t, ctx, "the call is live",
		`(s => (s.dataset.state === "live" || s.dataset.state === "error") && s.dataset.state + ": " + s.textContent)(document.querySelector('[data-testid="room-state"]'))`,
		20*time.Second)
	if !strings.HasPrefix(state, "live: ") {
		t.Fatalf("room state %q", state)
	}
	live := time.Since(started)

	// The interview runs by itself: poll the store until it has ended, with
	// a deadline from the layout (the greeting, the WAV's answers, the end
	// of the last turn, its recognition and the closing line) plus a
	// margin. Packets the engine's listener drops are noted as they happen:
	// they are what cuts or garbles an answer on a starved machine.
	eot := time.Duration(realtime.EndOfTurnSilence) * time.Millisecond
	budget := connectAllowance + layout.greeting*11/10 + layout.lead + layout.answer1 + layout.gap + layout.answer2 + eot +
		recognitionAllowance(layout.recognise, layout.answer2) + layout.closing*11/10 + 20*time.Second
	deadline := time.Now().Add(budget)
	var v interview.Session
	var drops []string
	seen, dropped := 0, int64(0)
	for {
		var err error
		if entries, err = app.Store.ListTranscript(t.Context(), tenant, id, 0); err != nil {
			t.Fatalf("list transcript: %v", err)
		}
		for ; seen < len(entries); seen++ {
			t.Logf("%5.1fs stored %s: %q", time.Since(started).Seconds(), entries[seen].Speaker, entries[seen].Text)
		}
		if n := eng.Stats().DroppedPackets; n > dropped {
			drops = append(drops, fmt.Sprintf("%.1fs: +%d", time.Since(started).Seconds(), n-dropped))
			dropped = n
		}
		if v, err = app.Store.GetSession(t.Context(), tenant, id); err != nil {
			t.Fatalf("get interview: %v", err)
		}
		if v.Status != interview.StatusInProgress && v.Status != interview.StatusReady && v.Status != interview.StatusPending {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the interview is still %s after %v (budget %v)", v.Status, time.Since(started).Round(time.Second), budget)
		}
		time.Sleep(100 * time.Millisecond)
	}
	took := time.Since(started)
	entries, err := app.Store.ListTranscript(t.Context(), tenant, id, 0)
	if err != nil {
		t.Fatalf("list transcript: %v", err)
	}
	var starved string
	if len(drops) > 0 {
		starved = fmt.Sprintf(" (the engine's listener fell behind and dropped packets, seconds after Start: %s)", strings.Join(drops, ", "))
		t.Logf("dropped packets%s", starved)
	}
	t.Logf("live %.1fs after Start; interview %s (%q) %.1fs after Start", live.Seconds(), v.Status, v.EndReason, took.Seconds())
	if v.Status != interview.StatusCompleted || v.EndReason != calls.ReasonInterviewerEnded {
		t.Fatalf("interview %s %q; want completed by the interviewer", v.Status, v.EndReason)
	}
	poll[bool](t, ctx, "the room says it ended",
		`document.querySelector('[data-testid="room-state"]').dataset.state === "ended"`, 15*time.Second)

	// interviewer, candidate, interviewer, candidate, interviewer (closing).
	wants := []struct {
		speaker interview.Speaker
		says    string
	}{
		{interview.SpeakerInterviewer, voiceQ1},
		{interview.SpeakerCandidate, ""},
		{interview.SpeakerInterviewer, voiceQ2},
		{interview.SpeakerCandidate, ""},
		{interview.SpeakerInterviewer, "Goodbye!"},
	}
	if len(entries) != len(wants) {
		t.Fatalf("the transcript has %d entries, want %d", len(entries), len(wants))
	}
	for i, w := range wants {
		e := entries[i]
		if e.Speaker != w.speaker || !strings.Contains(e.Text, w.says) {
			t.Errorf("entry %d: %s %q; want %s saying %q", i+1, e.Speaker, e.Text, w.speaker, w.says)
		}
	}
	if !strings.HasPrefix(entries[0].Text, "Hello "+voiceCandidate) {
		t.Errorf("the greeting %q does not greet the candidate by name", entries[0].Text)
	}
	for i, said := range []string{voiceAnswer1[0] + " " + voiceAnswer1[1], voiceAnswer2} {
		heard := entries[2*i+1].Text
		wer := speech.WER(said, heard)
		t.Logf("answer %d: WER %.1f%% (offline %.1f%%)\n  said:  %s\n  heard: %s", i+1, 100*wer, 100*layout.offlineWER[i], said, heard)
		if wer > voiceMaxWER {
			t.Errorf("answer %d: word error rate %.1f%% > %.0f%%%s", i+1, 100*wer, 100*voiceMaxWER, starved)
		}
	}
	// The thinking pause inside answer 1 did not end its turn: the voice
	// detector ended exactly one turn per answer.
	if n := eng.Stats().Utterances; n != 2 {
		t.Errorf("the engine's voice detector ended %d turns, want 2 (one per answer)%s", n, starved)
	}
	if entries[0].Text != layout.greetingText {
		t.Logf("note: the WAV was laid out for the greeting %q", layout.greetingText)
	}
	if testing.Verbose() && !t.Failed() { // a failure prints it anyway
		t.Logf("events from the microphone's start:%s", timeline(t, ctx))
	}
}
