package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/interviewd/interviewd/internal/auth"
	"github.com/interviewd/interviewd/internal/calls"
	"github.com/interviewd/interviewd/internal/hiring"
	"github.com/interviewd/interviewd/internal/interview"
)

// lifecycleRoutes registers the seed's interview API under /api/interviews
// (docs/candidate-room.md): the WS token of the candidate's room and the
// lifecycle calls start, transcript, end and save-transcript. They sit
// outside the page group, as JSON clients send no CSRF form token; they
// are protected instead by requiring a JSON body (no cross-site form can
// send one), by a same-origin check on every cookie-authenticated call, and
// they take an API key as the alternative to cookies.
func (s *server) lifecycleRoutes(r chi.Router) {
	r.Route("/api/interviews", func(r chi.Router) {
		r.Use(noStore)
		r.Get("/token", s.interviewToken)
		r.Post("/start", s.startInterview)
		r.Post("/transcript", s.postTranscript)
		r.Post("/end", s.endInterview)
		r.Post("/save-transcript", s.saveTranscript)
	})
}

// noStore keeps tokens and transcripts out of every cache.
func noStore(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

var (
	errSignInFirst = interview.Errorf(interview.CodeUnauthorized,
		"open the interview's link, sign in, or send an API key as Authorization: Bearer KEY")
	errCrossSite   = interview.Errorf(interview.CodeForbidden, "this request came from another site")
	errOtherTenant = interview.Errorf(interview.CodeUnauthorized,
		"this instance serves one organisation only")
	errNoRTC  = interview.Errorf(interview.CodeUnavailable, "live interviews are not available on this server")
	errNeedID = interview.Errorf(interview.CodeInvalid, "interviewId is required")
)

// lifecycleActor is who calls the lifecycle API for interviewID: the
// API key in the Authorization header when there is one; else, from a
// page of this site, the candidate cookie that admits this interview, or
// else the signed-in member.
func (s *server) lifecycleActor(w http.ResponseWriter, r *http.Request, interviewID string) (hiring.Actor, error) {
	if len(r.Header.Values("Authorization")) > 0 {
		return s.pinned(s.apiKeyActor(w, r))
	}
	if !s.sameOrigin(r) {
		return hiring.Actor{}, errCrossSite
	}
	var candidateErr error
	if c, err := r.Cookie(candidateCookie); err == nil {
		a, _, err := s.hiring.Admit(r.Context(), c.Value, interviewID)
		if err == nil {
			return s.pinned(a, nil)
		}
		candidateErr = err
	}
	p, ok, err := s.sessionPrincipal(w, r)
	switch {
	case err != nil:
		return hiring.Actor{}, err
	case ok:
		return s.pinned(hiring.UserActor(p), nil)
	case candidateErr != nil:
		return hiring.Actor{}, candidateErr
	}
	return hiring.Actor{}, errSignInFirst
}

// pinned refuses an actor of another tenant on an instance pinned to one
// (TENANT_ID).
func (s *server) pinned(a hiring.Actor, err error) (hiring.Actor, error) {
	if err == nil && s.pinnedTenant != "" && a.TenantID != s.pinnedTenant {
		return hiring.Actor{}, errOtherTenant
	}
	return a, err
}

// apiKeyActor authenticates the request's bearer API key.
func (s *server) apiKeyActor(w http.ResponseWriter, r *http.Request) (hiring.Actor, error) {
	if s.team == nil {
		return hiring.Actor{}, errNoKeyService
	}
	token, ok := bearerToken(r.Header.Values("Authorization"))
	if !ok {
		w.Header().Set("WWW-Authenticate", bearerChallenge)
		return hiring.Actor{}, errNoAPIKey
	}
	key, err := s.team.AuthenticateAPIKey(r.Context(), token)
	if err != nil {
		if interview.ErrorCode(err) == interview.CodeUnauthorized {
			w.Header().Set("WWW-Authenticate", bearerChallenge+`, error="invalid_token"`)
		}
		return hiring.Actor{}, err
	}
	return hiring.KeyActor(key), nil
}

// sessionPrincipal is the signed-in member of a request outside the page
// group, if any.
func (s *server) sessionPrincipal(w http.ResponseWriter, r *http.Request) (auth.Principal, bool, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || s.accounts == nil {
		return auth.Principal{}, false, nil
	}
	p, err := s.authenticate(w, r, c.Value)
	if errors.Is(err, interview.ErrUnauthorized) {
		return p, false, nil
	}
	return p, err == nil, err
}

// sameOrigin reports whether a cookie-carrying request comes from a page
// of this site: its Sec-Fetch-Site, when sent, says same-origin (or none,
// typed by the user), and its Origin, when sent, is PUBLIC_URL's.
func (s *server) sameOrigin(r *http.Request) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "", "same-origin", "none":
	default:
		return false
	}
	return s.originAllowed(r.Header.Get("Origin"))
}

// rtcTokenResponse is the answer of both token endpoints.
type rtcTokenResponse struct {
	Token     string    `json:"token"`
	URL       string    `json:"url"`
	ExpiresAt time.Time `json:"expiresAt"`
}

// interviewToken is GET /api/interviews/token?interviewId=…: a short-lived
// token for the /rtc WebSocket of an interview that has not ended.
func (s *server) interviewToken(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("interviewId")
	if id == "" {
		s.fail(w, r, errNeedID)
		return
	}
	a, err := s.lifecycleActor(w, r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.issueRTCToken(w, r, a, id)
}

// issueRTCToken answers with a /rtc token for interview id, if the actor
// may open its call now.
func (s *server) issueRTCToken(w http.ResponseWriter, r *http.Request, a hiring.Actor, id string) {
	if s.rtcTokens == nil {
		s.fail(w, r, errNoRTC)
		return
	}
	v, err := s.hiring.CallAllowed(r.Context(), a, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	tok, exp, err := s.rtcTokens.Issue(v.ID, v.TenantID, a.Kind+":"+a.ID, auth.RTCTokenDefaultTTL)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rtcTokenResponse{Token: tok, URL: s.rtcURL(), ExpiresAt: exp.UTC()})
}

// rtcURL is the address of the signalling WebSocket: PUBLIC_URL with ws
// or wss, at /rtc.
func (s *server) rtcURL() string {
	u, err := url.Parse(s.publicURL)
	if err != nil || u.Host == "" {
		return "/rtc"
	}
	scheme := "ws"
	if u.Scheme == "https" {
		scheme = "wss"
	}
	return (&url.URL{Scheme: scheme, Host: u.Host, Path: strings.TrimRight(u.Path, "/") + "/rtc"}).String()
}

// startRequest is the seed's body of POST /api/interviews/start.
type startRequest struct {
	InterviewID string `json:"interviewId"`
	CandidateID string `json:"candidateId,omitempty"`
	PositionID  string `json:"positionId,omitempty"`
}

// startResponse is the seed's answer to it.
type startResponse struct {
	Success     bool       `json:"success"`
	InterviewID string     `json:"interviewId"`
	Status      string     `json:"status"`
	WebRTC      webrtcInfo `json:"webrtc"`
}

type webrtcInfo struct {
	Status    string `json:"status"`
	ServerURL string `json:"serverUrl"`
	SessionID string `json:"sessionId"`
}

// startInterview makes an interview ready for its call (pending → ready);
// repeating it is harmless.
func (s *server) startInterview(w http.ResponseWriter, r *http.Request) {
	var in startRequest
	a, err := s.lifecycleRequest(w, r, &in, &in.InterviewID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.hiring.Start(r.Context(), a, in.InterviewID, s.rtcURL())
	if err == nil {
		err = matchesInterview(v, in)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, startResponse{Success: true, InterviewID: v.ID, Status: string(v.Status),
		WebRTC: webrtcInfo{Status: v.WebRTCStatus, ServerURL: s.rtcURL(), SessionID: v.ID}})
}

// matchesInterview checks the seed's optional candidateId and positionId
// against the interview.
func matchesInterview(v interview.Session, in startRequest) error {
	switch {
	case in.CandidateID != "" && in.CandidateID != v.CandidateID:
		return invalidf("candidateId is not this interview's candidate")
	case in.PositionID != "" && in.PositionID != v.PositionID:
		return invalidf("positionId is not this interview's position")
	}
	return nil
}

// lifecycleRequest decodes a lifecycle call's JSON body into dst and
// authenticates its caller for the interview *id names.
func (s *server) lifecycleRequest(w http.ResponseWriter, r *http.Request, dst any, id *string) (hiring.Actor, error) {
	if err := readJSON(w, r, dst); err != nil {
		return hiring.Actor{}, err
	}
	if *id = strings.TrimSpace(*id); *id == "" {
		return hiring.Actor{}, errNeedID
	}
	return s.lifecycleActor(w, r, *id)
}

// endCall checks that a may end the interview, then hangs up its live
// call, if the calls manager runs one: the rest of its transcript is
// stored, the interview completed and the candidate's connection closed.
// Only the check's error is returned; no live call, or one already over,
// is not an error (the store's status change decides then), and a failed
// hangup is logged.
func (s *server) endCall(ctx context.Context, a hiring.Actor, interviewID string) error {
	reason, err := s.hiring.CanEnd(ctx, a, interviewID)
	if err != nil || s.calls == nil {
		return err
	}
	err = s.calls.End(ctx, a.TenantID, interviewID, reason)
	if err != nil && !errors.Is(err, calls.ErrNotFound) && !errors.Is(err, calls.ErrClosed) {
		s.log.Warn("end live call", "interview_id", interviewID, "error", err.Error())
	}
	return nil
}
