package storetest

import (
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

func testSessions(t *testing.T, s store.Store) {
	ctx := t.Context()
	f := newTenant(t, s)
	hash := unique()
	v := interview.Session{
		TenantID: f.Tenant.ID, PositionID: f.Position.ID, CandidateID: f.Candidate.ID,
		Status:        interview.StatusCompleted, // ignored: a new interview is pending
		JoinTokenHash: hash, JoinVersion: 2, JoinExpiresAt: noisy(at(30)), CreatedAt: noisy(at(1)),
	}
	must(t, s.CreateSession(ctx, &v))
	want := interview.Session{
		ID: v.ID, TenantID: f.Tenant.ID, PositionID: f.Position.ID, CandidateID: f.Candidate.ID,
		Status: interview.StatusPending, HiringStatus: interview.HiringNew, WebRTCStatus: "pending", JoinTokenHash: hash,
		JoinVersion: 2, JoinExpiresAt: at(30), CreatedAt: at(1), UpdatedAt: at(1),
	}
	t.Run("round trip", func(t *testing.T) {
		same(t, "caller's copy", v, want)
		got, err := s.GetSession(ctx, f.Tenant.ID, v.ID)
		must(t, err)
		same(t, "by id", got, want)
		got, err = s.GetSessionByJoinHash(ctx, hash)
		must(t, err)
		same(t, "by join hash", got, want)
	})
	t.Run("call info", func(t *testing.T) {
		call := interview.CallInfo{WebRTCStatus: "connected", WebRTCServerURL: "wss://h/rtc", WebRTCSessionID: "ws-1", CallID: "rtc_1"}
		must(t, s.UpdateSessionCall(ctx, f.Tenant.ID, v.ID, call))
		got, err := s.GetSession(ctx, f.Tenant.ID, v.ID)
		must(t, err)
		same(t, "call", interview.CallInfo{
			WebRTCStatus: got.WebRTCStatus, WebRTCServerURL: got.WebRTCServerURL,
			WebRTCSessionID: got.WebRTCSessionID, CallID: got.CallID,
		}, call)
	})
	t.Run("question progress", func(t *testing.T) {
		got, err := s.GetSession(ctx, f.Tenant.ID, v.ID)
		must(t, err)
		same(t, "before the first question", got.CurrentQuestion, 0)
		must(t, s.UpdateSessionProgress(ctx, f.Tenant.ID, v.ID, 2, at(1)))
		got, err = s.GetSession(ctx, f.Tenant.ID, v.ID)
		must(t, err)
		same(t, "current question", got.CurrentQuestion, 2)
		list, err := s.ListSessions(ctx, f.Tenant.ID, interview.SessionFilter{})
		must(t, err)
		for _, l := range list {
			if l.ID == v.ID {
				same(t, "listed", l.CurrentQuestion, 2)
			}
		}
		wantErr(t, "negative", s.UpdateSessionProgress(ctx, f.Tenant.ID, v.ID, -1, at(1)), interview.ErrInvalid)
		wantErr(t, "unknown interview", s.UpdateSessionProgress(ctx, f.Tenant.ID, unique(), 1, at(1)), store.ErrNotFound)
	})
	t.Run("join link", func(t *testing.T) {
		must(t, s.RevokeJoinToken(ctx, f.Tenant.ID, v.ID, noisy(at(3))))
		got, err := s.GetSession(ctx, f.Tenant.ID, v.ID)
		must(t, err)
		same(t, "revoked at", got.JoinRevokedAt, ptr(at(3)))
		newHash := unique()
		must(t, s.SetJoinToken(ctx, f.Tenant.ID, v.ID, 3, newHash, noisy(at(90))))
		got, err = s.GetSessionByJoinHash(ctx, newHash)
		must(t, err)
		same(t, "interview", got.ID, v.ID)
		same(t, "version", got.JoinVersion, 3)
		same(t, "expires at", got.JoinExpiresAt, at(90))
		if got.JoinRevokedAt != nil {
			t.Errorf("SetJoinToken kept the revocation %v", got.JoinRevokedAt)
		}
		_, err = s.GetSessionByJoinHash(ctx, hash)
		wantErr(t, "old link", err, store.ErrNotFound)
		wantErr(t, "negative version", s.SetJoinToken(ctx, f.Tenant.ID, v.ID, -1, unique(), at(90)), interview.ErrInvalid)
		got, err = s.GetSession(ctx, f.Tenant.ID, v.ID)
		must(t, err)
		same(t, "link kept", [2]any{got.JoinTokenHash, got.JoinVersion}, [2]any{newHash, 3})
	})
	t.Run("version defaults to zero", func(t *testing.T) {
		got, err := s.GetSession(ctx, f.Tenant.ID, f.session(t, s).ID)
		must(t, err)
		same(t, "version", got.JoinVersion, 0)
	})
}

func testListSessions(t *testing.T, s store.Store) {
	ctx := t.Context()
	f := newTenant(t, s)
	p2 := newPosition(t, s, f.Tenant.ID, "Designer")
	zed := interview.Candidate{TenantID: f.Tenant.ID, Name: "Zed Alpha", Email: "zed-" + unique() + "@example.com"}
	must(t, s.CreateCandidate(ctx, &zed))
	mia := interview.Candidate{TenantID: f.Tenant.ID, Name: "Mia Beta", Email: "mia-" + unique() + "@mail.test"}
	must(t, s.CreateCandidate(ctx, &mia))
	mk := func(p interview.Position, c interview.Candidate, n int) interview.Session {
		v := interview.Session{TenantID: f.Tenant.ID, PositionID: p.ID, CandidateID: c.ID, CreatedAt: at(n)}
		must(t, s.CreateSession(ctx, &v))
		return v
	}
	s1, s2, s3 := mk(f.Position, zed, 1), mk(p2, mia, 2), mk(f.Position, mia, 3)
	s3 = driveTo(t, s, s3, interview.StatusReady)
	for _, tc := range []struct {
		name string
		f    interview.SessionFilter
		want []string
	}{
		{"all newest first", interview.SessionFilter{}, []string{s3.ID, s2.ID, s1.ID}},
		{"status", interview.SessionFilter{Status: interview.StatusReady}, []string{s3.ID}},
		{"status pending", interview.SessionFilter{Status: interview.StatusPending}, []string{s2.ID, s1.ID}},
		{"position", interview.SessionFilter{PositionID: f.Position.ID}, []string{s3.ID, s1.ID}},
		{"position and status", interview.SessionFilter{PositionID: f.Position.ID, Status: interview.StatusPending}, []string{s1.ID}},
		{"position that is not an ID", interview.SessionFilter{PositionID: "not-a-uuid"}, []string{}},
		{"name any case", interview.SessionFilter{Query: "ALPHA"}, []string{s1.ID}},
		{"email", interview.SessionFilter{Query: "@MAIL.test"}, []string{s3.ID, s2.ID}},
		{"wildcards are literal", interview.SessionFilter{Query: "%"}, []string{}},
		{"underscore is literal", interview.SessionFilter{Query: "_"}, []string{}},
		{"limit", interview.SessionFilter{Limit: 2}, []string{s3.ID, s2.ID}},
		{"offset", interview.SessionFilter{Limit: 2, Offset: 2}, []string{s1.ID}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			list, err := s.ListSessions(ctx, f.Tenant.ID, tc.f)
			must(t, err)
			same(t, "ids", ids(list, func(v interview.SessionSummary) string { return v.ID }), tc.want)
		})
	}
	t.Run("summary", func(t *testing.T) {
		list, err := s.ListSessions(ctx, f.Tenant.ID, interview.SessionFilter{Query: "zed alpha"})
		must(t, err)
		want, err := s.GetSession(ctx, f.Tenant.ID, s1.ID)
		must(t, err)
		same(t, "summary", list, []interview.SessionSummary{{
			Session: want, CandidateName: zed.Name, CandidateEmail: zed.Email, PositionTitle: f.Position.Title,
		}})
	})
}

func testTransitions(t *testing.T, s store.Store) {
	f := newTenant(t, s)
	for _, from := range interview.Statuses {
		for _, to := range interview.Statuses {
			t.Run(string(from)+"_to_"+string(to), func(t *testing.T) {
				before := driveTo(t, s, f.session(t, s), from)
				got, err := s.TransitionSession(t.Context(), f.Tenant.ID, before.ID, to, "because", noisy(at(10)))
				checkTransition(t, s, before, to, got, err)
			})
		}
	}
	t.Run("unknown status", func(t *testing.T) {
		v := f.session(t, s)
		_, err := s.TransitionSession(t.Context(), f.Tenant.ID, v.ID, "paused", "", at(1))
		wantErr(t, "transition", err, interview.ErrInvalid)
	})
}

// checkTransition checks the outcome of moving before to status to against
// the domain's state machine, and that the stored row agrees.
func checkTransition(t *testing.T, s store.Store, before interview.Session, to interview.Status, got interview.Session, err error) {
	t.Helper()
	stored, gerr := s.GetSession(t.Context(), before.TenantID, before.ID)
	must(t, gerr)
	switch {
	case before.Status == to:
		must(t, err)
		same(t, "unchanged", got, before)
		same(t, "stored", stored, before)
	case before.Status.CanTransition(to):
		must(t, err)
		same(t, "stored", stored, got)
		same(t, "status", got.Status, to)
		same(t, "started at", got.StartedAt, wantStarted(before, to))
		same(t, "ended at", got.EndedAt, wantEnded(to))
		same(t, "end reason", got.EndReason, map[bool]string{true: "because"}[to.Terminal()])
	default:
		want := interview.ErrTransition
		if before.Status.Terminal() {
			want = interview.ErrClosed
		}
		wantErr(t, "illegal transition", err, want)
		same(t, "stored", stored, before)
	}
}

// wantStarted is StartedAt after moving before to status to at at(10): set
// once, on entering in_progress.
func wantStarted(before interview.Session, to interview.Status) *time.Time {
	if before.StartedAt != nil {
		return before.StartedAt
	}
	if to == interview.StatusInProgress {
		return ptr(at(10))
	}
	return nil
}

// wantEnded is EndedAt after moving to status to at at(10).
func wantEnded(to interview.Status) *time.Time {
	if to.Terminal() {
		return ptr(at(10))
	}
	return nil
}

// testListInProgress: the start-up sweep finds exactly the interviews in
// progress, of one tenant or of all of them.
func testListInProgress(t *testing.T, s store.Store) {
	ctx := t.Context()
	a, b := newTenant(t, s), newTenant(t, s)
	runningA := driveTo(t, s, a.session(t, s), interview.StatusInProgress)
	runningB := driveTo(t, s, b.session(t, s), interview.StatusInProgress)
	others := map[string]bool{}
	for _, st := range []interview.Status{interview.StatusPending, interview.StatusReady, interview.StatusCompleted, interview.StatusAbandoned, interview.StatusFailed} {
		others[driveTo(t, s, a.session(t, s), st).ID] = true
	}
	ids := func(list []interview.Session) map[string]interview.Session {
		m := map[string]interview.Session{}
		for _, v := range list {
			if v.Status != interview.StatusInProgress {
				t.Errorf("listed %s in status %s", v.ID, v.Status)
			}
			if others[v.ID] {
				t.Errorf("listed %s, which is not in progress", v.ID)
			}
			m[v.ID] = v
		}
		return m
	}
	t.Run("every tenant", func(t *testing.T) {
		list, err := s.ListInProgress(ctx, "")
		must(t, err)
		got := ids(list)
		same(t, "tenant A's", got[runningA.ID], runningA)
		same(t, "tenant B's", got[runningB.ID], runningB)
	})
	t.Run("one tenant", func(t *testing.T) {
		list, err := s.ListInProgress(ctx, a.Tenant.ID)
		must(t, err)
		got := ids(list)
		same(t, "listed", len(got), 1)
		same(t, "tenant A's", got[runningA.ID], runningA)
	})
	t.Run("unknown tenant", func(t *testing.T) {
		list, err := s.ListInProgress(ctx, unique())
		must(t, err)
		same(t, "listed", len(list), 0)
	})
}
