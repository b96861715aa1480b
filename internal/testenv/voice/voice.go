// Package voice gives tests the local engine's speech tools as interviewd
// detects them at start-up, and reports a missing one (a failure under
// CI=true, a skip elsewhere). It is apart from testenv because the speech
// package's own tests use testenv.
package voice

import (
	"context"
	"fmt"
	"os/exec"
	"testing"

	"github.com/interviewd/interviewd/internal/speech"
	"github.com/interviewd/interviewd/internal/testenv"
)

// Listener returns the detected tools, with pocketsphinx as the recogniser.
func Listener(t testing.TB) speech.Tools {
	t.Helper()
	tools := detect(t, "pocketsphinx_continuous")
	if _, ok := tools.Recognizer.(*speech.Pocketsphinx); !ok {
		testenv.Missing(t, "pocketsphinx_continuous with pocketsphinx-en-us", fmt.Errorf("recogniser %s", tools.Recognizer.Name()))
	}
	return tools
}

// Speaker returns the detected tools, with flite as the synthesiser.
func Speaker(t testing.TB) speech.Tools {
	t.Helper()
	tools := detect(t, "flite")
	if _, ok := tools.Synthesizer.(*speech.Voices); !ok {
		testenv.Missing(t, "flite", fmt.Errorf("synthesiser %s", tools.Synthesizer.Name()))
	}
	return tools
}

// Both returns the detected tools with pocketsphinx and flite.
func Both(t testing.TB) speech.Tools {
	t.Helper()
	Speaker(t)
	return Listener(t)
}

func detect(t testing.TB, program string) speech.Tools {
	t.Helper()
	if _, err := exec.LookPath(program); err != nil {
		testenv.Missing(t, program, err)
	}
	return speech.Detect(context.Background(), nil)
}
