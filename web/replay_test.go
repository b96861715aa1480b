package web

import (
	"bytes"
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/interviewd/interviewd/internal/auth"
	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/recording"
	"github.com/interviewd/interviewd/internal/store"
)

// replayFixture is an organisation with an owner and a viewer signed in,
// an API key, a position that records and an interview on it.
type replayFixture struct {
	app           *testApp
	clock         *testClock // the recording service's: each segment begins a minute after the last
	owner, viewer *testClient
	api           *apiClient
	tenant        string
	position, id  string
}

func newReplayFixture(t *testing.T, st store.Store) replayFixture {
	t.Helper()
	clock := &testClock{at: time.Now().Truncate(time.Second)}
	app := newTestAppWith(t, st, func(app *testApp, d *Deps) {
		svc, err := recording.New(recording.Config{Store: st, Blobs: app.Blobs, Now: clock.now})
		if err != nil {
			t.Fatal(err)
		}
		app.Recordings, d.Recordings = svc, svc
	})
	f := replayFixture{app: app, clock: clock, owner: app.client(), viewer: app.client()}
	f.tenant = f.owner.signUp("Acme Hiring", "owner@acme.test")
	app.addMember(f.tenant, "viewer@acme.test", interview.RoleViewer)
	f.viewer.signIn("viewer@acme.test")
	key, k, err := app.Accounts.CreateAPIKey(t.Context(), f.tenant, "ATS", "")
	if err != nil {
		t.Fatal(err)
	}
	f.api = &apiClient{t: t, app: app, tenantID: f.tenant, key: key, keyID: k.ID}
	f.position = f.api.createPosition("Engineer")
	f.id = f.api.createInterview(f.position, "Ada Lovelace", "ada@example.com")
	return f
}

// testClock is a clock a test moves.
type testClock struct {
	mu sync.Mutex
	at time.Time
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.at
}

func (c *testClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at = c.at.Add(d)
}

// record makes the interview's next segment through the recording
// service, as the room's uploads do, of mimeType: chunks by seq (nil is one that never
// came), then finalised unless open.
func (f replayFixture) record(t *testing.T, interviewID, mimeType string, chunks [][]byte, open bool) interview.VideoSegment {
	t.Helper()
	ctx := t.Context()
	v, err := f.app.Store.GetSession(ctx, f.tenant, interviewID)
	if err != nil {
		t.Fatal(err)
	}
	p, err := f.app.Store.GetPosition(ctx, f.tenant, v.PositionID)
	if err != nil {
		t.Fatal(err)
	}
	seg, err := f.app.Recordings.Begin(ctx, v, p, mimeType, strings.HasPrefix(mimeType, "video/"))
	if err != nil {
		t.Fatalf("begin: %v", err)
	}
	for seq, c := range chunks {
		if c == nil {
			continue
		}
		if _, err := f.app.Recordings.PutChunk(ctx, f.tenant, interviewID, seg.Index, seq, c); err != nil {
			t.Fatalf("chunk %d: %v", seq, err)
		}
	}
	defer f.clock.add(time.Minute)
	if open {
		return seg
	}
	if seg, err = f.app.Recordings.Finalise(ctx, seg); err != nil {
		t.Fatalf("finalise: %v", err)
	}
	return seg
}

// say appends transcript lines at the given times.
func (f replayFixture) say(t *testing.T, interviewID string, at ...time.Time) {
	t.Helper()
	var entries []interview.TranscriptEntry
	for i, a := range at {
		entries = append(entries, interview.TranscriptEntry{ItemID: "item_" + string(rune('a'+i)), Speaker: interview.SpeakerCandidate,
			Text: "Line " + string(rune('A'+i)), Timestamp: a, Source: interview.SourceSideband})
	}
	if _, err := f.app.Store.AppendTranscript(context.Background(), f.tenant, interviewID, entries); err != nil {
		t.Fatal(err)
	}
}

// audits returns the tenant's events of action, newest first.
func (f replayFixture) audits(t *testing.T, action string) []interview.AuditEvent {
	t.Helper()
	all, err := f.app.Store.ListAudit(context.Background(), f.tenant, 200)
	if err != nil {
		t.Fatal(err)
	}
	return slices.DeleteFunc(all, func(e interview.AuditEvent) bool { return e.Action != action })
}

// TestReplayPageStates on both stores: the replay page and the interview
// page's Recording panel for a position that does not record, nothing
// recorded (yet, then at all), a segment still recording, and a ready and
// an incomplete segment with the transcript placed in them.
func TestReplayPageStates(t *testing.T) {
	for _, o := range bothStores() {
		t.Run(o.name, func(t *testing.T) {
			f := newReplayFixture(t, o.open(t))
			off := f.api.call("POST", "/api/v1/positions", `{"title":"Silent","questions":["Why?"],"recordAudio":false}`).
				want(t, http.StatusCreated)["id"].(string)
			offID := f.api.createInterview(off, "Alan Turing", "alan@example.com")
			doc := f.owner.page("/app/interviews/"+offID+"/recording", http.StatusOK)
			if !strings.Contains(doc.Find(testID("replay-off")).Text(), "This position does not record") {
				t.Errorf("a position that does not record: %q", doc.Find("main").Text())
			}
			if f.owner.page("/app/interviews/"+offID, http.StatusOK).Find(testID("recording-section")).Length() != 0 {
				t.Error("the interview page has a Recording panel without a recording")
			}

			doc = f.owner.page("/app/interviews/"+f.id+"/recording", http.StatusOK)
			if !strings.Contains(doc.Find(testID("replay-none")).Text(), "Nothing has been recorded yet") || doc.Find(testID("replay")).Length() != 0 {
				t.Errorf("nothing recorded yet: %q", doc.Find("main").Text())
			}
			ended := f.api.createInterview(f.position, "Grace Hopper", "grace@example.com")
			f.owner.postRedirect("/app/interviews/"+ended+"/end", url.Values{})
			if got := f.owner.page("/app/interviews/"+ended+"/recording", http.StatusOK).Find(testID("replay-none")).Text(); got != "Nothing was recorded." {
				t.Errorf("an ended interview without a recording: %q", got)
			}

			checkReplayRecorded(t, f)
			checkReplayVideo(t, f)
			if n := len(f.audits(t, "recording.played")); n != 2 {
				t.Errorf("%d recording.played events, want 2 (only the pages with something to play)", n)
			}
		})
	}
}

// checkReplayRecorded: a ready part, an incomplete one and one still
// recording, on the replay page and the interview page.
func checkReplayRecorded(t *testing.T, f replayFixture) {
	t.Helper()
	seg0 := f.record(t, f.id, "audio/mp4", [][]byte{[]byte("0123456789"), []byte("abcdefghij")}, false)
	seg1 := f.record(t, f.id, "audio/mp4", [][]byte{[]byte("first"), nil, []byte("third")}, false)
	if seg0.Status != interview.SegmentReady || seg1.Status != interview.SegmentIncomplete || seg1.Gaps != 1 {
		t.Fatalf("segments %+v / %+v, want ready and incomplete with one gap", seg0, seg1)
	}
	f.say(t, f.id, seg0.StartTime.Add(-2*time.Second), seg0.StartTime.Add(3*time.Second), seg1.StartTime.Add(1500*time.Millisecond))
	f.record(t, f.id, "audio/mp4", [][]byte{[]byte("still")}, true)

	doc := f.viewer.page("/app/interviews/"+f.id+"/recording", http.StatusOK)
	if doc.Find(testID("replay-finalising")).Length() != 1 || doc.Find(testID("replay-pending")).Length() != 1 {
		t.Errorf("a segment still recording: no finalising note in %q", doc.Find("main").Text())
	}
	media := doc.Find(testID("replay-media"))
	if media.Length() != 2 || media.First().AttrOr("src", "") != "/app/interviews/"+f.id+"/recording/0" ||
		media.Last().AttrOr("src", "") != "/app/interviews/"+f.id+"/recording/1" || !media.First().Is("audio") {
		t.Fatalf("players %d, first %q", media.Length(), media.First().AttrOr("src", ""))
	}
	if !strings.Contains(doc.Find(testID("replay-gaps")).Text(), "1 chunk") {
		t.Errorf("the incomplete part's note: %q", doc.Find(testID("replay-gaps")).Text())
	}
	if href := doc.Find(testID("replay-download")).First().AttrOr("href", ""); href != "/app/interviews/"+f.id+"/recording/0?download=1" {
		t.Errorf("download link %q", href)
	}
	var seeks []string
	doc.Find(testID("replay-seek")).Each(func(_ int, s *goquery.Selection) {
		seeks = append(seeks, s.AttrOr("href", ""))
	})
	base := "/app/interviews/" + f.id + "/recording/"
	want := []string{base + "0#t=0.0", base + "0#t=3.0", base + "1#t=1.5"}
	if !slices.Equal(seeks, want) {
		t.Errorf("the lines' links %q, want %q", seeks, want)
	}

	panel := f.owner.page("/app/interviews/"+f.id, http.StatusOK).Find(testID("recording-section"))
	if got := panel.Find(testID("recording-summary")).Text(); got != "0:00 · 35 B" {
		t.Errorf("the interview page's summary %q, want 0:00 · 35 B", got)
	}
	if panel.Find(testID("replay-link")).AttrOr("href", "") != "/app/interviews/"+f.id+"/recording" ||
		panel.Find(testID("recording-finalising")).Length() != 1 || panel.Find(testID("recording-gaps")).Length() != 1 {
		t.Errorf("the interview page's Recording panel: %q", panel.Text())
	}
}

// checkReplayVideo: a segment with the candidate's camera plays in a
// <video>.
func checkReplayVideo(t *testing.T, f replayFixture) {
	t.Helper()
	pos := f.api.call("POST", "/api/v1/positions", `{"title":"On camera","questions":["Why?"],"recordVideo":true}`).
		want(t, http.StatusCreated)["id"].(string)
	id := f.api.createInterview(pos, "Hedy Lamarr", "hedy@example.com")
	if seg := f.record(t, id, "video/mp4", [][]byte{[]byte("frames")}, false); !seg.HasVideo {
		t.Fatalf("segment %+v has no video", seg)
	}
	media := f.viewer.page("/app/interviews/"+id+"/recording", http.StatusOK).Find(testID("replay-media"))
	if media.Length() != 1 || !media.Is("video") || media.AttrOr("src", "") != "/app/interviews/"+id+"/recording/0" {
		t.Errorf("the camera's recording plays in %d %s", media.Length(), goquery.NodeName(media))
	}
}

// TestRecordingMedia on both stores: a part's file is served with ranges
// to every member, viewers too; ?download=1 is an attachment, audited
// once per download; bad indexes, unfinished parts and another tenant's
// interview are refused.
func TestRecordingMedia(t *testing.T) {
	for _, o := range bothStores() {
		t.Run(o.name, func(t *testing.T) {
			f := newReplayFixture(t, o.open(t))
			f.record(t, f.id, "audio/mp4", [][]byte{[]byte("0123456789"), []byte("abcdefghij")}, false)
			f.record(t, f.id, "audio/mp4", [][]byte{[]byte("open")}, true)
			path := "/app/interviews/" + f.id + "/recording/0"

			res := f.viewer.get(path)
			if body := readBody(t, res); res.StatusCode != http.StatusOK || body != "0123456789abcdefghij" ||
				res.Header.Get("Content-Type") != "audio/mp4" || res.Header.Get("Accept-Ranges") != "bytes" {
				t.Fatalf("media: %d %q %v", res.StatusCode, body, res.Header)
			}
			got := mediaRange(t, f.viewer, path, "bytes=5-12")
			if got.status != http.StatusPartialContent || string(got.body) != "56789abc" {
				t.Errorf("range: %d %q", got.status, got.body)
			}
			if n := len(f.audits(t, "recording.downloaded")); n != 0 {
				t.Errorf("playing audited %d downloads", n)
			}

			got = mediaRange(t, f.viewer, path+"?download=1", "")
			if cd := got.header.Get("Content-Disposition"); cd != `attachment; filename=recording-`+f.id+`-part1.mp4` {
				t.Errorf("Content-Disposition %q", cd)
			}
			mediaRange(t, f.viewer, path+"?download=1", "bytes=10-") // a resumed download
			downloads := f.audits(t, "recording.downloaded")
			viewer, _ := f.app.Store.GetUserByEmail(t.Context(), "viewer@acme.test")
			if len(downloads) != 1 || downloads[0].ActorID != viewer.ID || downloads[0].TargetID != f.id || downloads[0].Data["segment"] != "0" {
				t.Errorf("download events %+v, want one by the viewer for segment 0", downloads)
			}

			for p, status := range map[string]int{
				"/app/interviews/" + f.id + "/recording/1":  http.StatusConflict, // still recording
				"/app/interviews/" + f.id + "/recording/2":  http.StatusNotFound,
				"/app/interviews/" + f.id + "/recording/01": http.StatusNotFound,
				"/app/interviews/" + f.id + "/recording/-1": http.StatusNotFound,
				"/app/interviews/" + f.id + "/recording/x":  http.StatusNotFound,
				"/app/interviews/nope/recording/0":          http.StatusNotFound,
			} {
				if res := f.owner.get(p); res.StatusCode != status {
					t.Errorf("GET %s: %d, want %d", p, res.StatusCode, status)
				}
			}

			other := f.app.client()
			other.signUp("Rival", "owner@rival.test")
			for _, p := range []string{path, "/app/interviews/" + f.id + "/recording"} {
				if res := other.get(p); res.StatusCode != http.StatusNotFound {
					t.Errorf("another tenant's owner GET %s: %d, want 404", p, res.StatusCode)
				}
			}
			if res := f.app.client().get(path); res.StatusCode != http.StatusSeeOther {
				t.Errorf("signed out: %d, want a redirect to sign in", res.StatusCode)
			}
		})
	}
}

// mediaRange GETs path with a Range header (none when empty).
func mediaRange(t *testing.T, c *testClient, path, rng string) apiResponse {
	t.Helper()
	req, err := http.NewRequest("GET", c.abs(path), nil)
	if err != nil {
		t.Fatal(err)
	}
	if rng != "" {
		req.Header.Set("Range", rng)
	}
	res, err := c.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	buf.ReadFrom(res.Body) //nolint:errcheck // compared below
	res.Body.Close()
	return apiResponse{status: res.StatusCode, header: res.Header, body: buf.Bytes()}
}

func FuzzSegmentIndex(f *testing.F) {
	for _, s := range []string{"0", "49", "50", "-1", "01", "+1", "1e3", "", "９"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := segmentIndex(s)
		if err == nil && (n < 0 || n >= interview.MaxSegments || s != strings.TrimLeft(s, "+-0") && s != "0") {
			t.Errorf("segmentIndex(%q) = %d", s, n)
		}
	})
}

// TestRecordingAPI on both stores: GET /api/v1/interviews/{id}/recording
// (schema Recording) with a signed download link per playable segment,
// which serves the file with ranges and no key, audited as the key's; bad,
// expired, forged and alg-none links, and the links of a key revoked
// since, get 401 JSON; a link naming another tenant's interview finds
// nothing, and another tenant's key cannot read the recording.
func TestRecordingAPI(t *testing.T) {
	for _, o := range bothStores() {
		t.Run(o.name, func(t *testing.T) {
			f := newReplayFixture(t, o.open(t))
			path := "/api/v1/interviews/" + f.id + "/recording"
			res := f.api.call("GET", path, "")
			checkSchema(t, "Recording", res.body)
			if got := res.want(t, http.StatusOK); got["status"] != "none" || len(got["segments"].([]any)) != 0 {
				t.Errorf("nothing recorded: %v", got)
			}

			f.record(t, f.id, "audio/mp4", [][]byte{[]byte("0123456789"), []byte("abcdefghij")}, false)
			f.record(t, f.id, "audio/mp4", [][]byte{[]byte("open")}, true)
			asked := time.Now()
			res = f.api.call("GET", path, "")
			checkSchema(t, "Recording", res.body)
			got := res.want(t, http.StatusOK)
			segs := got["segments"].([]any)
			if got["status"] != "recording" || got["bytes"] != 24.0 || len(segs) != 2 {
				t.Fatalf("recording %v", got)
			}
			first, open := segs[0].(map[string]any), segs[1].(map[string]any)
			if first["index"] != 0.0 || first["status"] != "ready" || first["mimeType"] != "audio/mp4" || first["bytes"] != 20.0 ||
				open["status"] != "recording" || open["downloadUrl"] != nil || open["downloadExpiresAt"] != nil {
				t.Errorf("segments %v", segs)
			}
			exp, _ := time.Parse(time.RFC3339, first["downloadExpiresAt"].(string))
			if d := exp.Sub(asked); d < 4*time.Minute || d > 5*time.Minute+time.Second {
				t.Errorf("the link expires in %s, want 5 minutes", d)
			}
			link, ok := strings.CutPrefix(first["downloadUrl"].(string), f.app.URL)
			if !ok || !strings.HasPrefix(link, "/recordings/") {
				t.Fatalf("downloadUrl %q is not PUBLIC_URL/recordings/{token}", first["downloadUrl"])
			}
			checkRecordingLink(t, f, link)
			checkBadRecordingLinks(t, f, strings.TrimPrefix(link, "/recordings/"))

			rival := newAPITenant(t, f.app, "Rival")
			rival.call("GET", path, "").wantError(t, http.StatusNotFound, interview.CodeNotFound, "")
			rawCall(t, f.app, "GET", path, "").wantError(t, http.StatusUnauthorized, interview.CodeUnauthorized, "")
		})
	}
}

// checkRecordingLink: the link serves the file, with ranges, as an
// attachment, with no cookie and no key; the download is the key's in the
// audit log; the token never reaches the log.
func checkRecordingLink(t *testing.T, f replayFixture, link string) {
	t.Helper()
	res := rawCall(t, f.app, "GET", link, "")
	if res.status != http.StatusOK || string(res.body) != "0123456789abcdefghij" ||
		!strings.HasPrefix(res.header.Get("Content-Disposition"), "attachment;") || res.header.Get("Content-Type") != "audio/mp4" {
		t.Fatalf("the link: %d %q %v", res.status, res.body, res.header)
	}
	if part := rawCall(t, f.app, "GET", link, "", "Range", "bytes=18-"); part.status != http.StatusPartialContent || string(part.body) != "ij" {
		t.Errorf("the link with a range: %d %q", part.status, part.body)
	}
	events := f.audits(t, "recording.downloaded")
	if len(events) != 1 || events[0].ActorType != "api_key" || events[0].ActorID != f.api.keyID || events[0].TargetID != f.id {
		t.Errorf("download events %+v, want one by the API key", events)
	}
	if token := strings.TrimPrefix(link, "/recordings/"); strings.Contains(f.app.Logs.String(), token) {
		t.Error("the log holds a download link's token")
	}
}

// checkBadRecordingLinks: each of these links is refused, with JSON.
func checkBadRecordingLinks(t *testing.T, f replayFixture, good string) {
	t.Helper()
	past, err := auth.NewRecordingLinks(testSecret, func() time.Time { return time.Now().Add(-10 * time.Minute) })
	if err != nil {
		t.Fatal(err)
	}
	expired, _, _ := past.Issue(f.tenant, f.id, 0, f.api.keyID)
	forger, _ := auth.NewRecordingLinks("another secret of at least thirty-two bytes!!", nil)
	forged, _, _ := forger.Issue(f.tenant, f.id, 0, f.api.keyID)
	parts := strings.Split(good, ".")
	none := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + parts[1] + "."
	for name, tok := range map[string]string{
		"garbage": "not-a-token", "expired": expired, "forged": forged, "alg none": none,
		"tampered": parts[0] + "." + parts[1] + "x." + parts[2],
	} {
		t.Run(name, func(t *testing.T) {
			rawCall(t, f.app, "GET", "/recordings/"+tok, "").wantError(t, http.StatusUnauthorized, interview.CodeUnauthorized, "expired")
		})
	}
	signer, _ := auth.NewRecordingLinks(testSecret, nil)
	rival := newAPITenant(t, f.app, "Rival links")
	theirs, _, _ := signer.Issue(rival.tenantID, f.id, 0, rival.keyID)
	rawCall(t, f.app, "GET", "/recordings/"+theirs, "").wantError(t, http.StatusNotFound, interview.CodeNotFound, "")
	if err := f.app.Store.RevokeAPIKey(t.Context(), f.tenant, f.api.keyID, time.Now()); err != nil {
		t.Fatal(err)
	}
	rawCall(t, f.app, "GET", "/recordings/"+good, "").wantError(t, http.StatusUnauthorized, interview.CodeUnauthorized, "expired")
	if n := len(f.audits(t, "recording.downloaded")); n != 1 {
		t.Errorf("%d downloads audited after the refusals, want 1", n)
	}
}
