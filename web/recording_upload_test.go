package web

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/recording"
	"github.com/interviewd/interviewd/internal/recording/recordingtest"
	"github.com/interviewd/interviewd/internal/recording/webm"
	"github.com/interviewd/interviewd/internal/store"
)

// recordingFixture is an organisation with two interviews of a position
// that records audio, the first one's candidate admitted, and an upload
// limit of its own.
type recordingFixture struct {
	app        *testApp
	owner      *testClient
	tenant     string
	id1, id2   string
	cand       *testClient // admitted by link 1
	neighbour  *testClient // admitted by link 2
	base       string      // /join/{token of link 1}/recording
	base2      string      // the same for link 2
	positionID string
}

func newRecordingFixture(t *testing.T, st store.Store, maxBytes int64) recordingFixture {
	t.Helper()
	app := newTestAppWith(t, st, func(app *testApp, d *Deps) {
		svc, err := recording.New(recording.Config{Store: st, Blobs: app.Blobs, MaxBytes: maxBytes})
		if err != nil {
			t.Fatal(err)
		}
		app.Recordings, d.Recordings = svc, svc
	})
	owner := app.client()
	f := recordingFixture{app: app, owner: owner, tenant: owner.signUp("Acme Hiring", "owner@acme.test")}
	f.positionID = newPositionVia(owner, "Engineer", "Why Go?")
	setRecording(t, st, f.tenant, f.positionID, true, false)
	f.id1 = newInterviewVia(owner, f.positionID, "Ada Lovelace", "ada@example.com")
	f.id2 = newInterviewVia(owner, f.positionID, "Alan Turing", "alan@example.com")
	link1, link2 := joinLinkOf(owner, f.id1), joinLinkOf(owner, f.id2)
	f.cand, f.neighbour = app.client(), app.client()
	consentAsShown(t, f.cand, link1)
	consentAsShown(t, f.neighbour, link2)
	f.base, f.base2 = "/join/"+tokenOf(link1)+"/recording", "/join/"+tokenOf(link2)+"/recording"
	return f
}

// consentAsShown agrees to the consent text the landing page shows (its
// version names what the position records).
func consentAsShown(t *testing.T, c *testClient, link string) {
	t.Helper()
	version := c.page(link, http.StatusOK).Find(testID("consent-checkbox")).AttrOr("value", "")
	if loc := c.postRedirect(link, url.Values{"consent": {version}}); loc != "/join/"+tokenOf(link)+"/room" {
		t.Fatalf("consent %q redirects to %q", version, loc)
	}
}

// setRecording sets what a position records, straight in the store.
func setRecording(t *testing.T, st store.Store, tenantID, positionID string, audio, video bool) {
	t.Helper()
	p, err := st.GetPosition(t.Context(), tenantID, positionID)
	if err != nil {
		t.Fatal(err)
	}
	p.RecordAudio, p.RecordVideo = audio, video
	if err := st.UpdatePosition(t.Context(), &p); err != nil {
		t.Fatal(err)
	}
}

// putChunk PUTs a chunk as the room does.
func putChunk(c *testClient, base string, segment, seq int, body []byte, header ...string) apiResponse {
	c.t.Helper()
	h := append([]string{"Content-Type", "application/octet-stream"}, header...)
	return c.call("PUT", fmt.Sprintf("%s/%d/%d", base, segment, seq), string(body), h...)
}

const beginAudio = `{"mimeType":"audio/webm;codecs=opus","video":false}`

// TestRecordingUpload on both stores: a segment begun, its chunks sent out
// of order, retried, resumed after a cut request and finished, is joined
// into one file that is the chunks in order with the duration written in;
// a second segment with a chunk missing is finalised by the sweep once the
// interview has ended, incomplete; and each bad request gets its JSON
// error.
func TestRecordingUpload(t *testing.T) {
	for _, o := range bothStores() {
		t.Run(o.name, func(t *testing.T) {
			f := newRecordingFixture(t, o.open(t), 0)
			begin := f.cand.call("POST", f.base, beginAudio).want(t, http.StatusCreated)
			if begin["segment"] != 0.0 || begin["chunkMs"] != 4000.0 || begin["maxChunkBytes"] != float64(interview.MaxChunkBytes) {
				t.Fatalf("begin answered %v", begin)
			}
			chunks := recordingtest.Chunks(t, 4)
			for _, seq := range []int{2, 0, 3} {
				putChunk(f.cand, f.base, 0, seq, chunks[seq]).want(t, http.StatusCreated)
			}
			again := putChunk(f.cand, f.base, 0, 0, chunks[0]).want(t, http.StatusOK)
			if again["bytes"] != float64(len(chunks[0])) {
				t.Errorf("a retry answered %v", again)
			}
			putChunk(f.cand, f.base, 0, 0, chunks[1]).wantError(t, http.StatusConflict, interview.CodeConflict, "other bytes")
			cutChunk(t, f, 0, 1, chunks[1])
			putChunk(f.cand, f.base, 0, 1, chunks[1], "Content-Type", "audio/webm;codecs=opus").want(t, http.StatusCreated)

			fin := f.cand.call("POST", f.base+"/0/finish", `{"chunks":4}`).want(t, http.StatusOK)
			if fin["status"] != interview.SegmentReady || fin["gaps"] != 0.0 || fin["chunks"] != 4.0 {
				t.Fatalf("finish answered %v", fin)
			}
			checkJoined(t, f, 0, chunks, fin)
			putChunk(f.cand, f.base, 0, 4, chunks[0]).wantError(t, http.StatusConflict, interview.CodeClosed, "finished")

			checkSweptIncomplete(t, f, chunks)
		})
	}
}

// cutChunk sends a chunk whose connection drops halfway: nothing is stored.
func cutChunk(t *testing.T, f recordingFixture, segment, seq int, body []byte) {
	t.Helper()
	u, _ := url.Parse(f.app.URL)
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	var cookies []string
	for _, c := range f.cand.c.Jar.Cookies(u) {
		cookies = append(cookies, c.Name+"="+c.Value)
	}
	fmt.Fprintf(conn, "PUT %s/%d/%d HTTP/1.1\r\nHost: %s\r\nContent-Type: application/octet-stream\r\n"+
		"Content-Length: %d\r\nCookie: %s\r\nSec-Fetch-Site: same-origin\r\n\r\n", f.base, segment, seq, u.Host, len(body), strings.Join(cookies, "; "))
	conn.Write(body[:len(body)/2])
	conn.Close()
	seg, err := f.app.Store.GetSegment(t.Context(), f.tenant, f.id1, segment)
	if err != nil {
		t.Fatal(err)
	}
	chunks, err := f.app.Store.ListChunks(t.Context(), f.tenant, seg.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range chunks {
		if c.Seq == seq {
			t.Fatalf("a cut request stored chunk %d: %+v", seq, c)
		}
	}
}

// readSegment returns a finalised segment and its file's bytes.
func readSegment(t *testing.T, f recordingFixture, index int) (interview.VideoSegment, []byte) {
	t.Helper()
	seg, err := f.app.Store.GetSegment(t.Context(), f.tenant, f.id1, index)
	if err != nil {
		t.Fatal(err)
	}
	obj, err := f.app.Recordings.Open(t.Context(), seg)
	if err != nil {
		t.Fatalf("open segment %d (%+v): %v", index, seg, err)
	}
	defer obj.Close()
	b, err := io.ReadAll(obj)
	if err != nil {
		t.Fatal(err)
	}
	return seg, b
}

// checkJoined: the file is the chunks in order, the first with the
// duration written into its Info, which is the media's own length; the
// chunks' blobs are gone.
func checkJoined(t *testing.T, f recordingFixture, index int, chunks [][]byte, fin map[string]any) {
	t.Helper()
	seg, file := readSegment(t, f, index)
	measured, err := webm.Duration(bytes.NewReader(bytes.Join(chunks, nil)))
	if err != nil {
		t.Fatal(err)
	}
	head, err := webm.SetDuration(chunks[0], measured)
	if err != nil {
		t.Fatal(err)
	}
	want := append(head, bytes.Join(chunks[1:], nil)...)
	if !bytes.Equal(file, want) {
		t.Errorf("the file has %d bytes, want the %d of the chunks in order with the duration", len(file), len(want))
	}
	if seg.DurationMS != measured.Milliseconds() || fin["durationMs"] != float64(seg.DurationMS) ||
		seg.DurationMS < 2500 || seg.DurationMS > 4000 {
		t.Errorf("duration %d ms (answered %v), want the file's %v, about 3.2 s", seg.DurationMS, fin["durationMs"], measured)
	}
	if seg.Storage != "files" || seg.Bytes != int64(len(bytes.Join(chunks, nil))) || seg.EndTime == nil {
		t.Errorf("segment %+v", seg)
	}
	for seq := range chunks {
		if _, err := f.app.Blobs.Open(t.Context(), recording.ChunkKey(f.tenant, f.id1, index, seq)); err == nil {
			t.Errorf("chunk %d's blob is still there", seq)
		}
	}
}

// checkSweptIncomplete: a segment whose browser went with a chunk
// missing is finalised by the sweep once the interview has ended Grace
// ago: incomplete, one gap, the chunks there are kept in order.
func checkSweptIncomplete(t *testing.T, f recordingFixture, chunks [][]byte) {
	t.Helper()
	begin := f.cand.call("POST", f.base, beginAudio).want(t, http.StatusCreated)
	if begin["segment"] != 1.0 {
		t.Fatalf("the second begin answered %v", begin)
	}
	putChunk(f.cand, f.base, 1, 0, chunks[0]).want(t, http.StatusCreated)
	putChunk(f.cand, f.base, 1, 2, chunks[2]).want(t, http.StatusCreated)
	fin := f.cand.call("POST", f.base+"/1/finish", `{"chunks":3}`).want(t, http.StatusOK)
	if fin["status"] != interview.SegmentRecording {
		t.Fatalf("finish with a chunk missing answered %v", fin)
	}
	if n, err := f.app.Recordings.Sweep(t.Context()); n != 0 || err != nil {
		t.Fatalf("the sweep during the interview finalised %d (%v)", n, err)
	}
	ended := time.Now().Add(-2 * recording.Grace)
	if _, err := f.app.Store.TransitionSession(t.Context(), f.tenant, f.id1, interview.StatusAbandoned, "test", ended); err != nil {
		t.Fatal(err)
	}
	putChunk(f.cand, f.base, 1, 1, chunks[1]).wantError(t, http.StatusConflict, interview.CodeClosed, "")
	f.cand.call("POST", f.base, beginAudio).wantError(t, http.StatusConflict, interview.CodeClosed, "")
	if n, err := f.app.Recordings.Sweep(t.Context()); n != 1 || err != nil {
		t.Fatalf("the sweep after the interview finalised %d (%v), want 1", n, err)
	}
	seg, file := readSegment(t, f, 1)
	if seg.Status != interview.SegmentIncomplete || seg.Gaps != 1 {
		t.Errorf("swept segment %+v, want incomplete with 1 gap", seg)
	}
	if !bytes.HasSuffix(file, chunks[2]) || len(file) < len(chunks[0])+len(chunks[2]) {
		t.Errorf("the incomplete file (%d bytes) is not chunks 0 and 2", len(file))
	}
}

// TestRecordingUploadRefusals on both stores: every bad request gets its
// JSON error and stores nothing.
func TestRecordingUploadRefusals(t *testing.T) {
	for _, o := range bothStores() {
		t.Run(o.name, func(t *testing.T) {
			f := newRecordingFixture(t, o.open(t), 0)
			f.cand.call("POST", f.base, beginAudio).want(t, http.StatusCreated)
			stranger := f.app.client()
			chunk := []byte("\x1a\x45\xdf\xa3 a chunk")
			octet := []string{"Content-Type", "application/octet-stream"}
			cases := []struct {
				name, method, path, body string
				client                   *testClient
				header                   []string
				status                   int
				code                     interview.Code
				msg                      string
			}{
				{"video not recorded", "POST", f.base, `{"mimeType":"video/webm;codecs=vp8,opus","video":true}`, f.cand, nil, 409, interview.CodeConflict, "camera"},
				{"another type", "POST", f.base, `{"mimeType":"audio/ogg","video":false}`, f.cand, nil, 400, interview.CodeInvalid, "mimeType"},
				{"odd codecs", "POST", f.base, `{"mimeType":"audio/webm;codecs=<x>","video":false}`, f.cand, nil, 400, interview.CodeInvalid, "mimeType"},
				{"begin not JSON", "POST", f.base, beginAudio, f.cand, []string{"Content-Type", "text/plain"}, 415, interview.CodeInvalid, "application/json"},
				{"begin from another site", "POST", f.base, beginAudio, f.cand, []string{"Sec-Fetch-Site", "cross-site"}, 403, interview.CodeForbidden, "another site"},
				{"begin without the cookie", "POST", f.base, beginAudio, stranger, nil, 401, interview.CodeUnauthorized, ""},
				{"begin with another link's cookie", "POST", f.base, beginAudio, f.neighbour, nil, 403, interview.CodeForbidden, "another interview"},
				{"chunk from another site", "PUT", f.base + "/0/0", string(chunk), f.cand, append(octet, "Sec-Fetch-Site", "cross-site"), 403, interview.CodeForbidden, "another site"},
				{"chunk from another origin", "PUT", f.base + "/0/0", string(chunk), f.cand, append(octet, "Origin", "https://evil.example"), 403, interview.CodeForbidden, "another site"},
				{"chunk with another link's cookie", "PUT", f.base + "/0/0", string(chunk), f.neighbour, octet, 403, interview.CodeForbidden, "another interview"},
				{"chunk without the cookie", "PUT", f.base + "/0/0", string(chunk), stranger, octet, 401, interview.CodeUnauthorized, ""},
				{"chunk as a form", "PUT", f.base + "/0/0", string(chunk), f.cand, []string{"Content-Type", "application/x-www-form-urlencoded"}, 415, interview.CodeInvalid, "Content-Type"},
				{"chunk as text", "PUT", f.base + "/0/0", string(chunk), f.cand, []string{"Content-Type", "text/plain"}, 415, interview.CodeInvalid, "Content-Type"},
				{"empty chunk", "PUT", f.base + "/0/0", "", f.cand, octet, 400, interview.CodeInvalid, "empty"},
				{"unknown segment", "PUT", f.base + "/1/0", string(chunk), f.cand, octet, 404, interview.CodeNotFound, "segment"},
				{"segment past the limit", "PUT", f.base + "/50/0", string(chunk), f.cand, octet, 404, interview.CodeNotFound, "segment"},
				{"seq with a sign", "PUT", f.base + "/0/+1", string(chunk), f.cand, octet, 400, interview.CodeInvalid, "seq"},
				{"seq with a leading zero", "PUT", f.base + "/0/01", string(chunk), f.cand, octet, 400, interview.CodeInvalid, "seq"},
				{"the neighbour's segment", "PUT", f.base2 + "/0/0", string(chunk), f.neighbour, octet, 404, interview.CodeNotFound, "segment"},
				{"unknown link", "PUT", "/join/jl_nothing/recording/0/0", string(chunk), f.cand, octet, 404, interview.CodeNotFound, ""},
				{"finish negative", "POST", f.base + "/0/finish", `{"chunks":-1}`, f.cand, nil, 400, interview.CodeInvalid, "chunks"},
				{"finish with more", "POST", f.base + "/0/finish", `{"chunks":1,"done":true}`, f.cand, nil, 400, interview.CodeInvalid, "done"},
				{"finish another's", "POST", f.base + "/0/finish", `{"chunks":1}`, f.neighbour, nil, 403, interview.CodeForbidden, "another interview"},
				{"finish unknown segment", "POST", f.base + "/7/finish", `{"chunks":1}`, f.cand, nil, 404, interview.CodeNotFound, "segment"},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					tc.client.call(tc.method, tc.path, tc.body, tc.header...).wantError(t, tc.status, tc.code, tc.msg)
				})
			}
			seg, err := f.app.Store.GetSegment(t.Context(), f.tenant, f.id1, 0)
			if err != nil || seg.Chunks != 0 || seg.Status != interview.SegmentRecording {
				t.Errorf("after the refusals the segment is %+v (%v), want recording without chunks", seg, err)
			}
			if _, err := f.app.Store.GetSegment(t.Context(), f.tenant, f.id2, 0); err == nil {
				t.Errorf("the neighbour's interview has a segment")
			}
		})
	}
}

// TestRecordingUploadLimits on both stores: a chunk over MaxChunkBytes
// and one past the interview's total are 413 too_large; past MaxSegments
// a begin is 429; a position that does not record refuses to begin.
func TestRecordingUploadLimits(t *testing.T) {
	for _, o := range bothStores() {
		t.Run(o.name, func(t *testing.T) {
			f := newRecordingFixture(t, o.open(t), 10_000)
			f.cand.call("POST", f.base, beginAudio).want(t, http.StatusCreated)
			big := bytes.Repeat([]byte{1}, interview.MaxChunkBytes+1)
			putChunk(f.cand, f.base, 0, 0, big).wantError(t, http.StatusRequestEntityTooLarge, interview.CodeTooLarge, "at most")
			putChunk(f.cand, f.base, 0, 0, bytes.Repeat([]byte{1}, 6_000)).want(t, http.StatusCreated)
			putChunk(f.cand, f.base, 0, 1, bytes.Repeat([]byte{2}, 4_000)).want(t, http.StatusCreated)
			putChunk(f.cand, f.base, 0, 2, []byte{3}).wantError(t, http.StatusRequestEntityTooLarge, interview.CodeTooLarge, "10000")
			if _, err := f.app.Blobs.Open(t.Context(), recording.ChunkKey(f.tenant, f.id1, 0, 1)); err != nil {
				t.Errorf("chunk 1 within the limit: %v", err)
			}

			for i := 1; i < interview.MaxSegments; i++ {
				f.cand.call("POST", f.base, beginAudio).want(t, http.StatusCreated)
			}
			f.cand.call("POST", f.base, beginAudio).wantError(t, http.StatusTooManyRequests, interview.CodeRateLimited, "")

			quiet := newPositionVia(f.owner, "Designer", "Why?")
			setRecording(t, f.app.Store, f.tenant, quiet, false, false)
			link := joinLinkOf(f.owner, newInterviewVia(f.owner, quiet, "Grace Hopper", "grace@example.com"))
			grace := f.app.client()
			consentAsShown(t, grace, link)
			grace.call("POST", "/join/"+tokenOf(link)+"/recording", beginAudio).wantError(t, http.StatusConflict, interview.CodeConflict, "does not record")
		})
	}
}

// FuzzRecordingUpload: the path's segment and seq, and a recording's type
// from the browser, never panic, and what they accept is what they
// document.
func FuzzRecordingUpload(f *testing.F) {
	for _, s := range [][3]string{{"0", "0", "audio/webm;codecs=opus"}, {"49", "1048575", "video/webm;codecs=vp8,opus"},
		{"01", "+1", `video/mp4; codecs="avc1.42E01E, mp4a.40.2"`}, {"", "1e3", "audio/webm;codecs="}, {"-1", "0x1", "AUDIO/WEBM"}} {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, segment, seq, mimeType string) {
		i, n, err := parseChunkPath(segment, seq)
		if err == nil && (i < 0 || i >= interview.MaxSegments || n < 0 || n >= maxChunkSeq ||
			fmt.Sprint(i) != segment || fmt.Sprint(n) != seq) {
			t.Errorf("parseChunkPath(%q, %q) = %d, %d", segment, seq, i, n)
		}
		mt, err := recording.ParseMIMEType(mimeType)
		if err != nil {
			return
		}
		again, err := recording.ParseMIMEType(mt)
		if err != nil || again != mt || !chunkMediaType(mt) || !recording.SameType(mimeType, mt) {
			t.Errorf("ParseMIMEType(%q) = %q, which parses as %q, %v", mimeType, mt, again, err)
		}
		if strings.ContainsAny(mt, "\" \r\n") {
			t.Errorf("ParseMIMEType(%q) = %q", mimeType, mt)
		}
	})
}
