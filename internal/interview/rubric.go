package interview

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
)

// Limits on a rubric.
const (
	MaxCompetencies = 20
	MinWeight       = 1
	MaxWeight       = 10
	DefaultWeight   = 1
)

// Rubric is how a position's interviews are judged: its competencies, each
// scored on a 1–5 scale anchored by a sentence for 1, 3 and 5, and which
// competencies each question probes. A position's rubric is versioned:
// every change stores a new version, and an assessment or a scorecard
// records the version it used (docs/assessment.md).
type Rubric struct {
	ID           string
	TenantID     string
	PositionID   string
	Version      int // 1, 2, …; assigned by the store
	Competencies []Competency
	// QuestionLinks[i] holds the keys of the competencies that question
	// i+1 of the position (as it was when the version was saved) probes.
	// It has one element per question; an element may be empty.
	QuestionLinks [][]string
	// Derived is true for a rubric made from the questions by
	// DefaultRubric, not written by a person.
	Derived   bool
	CreatedBy string // user or API key ID; empty when derived by the server
	CreatedAt time.Time
}

// Competency is one thing a rubric scores. Its JSON names are both the
// stored form (in a rubric's body) and the integration API's.
type Competency struct {
	Key         string `json:"key"` // stable within a rubric: a slug of the name, unique
	Name        string `json:"name"`
	Description string `json:"description"` // what good looks like
	Weight      int    `json:"weight"`      // MinWeight..MaxWeight; its share of the overall score
	Anchor1     string `json:"anchor1"`     // what a 1 looks like
	Anchor3     string `json:"anchor3"`     // what a 3 looks like
	Anchor5     string `json:"anchor5"`     // what a 5 looks like
}

// CompetencyKey makes the key of a competency from its name: lower case
// letters and digits joined by hyphens, at most 40 bytes ("System design"
// becomes "system-design"). A name with no letter or digit gives "c".
func CompetencyKey(name string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(r)
		default:
			hyphen = true
		}
		if b.Len() >= 40 {
			break
		}
	}
	if b.Len() == 0 {
		return "c"
	}
	return strings.TrimRight(b.String()[:min(b.Len(), 40)], "-")
}

// Normalize fills what a person may leave out: keys from names (made
// unique with a suffix), weights of 0 as DefaultWeight, and QuestionLinks
// padded or cut to questions elements. Links to unknown keys are kept so
// that Validate can name them.
func (r *Rubric) Normalize(questions int) {
	seen := map[string]bool{}
	for i := range r.Competencies {
		c := &r.Competencies[i]
		c.Name = strings.TrimSpace(c.Name)
		c.Description = strings.TrimSpace(c.Description)
		c.Anchor1, c.Anchor3, c.Anchor5 = strings.TrimSpace(c.Anchor1), strings.TrimSpace(c.Anchor3), strings.TrimSpace(c.Anchor5)
		if c.Key == "" {
			c.Key = CompetencyKey(c.Name)
		}
		base, n := c.Key, 2
		for seen[c.Key] {
			c.Key = fmt.Sprintf("%s-%d", base, n)
			n++
		}
		seen[c.Key] = true
		if c.Weight == 0 {
			c.Weight = DefaultWeight
		}
	}
	links := make([][]string, questions)
	for i := range links {
		if i < len(r.QuestionLinks) && r.QuestionLinks[i] != nil {
			links[i] = slices.Compact(slices.Sorted(slices.Values(r.QuestionLinks[i])))
		} else {
			links[i] = []string{}
		}
	}
	r.QuestionLinks = links
}

// Validate checks a rubric a person wrote (after Normalize).
func (r Rubric) Validate() error {
	if len(r.Competencies) == 0 {
		return Errorf(CodeInvalid, "a rubric needs at least one competency")
	}
	if len(r.Competencies) > MaxCompetencies {
		return Errorf(CodeInvalid, "a rubric may have at most %d competencies", MaxCompetencies)
	}
	keys := map[string]bool{}
	for i, c := range r.Competencies {
		checks := []error{
			checkText("name", "competency name", c.Name, 1, 100),
			checkText("description", "what good looks like", c.Description, 0, 2000),
			checkText("anchor1", "anchor for 1", c.Anchor1, 0, 500),
			checkText("anchor3", "anchor for 3", c.Anchor3, 0, 500),
			checkText("anchor5", "anchor for 5", c.Anchor5, 0, 500),
		}
		for _, err := range checks {
			if err != nil {
				return Errorf(CodeInvalid, "competency %d: %s", i+1, err)
			}
		}
		if c.Weight < MinWeight || c.Weight > MaxWeight {
			return Errorf(CodeInvalid, "competency %d: weight must be between %d and %d", i+1, MinWeight, MaxWeight)
		}
		if c.Key == "" || len(c.Key) > 50 {
			return Errorf(CodeInvalid, "competency %d: a key of 1 to 50 characters is needed", i+1)
		}
		if keys[c.Key] {
			return Errorf(CodeInvalid, "competency %d: the key %q is used twice", i+1, c.Key)
		}
		keys[c.Key] = true
	}
	for i, links := range r.QuestionLinks {
		for _, k := range links {
			if !keys[k] {
				return Errorf(CodeInvalid, "question %d is linked to %q, which is not a competency of the rubric", i+1, k)
			}
		}
	}
	return nil
}

// Competency returns the competency with key k.
func (r Rubric) Competency(k string) (Competency, bool) {
	i := slices.IndexFunc(r.Competencies, func(c Competency) bool { return c.Key == k })
	if i < 0 {
		return Competency{}, false
	}
	return r.Competencies[i], true
}

// SameContent reports whether r and o judge alike: the same competencies
// and links, whatever their IDs, versions and authors. Saving a rubric
// that has the same content as the latest version stores no new version.
func (r Rubric) SameContent(o Rubric) bool {
	if !slices.Equal(r.Competencies, o.Competencies) || len(r.QuestionLinks) != len(o.QuestionLinks) {
		return false
	}
	for i := range r.QuestionLinks {
		if !slices.Equal(r.QuestionLinks[i], o.QuestionLinks[i]) {
			return false
		}
	}
	return r.Derived == o.Derived
}

// WeightedMean is the mean of scores by competency key, weighted by the
// rubric's weights: the overall score of an assessment or of people's
// scorecards. Keys not in the rubric and competencies with no score do
// not count; no score at all gives 0.
func (r Rubric) WeightedMean(scores map[string]float64) float64 {
	var total, weights float64
	for _, c := range r.Competencies {
		if v, ok := scores[c.Key]; ok {
			total += v * float64(c.Weight)
			weights += float64(c.Weight)
		}
	}
	if weights == 0 {
		return 0
	}
	return total / weights
}
