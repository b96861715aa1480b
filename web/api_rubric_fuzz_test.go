package web

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/interviewd/interviewd/internal/interview"
)

// FuzzRubricJSON feeds the rubric parser of PUT /positions/{id}/rubric
// (and "rubric" in POST /positions) arbitrary bodies: it never panics, a
// rubric it accepts is valid with one link list per question, and the
// accepted rubric, shown and sent back, parses to the same content.
func FuzzRubricJSON(f *testing.F) {
	f.Add([]byte(`{"competencies":[{"name":"System design","weight":3,"anchor1":"a","anchor3":"b","anchor5":"c"},{"name":"Go"}],"questionLinks":[["go"],["go","system-design"]]}`), 2)
	f.Add([]byte(`{"competencies":[{"name":"Go"},{"name":"go"},{"key":"go","name":"Go!"}],"questionLinks":[["go-2"]]}`), 1)
	f.Add([]byte(`{"competencies":[{"name":"   "}]}`), 0)
	f.Add([]byte(`{"competencies":[{"name":"Ünïcödé ✓","weight":10}],"questionLinks":[[],[],[]]}`), 5)
	f.Add([]byte(`{"competencies":null,"questionLinks":[["x"]]}`), 3)
	f.Fuzz(func(t *testing.T, body []byte, questions int) {
		questions = max(0, questions%(interview.MaxQuestions+1))
		var in rubricRequest
		if decodeJSONBody(bytes.NewReader(body), &in) != nil {
			return
		}
		r := in.rubric()
		r.Normalize(questions)
		if r.Validate() != nil {
			return
		}
		if len(r.QuestionLinks) != questions {
			t.Fatalf("%d link lists for %d questions", len(r.QuestionLinks), questions)
		}
		keys := map[string]bool{}
		for _, c := range r.Competencies {
			if keys[c.Key] || c.Weight < interview.MinWeight || c.Weight > interview.MaxWeight {
				t.Fatalf("accepted competency %+v (key seen: %v)", c, keys[c.Key])
			}
			keys[c.Key] = true
		}
		shown, err := json.Marshal(toAPIRubric(r))
		if err != nil {
			t.Fatal(err)
		}
		var again rubricRequest
		if err := json.Unmarshal(shown, &again); err != nil {
			t.Fatalf("the shown rubric does not parse back: %v", err)
		}
		back := again.rubric()
		back.Normalize(questions)
		if back.Validate() != nil || !back.SameContent(r) {
			t.Fatalf("round trip changed the rubric:\n%+v\n%+v", r, back)
		}
	})
}
