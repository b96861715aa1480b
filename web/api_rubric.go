package web

import (
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/interviewd/interviewd/internal/interview"
)

// apiCompetency is a rubric's competency as the API shows and takes it;
// its fields are interview.Competency's, so one converts to the other.
type apiCompetency struct {
	Key         string `json:"key"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Weight      int    `json:"weight"`
	Anchor1     string `json:"anchor1"`
	Anchor3     string `json:"anchor3"`
	Anchor5     string `json:"anchor5"`
}

// rubricRequest is a rubric as a client writes it: PUT
// /positions/{id}/rubric, and "rubric" in POST /positions. A missing key
// is made from the name; a missing weight is 1.
type rubricRequest struct {
	Competencies  []apiCompetency `json:"competencies"`
	QuestionLinks [][]string      `json:"questionLinks"`
}

// apiRubric is a rubric version as the API shows it.
type apiRubric struct {
	PositionID    string          `json:"positionId"`
	Version       int             `json:"version"`
	Derived       bool            `json:"derived"`
	Competencies  []apiCompetency `json:"competencies"`
	QuestionLinks [][]string      `json:"questionLinks"`
	CreatedAt     time.Time       `json:"createdAt"`
}

// rubric converts a request to the domain's rubric.
func (in rubricRequest) rubric() interview.Rubric {
	r := interview.Rubric{QuestionLinks: in.QuestionLinks}
	for _, c := range in.Competencies {
		r.Competencies = append(r.Competencies, interview.Competency(c))
	}
	return r
}

func toAPIRubric(r interview.Rubric) *apiRubric {
	out := &apiRubric{PositionID: r.PositionID, Version: r.Version, Derived: r.Derived,
		Competencies: []apiCompetency{}, QuestionLinks: [][]string{}, CreatedAt: r.CreatedAt.UTC()}
	for _, c := range r.Competencies {
		out.Competencies = append(out.Competencies, apiCompetency(c))
	}
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
