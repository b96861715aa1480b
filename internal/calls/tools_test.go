package calls

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/realtime"
	"github.com/interviewd/interviewd/internal/store/sqlite"
)

// openAI stands in for OpenAI's realtime API at the provider seam, the one
// edge these tests cannot reach: it answers every offer, and its sideband
// plays the server events a test pushes (shaped as OpenAI sends them) and
// records the client events interviewd sends.
type openAI struct {
	mu       sync.Mutex
	sessions []realtime.Session // of each call created
	sent     []string
	events   chan realtime.Event
	closed   chan struct{}
	once     sync.Once
}

func newOpenAI() *openAI {
	return &openAI{events: make(chan realtime.Event, 64), closed: make(chan struct{})}
}

func (o *openAI) CreateCall(_ context.Context, _ string, s realtime.Session) (realtime.Call, error) {
	o.mu.Lock()
	o.sessions = append(o.sessions, s)
	o.mu.Unlock()
	return realtime.Call{ID: "rtc_test", AnswerSDP: "v=0\r\n"}, nil
}

func (o *openAI) DialSideband(context.Context, string) (realtime.Sideband, error) { return o, nil }

func (o *openAI) Hangup(context.Context, string) error {
	o.once.Do(func() { close(o.closed) })
	return nil
}

func (o *openAI) Send(_ context.Context, event any) error {
	b, err := json.Marshal(event)
	o.mu.Lock()
	o.sent = append(o.sent, string(b))
	o.mu.Unlock()
	return err
}

func (o *openAI) Read(ctx context.Context) (realtime.Event, error) {
	select {
	case ev := <-o.events:
		return ev, nil
	case <-o.closed:
		return realtime.Event{}, realtime.ErrSidebandClosed
	case <-ctx.Done():
		return realtime.Event{}, ctx.Err()
	}
}

func (o *openAI) Close() error { return nil }

// push sends a server event given as OpenAI's JSON.
func (o *openAI) push(t *testing.T, js string) {
	t.Helper()
	ev, err := realtime.DecodeEvent([]byte(js))
	if err != nil {
		t.Fatal(err)
	}
	o.events <- ev
}

// waitSent waits until n client events have been sent and returns them.
func (o *openAI) waitSent(t *testing.T, n int) []string {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		o.mu.Lock()
		sent := append([]string(nil), o.sent...)
		o.mu.Unlock()
		if len(sent) >= n || time.Now().After(deadline) {
			if len(sent) != n {
				t.Fatalf("sent %d events, want %d:\n%s", len(sent), n, strings.Join(sent, "\n"))
			}
			return sent
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// toolsWorld is an interview with two questions, connected and offered.
type toolsWorld struct {
	ai      *openAI
	m       *Manager
	st      *sqlite.Store
	conn    *Conn
	updates <-chan Update
	tenant  string
	id      string
}

func newToolsWorld(t *testing.T) toolsWorld {
	t.Helper()
	ctx := t.Context()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	u := interview.User{Email: "owner@example.com", Name: "Owner"}
	tn := interview.Tenant{Name: "Acme"}
	p := interview.Position{Title: "Engineer", Questions: []string{"Why?", "How?"}, MaxMinutes: 20, Language: "en"}
	c := interview.Candidate{Name: "Ada", Email: "ada@example.com"}
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(st.CreateUser(ctx, &u))
	must(st.CreateTenant(ctx, &tn, u.ID))
	p.TenantID, c.TenantID = tn.ID, tn.ID
	must(st.CreatePosition(ctx, &p))
	must(st.CreateCandidate(ctx, &c))
	v := interview.Session{TenantID: tn.ID, PositionID: p.ID, CandidateID: c.ID, JoinExpiresAt: time.Now().Add(time.Hour)}
	must(st.CreateSession(ctx, &v))
	w := toolsWorld{ai: newOpenAI(), st: st, tenant: tn.ID, id: v.ID}
	w.m, err = New(Config{Store: st, Provider: w.ai})
	must(err)
	t.Cleanup(func() { w.m.Close() })
	var unsubscribe func()
	w.updates, unsubscribe = w.m.Subscribe(tn.ID, v.ID)
	t.Cleanup(unsubscribe)
	w.conn, err = w.m.Connect(ctx, tn.ID, v.ID)
	must(err)
	must(w.conn.Offer(ctx, offer, func(Answer) {}))
	return w
}

// progress waits for the next progress update.
func (w toolsWorld) progress(t *testing.T) Progress {
	t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case u := <-w.updates:
			if u.Progress != nil {
				return *u.Progress
			}
		case <-timeout:
			t.Fatal("no progress update")
		}
	}
}

func argsDone(resp, call, name, args string) string {
	b, _ := json.Marshal(map[string]any{"type": "response.function_call_arguments.done", "response_id": resp,
		"item_id": "item_" + call, "output_index": 0, "call_id": call, "name": name, "arguments": args})
	return string(b)
}

// TestToolsDriveTheInterview: session.update then response.create; each
// question_asked is answered, recorded (clamped) and published once; a
// bad call is refused; end_interview gets its output, the goodbye is
// requested after the calling response is done, and the call is hung up
// and the interview completed once the goodbye's audio has stopped.
func TestToolsDriveTheInterview(t *testing.T) {
	w := newToolsWorld(t)
	sent := w.ai.waitSent(t, 2)
	if !strings.HasPrefix(sent[0], `{"type":"session.update"`) || sent[1] != `{"type":"response.create"}` {
		t.Fatalf("first events %q", sent)
	}
	w.ai.push(t, argsDone("resp_1", "call_1", "question_asked", `{"index":1}`))
	sent = w.ai.waitSent(t, 3)
	if want := `{"type":"conversation.item.create","item":{"type":"function_call_output","call_id":"call_1","output":"{\"ok\":true}"}}`; sent[2] != want {
		t.Errorf("output %s, want %s", sent[2], want)
	}
	if p := w.progress(t); p != (Progress{Question: 1, Total: 2}) {
		t.Errorf("progress %+v", p)
	}
	// The same call again, from response.output_item.done: answered once.
	w.ai.push(t, `{"type":"response.output_item.done","response_id":"resp_1","output_index":0,"item":{"id":"item_call_1",`+
		`"type":"function_call","status":"completed","name":"question_asked","call_id":"call_1","arguments":"{\"index\":1}"}}`)
	w.ai.push(t, argsDone("resp_2", "call_2", "question_asked", `{"index":7}`))
	w.ai.waitSent(t, 4)
	if p := w.progress(t); p != (Progress{Question: 2, Total: 2}) {
		t.Errorf("a question beyond the last is clamped: %+v", p)
	}
	if v, err := w.st.GetSession(t.Context(), w.tenant, w.id); err != nil || v.CurrentQuestion != 2 {
		t.Errorf("stored question %d, %v", v.CurrentQuestion, err)
	}
	w.ai.push(t, argsDone("resp_2", "call_3", "lookup", `{}`))
	w.ai.push(t, argsDone("resp_2", "call_4", "question_asked", `{"index":`))
	w.ai.push(t, argsDone("resp_2", "call_4b", "question_asked", `{}`))
	sent = w.ai.waitSent(t, 7)
	for _, s := range sent[4:] {
		if !strings.Contains(s, `\"ok\":false`) {
			t.Errorf("a bad call was not refused: %s", s)
		}
	}
	w.ai.push(t, argsDone("resp_3", "call_0", "question_asked", `{"index":0}`))
	w.ai.waitSent(t, 8)
	if p := w.progress(t); p != (Progress{Question: 1, Total: 2}) {
		t.Errorf("a question below the first is clamped: %+v", p)
	}
	w.ai.push(t, argsDone("resp_3", "call_5", "end_interview", `{"reason":"completed"}`))
	sent = w.ai.waitSent(t, 9)
	if !strings.Contains(sent[8], `"call_id":"call_5"`) || !strings.Contains(sent[8], "goodbye") {
		t.Errorf("end_interview output %s", sent[8])
	}
	w.ai.push(t, `{"type":"response.done","response":{"id":"resp_3","status":"completed","output":[]}}`)
	if sent = w.ai.waitSent(t, 10); sent[9] != `{"type":"response.create"}` {
		t.Errorf("goodbye request %s", sent[9])
	}
	w.ai.push(t, `{"type":"response.created","response":{"id":"resp_4","status":"in_progress","output":[]}}`)
	w.ai.push(t, `{"type":"response.output_audio_transcript.done","response_id":"resp_4","item_id":"item_9","transcript":"Thank you Ada. Goodbye."}`)
	w.ai.push(t, `{"type":"response.done","response":{"id":"resp_4","status":"completed","output":[]}}`)
	select {
	case <-w.conn.Done():
		t.Fatal("hung up before the goodbye's audio stopped")
	case <-time.After(200 * time.Millisecond):
	}
	w.ai.push(t, `{"type":"output_audio_buffer.stopped","response_id":"resp_4"}`)
	w.wantEnded(t, 2*time.Second)
}

// wantEnded waits for the interview to be completed by the interviewer.
func (w toolsWorld) wantEnded(t *testing.T, within time.Duration) {
	t.Helper()
	select {
	case <-w.conn.Done():
	case <-time.After(within):
		t.Fatal("the interview did not end")
	}
	var ended *Ended
	if !errors.As(w.conn.Err(), &ended) || ended.Status != interview.StatusCompleted || ended.Reason != ReasonInterviewerEnded {
		t.Errorf("connection ended with %v", w.conn.Err())
	}
	v, err := w.st.GetSession(t.Context(), w.tenant, w.id)
	if err != nil || v.Status != interview.StatusCompleted || v.EndReason != ReasonInterviewerEnded {
		t.Errorf("interview %s %q, %v", v.Status, v.EndReason, err)
	}
}

// TestGoodbyeWithoutAudioStopped: a provider that sends no
// output_audio_buffer.stopped (a sideband without WebRTC's audio events)
// is hung up after response.done plus the audio's estimate.
func TestGoodbyeWithoutAudioStopped(t *testing.T) {
	w := newToolsWorld(t)
	w.ai.waitSent(t, 2)
	w.ai.push(t, `{"type":"response.done","response":{"id":"resp_1","status":"completed","output":[`+
		`{"id":"item_1","type":"function_call","status":"completed","name":"end_interview","call_id":"call_1","arguments":"{\"reason\":\"candidate_request\"}"}]}}`)
	if sent := w.ai.waitSent(t, 4); sent[3] != `{"type":"response.create"}` {
		t.Fatalf("goodbye request %q", sent[2:])
	}
	start := time.Now()
	w.ai.push(t, `{"type":"response.created","response":{"id":"resp_2","status":"in_progress","output":[]}}`)
	w.ai.push(t, `{"type":"response.done","response":{"id":"resp_2","status":"completed","output":[`+
		`{"id":"item_2","type":"message","role":"assistant","content":[{"type":"output_audio","transcript":"Thank you, goodbye."}]}]}}`)
	w.wantEnded(t, 5*time.Second)
	// Three words: 1.2 s of audio plus 1 s.
	if d := time.Since(start); d < 2*time.Second || d > 4*time.Second {
		t.Errorf("hung up after %v, want about 2.2 s", d)
	}
}

// TestResumeAtTheQuestionReached: a new call resumes after the answers
// stored, but never beyond the question the interviewer reached: a
// candidate who spoke twice to question 1 has answered one question.
func TestResumeAtTheQuestionReached(t *testing.T) {
	w := newToolsWorld(t)
	w.ai.waitSent(t, 2)
	w.ai.push(t, argsDone("resp_1", "call_1", "question_asked", `{"index":1}`))
	w.progress(t)
	now := time.Now()
	_, err := w.st.AppendTranscript(t.Context(), w.tenant, w.id, []interview.TranscriptEntry{
		{ItemID: "item_a", Speaker: interview.SpeakerCandidate, Text: "Could you repeat that?", Timestamp: now, Source: interview.SourceAPI},
		{ItemID: "item_b", Speaker: interview.SpeakerCandidate, Text: "I built a compiler.", Timestamp: now, Source: interview.SourceAPI},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.conn.Offer(t.Context(), offer, func(Answer) {}); err != nil {
		t.Fatal(err)
	}
	w.ai.mu.Lock()
	resumed := w.ai.sessions[len(w.ai.sessions)-1].Instructions
	w.ai.mu.Unlock()
	if !strings.Contains(resumed, "\nResume at question: 2\n") {
		t.Errorf("the new call's instructions:\n%s", resumed)
	}
}

func TestAudioEstimate(t *testing.T) {
	for words, want := range map[int]time.Duration{0: time.Second, 5: 3 * time.Second, 1000: goodbyeAudioMax} {
		if got := audioEstimate(words); got != want {
			t.Errorf("%d words: %v, want %v", words, got, want)
		}
	}
}
