package web

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/auth"
	"github.com/interviewd/interviewd/internal/interview"
)

// lifecycleFixture adds to a roomFixture the people and keys that try the
// candidate's endpoints: the consented candidate of interview 1, a
// recruiter and a viewer of the organisation, another organisation's owner,
// and API keys of both organisations.
type lifecycleFixture struct {
	roomFixture
	candidate, recruiter, viewer, stranger *testClient
	key, otherKey                          string
}

func newLifecycleFixture(t *testing.T, f roomFixture) lifecycleFixture {
	t.Helper()
	l := lifecycleFixture{roomFixture: f, candidate: f.app.client(), recruiter: f.app.client(), viewer: f.app.client(), stranger: f.app.client()}
	consent(t, l.candidate, f.link1)
	f.app.addMember(f.tenant, "rita@acme.test", interview.RoleRecruiter)
	f.app.addMember(f.tenant, "vic@acme.test", interview.RoleViewer)
	l.recruiter.signIn("rita@acme.test")
	l.viewer.signIn("vic@acme.test")
	l.stranger.signUp("Beta Hiring", "owner@beta.test")
	var err error
	if l.key, _, err = f.app.Accounts.CreateAPIKey(t.Context(), f.tenant, "tests", ""); err != nil {
		t.Fatal(err)
	}
	l.otherKey = newAPITenant(t, f.app.testApp, "Gamma").key
	return l
}

// bearer is an API client: no cookies, the key in the header.
func (l lifecycleFixture) bearer(key string) (*testClient, []string) {
	return l.app.client(), []string{"Authorization", "Bearer " + key}
}

func tokenPath(id string) string { return "/api/interviews/token?interviewId=" + id }

// TestInterviewTokenAccess is the allow/deny matrix of the room's token
// endpoint and of the integration API's rtc-token, on both stores.
func TestInterviewTokenAccess(t *testing.T) {
	for _, o := range bothStores() {
		t.Run(o.name, func(t *testing.T) {
			l := newLifecycleFixture(t, newRoomFixture(t, o.open(t)))
			unconsented := l.app.client()
			unconsented.setCandidateCookie(tokenOf(l.link2)) // has the link, never agreed
			keyed, keyHdr := l.bearer(l.key)
			other, otherHdr := l.bearer(l.otherKey)
			bad, badHdr := l.bearer("ivk_not_a_key")
			cases := []struct {
				name   string
				c      *testClient
				id     string
				header []string
				status int
				code   interview.Code
			}{
				{"nobody", l.app.client(), l.id1, nil, 401, interview.CodeUnauthorized},
				{"candidate", l.candidate, l.id1, nil, 200, ""},
				{"candidate, another interview", l.candidate, l.id2, nil, 403, interview.CodeForbidden},
				{"candidate without consent", unconsented, l.id2, nil, 403, interview.CodeForbidden},
				{"candidate, cross-site", l.candidate, l.id1, []string{"Sec-Fetch-Site", "cross-site"}, 403, interview.CodeForbidden},
				{"candidate, foreign Origin", l.candidate, l.id1, []string{"Origin", "http://evil.example"}, 403, interview.CodeForbidden},
				{"owner", l.owner, l.id2, nil, 200, ""},
				{"recruiter", l.recruiter, l.id2, nil, 200, ""},
				{"viewer", l.viewer, l.id2, nil, 403, interview.CodeForbidden},
				{"recruiter of another organisation", l.stranger, l.id1, nil, 404, interview.CodeNotFound},
				{"API key", keyed, l.id1, keyHdr, 200, ""},
				{"API key of another organisation", other, l.id1, otherHdr, 404, interview.CodeNotFound},
				{"unknown API key", bad, l.id1, badHdr, 401, interview.CodeUnauthorized},
				{"no interview ID", l.owner, "", nil, 400, interview.CodeInvalid},
				{"malformed interview ID", l.owner, "nope", nil, 404, interview.CodeNotFound},
			}
			for _, tc := range cases {
				res := tc.c.call("GET", tokenPath(tc.id), "", tc.header...)
				if tc.status != 200 {
					res.wantError(t, tc.status, tc.code, "")
					continue
				}
				checkRTCToken(t, l.app, res.want(t, http.StatusOK), tc.id, l.tenant)
			}
			if cc := l.candidate.call("GET", tokenPath(l.id1), "").header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("token Cache-Control %q", cc)
			}

			// The integration API's token.
			api := func(key, id string) apiResponse {
				return rawCall(t, l.app.testApp, "POST", "/api/v1/interviews/"+id+"/rtc-token", "", "Authorization", "Bearer "+key)
			}
			checkRTCToken(t, l.app, api(l.key, l.id2).want(t, http.StatusOK), l.id2, l.tenant)
			checkSchema(t, "RTCToken", api(l.key, l.id2).body)
			api(l.otherKey, l.id2).wantError(t, 404, interview.CodeNotFound, "")
			rawCall(t, l.app.testApp, "POST", "/api/v1/interviews/"+l.id2+"/rtc-token", "").wantError(t, 401, interview.CodeUnauthorized, "")

			// An ended interview takes no more calls.
			if _, err := l.app.Store.TransitionSession(t.Context(), l.tenant, l.id1, interview.StatusAbandoned, "test", time.Now()); err != nil {
				t.Fatal(err)
			}
			l.candidate.call("GET", tokenPath(l.id1), "").wantError(t, 409, interview.CodeClosed, "ended")
			api(l.key, l.id1).wantError(t, 409, interview.CodeClosed, "ended")
		})
	}
}

// checkRTCToken checks a token answer: a token /rtc accepts for the
// interview, the WebSocket's URL, an expiry at most 10 minutes away.
func checkRTCToken(t *testing.T, app *roomApp, body map[string]any, id, tenant string) {
	t.Helper()
	claims, err := app.Tokens.Verify(fmt.Sprint(body["token"]))
	if err != nil || claims.InterviewID != id || claims.TenantID != tenant || claims.Subject == "" {
		t.Errorf("token for %s: claims %+v, %v", id, claims, err)
	}
	if want := "ws" + strings.TrimPrefix(app.URL, "http") + "/rtc"; body["url"] != want {
		t.Errorf("url %v, want %s", body["url"], want)
	}
	exp, err := time.Parse(time.RFC3339, fmt.Sprint(body["expiresAt"]))
	if err != nil || exp.After(time.Now().Add(auth.RTCTokenDefaultTTL+time.Second)) || exp.Before(time.Now()) {
		t.Errorf("expiresAt %v", body["expiresAt"])
	}
}

// TestLifecycleAPI drives the seed's lifecycle calls as the candidate's
// browser and as an integration: start is idempotent, transcript lines
// are deduplicated and marked with their source, end completes once, and
// an ended interview refuses more.
func TestLifecycleAPI(t *testing.T) {
	for _, o := range bothStores() {
		t.Run(o.name, func(t *testing.T) {
			l := newLifecycleFixture(t, newRoomFixture(t, o.open(t)))
			c := l.candidate
			start := `{"interviewId":"` + l.id1 + `"}`
			for range 2 {
				body := c.call("POST", "/api/interviews/start", start).want(t, http.StatusOK)
				webrtc, _ := body["webrtc"].(map[string]any)
				if body["success"] != true || body["status"] != "ready" || webrtc["status"] != "ready" ||
					webrtc["sessionId"] != l.id1 || !strings.HasSuffix(fmt.Sprint(webrtc["serverUrl"]), "/rtc") {
					t.Errorf("start: %v", body)
				}
			}
			if v := session(t, l.roomFixture, l.id1); v.Status != interview.StatusReady || v.WebRTCStatus != "ready" {
				t.Errorf("after start: %s / %s", v.Status, v.WebRTCStatus)
			}
			c.call("POST", "/api/interviews/start", `{"interviewId":"`+l.id1+`","candidateId":"someone-else"}`).wantError(t, 400, interview.CodeInvalid, "candidateId")
			checkBadBodies(t, c)
			checkTranscriptPosts(t, l)

			// End: completed once in progress, then the same answer again.
			if _, err := l.app.Store.TransitionSession(t.Context(), l.tenant, l.id1, interview.StatusInProgress, "", time.Now()); err != nil {
				t.Fatal(err)
			}
			for range 2 {
				body := c.call("POST", "/api/interviews/end", `{"interviewId":"`+l.id1+`"}`).want(t, http.StatusOK)
				if body["status"] != "completed" || body["endReason"] != "candidate ended" || body["endedAt"] == nil {
					t.Errorf("end: %v", body)
				}
			}
			c.call("POST", "/api/interviews/transcript", `{"interviewId":"`+l.id1+`","text":"late"}`).wantError(t, 409, interview.CodeClosed, "ended")
			c.call("POST", "/api/interviews/start", start).wantError(t, 409, interview.CodeClosed, "ended")

			// An interview that never started is abandoned by end.
			keyed, hdr := l.bearer(l.key)
			body := keyed.call("POST", "/api/interviews/end", `{"interviewId":"`+l.id2+`"}`, hdr...).want(t, http.StatusOK)
			if body["status"] != "abandoned" || body["endReason"] != "ended through the API before it started" {
				t.Errorf("end before start: %v", body)
			}
		})
	}
}

func session(t *testing.T, f roomFixture, id string) interview.Session {
	t.Helper()
	v, err := f.app.Store.GetSession(t.Context(), f.tenant, id)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// checkBadBodies: every malformed request is a clear 4xx.
func checkBadBodies(t *testing.T, c *testClient) {
	t.Helper()
	c.call("POST", "/api/interviews/start", `{"interviewId":`).wantError(t, 400, interview.CodeInvalid, "malformed JSON")
	c.call("POST", "/api/interviews/start", `{"interviewId":"x","extra":1}`).wantError(t, 400, interview.CodeInvalid, "unknown field")
	c.call("POST", "/api/interviews/start", `{}`).wantError(t, 400, interview.CodeInvalid, "interviewId is required")
	c.call("POST", "/api/interviews/start", `{"interviewId":7}`).wantError(t, 400, interview.CodeInvalid, "interviewId")
	c.call("POST", "/api/interviews/end", `interviewId=x`, "Content-Type", "application/x-www-form-urlencoded").
		wantError(t, 415, interview.CodeInvalid, "application/json")
	c.call("POST", "/api/interviews/end", `{"interviewId":"x"}`, "Origin", "http://evil.example").
		wantError(t, 403, interview.CodeForbidden, "another site")
}

// checkTranscriptPosts posts lines as the candidate and as an API key.
func checkTranscriptPosts(t *testing.T, l lifecycleFixture) {
	t.Helper()
	post := func(c *testClient, body string, header ...string) apiResponse {
		return c.call("POST", "/api/interviews/transcript", body, header...)
	}
	line := `{"interviewId":"` + l.id1 + `","text":"Hello there","speaker":"assistant","itemId":"item_abc","confidence":0.9}`
	first := post(l.candidate, line).want(t, http.StatusCreated)
	again := post(l.candidate, line).want(t, http.StatusOK)
	e1, e2 := first["entry"].(map[string]any), again["entry"].(map[string]any)
	if first["duplicate"] != false || again["duplicate"] != true || e1["seq"] != e2["seq"] ||
		e1["speaker"] != "interviewer" || e1["source"] != "browser" || e1["itemId"] != "item_abc" {
		t.Errorf("posts: %v then %v", first, again)
	}
	// Without an item ID, the same speaker, text and timestamp is the same line.
	stamped := `{"interviewId":"` + l.id1 + `","speaker":"candidate","text":"I like Go","timestamp":"` + time.Now().UTC().Format(time.RFC3339) + `"}`
	post(l.candidate, stamped).want(t, http.StatusCreated)
	if post(l.candidate, stamped).want(t, http.StatusOK)["duplicate"] != true {
		t.Error("a repeated line without item ID was stored twice")
	}
	keyed, hdr := l.bearer(l.key)
	byKey := post(keyed, `{"interviewId":"`+l.id1+`","text":"From the ATS","speaker":"system"}`, hdr...).want(t, http.StatusCreated)
	if e := byKey["entry"].(map[string]any); e["source"] != "integration" || e["speaker"] != "system" {
		t.Errorf("API line %v", e)
	}
	other, otherHdr := l.bearer(l.otherKey)
	post(other, `{"interviewId":"`+l.id1+`","text":"x"}`, otherHdr...).wantError(t, 404, interview.CodeNotFound, "")
	post(l.viewer, `{"interviewId":"`+l.id1+`","text":"x"}`).wantError(t, 403, interview.CodeForbidden, "")
	post(l.candidate, `{"interviewId":"`+l.id1+`","text":"  "}`).wantError(t, 400, interview.CodeInvalid, "text is required")
	post(l.candidate, `{"interviewId":"`+l.id1+`","text":"x","speaker":"narrator"}`).wantError(t, 400, interview.CodeInvalid, "speaker")
	post(l.candidate, `{"interviewId":"`+l.id1+`","speaker":"candidate","text":"x","timestamp":"yesterday"}`).wantError(t, 400, interview.CodeInvalid, "timestamp")
	post(l.candidate, `{"interviewId":"`+l.id1+`","speaker":"candidate","text":"x","confidence":2}`).wantError(t, 400, interview.CodeInvalid, "confidence")
	entries, err := l.app.Store.ListTranscript(t.Context(), l.tenant, l.id1, 0)
	if err != nil || len(entries) != 3 {
		t.Errorf("stored %d entries, want 3 (%v)", len(entries), err)
	}
}

// TestSaveTranscript: the server's own transcript is kept; without one,
// the lines of a posted full transcript are stored, each once, however
// often the growing transcript is posted again.
func TestSaveTranscript(t *testing.T) {
	for _, o := range bothStores() {
		t.Run(o.name, func(t *testing.T) {
			f := newRoomFixture(t, o.open(t))
			save := func(id, text string) map[string]any {
				body := fmt.Sprintf(`{"interviewId":%q,"fullTranscript":%q}`, id, text)
				return f.owner.call("POST", "/api/interviews/save-transcript", body).want(t, http.StatusOK)
			}
			if got := save(f.id1, "Tell me about you.\nI write Go.\n"); got["stored"] != 2.0 || got["reason"] != "stored" {
				t.Errorf("first save: %v", got)
			}
			if got := save(f.id1, "Tell me about you.\nI write Go.\n\nWhy Go?\n"); got["stored"] != 1.0 || got["entries"] != 3.0 {
				t.Errorf("second save: %v", got)
			}
			seedTranscript(t, f.app.testApp, f.tenant, f.id2, "Hello Alan.")
			if got := save(f.id2, "Hello Alan.\nHi!"); got["stored"] != 0.0 || got["reason"] != "server_transcript" || got["entries"] != 1.0 {
				t.Errorf("save over the server's transcript: %v", got)
			}
			f.owner.call("POST", "/api/interviews/save-transcript", `{"interviewId":"`+f.id1+`","fullTranscript":"\n \n"}`).
				wantError(t, 400, interview.CodeInvalid, "empty")
			// end carries a final transcript through the same rule.
			body := f.owner.call("POST", "/api/interviews/end", `{"interviewId":"`+f.id1+`","finalTranscript":"Tell me about you.\nBye."}`).want(t, http.StatusOK)
			if fin, _ := body["finalTranscript"].(map[string]any); fin["stored"] != 1.0 || body["status"] != "abandoned" {
				t.Errorf("end with final transcript: %v", body)
			}
			f.owner.call("POST", "/api/interviews/save-transcript", `{"interviewId":"`+f.id1+`","fullTranscript":"x"}`).
				wantError(t, 409, interview.CodeClosed, "ended")
		})
	}
}

// TestLifecyclePinnedTenant: with TENANT_ID set, another tenant's
// candidate, members and keys are refused.
func TestLifecyclePinnedTenant(t *testing.T) {
	app := newRoomApp(t, openSQLiteStore(t), "00000000-0000-4000-8000-000000000000", nil)
	owner := app.client()
	tenant := interview.Tenant{Name: "Acme"}
	if err := app.Store.CreateTenant(t.Context(), &tenant, ""); err != nil {
		t.Fatal(err)
	}
	key, _, err := app.Accounts.CreateAPIKey(t.Context(), tenant.ID, "tests", "")
	if err != nil {
		t.Fatal(err)
	}
	rawCall(t, app.testApp, "POST", "/api/interviews/start", `{"interviewId":"x"}`, "Authorization", "Bearer "+key).
		wantError(t, 401, interview.CodeUnauthorized, "one organisation")
	owner.call("GET", tokenPath("x"), "").wantError(t, 401, interview.CodeUnauthorized, "")
}
