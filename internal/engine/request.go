package engine

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"

	"github.com/pion/sdp/v3"
)

// callRequest is a checked POST /v1/realtime/calls body.
type callRequest struct {
	sdp     string // byte-exact, as the client sent it
	session []byte // the bare session object; nil when absent
}

// multipartSlack is room for boundaries and part headers.
const multipartSlack = 16 << 10

// readCallRequest reads the multipart body: an "sdp" part and an optional
// "session" part, with or without per-part content types.
func readCallRequest(w http.ResponseWriter, r *http.Request, l Limits) (callRequest, *apiError) {
	var req callRequest
	boundary, e := multipartBoundary(r.Header.Get("Content-Type"))
	if e != nil {
		return req, e
	}
	body := http.MaxBytesReader(w, r.Body, l.MaxSDPBytes+l.MaxSessionBytes+multipartSlack)
	mr := multipart.NewReader(body, boundary)
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return req, bodyError(err)
		}
		if e := req.readPart(part, l); e != nil {
			return req, e
		}
	}
	if strings.TrimSpace(req.sdp) == "" {
		return req, missingParam("sdp")
	}
	return req, nil
}

func multipartBoundary(contentType string) (string, *apiError) {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return "", invalidRequest(http.StatusUnsupportedMediaType, "unsupported_content_type", "",
			"Send the offer as multipart/form-data with an 'sdp' part and an optional 'session' part.")
	}
	return params["boundary"], nil
}

func (req *callRequest) readPart(p *multipart.Part, l Limits) *apiError {
	defer p.Close()
	name := p.FormName()
	var limit int64
	switch name {
	case "sdp":
		limit = l.MaxSDPBytes
	case "session":
		limit = l.MaxSessionBytes
	default:
		return unknownParam(clip(name, 64))
	}
	data, err := io.ReadAll(io.LimitReader(p, limit+1))
	if err != nil {
		return bodyError(err)
	}
	if int64(len(data)) > limit {
		return tooLarge(fmt.Sprintf("The '%s' part is larger than %d bytes.", name, limit))
	}
	if name == "sdp" {
		if req.sdp != "" {
			return invalidValue("sdp", "The 'sdp' part appears more than once.")
		}
		req.sdp = string(data)
		return nil
	}
	if req.session != nil {
		return invalidValue("session", "The 'session' part appears more than once.")
	}
	req.session = data
	return nil
}

func bodyError(err error) *apiError {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return tooLarge(fmt.Sprintf("The request body is larger than %d bytes.", tooBig.Limit))
	}
	return invalidRequest(http.StatusBadRequest, "invalid_multipart", "",
		"The multipart body could not be read: "+clip(err.Error(), 200))
}

func tooLarge(msg string) *apiError {
	return invalidRequest(http.StatusRequestEntityTooLarge, "request_too_large", "", msg)
}

// offerInfo is what the engine learns from an offer before answering it.
type offerInfo struct {
	dataChannel bool // the offer has an m=application section
	pcmu        bool // the audio m-line offers PCMU: the engine speaks with it
}

// checkOffer refuses, before any peer is made, an offer OpenAI would refuse:
// unparsable SDP, or no usable audio m-line with Opus.
func checkOffer(offer string) (offerInfo, *apiError) {
	var info offerInfo
	var d sdp.SessionDescription
	if err := d.UnmarshalString(offer); err != nil {
		return info, invalidOffer("the SDP could not be parsed (" + clip(err.Error(), 200) + ").")
	}
	audio, opus := false, false
	for _, m := range d.MediaDescriptions {
		if m == nil || m.MediaName.Port.Value == 0 {
			continue
		}
		switch m.MediaName.Media {
		case "application":
			info.dataChannel = true
		case "audio":
			audio = true
			opus = opus || offersOpus(m)
			info.pcmu = info.pcmu || offersCodec(m, "pcmu/8000")
		}
	}
	switch {
	case opus:
		return info, nil
	case audio:
		return info, invalidOffer("the audio m-line offers no Opus codec.")
	}
	return info, invalidOffer("the offer has no audio m-line; add a microphone track or an audio transceiver before createOffer.")
}

func offersOpus(m *sdp.MediaDescription) bool { return offersCodec(m, "opus/48000") }

func offersCodec(m *sdp.MediaDescription, name string) bool {
	for _, a := range m.Attributes {
		if a.Key == "rtpmap" && strings.Contains(strings.ToLower(a.Value), name) {
			return true
		}
	}
	return false
}
