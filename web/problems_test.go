package web

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/static"
	"github.com/interviewd/interviewd/templates"
)

// TestCandidateProblems on both stores: the candidate's browser reports a
// problem for its own interview only (a JSON body from this site, the
// candidate cookie of that link), a repeat within the minute is folded,
// bad reports get JSON errors and store nothing, and the recruiter reads
// the problems in the interview's timeline and the API.
func TestCandidateProblems(t *testing.T) {
	for _, o := range bothStores() {
		t.Run(o.name, func(t *testing.T) {
			f := newRoomFixture(t, o.open(t))
			cand := f.app.client()
			consent(t, cand, f.link1)
			url := "/join/" + tokenOf(f.link1) + "/problem"

			first := cand.call("POST", url, `{"code":"MIC_DENIED"}`).want(t, http.StatusCreated)
			if first["code"] != "MIC_DENIED" || first["at"] == nil {
				t.Errorf("stored %v", first)
			}
			again := cand.call("POST", url, `{"code":"MIC_DENIED"}`).want(t, http.StatusOK)
			if again["at"] != first["at"] {
				t.Errorf("a repeat within the minute: %v, want folded into %v", again, first)
			}
			cand.call("POST", url, `{"code":"CONNECT_FAILED"}`).want(t, http.StatusCreated)

			checkProblemRefusals(t, f, cand, url)
			got, err := f.app.Store.ListCandidateProblems(t.Context(), f.tenant, f.id1)
			if err != nil || len(got) != 2 || got[0].Code != interview.ProblemMicDenied || got[1].Code != interview.ProblemConnectFailed {
				t.Fatalf("stored %+v, %v; want MIC_DENIED then CONNECT_FAILED", got, err)
			}

			rec := f.owner.page("/app/interviews/"+f.id1, http.StatusOK)
			denied := rec.Find(testID("timeline-problem-MIC_DENIED"))
			if !strings.Contains(denied.Text(), "The candidate's microphone was blocked") ||
				denied.Find("time").AttrOr("datetime", "") != got[0].At.UTC().Format(time.RFC3339) {
				t.Errorf("the timeline's line %q", denied.Text())
			}
			if !strings.Contains(rec.Find(testID("timeline-problem-CONNECT_FAILED")).Text(), "could not connect") {
				t.Errorf("the timeline %q has no failed connection", rec.Find(testID("timeline")).Text())
			}
			other := f.owner.page("/app/interviews/"+f.id2, http.StatusOK)
			if n := other.Find(`[data-testid^="timeline-problem-"]`).Length(); n != 0 {
				t.Errorf("an interview without problems shows %d", n)
			}
			checkProblemsAPI(t, f, got)
			checkProblemLimit(t, f, cand, url)
		})
	}
}

// checkProblemRefusals: each bad report gets its JSON error.
func checkProblemRefusals(t *testing.T, f roomFixture, cand *testClient, url string) {
	t.Helper()
	stranger, neighbour := f.app.client(), f.app.client()
	consent(t, neighbour, f.link2)
	cases := []struct {
		name   string
		client *testClient
		path   string
		body   string
		header []string
		status int
		code   interview.Code
		msg    string
	}{
		{"unknown code", cand, url, `{"code":"SPEAKER_BROKEN"}`, nil, 400, interview.CodeInvalid, "code must be one of MIC_DENIED"},
		{"a code in lower case", cand, url, `{"code":"mic_denied"}`, nil, 400, interview.CodeInvalid, "code must be one of"},
		{"no code", cand, url, `{}`, nil, 400, interview.CodeInvalid, "code must be one of"},
		{"text beside the code", cand, url, `{"code":"MIC_DENIED","message":"hello"}`, nil, 400, interview.CodeInvalid, "message"},
		{"not JSON", cand, url, `{"code":"MIC_DENIED"}`, []string{"Content-Type", "text/plain"}, 415, interview.CodeInvalid, "application/json"},
		{"oversized body", cand, url, `{"code":"MIC_DENIED","pad":"` + strings.Repeat("a", 1024) + `"}`, nil, 413, interview.CodeInvalid, "too large"},
		{"another site", cand, url, `{"code":"MIC_DENIED"}`, []string{"Sec-Fetch-Site", "cross-site"}, 403, interview.CodeForbidden, "another site"},
		{"no cookie", stranger, url, `{"code":"MIC_DENIED"}`, nil, 401, interview.CodeUnauthorized, "not admitted"},
		{"another link's cookie", neighbour, url, `{"code":"MIC_DENIED"}`, nil, 403, interview.CodeForbidden, "another interview"},
		{"an unknown link", cand, "/join/jl_nothing/problem", `{"code":"MIC_DENIED"}`, nil, 404, interview.CodeNotFound, ""},
		{"an HTML client", cand, url, `{"code":"NOPE"}`, []string{"Accept", "text/html"}, 400, interview.CodeInvalid, "code must be"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.client.call("POST", tc.path, tc.body, tc.header...).wantError(t, tc.status, tc.code, tc.msg)
		})
	}
	if got, _ := f.app.Store.ListCandidateProblems(t.Context(), f.tenant, f.id2); len(got) != 0 {
		t.Errorf("the neighbour's interview has %+v", got)
	}
}

// checkProblemsAPI: GET /api/v1/interviews/{id} lists the problems,
// [] when there are none, and the list leaves them out.
func checkProblemsAPI(t *testing.T, f roomFixture, want []interview.CandidateProblem) {
	t.Helper()
	key, _, err := f.app.Accounts.CreateAPIKey(t.Context(), f.tenant, "problems", "")
	if err != nil {
		t.Fatal(err)
	}
	api := f.app.client()
	res := api.call("GET", "/api/v1/interviews/"+f.id1, "", "Authorization", "Bearer "+key)
	checkSchema(t, "Interview", res.body)
	list, _ := res.want(t, http.StatusOK)["candidateProblems"].([]any)
	if len(list) != len(want) {
		t.Fatalf("candidateProblems %v, want %d", list, len(want))
	}
	for i, p := range want {
		got, _ := list[i].(map[string]any)
		if got["code"] != string(p.Code) || got["at"] != p.At.UTC().Format(time.RFC3339Nano) {
			t.Errorf("candidateProblems[%d] = %v, want %s at %s", i, got, p.Code, p.At)
		}
	}
	none := api.call("GET", "/api/v1/interviews/"+f.id2, "", "Authorization", "Bearer "+key).want(t, http.StatusOK)
	if l, ok := none["candidateProblems"].([]any); !ok || len(l) != 0 {
		t.Errorf("an interview without problems: candidateProblems %v, want []", none["candidateProblems"])
	}
	page := api.call("GET", "/api/v1/interviews", "", "Authorization", "Bearer "+key).want(t, http.StatusOK)
	all, _ := page["interviews"].([]any)
	if len(all) != 2 {
		t.Fatalf("the list has %d interviews, want 2", len(all))
	}
	for _, v := range all {
		if _, ok := v.(map[string]any)["candidateProblems"]; ok {
			t.Errorf("the list has candidateProblems: %v", v)
		}
	}
}

// checkProblemLimit: with MaxCandidateProblems stored, a new report is
// 429 and nothing more is stored.
func checkProblemLimit(t *testing.T, f roomFixture, cand *testClient, url string) {
	t.Helper()
	long := time.Now().Add(-24 * time.Hour)
	for i := 2; i < interview.MaxCandidateProblems; i++ {
		p := interview.CandidateProblem{TenantID: f.tenant, InterviewID: f.id1, Code: interview.ProblemMicBusy,
			At: long.Add(time.Duration(i) * time.Hour)}
		if _, err := f.app.Store.AddCandidateProblem(t.Context(), &p); err != nil {
			t.Fatal(err)
		}
	}
	cand.call("POST", url, `{"code":"CONNECTION_LOST"}`).wantError(t, http.StatusTooManyRequests, interview.CodeRateLimited, "20 problems")
	if got, _ := f.app.Store.ListCandidateProblems(t.Context(), f.tenant, f.id1); len(got) != interview.MaxCandidateProblems {
		t.Errorf("%d problems stored, want %d", len(got), interview.MaxCandidateProblems)
	}
}

// Every code has its own words on the recruiter's page, and the API's
// enum and the set the pages report (miccheck.js) are the Go set.
func TestProblemCodesDocumented(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range interview.ProblemCodes() {
		label := templates.ProblemLabel(c)
		if strings.Contains(label, string(c)) || seen[label] {
			t.Errorf("%s has no label of its own: %q", c, label)
		}
		seen[label] = true
	}
	var enum []string
	for _, v := range dig(openAPIDoc(t), "components", "schemas", "CandidateProblemCode", "enum").([]any) {
		enum = append(enum, v.(string))
	}
	want := strs(interview.ProblemCodes())
	if !slices.Equal(enum, want) {
		t.Errorf("openapi.json CandidateProblemCode = %v, the code has %v", enum, want)
	}
	js, err := fs.ReadFile(static.FS(), "js/miccheck.js")
	if err != nil {
		t.Fatal(err)
	}
	set := regexp.MustCompile(`const PROBLEMS = new Set\(\[([^\]]*)\]\)`).FindSubmatch(js)
	if set == nil {
		t.Fatal("miccheck.js has no PROBLEMS set")
	}
	var sent []string
	for _, q := range regexp.MustCompile(`"([A-Z_]+)"`).FindAllSubmatch(set[1], -1) {
		sent = append(sent, string(q[1]))
	}
	if !slices.Equal(sent, want) {
		t.Errorf("miccheck.js reports %v, the code has %v", sent, want)
	}
}

// FuzzDecodeProblem: any body is a code of the set or a domain error,
// never a panic, and a body the limit cuts short is refused.
func FuzzDecodeProblem(f *testing.F) {
	for _, seed := range []string{`{"code":"MIC_DENIED"}`, `{"code":"CONNECTION_LOST"}`, `{"code":""}`, `{}`,
		`{"code":"MIC_DENIED","x":1}`, `{"code":"MIC_DENIED"} {}`, `[]`, `"MIC_DENIED"`, `{"code":"\u004dIC_BUSY"}`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		code, err := decodeProblem(nil, io.NopCloser(bytes.NewReader(body)))
		var de *interview.Error
		switch {
		case err == nil && !code.Valid():
			t.Fatalf("%q gave the code %q", body, code)
		case err == nil && len(body) > maxProblemBody:
			t.Fatalf("a body of %d bytes was read whole", len(body))
		case err != nil && code != "":
			t.Fatalf("%q gave %q with the error %v", body, code, err)
		case err != nil && !errors.As(err, &de) && interview.ErrorCode(err) != interview.CodeInvalid:
			t.Fatalf("%q: %v is not a domain error", body, err)
		}
	})
}
