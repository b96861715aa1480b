package recording

import (
	"strings"

	"github.com/interviewd/interviewd/internal/interview"
)

// mediaTypes are the containers a recording may be in: what MediaRecorder
// makes in Chromium and Firefox (WebM) and in Safari (MP4).
var mediaTypes = map[string]bool{"audio/webm": true, "video/webm": true, "audio/mp4": true, "video/mp4": true}

// maxMIMEType bounds a type as the browser names it.
const maxMIMEType = 100

var errMIMEType = interview.Errorf(interview.CodeInvalid,
	"mimeType must be audio/webm, video/webm, audio/mp4 or video/mp4, with an optional codecs parameter")

// ParseMIMEType checks a recording's type as MediaRecorder names it, such
// as "video/webm;codecs=vp8,opus", and returns it in one spelling: the
// type in lower case and the codecs, unquoted, after ";codecs=". The codecs
// list is written as browsers write it, unquoted, which mime.ParseMediaType
// refuses (a comma is not a token character).
func ParseMIMEType(s string) (string, error) {
	if len(s) > maxMIMEType {
		return "", errMIMEType
	}
	base, params, _ := strings.Cut(s, ";")
	base = strings.ToLower(strings.TrimSpace(base))
	if !mediaTypes[base] {
		return "", errMIMEType
	}
	if strings.TrimSpace(params) == "" {
		return base, nil
	}
	name, value, ok := strings.Cut(params, "=")
	if !ok || !strings.EqualFold(strings.TrimSpace(name), "codecs") {
		return "", errMIMEType
	}
	value = strings.TrimSpace(value)
	if len(value) >= 2 && value[0] == '"' && value[len(value)-1] == '"' {
		value = value[1 : len(value)-1]
	}
	codecs, ok := cleanCodecs(value)
	if !ok {
		return "", errMIMEType
	}
	return base + ";codecs=" + codecs, nil
}

// cleanCodecs checks a comma-separated list of codec names such as
// "vp8,opus" or "avc1.42E01E, mp4a.40.2" and returns it without spaces.
func cleanCodecs(s string) (string, bool) {
	var names []string
	for c := range strings.SplitSeq(s, ",") {
		c = strings.TrimSpace(c)
		if c == "" || strings.TrimFunc(c, codecRune) != "" {
			return "", false
		}
		names = append(names, c)
	}
	return strings.Join(names, ","), true
}

// codecRune reports whether r may be in a codec's name.
func codecRune(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_'
}

// SameType reports whether a chunk's Content-Type names the segment's
// container (codecs aside).
func SameType(contentType, segmentType string) bool {
	a, _, _ := strings.Cut(contentType, ";")
	b, _, _ := strings.Cut(segmentType, ";")
	return strings.EqualFold(strings.TrimSpace(a), b)
}
