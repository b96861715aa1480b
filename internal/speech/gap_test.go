package speech

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	pionopus "github.com/pion/opus"

	"github.com/interviewd/interviewd/internal/engine"
	"github.com/interviewd/interviewd/internal/testenv/peer"
)

// gapClips are answers as a candidate might give them, spoken by flite.
var gapClips = []string{
	"I built the payment service that handles refunds for our online store, and I wrote most of its tests in Go.",
	answers[0],
	answers[1],
	"Last year I led a small team that moved our database to a new cloud provider without any downtime.",
	"When a release went wrong, I rolled it back, found the bug in the cache, and added a test for it.",
	"I enjoy working with people who care about quality and who explain their decisions clearly.",
}

// maxGapPoints is how many points of word error rate the call may add to
// the file's, pooled over gapClips.
const maxGapPoints = 2.0

// chromiumKbps is the Opus bitrate Chromium sends when the answer asks for
// wideband (maxplaybackrate=16000): WebRTC's default for a 16 kHz playback
// rate, about 50 bytes per 20 ms of speech as measured from Chromium 156.
const chromiumKbps = "20"

// answerClip is one answer: the text, flite's WAV, and the Opus packets a
// browser would send of it.
type answerClip struct {
	text string
	wav  engine.PCM
	pkts []peer.Packet
}

// recordClips speaks each text with flite (voice slt, 16 kHz) and encodes
// it as Chromium would: Opus at chromiumKbps, wideband, 20 ms frames; each
// packet carries the RFC 6464 level of its audio.
func recordClips(t testing.TB, texts []string) []answerClip {
	t.Helper()
	needTool(t, "flite")
	needTool(t, "opusenc")
	out := make([]answerClip, len(texts))
	for i, text := range texts {
		dir := t.TempDir()
		wav, ogg := filepath.Join(dir, "answer.wav"), filepath.Join(dir, "answer.opus")
		if b, err := exec.Command("flite", "-voice", "slt", "-t", text, "-o", wav).CombinedOutput(); err != nil {
			t.Fatalf("flite: %v %s", err, b)
		}
		if b, err := exec.Command("opusenc", "--quiet", "--bitrate", chromiumKbps, "--framesize", "20", wav, ogg).CombinedOutput(); err != nil {
			t.Fatalf("opusenc: %v %s", err, b)
		}
		pcm, err := ReadWAV(wav)
		must(t, err)
		pkts, err := peer.ReadOgg(ogg)
		must(t, err)
		out[i] = answerClip{text: text, wav: pcm, pkts: pkts}
	}
	return out
}

// gapResult is one measurement: per clip what pocketsphinx made of the
// WAV, of the packets decoded offline, and of the call, and the audio the
// engine handed its recogniser.
type gapResult struct {
	clips                []answerClip
	file, decoded, heard []string
	callAudio            []engine.PCM
	stats                engine.Stats
}

// pooled is the word error rate over all clips (errors / words), in %.
func (g gapResult) pooled(hyps []string) float64 {
	var errs, words float64
	for i, c := range g.clips {
		n := float64(len(Words(c.text)))
		errs += WER(c.text, hyps[i]) * n
		words += n
	}
	return 100 * errs / words
}

// measureGap recognises each clip from its WAV and from its Opus packets
// decoded as the engine decodes them, while the same packets go through a
// pion call to the engine; the file's recognitions run during the call.
func measureGap(t testing.TB) gapResult {
	t.Helper()
	rec := detected(t).Recognizer
	g := gapResult{clips: recordClips(t, gapClips)}
	offline := make(chan [2][]string, 1)
	go func() {
		var file, decoded []string
		for _, c := range g.clips {
			file = append(file, recognizeText(rec, c.wav))
			decoded = append(decoded, recognizeText(rec, pionDecode(c.pkts)))
		}
		offline <- [2][]string{file, decoded}
	}()
	g.heard, g.callAudio, g.stats = heardThroughCall(t, rec, g.clips)
	off := <-offline
	g.file, g.decoded = off[0], off[1]
	for i, c := range g.clips {
		fmt.Printf("clip %d: %s\n  file    WER %5.1f%%  %s\n  decoded WER %5.1f%%  %s\n  call    WER %5.1f%%  %s\n          %s\n",
			i+1, c.text, 100*WER(c.text, g.file[i]), g.file[i], 100*WER(c.text, g.decoded[i]), g.decoded[i],
			100*WER(c.text, g.heard[i]), g.heard[i], compare(c.wav, g.callAudio[i]))
	}
	fmt.Printf("pooled WER: file %.1f%%, decoded %.1f%%, call %.1f%%; engine %+v\n",
		g.pooled(g.file), g.pooled(g.decoded), g.pooled(g.heard), g.stats)
	return g
}

// BenchmarkRecognitionGap reports pocketsphinx's word error rate on the
// same flite answers from their WAV files and through a pion call to the
// engine (sent as Chromium sends: Opus at 20 kbit/s, 20 ms frames, the
// audio-level extension, real time), pooled over the clips, and the gap.
// wer_decoded_pct is the packets decoded offline: the codec's share.
func BenchmarkRecognitionGap(b *testing.B) {
	for range b.N { // one run: a call takes a minute
		g := measureGap(b)
		b.StopTimer()
		b.ReportMetric(g.pooled(g.file), "wer_file_pct")
		b.ReportMetric(g.pooled(g.decoded), "wer_decoded_pct")
		b.ReportMetric(g.pooled(g.heard), "wer_call_pct")
		b.ReportMetric(g.pooled(g.heard)-g.pooled(g.file), "gap_pts")
		b.ReportMetric(float64(g.stats.DroppedPackets+g.stats.LatePackets+g.stats.BadFrames), "lost_packets")
		break
	}
}

// TestRecognitionGap checks that the call hears the answers as well as
// the files: the pooled word error rate through the call is at most
// maxGapPoints above the files', and for each clip the audio the
// recogniser got holds all of the speech, at the same level, and is as
// close to the WAV as the packets decoded offline (the call adds nothing
// to what the codec loses).
func TestRecognitionGap(t *testing.T) {
	checkLeaks(t)
	g := measureGap(t)
	if gap := g.pooled(g.heard) - g.pooled(g.file); gap > maxGapPoints {
		t.Errorf("word error rate through the call %.1f%%, from the files %.1f%%: gap %.1f points > %.0f",
			g.pooled(g.heard), g.pooled(g.file), gap, maxGapPoints)
	}
	for i, c := range g.clips {
		call, dec := compare(c.wav, g.callAudio[i]), compare(c.wav, pionDecode(c.pkts))
		first, last := speechSpan(c.wav.Samples)
		if call.lag+first < 0 || call.lag+last >= len(g.callAudio[i].Samples) {
			t.Errorf("clip %d: the call's audio cuts the speech: %s (speech from %d to %d ms of the WAV)",
				i+1, call, first/16, last/16)
		}
		if math.Abs(call.levelDB) > 1 {
			t.Errorf("clip %d: level %+.1f dB from the WAV's", i+1, call.levelDB)
		}
		if call.snrDB < dec.snrDB-1 {
			t.Errorf("clip %d: SNR through the call %.1f dB, decoded offline %.1f dB", i+1, call.snrDB, dec.snrDB)
		}
	}
}

// speechSpan returns the first and last sample louder than -40 dBFS.
func speechSpan(s []int16) (first, last int) {
	const loud = 328
	first, last = -1, -1
	for i, v := range s {
		if v > loud || v < -loud {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	return max(first, 0), max(last, 0)
}

// tap is a recogniser that hands over what it was given.
type tap struct {
	engine.Recognizer
	heard chan engine.PCM
}

func (r tap) Recognize(ctx context.Context, u engine.Utterance) (engine.Transcript, error) {
	select {
	case r.heard <- u.Audio:
	default:
	}
	return r.Recognizer.Recognize(ctx, u)
}

// gapInstructions have more questions than there are clips, so that no
// interviewer ends the call before the last one.
var gapInstructions = func() string {
	var b strings.Builder
	b.WriteString("You are a friendly interviewer for Example Corp.\nCandidate: Ada Lovelace\nPosition: Backend Engineer\n\n")
	b.WriteString("Ask these questions in order, one at a time:\n")
	for i := range 3 * len(gapClips) {
		fmt.Fprintf(&b, "%d. Tell me more, part %d.\n", i+1, i+1)
	}
	return b.String()
}()

// gapSession has turn detection as interviewd's session builder sets it;
// without respond, no responses: only the candidate's turns matter.
func gapSession(respond bool) string {
	b, _ := json.Marshal(map[string]any{
		"type": "realtime", "model": "gpt-realtime", "instructions": gapInstructions,
		"audio": map[string]any{
			"input": map[string]any{
				"transcription": map[string]any{"model": "gpt-4o-transcribe", "language": "en"},
				"turn_detection": map[string]any{"type": "server_vad", "threshold": 0.5, "prefix_padding_ms": 300,
					"silence_duration_ms": endOfTurn, "create_response": respond},
			},
		},
	})
	return string(b)
}

// heardThroughCall sends each clip through one pion call, as Chromium
// would (Opus, 20 ms frames, the audio-level extension, real time, an open
// microphone), and returns the engine's transcript of each, the audio its
// recogniser was given and the engine's media counters.
func heardThroughCall(t testing.TB, rec engine.Recognizer, clips []answerClip) ([]string, []engine.PCM, engine.Stats) {
	t.Helper()
	r := tap{Recognizer: rec, heard: make(chan engine.PCM, len(clips)+4)}
	e, srv := startEngine(t, Tools{Recognizer: r, Synthesizer: engine.NoSynthesizer{}})
	p := peer.New(t, peer.Options{AudioLevel: true, OpenMic: true})
	call(t, p, srv, gapSession(false))
	p.Send(peer.Silence(time.Second)...)
	texts := make([]string, len(clips))
	pcms := make([]engine.PCM, len(clips))
	for i, c := range clips {
		p.Send(c.pkts...)
		texts[i] = transcribed(t, p)
		select {
		case pcms[i] = <-r.heard:
		case <-time.After(time.Second):
			t.Fatalf("clip %d: the recogniser was not called", i+1)
		}
	}
	return texts, pcms, e.Stats()
}

// transcribed waits for the transcription of the next committed turn.
func transcribed(t testing.TB, p *peer.Peer) string {
	t.Helper()
	timeout := time.After(60 * time.Second)
	for {
		select {
		case ev := <-p.Events():
			switch ev.Type {
			case "conversation.item.input_audio_transcription.completed":
				return ev.Transcript
			case "conversation.item.input_audio_transcription.failed", "error":
				t.Fatalf("%s", ev.Raw)
			}
		case <-timeout:
			t.Fatal("no transcription within 60 s")
		}
	}
}

// recognizeText runs the recogniser; an error is its text, which counts
// as every word wrong.
func recognizeText(r engine.Recognizer, p engine.PCM) string {
	tr, err := r.Recognize(context.Background(), engine.Utterance{Audio: p, Language: "en"})
	if err != nil {
		return "[" + err.Error() + "]"
	}
	return tr.Text
}

// pionDecode decodes packets one by one at 16 kHz, as the engine's
// listener does; a packet that does not decode adds nothing.
func pionDecode(pkts []peer.Packet) engine.PCM {
	dec, _ := pionopus.NewDecoderWithOutput(16000, 1)
	buf := make([]int16, 16000*120/1000)
	out := engine.PCM{Rate: 16000}
	for _, p := range pkts {
		if n, err := dec.DecodeToInt16(p.Payload, buf); err == nil {
			out.Samples = append(out.Samples, buf[:n]...)
		}
	}
	return out
}

// comparison is how audio compares with the clip's WAV once aligned.
type comparison struct {
	lag     int     // where the WAV's first sample is in the audio (negative: before it)
	tail    int     // samples of audio after the WAV's end (negative: its end is cut)
	levelDB float64 // RMS level relative to the WAV's, over the common part
	snrDB   float64 // the WAV against its difference with the audio at the best gain
	seconds float64 // the audio's length
}

func (c comparison) String() string {
	return fmt.Sprintf("%.2f s, WAV starts at %+d ms, %+d ms after its end, level %+.1f dB, SNR %.1f dB",
		c.seconds, c.lag/16, c.tail/16, c.levelDB, c.snrDB)
}

// compare aligns got with ref (both 16 kHz) by cross-correlation.
func compare(ref, got engine.PCM) comparison {
	lag := align(ref.Samples, got.Samples)
	var rr, gg, rg float64
	for i, r := range ref.Samples {
		j := i + lag
		if j < 0 || j >= len(got.Samples) {
			continue
		}
		x, y := float64(r), float64(got.Samples[j])
		rr, gg, rg = rr+x*x, gg+y*y, rg+x*y
	}
	c := comparison{lag: lag, tail: len(got.Samples) - lag - len(ref.Samples),
		seconds: float64(len(got.Samples)) / 16000}
	if rr > 0 && gg > 0 {
		c.levelDB = 10 * math.Log10(gg/rr)
		g := rg / gg // the gain that best maps got onto ref
		noise := rr - 2*g*rg + g*g*gg
		c.snrDB = 10 * math.Log10(rr/math.Max(noise, 1e-9))
	}
	return c
}

// align returns the lag (position in got of ref's first sample) that
// correlates best, searched every 8 samples, then refined.
func align(ref, got []int16) int {
	const step = 8
	best, coarse := math.Inf(-1), 0
	for lag := -len(ref) / 2; lag < len(got); lag += step {
		if s := correlate(ref, got, lag, step); s > best {
			best, coarse = s, lag
		}
	}
	best, fine := math.Inf(-1), coarse
	for lag := coarse - 2*step; lag <= coarse+2*step; lag++ {
		if s := correlate(ref, got, lag, 1); s > best {
			best, fine = s, lag
		}
	}
	return fine
}

func correlate(ref, got []int16, lag, step int) float64 {
	var s float64
	for i := 0; i < len(ref); i += step {
		if j := i + lag; j >= 0 && j < len(got) {
			s += float64(ref[i]) * float64(got[j])
		}
	}
	return s
}
