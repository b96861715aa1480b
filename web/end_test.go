package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/realtime"
)

// TestRecruiterEndsInterview: a recruiter ends a live interview from its
// page (the call is hung up, the transcript kept, the candidate's
// connection closed normally) and a pending one (abandoned); a viewer can
// do neither, through the page or the lifecycle API, and the live call
// goes on untouched.
func TestRecruiterEndsInterview(t *testing.T) {
	checkRTCLeaks(t)
	app := liveRoomApp(t)
	owner := app.client()
	tenant := owner.signUp("Acme Hiring", "owner@acme.test")
	app.addMember(tenant, "vic@acme.test", interview.RoleViewer)
	viewer := app.client()
	viewer.signIn("vic@acme.test")
	pos := newPositionVia(owner, "Backend engineer", "Tell me about yourself.", "Why Go?")
	live := newInterviewVia(owner, pos, "Ada Lovelace", "ada@example.com")
	pending := newInterviewVia(owner, pos, "Grace Hopper", "grace@example.com")

	v, err := app.Store.GetSession(context.Background(), tenant, live)
	if err != nil {
		t.Fatal(err)
	}
	ra := &rtcApp{t: t, URL: app.URL, Store: app.Store, Tokens: app.Tokens}
	p, c := ra.connect(v)
	p.waitEvent(realtime.EvOutputTranscriptDone)
	ra.waitStatus(v, interview.StatusInProgress)

	// The page offers the viewer no End, and refuses the form anyway.
	if doc := viewer.page("/app/interviews/"+live, http.StatusOK); doc.Find(testID("end-section")).Length() != 0 {
		t.Error("a viewer is offered End")
	}
	if res := viewer.post("/app/interviews/"+live+"/end", nil); readBody(t, res) == "" || res.StatusCode != http.StatusForbidden {
		t.Errorf("viewer's End form: %d, want 403", res.StatusCode)
	}
	if res := viewer.call("POST", "/api/interviews/end", `{"interviewId":"`+live+`"}`); res.status != http.StatusForbidden {
		t.Errorf("viewer's lifecycle end: %d, want 403: %s", res.status, res.body)
	}
	// Without the CSRF token, nothing happens either.
	if res := owner.postRaw("/app/interviews/"+live+"/end", ""); readBody(t, res) == "" || res.StatusCode != http.StatusForbidden {
		t.Errorf("End without a CSRF token: %d, want 403", res.StatusCode)
	}
	time.Sleep(200 * time.Millisecond)
	if got := ra.session(v); got.Status != interview.StatusInProgress {
		t.Fatalf("after the refused attempts the interview is %s (%q)", got.Status, got.EndReason)
	}

	// The owner sees the control and uses it.
	doc := owner.page("/app/interviews/"+live, http.StatusOK)
	if !strings.Contains(doc.Find(testID("end-section")).Text(), "hung up at once") {
		t.Errorf("End panel: %q", doc.Find(testID("end-section")).Text())
	}
	if loc := owner.postRedirect("/app/interviews/"+live+"/end", url.Values{}); loc != "/app/interviews/"+live+"?done=ended" {
		t.Errorf("redirect to %q", loc)
	}
	if st, _ := c.closed(); st.Code != websocket.StatusNormalClosure {
		t.Errorf("the candidate's connection closed with %v", st)
	}
	got := ra.session(v)
	if got.Status != interview.StatusCompleted || got.EndReason != "ended by owner@acme.test" {
		t.Errorf("status %s, reason %q", got.Status, got.EndReason)
	}
	if len(ra.transcript(v)) == 0 {
		t.Error("the transcript was lost")
	}
	doc = owner.page("/app/interviews/"+live+"?done=ended", http.StatusOK)
	if doc.Find(testID("end-section")).Length() != 0 || !strings.Contains(doc.Text(), "The interview has ended.") {
		t.Error("an ended interview still offers End, or the notice is missing")
	}

	// An interview that never started is abandoned, and says who did it.
	owner.postRedirect("/app/interviews/"+pending+"/end", url.Values{})
	pv, err := app.Store.GetSession(context.Background(), tenant, pending)
	if err != nil {
		t.Fatal(err)
	}
	if pv.Status != interview.StatusAbandoned || pv.EndReason != "ended by owner@acme.test before it started" {
		t.Errorf("pending interview: %s, %q", pv.Status, pv.EndReason)
	}
}
