package calls

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/realtime"
)

// ReasonInterviewerEnded is the end reason of an interview the model ended
// through end_interview, once its goodbye had been heard.
const ReasonInterviewerEnded = "the interviewer ended the interview"

// Limits of the goodbye after end_interview.
const (
	goodbyeMax      = 60 * time.Second // from the end_interview call, whatever happens
	goodbyeAudioMax = 30 * time.Second // the estimate of the goodbye's audio
)

// The function_call_output of each answer.
const (
	outputOK  = `{"ok":true}`
	outputEnd = `{"ok":true,"result":"The interview is over. Now say a short goodbye: thank the candidate and close politely."}`
)

// tools answers the model's function calls on one call's sideband
// (docs/signaling.md, "The interviewer's tools"). It lives on the reader's
// goroutine; only the hang-up after the goodbye leaves it.
type tools struct {
	mu   sync.Mutex // the reader's events and a witnessed end_interview (carry)
	m    *Manager
	l    *live
	up   *upstream
	sb   realtime.Sideband
	seen map[string]bool // call IDs answered: a call is read from up to three events

	total int // the position's questions; 0 until first needed

	// The goodbye after end_interview.
	ending   bool
	createOn string    // send response.create at this response's response.done ("" = sent)
	awaiting bool      // response.create sent, the goodbye's response.created not yet seen
	goodbye  string    // the goodbye's response ID
	started  time.Time // its response.created
	words    int       // of its transcript
	deadline time.Time // goodbyeMax after end_interview
	timer    *time.Timer
	hungUp   bool
}

func (m *Manager) newTools(l *live, up *upstream, sb realtime.Sideband) *tools {
	return &tools{m: m, l: l, up: up, sb: sb, seen: map[string]bool{}}
}

// observe acts on one event of the call.
func (t *tools) observe(ctx context.Context, ev realtime.Event) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if fc, ok := realtime.FunctionCallOf(ev); ok {
		t.call(ctx, fc)
	}
	for _, fc := range realtime.FunctionCallsOf(ev) {
		t.call(ctx, fc)
	}
	if t.ending {
		t.followGoodbye(ctx, ev)
	}
}

// stop ends the goodbye's timer when the call is over.
func (t *tools) stop() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.m.stopTimer(&t.timer)
}

// carry takes over an end_interview this sideband did not see, as the
// room witnessed it: the sideband that saw it died, or none listened when
// the interviewer called it. When the room heard the goodbye after it
// (said), the call is hung up once that goodbye's audio has played (timed
// from when the room received it); otherwise the call is answered and the
// goodbye asked for here, as endInterview does. Either way the interview
// ends as the interviewer asked, within goodbyeMax.
func (t *tools) carry(ctx context.Context, fc realtime.FunctionCall, said []realtime.Event) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.seen[fc.CallID] || t.up.saw(fc.CallID) || t.ending {
		return
	}
	t.m.log.Info("the interviewer's end carried over", "interview_id", t.l.key.interview, "goodbye_heard", len(said) > 0)
	if len(said) == 0 {
		fc.ResponseID = "" // its response is over: ask for the goodbye now
		t.call(ctx, fc)
		return
	}
	t.seen[fc.CallID] = true
	t.ending = true
	now := t.m.now()
	t.deadline = now.Add(goodbyeMax)
	words, heard := 0, now
	for _, ev := range said {
		_, _, text, _ := WitnessLine(ev)
		words += len(strings.Fields(text))
		if ev.ReceivedAt > 0 {
			heard = clampTime(time.UnixMilli(ev.ReceivedAt), now.Add(-goodbyeAudioMax), now)
		}
	}
	t.arm(heard.Add(audioEstimate(words)).Sub(now))
}

// call answers one function call, once per call ID.
func (t *tools) call(ctx context.Context, fc realtime.FunctionCall) {
	if t.seen[fc.CallID] {
		return
	}
	t.seen[fc.CallID] = true
	switch fc.Name {
	case realtime.ToolQuestionAsked:
		t.questionAsked(ctx, fc)
	case realtime.ToolEndInterview:
		t.endInterview(ctx, fc)
	default:
		t.fail(ctx, fc, "unknown function "+fc.Name)
	}
}

// questionAsked records the question reached and tells the room and the
// recruiter. The model goes on speaking: no response.create.
func (t *tools) questionAsked(ctx context.Context, fc realtime.FunctionCall) {
	var args realtime.QuestionAskedArgs
	if err := realtime.DecodeArgs(fc.Arguments, &args); err != nil || args.Index == nil {
		t.fail(ctx, fc, "index must be the number of the question being asked")
		return
	}
	t.send(ctx, realtime.NewFunctionCallOutput(fc.CallID, outputOK))
	if t.total == 0 {
		t.total = t.m.questions(ctx, t.l.key)
	}
	if t.total > 0 {
		t.m.progress(t.l.key, min(max(*args.Index, 1), t.total), t.total)
	}
}

// endInterview answers end_interview and asks for the goodbye once the
// response that called it is done (a response.create during a response
// is refused by OpenAI).
func (t *tools) endInterview(ctx context.Context, fc realtime.FunctionCall) {
	var args realtime.EndInterviewArgs
	if err := realtime.DecodeArgs(fc.Arguments, &args); err != nil || !validEndReason(args.Reason) {
		t.fail(ctx, fc, `reason must be "completed", "candidate_request" or "no_questions"`)
		return
	}
	t.send(ctx, realtime.NewFunctionCallOutput(fc.CallID, outputEnd))
	if t.ending {
		return // one goodbye is enough
	}
	t.m.log.Info("the interviewer ends the interview", "interview_id", t.l.key.interview, "reason", args.Reason)
	t.ending = true
	t.deadline = t.m.now().Add(goodbyeMax)
	t.arm(goodbyeMax)
	// A call read from response.done is answered before followGoodbye
	// sees that same event, which then sends the response.create.
	t.createOn = fc.ResponseID
	if fc.ResponseID == "" {
		t.requestGoodbye(ctx)
	}
}

func validEndReason(r string) bool {
	switch r {
	case realtime.EndCompleted, realtime.EndCandidateRequest, realtime.EndNoQuestions:
		return true
	}
	return false
}

// fail answers a call interviewd cannot act on; the model is not asked
// to respond.
func (t *tools) fail(ctx context.Context, fc realtime.FunctionCall, msg string) {
	t.m.log.Warn("function call refused", "call_id", t.up.id, "name", fc.Name, "error", msg)
	out, _ := json.Marshal(map[string]any{"ok": false, "error": msg})
	t.send(ctx, realtime.NewFunctionCallOutput(fc.CallID, string(out)))
}

func (t *tools) send(ctx context.Context, event any) {
	if err := t.sb.Send(ctx, event); err != nil {
		t.m.log.Warn("sideband send", "call_id", t.up.id, "error", err.Error())
	}
}

func (t *tools) requestGoodbye(ctx context.Context) {
	t.createOn = ""
	t.awaiting = true
	t.send(ctx, realtime.NewResponseCreate())
}

// followGoodbye waits for the goodbye to be heard: output_audio_buffer.stopped
// for its response, else its response.done plus the audio's estimated
// length, never more than goodbyeMax after end_interview.
func (t *tools) followGoodbye(ctx context.Context, ev realtime.Event) {
	now := t.m.now()
	switch {
	case ev.Type == realtime.EvResponseDone && ev.Response != nil && t.createOn != "" && ev.Response.ID == t.createOn:
		t.requestGoodbye(ctx)
	case ev.Type == realtime.EvResponseCreated && ev.Response != nil && t.awaiting:
		t.awaiting, t.goodbye, t.started = false, ev.Response.ID, now
	case t.goodbye == "":
	case ev.Type == realtime.EvOutputTranscriptDone && ev.ResponseID == t.goodbye:
		t.words += len(strings.Fields(ev.Transcript))
	case ev.Type == realtime.EvResponseDone && ev.Response != nil && ev.Response.ID == t.goodbye:
		if t.words == 0 {
			t.words = transcriptWords(ev.Response)
		}
		at := t.started.Add(audioEstimate(t.words))
		if at.After(t.deadline) {
			at = t.deadline
		}
		t.arm(at.Sub(now))
	case ev.Type == realtime.EvAudioBufferStopped && ev.ResponseID == t.goodbye:
		t.arm(0)
	}
}

// audioEstimate is how long a goodbye of words takes to say.
func audioEstimate(words int) time.Duration {
	d := time.Duration(float64(words)/interview.SpokenWordsPerSecond*float64(time.Second)) + time.Second
	return min(d, goodbyeAudioMax)
}

func transcriptWords(r *realtime.EventResponse) int {
	n := 0
	for _, it := range r.Output {
		for _, c := range it.Content {
			if c.Transcript != nil {
				n += len(strings.Fields(*c.Transcript))
			}
			n += len(strings.Fields(c.Text))
		}
	}
	return n
}

// arm (re)sets the hang-up to d from now; a hang-up that has run stays.
func (t *tools) arm(d time.Duration) {
	if t.hungUp {
		return
	}
	t.m.stopTimer(&t.timer)
	l, up := t.l, t.up
	t.timer = t.m.after(max(d, 0), func() { t.m.interviewerEnded(l, up) })
	if d <= 0 {
		t.hungUp = true
	}
}

// interviewerEnded hangs up a call whose goodbye has been heard and
// completes the interview, unless the call has been replaced or the
// interview ended meanwhile.
func (m *Manager) interviewerEnded(l *live, up *upstream) {
	if !m.lock(l) {
		return
	}
	defer m.release(l)
	if l.call != up || l.ended {
		return
	}
	m.finish(l, interview.StatusCompleted, ReasonInterviewerEnded, "")
}

// Progress is the question the interviewer reached, as stored, of the
// position's questions: what a connection shows before the next update.
func (c *Conn) Progress(ctx context.Context) (Progress, error) {
	v, err := c.m.cfg.Store.GetSession(ctx, c.key.tenant, c.key.interview)
	if err != nil {
		return Progress{}, storeError(err)
	}
	return Progress{Question: v.CurrentQuestion, Total: len(c.brief.Position.Questions)}, nil
}

// questions is how many questions the interview's position has; 0 when
// the store cannot say.
func (m *Manager) questions(ctx context.Context, k key) int {
	v, err := m.cfg.Store.GetSession(ctx, k.tenant, k.interview)
	if err == nil {
		var p interview.Position
		if p, err = m.cfg.Store.GetPosition(ctx, k.tenant, v.PositionID); err == nil {
			return len(p.Questions)
		}
	}
	m.log.Warn("progress: read the position", "interview_id", k.interview, "error", err.Error())
	return 0
}
