package engine

import (
	"crypto/rand"
	"encoding/hex"
)

const idAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// newID returns prefix followed by 21 random base-62 characters, the shape
// of OpenAI's event_, item_, resp_, sess_ and conv_ ids.
func newID(prefix string) string {
	out := make([]byte, 0, len(prefix)+21)
	out = append(out, prefix...)
	var buf [32]byte
	for len(out) < cap(out) {
		_, _ = rand.Read(buf[:])
		for _, b := range buf {
			if b < 248 && len(out) < cap(out) { // 248 = 4*62: no modulo bias
				out = append(out, idAlphabet[b%62])
			}
		}
	}
	return string(out)
}

// newCallID returns an id shaped like OpenAI's WebRTC call ids (rtc_…).
func newCallID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return "rtc_" + hex.EncodeToString(b[:])
}

// validCallID accepts what newCallID makes, so a path or query value never
// reaches a map lookup or a log line unchecked.
func validCallID(id string) bool {
	if len(id) != 36 || id[:4] != "rtc_" {
		return false
	}
	_, err := hex.DecodeString(id[4:])
	return err == nil
}

// validItemID accepts a client-chosen item id as OpenAI does (≤ 32 chars),
// limited to characters that are safe to echo.
func validItemID(id string) bool {
	if id == "" || len(id) > 32 {
		return false
	}
	for _, r := range id {
		if !(r == '_' || r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}
