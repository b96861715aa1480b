package store

import (
	"encoding/json"
	"fmt"

	"github.com/interviewd/interviewd/internal/interview"
)

// rubricBody is how both stores keep a rubric's content in one JSON
// column: competencies and question links, under stable names, so that
// renaming a Go field does not change stored rubrics.
type rubricBody struct {
	Competencies  []competencyBody `json:"competencies"`
	QuestionLinks [][]string       `json:"questionLinks"`
}

type competencyBody struct {
	Key         string `json:"key"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Weight      int    `json:"weight"`
	Anchor1     string `json:"anchor1"`
	Anchor3     string `json:"anchor3"`
	Anchor5     string `json:"anchor5"`
}

// EncodeRubric is the stored JSON body of r's content.
func EncodeRubric(r interview.Rubric) ([]byte, error) {
	b := rubricBody{Competencies: make([]competencyBody, len(r.Competencies)), QuestionLinks: r.QuestionLinks}
	for i, c := range r.Competencies {
		b.Competencies[i] = competencyBody(c)
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
	r.Competencies = make([]interview.Competency, len(b.Competencies))
	for i, c := range b.Competencies {
		r.Competencies[i] = interview.Competency(c)
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
