package speech

import (
	"context"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/interviewd/interviewd/internal/engine"
)

// benchUtterance is answer 1 spoken by flite at 16 kHz.
func benchUtterance(b *testing.B) engine.Utterance {
	needTool(b, "flite")
	wav := filepath.Join(b.TempDir(), "a.wav")
	if out, err := exec.Command("flite", "-voice", "slt", "-t", answers[0], "-o", wav).CombinedOutput(); err != nil {
		b.Fatalf("flite: %v %s", err, out)
	}
	pcm, err := ReadWAV(wav)
	must(b, err)
	return engine.Utterance{Audio: pcm, Language: "en"}
}

// BenchmarkRecognize measures one answer through pocketsphinx_continuous
// (a process per answer, the default). With -tags pocketsphinx_cgo the
// in-process library runs beside it (recognizeLibrary).
func BenchmarkRecognize(b *testing.B) {
	u := benchUtterance(b)
	b.Run("program", func(b *testing.B) {
		r := findPocketsphinx(context.Background(), exec.LookPath)
		if r == nil {
			b.Skip("no pocketsphinx_continuous")
		}
		benchRecognizer(b, r, u)
	})
	recognizeLibrary(b, u)
}

func benchRecognizer(b *testing.B, r engine.Recognizer, u engine.Utterance) {
	var text string
	for b.Loop() {
		tr, err := r.Recognize(context.Background(), u)
		must(b, err)
		text = tr.Text
	}
	b.ReportMetric(float64(b.Elapsed().Seconds())/float64(b.N)/u.Audio.Duration().Seconds(), "x_realtime")
	b.ReportMetric(100*WER(answers[0], text), "WER_%")
}
