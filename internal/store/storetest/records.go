package storetest

import (
	"testing"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

func testVideoSegments(t *testing.T, s store.Store) {
	ctx := t.Context()
	f := newTenant(t, s)
	v := f.session(t, s)
	seg2 := interview.VideoSegment{TenantID: f.Tenant.ID, InterviewID: v.ID, VideoURL: "u2", StartTime: at(2), CreatedAt: at(2)}
	seg1 := interview.VideoSegment{TenantID: f.Tenant.ID, InterviewID: v.ID, StartTime: noisy(at(1)), CreatedAt: at(1)}
	must(t, s.CreateVideoSegment(ctx, &seg2))
	must(t, s.CreateVideoSegment(ctx, &seg1))
	t.Run("round trip in start order", func(t *testing.T) {
		want := interview.VideoSegment{ID: seg1.ID, TenantID: f.Tenant.ID, InterviewID: v.ID, Index: 1,
			StartTime: at(1), Status: "recording", CreatedAt: at(1), UpdatedAt: at(1)}
		list, err := s.ListVideoSegments(ctx, f.Tenant.ID, v.ID)
		must(t, err)
		same(t, "segments", list, []interview.VideoSegment{want, seg2})
		same(t, "caller's copy", seg1, want)
	})
	t.Run("update", func(t *testing.T) {
		u := seg1
		u.VideoURL, u.EndTime, u.Status = "https://video/1", ptr(noisy(at(3))), "ready"
		must(t, s.UpdateVideoSegment(ctx, &u))
		list, err := s.ListVideoSegments(ctx, f.Tenant.ID, v.ID)
		must(t, err)
		got := list[0]
		same(t, "fields", []any{got.ID, got.VideoURL, got.EndTime, got.Status}, []any{seg1.ID, "https://video/1", ptr(at(3)), "ready"})
		same(t, "updated at", got.UpdatedAt, u.UpdatedAt)
		u.ID = unique()
		wantErr(t, "unknown segment", s.UpdateVideoSegment(ctx, &u), store.ErrNotFound)
	})
	t.Run("unknown interview", func(t *testing.T) {
		bad := interview.VideoSegment{TenantID: f.Tenant.ID, InterviewID: unique(), StartTime: at(1)}
		wantErr(t, "create", s.CreateVideoSegment(ctx, &bad), store.ErrNotFound)
		_, err := s.ListVideoSegments(ctx, f.Tenant.ID, unique())
		wantErr(t, "list", err, store.ErrNotFound)
	})
}

func testConsents(t *testing.T, s store.Store) {
	ctx := t.Context()
	f := newTenant(t, s)
	v := f.session(t, s)
	c := interview.Consent{TenantID: f.Tenant.ID, InterviewID: v.ID, TextVersion: "2025-01",
		AcceptedAt: noisy(at(4)), IPAddress: "192.0.2.7", UserAgent: "Firefox"}
	must(t, s.RecordConsent(ctx, &c))
	list, err := s.ListConsents(ctx, f.Tenant.ID, v.ID)
	must(t, err)
	same(t, "consents", list, []interview.Consent{{ID: c.ID, TenantID: f.Tenant.ID, InterviewID: v.ID,
		TextVersion: "2025-01", AcceptedAt: at(4), IPAddress: "192.0.2.7", UserAgent: "Firefox"}})
	bad := interview.Consent{TenantID: f.Tenant.ID, InterviewID: unique(), TextVersion: "x", AcceptedAt: at(1)}
	wantErr(t, "unknown interview", s.RecordConsent(ctx, &bad), store.ErrNotFound)
	_, err = s.ListConsents(ctx, f.Tenant.ID, unique())
	wantErr(t, "list unknown interview", err, store.ErrNotFound)
}

func testAPIKeys(t *testing.T, s store.Store) {
	ctx := t.Context()
	f := newTenant(t, s)
	k1 := interview.APIKey{TenantID: f.Tenant.ID, Name: "ATS", Prefix: "ik_1", Hash: unique(), CreatedBy: f.Owner.ID, CreatedAt: noisy(at(1))}
	k2 := interview.APIKey{TenantID: f.Tenant.ID, Name: "CLI", Prefix: "ik_2", Hash: unique(), CreatedAt: at(2)}
	must(t, s.CreateAPIKey(ctx, &k1))
	must(t, s.CreateAPIKey(ctx, &k2))
	t.Run("lookup and list", func(t *testing.T) {
		got, err := s.GetAPIKeyByHash(ctx, k1.Hash)
		must(t, err)
		same(t, "by hash", got, interview.APIKey{ID: k1.ID, TenantID: f.Tenant.ID, Name: "ATS", Prefix: "ik_1",
			Hash: k1.Hash, CreatedBy: f.Owner.ID, CreatedAt: at(1)})
		list, err := s.ListAPIKeys(ctx, f.Tenant.ID)
		must(t, err)
		same(t, "newest first", list, []interview.APIKey{k2, got})
	})
	t.Run("touch and revoke", func(t *testing.T) {
		must(t, s.TouchAPIKey(ctx, f.Tenant.ID, k1.ID, noisy(at(5))))
		must(t, s.RevokeAPIKey(ctx, f.Tenant.ID, k1.ID, noisy(at(6))))
		got, err := s.GetAPIKeyByHash(ctx, k1.Hash)
		must(t, err)
		same(t, "last used", got.LastUsedAt, ptr(at(5)))
		same(t, "revoked", got.RevokedAt, ptr(at(6)))
		if got.Active() {
			t.Error("revoked key is active")
		}
	})
}

func testAudit(t *testing.T, s store.Store) {
	ctx := t.Context()
	f := newTenant(t, s)
	var events []interview.AuditEvent
	for i := range 3 {
		e := interview.AuditEvent{TenantID: f.Tenant.ID, ActorType: "user", ActorID: f.Owner.ID,
			Action: "position.created", TargetType: "position", TargetID: f.Position.ID,
			Data: map[string]string{"n": string(rune('a' + i))}, CreatedAt: noisy(at(i))}
		must(t, s.AppendAudit(ctx, &e))
		e.CreatedAt = at(i)
		events = append(events, e)
	}
	list, err := s.ListAudit(ctx, f.Tenant.ID, 2)
	must(t, err)
	same(t, "newest two", list, []interview.AuditEvent{events[2], events[1]})
	list, err = s.ListAudit(ctx, f.Tenant.ID, 0)
	must(t, err)
	same(t, "default limit", len(list), 3)
	e := interview.AuditEvent{TenantID: f.Tenant.ID, ActorType: "system", Action: "tenant.checked", CreatedAt: at(9)}
	must(t, s.AppendAudit(ctx, &e))
	list, err = s.ListAudit(ctx, f.Tenant.ID, 1)
	must(t, err)
	if len(list) != 1 || list[0].ID != e.ID || len(list[0].Data) != 0 {
		t.Errorf("event without data: %+v", list)
	}
}
