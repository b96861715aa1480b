package assess

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/interviewd/interviewd/internal/interview"
)

// MaxTranscriptChars bounds the transcript sent to the model; a longer
// one fails (it would not fit most models' context).
const MaxTranscriptChars = 400_000

// Input is what an assessment is made from.
type Input struct {
	Position   interview.Position
	Rubric     interview.Rubric
	Candidate  interview.Candidate // only to redact: never sent
	Transcript []interview.TranscriptEntry
}

// prompt is one assessment's request, redacted, and what verifying its
// answer needs.
type prompt struct {
	System string
	User   string
	Hash   string // SHA-256, hex, of the transcript as sent
	// lines are the transcript entries as sent, by Seq.
	lines map[int64]interview.TranscriptEntry
}

const systemPrompt = `You assess a recorded job interview for a hiring team, against the position's rubric.

Rules:
- Score every competency of the rubric from 1 to 5, using its anchors for 1, 3 and 5.
- Judge only what the candidate said in the transcript, and only what the job needs. Ignore accent, grammar slips of speech recognition, and anything about who the candidate is (age, gender, origin, health, family).
- Back each score with evidence: exact quotes of the candidate's own words, each with the number of the transcript line it comes from (the number in brackets). Quote only Candidate lines, word for word, and do not join lines. Give no evidence rather than invent it.
- The candidate's name and email are hidden as [name] and [email]. Do not guess them.
- Write a short summary, the strengths and concerns you saw, follow-up questions worth asking next, and a recommendation: strong_no, no, mixed, yes or strong_yes. The hiring team decides; you advise.
- Answer with JSON that follows the given schema, and nothing else.`

// buildPrompt writes the request for in, redacting the candidate's name
// and email from everything sent.
func buildPrompt(in Input) (prompt, error) {
	red := NewRedactor(in.Candidate.Name, in.Candidate.Email)
	p := prompt{System: systemPrompt, lines: map[int64]interview.TranscriptEntry{}}
	var t strings.Builder
	for _, e := range in.Transcript {
		who := speakerLabel(e.Speaker)
		if who == "" || strings.TrimSpace(e.Text) == "" {
			continue
		}
		e.Text = red.Redact(strings.Join(strings.Fields(e.Text), " "))
		p.lines[e.Seq] = e
		fmt.Fprintf(&t, "[%d] %s: %s\n", e.Seq, who, e.Text)
	}
	if !hasCandidateLine(p.lines) {
		return prompt{}, failf(ErrPermanent, "the transcript has no line of the candidate to assess")
	}
	if t.Len() > MaxTranscriptChars {
		return prompt{}, failf(ErrPermanent, "the transcript is too long to assess (%d characters; at most %d)", t.Len(), MaxTranscriptChars)
	}
	sum := sha256.Sum256([]byte(t.String()))
	p.Hash = hex.EncodeToString(sum[:])
	p.User = red.Redact(describePosition(in.Position, in.Rubric)) + "\nTranscript:\n" + t.String()
	return p, nil
}

func speakerLabel(s interview.Speaker) string {
	switch s {
	case interview.SpeakerInterviewer:
		return "Interviewer"
	case interview.SpeakerCandidate:
		return "Candidate"
	}
	return ""
}

func hasCandidateLine(lines map[int64]interview.TranscriptEntry) bool {
	for _, e := range lines {
		if e.Speaker == interview.SpeakerCandidate {
			return true
		}
	}
	return false
}

// describePosition writes the position, its questions and the rubric.
func describePosition(pos interview.Position, r interview.Rubric) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Position: %s\n", pos.Title)
	if d := strings.TrimSpace(pos.Description); d != "" {
		fmt.Fprintf(&b, "Description: %s\n", d)
	}
	if pos.Language != "" {
		fmt.Fprintf(&b, "Write your text in the language whose BCP 47 tag is %q.\n", pos.Language)
	}
	b.WriteString("\nQuestions:\n")
	for i, q := range pos.Questions {
		fmt.Fprintf(&b, "%d. %s\n", i+1, q)
	}
	b.WriteString("\nRubric (score each competency 1-5; use the keys as given):\n")
	for _, c := range r.Competencies {
		fmt.Fprintf(&b, "- key: %s\n  name: %s\n  weight: %d\n", c.Key, c.Name, c.Weight)
		writeIf(&b, "  what good looks like: ", c.Description)
		writeIf(&b, "  a 1 looks like: ", c.Anchor1)
		writeIf(&b, "  a 3 looks like: ", c.Anchor3)
		writeIf(&b, "  a 5 looks like: ", c.Anchor5)
		if qs := probedBy(r, c.Key); qs != "" {
			fmt.Fprintf(&b, "  probed by questions: %s\n", qs)
		}
	}
	return b.String()
}

func writeIf(b *strings.Builder, label, v string) {
	if v != "" {
		b.WriteString(label + v + "\n")
	}
}

// probedBy lists the numbers of the questions linked to competency key.
func probedBy(r interview.Rubric, key string) string {
	var qs []string
	for i, links := range r.QuestionLinks {
		for _, k := range links {
			if k == key {
				qs = append(qs, fmt.Sprint(i+1))
			}
		}
	}
	return strings.Join(qs, ", ")
}
