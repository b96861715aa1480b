package templates

import (
	"slices"
	"strconv"
	"strings"

	"github.com/interviewd/interviewd/internal/interview"
)

// RubricForm is the rubric editor's fields as typed. Question links name
// competencies by their place in the form, so a competency added and
// linked before it has a name or a key keeps its links.
type RubricForm struct {
	Competencies []CompetencyForm
	// Links[i] holds the indices in Competencies that question i+1 (of
	// the questions textarea's non-blank lines) probes.
	Links   [][]int
	Version int  // the stored version shown; 0 for none yet
	Derived bool // the stored rubric was derived from the questions
}

// CompetencyForm is one competency as typed.
type CompetencyForm struct {
	Key         string // kept from the stored rubric; "" for a new one
	Name        string
	Description string
	Weight      string
	Anchor1     string
	Anchor3     string
	Anchor5     string
}

// RubricFormOf fills the editor from a stored rubric.
func RubricFormOf(r interview.Rubric) RubricForm {
	f := RubricForm{Version: r.Version, Derived: r.Derived}
	index := map[string]int{}
	for i, c := range r.Competencies {
		index[c.Key] = i
		f.Competencies = append(f.Competencies, CompetencyForm{
			Key: c.Key, Name: c.Name, Description: c.Description, Weight: strconv.Itoa(c.Weight),
			Anchor1: c.Anchor1, Anchor3: c.Anchor3, Anchor5: c.Anchor5,
		})
	}
	for _, keys := range r.QuestionLinks {
		var links []int
		for _, k := range keys {
			if i, ok := index[k]; ok {
				links = append(links, i)
			}
		}
		f.Links = append(f.Links, links)
	}
	return f
}

// linked reports whether question q probes competency c.
func (f RubricForm) linked(q, c int) bool { return q < len(f.Links) && slices.Contains(f.Links[q], c) }

// QuestionLines are the questions textarea's questions: its non-blank
// lines, trimmed, as the service keeps them.
func QuestionLines(text string) []string {
	var out []string
	for l := range strings.Lines(text) {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// competencyField is the form name of a competency's field.
func competencyField(i int, name string) string { return "c." + strconv.Itoa(i) + "." + name }

// linkField is the form name of a question's competency checkboxes.
func linkField(q int) string { return "q." + strconv.Itoa(q) + ".links" }

// competencyLabel names a competency in the link checkboxes.
func competencyLabel(i int, c CompetencyForm) string {
	if strings.TrimSpace(c.Name) != "" {
		return c.Name
	}
	return "Competency " + strconv.Itoa(i+1)
}

// rubricNote says which version the editor holds.
func (f RubricForm) rubricNote() string {
	switch {
	case f.Version == 0 && len(f.Competencies) == 0:
		return "No rubric yet. Leave it empty and one is derived from the questions when you save, or add competencies."
	case f.Version == 0:
		return "Not saved yet."
	case len(f.Competencies) == 0:
		return "With no competency, saving keeps version " + strconv.Itoa(f.Version) + " of the rubric."
	case f.Derived:
		return "Version " + strconv.Itoa(f.Version) + ", derived from the questions. Edit it to make it yours; saving a change stores a new version."
	}
	return "Version " + strconv.Itoa(f.Version) + ". Saving a change stores a new version; assessments and scorecards keep the version they used."
}

// linkedQuestions lists the numbers of the questions that probe a
// competency, "—" for none.
func linkedQuestions(r interview.Rubric, key string) string {
	var nums []string
	for i, keys := range r.QuestionLinks {
		if slices.Contains(keys, key) {
			nums = append(nums, strconv.Itoa(i+1))
		}
	}
	if len(nums) == 0 {
		return "—"
	}
	return strings.Join(nums, ", ")
}
