package web

import (
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/interviewd/interviewd/internal/hiring"
	"github.com/interviewd/interviewd/internal/interview"
)

// interviewRequest is the body of POST /api/v1/interviews.
type interviewRequest struct {
	PositionID string           `json:"positionId"`
	Candidate  candidateRequest `json:"candidate"`
	// SendInvitation e-mails the candidate their link (docs/email.md).
	SendInvitation bool `json:"sendInvitation"`
}

type candidateRequest struct {
	Name  string `json:"name"`
	Email string `json:"email"`
}

// apiInterview is an interview as the API shows it.
type apiInterview struct {
	ID            string       `json:"id"`
	Status        string       `json:"status"`
	PositionID    string       `json:"positionId"`
	PositionTitle string       `json:"positionTitle"`
	Candidate     apiCandidate `json:"candidate"`
	JoinURL       string       `json:"joinUrl"`
	ExpiresAt     time.Time    `json:"expiresAt"`
	LinkRevokedAt *time.Time   `json:"linkRevokedAt"`
	CreatedAt     time.Time    `json:"createdAt"`
	UpdatedAt     time.Time    `json:"updatedAt"`
	StartedAt     *time.Time   `json:"startedAt"`
	EndedAt       *time.Time   `json:"endedAt"`
	EndReason     string       `json:"endReason"`
	// CurrentQuestion is the question the interviewer asked last (0 before
	// the first), as the calls manager recorded it.
	CurrentQuestion int `json:"currentQuestion"`
	// HiringStatus is a person's decision on the candidate (issue 12).
	HiringStatus interview.HiringStatus `json:"hiringStatus"`
	// CandidateFeedback is the candidate's rating and comment once the
	// interview has ended; only GET /api/v1/interviews/{id} fills it.
	CandidateFeedback *interview.Feedback `json:"candidateFeedback,omitempty"`
	// CandidateProblems are the problems the candidate's page reported
	// (a refused microphone, a call that could not connect), oldest
	// first; only GET /api/v1/interviews/{id} fills it.
	CandidateProblems []interview.CandidateProblem `json:"candidateProblems,omitzero"`
}

type apiCandidate struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
}

// toAPIInterview shows v with its candidate and position title.
func (s *server) toAPIInterview(v interview.Session, c apiCandidate, positionTitle string) apiInterview {
	return apiInterview{
		ID: v.ID, Status: string(v.Status), PositionID: v.PositionID, PositionTitle: positionTitle,
		Candidate: c, JoinURL: s.hiring.JoinURL(v),
		ExpiresAt: v.JoinExpiresAt.UTC(), LinkRevokedAt: utcPtr(v.JoinRevokedAt),
		CreatedAt: v.CreatedAt.UTC(), UpdatedAt: v.UpdatedAt.UTC(),
		StartedAt: utcPtr(v.StartedAt), EndedAt: utcPtr(v.EndedAt), EndReason: v.EndReason,
		CurrentQuestion: v.CurrentQuestion, HiringStatus: v.HiringStatus,
	}
}

func (s *server) fromHiring(iv hiring.Interview) apiInterview {
	c := apiCandidate{ID: iv.Candidate.ID, Name: iv.Candidate.Name, Email: iv.Candidate.Email}
	return s.toAPIInterview(iv.Session, c, iv.Position.Title)
}

func (s *server) fromSummary(v interview.SessionSummary) apiInterview {
	c := apiCandidate{ID: v.CandidateID, Name: v.CandidateName, Email: v.CandidateEmail}
	return s.toAPIInterview(v.Session, c, v.PositionTitle)
}

// apiCreateInterview creates a candidate and an interview for them on an
// active position: 201 with the interview and its join link.
func (s *server) apiCreateInterview(w http.ResponseWriter, r *http.Request) {
	var in interviewRequest
	if err := readJSON(w, r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	if in.PositionID == "" {
		s.fail(w, r, invalidf("positionId is required"))
		return
	}
	if in.SendInvitation && s.mail == nil {
		s.fail(w, r, errNoMail)
		return
	}
	iv, err := s.hiring.CreateInterview(r.Context(), apiActor(r), in.PositionID,
		hiring.CandidateInput(in.Candidate))
	if err == nil && in.SendInvitation {
		err = s.queueInvitation(r.Context(), iv)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeAPI(w, http.StatusCreated, s.fromHiring(iv))
}

// apiListInterviews lists the tenant's interviews, newest first, filtered
// by status, position and a search of the candidate's name or email.
func (s *server) apiListInterviews(w http.ResponseWriter, r *http.Request) {
	f, err := sessionFilter(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	list, err := s.hiring.Interviews(r.Context(), apiActor(r), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]apiInterview, 0, len(list))
	for _, v := range list {
		out = append(out, s.fromSummary(v))
	}
	writeAPI(w, http.StatusOK, interviewPage(out, f))
}

// apiGetInterview returns one interview.
func (s *server) apiGetInterview(w http.ResponseWriter, r *http.Request) {
	iv, err := s.hiring.Interview(r.Context(), apiActor(r), chi.URLParam(r, "id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := s.fromHiring(iv)
	if out.CandidateFeedback, err = s.feedbackOf(r.Context(), iv.TenantID, iv.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	if out.CandidateProblems, err = s.store.ListCandidateProblems(r.Context(), iv.TenantID, iv.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	writeAPI(w, http.StatusOK, out)
}

// apiTranscript returns an interview's transcript in order.
func (s *server) apiTranscript(w http.ResponseWriter, r *http.Request) {
	id := chi.URLParam(r, "id")
	entries, err := s.hiring.Transcript(r.Context(), apiActor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeAPI(w, http.StatusOK, map[string]any{
		"interviewId": id,
		"entries":     hiring.ExportEntries(entries),
	})
}
