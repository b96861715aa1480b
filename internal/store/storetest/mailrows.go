package storetest

import (
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// MailRow reads one outbox row as stored, past the interface: its link
// column, and whether the row exists.
type MailRow func(t *testing.T, id string) (link string, found bool)

// RunMailRows runs the outbox tests that look at the stored rows
// themselves: a team invitation's link is erased once its message is
// settled, and housekeeping deletes settled messages.
func RunMailRows(t *testing.T, open func(t *testing.T) (store.Store, MailRow)) {
	t.Run("LinkErased", func(t *testing.T) { testMailLinkGone(t, open) })
	t.Run("DeleteSettled", func(t *testing.T) { testDeleteSettledMail(t, open) })
}

// settle enqueues m, created at created, claims it and records a.
func settle(t *testing.T, s store.Store, m store.Mail, created time.Time, a store.MailAttempt) store.Mail {
	t.Helper()
	m.CreatedAt, m.NextAttempt = created, created
	must(t, s.EnqueueMail(t.Context(), &m))
	if got := claimMail(t, s, m.TenantID, created, time.Minute); len(got) != 1 || got[0].ID != m.ID {
		t.Fatalf("claimed %+v, want message %s", got, m.ID)
	}
	if a.At.IsZero() {
		return m // left pending, leased
	}
	must(t, s.RecordMailAttempt(t.Context(), m.TenantID, m.ID, a))
	return m
}

func testMailLinkGone(t *testing.T, open func(t *testing.T) (store.Store, MailRow)) {
	s, row := open(t)
	f := newTenant(t, s)
	for name, a := range map[string]store.MailAttempt{
		"sent":        {At: at(1), Sent: true},
		"failed":      {At: at(1), Error: "550 no such user"},
		"retried":     {At: at(1), Retry: at(5), Error: "451 later"},
		"unattempted": {},
	} {
		inv := f.newInvitation(t, s, interview.RoleViewer, 0)
		link := "https://example.com/invite/" + unique()
		m := settle(t, s, store.Mail{TenantID: f.Tenant.ID, Kind: store.MailTeamInvitation,
			InvitationID: inv.ID, To: inv.Email, Link: link}, at(0), a)
		got, found := row(t, m.ID)
		pending := !a.Sent && (a.At.IsZero() || !a.Retry.IsZero())
		switch {
		case !found:
			t.Errorf("%s: the message's row is gone", name)
		case pending && got != link:
			t.Errorf("%s: link %q while pending, want %q", name, got, link)
		case !pending && got != "":
			t.Errorf("%s: link %q kept after the message settled, want it erased", name, got)
		}
	}
}

func testDeleteSettledMail(t *testing.T, open func(t *testing.T) (store.Store, MailRow)) {
	s, row := open(t)
	f := newTenant(t, s)
	sent, failed := store.MailAttempt{At: at(1), Sent: true}, store.MailAttempt{At: at(1), Error: "550"}
	invitation := func(v interview.Session) store.Mail {
		return store.Mail{TenantID: f.Tenant.ID, Kind: store.MailInvitation, InterviewID: v.ID, To: f.Candidate.Email}
	}
	open1 := f.session(t, s)
	ended := driveTo(t, s, f.session(t, s), interview.StatusCompleted)
	team := f.newInvitation(t, s, interview.RoleViewer, 0)
	gone := map[string]store.Mail{
		"sent, interview ended":   settle(t, s, invitation(ended), at(0), sent),
		"failed, interview ended": settle(t, s, invitation(ended), at(0), failed),
		"team invitation sent": settle(t, s, store.Mail{TenantID: f.Tenant.ID, Kind: store.MailTeamInvitation,
			InvitationID: team.ID, To: team.Email, Link: "l"}, at(0), sent),
	}
	kept := map[string]store.Mail{"sent, interview open": settle(t, s, invitation(open1), at(0), sent)}
	kept["sent after the cut-off"] = settle(t, s, invitation(ended), at(20), sent)
	// Claimed last, so that its lease ends after every other claim here.
	kept["pending, interview ended"] = settle(t, s, invitation(ended), at(0), store.MailAttempt{})
	n, err := s.DeleteSettledMail(t.Context(), noisy(at(10)))
	must(t, err)
	atLeast(t, "settled mail", n, len(gone))
	for name, m := range gone {
		if _, found := row(t, m.ID); found {
			t.Errorf("%s: not deleted", name)
		}
	}
	for name, m := range kept {
		if _, found := row(t, m.ID); !found {
			t.Errorf("%s: deleted, want it kept", name)
		}
	}
	settleMine(t, s, f.Tenant.ID)
}
