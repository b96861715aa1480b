package web

import (
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/interviewd/interviewd/internal/interview"
)

// rubricRequest is a rubric as a client writes it: PUT
// /positions/{id}/rubric, and "rubric" in POST /positions. A missing key
// is made from the name; a missing weight is 1.
type rubricRequest struct {
	Competencies  []interview.Competency `json:"competencies"`
	QuestionLinks [][]string             `json:"questionLinks"`
}

// apiRubric is a rubric version as the API shows it.
type apiRubric struct {
	PositionID    string                 `json:"positionId"`
	Version       int                    `json:"version"`
	Derived       bool                   `json:"derived"`
	Competencies  []interview.Competency `json:"competencies"`
	QuestionLinks [][]string             `json:"questionLinks"`
	CreatedAt     time.Time              `json:"createdAt"`
}

// rubric converts a request to the domain's rubric.
func (in rubricRequest) rubric() interview.Rubric {
	return interview.Rubric{Competencies: in.Competencies, QuestionLinks: in.QuestionLinks}
}

func toAPIRubric(r interview.Rubric) *apiRubric {
	out := &apiRubric{PositionID: r.PositionID, Version: r.Version, Derived: r.Derived,
		Competencies: []interview.Competency{}, QuestionLinks: [][]string{}, CreatedAt: r.CreatedAt.UTC()}
	out.Competencies = append(out.Competencies, r.Competencies...)
	for _, l := range r.QuestionLinks {
		out.QuestionLinks = append(out.QuestionLinks, append([]string{}, l...))
	}
	return out
}

// apiGetRubric returns a position's latest rubric (deriving the default
// one the first time).
func (s *server) apiGetRubric(w http.ResponseWriter, r *http.Request) {
	rb, err := s.hiring.Rubric(r.Context(), apiActor(r), chi.URLParam(r, "id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeAPI(w, http.StatusOK, toAPIRubric(rb))
}

// apiPutRubric saves a position's rubric as its next version (the latest
// one again when nothing changed).
func (s *server) apiPutRubric(w http.ResponseWriter, r *http.Request) {
	var in rubricRequest
	if err := readJSON(w, r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	rb, err := s.hiring.SaveRubric(r.Context(), apiActor(r), chi.URLParam(r, "id"), in.rubric())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeAPI(w, http.StatusOK, toAPIRubric(rb))
}
