//go:build pocketsphinx_cgo

package speech

import (
	"testing"

	"github.com/interviewd/interviewd/internal/engine"
)

func recognizeLibrary(b *testing.B, u engine.Utterance) {
	b.Run("library", func(b *testing.B) {
		r, err := NewSphinxLibrary(1)
		must(b, err)
		benchRecognizer(b, r, u)
	})
}
