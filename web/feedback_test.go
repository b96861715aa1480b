package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
)

// TestCandidateFeedback walks the thank-you page without JavaScript on
// both stores: it opens only once the interview has ended, for the
// browser its link admitted; the room sends that browser there; the form
// refuses a bad rating and an empty submission beside the form, stores a
// rating and comment once, and thanks the candidate instead of asking
// again.
func TestCandidateFeedback(t *testing.T) {
	for _, o := range bothStores() {
		t.Run(o.name, func(t *testing.T) {
			f := newRoomFixture(t, o.open(t))
			cand := f.app.client()
			consent(t, cand, f.link1)
			page := "/join/" + tokenOf(f.link1) + "/feedback"
			room := "/join/" + tokenOf(f.link1) + "/room"

			assertRedirect(t, cand, page, room)
			res := cand.post(page, url.Values{"rating": {"5"}})
			readBody(t, res)
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != room {
				t.Errorf("feedback before the end: %d to %q, want 303 to the room", res.StatusCode, res.Header.Get("Location"))
			}

			endInterview(t, f, cand, f.id1)
			assertRedirect(t, cand, room, page)
			assertRedirect(t, f.app.client(), page, "/join/"+tokenOf(f.link1))
			other := f.app.client()
			consent(t, other, f.link2)
			assertRedirect(t, other, page, "/join/"+tokenOf(f.link1))

			doc := cand.page(page, http.StatusOK)
			if got := doc.Find(testID("room-ended-heading")).Text(); got != "Thank you, Ada Lovelace" {
				t.Errorf("heading %q", got)
			}
			if got := doc.Find(testID("room-next-steps")).Text(); got != interview.DefaultNextSteps {
				t.Errorf("next steps %q, want the default", got)
			}
			setNextSteps(t, f, f.id1, "Grace calls you within a week.")
			if got := cand.page(page, http.StatusOK).Find(testID("room-next-steps")).Text(); got != "Grace calls you within a week." {
				t.Errorf("next steps %q, want the position's", got)
			}
			if doc.Find(testID("feedback-form")).AttrOr("action", "") != page || doc.Find(`input[name="csrf_token"]`).Length() != 1 {
				t.Error("no feedback form posting to the page with a CSRF token")
			}

			for name, form := range map[string]url.Values{
				"nothing": {"comment": {"  "}}, "rating 7": {"rating": {"7"}}, "not a number": {"rating": {"x"}},
				"too long": {"rating": {"3"}, "comment": {strings.Repeat("a", interview.MaxFeedbackComment+1)}},
			} {
				res := cand.post(page, form)
				doc := parseHTML(t, res)
				if res.StatusCode != http.StatusBadRequest || doc.Find(testID("feedback-error")).Length() != 1 ||
					doc.Find("fieldset.rating").AttrOr("aria-describedby", "") != "feedback-error" {
					t.Errorf("%s: status %d, want 400 with the error", name, res.StatusCode)
				}
			}
			if res := cand.postRaw(page, "rating=4"); res.StatusCode != http.StatusForbidden {
				t.Errorf("without the CSRF token: %d, want 403", res.StatusCode)
			}
			if _, err := f.app.Store.GetFeedback(t.Context(), f.tenant, f.id1); err == nil {
				t.Fatal("a refused submission was stored")
			}

			before := time.Now().Add(-time.Second)
			if loc := cand.postRedirect(page, url.Values{"rating": {"4"}, "comment": {" Clear questions. "}}); loc != page {
				t.Errorf("feedback redirects to %q", loc)
			}
			if loc := cand.postRedirect(page, url.Values{"rating": {"1"}}); loc != page {
				t.Errorf("second feedback redirects to %q", loc)
			}
			got, err := f.app.Store.GetFeedback(t.Context(), f.tenant, f.id1)
			if err != nil || got.Rating != 4 || got.Comment != "Clear questions." || got.CreatedAt.Before(before) {
				t.Errorf("stored %+v, %v; want the first: 4, the comment trimmed", got, err)
			}
			doc = cand.page(page, http.StatusOK)
			if doc.Find(testID("feedback-given")).Length() != 1 || doc.Find(testID("feedback-form")).Length() != 0 {
				t.Error("after the feedback the page still asks for it")
			}
			checkFeedbackAPI(t, f)
			rec := f.owner.page("/app/interviews/"+f.id1, http.StatusOK)
			if r := rec.Find(testID("candidate-feedback-rating")).Text(); !strings.Contains(r, "4 of 5") ||
				rec.Find(testID("candidate-feedback-comment")).Text() != "Clear questions." {
				t.Errorf("the recruiter's page shows %q", rec.Find(testID("candidate-feedback")).Text())
			}
			if f.owner.page("/app/interviews/"+f.id2, http.StatusOK).Find(testID("candidate-feedback")).Length() != 0 {
				t.Error("an interview without feedback shows a feedback block")
			}
		})
	}
}

// endInterview starts the interview and ends it as its candidate does.
func endInterview(t *testing.T, f roomFixture, cand *testClient, id string) {
	t.Helper()
	cand.call("POST", "/api/interviews/start", `{"interviewId":"`+id+`"}`).want(t, http.StatusOK)
	if _, err := f.app.Store.TransitionSession(t.Context(), f.tenant, id, interview.StatusInProgress, "", time.Now()); err != nil {
		t.Fatal(err)
	}
	body := cand.call("POST", "/api/interviews/end", `{"interviewId":"`+id+`"}`).want(t, http.StatusOK)
	if body["status"] != "completed" {
		t.Fatalf("end: %v", body)
	}
}

// checkFeedbackAPI: GET /api/v1/interviews/{id} carries the candidate's
// feedback, and an interview without one has no candidateFeedback.
func checkFeedbackAPI(t *testing.T, f roomFixture) {
	t.Helper()
	key, _, err := f.app.Accounts.CreateAPIKey(t.Context(), f.tenant, "tests", "")
	if err != nil {
		t.Fatal(err)
	}
	api := f.app.client()
	body := api.call("GET", "/api/v1/interviews/"+f.id1, "", "Authorization", "Bearer "+key).want(t, http.StatusOK)
	fb, _ := body["candidateFeedback"].(map[string]any)
	if fb["rating"] != float64(4) || fb["comment"] != "Clear questions." || fb["createdAt"] == nil {
		t.Errorf("API candidateFeedback %v", body["candidateFeedback"])
	}
	body = api.call("GET", "/api/v1/interviews/"+f.id2, "", "Authorization", "Bearer "+key).want(t, http.StatusOK)
	if _, ok := body["candidateFeedback"]; ok {
		t.Errorf("an interview without feedback: %v", body["candidateFeedback"])
	}
}

// setNextSteps gives the interview's position its "what happens next".
func setNextSteps(t *testing.T, f roomFixture, id, text string) {
	t.Helper()
	v, err := f.app.Store.GetSession(t.Context(), f.tenant, id)
	if err != nil {
		t.Fatal(err)
	}
	p, err := f.app.Store.GetPosition(t.Context(), f.tenant, v.PositionID)
	if err != nil {
		t.Fatal(err)
	}
	p.NextSteps = text
	if err := f.app.Store.UpdatePosition(t.Context(), &p); err != nil {
		t.Fatal(err)
	}
}
