package interview

import "time"

// Speaker says who said a transcript line.
type Speaker string

// The speakers of an interview.
const (
	SpeakerInterviewer Speaker = "interviewer"
	SpeakerCandidate   Speaker = "candidate"
	SpeakerSystem      Speaker = "system"
	SpeakerUnknown     Speaker = "unknown"
)

// Valid reports whether s is a known speaker.
func (s Speaker) Valid() bool {
	switch s {
	case SpeakerInterviewer, SpeakerCandidate, SpeakerSystem, SpeakerUnknown:
		return true
	}
	return false
}

// Source says which path wrote a transcript entry.
type Source string

// The paths a transcript entry can arrive by.
const (
	SourceSideband Source = "sideband" // the server's own channel to the call
	SourceClient   Source = "client"   // posted by the candidate's browser
	SourceAPI      Source = "api"      // posted by an integration
)

// Valid reports whether s is a known source.
func (s Source) Valid() bool {
	return s == SourceSideband || s == SourceClient || s == SourceAPI
}

// MaxTranscriptText bounds one entry's text.
const MaxTranscriptText = 20000

// TranscriptEntry is one line of an interview's transcript. (InterviewID,
// ItemID) is unique: writing the same item twice stores it once. Seq is
// assigned by the store, gap-free from 1 within an interview, in spoken
// order: by Timestamp, an entry stored later with an earlier Timestamp
// going before the entries it precedes (whose Seq move up by one).
type TranscriptEntry struct {
	ID          string
	TenantID    string
	InterviewID string
	Seq         int64
	ItemID      string // the provider's item ID, or one derived by the writer
	Speaker     Speaker
	Text        string
	Timestamp   time.Time // when its speech started
	Source      Source
	Confidence  *float64 // 0..1 when the recogniser gives one
	// Interrupted is true for a line cut short (the candidate spoke over
	// the interviewer, or the call ended mid-sentence): Text is what was
	// said of it.
	Interrupted bool
	CreatedAt   time.Time
}

// Validate checks an entry before it is written.
func (e TranscriptEntry) Validate() error {
	switch {
	case e.ItemID == "" || len(e.ItemID) > 200:
		return Errorf(CodeInvalid, "a transcript entry needs an item ID of at most 200 characters")
	case !e.Speaker.Valid():
		return Errorf(CodeInvalid, "unknown speaker %q", e.Speaker)
	case !e.Source.Valid():
		return Errorf(CodeInvalid, "unknown transcript source %q", e.Source)
	case len(e.Text) > MaxTranscriptText:
		return Errorf(CodeInvalid, "transcript text must have at most %d bytes", MaxTranscriptText)
	case e.Confidence != nil && (*e.Confidence < 0 || *e.Confidence > 1):
		return Errorf(CodeInvalid, "confidence must be between 0 and 1")
	case e.Timestamp.IsZero():
		return Errorf(CodeInvalid, "a transcript entry needs a timestamp")
	}
	return nil
}
