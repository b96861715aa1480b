package web

import (
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/interviewd/interviewd/internal/interview"
)

// apiDecisionRoutes is the integration API's side of deciding: rubrics,
// analytics, AI assessments, scorecards, hiring status and comparisons.
// An API key sees every scorecard and assessment (integrations are not
// reviewers, so blind scoring does not apply to them) and may set hiring
// statuses and ask for re-runs, but never scores.
func (s *server) apiDecisionRoutes(r chi.Router) {
	r.Get("/positions/{id}/rubric", s.apiGetRubric)   // api_rubric.go
	r.Put("/positions/{id}/rubric", s.apiPutRubric)   // api_rubric.go
	r.Get("/positions/{id}/comparison", s.apiCompare) // api_compare.go
	r.Get("/interviews/{id}/analytics", s.apiAnalytics)
	r.Get("/interviews/{id}/assessment", s.apiGetAssessment)
	r.Post("/interviews/{id}/assessment", s.apiRerunAssessment)
	r.Get("/interviews/{id}/scorecards", s.apiScorecards)
	r.Put("/interviews/{id}/hiring-status", s.apiSetHiringStatus)
}

// apiAnalytics returns an interview's transcript analytics.
func (s *server) apiAnalytics(w http.ResponseWriter, r *http.Request) {
	id := chi.URLParam(r, "id")
	rep, err := s.hiring.Analytics(r.Context(), apiActor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeAPI(w, http.StatusOK, toAPIAnalytics(id, rep))
}

// assessmentResponse is the body of GET and POST
// /interviews/{id}/assessment: the latest assessment and the earlier ones,
// newest first, labelled advisory.
type assessmentResponse struct {
	InterviewID string          `json:"interviewId"`
	Advisory    bool            `json:"advisory"`
	Assessment  apiAssessment   `json:"assessment"`
	History     []apiAssessment `json:"history"`
}

// errNoAssessment answers GET /interviews/{id}/assessment before there is
// one.
var errNoAssessment = interview.Errorf(interview.CodeNotFound,
	"this interview has no AI assessment: one is made when an interview completes with ASSESSMENT_MODEL set, or on POST to this URL")

// apiGetAssessment returns an interview's latest AI assessment and its
// history; 404 when there is none.
func (s *server) apiGetAssessment(w http.ResponseWriter, r *http.Request) {
	id := chi.URLParam(r, "id")
	list, err := s.hiring.Assessments(r.Context(), apiActor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(list) == 0 {
		s.fail(w, r, errNoAssessment)
		return
	}
	out := assessmentResponse{InterviewID: id, Advisory: true, Assessment: toAPIAssessment(list[0]), History: []apiAssessment{}}
	for _, a := range list[1:] {
		out.History = append(out.History, toAPIAssessment(a))
	}
	writeAPI(w, http.StatusOK, out)
}

// apiRerunAssessment asks for a new assessment of a completed interview:
// 202 with the pending one.
func (s *server) apiRerunAssessment(w http.ResponseWriter, r *http.Request) {
	id := chi.URLParam(r, "id")
	a, err := s.hiring.RerunAssessment(r.Context(), apiActor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	list, err := s.hiring.Assessments(r.Context(), apiActor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := assessmentResponse{InterviewID: id, Advisory: true, Assessment: toAPIAssessment(a), History: []apiAssessment{}}
	for _, x := range list {
		if x.ID != a.ID {
			out.History = append(out.History, toAPIAssessment(x))
		}
	}
	writeAPI(w, http.StatusAccepted, out)
}

// scorecardList is the body of GET /interviews/{id}/scorecards.
type scorecardList struct {
	InterviewID  string             `json:"interviewId"`
	Scorecards   []apiScorecard     `json:"scorecards"`
	HumanAverage map[string]float64 `json:"humanAverage"`
	HumanOverall *float64           `json:"humanOverall"`
}

// apiScorecards returns an interview's scorecards, oldest first, with the
// average of the submitted ones.
func (s *server) apiScorecards(w http.ResponseWriter, r *http.Request) {
	id := chi.URLParam(r, "id")
	rv, err := s.hiring.Review(r.Context(), apiActor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := scorecardList{InterviewID: id, Scorecards: []apiScorecard{}, HumanAverage: rv.HumanAverage}
	for _, c := range rv.Scorecards {
		out.Scorecards = append(out.Scorecards, toAPIScorecard(c))
	}
	if out.HumanAverage == nil {
		out.HumanAverage = map[string]float64{}
	}
	if len(out.HumanAverage) > 0 {
		out.HumanOverall = &rv.HumanOverall
	}
	writeAPI(w, http.StatusOK, out)
}

// hiringStatusRequest is the body of PUT /interviews/{id}/hiring-status.
type hiringStatusRequest struct {
	Status interview.HiringStatus `json:"status"`
}

// hiringStatusResponse is an interview's hiring status and its history.
type hiringStatusResponse struct {
	InterviewID  string                 `json:"interviewId"`
	HiringStatus interview.HiringStatus `json:"hiringStatus"`
	Decisions    []apiDecision          `json:"decisions"`
}

// apiDecision is one change of hiring status.
type apiDecision struct {
	Status    interview.HiringStatus `json:"status"`
	ActorType string                 `json:"actorType"`
	ActorID   string                 `json:"actorId"`
	ActorName string                 `json:"actorName"`
	At        time.Time              `json:"at"`
}

// apiSetHiringStatus records the integration's decision on an interview.
func (s *server) apiSetHiringStatus(w http.ResponseWriter, r *http.Request) {
	var in hiringStatusRequest
	if err := readJSON(w, r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	id := chi.URLParam(r, "id")
	v, err := s.hiring.SetHiringStatus(r.Context(), apiActor(r), id, in.Status)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	list, err := s.hiring.Decisions(r.Context(), apiActor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := hiringStatusResponse{InterviewID: id, HiringStatus: v.HiringStatus, Decisions: []apiDecision{}}
	for _, d := range list {
		out.Decisions = append(out.Decisions, apiDecision{Status: d.Status, ActorType: d.ActorKind, ActorID: d.ActorID, ActorName: d.ActorName, At: d.At.UTC()})
	}
	writeAPI(w, http.StatusOK, out)
}
