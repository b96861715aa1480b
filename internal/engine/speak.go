package engine

import (
	"context"
	"time"
)

// lineKind says what follows a spoken line.
type lineKind int

const (
	lineQuestion lineKind = iota // then wait for the answer
	lineClosing                  // then end the call
)

// line is one interviewer response: a response with one assistant message
// whose transcript goes out in deltas.
type line struct {
	kind   lineKind
	respID string
	itemID string
	text   string
	chunks []string
	sent   int
	voiced bool // the synthesiser has answered; deltas are flowing

	interval time.Duration      // between deltas: the audio's length spread over them
	playing  bool               // the speaker is still sending the line's audio
	hush     context.CancelFunc // stops the speaker (response.cancel, the next line)
}

// startLine begins a response. The synthesiser runs on its own goroutine
// so a slow one never stalls the call; the rest of the response follows
// when it answers (synthesized).
func (c *call) startLine(text string, kind lineKind) {
	l := &line{kind: kind, respID: newID("resp_"), itemID: newID("item_"), text: text,
		chunks: chunks(text, c.e.cfg.Turn.WordsPerDelta)}
	c.iv.line = l
	c.iv.phase = phaseSpeaking
	if kind == lineClosing {
		c.iv.phase = phaseClosing
	}
	c.emit(responseEvent{header: hdr("response.created"), Response: c.response(l, "in_progress", nil)})
	req := Line{Text: text, Voice: c.sess.Voice, Language: c.sess.Language}
	c.goTracked(func() {
		pcm, err := c.e.cfg.Synthesizer.Synthesize(c.ctx, req)
		c.post(synthesized{line: l, pcm: pcm, err: err})
	})
}

// voice starts the audible part of the line once its audio is ready.
func (c *call) voice(s synthesized) {
	l := c.iv.line
	if l != s.line || l.voiced {
		return
	}
	if s.err != nil && c.ctx.Err() == nil {
		c.log.Warn("synthesise line", "err", s.err)
	}
	l.voiced = true
	c.emit(audioBufferEvent{header: hdr("output_audio_buffer.started"), ResponseID: l.respID})
	c.emit(outputItemEvent{header: hdr("response.output_item.added"), ResponseID: l.respID,
		Item: c.item(l, "in_progress", false)})
	c.iv.lastItem = l.itemID
	l.interval = c.e.cfg.Turn.DeltaInterval
	if frames := c.speaker.frames(s.pcm); len(frames) > 0 {
		l.playing = true
		l.interval = time.Duration(len(frames)) * speakFrame / time.Duration(len(l.chunks))
		ctx, cancel := context.WithCancel(c.ctx)
		l.hush = cancel
		c.goTracked(func() {
			c.speaker.play(ctx, frames)
			c.post(played{line: l})
		})
	}
	c.t.pace.Reset(l.interval)
}

// played is the speaker's report that a line's audio has been sent.
type played struct{ line *line }

// played finishes the line once its audio and its deltas are all out.
func (c *call) played(p played) {
	l := c.iv.line
	if l != p.line {
		return
	}
	l.playing = false
	if l.sent == len(l.chunks) {
		c.finishLine("completed")
	}
}

// tick sends the next delta, or finishes the line after the last one.
func (c *call) tick() {
	l := c.iv.line
	if l == nil || !l.voiced {
		return
	}
	if l.sent < len(l.chunks) {
		c.emit(transcriptDeltaEvent{header: hdr("response.output_audio_transcript.delta"),
			ResponseID: l.respID, ItemID: l.itemID, Delta: l.chunks[l.sent]})
		l.sent++
		c.t.pace.Reset(l.interval)
		return
	}
	if !l.playing {
		c.finishLine("completed")
	}
}

// finishLine sends the closing events of the response in OpenAI's order.
// status is "completed", or "cancelled" by response.cancel (the transcript
// then holds what was already sent).
func (c *call) finishLine(status string) {
	l := c.iv.line
	c.iv.line = nil
	if l.hush != nil {
		l.hush()
	}
	if status != "completed" {
		l.text = joinChunks(l.chunks[:l.sent])
	}
	if !l.voiced { // cancelled before any audio or text went out
		c.emit(responseEvent{header: hdr("response.done"), Response: c.response(l, status, nil)})
		c.afterLine(l.kind)
		return
	}
	c.emit(transcriptDoneEvent{header: hdr("response.output_audio_transcript.done"),
		ResponseID: l.respID, ItemID: l.itemID, Transcript: l.text})
	c.emit(outputItemEvent{header: hdr("response.output_item.done"), ResponseID: l.respID,
		Item: c.item(l, itemStatus(status), true)})
	c.emit(audioBufferEvent{header: hdr("output_audio_buffer.stopped"), ResponseID: l.respID})
	c.emit(responseEvent{header: hdr("response.done"), Response: c.response(l, status, []itemObject{c.item(l, itemStatus(status), true)})})
	c.afterLine(l.kind)
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

func (c *call) item(l *line, status string, withTranscript bool) itemObject {
	content := []contentObject{}
	if withTranscript {
		content = append(content, contentObject{Type: "output_audio", Transcript: l.text})
	}
	return itemObject{ID: l.itemID, Object: "realtime.item", Type: "message", Status: status,
		Role: "assistant", Content: content}
}

func (c *call) response(l *line, status string, output []itemObject) responseObject {
	if output == nil {
		output = []itemObject{}
	}
	r := responseObject{Object: "realtime.response", ID: l.respID, Status: status, Output: output,
		ConversationID: c.convID, OutputModalities: []string{"audio"}, MaxOutputTokens: "inf",
		Audio: responseAudio{Output: sessionOutputVoice{Format: pcm24k, Voice: c.sess.Voice}}}
	if status != "in_progress" {
		r.Usage = &usageObject{}
	}
	return r
}

// synthesized is the synthesiser's answer for a line.
type synthesized struct {
	line *line
	pcm  PCM
	err  error
}
