package engine

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"
	"time"
)

// Handler serves the engine's endpoints under the paths OpenAI uses below
// its base URL …/v1. Mount it at "/v1/" (or strip a prefix in front of it).
func (e *Engine) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/v1/realtime/calls", e.route(http.MethodPost, e.createCall))
	mux.Handle("/v1/realtime/calls/{call_id}/hangup", e.route(http.MethodPost, e.hangup))
	mux.Handle("/v1/realtime", e.route(http.MethodGet, e.serveSideband))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, invalidRequest(http.StatusNotFound, "not_found", "", "Unknown path: "+clip(r.URL.Path, 200)))
	})
	return mux
}

// route checks the method, then the API key, before h runs.
func (e *Engine) route(method string, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != method {
			w.Header().Set("Allow", method)
			writeError(w, invalidRequest(http.StatusMethodNotAllowed, "method_not_allowed", "",
				"Use "+method+" for this path."))
			return
		}
		if e := e.authorize(r); e != nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="interviewd-engine"`)
			writeError(w, e)
			return
		}
		h(w, r)
	})
}

func (e *Engine) authorize(r *http.Request) *apiError {
	auth := r.Header.Get("Authorization")
	token, ok := strings.CutPrefix(auth, "Bearer ")
	if !ok || strings.TrimSpace(token) == "" {
		return newAPIError(http.StatusUnauthorized, "invalid_request_error", "", "",
			"You didn't provide an API key. Send it in the Authorization header as 'Bearer YOUR_KEY'.")
	}
	got, want := sha256.Sum256([]byte(strings.TrimSpace(token))), sha256.Sum256([]byte(e.cfg.APIKey))
	if subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
		return newAPIError(http.StatusUnauthorized, "invalid_request_error", "invalid_api_key", "",
			"Incorrect API key provided.")
	}
	return nil
}

// createCall is POST /v1/realtime/calls: it answers the offer with a pion
// peer and starts the call.
func (e *Engine) createCall(w http.ResponseWriter, r *http.Request) {
	req, apiErr := readCallRequest(w, r, e.cfg.Limits)
	sess := defaultSession()
	if apiErr == nil && req.session != nil {
		sess, apiErr = applySession(sess, req.session)
	}
	var offer offerInfo
	if apiErr == nil {
		offer, apiErr = checkOffer(req.sdp)
	}
	if apiErr == nil {
		apiErr = e.calls.reserve()
	}
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	c := newCall(e, sess, offer)
	answer, apiErr := c.answerOffer(r.Context(), e.api, req.sdp, e.cfg.Limits.GatherTimeout)
	if apiErr != nil {
		e.calls.release()
		c.abort()
		writeError(w, apiErr)
		return
	}
	questions, named := len(c.iv.script.Questions), c.iv.script.Candidate != ""
	if !e.calls.start(c) {
		c.abort()
		writeError(w, errClosed)
		return
	}
	c.log.Info("call created", "questions", questions, "named_candidate", named)
	w.Header().Set("Location", "/v1/realtime/calls/"+c.id)
	w.Header().Set("Content-Type", "application/sdp")
	w.WriteHeader(http.StatusCreated)
	_, _ = w.Write([]byte(answer))
}

// hangup is POST /v1/realtime/calls/{call_id}/hangup. It answers once the
// call has ended (or after a few seconds if closing the peer is slow).
func (e *Engine) hangup(w http.ResponseWriter, r *http.Request) {
	c := e.calls.get(r.PathValue("call_id"))
	if c == nil {
		writeError(w, errNoCall)
		return
	}
	c.stop(endHangup)
	timer := time.NewTimer(5 * time.Second)
	defer timer.Stop()
	select {
	case <-c.done:
	case <-timer.C:
	case <-r.Context().Done():
	}
	w.WriteHeader(http.StatusOK)
}
