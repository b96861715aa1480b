package engine

import (
	"strings"
	"time"
)

// recognized is the recogniser's answer for a committed utterance.
type recognized struct {
	itemID  string
	audio   bool // from commitAudio, not a text message
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
	case "response.cancel", "output_audio_buffer.clear":
		if c.iv.line == nil {
			c.reply(in, invalidRequest(0, "response_cancel_not_active", "", "There is no active response to cancel."))
			return
		}
		c.finishLine("cancelled")
	case "input_audio_buffer.commit":
		pcm := c.audio.take()
		c.commitAudio(newID("item_"), pcm, pcm.Duration())
	case "input_audio_buffer.clear":
		c.audio.take()
		c.emit(plainEvent{hdr("input_audio_buffer.cleared")})
	case "conversation.item.create":
		c.textAnswer(in)
	}
}

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
	if c.iv.phase == phaseWaiting {
		c.iv.script = parseInstructions(s.Instructions)
	}
	c.emit(newSessionEvent("session.updated", c.sessID, s, c.expires))
}

// respond handles response.create: it starts the interview early, or
// repeats the current question.
func (c *call) respond(in clientInput) {
	switch {
	case c.iv.phase == phaseWaiting:
		c.iv.wantGreet = true
		c.checkPeer()
	case c.iv.line != nil:
		c.reply(in, invalidRequest(0, "conversation_already_has_active_response", "",
			"Conversation already has an active response in progress."))
	case c.iv.phase == phaseAwaiting:
		c.startLine(c.iv.repeat(), lineQuestion)
	default:
		c.reply(in, invalidRequest(0, "interview_ended", "", "The interview has ended."))
	}
}

// commit adds a user item to the conversation, chained to the one before.
func (c *call) commit(itemID string) {
	ev := committedEvent{header: hdr("input_audio_buffer.committed"), ItemID: itemID}
	if prev := c.iv.lastItem; prev != "" {
		ev.PreviousItemID = &prev
	}
	c.emit(ev)
	c.iv.lastItem = itemID
}

// textAnswer takes a user text message as the candidate's answer (text mode).
func (c *call) textAnswer(in clientInput) {
	a := in.ev.answer
	if a.ID == "" {
		a.ID = newID("item_")
	} else if a.ID == c.iv.lastItem {
		c.reply(in, invalidValue("item.id", "Item id "+a.ID+" already exists."))
		return
	}
	c.commit(a.ID)
	c.transcribed(recognized{itemID: a.ID, text: Transcript{Text: a.Text}})
}

// commitAudio ends the current utterance and hands its audio to the
// recogniser, off the run goroutine; transcribed takes the result. At most
// Limits.MaxRecognitions recognitions run at once, engine-wide; the others
// wait their turn.
func (c *call) commitAudio(itemID string, pcm PCM, spoken time.Duration) {
	c.commit(itemID)
	c.iv.pending++
	u := Utterance{Audio: pcm, Language: c.sess.Language}
	c.goTracked(func() {
		r := recognized{itemID: itemID, audio: true, seconds: spoken.Seconds()}
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

func (c *call) transcribed(r recognized) {
	if r.audio {
		c.iv.pending--
	}
	if r.audio && r.err == nil && r.text.Text != "" && r.text.Note == "" {
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
			Usage: durationUsage{Type: "duration", Seconds: r.seconds}})
	}
	c.answered(r.err == nil && strings.TrimSpace(r.text.Text) == "")
}

// voiceActivity turns the voice detector's transitions into OpenAI's
// speech events; the end of speech commits the answer, as server_vad does.
func (c *call) voiceActivity(v voiceInput) {
	ms := v.at.Milliseconds()
	switch {
	case v.voice == VoiceStarted && c.iv.speechItem == "":
		c.t.idle.Stop()
		c.iv.speechItem = newID("item_")
		c.emit(speechEvent{header: hdr("input_audio_buffer.speech_started"), AudioStartMS: &ms, ItemID: c.iv.speechItem})
	case v.voice == VoiceStopped && c.iv.speechItem != "":
		id := c.iv.speechItem
		c.iv.speechItem = ""
		c.emit(speechEvent{header: hdr("input_audio_buffer.speech_stopped"), AudioEndMS: &ms, ItemID: id})
		c.commitAudio(id, v.audio, v.spoken)
	}
}
