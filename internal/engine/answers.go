package engine

import (
	"encoding/json"
	"strings"
	"time"
)

// recognized is the recogniser's answer for a committed utterance.
type recognized struct {
	itemID  string
	auto    bool // the voice detector ended the turn: respond to it
	seconds float64
	text    Transcript
	err     error
}

// voiceInput is a voice detector's transition, from the listener. At the
// end of a turn it carries the answer's audio and how long it lasted.
type voiceInput struct {
	voice  Voice
	at     time.Duration
	spoken time.Duration
	audio  PCM
}

func (c *call) handleClient(in clientInput) {
	ev := in.ev
	switch ev.Type {
	case "session.update":
		c.updateSession(in)
	case "response.create":
		c.respond(in)
	case "response.cancel":
		if c.iv.line == nil {
			c.reply(in, errNotActive)
			return
		}
		c.cancelResponse("client_cancelled", false)
	case "output_audio_buffer.clear":
		if c.iv.line == nil {
			c.reply(in, errNotActive)
			return
		}
		c.cancelResponse("client_cancelled", true)
	case "input_audio_buffer.commit":
		pcm := c.audio.take()
		c.commitAudio(newID("item_"), pcm, pcm.Duration(), false)
	case "input_audio_buffer.clear":
		c.audio.take()
		c.emit(plainEvent{hdr("input_audio_buffer.cleared")})
	case "conversation.item.create":
		c.createItem(in)
	}
}

var errNotActive = invalidRequest(0, "response_cancel_not_active", "", "There is no active response to cancel.")

func (c *call) reply(in clientInput, e *apiError) {
	in.from.send(encode(newErrorEvent(withEventID(e, in.ev.EventID))))
}

// updateSession merges a session.update. New instructions re-plan the
// interview only until the greeting starts; after that they are kept (and
// echoed) but the questions already under way stay.
func (c *call) updateSession(in clientInput) {
	if len(in.ev.Session) == 0 || isNull(in.ev.Session) {
		c.reply(in, missingParam("session"))
		return
	}
	s, err := applySession(c.sess, in.ev.Session)
	if err != nil {
		c.reply(in, err)
		return
	}
	c.mu.Lock()
	c.sess = s
	c.mu.Unlock()
	if !c.iv.greeted {
		c.iv.script = parseInstructions(s.Instructions)
	}
	c.emit(newSessionEvent("session.updated", c.sessID, s, c.expires))
}

// respond handles response.create: the interviewer responds now, or once
// the call is ready when it is not yet; one response at a time.
func (c *call) respond(in clientInput) {
	switch {
	case c.iv.line != nil || c.iv.requested:
		c.reply(in, invalidRequest(0, "conversation_already_has_active_response", "",
			"Conversation already has an active response in progress."))
	case c.ready():
		c.startResponse()
	default:
		c.iv.requested = true
	}
}

// commit adds a user audio item to the conversation, chained to the one
// before: committed, then the item (its transcript still null).
func (c *call) commit(itemID string) {
	ev := committedEvent{header: hdr("input_audio_buffer.committed"), ItemID: itemID}
	if prev := c.iv.lastItem; prev != "" {
		ev.PreviousItemID = &prev
	}
	c.emit(ev)
	content := []contentObject{{Type: "input_audio", Transcript: json.RawMessage("null")}}
	c.userItem(itemObject{ID: itemID, Object: "realtime.item", Type: "message", Status: "completed",
		Role: "user", Content: &content})
}

// userItem emits conversation.item.added and .done for a finished item.
func (c *call) userItem(item itemObject) {
	prev := c.addItem(item)
	c.emit(conversationItemEvent{header: hdr("conversation.item.done"), PreviousItemID: prev, Item: item})
}

// createItem adds a client's item: a user text message (the candidate's
// answer when a response is next requested) or a function call's output.
// It starts nothing by itself, and is accepted during a response too.
func (c *call) createItem(in clientInput) {
	it := in.ev.item
	if it.ID == "" {
		it.ID = newID("item_")
	} else if c.iv.items[it.ID] {
		c.reply(in, invalidValue("item.id", "Item id "+it.ID+" already exists."))
		return
	}
	item := itemObject{ID: it.ID, Object: "realtime.item", Type: it.Type, Status: "completed"}
	if it.Type == "function_call_output" {
		out := it.Output
		item.Status, item.CallID, item.Output = "", it.CallID, &out
		c.usage.addText(out)
		c.userItem(item)
		return
	}
	text := it.Text
	content := []contentObject{{Type: "input_text", Text: &text}}
	item.Role, item.Content = "user", &content
	c.usage.addText(text)
	c.userItem(item)
	c.iv.heard(it.ID)
	c.iv.transcribed(it.ID, text == "")
}

// commitAudio ends the current utterance and hands its audio to the
// recogniser, off the run goroutine; transcribed takes the result. At most
// Limits.MaxRecognitions recognitions run at once, engine-wide; the others
// wait their turn. A turn the voice detector ended (auto) asks for a
// response once its transcript is in.
func (c *call) commitAudio(itemID string, pcm PCM, spoken time.Duration, auto bool) {
	c.commit(itemID)
	c.iv.heard(itemID)
	c.usage.addAudio(spoken)
	c.iv.pending++
	u := Utterance{Audio: pcm, Language: c.sess.Language}
	c.goTracked(func() {
		r := recognized{itemID: itemID, auto: auto, seconds: spoken.Seconds()}
		select {
		case c.e.recognitions <- struct{}{}:
			r.text, r.err = c.e.cfg.Recognizer.Recognize(c.ctx, u)
			<-c.e.recognitions
		case <-c.ctx.Done():
			return
		}
		c.post(r)
	})
}

// transcribed emits the answer's transcript, then lets the interviewer
// respond to the turn. The engine waits for its own recogniser before it
// responds, where OpenAI's model hears the audio itself.
func (c *call) transcribed(r recognized) {
	c.iv.pending--
	if r.err == nil && r.text.Text != "" && r.text.Note == "" {
		c.emit(transcriptionDeltaEvent{header: hdr("conversation.item.input_audio_transcription.delta"),
			ItemID: r.itemID, Delta: r.text.Text})
	}
	if r.err != nil {
		c.log.Warn("recognise answer", "item_id", r.itemID, "err", r.err)
		c.emit(transcriptionFailedEvent{header: hdr("conversation.item.input_audio_transcription.failed"),
			ItemID: r.itemID, Error: newAPIError(0, "transcription_error", "audio_unintelligible", "",
				"The audio could not be transcribed.")})
	} else {
		c.emit(transcriptionCompletedEvent{header: hdr("conversation.item.input_audio_transcription.completed"),
			ItemID: r.itemID, Transcript: r.text.Text, Note: r.text.Note,
			Usage: transcriptionUsage(time.Duration(r.seconds*float64(time.Second)), r.text.Text)})
	}
	c.iv.transcribed(r.itemID, r.err == nil && strings.TrimSpace(r.text.Text) == "")
	if r.auto {
		c.userTurnDone()
	}
}

// voiceActivity turns the voice detector's transitions into OpenAI's
// speech events; speech interrupts the response in progress
// (interrupt_response), and its end commits the answer, as server_vad does.
func (c *call) voiceActivity(v voiceInput) {
	ms := v.at.Milliseconds()
	switch {
	case v.voice == VoiceStarted && c.iv.speechItem == "":
		c.t.idle.Stop()
		c.iv.speechItem = newID("item_")
		c.emit(speechEvent{header: hdr("input_audio_buffer.speech_started"), AudioStartMS: &ms, ItemID: c.iv.speechItem})
		if c.iv.line != nil && c.sess.Turn.interruptResponse() {
			c.cancelResponse("turn_detected", true)
		}
	case v.voice == VoiceStopped && c.iv.speechItem != "":
		id := c.iv.speechItem
		c.iv.speechItem = ""
		c.emit(speechEvent{header: hdr("input_audio_buffer.speech_stopped"), AudioEndMS: &ms, ItemID: id})
		c.commitAudio(id, v.audio, v.spoken, true)
	}
}
