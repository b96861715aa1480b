package analytics

import (
	"time"

	"github.com/interviewd/interviewd/internal/interview"
)

// Speaking rates: a line lasts until the next one starts, but no longer
// than its words take at a slow 1.5 words a second, nor than maxLine (a
// pause, not speech); the last line has no next one, so it takes its
// words at an ordinary 2.5 words a second.
const (
	slowWordsPerSecond = 1.5
	maxLine            = 120 * time.Second
)

// line is a transcript entry with its words counted and its speaking time
// estimated.
type line struct {
	interview.TranscriptEntry
	words    int
	speaking time.Duration
}

// measure counts each entry's words and estimates how long it was spoken.
func measure(entries []interview.TranscriptEntry) []line {
	out := make([]line, len(entries))
	for i, e := range entries {
		n := len(interview.Words(e.Text))
		d := perWords(n, interview.SpokenWordsPerSecond)
		if i+1 < len(entries) {
			d = min(max(entries[i+1].Timestamp.Sub(e.Timestamp), 0), perWords(n, slowWordsPerSecond))
		}
		out[i] = line{TranscriptEntry: e, words: n, speaking: min(d, maxLine)}
	}
	return out
}

// perWords is how long n words take at rate words a second.
func perWords(n int, rate float64) time.Duration {
	return time.Duration(float64(n) / rate * float64(time.Second))
}
