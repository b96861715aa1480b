package engine

import (
	"strings"
	"testing"

	"github.com/coder/websocket"

	"github.com/interviewd/interviewd/internal/testenv/peer"
)

// responseTypes is the order of a spoken line's events, deltas collapsed.
var responseTypes = []string{
	"response.created", "output_audio_buffer.started", "response.output_item.added",
	"response.output_audio_transcript.delta", "response.output_audio_transcript.done",
	"response.output_item.done", "output_audio_buffer.stopped", "response.done",
}

// checkResponse checks one line's events and returns its transcript and item id.
func checkResponse(t *testing.T, evs []event) (string, string) {
	t.Helper()
	var types []string
	var deltas strings.Builder
	for _, ev := range evs {
		if ev.Type == "response.output_audio_transcript.delta" {
			deltas.WriteString(ev.Delta)
			if n := len(types); n > 0 && types[n-1] == ev.Type {
				continue
			}
		}
		types = append(types, ev.Type)
	}
	if strings.Join(types, " ") != strings.Join(responseTypes, " ") {
		t.Fatalf("response events:\n got %v\nwant %v", types, responseTypes)
	}
	done := evs[len(evs)-4]
	if done.Transcript != deltas.String() || done.ItemID == "" || !strings.HasPrefix(done.ResponseID, "resp_") {
		t.Fatalf("transcript.done %+v does not match deltas %q", done, deltas.String())
	}
	return done.Transcript, done.ItemID
}

// TestInterviewRunsToTheEnd is the whole text-mode interview: greeting with
// question 1, two answers, question 2, the closing line and the call ending
// by itself, seen identically on the data channel and on a sideband.
func TestInterviewRunsToTheEnd(t *testing.T) {
	checkLeaks(t)
	e, srv := startEngine(t)
	cl := newClient(t, true)
	answer, callID := createCall(t, srv, cl.Offer(), testSession(testInstructions))
	sb := dialSideband(t, srv, callID)
	cl.Answer(answer)
	cl.WaitConnected()
	go cl.Send(peer.Silence(5 * peer.Frame)...)

	created := cl.events.next()
	if created.Type != "session.created" || created.Session == nil || created.Session.Audio.Output.Voice != "cedar" {
		t.Fatalf("first data channel event: %s", created.Raw)
	}
	greetDC := cl.events.until("response.done")
	greetSB := sb.events.until("response.done")
	sameEvents(t, greetDC, greetSB)
	greeting, greetItem := checkResponse(t, greetDC)
	for _, want := range []string{"Ada Lovelace", "Backend Engineer", "Tell me about a project you are proud of."} {
		if !strings.Contains(greeting, want) {
			t.Errorf("greeting %q lacks %q", greeting, want)
		}
	}

	cl.Say("I built a compiler for a tiny language.")
	afterFirst := cl.events.until("response.done")
	sameEvents(t, afterFirst, sb.events.until("response.done"))
	answerItem := checkAnswer(t, afterFirst[:2], greetItem, "I built a compiler for a tiny language.")
	q2, _ := checkResponse(t, afterFirst[2:])
	if !strings.Contains(q2, "Why do you want to work with us?") {
		t.Errorf("second question %q", q2)
	}
	_ = answerItem

	sb.send(t, peer.UserMessage("Because I like your product."))
	closing := sb.events.until("response.done")
	sameEvents(t, cl.events.until("response.done"), closing)
	closingText, _ := checkResponse(t, closing[2:])
	if !strings.Contains(closingText, "Thank you, Ada Lovelace") || !strings.Contains(closingText, "Goodbye") {
		t.Errorf("closing line %q", closingText)
	}
	if code := sb.closeStatus(t); code != websocket.StatusNormalClosure {
		t.Errorf("sideband closed with %v, want 1000", code)
	}
	waitFor(t, "the call to end", func() bool { return e.ActiveCalls() == 0 })
	<-cl.DataChannelClosed()
}

// checkAnswer checks committed + transcription.completed and returns the item id.
func checkAnswer(t *testing.T, evs []event, prev, text string) string {
	t.Helper()
	committed, done := evs[0], evs[1]
	if committed.Type != "input_audio_buffer.committed" || committed.PreviousItemID == nil || *committed.PreviousItemID != prev {
		t.Fatalf("committed event %s, want previous_item_id %s", committed.Raw, prev)
	}
	if done.Type != "conversation.item.input_audio_transcription.completed" || done.ItemID != committed.ItemID || done.Transcript != text {
		t.Fatalf("transcription event %s", done.Raw)
	}
	return committed.ItemID
}

// sameEvents checks that two connections heard the same events in order.
func sameEvents(t *testing.T, a, b []event) {
	t.Helper()
	if len(a) != len(b) {
		t.Fatalf("data channel heard %d events, sideband %d", len(a), len(b))
	}
	for i := range a {
		if a[i].EventID != b[i].EventID {
			t.Fatalf("event %d differs: %s vs %s", i, a[i].Raw, b[i].Raw)
		}
	}
}
