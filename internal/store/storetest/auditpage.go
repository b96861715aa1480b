package storetest

import (
	"slices"
	"strings"
	"testing"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// The audit log page: newest first by time then ID, paged by the cursor
// of the previous page's last event, narrowed by action, and never
// another tenant's.
func testAuditPage(t *testing.T, s store.Store) {
	ctx := t.Context()
	f, g := newTenant(t, s), newTenant(t, s)
	var events []interview.AuditEvent // oldest first
	for i, action := range []string{"a.one", "a.two", "a.one", "a.two", "a.one", "a.one"} {
		e := interview.AuditEvent{TenantID: f.Tenant.ID, ActorType: "system", Action: action,
			Data: map[string]string{"n": string(rune('0' + i))}, CreatedAt: noisy(at(i / 2))} // pairs share a time
		must(t, s.AppendAudit(ctx, &e))
		events = append(events, e)
	}
	must(t, s.AppendAudit(ctx, &interview.AuditEvent{TenantID: g.Tenant.ID, ActorType: "system", Action: "a.one", CreatedAt: at(9)}))
	slices.SortFunc(events, func(a, b interview.AuditEvent) int { // newest first
		if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(b.ID, a.ID)
	})
	page := func(f interview.AuditFilter, tenantID string) []interview.AuditEvent {
		list, err := s.ListAuditPage(ctx, tenantID, f)
		must(t, err)
		return list
	}
	same(t, "everything", page(interview.AuditFilter{}, f.Tenant.ID), events)

	var walked []interview.AuditEvent
	cursor := interview.AuditFilter{Limit: 2}
	for range 5 {
		got := page(cursor, f.Tenant.ID)
		walked = append(walked, got...)
		if len(got) < 2 {
			break
		}
		cursor.Before, cursor.BeforeID = got[len(got)-1].CreatedAt, got[len(got)-1].ID
	}
	same(t, "paged", ids(walked, auditID), ids(events, auditID))

	var ones []interview.AuditEvent
	for _, e := range events {
		if e.Action == "a.one" {
			ones = append(ones, e)
		}
	}
	same(t, "one action", ids(page(interview.AuditFilter{Actions: []string{"a.one"}}, f.Tenant.ID), auditID), ids(ones, auditID))
	same(t, "both actions", len(page(interview.AuditFilter{Actions: []string{"a.one", "a.two"}}, f.Tenant.ID)), len(events))
	same(t, "an action nobody took", page(interview.AuditFilter{Actions: []string{"a.three"}}, f.Tenant.ID), []interview.AuditEvent{})
	same(t, "before a time only", ids(page(interview.AuditFilter{Before: at(2)}, f.Tenant.ID), auditID), ids(events[2:], auditID))
	same(t, "another tenant", len(page(interview.AuditFilter{}, g.Tenant.ID)), 1)
	same(t, "no tenant", page(interview.AuditFilter{}, unique()), []interview.AuditEvent{})
	same(t, "limit", len(page(interview.AuditFilter{Limit: 1}, f.Tenant.ID)), 1)
}

func auditID(e interview.AuditEvent) string { return e.ID }
