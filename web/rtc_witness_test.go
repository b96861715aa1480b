package web

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/realtime"
)

// witnessEvent is a candidate's transcription as a data channel gets it.
func witnessEvent(itemID, text string) json.RawMessage {
	b, _ := json.Marshal(map[string]string{"type": realtime.EvInputTranscriptDone, "item_id": itemID, "transcript": text})
	return b
}

// pingPong sends a ping and reads up to its pong: the messages before it
// have been handled.
func (c *rtcClient) pingPong() {
	c.t.Helper()
	c.send(map[string]string{"type": msgPing})
	c.until(msgPong)
}

// TestRTCWitnessAndResume drives the transcript and resume messages with
// a pion peer and the local engine: bad ones are BAD_MESSAGE and leave the
// connection open; a witness while the server's sideband reads the call
// leaves the lines it has alone (the sideband's are the better ones) and
// stores, timed by receivedAt, the one it never had; resuming a
// call that is not the interview's is refused with the connection open,
// for a new offer; a new connection resumes the same call with no offer,
// and the sideband goes on storing; a witness after the end closes 4009.
func TestRTCWitnessAndResume(t *testing.T) {
	checkRTCLeaks(t)
	a := newRTCApp(t, rtcOptions{})
	v := a.newInterview(rtcQuestions...)
	p, c := a.connect(v)
	p.waitEvent(realtime.EvOutputTranscriptDone)
	rtcWait(t, "the greeting stored", func() bool { return len(a.transcript(v)) == 1 })
	callID := a.session(v).CallID

	tooMany := make([]json.RawMessage, maxWitnessEvents+1)
	for i := range tooMany {
		tooMany[i] = witnessEvent(fmt.Sprint("item_", i), "x")
	}
	for name, m := range map[string]any{
		"51 events":              map[string]any{"type": msgWitness, "events": tooMany},
		"over 32 KiB":            map[string]any{"type": msgWitness, "events": []json.RawMessage{witnessEvent("item_big", strings.Repeat("a", maxWitnessBytes))}},
		"no events":              map[string]any{"type": msgWitness, "events": []json.RawMessage{}},
		"an event not object":    map[string]any{"type": msgWitness, "events": []any{"text"}},
		"a call ID with a space": map[string]any{"type": msgResume, "callId": "rtc 1"},
		"no call ID":             map[string]any{"type": msgResume},
	} {
		c.send(m)
		if got := c.until(msgError); got.Code != rtcBadMessage {
			t.Errorf("%s: %+v, want BAD_MESSAGE", name, got)
		}
	}

	// The sideband's line stays as it is; a line it never had (said before
	// it attached) is stored as the browser's, a moment later, timed by
	// when the browser received it.
	greeting := a.transcript(v)[0]
	before := greeting.Timestamp.Add(5 * time.Millisecond).Truncate(time.Millisecond)
	browser, _ := json.Marshal(map[string]any{"type": realtime.EvInputTranscriptDone, "item_id": "item_browser",
		"transcript": "said in the browser", "receivedAt": before.UnixMilli()})
	c.send(map[string]any{"type": msgWitness, "events": []json.RawMessage{browser, witnessEvent(greeting.ItemID, "the browser's copy")}})
	c.pingPong()
	rtcWait(t, "the line the sideband never had", func() bool { return len(a.transcript(v)) == 2 })
	if got := a.transcript(v); got[0] != greeting || got[1].ItemID != "item_browser" || got[1].Source != interview.SourceClient ||
		!got[1].Timestamp.Equal(before) {
		t.Errorf("after the witness: %+v, want the greeting as it was and item_browser from the browser at %v", got, before)
	}
	// A time before the interview started is clamped to its start.
	old, _ := json.Marshal(map[string]any{"type": realtime.EvInputTranscriptDone, "item_id": "item_old",
		"transcript": "a skewed clock", "receivedAt": 1})
	c.send(map[string]any{"type": msgWitness, "events": []json.RawMessage{old}})
	rtcWait(t, "the skewed line", func() bool { return len(a.transcript(v)) == 3 })
	// It is the first line spoken, so far as the store can tell.
	if got, start := a.transcript(v)[0], a.session(v).StartedAt; got.ItemID != "item_old" || !got.Timestamp.Equal(*start) {
		t.Errorf("first line %s at %v, want item_old, received in 1970, at the interview's start %v", got.ItemID, got.Timestamp, *start)
	}

	c.send(map[string]string{"type": msgResume, "callId": "rtc_not_this_one"})
	if got := c.until(msgError); got.Code != rtcUnavailable {
		t.Errorf("resuming another call: %+v, want UPSTREAM_UNAVAILABLE", got)
	}
	c.pingPong() // still open: the room offers instead

	// The signalling drops; the media does not. A new connection resumes.
	_ = c.ws.CloseNow()
	c2 := a.dial(a.token(v), v.ID)
	c2.send(map[string]string{"type": msgResume, "callId": callID})
	if got := c2.until(msgResumed); got.CallID != callID || got.InterviewID != v.ID {
		t.Errorf("resumed %+v, want call %s", got, callID)
	}
	p.say("I built a compiler.")
	rtcWait(t, "the answer and question 2 stored by the sideband", func() bool { return len(a.transcript(v)) >= 5 })
	if n := a.Engine.ActiveCalls(); n != 1 {
		t.Errorf("%d calls in the engine, want the one resumed", n)
	}
	for _, e := range a.transcript(v) {
		if e.Source != interview.SourceSideband && e.ItemID != "item_browser" && e.ItemID != "item_old" {
			t.Errorf("entry %+v, want the sideband's", e)
		}
	}
	if got := a.session(v); got.CallID != callID || got.Status != interview.StatusInProgress {
		t.Errorf("after the resume: %s, call %q", got.Status, got.CallID)
	}

	c2.send(map[string]string{"type": msgEnd})
	c2.closed()
	a.waitStatus(v, interview.StatusCompleted)
	rtcCheckGapFree(t, a.transcript(v))
	rtcWait(t, "the engine's call to end", func() bool { return a.Engine.ActiveCalls() == 0 })
	p.close()
}

// TestRTCWitnessAfterEnd: a browser's lines for an ended interview are
// refused with 4009, the interview's end, and not stored.
func TestRTCWitnessAfterEnd(t *testing.T) {
	checkRTCLeaks(t)
	a := newRTCApp(t, rtcOptions{})
	v := a.newInterview(rtcQuestions...)
	c := a.dial(a.token(v), v.ID)
	_, err := a.Store.TransitionSession(t.Context(), v.TenantID, v.ID, interview.StatusAbandoned, "ended elsewhere", time.Now())
	rtcMust(t, err)
	c.send(map[string]any{"type": msgWitness, "events": []json.RawMessage{witnessEvent("item_late", "too late")}})
	status, _ := c.closed()
	if status.Code != websocket.StatusCode(closeClosed) {
		t.Errorf("close %v, want 4009", status)
	}
	if n := len(a.transcript(v)); n != 0 {
		t.Errorf("%d entries stored after the end", n)
	}
}
