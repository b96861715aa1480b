package storetest

import (
	"sync"
	"testing"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// newRubric is a valid rubric of f's position (two questions).
func (f fixture) newRubric(names ...string) interview.Rubric {
	r := interview.Rubric{TenantID: f.Tenant.ID, PositionID: f.Position.ID}
	for i, n := range names {
		r.Competencies = append(r.Competencies, interview.Competency{Name: n, Description: "good " + n,
			Weight: i + 1, Anchor1: "poor", Anchor3: "fair", Anchor5: "great"})
	}
	r.Normalize(len(f.Position.Questions))
	r.QuestionLinks[0] = []string{r.Competencies[0].Key}
	return r
}

func testRubrics(t *testing.T, s store.Store) {
	ctx := t.Context()
	f, g := newTenant(t, s), newTenant(t, s)
	_, err := s.GetRubric(ctx, f.Tenant.ID, f.Position.ID, 0)
	wantErr(t, "no rubric yet", err, store.ErrNotFound)

	v1 := f.newRubric("System design", "Communication")
	v1.Derived, v1.CreatedAt = true, noisy(at(1))
	must(t, s.SaveRubric(ctx, &v1))
	if v1.ID == "" || v1.Version != 1 || v1.CreatedAt != at(1) {
		t.Fatalf("first save: %+v", v1)
	}
	v2 := f.newRubric("Communication")
	v2.CreatedBy, v2.CreatedAt = f.Owner.ID, at(2)
	must(t, s.SaveRubric(ctx, &v2))
	same(t, "second version", v2.Version, 2)
	for _, tc := range []struct {
		version int
		want    interview.Rubric
	}{{0, v2}, {1, v1}, {2, v2}} {
		got, err := s.GetRubric(ctx, f.Tenant.ID, f.Position.ID, tc.version)
		must(t, err)
		same(t, "version", got, tc.want)
	}
	_, err = s.GetRubric(ctx, f.Tenant.ID, f.Position.ID, 3)
	wantErr(t, "version 3", err, store.ErrNotFound)

	wantErr(t, "no competency", s.SaveRubric(ctx, &interview.Rubric{TenantID: f.Tenant.ID, PositionID: f.Position.ID}), store.ErrInvalid)
	bad := f.newRubric("Craft")
	bad.QuestionLinks[1] = []string{"nope"}
	wantErr(t, "unknown link", s.SaveRubric(ctx, &bad), store.ErrInvalid)
	theirs := f.newRubric("Craft")
	theirs.TenantID = g.Tenant.ID
	wantErr(t, "another tenant's position", s.SaveRubric(ctx, &theirs), store.ErrNotFound)
	_, err = s.GetRubric(ctx, g.Tenant.ID, f.Position.ID, 0)
	wantErr(t, "read through another tenant", err, store.ErrNotFound)
	got, err := s.GetRubric(ctx, f.Tenant.ID, f.Position.ID, 0)
	must(t, err)
	same(t, "latest after refused saves", got, v2)
}

// testRubricsConcurrent: parallel saves of one position's rubric take
// consecutive versions, none twice.
func testRubricsConcurrent(t *testing.T, s store.Store) {
	const savers = 6
	f := newTenant(t, s)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		versions = map[int]bool{}
	)
	for range savers {
		wg.Go(func() {
			r := f.newRubric("Craft")
			if err := s.SaveRubric(t.Context(), &r); err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			versions[r.Version] = true
			mu.Unlock()
		})
	}
	wg.Wait()
	for v := 1; v <= savers; v++ {
		if !versions[v] {
			t.Errorf("versions %v: %d missing", versions, v)
		}
	}
}

func testQuestionMarks(t *testing.T, s store.Store) {
	ctx := t.Context()
	f, g := newTenant(t, s), newTenant(t, s)
	v := f.session(t, s)
	list, err := s.ListQuestionMarks(ctx, f.Tenant.ID, v.ID)
	must(t, err)
	same(t, "none yet", list, []interview.QuestionMark{})
	must(t, s.UpdateSessionProgress(ctx, f.Tenant.ID, v.ID, 0, at(1))) // no question: no mark
	must(t, s.UpdateSessionProgress(ctx, f.Tenant.ID, v.ID, 2, noisy(at(3))))
	must(t, s.UpdateSessionProgress(ctx, f.Tenant.ID, v.ID, 1, at(5)))
	must(t, s.UpdateSessionProgress(ctx, f.Tenant.ID, v.ID, 2, at(7))) // asked again: the first ask stays
	list, err = s.ListQuestionMarks(ctx, f.Tenant.ID, v.ID)
	must(t, err)
	same(t, "marks in question order, first ask wins", list,
		[]interview.QuestionMark{{Question: 1, AskedAt: at(5)}, {Question: 2, AskedAt: at(3)}})
	got, err := s.GetSession(ctx, f.Tenant.ID, v.ID)
	must(t, err)
	same(t, "current question", got.CurrentQuestion, 2)
	wantErr(t, "negative", s.UpdateSessionProgress(ctx, f.Tenant.ID, v.ID, -1, at(8)), store.ErrInvalid)
	wantErr(t, "through another tenant", s.UpdateSessionProgress(ctx, g.Tenant.ID, v.ID, 3, at(8)), store.ErrNotFound)
	_, err = s.ListQuestionMarks(ctx, g.Tenant.ID, v.ID)
	wantErr(t, "list through another tenant", err, store.ErrNotFound)
	list, err = s.ListQuestionMarks(ctx, f.Tenant.ID, v.ID)
	must(t, err)
	same(t, "unchanged by refused writes", len(list), 2)
}
