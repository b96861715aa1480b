package engine

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// apiError is OpenAI's error object; it is the body of every failed HTTP
// request ({"error":{…}}) and the payload of an "error" server event.
type apiError struct {
	Status  int     `json:"-"`
	Message string  `json:"message"`
	Type    string  `json:"type"`
	Code    *string `json:"code"`
	Param   *string `json:"param"`
	// EventID names the client event that caused the error (events only).
	EventID *string `json:"event_id,omitempty"`
}

func newAPIError(status int, typ, code, param, msg string) *apiError {
	e := &apiError{Status: status, Type: typ, Message: msg}
	if code != "" {
		e.Code = &code
	}
	if param != "" {
		e.Param = &param
	}
	return e
}

func invalidRequest(status int, code, param, msg string) *apiError {
	return newAPIError(status, "invalid_request_error", code, param, msg)
}

func missingParam(param string) *apiError {
	return invalidRequest(http.StatusBadRequest, "missing_required_parameter", param,
		fmt.Sprintf("Missing required parameter: '%s'.", param))
}

func unknownParam(param string) *apiError {
	return invalidRequest(http.StatusBadRequest, "unknown_parameter", param,
		fmt.Sprintf("Unknown parameter: '%s'.", param))
}

func invalidValue(param, msg string) *apiError {
	return invalidRequest(http.StatusBadRequest, "invalid_value", param, msg)
}

func invalidJSON(param string, err error) *apiError {
	return invalidRequest(http.StatusBadRequest, "invalid_json", param,
		fmt.Sprintf("We could not parse the JSON body of your request (%v).", err))
}

func invalidOffer(msg string) *apiError {
	return invalidRequest(http.StatusBadRequest, "invalid_offer", "sdp", "Invalid SDP offer: "+msg)
}

// writeError sends e as OpenAI's JSON error body; it always sets a JSON
// content type, so an error is never mistaken for an SDP answer.
func writeError(w http.ResponseWriter, e *apiError) {
	h := w.Header()
	h.Del("Location")
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(e.Status)
	body, _ := json.Marshal(struct {
		Error *apiError `json:"error"`
	}{e})
	_, _ = w.Write(append(body, '\n'))
}
