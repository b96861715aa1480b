//go:build pocketsphinx_cgo

package speech

/*
#cgo pkg-config: pocketsphinx sphinxbase
#include <stdlib.h>
#include <pocketsphinx.h>

static ps_decoder_t *new_decoder(const char *model) {
	char hmm[512], lm[512], dict[512];
	snprintf(hmm, sizeof hmm, "%s/en-us", model);
	snprintf(lm, sizeof lm, "%s/en-us.lm.bin", model);
	snprintf(dict, sizeof dict, "%s/cmudict-en-us.dict", model);
	cmd_ln_t *config = cmd_ln_init(NULL, ps_args(), TRUE, "-hmm", hmm, "-lm", lm, "-dict", dict,
		"-logfn", "/dev/null", NULL);
	if (config == NULL) return NULL;
	return ps_init(config);
}

static const char *recognize(ps_decoder_t *ps, const short *pcm, size_t n) {
	int32 score;
	if (ps_start_utt(ps) < 0) return NULL;
	ps_process_raw(ps, pcm, n, FALSE, TRUE);
	ps_end_utt(ps);
	return ps_get_hyp(ps, &score);
}
*/
import "C"

import (
	"context"
	"errors"
	"strings"
	"unsafe"

	"github.com/interviewd/interviewd/internal/engine"
)

// SphinxLibrary recognises answers in-process through libpocketsphinx
// (build tag pocketsphinx_cgo). Each decoder holds the model (~40 MB) and
// serves one answer at a time; a pool holds one per concurrent answer.
type SphinxLibrary struct {
	pool chan *C.ps_decoder_t
}

// NewSphinxLibrary loads n decoders.
func NewSphinxLibrary(n int) (*SphinxLibrary, error) {
	model := C.CString(sphinxModels)
	defer C.free(unsafe.Pointer(model))
	s := &SphinxLibrary{pool: make(chan *C.ps_decoder_t, n)}
	for range n {
		ps := C.new_decoder(model)
		if ps == nil {
			return nil, errors.New("libpocketsphinx: could not load the en-us model")
		}
		s.pool <- ps
	}
	return s, nil
}

// Name implements engine.Recognizer.
func (s *SphinxLibrary) Name() string { return "pocketsphinx (en-us, libpocketsphinx in-process)" }

// Recognize implements engine.Recognizer.
func (s *SphinxLibrary) Recognize(ctx context.Context, u engine.Utterance) (engine.Transcript, error) {
	if len(u.Audio.Samples) == 0 {
		return engine.Transcript{}, nil
	}
	if u.Audio.Rate != sphinxRate {
		return engine.Transcript{}, errors.New("pocketsphinx takes 16 kHz audio")
	}
	var ps *C.ps_decoder_t
	select {
	case ps = <-s.pool:
	case <-ctx.Done():
		return engine.Transcript{}, ctx.Err()
	}
	defer func() { s.pool <- ps }()
	hyp := C.recognize(ps, (*C.short)(unsafe.Pointer(&u.Audio.Samples[0])), C.size_t(len(u.Audio.Samples)))
	if hyp == nil {
		return engine.Transcript{}, nil
	}
	return engine.Transcript{Text: strings.Join(strings.Fields(C.GoString(hyp)), " ")}, nil
}
