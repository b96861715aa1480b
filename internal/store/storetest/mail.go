package storetest

import (
	"sync"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// RunMail runs the e-mail outbox's suite (store.Mails). The sender's
// methods see every tenant's messages, so each test keeps to its own
// tenant's (claimMail) and settles what it leaves pending.
func RunMail(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"Enqueue", testMailEnqueue},
		{"Attempts", testMailAttempts},
		{"Reminders", testMailReminders},
		{"ConcurrentClaims", testMailConcurrentClaims},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open(t)) })
	}
}

// invitationMail enqueues an invitation to v, due at at(n).
func invitationMail(t *testing.T, s store.Store, v interview.Session, n int) store.Mail {
	t.Helper()
	m := store.Mail{TenantID: v.TenantID, Kind: store.MailInvitation, InterviewID: v.ID,
		To: "cand@example.com", NextAttempt: noisy(at(n)), CreatedAt: noisy(at(n))}
	must(t, s.EnqueueMail(t.Context(), &m))
	return m
}

// claimMail claims what is due at now and keeps tenantID's messages.
func claimMail(t *testing.T, s store.Store, tenantID string, now time.Time, lease time.Duration) []store.Mail {
	t.Helper()
	got, err := s.ClaimMail(t.Context(), now, lease, store.MaxListLimit)
	must(t, err)
	var mine []store.Mail
	for _, m := range got {
		if m.TenantID == tenantID {
			mine = append(mine, m)
		}
	}
	return mine
}

func testMailEnqueue(t *testing.T, s store.Store) {
	f, other := newTenant(t, s), newTenant(t, s)
	v := f.session(t, s)
	m := invitationMail(t, s, v, 1)
	if m.ID == "" || m.Status != store.MailPending || !m.NextAttempt.Equal(at(1)) {
		t.Errorf("enqueued = %+v, want an ID, pending, due at(1)", m)
	}
	inv := interview.Invitation{TenantID: f.Tenant.ID, Email: "mate@example.com", Role: interview.RoleRecruiter,
		TokenHash: unique(), ExpiresAt: at(100)}
	must(t, s.CreateInvitation(t.Context(), &inv))
	team := store.Mail{TenantID: f.Tenant.ID, Kind: store.MailTeamInvitation, InvitationID: inv.ID,
		To: inv.Email, Link: "https://example.com/invite/secret"}
	must(t, s.EnqueueMail(t.Context(), &team))

	cases := []struct {
		name string
		m    store.Mail
		want error
	}{
		{"another tenant's interview", store.Mail{TenantID: other.Tenant.ID, Kind: store.MailInvitation, InterviewID: v.ID, To: "x@example.com"}, store.ErrNotFound},
		{"another tenant's invitation", store.Mail{TenantID: other.Tenant.ID, Kind: store.MailTeamInvitation, InvitationID: inv.ID, To: "x@example.com", Link: "l"}, store.ErrNotFound},
		{"no such interview", store.Mail{TenantID: f.Tenant.ID, Kind: store.MailInvitation, InterviewID: unique(), To: "x@example.com"}, store.ErrNotFound},
		{"unknown kind", store.Mail{TenantID: f.Tenant.ID, Kind: "spam", InterviewID: v.ID, To: "x@example.com"}, store.ErrInvalid},
		{"no recipient", store.Mail{TenantID: f.Tenant.ID, Kind: store.MailInvitation, InterviewID: v.ID}, store.ErrInvalid},
		{"an interview's message with a link", store.Mail{TenantID: f.Tenant.ID, Kind: store.MailInvitation, InterviewID: v.ID, To: "x@example.com", Link: "l"}, store.ErrInvalid},
	}
	for _, tc := range cases {
		wantErr(t, tc.name, s.EnqueueMail(t.Context(), &tc.m), tc.want)
	}
	list, err := s.ListInterviewMail(t.Context(), f.Tenant.ID, v.ID)
	must(t, err)
	same(t, "the interview's mail", ids(list, func(m store.Mail) string { return m.ID }), []string{m.ID})
	same(t, "listed", list[0], m)
	list, err = s.ListInterviewMail(t.Context(), other.Tenant.ID, v.ID)
	must(t, err)
	if len(list) != 0 {
		t.Errorf("another tenant lists %d messages of the interview", len(list))
	}
	settleMine(t, s, f.Tenant.ID)
}

// settleMine fails every pending message of tenantID, so that a later run
// on a shared database finds nothing of this test's due.
func settleMine(t *testing.T, s store.Store, tenantID string) {
	t.Helper()
	for _, m := range claimMail(t, s, tenantID, at(100000), time.Minute) {
		must(t, s.RecordMailAttempt(t.Context(), tenantID, m.ID, store.MailAttempt{At: at(0), Error: "test over"}))
	}
}

func testMailAttempts(t *testing.T, s store.Store) {
	f, other := newTenant(t, s), newTenant(t, s)
	v := f.session(t, s)
	m := invitationMail(t, s, v, 1)
	if got := claimMail(t, s, f.Tenant.ID, at(0), time.Minute); len(got) != 0 {
		t.Errorf("claimed %d messages before they were due", len(got))
	}
	got := claimMail(t, s, f.Tenant.ID, noisy(at(2)), time.Minute)
	if len(got) != 1 || got[0].ID != m.ID || !got[0].NextAttempt.Equal(at(3)) {
		t.Fatalf("claim at(2) = %+v, want the message leased to at(3)", got)
	}
	if again := claimMail(t, s, f.Tenant.ID, at(2), time.Minute); len(again) != 0 {
		t.Errorf("a leased message was claimed again")
	}
	wantErr(t, "attempt in another tenant", s.RecordMailAttempt(t.Context(), other.Tenant.ID, m.ID,
		store.MailAttempt{At: at(2), Error: "x"}), store.ErrNotFound)
	must(t, s.RecordMailAttempt(t.Context(), f.Tenant.ID, m.ID,
		store.MailAttempt{At: noisy(at(2)), Retry: noisy(at(10)), Error: "421 busy"}))
	list, err := s.ListInterviewMail(t.Context(), f.Tenant.ID, v.ID)
	must(t, err)
	if l := list[0]; l.Status != store.MailPending || l.Attempts != 1 || !l.NextAttempt.Equal(at(10)) || l.LastError != "421 busy" {
		t.Errorf("after a retry = %+v, want pending, 1 attempt, due at(10), the error", l)
	}
	if got := claimMail(t, s, f.Tenant.ID, at(10), time.Minute); len(got) != 1 {
		t.Fatalf("claim at(10) took %d, want the retried message", len(got))
	}
	must(t, s.RecordMailAttempt(t.Context(), f.Tenant.ID, m.ID, store.MailAttempt{At: noisy(at(11)), Sent: true}))
	list, err = s.ListInterviewMail(t.Context(), f.Tenant.ID, v.ID)
	must(t, err)
	if l := list[0]; l.Status != store.MailSent || l.Attempts != 2 || l.SentAt == nil || !l.SentAt.Equal(at(11)) {
		t.Errorf("after sending = %+v, want sent at(11) after 2 attempts", l)
	}
	wantErr(t, "attempt at a sent message", s.RecordMailAttempt(t.Context(), f.Tenant.ID, m.ID,
		store.MailAttempt{At: at(12), Sent: true}), store.ErrConflict)
	testMailLinkErased(t, s, f)
}

// testMailLinkErased checks that a team invitation's link comes with
// each claim while the message is pending, and that a message failed for
// good takes no more attempts.
func testMailLinkErased(t *testing.T, s store.Store, f fixture) {
	inv := interview.Invitation{TenantID: f.Tenant.ID, Email: "mate@example.com", Role: interview.RoleViewer,
		TokenHash: unique(), ExpiresAt: at(100)}
	must(t, s.CreateInvitation(t.Context(), &inv))
	m := store.Mail{TenantID: f.Tenant.ID, Kind: store.MailTeamInvitation, InvitationID: inv.ID,
		To: inv.Email, Link: "https://example.com/invite/" + unique(), NextAttempt: at(20)}
	must(t, s.EnqueueMail(t.Context(), &m))
	for i, n := range []int{20, 30} {
		got := claimMail(t, s, f.Tenant.ID, at(n), time.Minute)
		if len(got) != 1 || got[0].Link != m.Link || got[0].InvitationID != inv.ID || got[0].To != inv.Email {
			t.Fatalf("claim %d = %+v, want the team invitation with its link", i, got)
		}
		must(t, s.RecordMailAttempt(t.Context(), f.Tenant.ID, m.ID, store.MailAttempt{At: at(n), Retry: at(30), Error: "451"}))
	}
	must(t, s.RecordMailAttempt(t.Context(), f.Tenant.ID, m.ID, store.MailAttempt{At: at(31), Error: "550 no such user"}))
	wantErr(t, "attempt at a failed message", s.RecordMailAttempt(t.Context(), f.Tenant.ID, m.ID,
		store.MailAttempt{At: at(32), Sent: true}), store.ErrConflict)
	if got := claimMail(t, s, f.Tenant.ID, at(1000), time.Minute); len(got) != 0 {
		t.Errorf("a failed message was claimed: %+v", got)
	}
}

// sentInvitation is an interview of f whose link expires at expires and
// whose invitation was sent at sent.
func sentInvitation(t *testing.T, s store.Store, f fixture, expires, sent time.Time) interview.Session {
	t.Helper()
	v := interview.Session{TenantID: f.Tenant.ID, PositionID: f.Position.ID, CandidateID: f.Candidate.ID,
		JoinTokenHash: unique(), JoinExpiresAt: expires}
	must(t, s.CreateSession(t.Context(), &v))
	m := store.Mail{TenantID: v.TenantID, Kind: store.MailInvitation, InterviewID: v.ID,
		To: f.Candidate.Email, NextAttempt: sent}
	must(t, s.EnqueueMail(t.Context(), &m))
	if got := claimMail(t, s, f.Tenant.ID, sent, time.Minute); len(got) != 1 {
		t.Fatalf("claimed %d invitations, want 1", len(got))
	}
	must(t, s.RecordMailAttempt(t.Context(), v.TenantID, m.ID, store.MailAttempt{At: sent, Sent: true}))
	return v
}

// reminders lists the reminders of an interview.
func reminders(t *testing.T, s store.Store, v interview.Session) []store.Mail {
	t.Helper()
	list, err := s.ListInterviewMail(t.Context(), v.TenantID, v.ID)
	must(t, err)
	var out []store.Mail
	for _, m := range list {
		if m.Kind == store.MailReminder {
			out = append(out, m)
		}
	}
	return out
}

func testMailReminders(t *testing.T, s store.Store) {
	f := newTenant(t, s)
	const before = 24 * time.Hour
	due := sentInvitation(t, s, f, at(2000), at(100))
	late := sentInvitation(t, s, f, at(2000), at(1000)) // sent inside the window
	revoked := sentInvitation(t, s, f, at(2000), at(100))
	must(t, s.RevokeJoinToken(t.Context(), f.Tenant.ID, revoked.ID, at(200)))
	ended := driveTo(t, s, sentInvitation(t, s, f, at(2000), at(100)), interview.StatusAbandoned)
	started := driveTo(t, s, sentInvitation(t, s, f, at(2000), at(100)), interview.StatusInProgress)
	far := sentInvitation(t, s, f, at(3000), at(100)) // expires after the window
	never := interview.Session{TenantID: f.Tenant.ID, PositionID: f.Position.ID, CandidateID: f.Candidate.ID,
		JoinTokenHash: unique(), JoinExpiresAt: at(2000)} // no invitation sent
	must(t, s.CreateSession(t.Context(), &never))

	now := at(2000 - 24*60 + 10)
	n, err := s.EnqueueMailReminders(t.Context(), noisy(now), before)
	must(t, err)
	if n < 1 {
		t.Errorf("enqueued %d reminders, want at least this test's one", n)
	}
	got := reminders(t, s, due)
	if len(got) != 1 || got[0].To != f.Candidate.Email || got[0].Status != store.MailPending || !got[0].NextAttempt.Equal(now) {
		t.Errorf("reminders of the due interview = %+v, want one pending to the candidate, due now", got)
	}
	for name, v := range map[string]interview.Session{"invited late": late, "revoked": revoked,
		"ended": ended, "started": started, "expiring later": far, "never invited": never} {
		if got := reminders(t, s, v); len(got) != 0 {
			t.Errorf("%s interview got reminders %+v", name, got)
		}
	}
	// The reminder is sent once: not again, even after it was sent.
	m := claimMail(t, s, f.Tenant.ID, now, time.Minute)
	if len(m) != 1 || m[0].Kind != store.MailReminder {
		t.Fatalf("claimed %+v, want the reminder", m)
	}
	must(t, s.RecordMailAttempt(t.Context(), f.Tenant.ID, m[0].ID, store.MailAttempt{At: now, Sent: true}))
	if _, err := s.EnqueueMailReminders(t.Context(), now.Add(time.Minute), before); err != nil {
		t.Fatal(err)
	}
	if got := reminders(t, s, due); len(got) != 1 {
		t.Errorf("the interview has %d reminders after a second pass, want 1", len(got))
	}
}

func testMailConcurrentClaims(t *testing.T, s store.Store) {
	f := newTenant(t, s)
	v := f.session(t, s)
	want := map[string]bool{}
	for range 24 {
		want[invitationMail(t, s, v, 1).ID] = true
	}
	var mu sync.Mutex
	seen := map[string]int{}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for {
				got, err := s.ClaimMail(t.Context(), at(2), time.Hour, 3)
				if err != nil {
					t.Error(err)
					return
				}
				if len(got) == 0 {
					return
				}
				mu.Lock()
				for _, m := range got {
					seen[m.ID]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	for id := range want {
		if seen[id] != 1 {
			t.Errorf("message %s claimed %d times, want once", id, seen[id])
		}
	}
	for _, m := range claimMail(t, s, f.Tenant.ID, at(1000), time.Minute) {
		must(t, s.RecordMailAttempt(t.Context(), f.Tenant.ID, m.ID, store.MailAttempt{At: at(0), Error: "test over"}))
	}
}
