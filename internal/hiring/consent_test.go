package hiring

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/interviewd/interviewd/internal/i18n"
	"github.com/interviewd/interviewd/internal/interview"
)

// consentTextHashes are the SHA-256 of each language's consent text, by
// the version that names it. When this test fails, a text changed: give
// it a new version in consentVersions (candidates who agreed to the old
// words are then asked again), and only then update its hash here.
var consentTextHashes = map[i18n.Lang][2]string{
	"en": {"2026-11-v1", "9c2fc5ad001410e5e220c418a0bfcfb00d7bbb680a50de095dd937016b03f01e"},
	"de": {"de-2026-12-v1", "7ee24516e6d1f5dbc8b37293bc3e55657b1b3a3958564de7aec7b8f7490157f3"},
	"es": {"es-2026-12-v1", "6e834308d5ae029b4090ff94e213d198608c841ec3fe84512045fcbc78ae2ebc"},
	"fr": {"fr-2026-12-v1", "cc5b5965c8f54bc74971bb26360a86193faa6134ddff084e90c15bd41e52410f"},
	"pt": {"pt-2026-12-v1", "a221dff68ce2be80502b07520549a1aac2511a648460c33fb6ccee8b3a1b74e6"},
}

func TestConsentTextVersion(t *testing.T) {
	if len(consentTextHashes) != len(i18n.Languages()) {
		t.Errorf("%d consent texts recorded for %d languages", len(consentTextHashes), len(i18n.Languages()))
	}
	seen := map[string]bool{}
	for _, l := range i18n.Languages() {
		c := ConsentIn(l, "ORG")
		h := sha256.Sum256([]byte(strings.Join(append(c.Points, c.Agreement), "\n")))
		got, want := hex.EncodeToString(h[:]), consentTextHashes[l]
		if c.Language != l || c.Version != want[0] || got != want[1] {
			t.Errorf("%s: consent text %s has hash %s, recorded %v: a changed text needs a new version", l, c.Version, got, want)
		}
		if seen[c.Version] {
			t.Errorf("%s: version %s names another language's text too", l, c.Version)
		}
		seen[c.Version] = true
		if !currentConsent(c.Version) {
			t.Errorf("%s: version %s is not in force", l, c.Version)
		}
		if named := strings.Count(strings.Join(c.Points, "\n"), "ORG"); named < 2 {
			t.Errorf("%s: the text names the organisation %d times: the candidate must know who processes their voice and keeps the transcript", l, named)
		}
	}
	if c := Consent("ORG"); c.Version != ConsentVersion || c.Language != i18n.English {
		t.Errorf("Consent is %s in %s, want the English text %s", c.Version, c.Language, ConsentVersion)
	}
	if c := ConsentIn("nl", "ORG"); c.Language != i18n.English {
		t.Errorf("a language without a consent text gives %s, want English", c.Language)
	}
	if currentConsent("2026-10-v0") || currentConsent("") {
		t.Error("an unknown version counts as consent in force")
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
