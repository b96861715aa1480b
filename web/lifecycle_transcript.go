package web

import (
	"net/http"
	"time"

	"github.com/interviewd/interviewd/internal/hiring"
	"github.com/interviewd/interviewd/internal/interview"
)

// transcriptRequest is the seed's body of POST /api/interviews/transcript,
// with the item ID that makes a repeat harmless.
type transcriptRequest struct {
	InterviewID string   `json:"interviewId"`
	Text        string   `json:"text"`
	Timestamp   string   `json:"timestamp,omitempty"`
	Speaker     string   `json:"speaker,omitempty"`
	Confidence  *float64 `json:"confidence,omitempty"`
	ItemID      string   `json:"itemId,omitempty"`
}

// transcriptResponse answers it: the entry as stored, and whether it was
// stored already (then the stored one is returned).
type transcriptResponse struct {
	Success   bool           `json:"success"`
	Duplicate bool           `json:"duplicate"`
	Entry     lifecycleEntry `json:"entry"`
}

// lifecycleEntry is a transcript entry as the lifecycle API shows it.
type lifecycleEntry struct {
	ID         string    `json:"id"`
	Seq        int64     `json:"seq"`
	ItemID     string    `json:"itemId"`
	Speaker    string    `json:"speaker"`
	Text       string    `json:"text"`
	Timestamp  time.Time `json:"timestamp"`
	Source     string    `json:"source"` // server, browser or integration (hiring.SourceLabel)
	Confidence *float64  `json:"confidence"`
}

func toLifecycleEntry(e interview.TranscriptEntry) lifecycleEntry {
	return lifecycleEntry{ID: e.ID, Seq: e.Seq, ItemID: e.ItemID, Speaker: string(e.Speaker), Text: e.Text,
		Timestamp: e.Timestamp.UTC(), Source: hiring.SourceLabel(e.Source), Confidence: e.Confidence}
}

// postTranscript stores one line posted by a browser or an integration:
// 201 when new, 200 with duplicate=true when its item was stored already
// (by the server's own line too, which a post never changes), 400 naming
// the field for a speaker a browser may not post or a timestamp outside
// the interview, 409 interview_closed once the interview has ended.
func (s *server) postTranscript(w http.ResponseWriter, r *http.Request) {
	var in transcriptRequest
	a, err := s.lifecycleRequest(w, r, &in, &in.InterviewID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	line := hiring.TranscriptInput{Text: in.Text, Speaker: in.Speaker, Confidence: in.Confidence, ItemID: in.ItemID}
	if in.Timestamp != "" {
		if line.Timestamp, err = time.Parse(time.RFC3339Nano, in.Timestamp); err != nil {
			s.fail(w, r, invalidf("timestamp must be an RFC 3339 time such as 2026-11-02T15:04:05Z"))
			return
		}
	}
	e, created, err := s.hiring.AddTranscript(r.Context(), a, in.InterviewID, line)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
		if s.calls != nil {
			s.calls.Publish(a.TenantID, in.InterviewID, []interview.TranscriptEntry{e})
		}
	}
	writeJSON(w, status, transcriptResponse{Success: true, Duplicate: !created, Entry: toLifecycleEntry(e)})
}

// endRequest is the seed's body of POST /api/interviews/end.
type endRequest struct {
	InterviewID     string `json:"interviewId"`
	FinalTranscript string `json:"finalTranscript,omitempty"`
}

// endResponse answers it with the interview's final state.
type endResponse struct {
	Success         bool                    `json:"success"`
	InterviewID     string                  `json:"interviewId"`
	Status          string                  `json:"status"`
	EndedAt         *time.Time              `json:"endedAt"`
	EndReason       string                  `json:"endReason"`
	FinalTranscript *saveTranscriptResponse `json:"finalTranscript,omitempty"`
}

// endInterview hangs up the live call, if any, and ends the interview;
// ending an ended interview answers its final state again.
func (s *server) endInterview(w http.ResponseWriter, r *http.Request) {
	var in endRequest
	a, err := s.lifecycleRequest(w, r, &in, &in.InterviewID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Checked before anything changes: hanging up cannot be undone.
	if _, err := s.hiring.CanEnd(r.Context(), a, in.InterviewID); err != nil {
		s.fail(w, r, err)
		return
	}
	res := endResponse{Success: true, InterviewID: in.InterviewID}
	if in.FinalTranscript != "" {
		saved, err := s.hiring.SaveFullTranscript(r.Context(), a, in.InterviewID, in.FinalTranscript)
		switch {
		case err == nil:
			res.FinalTranscript = toSaveResponse(in.InterviewID, saved)
		case interview.ErrorCode(err) != interview.CodeClosed: // ended already: nothing to add
			s.fail(w, r, err)
			return
		}
	}
	if err := s.endCall(r.Context(), a, in.InterviewID); err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.hiring.EndInterview(r.Context(), a, in.InterviewID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	res.Status, res.EndedAt, res.EndReason = string(v.Status), utcPtr(v.EndedAt), v.EndReason
	writeJSON(w, http.StatusOK, res)
}

// saveTranscriptRequest is the seed's body of POST /api/interviews/save-transcript.
type saveTranscriptRequest struct {
	InterviewID    string `json:"interviewId"`
	FullTranscript string `json:"fullTranscript"`
}

// saveTranscriptResponse says what was kept: stored lines, or the server's
// own transcript (reason "server_transcript").
type saveTranscriptResponse struct {
	Success     bool   `json:"success"`
	InterviewID string `json:"interviewId"`
	Stored      int    `json:"stored"`
	Entries     int    `json:"entries"`
	Reason      string `json:"reason"`
}

func toSaveResponse(id string, saved hiring.SavedTranscript) *saveTranscriptResponse {
	return &saveTranscriptResponse{Success: true, InterviewID: id, Stored: saved.Stored, Entries: saved.Kept, Reason: saved.Reason}
}

// saveTranscript takes a client's whole transcript; the server keeps its
// own when it has one (hiring.SaveFullTranscript).
func (s *server) saveTranscript(w http.ResponseWriter, r *http.Request) {
	var in saveTranscriptRequest
	a, err := s.lifecycleRequest(w, r, &in, &in.InterviewID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	saved, err := s.hiring.SaveFullTranscript(r.Context(), a, in.InterviewID, in.FullTranscript)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toSaveResponse(in.InterviewID, saved))
}
