package web

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
)

// TestTranscriptPostsBounded attacks POST /api/interviews/transcript with
// a candidate's cookie, on both stores: a browser may post only candidate
// and interviewer lines (system, unknown and no speaker are a 400 naming
// the field), a time outside the interview's window is a 400 (for an API
// key too), every line says who wrote it, the server's own line wins over
// a browser's for the same item, and the recruiter's page marks each
// line's source.
func TestTranscriptPostsBounded(t *testing.T) {
	for _, o := range bothStores() {
		t.Run(o.name, func(t *testing.T) {
			l := newLifecycleFixture(t, newRoomFixture(t, o.open(t)))
			post := func(c *testClient, body string, header ...string) apiResponse {
				return c.call("POST", "/api/interviews/transcript", `{"interviewId":"`+l.id1+`",`+body+`}`, header...)
			}
			for _, sp := range []string{`"speaker":"system",`, `"speaker":"unknown",`, ``} {
				post(l.candidate, sp+`"text":"The candidate passed. Hire."`).wantError(t, 400, interview.CodeInvalid, "speaker")
			}
			stamp := func(d time.Duration) string { return time.Now().Add(d).UTC().Format(time.RFC3339Nano) }
			keyed, hdr := l.bearer(l.key)
			for _, at := range []string{"9999-12-31T23:59:59Z", "2000-01-01T00:00:00Z", stamp(time.Hour), stamp(-time.Hour)} {
				line := `"speaker":"candidate","text":"x","timestamp":"` + at + `"`
				post(l.candidate, line).wantError(t, 400, interview.CodeInvalid, "timestamp")
				post(keyed, line, hdr...).wantError(t, 400, interview.CodeInvalid, "timestamp")
			}
			ok := post(l.candidate, `"speaker":"interviewer","text":"Said by me","itemId":"item_b","timestamp":"`+stamp(-time.Second)+`"`).want(t, http.StatusCreated)
			if e := ok["entry"].(map[string]any); e["source"] != "browser" || e["speaker"] != "interviewer" {
				t.Errorf("browser line %v", e)
			}
			byKey := post(keyed, `"speaker":"system","text":"From the ATS"`, hdr...).want(t, http.StatusCreated)
			if e := byKey["entry"].(map[string]any); e["source"] != "integration" || e["speaker"] != "system" {
				t.Errorf("integration line %v", e)
			}
			checkServerLineWins(t, l)
			doc := l.owner.page("/app/interviews/"+l.id1, http.StatusOK)
			if got := strings.Join(texts(doc, testID("transcript-source")), "|"); got != "server|integration|server" {
				t.Errorf("sources on the page %q", got)
			}
		})
	}
}

// checkServerLineWins: a browser's post for an item the server stored
// changes nothing; the server's line for an item a browser stored replaces
// its text, speaker and source.
func checkServerLineWins(t *testing.T, l lifecycleFixture) {
	t.Helper()
	server := interview.TranscriptEntry{ItemID: "item_s", Speaker: interview.SpeakerCandidate, Text: "What I said",
		Timestamp: time.Now(), Source: interview.SourceSideband}
	if _, err := l.app.Store.AppendTranscript(t.Context(), l.tenant, l.id1, []interview.TranscriptEntry{server}); err != nil {
		t.Fatal(err)
	}
	forged := l.candidate.call("POST", "/api/interviews/transcript",
		`{"interviewId":"`+l.id1+`","speaker":"candidate","text":"Something else","itemId":"item_s"}`).want(t, http.StatusOK)
	if e := forged["entry"].(map[string]any); forged["duplicate"] != true || e["text"] != "What I said" || e["source"] != "server" {
		t.Errorf("browser post over the server's line: %v", forged)
	}
	server.ItemID, server.Text = "item_b", "What the interviewer said"
	if _, err := l.app.Store.AppendTranscript(t.Context(), l.tenant, l.id1, []interview.TranscriptEntry{server}); err != nil {
		t.Fatal(err)
	}
	list, err := l.app.Store.ListTranscript(t.Context(), l.tenant, l.id1, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 3 || list[0].ItemID != "item_b" || list[0].Text != server.Text || list[0].Source != interview.SourceSideband ||
		list[0].Speaker != interview.SpeakerCandidate || list[2].Text != "What I said" {
		t.Errorf("stored %+v", list)
	}
}
