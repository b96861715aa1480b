package webm

import (
	"bytes"
	"encoding/binary"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/interviewd/interviewd/internal/testenv"
)

// recordPage records the fake microphone (and camera when the query says
// video) with MediaRecorder in one-second slices, as the room does, and
// posts the file to /upload; window.recorded is its length by the page's
// clock.
const recordPage = `<!doctype html><title>rec</title><script type="module">
const video = location.search.includes("video");
const stream = await navigator.mediaDevices.getUserMedia({audio: {echoCancellation: false, noiseSuppression: false, autoGainControl: false}, video});
const type = video ? "video/webm;codecs=vp8,opus" : "audio/webm;codecs=opus";
const rec = new MediaRecorder(stream, {mimeType: type, audioBitsPerSecond: 32000, videoBitsPerSecond: 300000});
const parts = [];
rec.ondataavailable = e => parts.push(e.data);
const t0 = performance.now();
rec.onstop = async () => {
  window.recorded = (performance.now() - t0) / 1000;
  const r = await fetch("/upload", {method: "POST", body: new Blob(parts)});
  window.done = r.status;
};
rec.start(1000);
setTimeout(() => rec.stop(), 3200);
</script>`

// playPage loads /file in a media element and reports its duration and
// whether a seek to the middle lands there; an infinite duration comes
// back as 1e9.
const playPage = `<!doctype html><title>play</title><script type="module">
const el = document.createElement(location.search.includes("video") ? "video" : "audio");
el.preload = "auto";
el.onloadedmetadata = () => {
  window.duration = isFinite(el.duration) ? el.duration : 1e9; // JSON has no Infinity
  window.width = el.videoWidth || 0;
  if (!isFinite(el.duration)) { window.seeked = -1; return; }
  el.onseeked = () => { window.seeked = el.currentTime; };
  el.currentTime = el.duration / 2;
};
el.onerror = () => { window.duration = -1; };
el.src = "/file" + location.search;
document.body.append(el);
</script>`

// chromium serves the two pages and takes the recorded file.
type chromium struct {
	srv       *httptest.Server
	mu        sync.Mutex
	got, file []byte
}

func newChromium(t *testing.T) *chromium {
	c := &chromium{}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /record", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, recordPage) })
	mux.HandleFunc("GET /play", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, playPage) })
	mux.HandleFunc("POST /upload", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		c.mu.Lock()
		c.got = b
		c.mu.Unlock()
	})
	mux.HandleFunc("GET /file", func(w http.ResponseWriter, r *http.Request) {
		c.mu.Lock()
		f := c.file
		c.mu.Unlock()
		w.Header().Set("Content-Type", "audio/webm")
		http.ServeContent(w, r, "f.webm", time.Time{}, bytes.NewReader(f))
	})
	c.srv = httptest.NewServer(mux)
	t.Cleanup(c.srv.Close)
	return c
}

// record runs the recording page and returns the file and its length by
// the page's clock.
func (c *chromium) record(t *testing.T, query string) ([]byte, float64) {
	t.Helper()
	ctx := testenv.Browser(t, testenv.FakeMicrophone(toneWAV(t, 6*time.Second)))
	ctx, cancel := testenv.Timeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(c.srv.URL+"/record"+query)); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[int](`window.done`, chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		t.Fatalf("recording: %v", err)
	}
	secs, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`window.recorded`))
	if err != nil {
		t.Fatal(err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.got, secs
}

// play serves file and returns the duration Chromium reports, where a
// seek to the middle landed, and the video's width.
func (c *chromium) play(t *testing.T, file []byte, query string) (dur, seeked, width float64) {
	t.Helper()
	c.mu.Lock()
	c.file = file
	c.mu.Unlock()
	ctx := testenv.Browser(t)
	ctx, cancel := testenv.Timeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(c.srv.URL+"/play"+query)); err != nil {
		t.Fatal(err)
	}
	v, err := chromedp.Run(ctx, chromedp.Poll[[]float64](`window.seeked !== undefined && [window.duration ?? -2, window.seeked, window.width]`, chromedp.WithPollingTimeout(20*time.Second)))
	if err != nil {
		t.Fatalf("playing: %v", err)
	}
	return v[0], v[1], v[2]
}

// TestBrowserMediaRecorderDuration records WebM with Chromium's
// MediaRecorder, measures it, writes the Duration into its head, and
// checks Chromium then shows that length (it shows Infinity before) and
// seeks into the middle.
func TestBrowserMediaRecorderDuration(t *testing.T) {
	c := newChromium(t)
	for _, tc := range []struct{ name, query string }{{"audio", ""}, {"audio and camera", "?video"}} {
		t.Run(tc.name, func(t *testing.T) {
			file, secs := c.record(t, tc.query)
			d, err := Duration(bytes.NewReader(file))
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%d bytes, recorded %.3f s by the page, measured %v", len(file), secs, d)
			if diff := math.Abs(d.Seconds() - secs); diff > 0.5 {
				t.Fatalf("measured %v, the page recorded %.3f s", d, secs)
			}
			if dur, _, _ := c.play(t, file, tc.query); dur != 1e9 {
				t.Fatalf("before SetDuration Chromium says %v (want Infinity: else this test proves nothing)", dur)
			}
			n := min(len(file), 4096)
			head, err := SetDuration(file[:n], d)
			if err != nil {
				t.Fatal(err)
			}
			fixed := append(head, file[n:]...)
			dur, seeked, width := c.play(t, fixed, tc.query)
			if math.Abs(dur-d.Seconds()) > 0.002 {
				t.Fatalf("Chromium says %v s, SetDuration wrote %v", dur, d)
			}
			if math.Abs(seeked-dur/2) > 0.25 {
				t.Fatalf("a seek to %.3f s landed at %.3f s", dur/2, seeked)
			}
			if tc.query != "" && width <= 0 {
				t.Fatalf("video width %v", width)
			}
			if again, err := Duration(bytes.NewReader(fixed)); err != nil || again != d {
				t.Fatalf("the fixed file measures %v, %v", again, err)
			}
			if os.Getenv("WEBM_WRITE_FIXTURE") != "" && tc.query == "" {
				os.WriteFile(filepath.Join("testdata", "mediarecorder-opus.webm"), file, 0o644)
			}
		})
	}
}

// toneWAV writes a 440 Hz tone for Chromium's fake microphone.
func toneWAV(t *testing.T, d time.Duration) string {
	t.Helper()
	const rate = 16000
	var b bytes.Buffer
	n := int(d.Seconds() * rate)
	le := func(v any) { binary.Write(&b, binary.LittleEndian, v) } //nolint:errcheck // a bytes.Buffer does not fail
	b.WriteString("RIFF")
	le(uint32(36 + 2*n))
	b.WriteString("WAVEfmt ")
	for _, v := range []any{uint32(16), uint16(1), uint16(1), uint32(rate), uint32(2 * rate), uint16(2), uint16(16)} {
		le(v) // format size, PCM, mono, rate, bytes per second, block align, bits
	}
	b.WriteString("data")
	le(uint32(2 * n))
	for i := range n {
		le(int16(0.5 * math.MaxInt16 * math.Sin(2*math.Pi*440*float64(i)/rate)))
	}
	path := filepath.Join(t.TempDir(), "tone.wav")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
