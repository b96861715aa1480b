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

// Voices speaks the interviewer's lines with flite (English, the clearer
// voice) and espeak-ng (every other language it knows, and English when
// flite is missing).
type Voices struct {
	flite, fliteVersion   string
	espeak, espeakVersion string
}

func findVoices(ctx context.Context, look LookPath) *Voices {
	v := &Voices{}
	if p, err := look("flite"); err == nil {
		v.flite = p
		v.fliteVersion = version(ctx, p, func(l string) string {
			_, after, ok := strings.Cut(l, "version: flite-")
			if !ok {
				return ""
			}
			num, _, _ := strings.Cut(after, "-")
			return num
		}, "--version")
	}
	if p, err := look("espeak-ng"); err == nil {
		v.espeak = p
		v.espeakVersion = version(ctx, p, func(l string) string {
			_, after, ok := strings.Cut(l, "text-to-speech:")
			if !ok {
				return ""
			}
			return strings.Fields(after + " ?")[0]
		}, "--version")
	}
	if v.flite == "" && v.espeak == "" {
		return nil
	}
	return v
}

// Name implements engine.Synthesizer.
func (v *Voices) Name() string {
	var parts []string
	if v.flite != "" {
		parts = append(parts, "flite "+v.fliteVersion+" (English)")
	}
	if v.espeak != "" {
		what := "other languages"
		if v.flite == "" {
			what = "every language"
		}
		parts = append(parts, "espeak-ng "+v.espeakVersion+" ("+what+")")
	}
	return strings.Join(parts, " + ")
}

// Synthesize implements engine.Synthesizer.
func (v *Voices) Synthesize(ctx context.Context, l engine.Line) (engine.PCM, error) {
	if strings.TrimSpace(l.Text) == "" {
		return engine.PCM{}, nil
	}
	dir, err := os.MkdirTemp("", "interviewd-tts-")
	if err != nil {
		return engine.PCM{}, err
	}
	defer os.RemoveAll(dir)
	text, wav := filepath.Join(dir, "line.txt"), filepath.Join(dir, "line.wav")
	if err := os.WriteFile(text, []byte(l.Text), 0o600); err != nil {
		return engine.PCM{}, err
	}
	lang := baseLanguage(l.Language)
	var cmd *exec.Cmd
	switch {
	case v.flite != "" && (lang == "" || lang == "en" || v.espeak == ""):
		cmd = exec.CommandContext(ctx, v.flite, "-voice", fliteVoice(l.Voice), "-f", text, "-o", wav)
	default:
		cmd = exec.CommandContext(ctx, v.espeak, "-v", espeakVoice(lang, l.Voice), "-f", text, "-w", wav)
	}
	cmd.WaitDelay = time.Second
	if out, err := cmd.CombinedOutput(); err != nil {
		return engine.PCM{}, fmt.Errorf("%s: %w: %s", filepath.Base(cmd.Path), errors.Join(err, ctx.Err()), clip(string(out)))
	}
	return ReadWAV(wav)
}

// maleVoices are OpenAI's voices that sound male; the others map to a
// female voice. A flite voice name is used as it is.
var maleVoices = map[string]bool{"ash": true, "ballad": true, "cedar": true, "echo": true, "verse": true, "onyx": true, "fable": true}

var fliteVoices = map[string]bool{"slt": true, "rms": true, "awb": true, "kal": true, "kal16": true}

func fliteVoice(voice string) string {
	switch voice = strings.ToLower(voice); {
	case fliteVoices[voice]:
		return voice
	case maleVoices[voice]:
		return "rms"
	}
	return "slt"
}

func espeakVoice(lang, voice string) string {
	if lang == "" {
		lang = "en"
	}
	if maleVoices[strings.ToLower(voice)] {
		return lang
	}
	return lang + "+f3"
}

func clip(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}
