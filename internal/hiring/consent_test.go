package hiring

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/interviewd/interviewd/internal/interview"
)

// consentTextHash is the SHA-256 of the consent text of ConsentVersion.
// When this test fails, the text changed: give it a new ConsentVersion
// (candidates who agreed to the old words are then asked again), and only
// then update this hash.
const consentTextHash = "9c2fc5ad001410e5e220c418a0bfcfb00d7bbb680a50de095dd937016b03f01e"

func TestConsentTextVersion(t *testing.T) {
	c := Consent("ORG")
	h := sha256.Sum256([]byte(strings.Join(append(c.Points, c.Agreement), "\n")))
	got := hex.EncodeToString(h[:])
	if got != consentTextHash || c.Version != "2026-11-v1" {
		t.Errorf("consent text %s has hash %s, recorded %s: a changed text needs a new ConsentVersion", c.Version, got, consentTextHash)
	}
	if named := strings.Count(strings.Join(c.Points, "\n"), "ORG"); named < 2 {
		t.Errorf("the text names the organisation %d times: the candidate must know who processes their voice and keeps the transcript", named)
	}
}

func TestParseSpeaker(t *testing.T) {
	for in, want := range map[string]interview.Speaker{
		"": interview.SpeakerUnknown, "assistant": interview.SpeakerInterviewer, "AI": interview.SpeakerInterviewer,
		" user ": interview.SpeakerCandidate, "candidate": interview.SpeakerCandidate, "system": interview.SpeakerSystem,
	} {
		if got, err := ParseSpeaker(in); err != nil || got != want {
			t.Errorf("ParseSpeaker(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ParseSpeaker("narrator"); interview.ErrorCode(err) != interview.CodeInvalid {
		t.Errorf("ParseSpeaker(narrator) = %v, want invalid", err)
	}
}

func TestDerivedItem(t *testing.T) {
	a := derivedItem("client", "candidate", "Hello", "2026-01-01T00:00:00Z")
	if a != derivedItem("client", "candidate", "Hello", "2026-01-01T00:00:00Z") || len(a) > 200 {
		t.Errorf("derived item %q is not stable or too long", a)
	}
	if a == derivedItem("client", "candidate", "Hello", "2026-01-01T00:00:01Z") ||
		a == derivedItem("client", "candidateHello", "", "2026-01-01T00:00:00Z") {
		t.Error("different lines share an item ID")
	}
}
