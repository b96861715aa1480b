package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/interviewd/interviewd/internal/hiring"
	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/templates"
)

// rubricFormOf reads the rubric editor's fields as typed: "competencies"
// says how many there are, each one's fields are c.N.*, and question I's
// checked competencies are q.I.links (indices into the competencies).
func rubricFormOf(r *http.Request) templates.RubricForm {
	n, _ := strconv.Atoi(r.PostFormValue("competencies"))
	n = min(max(n, 0), interview.MaxCompetencies)
	f := templates.RubricForm{Derived: r.PostFormValue("rubric_derived") == "1"}
	for i := range n {
		field := func(name string) string { return r.PostFormValue("c." + strconv.Itoa(i) + "." + name) }
		f.Competencies = append(f.Competencies, templates.CompetencyForm{
			Key: field("key"), Name: field("name"), Description: field("description"), Weight: strings.TrimSpace(field("weight")),
			Anchor1: field("anchor1"), Anchor3: field("anchor3"), Anchor5: field("anchor5"),
		})
	}
	questions := len(templates.QuestionLines(r.PostFormValue("questions")))
	for q := range questions {
		var links []int
		for _, v := range r.PostForm["q."+strconv.Itoa(q)+".links"] {
			if c, err := strconv.Atoi(v); err == nil && c >= 0 && c < n {
				links = append(links, c)
			}
		}
		f.Links = append(f.Links, links)
	}
	return f
}

// rubricInput turns the editor into the service's rubric: nil when it has
// no competency, which leaves the rubric to the service (the default one
// for a new position, the latest version for an existing one).
func rubricInput(f templates.RubricForm, questions int) (*interview.Rubric, error) {
	if len(f.Competencies) == 0 {
		return nil, nil
	}
	r := interview.Rubric{}
	for i, c := range f.Competencies {
		weight := 0
		if c.Weight != "" {
			w, err := strconv.Atoi(c.Weight)
			if err != nil {
				return nil, &interview.FieldError{Field: "c." + strconv.Itoa(i) + ".weight",
					Err: &interview.Error{Code: interview.CodeInvalid, Message: "competency " + strconv.Itoa(i+1) + ": the weight must be a whole number from 1 to 10"}}
			}
			weight = w
		}
		r.Competencies = append(r.Competencies, interview.Competency{
			Key: c.Key, Name: c.Name, Description: c.Description, Weight: weight,
			Anchor1: c.Anchor1, Anchor3: c.Anchor3, Anchor5: c.Anchor5,
		})
	}
	r.Normalize(questions) // gives the new competencies their keys
	for q := range r.QuestionLinks {
		if q < len(f.Links) {
			for _, c := range f.Links[q] {
				r.QuestionLinks[q] = append(r.QuestionLinks[q], r.Competencies[c].Key)
			}
		}
	}
	r.Normalize(questions) // sorts the links
	if err := r.Validate(); err != nil {
		return nil, &interview.FieldError{Field: "rubric", Err: &interview.Error{Code: interview.CodeInvalid, Message: interview.ErrorMessage(err)}}
	}
	return &r, nil
}

// editorAction is the rubric editor's button that was pressed: "add",
// "remove.N" or "refresh"; or "suggest"; "" when the form is saved.
func editorAction(r *http.Request) string {
	if r.PostFormValue("suggest") != "" {
		return "suggest"
	}
	return r.PostFormValue("rubric")
}

// applyEditorAction changes the form as the editor's button asks, without
// saving anything.
func (s *server) applyEditorAction(r *http.Request, action string, f templates.PositionForm) templates.PositionForm {
	switch {
	case action == "add" && len(f.Rubric.Competencies) < interview.MaxCompetencies:
		f.Rubric.Competencies = append(f.Rubric.Competencies, templates.CompetencyForm{Weight: strconv.Itoa(interview.DefaultWeight)})
	case strings.HasPrefix(action, "remove."):
		if i, err := strconv.Atoi(strings.TrimPrefix(action, "remove.")); err == nil {
			f.Rubric = removeCompetency(f.Rubric, i)
		}
	case action == "suggest":
		return s.suggest(r, f)
	}
	return f
}

// removeCompetency drops competency i and renumbers the links after it.
func removeCompetency(f templates.RubricForm, i int) templates.RubricForm {
	if i < 0 || i >= len(f.Competencies) {
		return f
	}
	f.Competencies = slices.Delete(slices.Clone(f.Competencies), i, i+1)
	for q, links := range f.Links {
		var kept []int
		for _, c := range links {
			switch {
			case c < i:
				kept = append(kept, c)
			case c > i:
				kept = append(kept, c-1)
			}
		}
		f.Links[q] = kept
	}
	return f
}

// suggest fills the form with the model's questions and rubric, unsaved.
func (s *server) suggest(r *http.Request, f templates.PositionForm) templates.PositionForm {
	a, _ := actor(r)
	sg, err := s.hiring.SuggestQuestions(r.Context(), a, hiring.SuggestInput{
		Title: f.Title, Description: f.Description, Language: f.Language,
	})
	if err != nil {
		code := interview.ErrorCode(err)
		s.logFailure(r, statusOf(code), err)
		msg := "The model could not suggest questions just now. Try again, or write them yourself."
		if code != interview.CodeInternal {
			msg = "The model could not suggest questions: " + sentence(interview.ErrorMessage(err))
		}
		f.Err = &templates.FormError{Message: msg, Field: "description"}
		return f
	}
	f.Questions = strings.Join(sg.Questions, "\n")
	f.Rubric = templates.RubricFormOf(sg.Rubric)
	f.Rubric.Version, f.Rubric.Derived = 0, false
	f.Suggested = true
	return f
}
