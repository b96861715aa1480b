package web

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/recording"
	"github.com/interviewd/interviewd/internal/store"
	"github.com/interviewd/interviewd/internal/store/postgres"
	"github.com/interviewd/interviewd/internal/store/sqlite"
	"github.com/interviewd/interviewd/internal/store/storetest"
	"github.com/interviewd/interviewd/internal/testenv"
)

// scannedStore is a store with the database under it opened again, for
// storetest.Leftovers.
type scannedStore struct {
	name string
	open func(t *testing.T) (store.Store, *sql.DB)
}

func scannedStores() []scannedStore {
	return []scannedStore{
		{"sqlite", func(t *testing.T) (store.Store, *sql.DB) {
			path := filepath.Join(t.TempDir(), "interviewd.db")
			st, err := sqlite.Open(context.Background(), path)
			if err != nil {
				t.Fatalf("open sqlite: %v", err)
			}
			t.Cleanup(func() { st.Close() })
			return st, testenv.OpenDB(t, "sqlite", path+"?_pragma=busy_timeout(5000)&_query_only=1")
		}},
		{"postgres", func(t *testing.T) (store.Store, *sql.DB) {
			dbURL, _ := testenv.PostgresDB(t)
			st, err := postgres.Open(context.Background(), dbURL)
			if err != nil {
				t.Fatalf("open postgres: %v", err)
			}
			t.Cleanup(func() { st.Close() })
			return st, testenv.OpenDB(t, "pgx", dbURL)
		}},
	}
}

// erasureWorld is an organisation with an owner signed in, an API key and
// a webhook endpoint, whose candidates leave one of everything.
type erasureWorld struct {
	t        *testing.T
	app      *testApp
	owner    *testClient
	ownerID  string
	api      *apiClient
	position string
}

func newErasureWorld(t *testing.T, app *testApp, org string) *erasureWorld {
	t.Helper()
	ctx := context.Background()
	w := &erasureWorld{t: t, app: app, owner: app.client()}
	email := "owner@" + strings.ToLower(org) + ".test"
	tenantID := w.owner.signUp(org, email)
	u, err := app.Store.GetUserByEmail(ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	w.ownerID = u.ID
	key, k, err := app.Accounts.CreateAPIKey(ctx, tenantID, "ats", u.ID)
	if err != nil {
		t.Fatal(err)
	}
	w.api = &apiClient{t: t, app: app, tenantID: tenantID, key: key, keyID: k.ID}
	w.position = w.api.createPosition("Engineer")
	hook := interview.WebhookEndpoint{TenantID: tenantID, URL: "https://hooks.example.com/" + org, Secret: "whsec_" + org}
	if err := app.Store.CreateWebhookEndpoint(ctx, &hook); err != nil {
		t.Fatal(err)
	}
	return w
}

// person is a candidate of an erasureWorld and what they left.
type person struct {
	name, email, phrase string
	candidateID         string
	interviewIDs        []string
	blobs               []string // keys of their recordings' blobs
}

// needles are what the scan looks for: nothing else names the person.
func (p person) needles() []string { return []string{p.name, p.email, p.phrase} }

// candidate creates a candidate through the API (with an Idempotency-Key,
// whose stored answer names them) and gives them an ended interview with
// a transcript, a consent, a lease, problems, a recording (one part
// joined into its file, one left as a chunk), feedback, a scorecard, an
// assessment, a hiring decision, an e-mail and webhook deliveries, and a
// pending second interview (straight in the store: the app makes a
// candidate per interview).
func (w *erasureWorld) candidate(tag string) person {
	t, st, ctx := w.t, w.app.Store, context.Background()
	t.Helper()
	p := person{name: "Zed Erasable " + tag, email: "zed-" + tag + "@example.com", phrase: "purple elephant " + tag}
	body := `{"positionId":"` + w.position + `","candidate":{"name":"` + p.name + `","email":"` + p.email + `"}}`
	m := w.api.call("POST", "/api/v1/interviews", body, "Idempotency-Key", "create-"+tag).want(t, http.StatusCreated)
	id := m["id"].(string)
	p.candidateID = m["candidate"].(map[string]any)["id"].(string)
	tn := w.api.tenantID
	at := time.Now().Add(-time.Hour)
	must(t, st.RecordConsent(ctx, &interview.Consent{TenantID: tn, InterviewID: id, TextVersion: "v1", UserAgent: "Agent " + tag}))
	_, err := st.AcquireLease(ctx, interview.CallLease{TenantID: tn, InterviewID: id, Owner: "inst-" + tag}, time.Now(), time.Minute)
	must(t, err)
	for _, s := range []interview.Status{interview.StatusReady, interview.StatusInProgress} {
		_, err := st.TransitionSession(ctx, tn, id, s, "test", at)
		must(t, err)
	}
	_, err = st.AppendTranscript(ctx, tn, id, []interview.TranscriptEntry{{ItemID: "e-1", Speaker: interview.SpeakerCandidate,
		Text: "I once saw a " + p.phrase + ".", Timestamp: at, Source: interview.SourceSideband}})
	must(t, err)
	_, err = st.AddCandidateProblem(ctx, &interview.CandidateProblem{TenantID: tn, InterviewID: id, Code: interview.ProblemMicDenied})
	must(t, err)
	p.blobs = w.record(id)
	_, err = st.TransitionSession(ctx, tn, id, interview.StatusCompleted, "test", at.Add(time.Minute))
	must(t, err)
	must(t, st.AddFeedback(ctx, &interview.Feedback{TenantID: tn, InterviewID: id, Rating: 4, Comment: "About the " + p.phrase}))
	must(t, st.SaveScorecard(ctx, &interview.Scorecard{TenantID: tn, InterviewID: id, ReviewerID: w.ownerID,
		Recommendation: interview.RecommendYes, Notes: p.name + " on the " + p.phrase}))
	must(t, st.EnqueueAssessment(ctx, &interview.Assessment{TenantID: tn, InterviewID: id, NextAttempt: time.Now().Add(time.Hour)}))
	w.api.call("PUT", "/api/v1/interviews/"+id+"/hiring-status", `{"status":"shortlisted"}`).want(t, http.StatusOK)
	must(t, st.EnqueueMail(ctx, &store.Mail{TenantID: tn, Kind: store.MailInvitation, InterviewID: id, To: p.email}))
	second := interview.Session{TenantID: tn, PositionID: w.position, CandidateID: p.candidateID,
		JoinTokenHash: "join-" + tag, JoinExpiresAt: time.Now().Add(24 * time.Hour)}
	must(t, st.CreateSession(ctx, &second))
	p.interviewIDs = []string{id, second.ID}
	return p
}

// record uploads an interview's recording through the service: part 0
// finished and joined into its file, part 1 one chunk the browser never
// finished. It returns the keys of the blobs left.
func (w *erasureWorld) record(id string) []string {
	t, ctx, tn := w.t, context.Background(), w.api.tenantID
	t.Helper()
	v, err := w.app.Store.GetSession(ctx, tn, id)
	must(t, err)
	pos, err := w.app.Store.GetPosition(ctx, tn, v.PositionID)
	must(t, err)
	for part := range 2 {
		seg, err := w.app.Recordings.Begin(ctx, v, pos, "audio/mp4", false)
		must(t, err)
		for seq := range 2 - part {
			_, err := w.app.Recordings.PutChunk(ctx, tn, id, seg.Index, seq, bytes.Repeat([]byte{'a' + byte(seq)}, 2000))
			must(t, err)
		}
	}
	seg, err := w.app.Recordings.Finish(ctx, tn, id, 0, 2)
	must(t, err)
	if seg.Status != interview.SegmentReady {
		t.Fatalf("part 0: %+v, want it ready", seg)
	}
	keys := []string{recording.FileKey(tn, id, 0), recording.ChunkKey(tn, id, 1, 0)}
	for _, k := range keys {
		if !w.hasBlob(k) {
			t.Fatalf("no blob %s after recording", k)
		}
	}
	return keys
}

func (w *erasureWorld) hasBlob(key string) bool {
	obj, err := w.app.Blobs.Open(context.Background(), key)
	if errors.Is(err, recording.ErrNoObject) {
		return false
	}
	must(w.t, err)
	obj.Close()
	return true
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// Erasing a candidate, through the owner's page and through the API, on
// both stores, leaves nothing of them anywhere in the database (every
// column of every table scanned for their name, e-mail and words) nor in
// the recordings' files; another candidate's data stays; a tombstone
// without personal data and a candidate.erased audit event remain.
func TestErasureLeavesNothing(t *testing.T) {
	for _, s := range scannedStores() {
		t.Run(s.name, func(t *testing.T) {
			st, db := s.open(t)
			app := newTestApp(t, st)
			w := newErasureWorld(t, app, "Acme")
			byPage, byAPI, kept := w.candidate("pg1"), w.candidate("api2"), w.candidate("kept3")
			for _, p := range []person{byPage, byAPI, kept} {
				if found := storetest.Leftovers(t, db, st.Dialect(), p.needles()...); len(found) < 5 {
					t.Fatalf("before any erasure the scan finds only %v: it does not look everywhere", found)
				}
			}

			doc := w.owner.page("/app/interviews/"+byPage.interviewIDs[0], http.StatusOK)
			href, _ := doc.Find(`[data-testid="erase-candidate"]`).Attr("href")
			doc = w.owner.page(href, http.StatusOK)
			if n := doc.Find(`[data-testid="erasure-interview"]`).Length(); n != 2 {
				t.Errorf("the confirmation lists %d interviews, want 2", n)
			}
			if to := w.owner.postRedirect(href, nil); to != "/app/interviews?done=erased" {
				t.Errorf("erase redirects to %q", to)
			}
			doc = w.owner.page("/app/interviews?done=erased", http.StatusOK)
			if html, _ := doc.Html(); !strings.Contains(html, "The candidate&#39;s data was erased.") || strings.Contains(html, byPage.name) {
				t.Errorf("the interviews page after the erasure:\n%s", html)
			}

			res := w.api.call("POST", "/api/v1/candidates/"+byAPI.candidateID+"/erase", "")
			checkSchema(t, "Erasure", res.body)
			tomb := res.want(t, http.StatusOK)
			if tomb["candidateId"] != byAPI.candidateID || tomb["actorType"] != "api_key" || tomb["actorId"] != w.api.keyID {
				t.Errorf("tombstone %v", tomb)
			}
			if counts := tomb["counts"].(map[string]any); counts["interviews"] != 2.0 || counts["recordingBytes"] != 6000.0 ||
				counts["transcriptEntries"] != 1.0 || counts["candidates"] != 1.0 {
				t.Errorf("tombstone counts %v", counts)
			}

			for _, p := range []person{byPage, byAPI} {
				if found := storetest.Leftovers(t, db, st.Dialect(), p.needles()...); len(found) > 0 {
					t.Errorf("%s: left after the erasure: %v", p.name, found)
				}
				for _, k := range p.blobs {
					if w.hasBlob(k) {
						t.Errorf("%s: blob %s left after the erasure", p.name, k)
					}
				}
				for _, id := range p.interviewIDs {
					w.api.call("GET", "/api/v1/interviews/"+id, "").wantError(t, http.StatusNotFound, interview.CodeNotFound, "")
				}
				w.api.call("POST", "/api/v1/candidates/"+p.candidateID+"/erase", "").wantError(t, http.StatusNotFound, interview.CodeNotFound, "")
			}
			if found := storetest.Leftovers(t, db, st.Dialect(), kept.needles()...); len(found) < 5 {
				t.Errorf("another candidate's data went too: only %v left", found)
			}
			for _, k := range kept.blobs {
				if !w.hasBlob(k) {
					t.Errorf("another candidate's blob %s went", k)
				}
			}
			checkErasedAudit(t, st, w, byPage, byAPI)
		})
	}
}

// checkErasedAudit wants a tombstone and a candidate.erased event per
// erasure, by the owner and by the key, naming only IDs and numbers.
func checkErasedAudit(t *testing.T, st store.Store, w *erasureWorld, byPage, byAPI person) {
	t.Helper()
	ctx := context.Background()
	list, err := st.ListErasures(ctx, w.api.tenantID)
	must(t, err)
	if len(list) != 2 || list[0].CandidateID != byAPI.candidateID || list[1].CandidateID != byPage.candidateID ||
		list[1].ActorType != "user" || list[1].ActorID != w.ownerID {
		t.Errorf("tombstones %+v", list)
	}
	for _, e := range list {
		if e.Counts["recordingBytes"] == 0 || e.Counts["interviews"] != 2 {
			t.Errorf("stored tombstone of %s counts %v: want the recordings' bytes and 2 interviews", e.CandidateID, e.Counts)
		}
	}
	events, err := st.ListAuditPage(ctx, w.api.tenantID, interview.AuditFilter{Actions: []string{"candidate.erased"}})
	must(t, err)
	actors := map[string]string{}
	for _, e := range events {
		actors[e.TargetID] = e.ActorType
		if e.Data["interviews"] != "2" || e.Data["erasure"] == "" {
			t.Errorf("candidate.erased data %v", e.Data)
		}
	}
	if actors[byPage.candidateID] != "user" || actors[byAPI.candidateID] != "api_key" || len(events) != 2 {
		t.Errorf("candidate.erased events %+v", events)
	}
}

// Only an organisation's owners (and its API keys) erase, only their own
// organisation's candidates, and never while an interview of theirs is in
// progress; whoever is refused changes nothing.
func TestErasureRefusals(t *testing.T) {
	forEachStore(t, func(t *testing.T, app *testApp) {
		ctx := context.Background()
		w := newErasureWorld(t, app, "Acme")
		p := w.candidate("victim")
		href := "/app/candidates/" + p.candidateID + "/erase"
		for _, role := range []interview.Role{interview.RoleRecruiter, interview.RoleViewer} {
			email := string(role) + "@acme.test"
			app.addMember(w.api.tenantID, email, role)
			c := app.client()
			c.signIn(email)
			doc := c.page("/app/interviews/"+p.interviewIDs[0], http.StatusOK)
			if doc.Find(`[data-testid="erase-candidate"]`).Length() != 0 {
				t.Errorf("a %s sees the erase link", role)
			}
			c.page(href, http.StatusForbidden)
			if res := c.post(href, nil); res.StatusCode != http.StatusForbidden {
				t.Errorf("a %s's erase: status %d, want 403", role, res.StatusCode)
			}
		}
		// The same e-mail's other candidate records are listed, not erased.
		twin := w.api.createInterview(w.position, "Twin", p.email)
		doc := w.owner.page(href, http.StatusOK)
		if got, _ := doc.Find(`[data-testid="erasure-other"] a`).Attr("href"); got != "/app/interviews/"+twin {
			t.Errorf("the confirmation's other interviews link %q, want the twin's", got)
		}
		other := newErasureWorld(t, app, "Rival")
		other.owner.page(href, http.StatusNotFound)
		if res := other.owner.post(href, nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("another organisation's owner's erase: status %d, want 404", res.StatusCode)
		}
		other.api.call("POST", "/api/v1/candidates/"+p.candidateID+"/erase", "").wantError(t, http.StatusNotFound, interview.CodeNotFound, "")
		// Without a valid key nothing is erased either.
		rawCall(t, app, "POST", "/api/v1/candidates/"+p.candidateID+"/erase", "").wantError(t, http.StatusUnauthorized, interview.CodeUnauthorized, "")

		live := w.candidate("live")
		_, err := app.Store.TransitionSession(ctx, w.api.tenantID, live.interviewIDs[1], interview.StatusReady, "test", time.Now())
		must(t, err)
		_, err = app.Store.TransitionSession(ctx, w.api.tenantID, live.interviewIDs[1], interview.StatusInProgress, "test", time.Now())
		must(t, err)
		w.api.call("POST", "/api/v1/candidates/"+live.candidateID+"/erase", "").wantError(t, http.StatusConflict, interview.CodeConflict, "in progress")
		liveHref := "/app/candidates/" + live.candidateID + "/erase"
		doc = w.owner.page(liveHref, http.StatusOK)
		if doc.Find(`[data-testid="erasure-in-progress"]`).Length() != 1 || doc.Find(`[data-testid="erasure-form"]`).Length() != 0 {
			t.Error("the confirmation of a candidate in an interview offers the erasure")
		}
		if res := w.owner.post(liveHref, nil); res.StatusCode != http.StatusConflict {
			t.Errorf("erase during an interview: status %d, want 409", res.StatusCode)
		}
		for _, q := range []person{p, live} {
			for _, k := range q.blobs {
				if !w.hasBlob(k) {
					t.Errorf("a refused erasure deleted blob %s", k)
				}
			}
			if _, err := app.Store.GetCandidate(ctx, w.api.tenantID, q.candidateID); err != nil {
				t.Errorf("a refused erasure deleted the candidate: %v", err)
			}
		}
		if list, err := app.Store.ListErasures(ctx, w.api.tenantID); err != nil || len(list) != 0 {
			t.Errorf("tombstones after refusals: %v, %v", list, err)
		}
	})
}

// The tombstone the API returns names no one: decoded, it holds only IDs,
// the actor, numbers and a time.
func TestAPIErasureShape(t *testing.T) {
	app := newTestApp(t, openSQLiteStore(t))
	w := newErasureWorld(t, app, "Acme")
	p := w.candidate("shape")
	res := w.api.call("POST", "/api/v1/candidates/"+p.candidateID+"/erase", "", "Idempotency-Key", "erase-shape")
	res.want(t, http.StatusOK)
	for _, n := range p.needles() {
		if bytes.Contains(bytes.ToLower(res.body), []byte(strings.ToLower(n))) {
			t.Errorf("the tombstone names %q: %s", n, res.body)
		}
	}
	var tomb apiErasure
	must(t, json.Unmarshal(res.body, &tomb))
	if len(tomb.InterviewIDs) != 2 || tomb.ErasedAt.IsZero() || tomb.ID == "" {
		t.Errorf("tombstone %+v", tomb)
	}
	// A retry with the same key gets the same answer, not a 404.
	again := w.api.call("POST", "/api/v1/candidates/"+p.candidateID+"/erase", "", "Idempotency-Key", "erase-shape")
	if again.status != http.StatusOK || !bytes.Equal(again.body, res.body) {
		t.Errorf("retry: %d %s, want the stored answer", again.status, again.body)
	}
}
