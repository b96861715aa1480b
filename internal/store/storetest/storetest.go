// Package storetest is the conformance suite every store.Store
// implementation runs. It uses nothing but the store interface, creates its
// own tenants and users with unique names in every test, and so can run
// many times against one shared database.
package storetest

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// Run runs the whole suite. open returns the store a subtest uses; it may
// return a new store each time or the same one.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"Basics", testBasics},
		{"Tenants", testTenants},
		{"Users", testUsers},
		{"SignUp", testSignUp},
		{"FirstSignUp", testFirstSignUp},
		{"RemoveMember", testRemoveMember},
		{"Positions", testPositions},
		{"Candidates", testCandidates},
		{"Sessions", testSessions},
		{"ListSessions", testListSessions},
		{"Transitions", testTransitions},
		{"ListInProgress", testListInProgress},
		{"Transcript", testTranscript},
		{"TranscriptClosed", testTranscriptClosed},
		{"TranscriptConcurrent", testTranscriptConcurrent},
		{"VideoSegments", testVideoSegments},
		{"Consents", testConsents},
		{"APIKeys", testAPIKeys},
		{"Audit", testAudit},
		{"Logins", testLogins},
		{"Invitations", testInvitations},
		{"Idempotency", testIdempotency},
		{"Housekeeping", testHousekeeping},
		{"Webhooks", testWebhooks},
		{"Rubrics", testRubrics},
		{"RubricsConcurrent", testRubricsConcurrent},
		{"QuestionMarks", testQuestionMarks},
		{"AssessmentLifecycle", testAssessmentLifecycle},
		{"AssessmentPositionList", testAssessmentPositionList},
		{"AssessmentParallelEnqueue", testAssessmentParallelEnqueue},
		{"EnqueueMissingAssessments", testEnqueueMissing},
		{"AssessedDeliveries", testAssessedDeliveries},
		{"Scorecards", testScorecards},
		{"Decisions", testDecisions},
		{"HiringStatusFilter", testHiringStatusFilter},
		{"ListedValues", testListedValues},
		{"Leases", testLeases},
		{"LeaseTenancy", testLeaseTenancy},
		{"LeaseParallel", testLeaseParallel},
		{"Orphans", testOrphans},
		{"Instances", testInstances},
		{"Throttles", testThrottles},
		{"ThrottleParallel", testThrottleParallel},
		{"RTCTokens", testRTCTokens},
		{"RTCTokenParallel", testRTCTokenParallel},
		{"PositionRecording", testPositionRecording},
		{"RecordingSegments", testSegments},
		{"RecordingChunks", testChunks},
		{"RecordingChunkRefusals", testChunkRefusals},
		{"RecordingChunksConcurrent", testChunksConcurrent},
		{"RecordingFinish", testFinishSegment},
		{"RecordingToFinish", testSegmentsToFinish},
		{"RecordingDelete", testDeleteRecording},
		{"RetentionSettings", testRetentionSettings},
		{"RetentionExpired", testRetentionExpired},
		{"RetentionDeleteTranscript", testDeleteTranscript},
		{"AuditPage", testAuditPage},
		{"Usage", testUsage},
		{"Erase", testErase},
		{"EraseRefusals", testEraseRefusals},
		{"Isolation", testIsolation},
		{"NotFound", testNotFound},
		{"Conflict", testConflict},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open(t)) })
	}
}

// at is the suite's clock: a fixed instant, already at microsecond
// precision and in UTC, plus n minutes. What a store returns for it must
// compare equal to it exactly.
func at(n int) time.Time {
	return time.Date(2099, 3, 4, 5, 6, 7, 891234000, time.UTC).Add(time.Duration(n) * time.Minute)
}

// noisy returns t with nanoseconds below the stored precision and in
// another zone, to prove that stores truncate and convert to UTC.
func noisy(t time.Time) time.Time {
	return t.Add(789 * time.Nanosecond).In(time.FixedZone("UTC+5", 5*3600))
}

// unique returns a string no other test run uses.
func unique() string { return uuid.NewString() }

func ptr[T any](v T) *T { return &v }

// must stops the test when err is not nil.
func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// wantErr fails the test unless err is target in the errors.Is sense.
func wantErr(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("%s: error = %v, want %v", what, err, target)
	}
}

// oneWon fails the test unless exactly one of errs, the answers to
// parallel attempts at what, is nil and the others are loser.
func oneWon(t *testing.T, what string, errs []error, loser error) {
	t.Helper()
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, loser):
			t.Errorf("%s: %v, want nil or %v", what, err, loser)
		}
	}
	if won != 1 {
		t.Errorf("%d of %d %s won, want 1", won, len(errs), what)
	}
}

// same fails the test unless got and want are deeply equal.
func same(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got %+v\nwant %+v", what, got, want)
	}
}

// ids returns the IDs of a list, for comparing orders.
func ids[T any](list []T, id func(T) string) []string {
	out := make([]string, len(list))
	for i, v := range list {
		out[i] = id(v)
	}
	return out
}

// fixture is one tenant with an owner, a position and a candidate.
type fixture struct {
	Tenant    interview.Tenant
	Owner     interview.User
	Position  interview.Position
	Candidate interview.Candidate
}

func newUser(t *testing.T, s store.Store) interview.User {
	t.Helper()
	u := interview.User{Email: "user-" + unique() + "@example.com", Name: "User"}
	must(t, s.CreateUser(t.Context(), &u))
	return u
}

func newTenant(t *testing.T, s store.Store) fixture {
	t.Helper()
	f := fixture{Owner: newUser(t, s), Tenant: interview.Tenant{Name: "Org " + unique()}}
	must(t, s.CreateTenant(t.Context(), &f.Tenant, f.Owner.ID))
	f.Position = newPosition(t, s, f.Tenant.ID, "Engineer")
	f.Candidate = newCandidate(t, s, f.Tenant.ID, "Ada Lovelace")
	return f
}

func newPosition(t *testing.T, s store.Store, tenantID, title string) interview.Position {
	t.Helper()
	p := interview.Position{TenantID: tenantID, Title: title, Questions: []string{"Why?", "How?"}}
	must(t, s.CreatePosition(t.Context(), &p))
	return p
}

func newCandidate(t *testing.T, s store.Store, tenantID, name string) interview.Candidate {
	t.Helper()
	c := interview.Candidate{TenantID: tenantID, Name: name, Email: "cand-" + unique() + "@example.com"}
	must(t, s.CreateCandidate(t.Context(), &c))
	return c
}

// session creates an interview of the fixture's candidate for its position.
func (f fixture) session(t *testing.T, s store.Store) interview.Session {
	t.Helper()
	v := interview.Session{
		TenantID: f.Tenant.ID, PositionID: f.Position.ID, CandidateID: f.Candidate.ID,
		JoinTokenHash: unique(), JoinExpiresAt: at(60),
	}
	must(t, s.CreateSession(t.Context(), &v))
	return v
}

// entry returns a valid transcript entry for item.
func entry(item string, n int) interview.TranscriptEntry {
	return interview.TranscriptEntry{
		ItemID: item, Speaker: interview.SpeakerCandidate, Text: fmt.Sprintf("line %d", n),
		Timestamp: at(n), Source: interview.SourceSideband,
	}
}

// driveTo moves a fresh interview from pending to status through legal steps.
func driveTo(t *testing.T, s store.Store, v interview.Session, status interview.Status) interview.Session {
	t.Helper()
	paths := map[interview.Status][]interview.Status{
		interview.StatusReady:      {interview.StatusReady},
		interview.StatusInProgress: {interview.StatusReady, interview.StatusInProgress},
		interview.StatusCompleted:  {interview.StatusReady, interview.StatusInProgress, interview.StatusCompleted},
		interview.StatusAbandoned:  {interview.StatusAbandoned},
		interview.StatusFailed:     {interview.StatusReady, interview.StatusInProgress, interview.StatusFailed},
	}
	for i, step := range paths[status] {
		var err error
		v, err = s.TransitionSession(t.Context(), v.TenantID, v.ID, step, "setup", at(i+1))
		must(t, err)
	}
	return v
}
