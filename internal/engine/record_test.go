package engine

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// readRecord reads the record file's lines.
func readRecord(t *testing.T, path string) []RecordEntry {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []RecordEntry
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		var e RecordEntry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("record line %q: %v", sc.Text(), err)
		}
		out = append(out, e)
	}
	return out
}

// TestRecord: the record holds one line per finished message with text
// (the greeting, the candidate's typed answer, the next question) and per
// function call, each with the call's ID and the item's, matching what the
// data channel heard as conversation.item.done; nothing for items without
// text (a function call's output).
func TestRecord(t *testing.T) {
	checkLeaks(t)
	path := filepath.Join(t.TempDir(), "record.jsonl")
	rec, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Close()
	_, srv := startEngine(t, func(c *Config) { c.Record = rec })
	cl := newClient(t, true)
	answer, callID := createCall(t, srv, cl.Offer(), toolSession(testInstructions))
	cl.Answer(answer)
	cl.WaitConnected()
	began := time.Now()
	cl.SendEvent(map[string]any{"type": "response.create"})
	evs := cl.events.until("response.done")
	cl.Reply("I built a compiler for a tiny language.")
	evs = append(evs, cl.events.until("response.done")...)

	var want []RecordEntry
	for _, ev := range evs {
		if ev.Type != "conversation.item.done" || ev.Item == nil {
			continue
		}
		e := RecordEntry{CallID: callID, ItemID: ev.Item.ID, Role: ev.Item.Role, Name: ev.Item.Name}
		for _, c := range ev.Item.Content {
			e.Text += c.Text
			if c.Transcript != nil {
				e.Text += *c.Transcript
			}
		}
		if ev.Item.Type == "message" && e.Text == "" || ev.Item.Type == "function_call_output" {
			continue
		}
		want = append(want, e)
	}
	got := readRecord(t, path)
	if len(got) != len(want) || len(want) < 5 { // greeting, question_asked ×2, answer, question 2
		t.Fatalf("record has %d lines, the data channel %d items worth recording:\n%+v\n%+v", len(got), len(want), got, want)
	}
	for i, g := range got {
		w := want[i]
		if g.Time.Before(began) || g.Time.After(time.Now()) {
			t.Errorf("line %d time %v is outside the call", i, g.Time)
		}
		g.Time = time.Time{}
		if g != w {
			t.Errorf("line %d = %+v, want %+v", i, g, w)
		}
	}
}
