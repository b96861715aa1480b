package analytics

import (
	"time"

	"github.com/interviewd/interviewd/internal/interview"
)

// resemblance is the share of a question's words an interviewer line must
// hold to count as asking it.
const resemblance = 0.6

// markWindow is how far from a question_asked mark the line that asked
// the question may start: the call comes in the same response as the
// spoken question, so its line starts about when the mark is recorded.
const markWindow = 30 * time.Second

// stopWords carry no meaning of a question's own, so they do not count
// towards a resemblance.
var stopWords = map[string]bool{
	"a": true, "an": true, "the": true, "and": true, "or": true, "to": true, "of": true, "in": true,
	"on": true, "for": true, "with": true, "is": true, "are": true, "was": true, "were": true, "be": true,
	"do": true, "does": true, "did": true, "you": true, "your": true, "me": true, "my": true, "i": true,
	"it": true, "this": true, "that": true, "can": true, "could": true, "would": true, "about": true,
	"us": true, "we": true, "our": true, "what": true, "how": true, "tell": true, "please": true,
}

// keywords is the set of a question's words that count for a resemblance:
// its words but stop words, or all its words when it has no other.
func keywords(question string) map[string]bool {
	all, content := map[string]bool{}, map[string]bool{}
	for _, w := range interview.Words(question) {
		all[w] = true
		if !stopWords[w] {
			content[w] = true
		}
	}
	if len(content) == 0 {
		return all
	}
	return content
}

// similarity is the share of keys found in text's words (0..1).
func similarity(keys map[string]bool, text string) float64 {
	if len(keys) == 0 {
		return 0
	}
	found := map[string]bool{}
	for _, w := range interview.Words(text) {
		if keys[w] {
			found[w] = true
		}
	}
	return float64(len(found)) / float64(len(keys))
}

// askingLine returns the index of the interviewer line that asked a
// marked question: the one nearest the mark that resembles the question,
// else the one nearest the mark, within markWindow; -1 when none.
func askingLine(lines []line, question string, at time.Time, used map[int]bool) int {
	keys := keywords(question)
	best, bestResembles, bestGap := -1, false, markWindow+1
	for i, l := range lines {
		if l.Speaker != interview.SpeakerInterviewer || used[i] {
			continue
		}
		gap := l.Timestamp.Sub(at).Abs()
		if gap > markWindow {
			continue
		}
		resembles := similarity(keys, l.Text) >= resemblance
		if (resembles && !bestResembles) || (resembles == bestResembles && gap < bestGap) {
			best, bestResembles, bestGap = i, resembles, gap
		}
	}
	return best
}

// matchLines finds, for each question, the first unused interviewer line
// that resembles it more than any other question, and returns the line's
// index by question number.
func matchLines(questions []string, lines []line, used map[int]bool) map[int]int {
	keys := make([]map[string]bool, len(questions))
	for i, q := range questions {
		keys[i] = keywords(q)
	}
	out := map[int]int{}
	for i, l := range lines {
		if l.Speaker != interview.SpeakerInterviewer || used[i] {
			continue
		}
		best, bestScore := 0, resemblance
		for q := range questions {
			if s := similarity(keys[q], l.Text); s >= bestScore && (best == 0 || s > bestScore) {
				best, bestScore = q+1, s
			}
		}
		if _, ok := out[best]; best > 0 && !ok {
			out[best] = i
		}
	}
	return out
}
