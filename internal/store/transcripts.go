package store

import "github.com/interviewd/interviewd/internal/interview"

// Overrides reports whether entry e, arriving for an item already stored
// as old, replaces it: the server's own line (the sideband) wins over one
// a browser or an integration posted for the same item; nothing else
// changes a stored entry.
func Overrides(e, old interview.TranscriptEntry) bool {
	return e.Source == interview.SourceSideband && old.Source != interview.SourceSideband
}

// Overridden is old after e replaced it (Overrides): e's text, speaker,
// source, confidence and mark at old's place (ID, Seq, timestamp).
func Overridden(old, e interview.TranscriptEntry) interview.TranscriptEntry {
	old.Text, old.Speaker, old.Source = e.Text, e.Speaker, e.Source
	old.Confidence, old.Interrupted = e.Confidence, e.Interrupted
	return old
}
