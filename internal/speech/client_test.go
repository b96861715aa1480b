package speech

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/engine"
	"github.com/interviewd/interviewd/internal/testenv"
	"github.com/interviewd/interviewd/internal/testenv/peer"
)

const testKey = "sk-test-speech"

// utterance is recorded microphone audio: 20 ms Opus packets, each with
// the RFC 6464 level Chromium would put in the header extension.
type utterance struct {
	packets []peer.Packet
	path    string // the Ogg file
}

// part of a recorded answer: words spoken by flite, or a pause.
type part struct {
	text  string
	pause time.Duration
}

func say(text string) part       { return part{text: text} }
func pause(d time.Duration) part { return part{pause: d} }
func needTool(t testing.TB, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		testenv.Missing(t, name, err)
	}
}

// record speaks the parts with flite (voice slt, 16 kHz), encodes them
// with opusenc into an Ogg file, and reads the packets back with pion's
// Ogg reader: the audio a browser's microphone would send.
func record(t testing.TB, parts ...part) utterance {
	t.Helper()
	needTool(t, "flite")
	needTool(t, "opusenc")
	dir := t.TempDir()
	pcm := engine.PCM{Rate: 16000}
	for i, p := range parts {
		if p.text == "" {
			pcm.Samples = append(pcm.Samples, make([]int16, int(p.pause.Seconds()*16000))...)
			continue
		}
		wav := filepath.Join(dir, "part.wav")
		if out, err := exec.Command("flite", "-voice", "slt", "-t", p.text, "-o", wav).CombinedOutput(); err != nil {
			t.Fatalf("flite part %d: %v %s", i, err, out)
		}
		spoken, err := ReadWAV(wav)
		if err != nil || spoken.Rate != 16000 {
			t.Fatalf("flite output: %v (rate %d)", err, spoken.Rate)
		}
		pcm.Samples = append(pcm.Samples, spoken.Samples...)
	}
	wav, ogg := filepath.Join(dir, "answer.wav"), filepath.Join(dir, "answer.opus")
	if err := writeWAVFile(wav, pcm); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("opusenc", "--quiet", "--bitrate", "24", "--framesize", "20", wav, ogg).CombinedOutput(); err != nil {
		t.Fatalf("opusenc: %v %s", err, out)
	}
	return readOgg(t, ogg)
}

func readOgg(t testing.TB, path string) utterance {
	t.Helper()
	packets, err := peer.ReadOgg(path)
	must(t, err)
	return utterance{packets: packets, path: path}
}

// newPeer is a candidate's browser whose microphone is open: it sends
// 20 ms Opus packets in real time, silence between answers, with the
// audio-level extension when levels is set, as Chromium does.
func newPeer(t testing.TB, levels bool) *peer.Peer {
	t.Helper()
	return peer.New(t, peer.Options{AudioLevel: levels, OpenMic: true})
}

// call offers to the engine behind srv with session, applies the answer,
// waits until the peer is connected and returns the answer and the call id.
func call(t testing.TB, p *peer.Peer, srv *httptest.Server, session string) (string, string) {
	t.Helper()
	answer, id := postOffer(t, srv, p.Offer(), session)
	p.Answer(answer)
	p.WaitConnected()
	return answer, id
}

// postOffer creates a call on the engine behind srv, as interviewd's
// provider client does, and returns its answer and call id.
func postOffer(t testing.TB, srv *httptest.Server, offer, session string) (string, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, f := range [][3]string{{"sdp", "application/sdp", offer}, {"session", "application/json", session}} {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="`+f[0]+`"`)
		h.Set("Content-Type", f[1])
		w, _ := mw.CreatePart(h)
		_, _ = io.WriteString(w, f[2])
	}
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/v1/realtime/calls", &body)
	req.Header.Set("Authorization", "Bearer "+testKey)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := http.DefaultClient.Do(req)
	must(t, err)
	answer, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create call: %d %s", resp.StatusCode, answer)
	}
	return string(answer), path.Base(resp.Header.Get("Location"))
}

// hangup ends the call as interviewd does once the goodbye is heard.
func hangup(t testing.TB, srv *httptest.Server, callID string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/v1/realtime/calls/"+callID+"/hangup", nil)
	req.Header.Set("Authorization", "Bearer "+testKey)
	resp, err := http.DefaultClient.Do(req)
	must(t, err)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("hangup: %d", resp.StatusCode)
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// session is the session interviewd builds: the instructions, server VAD
// with the given end-of-turn silence, and the two function tools.
func session(instructions string, silenceMS int) string {
	b, _ := json.Marshal(map[string]any{
		"type": "realtime", "model": "gpt-realtime", "instructions": instructions,
		"tools": []map[string]any{
			{"type": "function", "name": "question_asked", "description": "Call when you ask question N.",
				"parameters": map[string]any{"type": "object", "properties": map[string]any{
					"index": map[string]any{"type": "integer", "minimum": 1}}, "required": []string{"index"}}},
			{"type": "function", "name": "end_interview", "description": "Call once the interview is over.",
				"parameters": map[string]any{"type": "object", "properties": map[string]any{
					"reason": map[string]any{"type": "string", "enum": []string{"completed", "candidate_request", "no_questions"}}},
					"required": []string{"reason"}}},
		},
		"tool_choice": "auto",
		"audio": map[string]any{
			"input": map[string]any{
				"transcription":  map[string]any{"model": "gpt-4o-transcribe", "language": "en"},
				"turn_detection": map[string]any{"type": "server_vad", "threshold": 0.5, "prefix_padding_ms": 300, "silence_duration_ms": silenceMS},
			},
			"output": map[string]any{"voice": "marin"},
		},
	})
	return string(b)
}

// startEngine serves an engine with the given speech parts on loopback.
func startEngine(t testing.TB, tools Tools, tweak ...func(*engine.Config)) (*engine.Engine, *httptest.Server) {
	t.Helper()
	cfg := engine.Config{APIKey: testKey, ICE: engine.ICE{LoopbackOnly: true},
		Recognizer: tools.Recognizer, Synthesizer: tools.Synthesizer,
		Turn: engine.Turn{SidebandWait: 100 * time.Millisecond}}
	for _, f := range tweak {
		f(&cfg)
	}
	e, err := engine.New(cfg)
	must(t, err)
	srv := httptest.NewServer(e.Handler())
	t.Cleanup(func() {
		_ = e.Close()
		srv.Close()
	})
	return e, srv
}

func hasLine(sdpText, prefix string) bool {
	for _, l := range strings.Split(sdpText, "\r\n") {
		if strings.HasPrefix(l, prefix) {
			return true
		}
	}
	return false
}
