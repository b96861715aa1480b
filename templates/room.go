package templates

import (
	"strconv"

	"github.com/interviewd/interviewd/internal/i18n"
	"github.com/interviewd/interviewd/internal/interview"
)

// ConsentView is the start section of the candidate's landing page: the
// consent form, or, once this browser has consented, the way to the room.
type ConsentView struct {
	Lang      i18n.Lang // the language of the page and of the text
	Action    string    // where the form posts: the join link's path
	RoomURL   string    // the interview room
	Version   string    // the consent text's version, posted back with the box
	Points    []string  // what is recorded and processed
	Agreement string    // the checkbox's label
	Given     bool      // this browser has consented to this version
	Err       *FormError
}

// RoomView is the interview room of a candidate.
type RoomView struct {
	Lang         i18n.Lang // the language of the room; room.js gets its words
	Organisation string
	Position     string
	Candidate    string
	MaxMinutes   int
	Lines        []RoomLine // the transcript so far
	Data         RoomData   // handed to room.js
	Ended        EndedView  // shown in place of the controls when the call ends
	Record       string     // what the position records: "", "audio" or "video" (recorder.js)
	RecordURL    string     // the join link's recording uploads
}

// RecordMode is what a position has the room record: "video" (the
// conversation and the camera), "audio", or "" (nothing).
func RecordMode(p interview.Position) string {
	switch {
	case p.RecordAudio && p.RecordVideo:
		return "video"
	case p.RecordAudio:
		return "audio"
	}
	return ""
}

// RoomData is what room.js needs from the server, as JSON (templ.JSONScript).
type RoomData struct {
	InterviewID  string `json:"interviewId"`
	TokenURL     string `json:"tokenUrl"`     // GET: the /rtc token
	StartURL     string `json:"startUrl"`     // POST: pending → ready
	EndURL       string `json:"endUrl"`       // POST: end when signalling is down
	MaxMinutes   int    `json:"maxMinutes"`   // the position's limit
	EndsAt       string `json:"endsAt"`       // RFC 3339 when the interview started already, else ""
	GraceSeconds int    `json:"graceSeconds"` // how long reconnecting is worth trying
}

// RoomLine is one transcript line in the room.
type RoomLine struct {
	Seq     int64
	ItemID  string
	Speaker string // CSS hook: interviewer, candidate, …
	Label   string // "Interviewer", "You"
	Text    string
}

// RoomLines converts stored entries for the room, in language l.
func RoomLines(l i18n.Lang, entries []interview.TranscriptEntry) []RoomLine {
	out := make([]RoomLine, 0, len(entries))
	for _, e := range entries {
		out = append(out, RoomLine{Seq: e.Seq, ItemID: e.ItemID, Speaker: string(e.Speaker),
			Label: RoomSpeakerLabel(l, e.Speaker), Text: e.Text})
	}
	return out
}

// RoomSpeakerLabel names a speaker for the candidate: they are "You".
// room.js uses the same words (the catalogue's js.speaker.*).
func RoomSpeakerLabel(l i18n.Lang, s interview.Speaker) string {
	switch s {
	case interview.SpeakerInterviewer, interview.SpeakerCandidate, interview.SpeakerSystem:
		return l.T("js.speaker." + string(s))
	}
	return l.T("js.speaker.unknown")
}

// minutesText is a countdown's starting value, "25:00".
func minutesText(m int) string { return strconv.Itoa(m) + ":00" }

func seqText(n int64) string { return strconv.FormatInt(n, 10) }

// LiveData is what live.js needs on the recruiter's interview page.
type LiveData struct {
	URL      string `json:"url"`      // GET ?after=SEQ: new lines and the status
	After    int64  `json:"after"`    // the newest line rendered
	Problems int    `json:"problems"` // the candidate's problems shown in the timeline
}

// liveOpen reports whether the recruiter's page follows the interview live.
func (v InterviewView) liveOpen() bool { return !v.Interview.Status.Terminal() }

// liveData is live.js's start: the transcript's sequence numbers are
// gap-free from 1, so the lines shown are the entries up to their count.
func (v InterviewView) liveData() LiveData {
	return LiveData{URL: interviewHref(v.Interview.ID) + "/live", After: int64(len(v.Transcript)), Problems: len(v.Problems)}
}
