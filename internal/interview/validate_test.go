package interview

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestPositionValidate(t *testing.T) {
	base := func() Position {
		p := Position{Title: "Backend engineer", Questions: []string{"Tell me about Go."}}
		p.Normalize()
		return p
	}
	if err := base().Validate(); err != nil {
		t.Fatalf("valid position refused: %v", err)
	}
	cases := map[string]func(*Position){
		"no title":        func(p *Position) { p.Title = "  " },
		"long title":      func(p *Position) { p.Title = strings.Repeat("x", 201) },
		"zero minutes":    func(p *Position) { p.MaxMinutes = -1 },
		"too long":        func(p *Position) { p.MaxMinutes = 61 },
		"empty question":  func(p *Position) { p.Questions = []string{"ok", ""} },
		"many questions":  func(p *Position) { p.Questions = make([]string, MaxQuestions+1) },
		"short language":  func(p *Position) { p.Language = "e" },
		"long voice name": func(p *Position) { p.Voice = strings.Repeat("v", 51) },
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			p := base()
			mutate(&p)
			if err := p.Validate(); !errors.Is(err, ErrInvalid) {
				t.Errorf("got %v, want invalid", err)
			}
		})
	}
}

func TestEmailAndCandidate(t *testing.T) {
	for _, bad := range []string{"", "a", "Ann <a@b.c>", "a@b.c\n", strings.Repeat("a", 250) + "@b.co"} {
		if ValidateEmail(bad) == nil {
			t.Errorf("ValidateEmail(%q) accepted", bad)
		}
	}
	if err := (Candidate{Name: "Ann", Email: "ann@example.com"}).Validate(); err != nil {
		t.Error(err)
	}
	if NormalizeEmail("  Ann@Example.COM ") != "ann@example.com" {
		t.Error("NormalizeEmail")
	}
}

func TestTranscriptEntryValidate(t *testing.T) {
	now := time.Now()
	ok := TranscriptEntry{ItemID: "item_1", Speaker: SpeakerCandidate, Source: SourceSideband, Text: "hi", Timestamp: now}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	bad := 1.5
	cases := map[string]func(*TranscriptEntry){
		"no item":    func(e *TranscriptEntry) { e.ItemID = "" },
		"speaker":    func(e *TranscriptEntry) { e.Speaker = "bot" },
		"source":     func(e *TranscriptEntry) { e.Source = "email" },
		"confidence": func(e *TranscriptEntry) { e.Confidence = &bad },
		"huge text":  func(e *TranscriptEntry) { e.Text = strings.Repeat("x", MaxTranscriptText+1) },
		"no time":    func(e *TranscriptEntry) { e.Timestamp = time.Time{} },
	}
	for name, mutate := range cases {
		e := ok
		mutate(&e)
		if err := e.Validate(); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: got %v", name, err)
		}
	}
}

func TestJoinUsable(t *testing.T) {
	now := time.Now()
	s := Session{Status: StatusPending, JoinExpiresAt: now.Add(time.Hour)}
	if !s.JoinUsable(now) {
		t.Error("fresh link unusable")
	}
	if s.JoinUsable(now.Add(2 * time.Hour)) {
		t.Error("expired link usable")
	}
	s.JoinRevokedAt = &now
	if s.JoinUsable(now) {
		t.Error("revoked link usable")
	}
	s = Session{Status: StatusCompleted, JoinExpiresAt: now.Add(time.Hour)}
	if s.JoinUsable(now) {
		t.Error("link of a finished interview usable")
	}
}

func TestErrorHelpers(t *testing.T) {
	err := Errorf(CodeNotFound, "position %s not found", "p1")
	if !errors.Is(err, ErrNotFound) || ErrorCode(err) != CodeNotFound || ErrorMessage(err) != "position p1 not found" {
		t.Errorf("domain error helpers: %v", err)
	}
	plain := errors.New("disk on fire")
	if ErrorCode(plain) != CodeInternal || ErrorMessage(plain) == plain.Error() {
		t.Error("internal errors must not leak their message")
	}
}
