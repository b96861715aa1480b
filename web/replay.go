package web

import (
	"context"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/interviewd/interviewd/internal/auth"
	"github.com/interviewd/interviewd/internal/hiring"
	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/templates"
)

// replayRoutes registers the recording's replay page and media under
// /app: every member may play, viewers too.
func (s *server) replayRoutes(r chi.Router) {
	r.Get("/interviews/{id}/recording", s.replayPage)
	r.Get("/interviews/{id}/recording/{index}", s.recordingMedia)
}

// recordingLinkRoutes registers GET /recordings/{token}: the API's signed,
// short-lived download links, which need no cookie and no key.
func (s *server) recordingLinkRoutes(r chi.Router) {
	r.With(speaksJSON).Get("/recordings/{token}", s.recordingLink)
}

var (
	errNoSegment  = interview.Errorf(interview.CodeNotFound, "the recording has no such part")
	errFinalising = interview.Errorf(interview.CodeConflict, "this part of the recording is still being finalised")
	errBadLink    = interview.Errorf(interview.CodeUnauthorized, "the download link is invalid or has expired: ask the API for a new one")
	errNoRecorder = interview.Errorf(interview.CodeUnavailable, "recordings are not available on this instance")
)

// replayPage shows the recording's players beside the transcript, and
// audits that the actor opened it when there is something to play.
func (s *server) replayPage(w http.ResponseWriter, r *http.Request) {
	a, _ := actor(r)
	iv, entries, err := s.interviewWithTranscript(r, a)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	segs, err := s.hiring.Recording(r.Context(), a, iv.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	parts := templates.ReplayParts(segs, func(i int) string { return recordingHref(iv.ID, i) })
	v := templates.ReplayView{Interview: iv.Session, Candidate: iv.Candidate, Position: iv.Position, Parts: parts,
		Lines: templates.ReplayLines(templates.TranscriptLines(entries, hiring.SpeakerLabel), parts)}
	if sum := templates.SummarizeRecording(segs); sum != nil && sum.Playable > 0 {
		s.hiring.RecordingAccessed(r.Context(), a, hiring.AuditRecordingPlayed, iv.ID, -1)
	}
	s.render(w, r, http.StatusOK, templates.Replay(v))
}

// recordingHref is a segment's media under the app.
func recordingHref(interviewID string, index int) string {
	return "/app/interviews/" + interviewID + "/recording/" + strconv.Itoa(index)
}

// recordingMedia serves a segment's file, with ranges; ?download=1 makes
// it an attachment and audits the download.
func (s *server) recordingMedia(w http.ResponseWriter, r *http.Request) {
	a, _ := actor(r)
	index, err := segmentIndex(chi.URLParam(r, "index"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	seg, err := s.hiring.RecordingSegment(r.Context(), a, chi.URLParam(r, "id"), index)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	download := r.URL.Query().Get("download") == "1"
	s.serveSegment(w, r, seg, download, func() {
		s.hiring.RecordingAccessed(r.Context(), a, hiring.AuditRecordingDownloaded, seg.InterviewID, seg.Index)
	})
}

// recordingLink serves the segment a signed link names, as an attachment,
// and audits the download as the API key's that asked for the link.
func (s *server) recordingLink(w http.ResponseWriter, r *http.Request) {
	if s.recordingLinks == nil {
		s.fail(w, r, errNoRecorder)
		return
	}
	c, err := s.recordingLinks.Verify(chi.URLParam(r, "token"))
	if err != nil {
		err = errBadLink
	} else {
		err = s.linkKeyActive(r.Context(), c)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	seg, err := s.store.GetSegment(r.Context(), c.TenantID, c.InterviewID, c.Segment)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a := hiring.Actor{TenantID: c.TenantID, Role: interview.RoleRecruiter, Kind: "api_key", ID: c.Subject}
	s.serveSegment(w, r, seg, true, func() {
		s.hiring.RecordingAccessed(r.Context(), a, hiring.AuditRecordingDownloaded, seg.InterviewID, seg.Index)
	})
}

// linkKeyActive checks that the API key that asked
// for it is still active: revoking a key stops its links at once.
func (s *server) linkKeyActive(ctx context.Context, c auth.RecordingClaims) error {
	keys, err := s.store.ListAPIKeys(ctx, c.TenantID)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(keys, func(k interview.APIKey) bool { return k.ID == c.Subject && k.Active() }) {
		return errBadLink
	}
	return nil
}

// segmentIndex parses a segment's index in a path: 0 to MaxSegments-1.
func segmentIndex(p string) (int, error) {
	n, err := strconv.Atoi(p)
	if err != nil || n < 0 || n >= interview.MaxSegments || strconv.Itoa(n) != p {
		return 0, errNoSegment
	}
	return n, nil
}

// serveSegment serves a finalised segment's file with ranges
// (http.ServeContent); attach makes it a download, audited (audit) once
// per download: on a request from its first byte, not on each range a
// player or a resumed download asks for.
func (s *server) serveSegment(w http.ResponseWriter, r *http.Request, seg interview.VideoSegment, attach bool, audit func()) {
	if !hiring.Playable(seg) {
		s.fail(w, r, unplayable(seg))
		return
	}
	if s.recordings == nil {
		s.fail(w, r, errNoRecorder)
		return
	}
	obj, err := s.recordings.Open(r.Context(), seg) // a file gone is CodeNotFound
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer obj.Close()
	h := w.Header()
	typ := segmentType(seg)
	h.Set("Content-Type", typ)
	h.Set("Cache-Control", "private, no-store")
	if attach {
		h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": segmentFileName(seg, typ)}))
		if r.Method == http.MethodGet && fromFirstByte(r.Header.Get("Range")) {
			audit()
		}
	}
	http.ServeContent(w, r, "", obj.ModTime(), obj)
}

// unplayable says why a segment has no file to serve.
func unplayable(seg interview.VideoSegment) error {
	if seg.Status == interview.SegmentRecording || seg.Status == interview.SegmentProcessing {
		return errFinalising
	}
	return errNoSegment
}

// segmentType is the Content-Type of a segment's file: api.video serves
// MP4; otherwise the type the browser recorded, parsed and formatted
// again so that nothing but a media type reaches the header.
func segmentType(seg interview.VideoSegment) string {
	if seg.Storage == "apivideo" {
		return "video/mp4"
	}
	typ, params, err := mime.ParseMediaType(seg.MIMEType)
	if err != nil || !(strings.HasPrefix(typ, "audio/") || strings.HasPrefix(typ, "video/")) {
		return "application/octet-stream"
	}
	return mime.FormatMediaType(typ, params)
}

// segmentFileName names a download: recording-{interview}-part{n}.webm.
func segmentFileName(seg interview.VideoSegment, typ string) string {
	ext := ".bin"
	switch {
	case strings.Contains(typ, "/webm"):
		ext = ".webm"
	case strings.Contains(typ, "/mp4"):
		ext = ".mp4"
	}
	return "recording-" + seg.InterviewID + "-part" + strconv.Itoa(seg.Index+1) + ext
}

// fromFirstByte reports whether a Range header asks from the start (or
// there is none): the first request of a download.
func fromFirstByte(rng string) bool {
	return rng == "" || strings.HasPrefix(strings.TrimSpace(rng), "bytes=0-")
}

// recordingSummary is what the interview page says of the recording; nil
// when it has none.
func (s *server) recordingSummary(ctx context.Context, a hiring.Actor, interviewID string) (*templates.RecordingSummary, error) {
	segs, err := s.hiring.Recording(ctx, a, interviewID)
	return templates.SummarizeRecording(segs), err
}
