package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/assess"
	"github.com/interviewd/interviewd/internal/assess/assesstest"
	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store/sqlite"
)

// With ASSESSMENT_MODEL and a local server (no key), a completed
// interview is assessed in the background and the result stored; the
// start-up line names the model, and the candidate's name and email never
// reach the server.
func TestRunAssessesCompletedInterviews(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	dbPath := filepath.Join(dir, "interviewd.db")
	tenantID, id := addCompletedInterview(t, dbPath)
	fake := assesstest.New(t)
	fake.Forbid("Ada", "ada@example.com")
	fake.Otherwise(func(req assesstest.Request) assesstest.Reply {
		return assesstest.Assessment(req, 3, 2, "dependable systems")
	})

	_, out, stop := start(t, map[string]string{"DATA_DIR": dir, "ADDR": "127.0.0.1:0",
		"ASSESSMENT_MODEL": "llama-test", "ASSESSMENT_BASE_URL": fake.URL})
	deadline := time.Now().Add(assesstest.Wait)
	for !strings.Contains(out.String(), `msg="assessment done"`) {
		if time.Now().After(deadline) {
			stop()
			t.Fatalf("no assessment done:\n%s", out)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if want := `assessment="llama-test at ` + fake.URL + `"`; !strings.Contains(out.String(), want) {
		t.Errorf("the start-up line lacks %s:\n%s", want, out)
	}
	st, err := sqlite.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	list, err := st.ListAssessments(context.Background(), tenantID, id)
	if err != nil || len(list) != 1 {
		t.Fatalf("assessments %+v, %v", list, err)
	}
	a := list[0]
	if a.Status != interview.AssessmentDone || a.Model != "llama-test" || a.PromptVersion != assess.PromptVersion ||
		a.Result == nil || a.Result.Overall != 3 || len(a.Result.Competencies[0].Evidence) != 1 {
		t.Errorf("assessment %+v", a)
	}
	if auth := fake.Requests()[0].Authorization; auth != "" && auth != "Bearer" && auth != "Bearer " {
		t.Errorf("a key was sent to the local server: %q", auth)
	}
}

// addCompletedInterview is addRunningInterview with a transcript, then
// completed.
func addCompletedInterview(t *testing.T, dbPath string) (tenantID, id string) {
	t.Helper()
	addRunningInterview(t, dbPath)
	ctx := context.Background()
	st, err := sqlite.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	v, err := st.GetSessionByJoinHash(ctx, "running")
	if err != nil {
		t.Fatal(err)
	}
	lines := []interview.TranscriptEntry{
		{ItemID: "i1", Speaker: interview.SpeakerInterviewer, Text: "Why, Ada?", Source: interview.SourceSideband, Timestamp: time.Now()},
		{ItemID: "i2", Speaker: interview.SpeakerCandidate, Text: "I like dependable systems.", Source: interview.SourceSideband, Timestamp: time.Now().Add(time.Second)},
	}
	if _, err := st.AppendTranscript(ctx, v.TenantID, v.ID, lines); err != nil {
		t.Fatal(err)
	}
	if _, err := st.TransitionSession(ctx, v.TenantID, v.ID, interview.StatusCompleted, "candidate ended", time.Now()); err != nil {
		t.Fatal(err)
	}
	return v.TenantID, v.ID
}
