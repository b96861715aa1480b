package engine

import (
	"strconv"
	"strings"
	"unicode"
)

// script is the interview the engine conducts, read from the session's
// instructions (the convention is in docs/engine.md).
type script struct {
	Candidate string
	Position  string
	Questions []string
	// Resume is the question (1-based) an interrupted interview continues
	// with; 0 or 1 starts from the beginning.
	Resume int
}

const (
	maxQuestions    = 50
	maxQuestionLen  = 1000
	maxNameLen      = 100
	maxInstructions = 256 << 10
)

// parseInstructions reads a script from free text. It never fails: what it
// cannot read is left empty, and the interviewer falls back to a generic
// greeting.
func parseInstructions(text string) script {
	var s script
	if len(text) > maxInstructions {
		text = text[:maxInstructions]
	}
	inList, listDone := false, false
	for _, raw := range strings.Split(text, "\n") {
		line := strings.TrimSpace(raw)
		if q, ok := numbered(line); ok && inList && !listDone {
			s.addQuestion(q)
			continue
		}
		if line != "" && len(s.Questions) > 0 && !listDone {
			if startsIndented(raw) {
				s.extendQuestion(line)
				continue
			}
			listDone = true
		}
		if s.readField(line) {
			continue
		}
		if !inList && strings.Contains(strings.ToLower(line), "question") {
			inList = true
		}
	}
	return s
}

func (s *script) addQuestion(q string) {
	if q = clean(q, maxQuestionLen); q != "" && len(s.Questions) < maxQuestions {
		s.Questions = append(s.Questions, q)
	}
}

func (s *script) extendQuestion(more string) {
	last := &s.Questions[len(s.Questions)-1]
	*last = clean(*last+" "+more, maxQuestionLen)
}

// readField reads "Key: value" lines for the candidate, the position and
// the question to resume at; the first value of each wins. A time limit in
// the instructions is for the model's pacing: the engine, like OpenAI,
// ends no call by itself before Limits.MaxDuration.
func (s *script) readField(line string) bool {
	key, value, ok := strings.Cut(line, ":")
	if !ok {
		return false
	}
	key = strings.ToLower(strings.Trim(key, " \t*_#->`"))
	value = strings.Trim(value, " \t*_`")
	switch key {
	case "candidate", "candidate name", "candidate's name":
		if s.Candidate == "" {
			s.Candidate = clean(value, maxNameLen)
		}
	case "position", "role", "job title":
		if s.Position == "" {
			s.Position = clean(value, maxNameLen)
		}
	case "resume at question":
		if n, err := strconv.Atoi(strings.TrimSpace(value)); err == nil && n > 0 && n <= maxQuestions+1 && s.Resume == 0 {
			s.Resume = n
		}
	default:
		return false
	}
	return true
}

// numbered matches "1. text" and "1) text".
func numbered(line string) (string, bool) {
	digits := 0
	for digits < len(line) && digits < 4 && line[digits] >= '0' && line[digits] <= '9' {
		digits++
	}
	if digits == 0 || digits+1 >= len(line) || (line[digits] != '.' && line[digits] != ')') {
		return "", false
	}
	if line[digits+1] != ' ' && line[digits+1] != '\t' {
		return "", false
	}
	return strings.TrimSpace(line[digits+2:]), true
}

func startsIndented(raw string) bool {
	return raw != "" && (raw[0] == ' ' || raw[0] == '\t')
}

// clean drops control characters, collapses spaces and caps the length in runes.
func clean(s string, max int) string {
	var b strings.Builder
	space, n := false, 0
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) || r == unicode.ReplacementChar {
			space = b.Len() > 0
			continue
		}
		if space {
			// The space counts only with the rune after it, so both must fit.
			if n+2 > max {
				break
			}
			b.WriteByte(' ')
			space = false
			n++
		}
		if n >= max {
			break
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}
