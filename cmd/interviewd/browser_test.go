package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/interviewd/interviewd/internal/assess/assesstest"
	"github.com/interviewd/interviewd/internal/engine"
	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/testenv"
	"github.com/interviewd/interviewd/internal/testenv/voice"
)

// The "done when": a whole interview in headless Chromium, with a
// standalone `interviewd engine` as interviewd's OPENAI_BASE_URL, both
// run as the binary runs them. The candidate speaks each answer (flite)
// once the interviewer's line has been heard, through a microphone the
// page's getUserMedia hands out.

// micScript replaces getUserMedia before the page's scripts run: the
// microphone is a Web Audio stream, digitally silent until the test has it
// say a WAV (window.__say, base64): Chromium then sends packets only while
// an answer plays. Every data channel event but the deltas is noted with
// its time (window.__events).
const micScript = `(() => {
  const ctx = new AudioContext({ sampleRate: 48000 });
  const dest = ctx.createMediaStreamDestination();
  window.__events = [];
  window.__speaking = false;
  navigator.mediaDevices.getUserMedia = async () => { await ctx.resume(); return dest.stream; };
  window.__say = (b64) => {
    const at = () => Math.round(performance.now());
    window.__events.push({ at: at(), type: "say (" + ctx.state + ")" });
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    ctx.resume().then(() => ctx.decodeAudioData(bytes.buffer)).then((buf) => {
      const src = ctx.createBufferSource();
      src.buffer = buf;
      src.connect(dest);
      window.__speaking = true;
      src.onended = () => { window.__speaking = false; window.__events.push({ at: at(), type: "said" }); };
      src.start();
      window.__events.push({ at: at(), type: "saying " + buf.duration.toFixed(1) + " s" });
    }).catch((e) => window.__events.push({ at: at(), type: "say failed: " + e }));
    return true;
  };
  const cdc = RTCPeerConnection.prototype.createDataChannel;
  RTCPeerConnection.prototype.createDataChannel = function (...args) {
    const dc = cdc.apply(this, args);
    dc.addEventListener("message", (m) => {
      try {
        const ev = JSON.parse(m.data);
        if (!ev.type.endsWith(".delta")) window.__events.push({ at: Math.round(performance.now()), type: ev.type });
      } catch (e) { window.__events.push({ type: "unparsed" }); }
    });
    return dc;
  };
})();`

var browserAnswers = []string{
	"I built the payment service for a small bank and I wrote its tests",
	"I want to work with you because your team makes software that many people use",
}

// wavOf is pcm as a 16-bit mono WAV file.
func wavOf(pcm engine.PCM) []byte {
	var b bytes.Buffer
	data := len(pcm.Samples) * 2
	b.WriteString("RIFF")
	_ = binary.Write(&b, binary.LittleEndian, uint32(36+data))
	b.WriteString("WAVEfmt ")
	for _, v := range []any{uint32(16), uint16(1), uint16(1), uint32(pcm.Rate), uint32(pcm.Rate * 2), uint16(2), uint16(16)} {
		_ = binary.Write(&b, binary.LittleEndian, v)
	}
	b.WriteString("data")
	_ = binary.Write(&b, binary.LittleEndian, uint32(data))
	_ = binary.Write(&b, binary.LittleEndian, pcm.Samples)
	return b.Bytes()
}

// apiCall sends a JSON request to interviewd's /api/v1 with key and
// decodes the answer into out.
func apiCall(t *testing.T, method, url, key string, body, out any) {
	t.Helper()
	status, raw := apiDo(t, method, url, key, body)
	if status/100 != 2 {
		t.Fatalf("%s %s: %d %s", method, url, status, raw)
	}
	if err := json.Unmarshal(raw, out); err != nil {
		t.Fatalf("%s %s: %v %s", method, url, err, raw)
	}
}

// apiGet is a GET that may fail: its status, and out decoded on a 200.
func apiGet(t *testing.T, url, key string, out any) (int, []byte) {
	t.Helper()
	status, raw := apiDo(t, http.MethodGet, url, key, nil)
	if status == http.StatusOK {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("GET %s: %v %s", url, err, raw)
		}
	}
	return status, raw
}

// apiDo sends a JSON request with key: the status and the body.
func apiDo(t *testing.T, method, url, key string, body any) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, raw
}

func evalJS[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	ctx, cancel := testenv.Timeout(ctx, 10*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

func waitJS(t *testing.T, ctx context.Context, what, expr string, timeout time.Duration) {
	t.Helper()
	ctx, cancel := testenv.Timeout(ctx, timeout+5*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(timeout),
		chromedp.WithPollingInterval(100*time.Millisecond))); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func testID(id string) string { return `[data-testid="` + id + `"]` }

// TestBrowserInterviewStandaloneEngine runs a whole spoken interview in
// Chromium against a standalone engine: the greeting with question 1, the
// progress in the room, the candidate's spoken answers, question 2, the
// interviewer ending the interview with a goodbye, and the transcript in
// spoken order in the store and in the room.
func TestBrowserInterviewStandaloneEngine(t *testing.T) {
	tools := voice.Both(t)
	testenv.ChromiumPath(t)
	engineURL, engineLog, stopEngine := startCommand(t, []string{"interviewd", "engine"},
		map[string]string{"ADDR": "127.0.0.1:0", "ENGINE_API_KEY": testEngineKey})
	defer stopEngine()
	if !strings.Contains(engineLog.String(), "pocketsphinx") {
		t.Fatalf("the standalone engine has no recogniser:\n%s", engineLog)
	}

	// The language model is the one part out of reach: a fake
	// OpenAI-compatible server that fails the test if the candidate's name
	// or email reaches it, and cites the first candidate line it is sent.
	model := assesstest.New(t)
	model.Forbid("Ada", "Lovelace", "ada@example.com")
	model.Otherwise(citeFirstAnswer)
	hooks := newHookReceiver(t)

	dir := t.TempDir()
	env := map[string]string{"DATA_DIR": dir, "ADDR": "127.0.0.1:0", "JWT_SECRET": testJWTSecret,
		"OPENAI_BASE_URL": engineURL + "/v1", "OPENAI_API_KEY": testEngineKey,
		"ASSESSMENT_MODEL": "gpt-test", "ASSESSMENT_BASE_URL": model.URL, "WEBHOOK_ALLOW_PRIVATE": "true"}
	if out, err := runAdmin(t, env, "create-user", "--email", "owner@acme.test", "--password", "long enough password", "--org", "Acme"); err != nil {
		t.Fatalf("create-user: %v\n%s", err, out)
	}
	out, err := runAdmin(t, env, "create-api-key", "--email", "owner@acme.test")
	if err != nil {
		t.Fatalf("create-api-key: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	key := lines[len(lines)-1]
	base, _, stop := start(t, env)
	defer stop()

	apiCall(t, http.MethodPost, base+"/api/v1/webhooks", key, map[string]any{"url": hooks.URL,
		"events": []string{interview.EventInterviewAssessed}}, &struct{}{})
	questions := []string{"Tell me about a project you are proud of.", "Why do you want to work with us?"}
	var pos struct{ ID string }
	apiCall(t, http.MethodPost, base+"/api/v1/positions", key, map[string]any{"title": "Backend engineer", "questions": questions, "maxMinutes": 10}, &pos)
	var iv struct {
		ID      string
		JoinURL string `json:"joinUrl"`
	}
	apiCall(t, http.MethodPost, base+"/api/v1/interviews", key, map[string]any{"positionId": pos.ID,
		"candidate": map[string]string{"name": "Ada Lovelace", "email": "ada@example.com"}}, &iv)

	answers := make([]string, len(browserAnswers))
	for i, a := range browserAnswers {
		pcm, err := tools.Synthesizer.Synthesize(context.Background(), engine.Line{Text: a, Voice: "slt", Language: "en"})
		if err != nil {
			t.Fatalf("synthesise answer %d: %v", i+1, err)
		}
		answers[i] = base64.StdEncoding.EncodeToString(wavOf(pcm))
	}

	ctx := testenv.Browser(t)
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument,
		page.AddScriptToEvaluateOnNewDocumentParams{Source: micScript}); err != nil {
		t.Fatalf("install the microphone: %v", err)
	}
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(iv.JoinURL),
		chromedp.WaitVisible(chromedp.CSS(testID("consent-form"))),
		chromedp.Click(chromedp.CSS(testID("consent-checkbox"))),
		chromedp.Click(chromedp.CSS(testID("consent-submit"))),
		chromedp.WaitVisible(chromedp.CSS(testID("room-join"))),
		chromedp.Click(chromedp.CSS(testID("room-join"))),
	}
	sctx, cancel := testenv.Timeout(ctx, 30*time.Second)
	if err := chromedp.Do(sctx, steps...); err != nil {
		cancel()
		t.Fatalf("join the room: %v", err)
	}
	cancel()
	started := time.Now()
	defer func() {
		if t.Failed() {
			t.Logf("data channel events: %s", evalJS[string](t, ctx, `JSON.stringify(window.__events)`))
			for _, l := range strings.Split(engineLog.String(), "\n") {
				if !strings.Contains(l, "component=http") {
					t.Logf("engine: %s", l)
				}
			}
		}
	}()

	// Each time the interviewer's audio stops, the candidate answers the
	// question the room shows, once; the interviewer ends the interview.
	progress := map[string]bool{}
	answered := 0
	for stopped := 1; ; stopped++ {
		waitJS(t, ctx, fmt.Sprintf("the interviewer's line %d heard, or the end", stopped),
			fmt.Sprintf(`window.__events.filter(e => e.type === "output_audio_buffer.stopped").length >= %d || document.querySelector('%s').dataset.state === "ended"`,
				stopped, testID("room-state")), 90*time.Second)
		state := evalJS[string](t, ctx, `document.querySelector('`+testID("room-state")+`').dataset.state`)
		shown := evalJS[string](t, ctx, `document.querySelector('`+testID("room-progress")+`').textContent`)
		progress[shown] = true
		t.Logf("%5.1fs: line %d heard; room %s, %q", time.Since(started).Seconds(), stopped, state, shown)
		if state == "ended" {
			break
		}
		want := fmt.Sprintf("Question %d of %d", answered+1, len(questions))
		if answered < len(answers) && shown == want {
			evalJS[bool](t, ctx, `window.__say("`+answers[answered]+`")`)
			answered++
		}
		if stopped > 8 {
			t.Fatalf("the interview goes on after %d lines", stopped)
		}
	}
	took := time.Since(started)
	for i := range questions {
		if want := fmt.Sprintf("Question %d of %d", i+1, len(questions)); !progress[want] {
			t.Errorf("the room never showed %q (saw %v)", want, progress)
		}
	}

	var got apiInterview
	waitFor(t, "the interview completed", func() bool {
		apiCall(t, http.MethodGet, base+"/api/v1/interviews/"+iv.ID, key, nil, &got)
		return got.Status == string(interview.StatusCompleted)
	})
	t.Logf("interview %s (%q) %.1fs after Start; %d answers spoken", got.Status, got.EndReason, took.Seconds(), answered)
	if got.EndReason != "the interviewer ended the interview" || got.CurrentQuestion != len(questions) {
		t.Errorf("interview ended %q at question %d; want the interviewer at %d", got.EndReason, got.CurrentQuestion, len(questions))
	}
	var tr struct{ Entries []apiEntry }
	apiCall(t, http.MethodGet, base+"/api/v1/interviews/"+iv.ID+"/transcript", key, nil, &tr)
	checkSpokenOrder(t, ctx, tr.Entries, questions)
	checkAssessed(t, base, key, iv.ID, got.EndedAt, hooks)
}

// citeFirstAnswer answers an assessment request as a model would: every
// competency scored 4, citing the first three words of the first
// candidate line it was sent.
func citeFirstAnswer(req assesstest.Request) assesstest.Reply {
	m := regexp.MustCompile(`\[(\d+)\] Candidate: (\S+ \S+ \S+)`).FindStringSubmatch(req.Text)
	if m == nil {
		return assesstest.Status(http.StatusBadRequest, "")
	}
	seq, _ := strconv.ParseInt(m[1], 10, 64)
	return assesstest.Assessment(req, 4, seq, m[2])
}

// checkAssessed is issue 12's "done when": within a minute of ending,
// the interview has a done assessment with verified evidence (API), its
// analytics count both questions asked as the interviewer marked them,
// and interview.assessed reached the webhook endpoint.
func checkAssessed(t *testing.T, base, key, id string, ended time.Time, hooks *hookReceiver) {
	t.Helper()
	type assessed struct {
		Advisory   bool `json:"advisory"`
		Assessment struct {
			ID          string
			Status      string
			Error       string
			CompletedAt time.Time `json:"completedAt"`
			Result      struct {
				Competencies []struct {
					Key      string
					Flagged  bool
					Evidence []struct{ Seq int64 }
				}
				Overall float64
			}
		}
	}
	var got assessed
	deadline := time.Now().Add(time.Minute)
	for {
		got = assessed{}
		if status, _ := apiGet(t, base+"/api/v1/interviews/"+id+"/assessment", key, &got); status == http.StatusOK &&
			(got.Assessment.Status == string(interview.AssessmentDone) || got.Assessment.Status == string(interview.AssessmentFailed)) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no assessment within a minute: %+v", got)
		}
		time.Sleep(100 * time.Millisecond)
	}
	a := got.Assessment
	took := a.CompletedAt.Sub(ended)
	t.Logf("assessed %.2fs after the interview ended", took.Seconds())
	if took < 0 || took > time.Minute {
		t.Errorf("the assessment was stored %v after the interview ended; want within a minute", took)
	}
	if a.Status != string(interview.AssessmentDone) || !got.Advisory || len(a.Result.Competencies) == 0 || a.Result.Overall != 4 {
		t.Fatalf("assessment %s (%s), advisory %v, %d competencies, overall %.1f", a.Status, a.Error, got.Advisory, len(a.Result.Competencies), a.Result.Overall)
	}
	for _, c := range a.Result.Competencies {
		if c.Flagged || len(c.Evidence) != 1 {
			t.Errorf("competency %s: flagged %v, %d quotes verified; want its one real quote kept", c.Key, c.Flagged, len(c.Evidence))
		}
	}

	var an struct {
		Asked     int
		Questions []struct{ Found string }
	}
	apiCall(t, http.MethodGet, base+"/api/v1/interviews/"+id+"/analytics", key, nil, &an)
	if an.Asked != 2 || len(an.Questions) != 2 || an.Questions[0].Found != "marked" || an.Questions[1].Found != "marked" {
		t.Errorf("analytics: %d asked, %+v; want both questions marked by the interviewer", an.Asked, an.Questions)
	}

	ev := hooks.wait(t, interview.EventInterviewAssessed)
	if ev.Data.InterviewID != id || ev.Data.Assessment == nil || ev.Data.Assessment.ID != a.ID {
		t.Errorf("interview.assessed names %+v, want interview %s and assessment %s", ev.Data, id, a.ID)
	}
}

// apiInterview and apiEntry are what /api/v1 says of an interview and a
// transcript entry.
type apiInterview struct {
	Status          string
	EndReason       string    `json:"endReason"`
	CurrentQuestion int       `json:"currentQuestion"`
	EndedAt         time.Time `json:"endedAt"`
}

type apiEntry struct {
	Seq       int64
	Speaker   string
	Text      string
	Timestamp time.Time
}

// checkSpokenOrder asserts the stored transcript, as the API gives it (interviewer, candidate,
// interviewer, candidate, interviewer: greeting with question 1, answer,
// question 2, answer, goodbye), its times in order, and the room showing
// the same lines in the same order.
func checkSpokenOrder(t *testing.T, ctx context.Context, entries []apiEntry, questions []string) {
	t.Helper()
	var speakers []string
	for i, e := range entries {
		t.Logf("stored %d %s %s: %q", e.Seq, e.Timestamp.Format("15:04:05.000"), e.Speaker, e.Text)
		speakers = append(speakers, e.Speaker)
		if i > 0 && e.Timestamp.Before(entries[i-1].Timestamp) {
			t.Errorf("entry %d starts before entry %d", e.Seq, entries[i-1].Seq)
		}
	}
	want := "interviewer candidate interviewer candidate interviewer"
	if strings.Join(speakers, " ") != want {
		t.Fatalf("speakers %v, want %s", speakers, want)
	}
	for i, q := range questions {
		if !strings.Contains(entries[2*i].Text, q) {
			t.Errorf("entry %d %q does not ask %q", 2*i+1, entries[2*i].Text, q)
		}
		if entries[2*i+1].Text == "" {
			t.Errorf("answer %d stored empty", i+1)
		}
	}
	room := evalJS[[]string](t, ctx, `[...document.querySelectorAll('`+testID("room-line-text")+`')].map(e => e.textContent)`)
	if len(room) != len(entries) {
		t.Fatalf("the room shows %d lines, the store has %d: %q", len(room), len(entries), room)
	}
	for i, e := range entries {
		if strings.TrimSpace(room[i]) != e.Text {
			t.Errorf("room line %d %q, stored %q", i+1, room[i], e.Text)
		}
	}
}
