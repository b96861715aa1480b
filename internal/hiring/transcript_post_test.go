package hiring

import (
	"strings"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
)

// TestTranscriptWindow: a posted line's time must lie within the
// interview, widened by TranscriptSkew: from its start (its creation
// before it started) to its end or now.
func TestTranscriptWindow(t *testing.T) {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	s := &Service{now: func() time.Time { return now }}
	started, ended := now.Add(-time.Hour), now.Add(-10*time.Minute)
	open := interview.Session{CreatedAt: now.Add(-24 * time.Hour), StartedAt: &started}
	done := open
	done.EndedAt = &ended
	pending := interview.Session{CreatedAt: now.Add(-time.Minute)}
	for _, c := range []struct {
		name string
		v    interview.Session
		at   time.Time
		ok   bool
	}{
		{"year 9999", open, time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC), false},
		{"year 1", open, time.Time{}.Add(time.Hour), false},
		{"now", open, now, true},
		{"within the skew ahead", open, now.Add(TranscriptSkew), true},
		{"past the skew ahead", open, now.Add(TranscriptSkew + time.Second), false},
		{"within the skew before the start", open, started.Add(-TranscriptSkew), true},
		{"before the start", open, started.Add(-TranscriptSkew - time.Second), false},
		{"created but not started", open, open.CreatedAt, false},
		{"before it ended", done, ended, true},
		{"after it ended", done, ended.Add(TranscriptSkew + time.Second), false},
		{"not started, since created", pending, now.Add(-30 * time.Second), true},
		{"not started, before created", pending, pending.CreatedAt.Add(-TranscriptSkew - time.Second), false},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := s.inWindow(c.v, c.at)
			if (err == nil) != c.ok {
				t.Fatalf("inWindow(%s) = %v, want ok %v", c.at, err, c.ok)
			}
			if err != nil && (interview.ErrorCode(err) != interview.CodeInvalid || !strings.HasPrefix(interview.ErrorMessage(err), "timestamp")) {
				t.Errorf("error %v does not name the timestamp", err)
			}
		})
	}
}

// FuzzPostedSpeaker: whatever speaker a browser posts, its line is a
// candidate's or an interviewer's, or refused naming the speaker field; an
// integration's line has a valid speaker or is refused.
func FuzzPostedSpeaker(f *testing.F) {
	for _, s := range []string{"system", "SYSTEM", " unknown ", "", "interviewer", "assistant", "user", "ai", "narrator", "system\x00"} {
		f.Add(s)
	}
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	s := &Service{now: func() time.Time { return now }}
	browser, integration := Actor{Kind: KindCandidate, TenantID: "t", ID: "iv"}, Actor{Kind: "api_key", TenantID: "t"}
	f.Fuzz(func(t *testing.T, speaker string) {
		e, err := s.postedEntry(browser, TranscriptInput{Text: "hi", Speaker: speaker})
		switch {
		case err != nil && !strings.HasPrefix(interview.ErrorMessage(err), "speaker"):
			t.Errorf("browser, speaker %q: error %v does not name the speaker", speaker, err)
		case err == nil && (e.Source != interview.SourceClient ||
			(e.Speaker != interview.SpeakerCandidate && e.Speaker != interview.SpeakerInterviewer)):
			t.Errorf("browser, speaker %q: stored as %s from %s", speaker, e.Speaker, e.Source)
		}
		e, err = s.postedEntry(integration, TranscriptInput{Text: "hi", Speaker: speaker})
		if err == nil && (e.Source != interview.SourceAPI || !e.Speaker.Valid()) {
			t.Errorf("integration, speaker %q: stored as %s from %s", speaker, e.Speaker, e.Source)
		}
	})
}
