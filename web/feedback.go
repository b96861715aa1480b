package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"github.com/interviewd/interviewd/internal/hiring"
	"github.com/interviewd/interviewd/internal/i18n"
	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/templates"
)

// The candidate's page after the interview (docs/candidate-room.md, "When
// the call ends"): the thank-you, what happens next and an optional rating
// with a comment, which the recruiter reads on the interview page and the
// API returns with the interview. Only the browser the join link admitted
// (the candidate cookie) sends it, once, after the interview has ended.

func feedbackPath(token string) string { return "/join/" + token + "/feedback" }

// endedView is the ended section of an interview for its candidate, in
// the language of its pages: what happens next is the position's text as
// the organisation wrote it, else the default in that language.
func endedView(l hiring.Landing, token string) templates.EndedView {
	lang := pageLang(l)
	next := l.Position.NextSteps
	if next == "" {
		next = lang.T("ended.next_default")
	}
	return templates.EndedView{
		Lang: lang, Organisation: l.Organisation.Name, Position: l.Position.Title, Candidate: l.Candidate.Name,
		NextSteps: next, Action: feedbackPath(token),
	}
}

// feedbackProblem says in lang what is wrong with feedback that Validate
// refused: the rule's words are the domain's, in English.
func feedbackProblem(lang i18n.Lang, f interview.Feedback) string {
	switch {
	case f.Rating < 0 || f.Rating > 5:
		return lang.T("ended.err_rating")
	case utf8.RuneCountInString(f.Comment) > interview.MaxFeedbackComment:
		return lang.T("ended.err_long", "n", strconv.Itoa(interview.MaxFeedbackComment))
	}
	return lang.T("ended.err_empty")
}

// roomEnded reports whether this browser is the candidate's and the
// interview has ended: the room then sends it to the thank-you page.
func (s *server) roomEnded(r *http.Request, token string) bool {
	if candidateToken(r) != token {
		return false
	}
	l, err := s.hiring.JoinLanding(r.Context(), token)
	return err == nil && l.Refusal == hiring.RefusedEnded
}

// endedFor admits the browser to the ended interview of the join link in
// the path. A browser without this link's cookie or consent goes to the
// landing page; an interview that has not ended, to the room.
func (s *server) endedFor(w http.ResponseWriter, r *http.Request) (hiring.Landing, string, bool) {
	token := chi.URLParam(r, "token")
	w.Header().Set("Cache-Control", "no-store")
	l, err := s.hiring.JoinLanding(r.Context(), token)
	if interview.ErrorCode(err) == interview.CodeNotFound {
		s.render(w, r, http.StatusNotFound, unknownLink(r))
		return l, token, false
	} else if err != nil {
		s.fail(w, r, err)
		return l, token, false
	}
	_, v, err := s.hiring.Admit(r.Context(), token, l.ID)
	switch c := interview.ErrorCode(err); {
	case candidateToken(r) != token || c == interview.CodeForbidden || c == interview.CodeUnauthorized:
		http.Redirect(w, r, "/join/"+token, http.StatusSeeOther)
	case err != nil:
		s.fail(w, r, err)
	case !v.Status.Terminal():
		http.Redirect(w, r, "/join/"+token+"/room", http.StatusSeeOther)
	default:
		return l, token, true
	}
	return l, token, false
}

// joinEnded is the thank-you page with the feedback form, or the thanks
// for the feedback once sent.
func (s *server) joinEnded(w http.ResponseWriter, r *http.Request) {
	l, token, ok := s.endedFor(w, r)
	if !ok {
		return
	}
	v := endedView(l, token)
	f, err := s.feedbackOf(r.Context(), l.TenantID, l.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.Given = f != nil
	s.render(w, r, http.StatusOK, templates.CandidateEnded(v))
}

// sendFeedback stores the candidate's rating and comment, once: a second
// submission (another tab) shows the thanks for the first.
func (s *server) sendFeedback(w http.ResponseWriter, r *http.Request) {
	l, token, ok := s.endedFor(w, r)
	if !ok {
		return
	}
	f := interview.Feedback{TenantID: l.TenantID, InterviewID: l.ID, Comment: r.PostFormValue("comment")}
	if raw := r.PostFormValue("rating"); raw != "" {
		if n, err := strconv.Atoi(raw); err == nil {
			f.Rating = n
		} else {
			f.Rating = -1 // not a number: Validate says what to choose
		}
	}
	err := s.store.AddFeedback(r.Context(), &f)
	switch {
	case err == nil, errors.Is(err, interview.ErrConflict):
		http.Redirect(w, r, feedbackPath(token), http.StatusSeeOther)
	case errors.Is(err, interview.ErrInvalid):
		v := endedView(l, token)
		v.Rating, v.Comment, v.Error = f.Rating, f.Comment, feedbackProblem(v.Lang, f)
		s.render(w, r, http.StatusBadRequest, templates.CandidateEnded(v))
	default:
		s.fail(w, r, err)
	}
}

// feedbackOf is an interview's candidate feedback, nil when there is none.
func (s *server) feedbackOf(ctx context.Context, tenantID, interviewID string) (*interview.Feedback, error) {
	f, err := s.store.GetFeedback(ctx, tenantID, interviewID)
	if errors.Is(err, interview.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &f, nil
}
