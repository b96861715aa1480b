package web

import (
	"net/http"
	"net/url"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/interviewd/interviewd/internal/hiring"
	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/templates"
)

// The candidate cookie admits a browser to one interview after its
// candidate consented there. Its value is the join token itself: the
// server keeps only the token's hash, so the cookie is checked against the
// store on every use, and revoking or re-issuing the link ends it at once
// with no list of sessions to clean up. It is HttpOnly (no script reads
// it), SameSite=Lax (not sent on cross-site requests other than a
// top-level link), Secure behind HTTPS, and lives candidateCookieTTL;
// consenting again on another interview's link replaces it.
const (
	candidateCookie    = "interviewd_candidate"
	candidateCookieTTL = 12 * time.Hour
	// roomGrace is how long the room tries to reconnect after a drop when
	// the server has no calls manager to ask (see server.roomGrace).
	roomGrace = 25 * time.Second
)

func (s *server) setCandidateCookie(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{
		Name: candidateCookie, Value: token, Path: "/", HttpOnly: true, Secure: s.https,
		SameSite: http.SameSiteLaxMode, MaxAge: int(candidateCookieTTL / time.Second),
	})
}

// candidateToken is the join token of the candidate cookie, or "".
func candidateToken(r *http.Request) string {
	c, err := r.Cookie(candidateCookie)
	if err != nil {
		return ""
	}
	return c.Value
}

// joinRoom is the interview room. A browser this link has not admitted (no
// consent yet, or another interview's cookie) is sent to the landing page
// to consent; an ended interview shows the page that says so.
func (s *server) joinRoom(w http.ResponseWriter, r *http.Request) {
	token := chi.URLParam(r, "token")
	if s.roomEnded(r, token) {
		http.Redirect(w, r, feedbackPath(token), http.StatusSeeOther)
		return
	}
	l, ok := s.openLink(w, r, token, true)
	if !ok {
		return
	}
	if candidateToken(r) != token {
		http.Redirect(w, r, "/join/"+token, http.StatusSeeOther)
		return
	}
	a, _, err := s.hiring.Admit(r.Context(), token, l.ID)
	if c := interview.ErrorCode(err); c == interview.CodeForbidden || c == interview.CodeUnauthorized {
		http.Redirect(w, r, "/join/"+token, http.StatusSeeOther)
		return
	}
	var entries []interview.TranscriptEntry
	if err == nil {
		entries, err = s.hiring.CandidateTranscript(r.Context(), a)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, templates.Room(roomView(l, token, entries, s.roomGrace())))
}

// roomView is what the room shows and hands to room.js.
func roomView(l hiring.Landing, token string, entries []interview.TranscriptEntry, grace time.Duration) templates.RoomView {
	d := templates.RoomData{
		InterviewID: l.ID, TokenURL: "/api/interviews/token?interviewId=" + url.QueryEscape(l.ID),
		StartURL: "/api/interviews/start", EndURL: "/api/interviews/end",
		MaxMinutes: l.Position.MaxMinutes, GraceSeconds: int(grace / time.Second),
	}
	if l.StartedAt != nil {
		d.EndsAt = l.StartedAt.Add(time.Duration(l.Position.MaxMinutes) * time.Minute).UTC().Format(time.RFC3339)
	}
	lang := pageLang(l)
	return templates.RoomView{
		Lang: lang, Organisation: l.Organisation.Name, Position: l.Position.Title, Candidate: l.Candidate.Name,
		MaxMinutes: l.Position.MaxMinutes, Lines: templates.RoomLines(lang, entries), Data: d,
		Ended: endedView(l, token), Record: templates.RecordMode(l.Position), RecordURL: "/join/" + token + "/recording",
	}
}

// roomGrace is how long the room keeps trying to reconnect: a little less
// than the server's grace window, so that the last try still lands in it.
func (s *server) roomGrace() time.Duration {
	if s.calls == nil {
		return roomGrace
	}
	return max(s.calls.Grace()-5*time.Second, time.Second)
}
