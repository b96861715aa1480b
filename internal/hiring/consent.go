package hiring

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/interviewd/interviewd/internal/auth"
	"github.com/interviewd/interviewd/internal/i18n"
	"github.com/interviewd/interviewd/internal/interview"
)

// ConsentVersion names the English consent text. Change the text, change
// the version: a stored consent says which words the candidate agreed to,
// and a candidate who agreed to an older version is asked again.
// TestConsentTextVersion fails when a text changes alone.
const ConsentVersion = "2026-11-v1"

// consentVersions names the consent text of each language of the
// candidate's pages (the words are the i18n catalogue's consent.* keys).
// A version names its language, so that a stored consent says which
// language's text and which version the candidate agreed to; English
// keeps the name it had before there were other languages. Read-only.
var consentVersions = map[i18n.Lang]string{
	i18n.English: ConsentVersion,
	"es":         "es-2026-12-v1",
	"fr":         "fr-2026-12-v1",
	"de":         "de-2026-12-v1",
	"pt":         "pt-2026-12-v1",
}

// ConsentText is what a candidate reads and agrees to before an interview:
// what is recorded and processed, and the sentence they tick.
type ConsentText struct {
	Version   string
	Language  i18n.Lang
	Points    []string // what is recorded and processed, one statement each
	Agreement string   // the label of the consent checkbox
}

// Consent returns the English consent text in force, naming the
// organisation that runs the interview.
func Consent(org string) ConsentText { return ConsentIn(i18n.English, org) }

// ConsentIn returns the consent text in force in language l (English
// when l has none), naming the organisation that runs the interview.
func ConsentIn(l i18n.Lang, org string) ConsentText {
	if consentVersions[l] == "" {
		l = i18n.English
	}
	points := make([]string, 0, 4)
	for _, k := range []string{"consent.p1", "consent.p2", "consent.p3", "consent.p4"} {
		points = append(points, l.T(k, "org", org))
	}
	return ConsentText{Version: consentVersions[l], Language: l, Points: points, Agreement: l.T("consent.agree")}
}

// currentConsent reports whether version names a consent text in force,
// in any language: the candidate agreed to the words of today, whichever
// language the page was in when they did.
func currentConsent(version string) bool {
	for _, v := range consentVersions {
		if v == version {
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
	text := ConsentIn(i18n.For(l.Position.Language), l.Organisation.Name)
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

// HasConsent reports whether an interview's candidate has agreed to a
// consent text in force (currentConsent).
func (s *Service) HasConsent(ctx context.Context, v interview.Session) (bool, error) {
	list, err := s.store.ListConsents(ctx, v.TenantID, v.ID)
	if err != nil {
		return false, fmt.Errorf("consents of %s: %w", v.ID, err)
	}
	for _, c := range list {
		if currentConsent(c.TextVersion) {
			return true, nil
		}
	}
	return false, nil
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
