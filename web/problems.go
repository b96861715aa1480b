package web

import (
	"io"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/interviewd/interviewd/internal/interview"
)

// The problems a candidate's page meets that the server cannot see: a
// microphone refused, missing, busy or unsupported, a call that could not
// connect or was lost (docs/candidate-room.md, "Problems the recruiter
// sees"). The page reports a code; the recruiter reads it in the
// interview's timeline and the API.

// maxProblemBody is the most POST /join/{token}/problem reads: its body,
// {"code":"CONNECTION_LOST"}, is 26 bytes.
const maxProblemBody = 256

// problemRoutes registers POST /join/{token}/problem. It sits outside the
// page group, as the page sends JSON and no form token: like the lifecycle
// API it takes only a JSON body (no cross-site form can send one), from a
// page of this site, and only from the browser the join link admitted
// (the candidate cookie).
func (s *server) problemRoutes(r chi.Router) {
	r.With(noStore, speaksJSON).Post("/join/{token}/problem", s.reportProblem)
}

// speaksJSON makes every answer of a JSON endpoint outside /api JSON,
// its errors included (s.fail answers in the type the client accepts).
func speaksJSON(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Header.Set("Accept", "application/json")
		next.ServeHTTP(w, r)
	})
}

// problemRequest is the body of a report: a code and nothing else.
type problemRequest struct {
	Code interview.ProblemCode `json:"code"`
}

// errProblemCode is the answer to a code outside the set.
var errProblemCode = interview.Errorf(interview.CodeInvalid, "code must be one of %s", problemCodeList())

// problemCodeList is the codes, for people: "MIC_DENIED, MIC_MISSING, …".
func problemCodeList() string {
	var b strings.Builder
	for i, c := range interview.ProblemCodes() {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(string(c))
	}
	return b.String()
}

// reportProblem stores a problem of the candidate's page: 201 with it, or
// 200 with the earlier one it repeats (folded, nothing stored).
func (s *server) reportProblem(w http.ResponseWriter, r *http.Request) {
	p, err := s.problemOf(w, r)
	stored := false
	if err == nil {
		stored, err = s.store.AddCandidateProblem(r.Context(), &p)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	status := http.StatusOK
	if stored {
		status = http.StatusCreated
	}
	writeJSON(w, status, p)
}

// problemOf reads a report and finds its interview: the join link's in
// the path, which the candidate cookie must admit.
func (s *server) problemOf(w http.ResponseWriter, r *http.Request) (interview.CandidateProblem, error) {
	switch {
	case !s.sameOrigin(r):
		return interview.CandidateProblem{}, errCrossSite
	case !isJSONMediaType(r.Header.Get("Content-Type")):
		return interview.CandidateProblem{}, errNotJSON
	}
	code, err := decodeProblem(w, r.Body)
	if err != nil {
		return interview.CandidateProblem{}, err
	}
	l, err := s.hiring.JoinLanding(r.Context(), chi.URLParam(r, "token"))
	if err != nil {
		return interview.CandidateProblem{}, err
	}
	_, v, err := s.hiring.Admit(r.Context(), candidateToken(r), l.ID)
	if err != nil {
		return interview.CandidateProblem{}, err
	}
	return interview.CandidateProblem{TenantID: v.TenantID, InterviewID: v.ID, Code: code}, nil
}

// decodeProblem reads a report's body: one JSON object, at most
// maxProblemBody bytes, with a code of the set and no other field.
func decodeProblem(w http.ResponseWriter, body io.ReadCloser) (interview.ProblemCode, error) {
	var in problemRequest
	if err := decodeJSONBody(http.MaxBytesReader(w, body, maxProblemBody), &in); err != nil {
		return "", err
	}
	if !in.Code.Valid() {
		return "", errProblemCode
	}
	return in.Code, nil
}
