package storetest

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// RunCandidateProblems runs the suite of the problems candidates' pages
// report (store.CandidateProblems).
func RunCandidateProblems(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"EveryCode", testProblemEveryCode},
		{"Folding", testProblemFolding},
		{"Limit", testProblemLimit},
		{"Invalid", testProblemInvalid},
		{"Tenancy", testProblemTenancy},
		{"Concurrent", testProblemConcurrent},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open(t)) })
	}
}

// addProblem adds code to v at `when` and returns whether it was stored
// and the time the store gave back.
func addProblem(t *testing.T, s store.Store, v interview.Session, code interview.ProblemCode, when time.Time) (bool, time.Time) {
	t.Helper()
	p := interview.CandidateProblem{TenantID: v.TenantID, InterviewID: v.ID, Code: code, At: when}
	stored, err := s.AddCandidateProblem(t.Context(), &p)
	must(t, err)
	return stored, p.At
}

func listProblems(t *testing.T, s store.Store, v interview.Session) []interview.CandidateProblem {
	t.Helper()
	got, err := s.ListCandidateProblems(t.Context(), v.TenantID, v.ID)
	must(t, err)
	return got
}

// Every code of the Go set is accepted by the table's CHECK and comes back
// as it went in, oldest first, at the stored precision in UTC.
func testProblemEveryCode(t *testing.T, s store.Store) {
	f := newTenant(t, s)
	v := f.session(t, s)
	same(t, "an interview without problems", listProblems(t, s, v), []interview.CandidateProblem{})
	codes := interview.ProblemCodes()
	var want []interview.CandidateProblem
	for i := len(codes) - 1; i >= 0; i-- { // stored newest first: the list sorts by time
		stored, got := addProblem(t, s, v, codes[i], noisy(at(2*i)))
		if !stored || !got.Equal(at(2*i)) || got.Location() != time.UTC {
			t.Errorf("%s: stored %v at %v, want true at %v UTC", codes[i], stored, got, at(2*i))
		}
	}
	for i, c := range codes {
		want = append(want, interview.CandidateProblem{TenantID: f.Tenant.ID, InterviewID: v.ID, Code: c, At: at(2 * i)})
	}
	same(t, "problems", listProblems(t, s, v), want)

	now := f.session(t, s)
	if stored, got := addProblem(t, s, now, interview.ProblemMicDenied, time.Time{}); !stored || time.Since(got).Abs() > time.Minute {
		t.Errorf("a problem without a time: stored %v at %v, want now", stored, got)
	}
}

// A repeat of a code within ProblemFold of the last one of that code is
// folded into it; another code, or the same one later, is not.
func testProblemFolding(t *testing.T, s store.Store) {
	f := newTenant(t, s)
	v := f.session(t, s)
	first := at(1)
	cases := []struct {
		name   string
		code   interview.ProblemCode
		when   time.Time
		stored bool
		at     time.Time
	}{
		{"first", interview.ProblemMicDenied, first, true, first},
		{"again 30 s later", interview.ProblemMicDenied, first.Add(30 * time.Second), false, first},
		{"another code", interview.ProblemMicBusy, first.Add(30 * time.Second), true, first.Add(30 * time.Second)},
		{"again a minute later", interview.ProblemMicDenied, first.Add(interview.ProblemFold), false, first},
		{"again just over a minute later", interview.ProblemMicDenied, first.Add(interview.ProblemFold + time.Millisecond),
			true, first.Add(interview.ProblemFold + time.Millisecond)},
		{"again after that one", interview.ProblemMicDenied, first.Add(90 * time.Second), false,
			first.Add(interview.ProblemFold + time.Millisecond)},
	}
	for _, tc := range cases {
		stored, got := addProblem(t, s, v, tc.code, tc.when)
		if stored != tc.stored || !got.Equal(tc.at) {
			t.Errorf("%s: stored %v at %v, want %v at %v", tc.name, stored, got, tc.stored, tc.at)
		}
	}
	if got := listProblems(t, s, v); len(got) != 3 {
		t.Errorf("stored %d problems, want 3: %+v", len(got), got)
	}
}

// An interview keeps MaxCandidateProblems; the next is refused, a repeat
// is still folded, and another interview is not affected.
func testProblemLimit(t *testing.T, s store.Store) {
	f := newTenant(t, s)
	v, w := f.session(t, s), f.session(t, s)
	codes := interview.ProblemCodes()
	for i := range interview.MaxCandidateProblems {
		addProblem(t, s, v, codes[i%len(codes)], at(2*i))
	}
	last := codes[(interview.MaxCandidateProblems-1)%len(codes)]
	lastAt := at(2 * (interview.MaxCandidateProblems - 1))
	over := interview.CandidateProblem{TenantID: f.Tenant.ID, InterviewID: v.ID, Code: last, At: lastAt.Add(time.Hour)}
	stored, err := s.AddCandidateProblem(t.Context(), &over)
	wantErr(t, "one over the limit", err, store.ErrRateLimited)
	same(t, "stored over the limit", stored, false)
	if stored, got := addProblem(t, s, v, last, lastAt.Add(time.Second)); stored || !got.Equal(lastAt) {
		t.Errorf("a repeat at the limit: stored %v at %v, want folded into %v", stored, got, lastAt)
	}
	same(t, "problems kept", len(listProblems(t, s, v)), interview.MaxCandidateProblems)
	if stored, _ := addProblem(t, s, w, last, lastAt.Add(time.Hour)); !stored {
		t.Error("another interview's problem was refused")
	}
}

func testProblemInvalid(t *testing.T, s store.Store) {
	f := newTenant(t, s)
	v := f.session(t, s)
	for _, code := range []interview.ProblemCode{"", "mic_denied", "SPEAKER_BROKEN", "MIC_DENIED "} {
		p := interview.CandidateProblem{TenantID: f.Tenant.ID, InterviewID: v.ID, Code: code}
		stored, err := s.AddCandidateProblem(t.Context(), &p)
		wantErr(t, "code "+string(code), err, store.ErrInvalid)
		same(t, "stored "+string(code), stored, false)
	}
	same(t, "nothing stored", listProblems(t, s, v), []interview.CandidateProblem{})
}

func testProblemTenancy(t *testing.T, s store.Store) {
	a, b := newTenant(t, s), newTenant(t, s)
	v := a.session(t, s)
	for name, p := range map[string]interview.CandidateProblem{
		"another tenant's interview": {TenantID: b.Tenant.ID, InterviewID: v.ID, Code: interview.ProblemMicDenied},
		"no such interview":          {TenantID: a.Tenant.ID, InterviewID: unique(), Code: interview.ProblemMicDenied},
	} {
		stored, err := s.AddCandidateProblem(t.Context(), &p)
		wantErr(t, name, err, store.ErrNotFound)
		same(t, name+" stored", stored, false)
	}
	addProblem(t, s, v, interview.ProblemConnectFailed, at(1))
	got, err := s.ListCandidateProblems(t.Context(), b.Tenant.ID, v.ID)
	must(t, err)
	same(t, "read from another tenant", got, []interview.CandidateProblem{})
	same(t, "own tenant", len(listProblems(t, s, v)), 1)
}

// Parallel reports count the ones committed before them: twice the limit
// of distinct problems leaves exactly the limit, and the same problem
// sent many times at once is stored once.
func testProblemConcurrent(t *testing.T, s store.Store) {
	f := newTenant(t, s)
	full, once := f.session(t, s), f.session(t, s)
	var wg sync.WaitGroup
	var mu sync.Mutex
	results := map[string]int{}
	for i := range 2 * interview.MaxCandidateProblems {
		wg.Go(func() {
			p := interview.CandidateProblem{TenantID: f.Tenant.ID, InterviewID: full.ID,
				Code: interview.ProblemConnectionLost, At: at(2 * i)}
			stored, err := s.AddCandidateProblem(t.Context(), &p)
			q := interview.CandidateProblem{TenantID: f.Tenant.ID, InterviewID: once.ID,
				Code: interview.ProblemMicDenied, At: at(1)}
			repeatStored, repeatErr := s.AddCandidateProblem(t.Context(), &q)
			mu.Lock()
			defer mu.Unlock()
			results[outcome(stored, err)]++
			results["repeat "+outcome(repeatStored, repeatErr)]++
		})
	}
	wg.Wait()
	n := interview.MaxCandidateProblems
	same(t, "outcomes", results, map[string]int{"stored": n, "rate limited": n, "repeat stored": 1, "repeat folded": 2*n - 1})
	same(t, "problems kept", len(listProblems(t, s, full)), n)
	same(t, "repeats kept", len(listProblems(t, s, once)), 1)
}

// outcome names what AddCandidateProblem did.
func outcome(stored bool, err error) string {
	switch {
	case errors.Is(err, store.ErrRateLimited):
		return "rate limited"
	case err != nil:
		return err.Error()
	case stored:
		return "stored"
	}
	return "folded"
}

// ProblemInsert writes a row of candidate_problems with code directly, past
// the store's validation.
type ProblemInsert func(t *testing.T, tenantID, interviewID, code string) error

// RunProblemCheck checks the table's CHECK against the Go set: every
// interview.ProblemCodes code is accepted and nothing else is.
func RunProblemCheck(t *testing.T, s store.Store, insert ProblemInsert) {
	f := newTenant(t, s)
	v := f.session(t, s)
	for _, c := range interview.ProblemCodes() {
		if err := insert(t, f.Tenant.ID, v.ID, string(c)); err != nil {
			t.Errorf("the table refuses %s: %v", c, err)
		}
	}
	for _, c := range []string{"", "mic_denied", "SPEAKER_BROKEN", "NETWORK"} {
		if err := insert(t, f.Tenant.ID, v.ID, c); err == nil {
			t.Errorf("the table accepts %q, which is not a problem code", c)
		}
	}
}
