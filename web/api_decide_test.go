package web

import (
	"context"
	"encoding/csv"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/auth"
	"github.com/interviewd/interviewd/internal/hiring"
	"github.com/interviewd/interviewd/internal/interview"
)

// TestAPIRubric creates positions with and without a rubric and versions
// one, through the API.
func TestAPIRubric(t *testing.T) {
	forEachStore(t, func(t *testing.T, app *testApp) {
		c := newAPITenant(t, app, "Acme")
		res := c.call("POST", "/api/v1/positions", `{"title":"Backend","questions":["Tell me about yourself.","Why Go?"],
			"rubric":{"competencies":[{"name":"System design","weight":3,"anchor1":"None","anchor3":"Some","anchor5":"Deep"},{"name":"Go"}],
			"questionLinks":[["go"],["go","system-design"]]}}`)
		p := res.want(t, http.StatusCreated)
		checkSchema(t, "Position", res.body)
		rb := p["rubric"].(map[string]any)
		if rb["version"] != 1.0 || rb["derived"] != false || len(rb["competencies"].([]any)) != 2 {
			t.Errorf("created rubric %v", rb)
		}
		id := p["id"].(string)

		res = c.call("POST", "/api/v1/positions", `{"title":"Support","questions":["How do you calm an angry customer?"]}`)
		if rb := res.want(t, http.StatusCreated)["rubric"].(map[string]any); rb["derived"] != true || len(rb["competencies"].([]any)) != 2 {
			t.Errorf("a position without a rubric gets %v, want the default one", rb)
		}
		res = c.call("GET", "/api/v1/positions", "")
		if list := res.want(t, http.StatusOK)["positions"].([]any); list[0].(map[string]any)["rubric"] != nil {
			t.Errorf("a list shows rubrics: %v", list[0])
		}

		put := `{"competencies":[{"name":"Go","weight":2}],"questionLinks":[["go"],[]]}`
		res = c.call("PUT", "/api/v1/positions/"+id+"/rubric", put)
		if got := res.want(t, http.StatusOK); got["version"] != 2.0 || got["positionId"] != id {
			t.Errorf("PUT rubric = %v, want version 2", got)
		}
		checkSchema(t, "Rubric", res.body)
		if got := c.call("PUT", "/api/v1/positions/"+id+"/rubric", put).want(t, http.StatusOK); got["version"] != 2.0 {
			t.Errorf("the same rubric again made version %v", got["version"])
		}
		res = c.call("GET", "/api/v1/positions/"+id+"/rubric", "")
		if got := res.want(t, http.StatusOK); got["version"] != 2.0 {
			t.Errorf("GET rubric = %v", got)
		}
		for name, body := range map[string]string{
			"unknown link":  `{"competencies":[{"name":"Go"}],"questionLinks":[["rust"]]}`,
			"no competency": `{"competencies":[]}`,
			"weight":        `{"competencies":[{"name":"Go","weight":11}]}`,
			"unknown field": `{"competencies":[{"name":"Go","Weight":2}]}`,
		} {
			t.Run(name, func(t *testing.T) {
				res := c.call("PUT", "/api/v1/positions/"+id+"/rubric", body)
				res.wantError(t, http.StatusBadRequest, interview.CodeInvalid, "")
				checkSchema(t, "Error", res.body)
			})
		}
		other := newAPITenant(t, app, "Other")
		other.call("GET", "/api/v1/positions/"+id+"/rubric", "").wantError(t, http.StatusNotFound, interview.CodeNotFound, "")
		other.call("PUT", "/api/v1/positions/"+id+"/rubric", put).wantError(t, http.StatusNotFound, interview.CodeNotFound, "")
	})
}

// TestAPIDecisions drives analytics, assessments, scorecards, hiring
// status and the comparison through the API, with AI assessment on (no
// worker runs: the test finishes the assessment as one would).
func TestAPIDecisions(t *testing.T) {
	for _, s := range bothStores() {
		t.Run(s.name, func(t *testing.T) {
			app := newTestAppWith(t, s.open(t), func(app *testApp, d *Deps) {
				links, err := auth.NewJoinLinks(testSecret)
				if err != nil {
					t.Fatal(err)
				}
				app.Hiring = hiring.New(hiring.Config{Store: app.Store, Links: links, PublicURL: app.URL,
					Assessment: hiring.AssessmentConfig{Enabled: true, Model: "gpt-test"}})
				d.Hiring = app.Hiring
			})
			testAPIDecisions(t, app)
		})
	}
}

func testAPIDecisions(t *testing.T, app *testApp) {
	ctx := context.Background()
	c := newAPITenant(t, app, "Acme")
	positionID := c.createPosition("Backend")
	id := c.createInterview(positionID, "Ada Lovelace", "ada@example.com")
	base := "/api/v1/interviews/" + id

	c.call("GET", base+"/assessment", "").wantError(t, http.StatusNotFound, interview.CodeNotFound, "no AI assessment")
	c.call("POST", base+"/assessment", "").wantError(t, http.StatusConflict, interview.CodeTransition, "completed")
	apiCompleteInterview(t, c, id)

	res := c.call("GET", base+"/analytics", "")
	an := res.want(t, http.StatusOK)
	checkSchema(t, "Analytics", res.body)
	q1 := an["questions"].([]any)[0].(map[string]any)
	if an["totalQuestions"] != 3.0 || an["answered"] != 1.0 || q1["found"] != "matched" || q1["answered"] != true || q1["firstSeq"] != 2.0 {
		t.Errorf("analytics %v", an)
	}

	res = c.call("POST", base+"/assessment", "")
	pending := res.want(t, http.StatusAccepted)
	checkSchema(t, "AssessmentResponse", res.body)
	if a := pending["assessment"].(map[string]any); a["status"] != "pending" || a["model"] != "gpt-test" || pending["advisory"] != true {
		t.Errorf("re-run = %v", pending)
	}
	c.call("POST", base+"/assessment", "").wantError(t, http.StatusConflict, interview.CodeConflict, "already pending")
	apiFinishAssessment(t, c, id)
	res = c.call("GET", base+"/assessment", "")
	got := res.want(t, http.StatusOK)
	checkSchema(t, "AssessmentResponse", res.body)
	result, _ := got["assessment"].(map[string]any)["result"].(map[string]any)
	if result == nil || result["overall"] != 4.0 || len(got["history"].([]any)) != 0 {
		t.Errorf("assessment = %v", got)
	}

	owner := app.addMember(c.tenantID, "owner@example.com", interview.RoleOwner)
	actor := hiring.Actor{TenantID: c.tenantID, Role: interview.RoleOwner, Kind: "user", ID: owner.ID, Email: owner.Email}
	rb, err := app.Hiring.Rubric(ctx, actor, positionID)
	if err != nil {
		t.Fatal(err)
	}
	in := hiring.ScorecardInput{Scores: map[string]int{rb.Competencies[0].Key: 2}, Recommendation: interview.RecommendNo, Notes: "Thin."}
	if _, err := app.Hiring.SubmitScorecard(ctx, actor, id, in); err != nil {
		t.Fatal(err)
	}
	res = c.call("GET", base+"/scorecards", "")
	cards := res.want(t, http.StatusOK)
	checkSchema(t, "ScorecardList", res.body)
	if list := cards["scorecards"].([]any); len(list) != 1 || cards["humanOverall"] != 2.0 {
		t.Errorf("scorecards = %v", cards)
	}

	res = c.call("PUT", base+"/hiring-status", `{"status":"shortlisted"}`)
	hs := res.want(t, http.StatusOK)
	checkSchema(t, "HiringDecisions", res.body)
	if d := hs["decisions"].([]any); hs["hiringStatus"] != "shortlisted" || len(d) != 1 || d[0].(map[string]any)["actorName"] != "API key tests" {
		t.Errorf("hiring status = %v", hs)
	}
	c.call("PUT", base+"/hiring-status", `{"status":"hired"}`).wantError(t, http.StatusBadRequest, interview.CodeInvalid, "one of")
	if v := c.call("GET", base, "").want(t, http.StatusOK); v["hiringStatus"] != "shortlisted" {
		t.Errorf("interview hiring status %v", v["hiringStatus"])
	}

	checkComparison(t, c, positionID, id)

	other := newAPITenant(t, app, "Other")
	for _, call := range [][2]string{{"GET", "/analytics"}, {"GET", "/assessment"}, {"POST", "/assessment"}, {"GET", "/scorecards"}} {
		other.call(call[0], base+call[1], "").wantError(t, http.StatusNotFound, interview.CodeNotFound, "")
	}
	other.call("PUT", base+"/hiring-status", `{"status":"rejected"}`).wantError(t, http.StatusNotFound, interview.CodeNotFound, "")
	other.call("GET", "/api/v1/positions/"+positionID+"/comparison", "").wantError(t, http.StatusNotFound, interview.CodeNotFound, "")
}

// checkComparison reads the position's comparison as JSON and CSV.
func checkComparison(t *testing.T, c *apiClient, positionID, interviewID string) {
	t.Helper()
	path := "/api/v1/positions/" + positionID + "/comparison"
	second := c.createInterview(positionID, "=cmd|' /C calc'!A0", "grace@example.com")
	res := c.call("GET", path+"?sort=ai&desc=true", "")
	cmp := res.want(t, http.StatusOK)
	checkSchema(t, "Comparison", res.body)
	rows := cmp["rows"].([]any)
	if len(rows) != 2 || cmp["advisory"] != true || rows[0].(map[string]any)["interviewId"] != interviewID || rows[1].(map[string]any)["interviewId"] != second {
		t.Fatalf("comparison = %v", cmp)
	}
	if ai := rows[0].(map[string]any)["ai"].(map[string]any); ai["overall"] != 4.0 || ai["recommendation"] != "yes" {
		t.Errorf("row AI %v", ai)
	}
	if rows := c.call("GET", path+"?hiringStatus=shortlisted", "").want(t, http.StatusOK)["rows"].([]any); len(rows) != 1 {
		t.Errorf("shortlisted rows %v", rows)
	}
	c.call("GET", path+"?sort=salary", "").wantError(t, http.StatusBadRequest, interview.CodeInvalid, "sort")
	c.call("GET", path+"?format=xml", "").wantError(t, http.StatusBadRequest, interview.CodeInvalid, "format")

	res = c.call("GET", path+"?format=csv&sort=candidate", "")
	if res.status != http.StatusOK || !strings.HasPrefix(res.header.Get("Content-Type"), "text/csv") {
		t.Fatalf("CSV: %d %s", res.status, res.header.Get("Content-Type"))
	}
	records, err := csv.NewReader(strings.NewReader(string(res.body))).ReadAll()
	if err != nil || len(records) != 3 {
		t.Fatalf("CSV %q %v", res.body, err)
	}
	if records[0][9] != "AI overall" || records[1][0] != "'=cmd|' /C calc'!A0" || records[2][9] != "4.00" {
		t.Errorf("CSV %q", records)
	}
}

// apiCompleteInterview runs an interview with a short transcript that asks
// and answers the first question, and completes it.
func apiCompleteInterview(t *testing.T, c *apiClient, id string) {
	t.Helper()
	ctx := context.Background()
	at := time.Now().UTC().Add(-time.Minute).Truncate(time.Second)
	for _, to := range []interview.Status{interview.StatusReady, interview.StatusInProgress} {
		if _, err := c.app.Store.TransitionSession(ctx, c.tenantID, id, to, "", at); err != nil {
			t.Fatal(err)
		}
	}
	entries := []interview.TranscriptEntry{
		{ItemID: "i1", Speaker: interview.SpeakerInterviewer, Text: "Hello! Tell me about yourself.", Timestamp: at, Source: interview.SourceSideband},
		{ItemID: "i2", Speaker: interview.SpeakerCandidate, Text: "I build Go services for a bank.", Timestamp: at.Add(5 * time.Second), Source: interview.SourceSideband},
	}
	if _, err := c.app.Store.AppendTranscript(ctx, c.tenantID, id, entries); err != nil {
		t.Fatal(err)
	}
	if _, err := c.app.Store.TransitionSession(ctx, c.tenantID, id, interview.StatusCompleted, "done", at.Add(30*time.Second)); err != nil {
		t.Fatal(err)
	}
}

// apiFinishAssessment does the worker's part: claims the pending assessment
// of interview id and stores a result.
func apiFinishAssessment(t *testing.T, c *apiClient, id string) {
	t.Helper()
	ctx := context.Background()
	claimed, err := c.app.Store.ClaimAssessments(ctx, time.Now().Add(time.Minute), time.Minute, 10)
	if err != nil || len(claimed) != 1 || claimed[0].InterviewID != id {
		t.Fatalf("claim %v %v", claimed, err)
	}
	a := claimed[0]
	a.Status, a.RubricVersion, a.PromptVersion, a.TranscriptHash = interview.AssessmentDone, 1, "p", "h"
	a.Result = &interview.AssessmentResult{Summary: "Good.", Recommendation: interview.RecommendYes, Overall: 4,
		Competencies: []interview.CompetencyScore{{Key: "communication", Score: 4, Rationale: "Clear.", Evidence: []interview.Evidence{{Seq: 2, Quote: "Go services"}}}}}
	if err := c.app.Store.FinishAssessment(ctx, &a); err != nil {
		t.Fatal(err)
	}
}
