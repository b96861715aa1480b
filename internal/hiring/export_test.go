package hiring

import (
	"bytes"
	"encoding/json"
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
	if !strings.Contains(txt.String(), "[00:00] Interviewer: Hello Ada.") || !strings.Contains(txt.String(), "[01:05] Candidate: I like") {
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
	want := "WEBVTT\n\n1\n00:00:00.000 --> 00:01:05.000\n<v Interviewer>Hello Ada. Tell me about Go.\n\n2\n00:01:05.000 --> 00:01:10.000\n<v Candidate>I like &lt;channels&gt; &amp; --&gt; arrows\n"
	if vtt.String() != want {
		t.Errorf("vtt export:\n%q\nwant\n%q", vtt.String(), want)
	}
}
