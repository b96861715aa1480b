// Package speech holds the local engine's speech tools: a pocketsphinx
// recogniser and a flite / espeak-ng synthesiser, found on the machine at
// start-up. Each runs the Debian program per answer or per line, so the
// binary needs no C toolchain; docs/engine.md has the measurements behind
// that choice. Without the programs, Detect returns the engine's text-mode
// parts and the engine says so.
package speech

import (
	"context"
	"os/exec"
	"strings"
	"time"

	"github.com/interviewd/interviewd/internal/engine"
)

// Tools are the speech parts found on this machine.
type Tools struct {
	// Recognizer is pocketsphinx, or engine.NoRecognizer.
	Recognizer engine.Recognizer
	// Synthesizer is flite and/or espeak-ng, or engine.NoSynthesizer.
	Synthesizer engine.Synthesizer
}

// LookPath finds a program, as exec.LookPath does.
type LookPath func(file string) (string, error)

// Detect looks for the speech programs with look (nil means exec.LookPath,
// which searches PATH) and asks each for its version.
func Detect(ctx context.Context, look LookPath) Tools {
	if look == nil {
		look = exec.LookPath
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	t := Tools{Recognizer: engine.NoRecognizer{}, Synthesizer: engine.NoSynthesizer{}}
	if r := findPocketsphinx(ctx, look); r != nil {
		t.Recognizer = r
	}
	if s := findVoices(ctx, look); s != nil {
		t.Synthesizer = s
	}
	return t
}

// version runs a program with args and returns the first line of its output
// that matches pick, or "".
func version(ctx context.Context, program string, pick func(string) string, args ...string) string {
	out, _ := exec.CommandContext(ctx, program, args...).CombinedOutput()
	for _, line := range strings.Split(string(out), "\n") {
		if v := pick(line); v != "" {
			return v
		}
	}
	return ""
}

// baseLanguage is the primary subtag of a language tag: "en-GB" → "en".
func baseLanguage(tag string) string {
	tag = strings.ToLower(strings.TrimSpace(tag))
	base, _, _ := strings.Cut(strings.ReplaceAll(tag, "_", "-"), "-")
	return base
}
