package hiring

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
)

// lastCue is how long the last line of a WebVTT export stays on screen.
const lastCue = 5 * time.Second

// ExportEntry is one transcript line as the JSON export and the API show it.
type ExportEntry struct {
	Seq        int64    `json:"seq"`
	Speaker    string   `json:"speaker"`
	Text       string   `json:"text"`
	Timestamp  string   `json:"timestamp"`
	ItemID     string   `json:"itemId"`
	Source     string   `json:"source"`
	Confidence *float64 `json:"confidence"`
}

// ExportEntries converts stored entries to their exported shape.
func ExportEntries(entries []interview.TranscriptEntry) []ExportEntry {
	out := make([]ExportEntry, 0, len(entries))
	for _, e := range entries {
		out = append(out, ExportEntry{
			Seq: e.Seq, Speaker: string(e.Speaker), Text: e.Text,
			Timestamp: e.Timestamp.UTC().Format(time.RFC3339Nano), ItemID: e.ItemID,
			Source: string(e.Source), Confidence: e.Confidence,
		})
	}
	return out
}

// WriteText writes the transcript as plain text, one "[mm:ss] Speaker: text"
// line per entry, timed from the first entry.
func WriteText(w io.Writer, iv Interview, entries []interview.TranscriptEntry) error {
	fmt.Fprintf(w, "Interview with %s for %s\n", iv.Candidate.Name, iv.Position.Title)
	fmt.Fprintf(w, "Status: %s\n\n", iv.Status)
	start := firstTime(entries)
	for _, e := range entries {
		d := e.Timestamp.Sub(start)
		if _, err := fmt.Fprintf(w, "[%02d:%02d] %s: %s\n", int(d.Minutes()), int(d.Seconds())%60, SpeakerLabel(e.Speaker), e.Text); err != nil {
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
// speaker; each cue lasts until the next line starts.
func WriteVTT(w io.Writer, entries []interview.TranscriptEntry) error {
	if _, err := io.WriteString(w, "WEBVTT\n"); err != nil {
		return err
	}
	start := firstTime(entries)
	for i, e := range entries {
		from := e.Timestamp.Sub(start)
		to := from + lastCue
		if i+1 < len(entries) {
			if next := entries[i+1].Timestamp.Sub(start); next > from {
				to = next
			}
		}
		text := strings.ReplaceAll(vttEscape(e.Text), "\n", " ")
		if _, err := fmt.Fprintf(w, "\n%d\n%s --> %s\n<v %s>%s\n", e.Seq, vttTime(from), vttTime(to), SpeakerLabel(e.Speaker), text); err != nil {
			return err
		}
	}
	return nil
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

func firstTime(entries []interview.TranscriptEntry) time.Time {
	if len(entries) == 0 {
		return time.Time{}
	}
	return entries[0].Timestamp
}

func vttTime(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	ms := d.Milliseconds()
	return fmt.Sprintf("%02d:%02d:%02d.%03d", ms/3600000, ms/60000%60, ms/1000%60, ms%1000)
}

// vttEscape escapes what WebVTT cue text treats as markup, and "-->".
func vttEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}
