package templates

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/interviewd/interviewd/internal/hiring"
	"github.com/interviewd/interviewd/internal/interview"
)

// InterviewsView is the list of interviews with its filters.
type InterviewsView struct {
	Interviews []interview.SessionSummary
	Status     string // the status filter, "" for all
	Query      string // the search, "" for none
	CanEdit    bool
}

// filtered reports whether the list is narrowed by a filter or a search.
func (v InterviewsView) filtered() bool { return v.Status != "" || v.Query != "" }

// NewInterviewView is the page that creates an interview.
type NewInterviewView struct {
	Positions  []interview.Position // active positions to choose from
	PositionID string
	Name       string
	Email      string
	// SendInvitation e-mails the link once the interview is made; the
	// option is shown only when MailOn (SMTP_URL is set).
	SendInvitation bool
	MailOn         bool
	Err            *FormError
}

// InterviewView is one interview: its state, link, timeline and transcript.
type InterviewView struct {
	Interview  interview.Session
	Candidate  interview.Candidate
	Position   interview.Position
	JoinURL    string
	LinkUsable bool // the join link opens the interview now
	Transcript []TranscriptLine
	CanEdit    bool
	// Decide is the analytics and decision panel; nil leaves them out.
	Decide *DecideView
	// Highlight holds the transcript lines to mark (?hl=, evidence links).
	Highlight map[int64]bool
	// Mail is the Send invitation button and the e-mail timeline.
	Mail MailView
	// Feedback is the candidate's rating and comment; nil when none.
	Feedback *interview.Feedback
	// Problems are what the candidate's page reported it met, oldest first.
	Problems []interview.CandidateProblem
	// Recording sums the interview's recording up; nil when it has none.
	Recording *RecordingSummary
	// CanErase shows owners the way to erase the candidate's data.
	CanErase bool
}

// TranscriptLine is one transcript entry as the page shows it.
type TranscriptLine struct {
	ItemID      string // the entry's item: live.js knows a line by it
	Seq         int64
	Speaker     string // "interviewer", "candidate", …: a CSS hook
	Label       string // "Interviewer", for people
	Source      string // "server", "browser" or "integration" (hiring.SourceLabel)
	At          time.Time
	Offset      string // "03:12" from the first line, never negative
	Text        string
	Interrupted bool // cut short: the page marks it
}

// TranscriptLines converts stored entries, in Seq (spoken) order, for the
// page, timing each from the first.
func TranscriptLines(entries []interview.TranscriptEntry, label func(interview.Speaker) string) []TranscriptLine {
	out := make([]TranscriptLine, 0, len(entries))
	for _, e := range entries {
		d := max(e.Timestamp.Sub(entries[0].Timestamp), 0)
		out = append(out, TranscriptLine{
			ItemID: e.ItemID, Seq: e.Seq, Speaker: string(e.Speaker), Label: label(e.Speaker), Source: hiring.SourceLabel(e.Source), At: e.Timestamp,
			Offset: fmt.Sprintf("%02d:%02d", int(d.Minutes()), int(d.Seconds())%60), Text: e.Text,
			Interrupted: e.Interrupted,
		})
	}
	return out
}

// preciseTime is a line's time for live.js, which places lines by it.
func preciseTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// StatusLabel names an interview status for people.
func StatusLabel(s interview.Status) string {
	switch s {
	case interview.StatusPending:
		return "Not started"
	case interview.StatusReady:
		return "Ready"
	case interview.StatusInProgress:
		return "In progress"
	case interview.StatusCompleted:
		return "Completed"
	case interview.StatusAbandoned:
		return "Abandoned"
	case interview.StatusFailed:
		return "Failed"
	}
	return string(s)
}

// endedLabel is the timeline's line for the end: how it ended, so that a
// failure reads as one; the reason follows it.
func endedLabel(s interview.Status) string {
	if s == interview.StatusCompleted {
		return "Ended"
	}
	return "Ended: " + strings.ToLower(StatusLabel(s))
}

func statusClass(s interview.Status) string { return "badge status-" + string(s) }

func interviewHref(id string) string { return "/app/interviews/" + id }

// linkState says in words what the join link does now.
func (v InterviewView) linkState() string {
	switch {
	case v.Interview.Status.Terminal():
		return "The interview has ended, so its link no longer opens it."
	case v.Interview.JoinRevokedAt != nil:
		return "This link was revoked: it no longer opens the interview. Re-issue a link to send a new one."
	case !v.LinkUsable:
		return "This link has expired. Re-issue a link to send a new one."
	}
	return "Send this link to the candidate. It works until " + stamp(v.Interview.JoinExpiresAt) + "."
}

// canRevoke and canReissue say which link actions the page offers.
func (v InterviewView) canRevoke() bool  { return v.CanEdit && v.LinkUsable }
func (v InterviewView) canReissue() bool { return v.CanEdit && !v.Interview.Status.Terminal() }
func (v InterviewView) canEnd() bool     { return v.CanEdit && !v.Interview.Status.Terminal() }

// endHint says what ending the interview now does.
func (v InterviewView) endHint() string {
	if v.Interview.Status == interview.StatusInProgress {
		return "The call is hung up at once and the transcript so far is kept. The candidate cannot continue it."
	}
	return "The candidate will not be able to start it. It is recorded as abandoned; create a new interview to try again."
}

// exportHref is the address of a transcript export.
func exportHref(id, ext string) string { return interviewHref(id) + "/transcript." + ext }

// clearFilters is the list without filters.
func filterHref(status string) string {
	if status == "" {
		return "/app/interviews"
	}
	return "/app/interviews?" + url.Values{"status": {status}}.Encode()
}

// linkExpiryLabel is the timeline's line for the link's expiry.
func linkExpiryLabel(v InterviewView) string {
	if v.LinkUsable {
		return "Link expires"
	}
	return "Link expired"
}
