package web

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/interviewd/interviewd/internal/hiring"
	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/templates"
)

// decisionRoutes are the recruiter's pages that help decide: scorecards,
// hiring status, AI assessments and the comparison of a position's
// candidates.
func (s *server) decisionRoutes(r chi.Router) {
	r.Post("/interviews/{id}/scorecard", s.submitScorecard)
	r.Post("/interviews/{id}/hiring-status", s.setHiringStatus)
	r.Post("/interviews/{id}/assessment", s.rerunAssessment)
	r.Get("/positions/{id}/compare", s.comparePage)
}

// submitScorecard saves the reviewer's scorecard, or their choice to see
// the results without scoring ("declined").
func (s *server) submitScorecard(w http.ResponseWriter, r *http.Request) {
	a, _ := actor(r)
	id := chi.URLParam(r, "id")
	in, form, err := scorecardInput(r)
	if err == nil {
		_, err = s.hiring.SubmitScorecard(r.Context(), a, id, in)
	}
	switch {
	case isInvalid(err):
		form.Err = formErrorOf(err, nil)
		s.renderInterview(w, r, http.StatusBadRequest, &form)
	case err != nil:
		s.fail(w, r, err)
	case in.Declined:
		http.Redirect(w, r, interviewPath(id)+"?done=declined#ai-heading", http.StatusSeeOther)
	default:
		http.Redirect(w, r, interviewPath(id)+"?done=scored#ai-heading", http.StatusSeeOther)
	}
}

// scorecardInput reads the scorecard form: score.KEY per competency (empty
// for not scored), recommendation and notes; or declined=1.
func scorecardInput(r *http.Request) (hiring.ScorecardInput, templates.ScorecardForm, error) {
	if err := r.ParseForm(); err != nil {
		return hiring.ScorecardInput{}, templates.ScorecardForm{}, interview.Errorf(interview.CodeInvalid, "the form could not be read")
	}
	if r.PostFormValue("declined") == "1" {
		return hiring.ScorecardInput{Declined: true}, templates.ScorecardForm{}, nil
	}
	form := templates.ScorecardForm{Scores: map[string]int{},
		Recommendation: r.PostFormValue("recommendation"), Notes: r.PostFormValue("notes")}
	in := hiring.ScorecardInput{Scores: map[string]int{},
		Recommendation: interview.Recommendation(form.Recommendation), Notes: form.Notes}
	for name, values := range r.PostForm {
		key, ok := strings.CutPrefix(name, "score.")
		if !ok || len(values) == 0 || values[0] == "" {
			continue
		}
		n, err := strconv.Atoi(values[0])
		if err != nil {
			return in, form, &interview.FieldError{Field: name, Err: &interview.Error{Code: interview.CodeInvalid, Message: "a score is a whole number from 1 to 5"}}
		}
		in.Scores[key], form.Scores[key] = n, n
	}
	return in, form, nil
}

// setHiringStatus records a person's decision on the candidate.
func (s *server) setHiringStatus(w http.ResponseWriter, r *http.Request) {
	a, _ := actor(r)
	id := chi.URLParam(r, "id")
	st := interview.HiringStatus(r.PostFormValue("status"))
	if _, err := s.hiring.SetHiringStatus(r.Context(), a, id, st); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, interviewPath(id)+"?done=hiring#decide-heading", http.StatusSeeOther)
}

// rerunAssessment asks for a new AI assessment of a completed interview.
func (s *server) rerunAssessment(w http.ResponseWriter, r *http.Request) {
	a, _ := actor(r)
	id := chi.URLParam(r, "id")
	if _, err := s.hiring.RerunAssessment(r.Context(), a, id); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, interviewPath(id)+"?done=rerun#ai-heading", http.StatusSeeOther)
}

// comparePage is a position's candidates side by side; ?format=csv
// downloads the same table as CSV.
func (s *server) comparePage(w http.ResponseWriter, r *http.Request) {
	a, _ := actor(r)
	f, err := comparisonFilter(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.hiring.Compare(r.Context(), a, chi.URLParam(r, "id"), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if r.URL.Query().Get("format") == "csv" {
		s.writeComparisonCSV(w, r, c)
		return
	}
	s.render(w, r, http.StatusOK, templates.Compare(templates.CompareView{Comparison: c, Filter: f}))
}

// comparisonFilter reads ?status=&sort=&desc=1.
func comparisonFilter(r *http.Request) (hiring.ComparisonFilter, error) {
	q := r.URL.Query()
	f := hiring.ComparisonFilter{HiringStatus: interview.HiringStatus(q.Get("status")), Sort: q.Get("sort"), Desc: q.Get("desc") == "1"}
	if f.HiringStatus != "" && !f.HiringStatus.Valid() {
		return f, &interview.FieldError{Field: "status", Err: &interview.Error{Code: interview.CodeInvalid,
			Message: "the hiring status must be one of new, shortlisted, advanced, rejected"}}
	}
	return f, nil
}

// writeComparisonCSV serves the comparison as a download, buffered so that
// a failure is a clean error.
func (s *server) writeComparisonCSV(w http.ResponseWriter, r *http.Request, c hiring.Comparison) {
	var buf bytes.Buffer
	if err := hiring.WriteComparisonCSV(&buf, c); err != nil {
		s.fail(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="comparison-`+c.Position.ID+`.csv"`)
	h.Set("Cache-Control", "private, no-store")
	w.Write(buf.Bytes()) //nolint:errcheck // the client has gone; nothing to do
}

// interviewPath is the address of an interview's page.
func interviewPath(id string) string { return "/app/interviews/" + id }
