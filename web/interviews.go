package web

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/interviewd/interviewd/internal/hiring"
	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/templates"
)

// interviewRoutes registers the recruiter's interview pages under /app.
func (s *server) interviewRoutes(r chi.Router) {
	r.Get("/interviews", s.interviewsPage)
	r.Get("/interviews/new", s.newInterviewPage)
	r.Post("/interviews/new", s.createInterview)
	r.Get("/interviews/{id}", s.interviewPage)
	r.Get("/interviews/{id}/live", s.interviewLive)
	r.Post("/interviews/{id}/revoke", s.revokeLink)
	r.Post("/interviews/{id}/reissue", s.reissueLink)
	r.Post("/interviews/{id}/end", s.endInterviewNow)
	for _, e := range exports {
		r.Get("/interviews/{id}/transcript."+e.ext, s.exportTranscript(e))
	}
}

func (s *server) interviewsPage(w http.ResponseWriter, r *http.Request) {
	a, canEdit := actor(r)
	q := r.URL.Query()
	v := templates.InterviewsView{Status: q.Get("status"), Query: strings.TrimSpace(q.Get("q")), CanEdit: canEdit}
	f := interview.SessionFilter{Query: v.Query}
	if v.Status != "" {
		st, err := interview.ParseStatus(v.Status)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		f.Status = st
	}
	list, err := s.hiring.Interviews(r.Context(), a, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.Interviews = list
	s.render(w, withDone(r), http.StatusOK, templates.Interviews(v))
}

func (s *server) newInterviewPage(w http.ResponseWriter, r *http.Request) {
	v := templates.NewInterviewView{PositionID: r.URL.Query().Get("position")}
	s.renderNewInterview(w, r, http.StatusOK, v)
}

// renderNewInterview shows the interview form with the active positions.
func (s *server) renderNewInterview(w http.ResponseWriter, r *http.Request, status int, v templates.NewInterviewView) {
	a, canEdit := actor(r)
	if !canEdit {
		s.fail(w, r, errReadOnly)
		return
	}
	list, err := s.hiring.Positions(r.Context(), a, false)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.Positions, v.MailOn = list, s.mail != nil
	s.render(w, r, status, templates.NewInterview(v))
}

func (s *server) createInterview(w http.ResponseWriter, r *http.Request) {
	a, _ := actor(r)
	v := templates.NewInterviewView{
		PositionID: r.PostFormValue("position"), Name: r.PostFormValue("name"), Email: r.PostFormValue("email"),
		SendInvitation: r.PostFormValue("send_invitation") != "",
	}
	iv, err := s.hiring.CreateInterview(r.Context(), a, v.PositionID, hiring.CandidateInput{Name: v.Name, Email: v.Email})
	switch {
	case isInvalid(err):
		v.Err = formErrorOf(err, interviewInputs)
		s.renderNewInterview(w, r, http.StatusBadRequest, v)
	case err != nil:
		s.fail(w, r, err)
	case v.SendInvitation && s.mail != nil:
		s.thenRedirect(w, r, s.queueInvitation(r.Context(), iv), "/app/interviews/"+iv.ID+"?done=invitation")
	default:
		http.Redirect(w, r, "/app/interviews/"+iv.ID+"?done=interview", http.StatusSeeOther)
	}
}

// interviewInputs names the form's inputs where they differ from the
// domain's fields (hiring.Service.CreateInterview).
var interviewInputs = map[string]string{"positionId": "position", "candidate.name": "name", "candidate.email": "email"}

func (s *server) interviewPage(w http.ResponseWriter, r *http.Request) {
	s.renderInterview(w, withDone(r), http.StatusOK, nil)
}

// renderInterview shows the interview page with its decision panel; card
// is the scorecard form as typed after a refused submission, nil to show
// the stored one.
func (s *server) renderInterview(w http.ResponseWriter, r *http.Request, status int, card *templates.ScorecardForm) {
	a, canEdit := actor(r)
	iv, entries, err := s.interviewWithTranscript(r, a)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	review, err := s.hiring.Review(r.Context(), a, iv.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := &templates.DecideView{Review: review, HiringStatus: iv.HiringStatus, CanEdit: canEdit,
		Ended: iv.Status.Terminal(), Completed: iv.Status == interview.StatusCompleted,
		Scorecard: templates.ScorecardFormOf(review.Mine)}
	if card != nil {
		d.Scorecard = *card
	}
	v := templates.InterviewView{
		Interview: iv.Session, Candidate: iv.Candidate, Position: iv.Position, JoinURL: iv.JoinURL,
		LinkUsable: s.hiring.LinkUsable(iv.Session), CanEdit: canEdit,
		Transcript: templates.TranscriptLines(entries, hiring.SpeakerLabel),
		Decide:     d, Highlight: templates.ParseHighlight(r.URL.Query().Get("hl")),
		CanErase: a.Role.CanManage(),
	}
	if v.Mail, err = s.mailView(r.Context(), iv); err != nil {
		s.fail(w, r, err)
		return
	}
	if v.Feedback, err = s.feedbackOf(r.Context(), iv.TenantID, iv.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	if v.Problems, err = s.store.ListCandidateProblems(r.Context(), iv.TenantID, iv.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	if v.Recording, err = s.recordingSummary(r.Context(), a, iv.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, templates.Interview(v))
}

// interviewWithTranscript loads the interview named in the path and its
// transcript; another tenant's or a malformed ID is not found.
func (s *server) interviewWithTranscript(r *http.Request, a hiring.Actor) (hiring.Interview, []interview.TranscriptEntry, error) {
	id := chi.URLParam(r, "id")
	iv, err := s.hiring.Interview(r.Context(), a, id)
	if err != nil {
		return iv, nil, err
	}
	entries, err := s.hiring.Transcript(r.Context(), a, id)
	return iv, entries, err
}

// liveLine is a transcript line as live.js places it: by At, then Seq.
// An entry stored late at its place moves the later ones' Seq up by one,
// so live.js knows lines by ItemID and asks again from the start when a
// line it has comes back with another Seq.
type liveLine struct {
	Seq         int64     `json:"seq"`
	ItemID      string    `json:"itemId"`
	Speaker     string    `json:"speaker"`
	Label       string    `json:"label"`
	Source      string    `json:"source"` // server, browser or integration (hiring.SourceLabel)
	Text        string    `json:"text"`
	At          time.Time `json:"at"`
	Offset      string    `json:"offset"`
	Interrupted bool      `json:"interrupted"`
}

// liveResponse is the interview's status, the question reached and the
// lines after ?after=SEQ.
type liveResponse struct {
	Status      string     `json:"status"`
	StatusLabel string     `json:"statusLabel"`
	Open        bool       `json:"open"`
	Progress    string     `json:"progress"` // "Question 2 of 5", or "" before the first
	Problems    int        `json:"problems"` // the candidate's problems stored: a new one refreshes the timeline
	Lines       []liveLine `json:"lines"`
}

// interviewLive is what the recruiter's page polls while the interview is
// open (live.js): its status, and the transcript lines after ?after=SEQ,
// timed from the first line as the page times them.
func (s *server) interviewLive(w http.ResponseWriter, r *http.Request) {
	after, err := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	if err != nil || after < 0 {
		after = 0
	}
	a, _ := actor(r)
	iv, entries, err := s.interviewWithTranscript(r, a)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	problems, err := s.store.ListCandidateProblems(r.Context(), iv.TenantID, iv.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	res := liveResponse{Status: string(iv.Status), StatusLabel: templates.StatusLabel(iv.Status),
		Open: !iv.Status.Terminal(), Progress: templates.ProgressText(iv.CurrentQuestion, len(iv.Position.Questions)),
		Problems: len(problems), Lines: []liveLine{}}
	for i, l := range templates.TranscriptLines(entries, hiring.SpeakerLabel) {
		if e := entries[i]; e.Seq > after {
			res.Lines = append(res.Lines, liveLine{Seq: e.Seq, ItemID: e.ItemID, Speaker: l.Speaker, Label: l.Label,
				Source: l.Source, Text: l.Text, At: l.At.UTC(), Offset: l.Offset, Interrupted: l.Interrupted})
		}
	}
	w.Header().Set("Cache-Control", "private, no-store")
	writeJSON(w, http.StatusOK, res)
}

func (s *server) revokeLink(w http.ResponseWriter, r *http.Request) {
	a, _ := actor(r)
	id := chi.URLParam(r, "id")
	if err := s.hiring.RevokeLink(r.Context(), a, id); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/app/interviews/"+id+"?done=revoked", http.StatusSeeOther)
}

func (s *server) reissueLink(w http.ResponseWriter, r *http.Request) {
	a, _ := actor(r)
	iv, err := s.hiring.ReissueLink(r.Context(), a, chi.URLParam(r, "id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/app/interviews/"+iv.ID+"?done=reissued", http.StatusSeeOther)
}

// endInterviewNow is a recruiter ending an interview from its page: a live
// call is hung up (its transcript kept) and the interview completed; one
// that has not started is abandoned.
func (s *server) endInterviewNow(w http.ResponseWriter, r *http.Request) {
	a, _ := actor(r)
	id := chi.URLParam(r, "id")
	if err := s.endCall(r.Context(), a, id); err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := s.hiring.EndInterview(r.Context(), a, id); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/app/interviews/"+id+"?done=ended", http.StatusSeeOther)
}

// export is one downloadable form of a transcript.
type export struct {
	ext         string
	contentType string
	write       func(w io.Writer, iv hiring.Interview, entries []interview.TranscriptEntry) error
}

var exports = []export{
	{"txt", "text/plain; charset=utf-8", hiring.WriteText},
	{"json", "application/json", hiring.WriteJSON},
	{"vtt", "text/vtt; charset=utf-8", func(w io.Writer, _ hiring.Interview, e []interview.TranscriptEntry) error {
		return hiring.WriteVTT(w, e)
	}},
}

// exportTranscript serves a transcript as a download. It writes into a
// buffer first so that a failure is a clean error, not half a file.
func (s *server) exportTranscript(e export) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, _ := actor(r)
		iv, entries, err := s.interviewWithTranscript(r, a)
		var buf bytes.Buffer
		if err == nil {
			err = e.write(&buf, iv, entries)
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.hiring.TranscriptExported(r.Context(), a, iv.ID, e.ext)
		h := w.Header()
		h.Set("Content-Type", e.contentType)
		h.Set("Content-Disposition", `attachment; filename="transcript-`+iv.ID+`.`+e.ext+`"`)
		h.Set("Cache-Control", "private, no-store")
		w.Write(buf.Bytes()) //nolint:errcheck // the client has gone; nothing to do
	}
}
