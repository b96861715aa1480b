package hiring

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/interviewd/interviewd/internal/auth"
	"github.com/interviewd/interviewd/internal/i18n"
	"github.com/interviewd/interviewd/internal/interview"
)

// ConsentVersion names the English consent text of a position as it
// records by default (the conversation's audio, kept
// interview.DefaultRecordingRetentionDays). Change the words, change the
// version base (consentBases): a stored consent says which words the
// candidate agreed to, and a candidate who agreed to older words is asked
// again. TestConsentTextVersion fails when a text changes alone.
const ConsentVersion = "2026-12-v2/audio-90d"

// consentBases name the consent texts of each language of the
// candidate's pages (the words are the i18n catalogue's consent.* keys).
// A version is its language's base and the variant of the text
// (ConsentTerms.Variant), so that a stored consent says which language,
// which words and what recording the candidate agreed to. Read-only.
var consentBases = map[i18n.Lang]string{
	i18n.English: "2026-12-v2",
	"es":         "es-2026-12-v2",
	"fr":         "fr-2026-12-v2",
	"de":         "de-2026-12-v2",
	"pt":         "pt-2026-12-v2",
}

// ConsentTerms are what an interview records and for how long: the
// variant of the consent text the candidate reads.
type ConsentTerms struct {
	Audio bool // the conversation is recorded
	Video bool // and the candidate's camera
	Days  int  // the recording is kept so many days; 0 until deleted
}

// DefaultConsentTerms are a new position's in a new organisation.
var DefaultConsentTerms = ConsentTerms{Audio: true, Days: interview.DefaultRecordingRetentionDays}

// TermsOf are the consent terms of an interview for position p in the
// organisation t.
func TermsOf(p interview.Position, t interview.Tenant) ConsentTerms {
	c := ConsentTerms{Audio: p.RecordAudio, Video: p.RecordAudio && p.RecordVideo, Days: t.Retention.RecordingDays}
	if !c.Audio {
		c.Days = 0
	}
	return c
}

// Variant names the terms in a consent version: "none", "audio-90d",
// "av-0d" (0 days: kept until deleted).
func (c ConsentTerms) Variant() string {
	switch {
	case !c.Audio:
		return "none"
	case c.Video:
		return fmt.Sprintf("av-%dd", c.Days)
	}
	return fmt.Sprintf("audio-%dd", c.Days)
}

// ConsentText is what a candidate reads and agrees to before an interview:
// what is recorded and processed, and the sentence they tick.
type ConsentText struct {
	Version   string
	Language  i18n.Lang
	Points    []string // what is recorded and processed, one statement each
	Agreement string   // the label of the consent checkbox
}

// Consent returns the English consent text in force for the default
// terms, naming the organisation that runs the interview.
func Consent(org string) ConsentText { return ConsentIn(i18n.English, org, DefaultConsentTerms) }

// ConsentIn returns the consent text in force in language l (English
// when l has none) for the terms c, naming the organisation that runs
// the interview.
func ConsentIn(l i18n.Lang, org string, c ConsentTerms) ConsentText {
	if consentBases[l] == "" {
		l = i18n.English
	}
	points := []string{l.T("consent.p1", "org", org), recordingPoint(l, org, c)}
	for _, k := range []string{"consent.p2", "consent.p3", "consent.p4"} {
		points = append(points, l.T(k, "org", org))
	}
	return ConsentText{Version: consentBases[l] + "/" + c.Variant(), Language: l, Points: points, Agreement: l.T("consent.agree")}
}

// recordingPoint says what is recorded and how long it is kept.
func recordingPoint(l i18n.Lang, org string, c ConsentTerms) string {
	if !c.Audio {
		return l.T("consent.rec_none", "org", org)
	}
	what := l.T("consent.rec_audio", "org", org)
	if c.Video {
		what = l.T("consent.rec_av", "org", org)
	}
	switch c.Days {
	case 0:
		return what + " " + l.T("consent.kept_always", "org", org)
	case 1:
		return what + " " + l.T("consent.kept_day")
	}
	return what + " " + l.T("consent.kept_days", "days", strconv.Itoa(c.Days))
}

// currentConsent reports whether version names the consent text in force
// for the terms c, in any language: the candidate agreed to the words of
// today about what is recorded today, whichever language the page was in.
func currentConsent(version string, c ConsentTerms) bool {
	for _, base := range consentBases {
		if base+"/"+c.Variant() == version {
			return true
		}
	}
	return false
}

// ConsentInput is a candidate's agreement as their browser sent it.
type ConsentInput struct {
	Version   string // the version of the text the page showed
	IPAddress string
	UserAgent string
}

var (
	// ErrNoConsent is a consent form posted with its box unticked.
	ErrNoConsent = interview.Errorf(interview.CodeInvalid,
		"tick the box to agree to what is recorded and processed, or close this page if you do not")
	// ErrConsentChanged is a consent form posted with the version of
	// another text: an older one, or another language's.
	ErrConsentChanged = interview.Errorf(interview.CodeInvalid,
		"the text you agreed to has changed since the page was loaded: read it again and agree to the new version")
	errConsentFirst = interview.Errorf(interview.CodeForbidden,
		"give your consent on the interview's page first")
	// errUnknownBrowser is a candidate cookie that opens no interview: a
	// stale link (re-issued since) or garbage.
	errUnknownBrowser = interview.Errorf(interview.CodeUnauthorized,
		"this browser is not admitted to an interview: open the interview's link again")
)

// RecordConsent stores a candidate's consent to the interview their join
// token opens, with the text version, time, IP address and user agent. The
// link must still open the interview, and the version must be the one in
// force in the language of the interview's pages.
func (s *Service) RecordConsent(ctx context.Context, token string, in ConsentInput) (Landing, error) {
	l, err := s.JoinLanding(ctx, token)
	if err != nil {
		return l, err
	}
	text := ConsentIn(i18n.For(l.Position.Language), l.Organisation.Name, TermsOf(l.Position, l.Organisation))
	switch {
	case l.Refusal != "":
		return l, interview.Errorf(interview.CodeClosed, "this interview link no longer works (%s)", l.Refusal)
	case in.Version == "":
		return l, ErrNoConsent
	case in.Version != text.Version:
		return l, ErrConsentChanged
	}
	c := interview.Consent{
		TenantID: l.TenantID, InterviewID: l.ID, TextVersion: text.Version, AcceptedAt: s.now(),
		IPAddress: clip(in.IPAddress, 100), UserAgent: clip(in.UserAgent, 500),
	}
	if err := s.store.RecordConsent(ctx, &c); err != nil {
		return l, fmt.Errorf("record consent to %s: %w", l.ID, err)
	}
	s.audit(ctx, CandidateActor(l.Session), "interview.consented", "interview", l.ID,
		map[string]string{"version": text.Version, "language": text.Language.Tag()})
	return l, nil
}

// HasConsent reports whether an interview's candidate has agreed to the
// consent text in force for what the interview records now
// (currentConsent): one who agreed to audio alone is asked again once the
// position records the camera too, or the organisation keeps recordings
// for another time.
func (s *Service) HasConsent(ctx context.Context, v interview.Session) (bool, error) {
	terms, err := s.consentTerms(ctx, v)
	if err != nil {
		return false, fmt.Errorf("consent terms of %s: %w", v.ID, err)
	}
	list, err := s.store.ListConsents(ctx, v.TenantID, v.ID)
	if err != nil {
		return false, fmt.Errorf("consents of %s: %w", v.ID, err)
	}
	for _, c := range list {
		if currentConsent(c.TextVersion, terms) {
			return true, nil
		}
	}
	return false, nil
}

// consentTerms are the terms of an interview as its position and
// organisation stand now.
func (s *Service) consentTerms(ctx context.Context, v interview.Session) (ConsentTerms, error) {
	t, err := s.store.GetTenant(ctx, v.TenantID)
	if err != nil {
		return ConsentTerms{}, err
	}
	p, err := s.store.GetPosition(ctx, v.TenantID, v.PositionID)
	return TermsOf(p, t), err
}

// CandidateActor is the candidate of an interview acting through their
// browser, admitted by their join link. They may act on that interview
// alone (see canRun), and never on anything else of the tenant.
func CandidateActor(v interview.Session) Actor {
	return Actor{TenantID: v.TenantID, Kind: KindCandidate, ID: v.ID}
}

// KindCandidate is the Actor.Kind of a candidate.
const KindCandidate = "candidate"

// Admit checks a candidate's browser for an interview: its join token
// (from the candidate cookie) must open interviewID, the candidate must
// have consented to the text in force, and, until the interview has
// started, the link must still work. An ended interview is admitted, so
// that ending it again is a harmless repeat; operations check the status.
func (s *Service) Admit(ctx context.Context, token, interviewID string) (Actor, interview.Session, error) {
	if !auth.WellFormed(token, auth.JoinTokenPrefix) {
		return Actor{}, interview.Session{}, errUnknownBrowser
	}
	v, err := s.store.GetSessionByJoinHash(ctx, auth.HashToken(token))
	if errors.Is(err, interview.ErrNotFound) {
		return Actor{}, v, errUnknownBrowser
	} else if err != nil {
		return Actor{}, v, fmt.Errorf("admit candidate: %w", err)
	}
	if v.ID != interviewID {
		return Actor{}, v, interview.Errorf(interview.CodeForbidden, "this browser was admitted to another interview")
	}
	if r := s.refusal(v); r != "" && r != RefusedEnded && v.StartedAt == nil {
		return Actor{}, v, interview.Errorf(interview.CodeForbidden, "this interview link no longer works (%s)", r)
	}
	ok, err := s.HasConsent(ctx, v)
	if err != nil {
		return Actor{}, v, err
	}
	if !ok {
		return Actor{}, v, errConsentFirst
	}
	return CandidateActor(v), v, nil
}

// clip shortens s to at most n bytes, on a rune boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}
