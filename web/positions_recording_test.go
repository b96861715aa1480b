package web

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/interviewd/interviewd/internal/interview"
)

// TestPositionRecordingFields: the editor's recording boxes (audio ticked
// by default, camera not), what they store, the camera refused without
// audio beside its box, and a form post without the boxes keeping the
// defaults.
func TestPositionRecordingFields(t *testing.T) {
	for _, o := range bothStores() {
		t.Run(o.name, func(t *testing.T) {
			app := newTestApp(t, o.open(t))
			owner := app.client()
			tenant := owner.signUp("Acme", "owner@acme.test")
			doc := owner.page("/app/positions/new", http.StatusOK)
			if _, on := doc.Find(testID("record-audio")).Attr("checked"); !on {
				t.Error("a new position's audio box is not ticked")
			}
			if _, on := doc.Find(testID("record-video")).Attr("checked"); on {
				t.Error("a new position's camera box is ticked")
			}

			for _, c := range []struct {
				name         string
				audio, video []string // the form's values; nil: the form has no such field
				want         [2]bool
				facts        string
			}{
				{"both", []string{"0", "1"}, []string{"0", "1"}, [2]bool{true, true}, "The conversation and the candidate's camera"},
				{"audio", []string{"0", "1"}, []string{"0"}, [2]bool{true, false}, "The conversation (audio)"},
				{"none", []string{"0"}, []string{"0"}, [2]bool{false, false}, "Nothing: only the transcript is kept"},
				{"no boxes in the form", nil, nil, [2]bool{true, false}, "The conversation (audio)"},
			} {
				form := url.Values{"title": {"Engineer " + c.name}, "questions": {"Why?"}}
				if c.audio != nil {
					form["record_audio"], form["record_video"] = c.audio, c.video
				}
				id := idFromLocation(t, owner.postRedirect("/app/positions/new", form), "positions")
				p, err := app.Store.GetPosition(t.Context(), tenant, id)
				if err != nil || [2]bool{p.RecordAudio, p.RecordVideo} != c.want {
					t.Errorf("%s: stored audio %v video %v (%v), want %v", c.name, p.RecordAudio, p.RecordVideo, err, c.want)
				}
				doc := owner.page("/app/positions/"+id, http.StatusOK)
				if got := doc.Find(testID("position-recording")).Text(); got != c.facts {
					t.Errorf("%s: the page says %q, want %q", c.name, got, c.facts)
				}
				_, audio := doc.Find(testID("record-audio")).Attr("checked")
				_, video := doc.Find(testID("record-video")).Attr("checked")
				if [2]bool{audio, video} != c.want {
					t.Errorf("%s: the editor's boxes %v, want %v", c.name, [2]bool{audio, video}, c.want)
				}
			}

			res := owner.post("/app/positions/new", url.Values{"title": {"Camera alone"}, "record_audio": {"0"}, "record_video": {"0", "1"}})
			doc = parseHTML(t, res)
			box := doc.Find(testID("record-video"))
			if res.StatusCode != http.StatusBadRequest || box.AttrOr("aria-invalid", "") != "true" || doc.Find(testID("field-error-record_video")).Length() != 1 ||
				doc.Find(testID("form-error-item")+` a[href="#record_video"]`).Length() != 1 {
				t.Errorf("the camera without audio: %d, not refused beside its box", res.StatusCode)
			}
			if _, on := box.Attr("checked"); !on {
				t.Error("the refused form lost the camera box as ticked")
			}
		})
	}
}

// TestAPIPositionRecording: recordAudio defaults to true and recordVideo
// to false; the camera without audio is 400 on the field recordVideo.
func TestAPIPositionRecording(t *testing.T) {
	forEachStore(t, func(t *testing.T, app *testApp) {
		c := newAPITenant(t, app, "Acme")
		for _, tc := range []struct {
			body         string
			audio, video bool
		}{
			{`{"title":"Default"}`, true, false},
			{`{"title":"Silent","recordAudio":false}`, false, false},
			{`{"title":"Camera","recordVideo":true}`, true, true},
			{`{"title":"Audio","recordAudio":true,"recordVideo":false}`, true, false},
		} {
			m := c.call("POST", "/api/v1/positions", tc.body).want(t, http.StatusCreated)
			if m["recordAudio"] != tc.audio || m["recordVideo"] != tc.video {
				t.Errorf("%s: recordAudio %v recordVideo %v, want %v %v", tc.body, m["recordAudio"], m["recordVideo"], tc.audio, tc.video)
			}
			got := c.call("GET", "/api/v1/positions/"+m["id"].(string), "").want(t, http.StatusOK)
			if got["recordAudio"] != tc.audio || got["recordVideo"] != tc.video {
				t.Errorf("%s: GET shows recordAudio %v recordVideo %v", tc.body, got["recordAudio"], got["recordVideo"])
			}
		}
		c.call("POST", "/api/v1/positions", `{"title":"Camera alone","recordAudio":false,"recordVideo":true}`).
			wantError(t, http.StatusBadRequest, interview.CodeInvalid, "camera")
		c.call("POST", "/api/v1/positions", `{"title":"Bad","recordAudio":"yes"}`).want(t, http.StatusBadRequest)
	})
}
