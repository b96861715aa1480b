package web

import (
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/interviewd/interviewd/internal/interview"
)

// apiErasureRoutes registers the API's erasure of a candidate's data,
// inside apiRoutes' API-key group: integrations sync erasure requests
// from an applicant tracking system (docs/api.md "Erasure").
func (s *server) apiErasureRoutes(r chi.Router) {
	r.With(s.idempotent).Post("/candidates/{id}/erase", s.apiEraseCandidate)
}

// apiErasure is an erasure's tombstone as the API shows it: no personal
// data, only IDs and how much went.
type apiErasure struct {
	ID           string           `json:"id"`
	CandidateID  string           `json:"candidateId"`
	InterviewIDs []string         `json:"interviewIds"`
	ActorType    string           `json:"actorType"`
	ActorID      string           `json:"actorId"`
	Counts       map[string]int64 `json:"counts"`
	ErasedAt     time.Time        `json:"erasedAt"`
}

func toAPIErasure(e interview.Erasure) apiErasure {
	v := apiErasure{ID: e.ID, CandidateID: e.CandidateID, InterviewIDs: e.InterviewIDs,
		ActorType: e.ActorType, ActorID: e.ActorID, Counts: e.Counts, ErasedAt: e.ErasedAt.UTC()}
	if v.InterviewIDs == nil {
		v.InterviewIDs = []string{}
	}
	if v.Counts == nil {
		v.Counts = map[string]int64{}
	}
	return v
}

// apiEraseCandidate erases a candidate of the key's organisation and
// everything about them, and returns the tombstone.
func (s *server) apiEraseCandidate(w http.ResponseWriter, r *http.Request) {
	e, err := s.hiring.EraseCandidate(r.Context(), apiActor(r), chi.URLParam(r, "id"), s.recordingDeleter())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toAPIErasure(e))
}
