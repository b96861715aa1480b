package web

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/auth"
	"github.com/interviewd/interviewd/internal/interview"
)

func TestJoinLanding(t *testing.T) {
	for _, o := range bothStores() {
		t.Run(o.name, func(t *testing.T) {
			app := newTestApp(t, o.open(t))
			c := app.client()
			tenant := c.signUp("Acme Hiring", "owner@acme.test")
			id := newInterviewVia(c, newPositionVia(c, "Engineer", "Why Go?"), "Ada Lovelace", "ada@example.com")
			link := joinLinkOf(c, id)
			candidate := app.client()

			res := candidate.get(link)
			if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control %q", cc)
			}
			doc := parseHTML(t, res)
			want := map[string]string{"landing-org": "Acme Hiring", "landing-position": "Engineer", "landing-minutes": "up to 25 minutes"}
			for tid, w := range want {
				if got := doc.Find(testID(tid)).Text(); got != w {
					t.Errorf("%s = %q, want %q", tid, got, w)
				}
			}
			privacy := doc.Find(testID("landing-privacy")).Text()
			if !strings.Contains(privacy, "AI provider") || !strings.Contains(privacy, "transcript") {
				t.Errorf("privacy notice %q", privacy)
			}
			if doc.Find("nav, "+testID("nav-signin")).Length() != 0 || doc.Find(testID("landing-start")).Length() != 1 {
				t.Error("candidate page shows navigation, or lacks the start section")
			}
			// A signed-in recruiter opening the link sees the candidate's page too.
			if c.page(link, 200).Find("nav").Length() != 0 {
				t.Error("recruiter nav on the candidate page")
			}

			v, err := app.Store.GetSession(t.Context(), tenant, id)
			if err != nil {
				t.Fatal(err)
			}
			expired := time.Now().Add(-time.Minute)
			if err := app.Store.SetJoinToken(t.Context(), tenant, id, v.JoinVersion, v.JoinTokenHash, expired); err != nil {
				t.Fatal(err)
			}
			assertRefused(t, candidate, link, http.StatusGone, "expired")
			if err := app.Store.SetJoinToken(t.Context(), tenant, id, v.JoinVersion, v.JoinTokenHash, time.Now().Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			candidate.page(link, 200)
			if _, err := app.Store.TransitionSession(t.Context(), tenant, id, interview.StatusAbandoned, "test", time.Now()); err != nil {
				t.Fatal(err)
			}
			assertRefused(t, candidate, link, http.StatusGone, "ended")
		})
	}
}

// assertRefused wants the refusal page for link with status and reason.
func assertRefused(t *testing.T, c *testClient, link string, status int, reason string) {
	t.Helper()
	res := c.get(link)
	doc := parseHTML(t, res)
	page := doc.Find(testID("join-refused"))
	if res.StatusCode != status || page.Length() != 1 || page.AttrOr("data-reason", "?") != reason {
		t.Errorf("%s: status %d, reason %q; want %d %q", link, res.StatusCode, page.AttrOr("data-reason", "?"), status, reason)
	}
	if doc.Find(testID("candidate-landing")).Length() != 0 {
		t.Errorf("%s: refused link shows the landing page", link)
	}
}

func TestJoinUnknownTokensLookAlike(t *testing.T) {
	app := newTestApp(t, openSQLiteStore(t))
	c := app.client()
	var pages []string
	for _, token := range []string{"x", "ij_short", auth.NewToken(auth.JoinTokenPrefix), auth.NewToken("is_"), strings.Repeat("a", 500)} {
		res := c.get("/join/" + token)
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("token %.20q: %d, want 404", token, res.StatusCode)
		}
		doc := parseHTML(t, res)
		if doc.Find(testID("join-refused")).AttrOr("data-reason", "?") != "" {
			t.Errorf("token %.20q: not the unknown-link page", token)
		}
		pages = append(pages, doc.Find("main").Text())
	}
	for _, p := range pages[1:] {
		if p != pages[0] {
			t.Error("malformed and unknown tokens get different pages")
		}
	}
}
