package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"unicode/utf8"

	"github.com/interviewd/interviewd/internal/interview"
)

// checkJSONText checks every string of a JSON document, object keys
// included, with interview.CheckText under its field path ("title",
// "candidate.name", "questions[1]"). It reads the raw bytes, because the
// decoder quietly turns invalid UTF-8 into U+FFFD, and expects data to be
// well-formed JSON, which the decoder has already checked.
func checkJSONText(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	w := jsonWalk{}
	for {
		start := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return nil // the end, or a body the decoder has refused already
		}
		if !utf8.Valid(data[start:dec.InputOffset()]) {
			return interview.CheckText(w.path(), "\xff") // the UTF-8 error, named
		}
		if err := w.step(tok); err != nil {
			return err
		}
	}
}

// jsonWalk follows where a token stream is: a stack of the containers it
// is in, each with the key or index it is at.
type jsonWalk struct {
	stack []jsonLevel
}

type jsonLevel struct {
	object  bool
	key     string // an object's current key
	index   int    // an array's next index
	wantKey bool   // an object expects a key next
}

// step moves the walk past tok, checking it if it is a string.
func (w *jsonWalk) step(tok json.Token) error {
	switch t := tok.(type) {
	case json.Delim:
		if t == '{' || t == '[' {
			w.stack = append(w.stack, jsonLevel{object: t == '{', wantKey: t == '{'})
			return nil
		}
		w.stack = w.stack[:len(w.stack)-1]
		w.valueDone()
		return nil
	case string:
		top := w.top()
		if top != nil && top.object && top.wantKey {
			err := interview.CheckText(w.path(), t) // a key is named by its object
			top.key, top.wantKey = t, false
			return err
		}
		err := interview.CheckText(w.path(), t)
		w.valueDone()
		return err
	}
	w.valueDone()
	return nil
}

// valueDone records that a value has ended in the current container.
func (w *jsonWalk) valueDone() {
	top := w.top()
	switch {
	case top == nil:
	case top.object:
		top.wantKey = true
	default:
		top.index++
	}
}

func (w *jsonWalk) top() *jsonLevel {
	if len(w.stack) == 0 {
		return nil
	}
	return &w.stack[len(w.stack)-1]
}

// path is the field path of the current value, as a client would write it.
func (w *jsonWalk) path() string {
	p := ""
	for _, l := range w.stack {
		switch {
		case l.object && l.wantKey:
		case l.object && p == "":
			p = l.key
		case l.object:
			p += "." + l.key
		default:
			p += fmt.Sprintf("[%d]", l.index)
		}
	}
	return p
}
