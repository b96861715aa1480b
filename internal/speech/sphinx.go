package speech

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/interviewd/interviewd/internal/engine"
)

// sphinxRate is the only rate pocketsphinx's acoustic models take.
const sphinxRate = 16000

// sphinxModels is where Debian's pocketsphinx-en-us puts the English model,
// which pocketsphinx_continuous uses by default.
const sphinxModels = "/usr/share/pocketsphinx/model/en-us"

// Pocketsphinx recognises English answers by running pocketsphinx_continuous
// on each one (a WAV file in a temporary directory).
type Pocketsphinx struct {
	program string
	version string
}

func findPocketsphinx(ctx context.Context, look LookPath) *Pocketsphinx {
	program, err := look("pocketsphinx_continuous")
	if err != nil {
		return nil
	}
	if _, err := os.Stat(sphinxModels); err != nil {
		return nil
	}
	v := version(ctx, "dpkg-query", func(l string) string { return strings.TrimSpace(l) },
		"-W", "-f=${Version}\n", "pocketsphinx")
	if strings.Contains(v, " ") || v == "" {
		v = "(version unknown)"
	}
	return &Pocketsphinx{program: program, version: v}
}

// Name implements engine.Recognizer.
func (p *Pocketsphinx) Name() string {
	return "pocketsphinx " + p.version + " (en-us, program per answer)"
}

// Recognize implements engine.Recognizer. Audio must be 16 kHz (the
// engine decodes SILK wideband at that rate).
func (p *Pocketsphinx) Recognize(ctx context.Context, u engine.Utterance) (engine.Transcript, error) {
	if lang := baseLanguage(u.Language); lang != "" && lang != "en" {
		return engine.Transcript{Text: "[audio received; no speech recogniser for language " + u.Language + "]",
			Note: "pocketsphinx has only the English model installed"}, nil
	}
	if len(u.Audio.Samples) == 0 {
		return engine.Transcript{}, nil
	}
	if u.Audio.Rate != sphinxRate {
		return engine.Transcript{}, fmt.Errorf("pocketsphinx takes %d Hz audio, got %d Hz", sphinxRate, u.Audio.Rate)
	}
	dir, err := os.MkdirTemp("", "interviewd-stt-")
	if err != nil {
		return engine.Transcript{}, err
	}
	defer os.RemoveAll(dir)
	wav := filepath.Join(dir, "answer.wav")
	if err := writeWAVFile(wav, u.Audio); err != nil {
		return engine.Transcript{}, err
	}
	cmd := exec.CommandContext(ctx, p.program, "-infile", wav, "-logfn", os.DevNull)
	cmd.WaitDelay = time.Second
	out, err := cmd.Output()
	if err != nil {
		return engine.Transcript{}, fmt.Errorf("pocketsphinx_continuous: %w", errors.Join(err, ctx.Err()))
	}
	return engine.Transcript{Text: strings.Join(strings.Fields(string(out)), " ")}, nil
}

func writeWAVFile(path string, p engine.PCM) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := WriteWAV(f, p); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
