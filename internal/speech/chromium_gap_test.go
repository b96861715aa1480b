package speech

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/interviewd/interviewd/internal/engine"
	"github.com/interviewd/interviewd/internal/testenv"
)

// chromiumPage is a candidate's page as the room's is in what matters to
// the microphone: getUserMedia with the room's constraints (echo
// cancellation as given, no noise suppression, no gain control), the
// interviewer's track played in an <audio> element, the oai-events data
// channel; the offer goes to the engine's calls endpoint. With greet set,
// it asks for one response once the channel is open.
const chromiumPage = `<!doctype html><html><body><script type="module">
const mic = await navigator.mediaDevices.getUserMedia({audio: {echoCancellation: %t, noiseSuppression: false, autoGainControl: false}});
const pc = new RTCPeerConnection();
pc.addTrack(mic.getAudioTracks()[0], mic);
pc.ontrack = e => { const a = new Audio(); a.srcObject = new MediaStream([e.track]); document.body.append(a); a.play(); };
const dc = pc.createDataChannel("oai-events");
dc.onopen = () => %t && dc.send(JSON.stringify({type: "response.create"}));
await pc.setLocalDescription(await pc.createOffer());
await new Promise(r => { pc.onicegatheringstatechange = () => pc.iceGatheringState === "complete" && r(); if (pc.iceGatheringState === "complete") r(); });
const form = new FormData();
form.append("sdp", pc.localDescription.sdp);
form.append("session", new Blob([%q], {type: "application/json"}));
const resp = await fetch("/v1/realtime/calls", {method: "POST", body: form, headers: {Authorization: "Bearer %s"}});
await pc.setRemoteDescription({type: "answer", sdp: await resp.text()});
</script></body></html>`

// chromiumLead is the microphone's silence before the first answer: long
// enough for the greeting (about 12 s with flite) to have been played.
const chromiumLead = 22 * time.Second

// keeper is a recogniser that keeps what it heard and made of it.
type keeper struct {
	engine.Recognizer
	mu    sync.Mutex
	texts []string
}

func (k *keeper) Recognize(ctx context.Context, u engine.Utterance) (engine.Transcript, error) {
	tr, err := k.Recognizer.Recognize(ctx, u)
	k.mu.Lock()
	defer k.mu.Unlock()
	k.texts = append(k.texts, tr.Text)
	return tr, err
}

func (k *keeper) heard() []string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return append([]string(nil), k.texts...)
}

// BenchmarkRecognitionChromium reports pocketsphinx's word error rate on
// gapClips from their WAV files and through Chromium (its fake microphone
// playing them, 4 s apart) to the engine, pooled, with the room's echo
// cancellation on and off: with the interviewer silent, greeting before
// the answers, or also responding to each answer (its lines then overlap
// the next answer until barge-in stops them). It shows what the browser's
// audio processing costs beside the engine's own path
// (BenchmarkRecognitionGap).
func BenchmarkRecognitionChromium(b *testing.B) {
	tools := detected(b)
	clips := recordClips(b, gapClips)
	file := make([]string, len(clips))
	for i, c := range clips {
		file[i] = recognizeText(tools.Recognizer, c.wav)
	}
	g := gapResult{clips: clips}
	for _, v := range []struct {
		name string
		chromiumCall
	}{
		{"echo_cancellation=on/interviewer=silent", chromiumCall{ec: true}},
		{"echo_cancellation=on/interviewer=greets", chromiumCall{ec: true, greet: true}},
		{"echo_cancellation=off/interviewer=greets", chromiumCall{greet: true}},
		{"echo_cancellation=on/interviewer=responds", chromiumCall{ec: true, greet: true, respond: true}},
		{"echo_cancellation=off/interviewer=responds", chromiumCall{greet: true, respond: true}},
	} {
		b.Run(v.name, func(b *testing.B) {
			for range b.N { // one run: it takes two minutes
				heard := heardThroughChromium(b, tools, clips, v.chromiumCall)
				b.StopTimer()
				for i, c := range clips {
					fmt.Printf("%s clip %d: WER %5.1f%% (file %5.1f%%) %s\n", v.name, i+1,
						100*WER(c.text, heard[i]), 100*WER(c.text, file[i]), heard[i])
				}
				b.ReportMetric(g.pooled(file), "wer_file_pct")
				b.ReportMetric(g.pooled(heard), "wer_call_pct")
				b.ReportMetric(g.pooled(heard)-g.pooled(file), "gap_pts")
				break
			}
		})
	}
}

// chromiumCall is how a Chromium call is set up: the microphone's echo
// cancellation; whether the interviewer greets (one response.create when
// the data channel opens) and whether it responds to each answer
// (create_response), as it does in an interview, its next line then
// starting about when the next clip does.
type chromiumCall struct{ ec, greet, respond bool }

// heardThroughChromium plays the clips on Chromium's fake microphone in a
// call to the engine and returns what the engine's recogniser made of each.
func heardThroughChromium(b *testing.B, tools Tools, clips []answerClip, cc chromiumCall) []string {
	b.Helper()
	mic := engine.PCM{Rate: 16000, Samples: make([]int16, int(chromiumLead.Seconds()*16000))}
	for _, c := range clips {
		mic.Samples = append(mic.Samples, c.wav.Samples...)
		mic.Samples = append(mic.Samples, make([]int16, 4*16000)...)
	}
	wav := filepath.Join(b.TempDir(), "mic.wav")
	must(b, writeWAVFile(wav, mic))
	k := &keeper{Recognizer: tools.Recognizer}
	voice := engine.Synthesizer(engine.NoSynthesizer{})
	if cc.greet {
		voice = tools.Synthesizer
	}
	e, _ := startEngine(b, Tools{Recognizer: k, Synthesizer: voice})
	mux := http.NewServeMux()
	mux.Handle("/v1/", e.Handler())
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprintf(w, chromiumPage, cc.ec, cc.greet, gapSession(cc.respond), testKey)
	})
	srv := httptest.NewServer(mux)
	b.Cleanup(srv.Close)
	ctx := testenv.Browser(b, testenv.FakeMicrophone(wav))
	must(b, chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")))
	deadline := time.Now().Add(mic.Duration() + 30*time.Second)
	for len(k.heard()) < len(clips) && time.Now().Before(deadline) {
		time.Sleep(500 * time.Millisecond)
	}
	heard := k.heard()
	if len(heard) != len(clips) {
		b.Fatalf("the engine heard %d answers, want %d: %q", len(heard), len(clips), heard)
	}
	return heard
}
