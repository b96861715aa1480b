package hiring

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
)

func sampleEntries() []interview.TranscriptEntry {
	t0 := time.Date(2026, 1, 2, 10, 0, 0, 0, time.UTC)
	return []interview.TranscriptEntry{
		{Seq: 1, Speaker: interview.SpeakerInterviewer, Text: "Hello Ada. Tell me about Go.", Timestamp: t0, ItemID: "a1", Source: interview.SourceSideband},
		{Seq: 2, Speaker: interview.SpeakerCandidate, Text: "I like <channels> & --> arrows", Timestamp: t0.Add(65 * time.Second), ItemID: "u1", Source: interview.SourceSideband},
	}
}

func TestExports(t *testing.T) {
	iv := Interview{Session: interview.Session{ID: "iv1", Status: interview.StatusCompleted},
		Candidate: interview.Candidate{Name: "Ada"}, Position: interview.Position{Title: "Engineer"}}
	var txt, js, vtt bytes.Buffer
	if err := WriteText(&txt, iv, sampleEntries()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(txt.String(), "[00:00] Interviewer (server): Hello Ada.") || !strings.Contains(txt.String(), "[01:05] Candidate (server): I like") {
		t.Errorf("text export:\n%s", txt.String())
	}
	if err := WriteJSON(&js, iv, sampleEntries()); err != nil {
		t.Fatal(err)
	}
	var decoded struct {
		InterviewID string        `json:"interviewId"`
		Entries     []ExportEntry `json:"entries"`
	}
	if err := json.Unmarshal(js.Bytes(), &decoded); err != nil || decoded.InterviewID != "iv1" || len(decoded.Entries) != 2 || decoded.Entries[1].Seq != 2 {
		t.Errorf("json export %s (%v)", js.String(), err)
	}
	if err := WriteVTT(&vtt, sampleEntries()); err != nil {
		t.Fatal(err)
	}
	// Six words each: 1 s + 6 / 2.5 s.
	want := "WEBVTT\n\n1\n00:00:00.000 --> 00:00:03.400\n<v Interviewer (server)>Hello Ada. Tell me about Go.\n\n2\n00:01:05.000 --> 00:01:08.400\n<v Candidate (server)>I like &lt;channels&gt; &amp; --&gt; arrows\n"
	if vtt.String() != want {
		t.Errorf("vtt export:\n%q\nwant\n%q", vtt.String(), want)
	}
}

// TestExportsSpokenOrder: times count from the first line and are never
// negative (a line stamped before the one above it shows at its time), cues are
// numbered in order and never overlap, even for lines at the same time or
// closer than their length, and a line cut short is marked in every export.
func TestExportsSpokenOrder(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 10, 0, 0, 0, time.UTC)
	iv := Interview{Session: interview.Session{ID: "iv1", Status: interview.StatusCompleted}}
	line := func(seq int64, sp interview.Speaker, text string, at time.Duration, cut bool) interview.TranscriptEntry {
		return interview.TranscriptEntry{Seq: seq, Speaker: sp, Text: text, Timestamp: t0.Add(at), ItemID: fmt.Sprint(seq),
			Source: interview.SourceSideband, Interrupted: cut}
	}
	entries := []interview.TranscriptEntry{
		line(1, interview.SpeakerCandidate, "Hello?", 0, false),
		line(2, interview.SpeakerInterviewer, "Hello Ada, welcome to", -time.Second, true), // earlier than the first
		line(3, interview.SpeakerCandidate, "Sorry, can you repeat that please?", 3*time.Second, false),
		line(4, interview.SpeakerInterviewer, "Of course.", 3*time.Second, false), // same time
		line(5, interview.SpeakerCandidate, "Thanks.", 68*time.Second, false),
	}
	var txt, js, vtt bytes.Buffer
	if err := WriteText(&txt, iv, entries); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"[00:00] Candidate (server): Hello?\n", "[00:00] Interviewer (server): Hello Ada, welcome to — interrupted\n",
		"[00:03] Interviewer (server): Of course.\n", "[01:08] Candidate (server): Thanks.\n"} {
		if !strings.Contains(txt.String(), want) {
			t.Errorf("text export lacks %q:\n%s", want, txt.String())
		}
	}
	if err := WriteJSON(&js, iv, entries); err != nil {
		t.Fatal(err)
	}
	var decoded struct{ Entries []map[string]any }
	if err := json.Unmarshal(js.Bytes(), &decoded); err != nil || len(decoded.Entries) != 5 {
		t.Fatalf("json: %v %s", err, js.String())
	}
	for i, e := range decoded.Entries {
		if e["interrupted"] != (i == 1) || e["seq"] != float64(i+1) {
			t.Errorf("json entry %d: %v", i, e)
		}
	}
	if err := WriteVTT(&vtt, entries); err != nil {
		t.Fatal(err)
	}
	cues := parseCues(t, vtt.String())
	want := [][2]string{
		{"00:00:00.000", "00:00:00.500"}, // the next is at the same time: minCue
		{"00:00:00.500", "00:00:03.000"}, // pushed after it; ends where the next begins
		{"00:00:03.000", "00:00:03.500"},
		{"00:00:03.500", "00:00:05.300"}, // 1 s + 2 / 2.5 s
		{"00:01:08.000", "00:01:09.400"},
	}
	if len(cues) != len(want) {
		t.Fatalf("cues %v", cues)
	}
	for i, c := range cues {
		if c.id != fmt.Sprint(i+1) || c.from != want[i][0] || c.to != want[i][1] {
			t.Errorf("cue %d: %+v, want %v", i, c, want[i])
		}
		if c.to <= c.from || (i > 0 && c.from < cues[i-1].to) {
			t.Errorf("cue %d overlaps or is empty: %+v after %+v", i, c, cues[max(i-1, 0)])
		}
	}
	if !strings.Contains(cues[1].text, "Hello Ada, welcome to — interrupted") {
		t.Errorf("interrupted cue: %q", cues[1].text)
	}
}

type cue struct{ id, from, to, text string }

// parseCues reads the cues of a WebVTT file of single-line cues.
func parseCues(t *testing.T, vtt string) []cue {
	t.Helper()
	blocks := strings.Split(strings.TrimSpace(vtt), "\n\n")
	if blocks[0] != "WEBVTT" {
		t.Fatalf("header %q", blocks[0])
	}
	var out []cue
	for _, b := range blocks[1:] {
		lines := strings.Split(b, "\n")
		from, to, ok := strings.Cut(lines[1], " --> ")
		if len(lines) != 3 || !ok {
			t.Fatalf("cue %q", b)
		}
		out = append(out, cue{lines[0], from, to, lines[2]})
	}
	return out
}
