package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/interviewd/interviewd/internal/hiring"
	"github.com/interviewd/interviewd/internal/interview"
)

// positionRequest is the body of POST /api/v1/positions.
type positionRequest struct {
	Title        string   `json:"title"`
	Description  string   `json:"description"`
	Instructions string   `json:"instructions"`
	NextSteps    string   `json:"nextSteps"`
	Questions    []string `json:"questions"`
	MaxMinutes   int      `json:"maxMinutes"`
	Language     string   `json:"language"`
	Voice        string   `json:"voice"`
	// RecordAudio records the conversation; true when absent.
	RecordAudio *bool `json:"recordAudio"`
	RecordVideo bool  `json:"recordVideo"`
	// Rubric, when given, is the position's rubric; without it one is
	// derived from the questions.
	Rubric *rubricRequest `json:"rubric"`
}

// input converts the request to the service's input.
func (in positionRequest) input() hiring.PositionInput {
	p := hiring.PositionInput{Title: in.Title, Description: in.Description, Instructions: in.Instructions, NextSteps: in.NextSteps,
		Questions: in.Questions, MaxMinutes: in.MaxMinutes, Language: in.Language, Voice: in.Voice,
		RecordAudio: in.RecordAudio == nil || *in.RecordAudio, RecordVideo: in.RecordVideo}
	if in.Rubric != nil {
		r := in.Rubric.rubric()
		p.Rubric = &r
	}
	return p
}

// apiPosition is a position as the API shows it.
type apiPosition struct {
	ID           string     `json:"id"`
	Title        string     `json:"title"`
	Description  string     `json:"description"`
	Instructions string     `json:"instructions"`
	NextSteps    string     `json:"nextSteps"`
	Questions    []string   `json:"questions"`
	MaxMinutes   int        `json:"maxMinutes"`
	Language     string     `json:"language"`
	Voice        string     `json:"voice"`
	RecordAudio  bool       `json:"recordAudio"`
	RecordVideo  bool       `json:"recordVideo"`
	Archived     bool       `json:"archived"`
	ArchivedAt   *time.Time `json:"archivedAt"`
	CreatedAt    time.Time  `json:"createdAt"`
	UpdatedAt    time.Time  `json:"updatedAt"`
	// Rubric is the latest rubric, shown by GET /positions/{id} and POST
	// /positions; lists leave it out.
	Rubric *apiRubric `json:"rubric,omitempty"`
}

func toAPIPosition(p interview.Position) apiPosition {
	qs := p.Questions
	if qs == nil {
		qs = []string{}
	}
	return apiPosition{
		ID: p.ID, Title: p.Title, Description: p.Description, Instructions: p.Instructions, NextSteps: p.NextSteps,
		Questions: qs, MaxMinutes: p.MaxMinutes, Language: p.Language, Voice: p.Voice,
		RecordAudio: p.RecordAudio, RecordVideo: p.RecordVideo,
		Archived: p.Archived(), ArchivedAt: utcPtr(p.ArchivedAt),
		CreatedAt: p.CreatedAt.UTC(), UpdatedAt: p.UpdatedAt.UTC(),
	}
}

// apiCreatePosition creates a position: 201 with the position.
func (s *server) apiCreatePosition(w http.ResponseWriter, r *http.Request) {
	var in positionRequest
	if err := readJSON(w, r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := s.hiring.CreatePosition(r.Context(), apiActor(r), in.input())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writePosition(w, r, http.StatusCreated, p)
}

// apiListPositions lists the tenant's positions, newest first; archived
// ones only with ?includeArchived=true.
func (s *server) apiListPositions(w http.ResponseWriter, r *http.Request) {
	all, err := boolParam(r, "includeArchived")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ps, err := s.hiring.Positions(r.Context(), apiActor(r), all)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]apiPosition, 0, len(ps))
	for _, p := range ps {
		out = append(out, toAPIPosition(p))
	}
	writeAPI(w, http.StatusOK, map[string]any{"positions": out})
}

// apiGetPosition returns one position, archived or not.
func (s *server) apiGetPosition(w http.ResponseWriter, r *http.Request) {
	p, err := s.hiring.Position(r.Context(), apiActor(r), chi.URLParam(r, "id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writePosition(w, r, http.StatusOK, p)
}

// writePosition writes a position with its latest rubric.
func (s *server) writePosition(w http.ResponseWriter, r *http.Request, status int, p interview.Position) {
	rb, err := s.hiring.Rubric(r.Context(), apiActor(r), p.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := toAPIPosition(p)
	out.Rubric = toAPIRubric(rb)
	writeAPI(w, status, out)
}

// boolParam reads an optional true/false query parameter.
func boolParam(r *http.Request, name string) (bool, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, invalidf("%s must be true or false", name)
	}
	return b, nil
}

// writeAPI writes an API response, which no cache may keep: it is one
// tenant's data.
func writeAPI(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, status, v)
}

// utcPtr returns *t in UTC, or nil.
func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
