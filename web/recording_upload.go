package web

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/recording"
)

// The room's recording uploads (docs/recordings.md, "Uploads"): the
// candidate's browser begins a segment, PUTs its chunks by seq, and says
// when it stopped. Like problems.go they sit outside the page group: only
// a page of this site (no cross-site form can send their bodies, and the
// Origin is checked) and only the browser the join link admitted (the
// candidate cookie).

// maxRecordingJSON bounds the JSON bodies of begin and finish.
const maxRecordingJSON = 512

// maxChunkSeq bounds a chunk's seq: more than two months of 4 s chunks.
const maxChunkSeq = 1 << 20

var (
	errRecordingOff = interview.Errorf(interview.CodeUnavailable, "this server keeps no recordings")
	errChunkType    = &statusError{status: http.StatusUnsupportedMediaType, err: interview.Errorf(interview.CodeInvalid,
		"a chunk's Content-Type must be application/octet-stream or the recording's type")}
	errChunkTooLarge = interview.Errorf(interview.CodeTooLarge, "a chunk may hold at most %d bytes", interview.MaxChunkBytes)
)

// recordingUploadRoutes registers the room's recording uploads.
func (s *server) recordingUploadRoutes(r chi.Router) {
	r.Route("/join/{token}/recording", func(r chi.Router) {
		r.Use(noStore, speaksJSON)
		r.Post("/", s.beginRecording)
		r.Put("/{segment}/{seq}", s.putRecordingChunk)
		r.Post("/{segment}/finish", s.finishRecording)
	})
}

// beginRequest is the body of POST /join/{token}/recording.
type beginRequest struct {
	MIMEType string `json:"mimeType"`
	Video    bool   `json:"video"`
}

// beginResponse tells the browser its segment and how to cut it.
type beginResponse struct {
	Segment       int   `json:"segment"`
	ChunkMS       int64 `json:"chunkMs"`
	MaxChunkBytes int   `json:"maxChunkBytes"`
}

// beginRecording starts the interview's next segment: 201 with its index.
func (s *server) beginRecording(w http.ResponseWriter, r *http.Request) {
	serveRecordingJSON(s, w, r, http.StatusCreated, func(in beginRequest) (any, error) {
		seg, err := s.beginSegment(r, in)
		return beginResponse{Segment: seg.Index, ChunkMS: recording.ChunkInterval.Milliseconds(),
			MaxChunkBytes: interview.MaxChunkBytes}, err
	})
}

// serveRecordingJSON answers a JSON request of the protocol: its body
// decoded into an In, then status with what do returns, or the error.
func serveRecordingJSON[In any](s *server, w http.ResponseWriter, r *http.Request, status int, do func(In) (any, error)) {
	var in In
	err := s.recordingJSON(w, r, &in)
	var out any
	if err == nil {
		out, err = do(in)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, status, out)
}

// beginSegment admits the browser and begins the segment.
func (s *server) beginSegment(r *http.Request, in beginRequest) (interview.VideoSegment, error) {
	p, v, err := s.recordingInterview(r)
	if err != nil {
		return interview.VideoSegment{}, err
	}
	return s.recordings.Begin(r.Context(), v, p, in.MIMEType, in.Video)
}

// chunkResponse is the answer to a chunk.
type chunkResponse struct {
	Segment int `json:"segment"`
	Seq     int `json:"seq"`
	Bytes   int `json:"bytes"`
}

// putRecordingChunk stores a chunk: 201, or 200 for an identical retry.
func (s *server) putRecordingChunk(w http.ResponseWriter, r *http.Request) {
	index, seq, err := s.chunkOf(r)
	var body []byte
	if err == nil {
		body, err = readChunk(w, r)
	}
	stored := false
	if err == nil {
		var v interview.Session
		if _, v, err = s.recordingInterview(r); err == nil {
			stored, err = s.recordings.PutChunk(r.Context(), v.TenantID, v.ID, index, seq, body)
		}
	}
	switch {
	case err != nil:
		s.fail(w, r, err)
	case stored:
		writeJSON(w, http.StatusCreated, chunkResponse{Segment: index, Seq: seq, Bytes: len(body)})
	default: // a retry of what is stored
		writeJSON(w, http.StatusOK, chunkResponse{Segment: index, Seq: seq, Bytes: len(body)})
	}
}

// chunkOf checks a chunk's request before its body is read: this site,
// the recording's media type, the segment and seq in the path.
func (s *server) chunkOf(r *http.Request) (index, seq int, err error) {
	switch {
	case s.recordings == nil:
		return 0, 0, errRecordingOff
	case !s.sameOrigin(r):
		return 0, 0, errCrossSite
	case !chunkMediaType(r.Header.Get("Content-Type")):
		return 0, 0, errChunkType
	case r.ContentLength > interview.MaxChunkBytes:
		return 0, 0, errChunkTooLarge
	}
	return parseChunkPath(chi.URLParam(r, "segment"), chi.URLParam(r, "seq"))
}

// readChunk reads a chunk's body, at most interview.MaxChunkBytes.
func readChunk(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, interview.MaxChunkBytes))
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return nil, errChunkTooLarge
	} else if err != nil {
		return nil, invalidf("the chunk's body could not be read")
	}
	return body, nil
}

// chunkMediaType reports whether a chunk's Content-Type is one a
// recording's chunk may have: application/octet-stream, or a recording's
// type as the browser's Blob names it.
func chunkMediaType(ct string) bool {
	if mt, _, err := mime.ParseMediaType(ct); err == nil && mt == "application/octet-stream" {
		return true
	}
	_, err := recording.ParseMIMEType(ct)
	return err == nil
}

// parseChunkPath reads a chunk's segment and seq from its path: decimal
// numbers without sign or leading zeros.
func parseChunkPath(segment, seq string) (int, int, error) {
	i, ok := parseIndex(segment, interview.MaxSegments)
	if !ok {
		return 0, 0, interview.Errorf(interview.CodeNotFound, "no such recording segment")
	}
	n, ok := parseIndex(seq, maxChunkSeq)
	if !ok {
		return 0, 0, invalidf("seq must be a number from 0 to %d", maxChunkSeq-1)
	}
	return i, n, nil
}

// parseIndex reads a number in 0..limit-1 written plainly: "0", "17",
// never "+1", "01" or "1e3", so that each chunk has one address.
func parseIndex(s string, limit int) (int, bool) {
	if s == "" || len(s) > 1 && s[0] == '0' || len(s) > 9 {
		return 0, false
	}
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n < limit
}

// finishRequest is the body of POST …/{segment}/finish.
type finishRequest struct {
	Chunks int `json:"chunks"`
}

// segmentView is a segment as the candidate's browser sees it.
type segmentView struct {
	Segment    int    `json:"segment"`
	Status     string `json:"status"`
	MIMEType   string `json:"mimeType"`
	HasVideo   bool   `json:"hasVideo"`
	Chunks     int    `json:"chunks"`
	Bytes      int64  `json:"bytes"`
	DurationMS int64  `json:"durationMs"`
	Gaps       int    `json:"gaps"`
}

// finishRecording is the browser's word that it stopped a segment: 200
// with the segment, finalised when its chunks are all there.
func (s *server) finishRecording(w http.ResponseWriter, r *http.Request) {
	serveRecordingJSON(s, w, r, http.StatusOK, func(in finishRequest) (any, error) {
		seg, err := s.finishSegment(r, in)
		return segmentView{Segment: seg.Index, Status: seg.Status, MIMEType: seg.MIMEType, HasVideo: seg.HasVideo,
			Chunks: seg.Chunks, Bytes: seg.Bytes, DurationMS: seg.DurationMS, Gaps: seg.Gaps}, err
	})
}

// finishSegment admits the browser and finishes the segment.
func (s *server) finishSegment(r *http.Request, in finishRequest) (interview.VideoSegment, error) {
	index, ok := parseIndex(chi.URLParam(r, "segment"), interview.MaxSegments)
	switch {
	case !ok:
		return interview.VideoSegment{}, interview.Errorf(interview.CodeNotFound, "no such recording segment")
	case in.Chunks < 0 || in.Chunks > maxChunkSeq:
		return interview.VideoSegment{}, invalidf("chunks must be a number from 0 to %d", maxChunkSeq)
	}
	_, v, err := s.recordingInterview(r)
	if err != nil {
		return interview.VideoSegment{}, err
	}
	return s.recordings.Finish(r.Context(), v.TenantID, v.ID, index, in.Chunks)
}

// recordingJSON checks a JSON request of the protocol and decodes its body.
func (s *server) recordingJSON(w http.ResponseWriter, r *http.Request, dst any) error {
	switch {
	case s.recordings == nil:
		return errRecordingOff
	case !s.sameOrigin(r):
		return errCrossSite
	case !isJSONMediaType(r.Header.Get("Content-Type")):
		return errNotJSON
	}
	return decodeJSONBody(http.MaxBytesReader(w, r.Body, maxRecordingJSON), dst)
}

// recordingInterview is the interview of the join link in the path, which
// the candidate cookie must admit, and its position.
func (s *server) recordingInterview(r *http.Request) (interview.Position, interview.Session, error) {
	l, err := s.hiring.JoinLanding(r.Context(), chi.URLParam(r, "token"))
	if err != nil {
		return interview.Position{}, interview.Session{}, err
	}
	_, v, err := s.hiring.Admit(r.Context(), candidateToken(r), l.ID)
	return l.Position, v, err
}
