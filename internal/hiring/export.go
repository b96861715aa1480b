package hiring

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
)

// A WebVTT cue lasts as long as its line is estimated to take to say
// (words / 2.5 per second + 1 s, as the calls manager estimates a
// goodbye), and ends where the next line begins if that is sooner; a line
// at the same time as the one before it still shows for minCue.
const minCue = 500 * time.Millisecond

// InterruptedMark follows the text of a line cut short in the text and
// WebVTT exports and on the recruiter's page.
const InterruptedMark = " — interrupted"

// ExportEntry is one transcript line as the JSON export and the API show it.
type ExportEntry struct {
	Seq         int64    `json:"seq"`
	Speaker     string   `json:"speaker"`
	Text        string   `json:"text"`
	Timestamp   string   `json:"timestamp"`
	ItemID      string   `json:"itemId"`
	Source      string   `json:"source"`
	Confidence  *float64 `json:"confidence"`
	Interrupted bool     `json:"interrupted"`
}

// ExportEntries converts stored entries to their exported shape.
func ExportEntries(entries []interview.TranscriptEntry) []ExportEntry {
	out := make([]ExportEntry, 0, len(entries))
	for _, e := range entries {
		out = append(out, ExportEntry{
			Seq: e.Seq, Speaker: string(e.Speaker), Text: e.Text,
			Timestamp: e.Timestamp.UTC().Format(time.RFC3339Nano), ItemID: e.ItemID,
			Source: SourceLabel(e.Source), Confidence: e.Confidence, Interrupted: e.Interrupted,
		})
	}
	return out
}

// TranscriptStart is the instant a transcript's times count from: its
// first line. Entries in Seq order have non-decreasing timestamps, so no
// offset from it is negative (Offset clamps at 0 all the same).
func TranscriptStart(entries []interview.TranscriptEntry) time.Time {
	if len(entries) == 0 {
		return time.Time{}
	}
	return entries[0].Timestamp
}

// Offset is how long after start a line was said, never negative.
func Offset(at, start time.Time) time.Duration {
	return max(at.Sub(start), 0)
}

// Clock writes an offset as "mm:ss", minutes going past 59.
func Clock(d time.Duration) string {
	return fmt.Sprintf("%02d:%02d", int(d.Minutes()), int(d.Seconds())%60)
}

// LineText is an entry's text as people read it: a line cut short is
// marked so.
func LineText(e interview.TranscriptEntry) string {
	if e.Interrupted {
		return OneLine(e.Text) + InterruptedMark
	}
	return OneLine(e.Text)
}

// lineBreaks turns every character that may end a line, for a text
// reader or a WebVTT parser, into a space, so that a posted line cannot
// forge further lines or cues in an export.
var lineBreaks = strings.NewReplacer("\r\n", " ", "\r", " ", "\n", " ", "\v", " ", "\f", " ",
	"\u0085", " ", "\u2028", " ", "\u2029", " ")

// OneLine is text on one line: line breaks of any kind become spaces.
func OneLine(text string) string {
	return lineBreaks.Replace(text)
}

// SourceLabel is how a line's source is named to people: "server" for the
// server's own channel to the call, "browser" for a line a browser posted,
// "integration" for one posted with an API key.
func SourceLabel(s interview.Source) string {
	switch s {
	case interview.SourceSideband:
		return "server"
	case interview.SourceClient:
		return "browser"
	case interview.SourceAPI:
		return "integration"
	}
	return "unknown"
}

// WriteText writes the transcript as plain text, one
// "[mm:ss] Speaker (source): text" line per entry, timed from the first
// (TranscriptStart). Every line break in the text is a space (OneLine).
func WriteText(w io.Writer, iv Interview, entries []interview.TranscriptEntry) error {
	fmt.Fprintf(w, "Interview with %s for %s\n", OneLine(iv.Candidate.Name), OneLine(iv.Position.Title))
	fmt.Fprintf(w, "Status: %s\n\n", iv.Status)
	start := TranscriptStart(entries)
	for _, e := range entries {
		if _, err := fmt.Fprintf(w, "[%s] %s: %s\n", Clock(Offset(e.Timestamp, start)), exportSpeaker(e), LineText(e)); err != nil {
			return err
		}
	}
	return nil
}

// WriteJSON writes {"interviewId", "status", "entries":[…]}.
func WriteJSON(w io.Writer, iv Interview, entries []interview.TranscriptEntry) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		InterviewID string        `json:"interviewId"`
		Status      string        `json:"status"`
		Candidate   string        `json:"candidate"`
		Position    string        `json:"position"`
		Entries     []ExportEntry `json:"entries"`
	}{iv.ID, string(iv.Status), iv.Candidate.Name, iv.Position.Title, ExportEntries(entries)})
}

// WriteVTT writes the transcript as WebVTT, with voice tags naming the
// speaker, timed as WriteText. Cues follow one another and never overlap:
// each begins at its line's offset (or where the one before ended) and
// lasts its estimated length or until the next line begins.
func WriteVTT(w io.Writer, entries []interview.TranscriptEntry) error {
	if _, err := io.WriteString(w, "WEBVTT\n"); err != nil {
		return err
	}
	start := TranscriptStart(entries)
	var end time.Duration // where the cue before ended
	for i, e := range entries {
		from := max(Offset(e.Timestamp, start), end)
		to := from + spoken(e.Text)
		if i+1 < len(entries) {
			if next := Offset(entries[i+1].Timestamp, start); next < to {
				to = max(next, from+minCue)
			}
		}
		end = to
		text := vttEscape(LineText(e))
		if _, err := fmt.Fprintf(w, "\n%d\n%s --> %s\n<v %s>%s\n", i+1, vttTime(from), vttTime(to), exportSpeaker(e), text); err != nil {
			return err
		}
	}
	return nil
}

// spoken estimates how long text takes to say.
func spoken(text string) time.Duration {
	words := len(strings.Fields(text))
	return time.Second + time.Duration(float64(words)/interview.SpokenWordsPerSecond*float64(time.Second))
}

// exportSpeaker names a line's speaker and its source, as in
// "Candidate (browser)".
func exportSpeaker(e interview.TranscriptEntry) string {
	return SpeakerLabel(e.Speaker) + " (" + SourceLabel(e.Source) + ")"
}

// SpeakerLabel is how a speaker is named to people.
func SpeakerLabel(s interview.Speaker) string {
	switch s {
	case interview.SpeakerInterviewer:
		return "Interviewer"
	case interview.SpeakerCandidate:
		return "Candidate"
	case interview.SpeakerSystem:
		return "System"
	}
	return "Unknown"
}

func vttTime(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	ms := d.Milliseconds()
	return fmt.Sprintf("%02d:%02d:%02d.%03d", ms/3600000, ms/60000%60, ms/1000%60, ms%1000)
}

// vttEscape escapes what WebVTT cue text treats as markup, and so "-->",
// which would otherwise end a cue's text early in some readers.
func vttEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// TranscriptExported audits "transcript.exported": the actor downloaded
// an interview's transcript in format (txt, json or vtt). Reading it on
// the page or through the API is not an export and is not audited.
func (s *Service) TranscriptExported(ctx context.Context, a Actor, interviewID, format string) {
	s.audit(ctx, a, "transcript.exported", "interview", interviewID, map[string]string{"format": format})
}
