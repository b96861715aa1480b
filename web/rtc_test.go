package web

import (
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/interviewd/interviewd/internal/calls"
	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/realtime"
)

var rtcQuestions = []string{"Tell me about a project you are proud of.", "Why do you want to work with us?"}

// TestRTCInterview runs a whole interview through /rtc with a pion browser
// and the local engine: the server writes the transcript from its
// sideband, echoes it, and completes the interview on end.
func TestRTCInterview(t *testing.T) {
	checkRTCLeaks(t)
	a := newRTCApp(t, rtcOptions{})
	v := a.newInterview(rtcQuestions...)
	c := a.dial(a.token(v), v.ID)
	p := newRTCPeer(t)
	offer := p.offer()
	ans, sess := c.offerCall(offer)
	if realtime.CheckSDP(ans.SDP, "answer") != nil {
		t.Fatalf("answer is not an SDP: %q", ans.SDP)
	}
	if sess.InterviewID != v.ID || sess.CallID == "" || sess.ExpiresAt == "" {
		t.Fatalf("session message %+v", sess)
	}
	p.answer(ans.SDP)
	p.waitConnected()
	greeting := p.waitEvent(realtime.EvOutputTranscriptDone)
	echo := c.until(msgTranscript)
	if echo.Entry == nil || echo.Entry.ItemID != greeting.ItemID || echo.Entry.Seq != 1 || echo.Entry.Speaker != "interviewer" {
		t.Fatalf("echo %+v, want the greeting %s", echo.Entry, greeting.ItemID)
	}
	got := a.waitStatus(v, interview.StatusInProgress)
	if got.CallID != sess.CallID || got.WebRTCStatus != "connected" || got.WebRTCSessionID == "" {
		t.Errorf("call not recorded: %+v", got)
	}

	p.say("I built a compiler.")
	rtcWait(t, "the answer and question 2 in the store", func() bool { return len(a.transcript(v)) >= 3 })
	c.send(map[string]string{"type": msgEnd})
	status, _ := c.closed()
	if status.Code != websocket.StatusNormalClosure {
		t.Errorf("close %v, want 1000", status)
	}
	done := a.waitStatus(v, interview.StatusCompleted)
	if done.EndReason != "candidate ended" {
		t.Errorf("reason %q", done.EndReason)
	}
	entries := a.transcript(v)
	wantSpeakers := []interview.Speaker{interview.SpeakerInterviewer, interview.SpeakerCandidate, interview.SpeakerInterviewer}
	for i, e := range entries {
		if e.Seq != int64(i+1) || e.Source != interview.SourceSideband {
			t.Errorf("entry %d: seq %d source %s", i, e.Seq, e.Source)
		}
		if i < len(wantSpeakers) && e.Speaker != wantSpeakers[i] {
			t.Errorf("entry %d: speaker %s, want %s (%q)", i, e.Speaker, wantSpeakers[i], e.Text)
		}
	}
	if entries[1].Text != "I built a compiler." {
		t.Errorf("answer %q", entries[1].Text)
	}
	rtcWait(t, "the engine's call to end", func() bool { return a.Engine.ActiveCalls() == 0 })
}

// TestRTCReconnect drops the browser mid-interview: a new call within the
// grace window continues the same interview and transcript; after the
// window the interview is abandoned.
func TestRTCReconnect(t *testing.T) {
	checkRTCLeaks(t)
	t.Run("within the grace window", func(t *testing.T) {
		a := newRTCApp(t, rtcOptions{calls: calls.Config{Grace: 5 * time.Second}})
		v := a.newInterview(rtcQuestions...)
		p1, c1 := a.connect(v)
		p1.waitEvent(realtime.EvOutputTranscriptDone)
		p1.say("First answer.")
		rtcWait(t, "three entries", func() bool { return len(a.transcript(v)) >= 3 })
		_ = c1.ws.CloseNow()
		p1.close()
		time.Sleep(300 * time.Millisecond)
		if s := a.session(v).Status; s != interview.StatusInProgress {
			t.Fatalf("status %s during the grace window", s)
		}
		a.resumeAndEnd(v)
	})
	t.Run("after the grace window", func(t *testing.T) {
		a := newRTCApp(t, rtcOptions{calls: calls.Config{Grace: 500 * time.Millisecond}})
		v := a.newInterview(rtcQuestions...)
		p, c := a.connect(v)
		p.waitEvent(realtime.EvOutputTranscriptDone)
		_ = c.ws.CloseNow()
		got := a.waitStatus(v, interview.StatusAbandoned)
		if got.EndReason != "connection lost" {
			t.Errorf("reason %q", got.EndReason)
		}
		rtcWait(t, "the upstream call to be hung up", func() bool { return a.Engine.ActiveCalls() == 0 })
		rtcCheckGapFree(t, a.transcript(v))
		if _, resp, err := a.tryDial(a.token(v), v.ID, a.URL); err == nil || resp.StatusCode != 409 {
			t.Errorf("a new connection to an abandoned interview: %v %v", err, resp)
		}
	})
}

// TestRTCReplaysTranscript: a connection first gets every entry stored so
// far, in order, so that a room that was away has the lines stored
// meanwhile, and the question reached; then the call goes on as usual.
func TestRTCReplaysTranscript(t *testing.T) {
	checkRTCLeaks(t)
	a := newRTCApp(t, rtcOptions{calls: calls.Config{Grace: 5 * time.Second}})
	v := a.newInterview(rtcQuestions...)
	p1, c1 := a.connect(v)
	p1.waitEvent(realtime.EvOutputTranscriptDone)
	p1.say("First answer.")
	rtcWait(t, "three entries", func() bool { return len(a.transcript(v)) >= 3 })
	_ = c1.ws.CloseNow()
	p1.close()
	stored := a.transcript(v)

	c2 := a.dial(a.token(v), v.ID)
	for i, want := range stored {
		m := c2.next()
		if m.Type != msgTranscript || m.Entry == nil || m.Entry.Seq != want.Seq || m.Entry.ItemID != want.ItemID || m.Entry.Text != want.Text {
			t.Fatalf("message %d: %+v, want the stored entry %d %q", i, m, want.Seq, want.Text)
		}
	}
	if m := c2.next(); m.Type != msgProgress || m.Question != 2 || m.Total != len(rtcQuestions) {
		t.Errorf("after the replay %+v, want the question reached (2 of 2)", m)
	}
	p2 := newRTCPeer(t)
	ans, _ := c2.offerCall(p2.offer())
	p2.answer(ans.SDP)
	p2.waitConnected()
	c2.send(map[string]string{"type": msgEnd})
	c2.closed()
	a.waitStatus(v, interview.StatusCompleted)
}

// TestRTCRestart: a new process takes over the interviews the previous one
// left in progress. A candidate whose room reconnects continues at the
// question reached; one who does not is abandoned when the window passes.
func TestRTCRestart(t *testing.T) {
	checkRTCLeaks(t)
	// before runs an interview to its first answer on one process and
	// stops that process's calls, as a shutdown does.
	before := func(t *testing.T) (*rtcApp, interview.Session) {
		a := newRTCApp(t, rtcOptions{})
		v := a.newInterview(rtcQuestions...)
		p, c := a.connect(v)
		p.waitEvent(realtime.EvOutputTranscriptDone)
		p.say("First answer.")
		rtcWait(t, "three entries", func() bool { return len(a.transcript(v)) >= 3 })
		if err := a.Calls.Close(); err != nil {
			t.Fatal(err)
		}
		c.closed()
		p.close()
		if s := a.session(v).Status; s != interview.StatusInProgress {
			t.Fatalf("status %s after the shutdown, want in_progress", s)
		}
		return a, v
	}
	t.Run("the candidate reconnects", func(t *testing.T) {
		old, v := before(t)
		a := newRTCApp(t, rtcOptions{dbPath: old.dbPath, calls: calls.Config{Grace: 5 * time.Second}})
		if n, err := a.Calls.Recover(t.Context(), ""); err != nil || n != 1 {
			t.Fatalf("Recover = %d, %v; want 1", n, err)
		}
		a.resumeAndEnd(v)
	})
	t.Run("nobody comes back", func(t *testing.T) {
		old, v := before(t)
		a := newRTCApp(t, rtcOptions{dbPath: old.dbPath, calls: calls.Config{Grace: 300 * time.Millisecond}})
		if n, err := a.Calls.Recover(t.Context(), ""); err != nil || n != 1 {
			t.Fatalf("Recover = %d, %v; want 1", n, err)
		}
		got := a.waitStatus(v, interview.StatusAbandoned)
		if !strings.Contains(got.EndReason, "restarted") {
			t.Errorf("reason %q", got.EndReason)
		}
		if n, err := a.Calls.Recover(t.Context(), ""); err != nil || n != 0 {
			t.Errorf("a second Recover = %d, %v; want 0", n, err)
		}
	})
}

// resumeAndEnd continues an interview whose first question was answered
// on a new call, which must open at question 2 ("Welcome back"), then ends
// it: completed, its transcript gap-free.
func (a *rtcApp) resumeAndEnd(v interview.Session) {
	t := a.t
	t.Helper()
	before := len(a.transcript(v))
	p, c := a.connect(v)
	p.waitEvent(realtime.EvOutputTranscriptDone)
	rtcWait(t, "the new call's lines", func() bool { return len(a.transcript(v)) > before })
	if first := a.transcript(v)[before]; !strings.HasPrefix(first.Text, "Welcome back") || !strings.Contains(first.Text, "Question 2:") {
		t.Errorf("the new call opened with %q", first.Text)
	}
	c.send(map[string]string{"type": msgEnd})
	c.closed()
	a.waitStatus(v, interview.StatusCompleted)
	rtcCheckGapFree(t, a.transcript(v))
}

// connect dials /rtc, offers a pion call, applies the answer and waits
// until the peer is connected to the engine.
func (a *rtcApp) connect(v interview.Session) (*rtcPeer, *rtcClient) {
	a.t.Helper()
	c := a.dial(a.token(v), v.ID)
	p := newRTCPeer(a.t)
	ans, _ := c.offerCall(p.offer())
	p.answer(ans.SDP)
	p.waitConnected()
	return p, c
}

func rtcCheckGapFree(t testing.TB, entries []interview.TranscriptEntry) {
	t.Helper()
	items := map[string]bool{}
	for i, e := range entries {
		if e.Seq != int64(i+1) {
			t.Errorf("entry %d has seq %d", i, e.Seq)
		}
		if items[e.ItemID] {
			t.Errorf("item %s stored twice", e.ItemID)
		}
		items[e.ItemID] = true
	}
	if len(entries) == 0 {
		t.Error("no transcript")
	}
}

// TestRTCTakeover: a second connection's offer takes the interview over;
// the first is told TAKEN_OVER and closed, its call hung up.
func TestRTCTakeover(t *testing.T) {
	checkRTCLeaks(t)
	a := newRTCApp(t, rtcOptions{})
	v := a.newInterview(rtcQuestions...)
	p1, c1 := a.connect(v)
	p1.waitEvent(realtime.EvOutputTranscriptDone)
	c2 := a.dial(a.token(v), v.ID)
	p2 := newRTCPeer(t)
	ans, _ := c2.offerCall(p2.offer())
	status, msgs := c1.closed()
	if status.Code != closeTakenOver || !rtcHasError(msgs, rtcTakenOver) {
		t.Errorf("first connection: close %v, messages %+v", status, msgs)
	}
	p2.answer(ans.SDP)
	p2.waitConnected()
	rtcWait(t, "one call left", func() bool { return a.Engine.ActiveCalls() == 1 })
	if s := a.session(v).Status; s != interview.StatusInProgress {
		t.Errorf("status %s", s)
	}
}

// TestRTCTimeLimit: at the maximum length the server hangs up and
// completes the interview with reason "time limit".
func TestRTCTimeLimit(t *testing.T) {
	checkRTCLeaks(t)
	a := newRTCApp(t, rtcOptions{calls: calls.Config{MaxLength: 1500 * time.Millisecond}})
	v := a.newInterview(rtcQuestions...)
	_, c := a.connect(v)
	status, _ := c.closed()
	got := a.waitStatus(v, interview.StatusCompleted)
	if status.Code != websocket.StatusNormalClosure || got.EndReason != "time limit" {
		t.Errorf("close %v, reason %q", status, got.EndReason)
	}
	rtcWait(t, "the call to be hung up", func() bool { return a.Engine.ActiveCalls() == 0 })
}

// TestRTCInterviewEndsItself: an interview through /rtc against the local
// engine as OpenAI behaves. The interviewer greets first (interviewd's
// response.create), moves through the questions (question_asked: progress
// 1..N on the signalling connection and in the store), and ends the
// interview itself (end_interview): interviewd asks for the goodbye, hangs
// up once it has been heard and completes the interview, the goodbye
// stored as the transcript's last line.
func TestRTCInterviewEndsItself(t *testing.T) {
	checkRTCLeaks(t)
	a := newRTCApp(t, rtcOptions{})
	v := a.newInterview(rtcQuestions...)
	p, c := a.connect(v)
	greeting := p.waitEvent(realtime.EvOutputTranscriptDone)
	if !strings.Contains(greeting.Transcript, "Ada") {
		t.Errorf("greeting %q does not name the candidate", greeting.Transcript)
	}
	for i, answer := range []string{"I built a compiler.", "Your mission."} {
		if m := c.untilProgress(); m.Question != i+1 || m.Total != len(rtcQuestions) {
			t.Fatalf("progress %d/%d, want %d/%d", m.Question, m.Total, i+1, len(rtcQuestions))
		}
		rtcWait(t, "the question stored", func() bool { return a.session(v).CurrentQuestion == i+1 })
		p.waitEvent(realtime.EvAudioBufferStopped) // the question has been said
		p.say(answer)
	}
	status, msgs := c.closed()
	if status.Code != websocket.StatusNormalClosure || !strings.Contains(status.Reason, calls.ReasonInterviewerEnded) {
		t.Errorf("close %v", status)
	}
	for _, m := range msgs {
		if m.Type == msgProgress {
			t.Errorf("progress after the last question: %+v", m)
		}
	}
	got := a.waitStatus(v, interview.StatusCompleted)
	if got.EndReason != calls.ReasonInterviewerEnded || got.CurrentQuestion != len(rtcQuestions) {
		t.Errorf("ended %q at question %d", got.EndReason, got.CurrentQuestion)
	}
	entries := a.transcript(v)
	speakers := make([]string, len(entries))
	for i, e := range entries {
		speakers[i] = string(e.Speaker)
	}
	if want := "interviewer candidate interviewer candidate interviewer"; strings.Join(speakers, " ") != want {
		t.Fatalf("speakers %v, want %s", speakers, want)
	}
	if last := entries[len(entries)-1].Text; last == "" || strings.Contains(last, "?") {
		t.Errorf("the last line %q is not the goodbye", last)
	}
	rtcWait(t, "the call to be hung up", func() bool { return a.Engine.ActiveCalls() == 0 })
}

// untilProgress reads messages up to the next progress message.
func (c *rtcClient) untilProgress() serverMessage {
	c.t.Helper()
	return c.until(msgProgress)
}

func rtcHasError(msgs []serverMessage, code rtcCode) bool {
	for _, m := range msgs {
		if m.Type == msgError && m.Code == code {
			return true
		}
	}
	return false
}

// TestRTCEndFromAPI: Manager.End (the lifecycle API's hook) completes a
// live interview and closes its connection normally.
func TestRTCEndFromAPI(t *testing.T) {
	checkRTCLeaks(t)
	a := newRTCApp(t, rtcOptions{})
	v := a.newInterview(rtcQuestions...)
	p, c := a.connect(v)
	p.waitEvent(realtime.EvOutputTranscriptDone)
	a.waitStatus(v, interview.StatusInProgress)
	if err := a.Calls.End(t.Context(), v.TenantID, v.ID, "ended through the API"); err != nil {
		t.Fatal(err)
	}
	if st, _ := c.closed(); st.Code != websocket.StatusNormalClosure {
		t.Errorf("close %v", st)
	}
	if got := a.waitStatus(v, interview.StatusCompleted); got.EndReason != "ended through the API" {
		t.Errorf("reason %q", got.EndReason)
	}
	if err := a.Calls.End(t.Context(), v.TenantID, v.ID, "ended through the API"); err == nil {
		t.Error("ending twice succeeded")
	}
}
