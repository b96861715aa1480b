package web

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/interviewd/interviewd/internal/calls"
	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/testenv"
)

// answerFirst is the candidate's answer to question 1, typed into the
// call as the engine's text mode takes one.
const answerFirst = "I build backend services in Go."

// typeAnswer sends text into the call on the room's data channel, as the
// candidate's answer, then asks for the interviewer's response as a text
// client must: a user item starts nothing by itself (OpenAI's rule, which
// the engine keeps). Without the request the next question would come only
// from the idle timeout, 30 s after the last line, racing the test's wait.
func typeAnswer(t *testing.T, cand context.Context, text string) {
	t.Helper()
	answer := `{"type":"conversation.item.create","item":{"type":"message","role":"user","content":[{"type":"input_text","text":` +
		fmt.Sprintf("%q", text) + `}]}}`
	poll[bool](t, cand, "the answer is sent", `(dc => !!dc && dc.readyState === "open" && (dc.send(`+
		fmt.Sprintf("%q", answer)+`), dc.send('{"type":"response.create"}'), true))(window.__channels[window.__channels.length - 1])`, 20*time.Second)
}

// TestBrowserRoomWitness cuts the server's sideband to the call (the
// network between interviewd and the provider) while the room's call goes
// on, in Chromium against the local engine: the lines said meanwhile reach
// the store through the room's witness, marked as from the browser, and
// the room shows them as stored.
func TestBrowserRoomWitness(t *testing.T) {
	browser := testenv.Browser(t, testenv.FakeMicrophone(writeSilenceWAV(t, 2*time.Minute)))
	// A long Settle: the sideband's end alone does not end the interview.
	r := newReconnectRoom(t, calls.Config{Settle: 3 * time.Minute})
	tenant, id, link := r.interview()
	cand := enterRoom(t, browser, link)
	eventually(t, "the greeting stored from the sideband", 30*time.Second, func() (bool, string) {
		e := r.transcript(t, tenant, id)
		return len(e) == 1 && e[0].Source == interview.SourceSideband, fmt.Sprintf("%+v", e)
	})

	r.conns.refuseSidebands(true)
	if n := r.conns.cutSidebands(); n != 1 {
		t.Fatalf("cut %d sidebands, want the call's one", n)
	}
	eventually(t, "the server to notice the sideband's end", 20*time.Second, func() (bool, string) {
		return strings.Contains(r.logs.String(), `"msg":"sideband ended"`), "no \"sideband ended\" log"
	})

	typeAnswer(t, cand, answerFirst)
	var entries []interview.TranscriptEntry
	eventually(t, "the answer and question 2 stored from the browser", 40*time.Second, func() (bool, string) {
		entries = r.transcript(t, tenant, id)
		return len(entries) >= 3 && strings.Contains(entries[2].Text, reconnectQuestions[1]), fmt.Sprintf("%+v", entries)
	})
	rtcCheckGapFree(t, entries)
	if e := entries[1]; e.Speaker != interview.SpeakerCandidate || e.Text != answerFirst || e.Source != interview.SourceClient {
		t.Errorf("the answer was stored as %+v", e)
	}
	for _, e := range entries[2:] {
		if e.Speaker != interview.SpeakerInterviewer || e.Source != interview.SourceClient {
			t.Errorf("the interviewer's line was stored as %+v", e)
		}
	}
	eventually(t, "the room to show the stored lines", 30*time.Second, func() (bool, string) {
		return sameLines(roomLines(t, cand), r.transcript(t, tenant, id))
	})
	if v := r.session(t, tenant, id); v.Status != interview.StatusInProgress {
		t.Errorf("with the sideband cut the interview is %s", v.Status)
	}
	endFromRoom(t, cand)
	if v := r.session(t, tenant, id); v.Status != interview.StatusCompleted {
		t.Errorf("after End: %s %q", v.Status, v.EndReason)
	}
}

// TestBrowserRoomResume cuts the room's signalling alone, in Chromium
// against the local engine: the peer connection still carries the call,
// so the room resumes it on its new socket. It says reconnecting, then
// live; the engine sees no new call, the interviewer does not welcome the
// candidate back, and the interview goes on with the sideband writing the
// transcript.
func TestBrowserRoomResume(t *testing.T) {
	browser := testenv.Browser(t, testenv.FakeMicrophone(writeSilenceWAV(t, 2*time.Minute)))
	r := newReconnectRoom(t, calls.Config{})
	tenant, id, link := r.interview()
	cand := enterRoom(t, browser, link)
	var v interview.Session
	eventually(t, "the interview in progress", 30*time.Second, func() (bool, string) {
		v = r.session(t, tenant, id)
		return v.Status == interview.StatusInProgress && v.CallID != "", string(v.Status)
	})
	if !read(t, cand, "record the room's states", chromedp.Evaluate[bool](recordStates)) {
		t.Fatal("the state recorder did not start")
	}
	if n := r.conns.cutRTC(); n != 1 {
		t.Fatalf("cut %d signalling connections, want the room's one", n)
	}
	poll[bool](t, cand, "the room to say it is reconnecting",
		`window.__states.some(s => s.state === "reconnecting")`, 20*time.Second)
	poll[bool](t, cand, "the room to be live again",
		`(h => (i => i >= 0 && i < h.findLastIndex(s => s.state === "live"))(h.findIndex(s => s.state === "reconnecting")) &&
			document.querySelector('[data-testid="room-state"]').dataset.state === "live")(window.__states)`, 40*time.Second)
	for _, s := range roomStates(t, cand) {
		if s.State != "live" && s.State != "reconnecting" {
			t.Errorf("the room showed %s (%s: %q) while resuming", s.State, s.Code, s.Text)
		}
	}
	if got := r.session(t, tenant, id); got.CallID != v.CallID || got.Status != interview.StatusInProgress {
		t.Errorf("after the resume: %s, call %q, want the same call %q", got.Status, got.CallID, v.CallID)
	}
	if n := r.engine.ActiveCalls(); n != 1 {
		t.Errorf("the engine has %d calls after the resume, want the same one", n)
	}
	if strings.Contains(r.logs.String(), "resume refused") {
		t.Error("the server refused the resume; the room offered a new call")
	}

	// The same call goes on: the answer reaches the interviewer, and the
	// server's sideband stores it and question 2.
	typeAnswer(t, cand, answerFirst)
	var entries []interview.TranscriptEntry
	eventually(t, "the answer and question 2 stored", 40*time.Second, func() (bool, string) {
		entries = r.transcript(t, tenant, id)
		return len(entries) >= 3 && strings.Contains(entries[2].Text, reconnectQuestions[1]), fmt.Sprintf("%+v", entries)
	})
	rtcCheckGapFree(t, entries)
	for _, e := range entries {
		if e.Source != interview.SourceSideband || strings.Contains(e.Text, "Welcome back") {
			t.Errorf("entry %+v: want the sideband's, and no welcome back", e)
		}
	}
	eventually(t, "the room to show the stored transcript", 30*time.Second, func() (bool, string) {
		return sameLines(roomLines(t, cand), r.transcript(t, tenant, id))
	})
	endFromRoom(t, cand)
	if got := r.session(t, tenant, id); got.Status != interview.StatusCompleted || got.CallID != v.CallID {
		t.Errorf("after End: %s %q, call %q", got.Status, got.EndReason, got.CallID)
	}
}

// endFromRoom presses End, confirms, and waits until the room says the
// interview has ended.
func endFromRoom(t *testing.T, cand context.Context) {
	t.Helper()
	step(t, cand, "end the interview",
		chromedp.Click(css("room-end")),
		chromedp.WaitVisible(css("room-end-confirm")),
		chromedp.Click(css("room-end-yes")),
	)
	poll[bool](t, cand, "the room says it ended",
		`document.querySelector('[data-testid="room-state"]').dataset.state === "ended"`, 30*time.Second)
}
