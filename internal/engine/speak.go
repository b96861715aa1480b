package engine

import (
	"context"
	"sync/atomic"
	"time"
)

// line is one response in progress: the function calls the interviewer
// makes and its spoken message, whose transcript goes out in deltas while
// its audio plays.
type line struct {
	respID string
	reply  reply
	output []itemObject // the response's finished items, in output order
	opened int          // items opened so far: the next output_index

	itemID string  // the message; "" when the response has none
	index  int     // the message's output_index
	prev   *string // the message's previous_item_id
	text   string
	chunks []string
	sent   int
	voiced bool      // the synthesiser has answered; deltas are flowing
	start  time.Time // when output_audio_buffer.started was sent

	interval time.Duration      // between deltas: the audio's length spread over them
	speaking bool               // the line has audio
	playing  bool               // the speaker is still sending the line's audio
	frames   atomic.Int64       // audio packets sent so far
	hush     context.CancelFunc // stops the speaker
	stopped  chan struct{}      // closed when the speaker has stopped

	toolTokens int // the function calls' names and arguments, in tokens
}

// startResponse begins a response with what the interviewer decides to
// say. Function calls go out at once; the message follows when the
// synthesiser answers (synthesized).
func (c *call) startResponse() {
	c.t.idle.Stop()
	c.iv.requested = false
	r := c.iv.decide(c.sess.calls)
	l := &line{respID: newID("resp_"), reply: r}
	c.iv.line = l
	c.emit(responseEvent{header: hdr("response.created"), Response: c.response(l, "in_progress", "")})
	c.emit(newRateLimits())
	if r.before != nil {
		c.callFunction(l, *r.before)
	}
	if r.text == "" {
		c.completeResponse()
		return
	}
	c.openMessage(l)
}

// callFunction emits one function call item of the response, whole.
func (c *call) callFunction(l *line, fc funcCall) {
	idx := l.opened
	l.opened++
	empty := ""
	item := itemObject{ID: newID("item_"), Object: "realtime.item", Type: "function_call", Status: "in_progress",
		CallID: newID("call_"), Name: fc.name, Arguments: &empty}
	c.emit(outputItemEvent{header: hdr("response.output_item.added"), ResponseID: l.respID, OutputIndex: idx, Item: item})
	prev := c.addItem(item)
	c.emit(functionArgsDeltaEvent{header: hdr("response.function_call_arguments.delta"), ResponseID: l.respID,
		ItemID: item.ID, OutputIndex: idx, CallID: item.CallID, Delta: fc.args})
	c.emit(functionArgsDoneEvent{header: hdr("response.function_call_arguments.done"), ResponseID: l.respID,
		ItemID: item.ID, OutputIndex: idx, CallID: item.CallID, Name: fc.name, Arguments: fc.args})
	args := fc.args
	item.Status, item.Arguments = "completed", &args
	c.emit(outputItemEvent{header: hdr("response.output_item.done"), ResponseID: l.respID, OutputIndex: idx, Item: item})
	c.emit(conversationItemEvent{header: hdr("conversation.item.done"), PreviousItemID: prev, Item: item})
	l.output = append(l.output, item)
	l.toolTokens += textTokens(fc.name) + textTokens(fc.args)
	if fc.name == toolEndInterview {
		c.iv.ended = true
	}
}

// addItem emits conversation.item.added for an item appended to the
// conversation and returns its previous_item_id.
func (c *call) addItem(item itemObject) *string {
	var prev *string
	if p := c.iv.lastItem; p != "" {
		prev = &p
	}
	c.emit(conversationItemEvent{header: hdr("conversation.item.added"), PreviousItemID: prev, Item: item})
	c.iv.lastItem = item.ID
	c.iv.items[item.ID] = true
	return prev
}

// openMessage adds the response's assistant message and has its audio
// synthesised, off the run goroutine so a slow synthesiser never stalls
// the call.
func (c *call) openMessage(l *line) {
	l.itemID, l.index, l.text = newID("item_"), l.opened, l.reply.text
	l.opened++
	l.chunks = chunks(l.text, c.e.cfg.Turn.WordsPerDelta)
	item := c.message(l, "in_progress", false)
	c.emit(outputItemEvent{header: hdr("response.output_item.added"), ResponseID: l.respID, OutputIndex: l.index, Item: item})
	l.prev = c.addItem(item)
	c.emit(contentPartEvent{header: hdr("response.content_part.added"), ResponseID: l.respID, ItemID: l.itemID,
		OutputIndex: l.index, Part: partObject{Type: "audio"}})
	req := Line{Text: l.text, Voice: c.sess.Voice, Language: c.sess.Language}
	c.goTracked(func() {
		pcm, err := c.e.cfg.Synthesizer.Synthesize(c.ctx, req)
		c.post(synthesized{line: l, pcm: pcm, err: err})
	})
}

// synthesized is the synthesiser's answer for a line.
type synthesized struct {
	line *line
	pcm  PCM
	err  error
}

// voice starts the audible part of the message once its audio is ready.
func (c *call) voice(s synthesized) {
	l := c.iv.line
	if l != s.line || l.voiced {
		return
	}
	if s.err != nil && c.ctx.Err() == nil {
		c.log.Warn("synthesise line", "err", s.err)
	}
	l.voiced, l.start = true, time.Now()
	c.emit(audioBufferEvent{header: hdr("output_audio_buffer.started"), ResponseID: l.respID})
	l.interval = c.e.cfg.Turn.DeltaInterval
	if frames := c.speaker.frames(s.pcm); len(frames) > 0 {
		l.interval = time.Duration(len(frames)) * speakFrame / time.Duration(len(l.chunks))
		c.play(l, frames)
	}
	c.t.pace.Reset(l.interval)
}

// play sends the message's audio on its own goroutine.
func (c *call) play(l *line, frames [][]byte) {
	ctx, cancel := context.WithCancel(c.ctx)
	l.hush, l.stopped, l.speaking, l.playing = cancel, make(chan struct{}), true, true
	started := c.goTracked(func() {
		c.speaker.play(ctx, frames, &l.frames)
		close(l.stopped)
		c.post(played{line: l})
	})
	if !started { // the call is ending
		close(l.stopped)
		l.playing = false
	}
}

// played is the speaker's report that a line's audio has been sent.
type played struct{ line *line }

// played completes the response once its audio and its deltas are all out.
func (c *call) played(p played) {
	l := c.iv.line
	if l != p.line {
		return
	}
	l.playing = false
	if l.sent == len(l.chunks) {
		c.completeResponse()
	}
}

// tick sends the next delta, or completes the response after the last one.
func (c *call) tick() {
	l := c.iv.line
	if l == nil || !l.voiced {
		return
	}
	if l.sent < len(l.chunks) {
		c.emit(transcriptDeltaEvent{header: hdr("response.output_audio_transcript.delta"),
			ResponseID: l.respID, ItemID: l.itemID, OutputIndex: l.index, Delta: l.chunks[l.sent]})
		l.sent++
		c.t.pace.Reset(l.interval)
		return
	}
	if !l.playing {
		c.completeResponse()
	}
}

// completeResponse ends the response normally; output_audio_buffer.stopped
// follows response.done once the audio has played.
func (c *call) completeResponse() {
	l := c.endResponse("completed", "")
	if l.voiced {
		c.emit(audioBufferEvent{header: hdr("output_audio_buffer.stopped"), ResponseID: l.respID})
	}
	c.afterResponse()
}

// cancelResponse ends the response early. With clear (barge-in, or
// output_audio_buffer.clear) the audio is cut: output_audio_buffer.cleared
// comes first and conversation.item.truncated last, with the audio sent
// so far; else output_audio_buffer.stopped follows response.done.
func (c *call) cancelResponse(reason string, clear bool) {
	l := c.iv.line
	heard := c.stopAudio(l)
	if clear && l.voiced {
		c.emit(audioBufferEvent{header: hdr("output_audio_buffer.cleared"), ResponseID: l.respID})
	}
	if reason == "turn_detected" {
		c.iv.interrupted(l.reply, len(joinChunks(l.chunks[:l.sent])))
	}
	c.endResponse("cancelled", reason)
	switch {
	case clear && l.voiced && l.itemID != "":
		c.emit(truncatedEvent{header: hdr("conversation.item.truncated"), ItemID: l.itemID,
			AudioEndMS: heard.Milliseconds()})
	case !clear && l.voiced:
		c.emit(audioBufferEvent{header: hdr("output_audio_buffer.stopped"), ResponseID: l.respID})
	}
	c.afterResponse()
}

// stopAudio stops the speaker within a packet and returns how much of the
// message was heard: the audio sent, or in text mode the time since the
// deltas began.
func (c *call) stopAudio(l *line) time.Duration {
	if l.hush != nil {
		l.hush()
		<-l.stopped
		l.playing = false
	}
	switch {
	case l.speaking:
		return time.Duration(l.frames.Load()) * speakFrame
	case l.voiced:
		return time.Since(l.start)
	}
	return 0
}

// endResponse closes the message and any function call after it, then
// sends response.done with status.
func (c *call) endResponse(status, reason string) *line {
	l := c.iv.line
	c.iv.line = nil
	c.t.pace.Stop()
	if l.itemID != "" {
		c.closeMessage(l, status)
	}
	if status == "completed" && l.reply.after != nil {
		c.callFunction(l, *l.reply.after)
	}
	c.emit(responseEvent{header: hdr("response.done"), Response: c.response(l, status, reason)})
	return l
}

// closeMessage sends the message's closing events in OpenAI's order; a
// message cut short keeps only the text already sent.
func (c *call) closeMessage(l *line, status string) {
	if status != "completed" {
		l.text = joinChunks(l.chunks[:l.sent])
	}
	c.emit(outputAudioDoneEvent{header: hdr("response.output_audio.done"), ResponseID: l.respID,
		ItemID: l.itemID, OutputIndex: l.index})
	c.emit(transcriptDoneEvent{header: hdr("response.output_audio_transcript.done"),
		ResponseID: l.respID, ItemID: l.itemID, OutputIndex: l.index, Transcript: l.text})
	c.emit(contentPartEvent{header: hdr("response.content_part.done"), ResponseID: l.respID, ItemID: l.itemID,
		OutputIndex: l.index, Part: partObject{Type: "audio", Transcript: l.text}})
	item := c.message(l, itemStatus(status), true)
	c.emit(outputItemEvent{header: hdr("response.output_item.done"), ResponseID: l.respID, OutputIndex: l.index, Item: item})
	c.emit(conversationItemEvent{header: hdr("conversation.item.done"), PreviousItemID: l.prev, Item: item})
	l.output = append(l.output, item)
}

// afterResponse starts a response a user turn asked for meanwhile, or
// waits for the candidate to speak.
func (c *call) afterResponse() {
	if c.iv.queued {
		c.iv.queued = false
		c.startResponse()
		return
	}
	c.awaitSpeech()
}

func itemStatus(responseStatus string) string {
	if responseStatus == "completed" {
		return "completed"
	}
	return "incomplete"
}

func joinChunks(cs []string) string {
	s := ""
	for _, c := range cs {
		s += c
	}
	return s
}

func (c *call) message(l *line, status string, withTranscript bool) itemObject {
	content := []contentObject{}
	if withTranscript {
		content = append(content, contentObject{Type: "output_audio", Transcript: transcriptJSON(l.text)})
	}
	return itemObject{ID: l.itemID, Object: "realtime.item", Type: "message", Status: status,
		Role: "assistant", Content: &content}
}

func (c *call) response(l *line, status, reason string) responseObject {
	output := l.output
	if output == nil || status == "in_progress" {
		output = []itemObject{}
	}
	r := responseObject{Object: "realtime.response", ID: l.respID, Status: status, Output: output,
		ConversationID: c.convID, OutputModalities: []string{"audio"}, MaxOutputTokens: "inf",
		Audio: responseAudio{Output: sessionOutputVoice{Format: pcm24k, Voice: c.sess.Voice}}}
	if reason != "" {
		r.StatusDetails = &statusDetails{Type: status, Reason: reason}
	}
	if status != "in_progress" {
		out := textTokens(l.text) + l.toolTokens
		r.Usage = c.usage.response(c.sess.Instructions, out,
			audioTokens(time.Duration(l.frames.Load())*speakFrame, outputAudioTokensPerSec))
	}
	return r
}
