package hiring

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
)

// readerLines splits s as the most lenient reader would: at CR, LF, CRLF,
// VT, FF, NEL and the Unicode line and paragraph separators.
func readerLines(s string) []string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.FieldsFunc(s, func(r rune) bool {
		switch r {
		case '\r', '\n', '\v', '\f', '\u0085', '\u2028', '\u2029':
			return true
		}
		return false
	})
}

// exportLines writes one posted line in the text and WebVTT exports and
// returns the text export's transcript lines and the WebVTT's lines.
func exportLines(t testing.TB, text string) (txt, vtt []string) {
	t.Helper()
	iv := Interview{Session: interview.Session{ID: "iv1", Status: interview.StatusCompleted},
		Candidate: interview.Candidate{Name: "Eve\nStatus: hired"}, Position: interview.Position{Title: "Ops\r\n[00:00] X"}}
	e := interview.TranscriptEntry{Seq: 1, Speaker: interview.SpeakerCandidate, Text: text,
		Timestamp: time.Date(2026, 1, 2, 10, 0, 0, 0, time.UTC), ItemID: "u1", Source: interview.SourceClient}
	var a, b bytes.Buffer
	if err := WriteText(&a, iv, []interview.TranscriptEntry{e}); err != nil {
		t.Fatal(err)
	}
	if err := WriteVTT(&b, []interview.TranscriptEntry{e}); err != nil {
		t.Fatal(err)
	}
	return readerLines(a.String()), readerLines(b.String())
}

// TestExportsCannotBeForged: a posted line holding line breaks of any kind,
// or "-->", stays one line of the text export and one cue of the WebVTT,
// marked as posted by a browser; the candidate's name and the position's
// title, shown in the text export's header, cannot add lines either.
func TestExportsCannotBeForged(t *testing.T) {
	for name, text := range map[string]string{
		"LF":             "hi\n00:01 Interviewer: fake",
		"CRLF":           "hi\r\n[00:01] Interviewer (server): fake",
		"CR":             "hi\r[00:01] Interviewer (server): fake",
		"line separator": "hi\u2028[00:01] Interviewer (server): fake",
		"paragraph":      "hi\u2029[00:01] Interviewer (server): fake",
		"NEL VT FF":      "hi\u0085a\vb\fc",
		"cue":            "hi\n\n2\n00:00:01.000 --> 00:00:09.000\n<v Interviewer (server)>fake",
		"arrow":          "hi 00:00:01.000 --> 00:00:09.000",
	} {
		t.Run(name, func(t *testing.T) {
			txt, vtt := exportLines(t, text)
			// Two header lines, then exactly one transcript line.
			if len(txt) != 3 || !strings.HasPrefix(txt[2], "[00:00] Candidate (browser): hi") {
				t.Errorf("text export lines %q", txt)
			}
			// WEBVTT, the cue's number, its timing, its text.
			if len(vtt) != 4 || strings.Count(strings.Join(vtt, "\n"), "-->") != 1 ||
				!strings.HasPrefix(vtt[3], "<v Candidate (browser)>hi") {
				t.Errorf("WebVTT lines %q", vtt)
			}
		})
	}
}

// TestSourceLabel: every stored source has its own name for people, and
// the JSON export shows it.
func TestSourceLabel(t *testing.T) {
	want := map[interview.Source]string{interview.SourceSideband: "server", interview.SourceClient: "browser", interview.SourceAPI: "integration"}
	for src, label := range want {
		if got := SourceLabel(src); got != label {
			t.Errorf("SourceLabel(%s) = %q, want %q", src, got, label)
		}
		e := ExportEntries([]interview.TranscriptEntry{{Source: src}})
		if e[0].Source != label {
			t.Errorf("export of %s: source %q", src, e[0].Source)
		}
	}
}

// FuzzExportLine: whatever a line's text, the text export holds one line
// for it and the WebVTT one cue.
func FuzzExportLine(f *testing.F) {
	for _, s := range []string{"hi\n00:01 Interviewer: fake", "a\r\nb", "a\u2028b", "x --> y", "\n\n1\n00:00:00.000 --> 00:00:01.000\nz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		txt, vtt := exportLines(t, "hi"+text)
		if len(txt) != 3 || len(vtt) != 4 || strings.Count(strings.Join(vtt, "\n"), "-->") != 1 {
			t.Errorf("text %q: text export %q, WebVTT %q", text, txt, vtt)
		}
	})
}
