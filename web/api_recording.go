package web

import (
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/interviewd/interviewd/internal/hiring"
	"github.com/interviewd/interviewd/internal/interview"
)

// apiRecordingRoutes registers the API's recording routes.
func (s *server) apiRecordingRoutes(r chi.Router) {
	r.Get("/interviews/{id}/recording", s.apiRecording)
}

// apiRecording is an interview's recording in the API (schema Recording):
// its parts in order, each playable one with a signed download link that
// works for auth.RecordingLinkTTL without a key.
type apiRecording struct {
	Status     string       `json:"status"` // hiring.RecordingStatus
	DurationMS int64        `json:"durationMs"`
	Bytes      int64        `json:"bytes"`
	Segments   []apiSegment `json:"segments"`
}

// apiSegment is one part of a recording (schema RecordingSegment).
type apiSegment struct {
	Index             int        `json:"index"`
	StartedAt         time.Time  `json:"startedAt"`
	EndedAt           *time.Time `json:"endedAt"`
	DurationMS        int64      `json:"durationMs"`
	Bytes             int64      `json:"bytes"`
	MIMEType          string     `json:"mimeType"`
	HasVideo          bool       `json:"hasVideo"`
	Status            string     `json:"status"`
	Gaps              int        `json:"gaps"`
	DownloadURL       *string    `json:"downloadUrl"`
	DownloadExpiresAt *time.Time `json:"downloadExpiresAt"`
}

// apiRecording answers GET /api/v1/interviews/{id}/recording.
func (s *server) apiRecording(w http.ResponseWriter, r *http.Request) {
	a := apiActor(r)
	segs, err := s.hiring.Recording(r.Context(), a, chi.URLParam(r, "id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := apiRecording{Status: hiring.RecordingStatus(segs), Segments: make([]apiSegment, 0, len(segs))}
	for _, v := range segs {
		seg, err := s.apiSegmentOf(a, v)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		out.Bytes += v.Bytes
		if seg.DownloadURL != nil {
			out.DurationMS += v.DurationMS
		}
		out.Segments = append(out.Segments, seg)
	}
	writeAPI(w, http.StatusOK, out)
}

// apiSegmentOf converts a segment, signing a download link for the key a
// when it has a file to download.
func (s *server) apiSegmentOf(a hiring.Actor, v interview.VideoSegment) (apiSegment, error) {
	out := apiSegment{Index: v.Index, StartedAt: v.StartTime.UTC(), EndedAt: utcPtr(v.EndTime), DurationMS: v.DurationMS,
		Bytes: v.Bytes, MIMEType: segmentType(v), HasVideo: v.HasVideo, Status: v.Status, Gaps: v.Gaps}
	if !hiring.Playable(v) {
		return out, nil
	}
	if s.recordingLinks == nil {
		return out, errNoRecorder
	}
	tok, exp, err := s.recordingLinks.Issue(v.TenantID, v.InterviewID, v.Index, a.ID)
	if err != nil {
		return out, err
	}
	link, at := s.publicURL+"/recordings/"+tok, exp.UTC()
	out.DownloadURL, out.DownloadExpiresAt = &link, &at
	return out, nil
}
