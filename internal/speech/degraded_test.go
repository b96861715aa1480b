package speech

import (
	"context"
	"strings"
	"testing"

	"github.com/interviewd/interviewd/internal/engine"
)

// TestDegradedMode hides the speech programs from PATH: Detect finds
// nothing, the start-up line says text mode, and a spoken interview still
// runs to the end, its answers stored with a transcript that says no
// recogniser is installed.
func TestDegradedMode(t *testing.T) {
	checkLeaks(t)
	recorded := []utterance{record(t, say(answers[0])), record(t, say(answers[1]))}
	t.Setenv("PATH", t.TempDir())
	tools := Detect(context.Background(), nil)
	e, srv := startEngine(t, tools)
	caps := e.Capabilities()
	if !caps.TextMode() || !strings.Contains(caps.String(), "recogniser=none synthesiser=none") ||
		!strings.Contains(caps.String(), "text mode") {
		t.Fatalf("capabilities %q", caps)
	}
	p := newPeer(t, true) // with the audio-level extension: no decoding at all
	_, callID := call(t, p, srv, session(instructions, 1500))
	tr := runInterview(t, p, recorded, false)
	checkTranscriptShape(t, tr)
	for _, i := range []int{1, 3} {
		if tr[i].text != engine.NoRecognizerText {
			t.Errorf("answer %q, want %q", tr[i].text, engine.NoRecognizerText)
		}
	}
	if p.Heard() != 0 {
		t.Errorf("heard %d audio packets in text mode", p.Heard())
	}
	hangUpAfterGoodbye(t, e, srv, callID, p)
}
