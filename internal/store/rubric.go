package store

import (
	"encoding/json"
	"fmt"

	"github.com/interviewd/interviewd/internal/interview"
)

// rubricBody is how both stores keep a rubric's content in one JSON
// column: competencies (under interview.Competency's JSON names, which
// the integration API shares) and question links.
type rubricBody struct {
	Competencies  []interview.Competency `json:"competencies"`
	QuestionLinks [][]string             `json:"questionLinks"`
}

// EncodeRubric is the stored JSON body of r's content.
func EncodeRubric(r interview.Rubric) ([]byte, error) {
	b := rubricBody{Competencies: r.Competencies, QuestionLinks: r.QuestionLinks}
	if b.Competencies == nil {
		b.Competencies = []interview.Competency{}
	}
	if b.QuestionLinks == nil {
		b.QuestionLinks = [][]string{}
	}
	return json.Marshal(b)
}

// DecodeRubric reads a body EncodeRubric wrote into r's content.
func DecodeRubric(data []byte, r *interview.Rubric) error {
	var b rubricBody
	if err := json.Unmarshal(data, &b); err != nil {
		return fmt.Errorf("decode rubric: %w", err)
	}
	r.Competencies = b.Competencies
	if r.Competencies == nil {
		r.Competencies = []interview.Competency{}
	}
	r.QuestionLinks = b.QuestionLinks
	if r.QuestionLinks == nil {
		r.QuestionLinks = [][]string{}
	}
	for i := range r.QuestionLinks {
		if r.QuestionLinks[i] == nil {
			r.QuestionLinks[i] = []string{}
		}
	}
	return nil
}
