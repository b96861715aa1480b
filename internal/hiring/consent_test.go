package hiring

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"testing"

	"github.com/interviewd/interviewd/internal/i18n"
	"github.com/interviewd/interviewd/internal/interview"
)

// consentTextHashes are the SHA-256 of each language's consent texts (every
// variant of consentSamples, in order), by the base of the versions that
// name them. When this test fails, a text changed: give the language a new
// base in consentBases (candidates who agreed to the old words are then
// asked again), and only then update its hash here.
var consentTextHashes = map[i18n.Lang][2]string{
	"en": {"2026-12-v2", "7aa6cfb105bb6bc2da1ad69dcb9c9e2bc5a2f313d481e63ce3a2cfc324d8281a"},
	"de": {"de-2026-12-v2", "00d7113d8b7e7076d8950c1725df44b92f8c3c1d8d59594105afedb569ecfc3b"},
	"es": {"es-2026-12-v2", "55547d97dae00571fd7506f1af724ccd578ae55bd9d6cff3aa43c40a31ff9ca5"},
	"fr": {"fr-2026-12-v2", "cba212ff3570ee3d19605925d04ad2e485c0b9807bccce8ba8f589e86eae38bf"},
	"pt": {"pt-2026-12-v2", "5a5152db71de4c6d6dbd9858851cb1de51de5aee53059fd3f95396b174d72514"},
}

// consentSamples are terms of every variant, with the day counts the
// texts word differently (0: until deleted; 1: one day).
var consentSamples = []ConsentTerms{
	{}, {Audio: true}, {Audio: true, Days: 1}, {Audio: true, Days: 90},
	{Audio: true, Video: true}, {Audio: true, Video: true, Days: 1}, {Audio: true, Video: true, Days: 30},
}

func TestConsentTextVersion(t *testing.T) {
	if len(consentTextHashes) != len(i18n.Languages()) {
		t.Errorf("%d consent texts recorded for %d languages", len(consentTextHashes), len(i18n.Languages()))
	}
	seen := map[string]bool{}
	for _, l := range i18n.Languages() {
		h := sha256.New()
		for _, terms := range consentSamples {
			c := ConsentIn(l, "ORG", terms)
			h.Write([]byte(strings.Join(append(c.Points, c.Agreement), "\n") + "\n\n"))
			checkConsentText(t, l, terms, c)
			if seen[c.Version] {
				t.Errorf("%s: version %s names another text too", l, c.Version)
			}
			seen[c.Version] = true
		}
		got, want := hex.EncodeToString(h.Sum(nil)), consentTextHashes[l]
		if consentBases[l] != want[0] || got != want[1] {
			t.Errorf("%s: consent texts %s have hash %s, recorded %v: a changed text needs a new version", l, consentBases[l], got, want)
		}
	}
	if c := Consent("ORG"); c.Version != ConsentVersion || c.Language != i18n.English {
		t.Errorf("Consent is %s in %s, want the English text %s", c.Version, c.Language, ConsentVersion)
	}
	if c := ConsentIn("nl", "ORG", DefaultConsentTerms); c.Language != i18n.English {
		t.Errorf("a language without a consent text gives %s, want English", c.Language)
	}
	if currentConsent("2026-10-v0", DefaultConsentTerms) || currentConsent("", DefaultConsentTerms) || currentConsent("2026-11-v1", DefaultConsentTerms) {
		t.Error("an unknown or superseded version counts as consent in force")
	}
}

// checkConsentText checks one variant's text: its version names its
// language and terms, is in force for those terms alone, and the text
// names the organisation and says what is recorded for how long.
func checkConsentText(t *testing.T, l i18n.Lang, terms ConsentTerms, c ConsentText) {
	t.Helper()
	if c.Language != l || c.Version != consentBases[l]+"/"+terms.Variant() {
		t.Errorf("%s %+v: version %s in %s", l, terms, c.Version, c.Language)
	}
	for _, other := range consentSamples {
		if currentConsent(c.Version, other) != (other == terms) {
			t.Errorf("%s: version %s in force for %+v: %v", l, c.Version, other, !(other == terms))
		}
	}
	text := strings.Join(c.Points, "\n")
	if named := strings.Count(text, "ORG"); named < 2 {
		t.Errorf("%s: the text names the organisation %d times: the candidate must know who processes their voice and keeps the transcript", l, named)
	}
	if terms.Days > 1 && !strings.Contains(text, strconv.Itoa(terms.Days)) {
		t.Errorf("%s %+v: the text does not say how many days the recording is kept:\n%s", l, terms, text)
	}
	for key, want := range map[string]bool{"consent.rec_none": !terms.Audio, "consent.rec_audio": terms.Audio && !terms.Video, "consent.rec_av": terms.Video} {
		if got := strings.Contains(text, l.T(key, "org", "ORG")); got != want {
			t.Errorf("%s %+v: %s shown %v, want %v", l, terms, key, got, want)
		}
	}
}

func TestConsentTerms(t *testing.T) {
	tenant := interview.Tenant{Retention: interview.Retention{RecordingDays: 30, TranscriptDays: 7}}
	for _, c := range []struct {
		audio, video bool
		want         string
	}{{true, false, "audio-30d"}, {true, true, "av-30d"}, {false, false, "none"}, {false, true, "none"}} {
		got := TermsOf(interview.Position{RecordAudio: c.audio, RecordVideo: c.video}, tenant).Variant()
		if got != c.want {
			t.Errorf("audio %v video %v: variant %s, want %s", c.audio, c.video, got, c.want)
		}
	}
	if got := TermsOf(interview.Position{RecordAudio: true}, interview.Tenant{}).Variant(); got != "audio-0d" {
		t.Errorf("kept until deleted: %s, want audio-0d", got)
	}
	if v := ConsentIn(i18n.English, "ORG", DefaultConsentTerms).Version; v != ConsentVersion {
		t.Errorf("default terms give %s, want %s", v, ConsentVersion)
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
