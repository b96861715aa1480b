package templates

import (
	"net/url"
	"strconv"

	"github.com/interviewd/interviewd/internal/hiring"
	"github.com/interviewd/interviewd/internal/interview"
)

// CompareView is a position's candidates side by side, as filtered and
// sorted by the query string.
type CompareView struct {
	Comparison hiring.Comparison
	Filter     hiring.ComparisonFilter
}

// compareColumn is one sortable column header.
type compareColumn struct {
	Sort  string // the ComparisonFilter.Sort value
	Label string
}

// columns lists the table's sortable columns, the AI's per competency.
func (v CompareView) columns() []compareColumn {
	cols := []compareColumn{
		{"candidate", "Candidate"}, {"status", "Interview"}, {"hiring", "Hiring status"},
		{"completion", "Completion"}, {"duration", "Duration"}, {"human", "Human average"},
	}
	if v.Comparison.AI.Enabled || v.hasAI() {
		cols = append(cols, compareColumn{"ai", "AI overall"})
		for _, c := range v.Comparison.Rubric.Competencies {
			cols = append(cols, compareColumn{"ai:" + c.Key, "AI: " + c.Name})
		}
		cols = append(cols, compareColumn{"recommendation", "AI recommendation"})
	}
	return cols
}

// label is the header of the column sorted by sort: a cell's label when
// the table is shown as cards on a phone.
func (v CompareView) label(sort string) string {
	for _, c := range v.columns() {
		if c.Sort == sort {
			return c.Label
		}
	}
	return ""
}

// hasAI reports whether any row holds an AI result (assessments made
// before the model was turned off are still shown).
func (v CompareView) hasAI() bool {
	for _, r := range v.Comparison.Rows {
		if r.AI != nil {
			return true
		}
	}
	return false
}

// showAI reports whether the AI's columns are shown.
func (v CompareView) showAI() bool { return v.Comparison.AI.Enabled || v.hasAI() }

// compareHref is the page's address with the given sort, keeping the filter.
func (v CompareView) compareHref(sort string, desc bool) string {
	q := url.Values{}
	if v.Filter.HiringStatus != "" {
		q.Set("status", string(v.Filter.HiringStatus))
	}
	if sort != "" {
		q.Set("sort", sort)
	}
	if desc {
		q.Set("desc", "1")
	}
	return compareBase(v.Comparison.Position) + queryOf(q)
}

// sortHref is where a column's header leads: sorted by it, ascending, or
// reversed when it is the current sort.
func (v CompareView) sortHref(col string) string {
	return v.compareHref(col, v.Filter.Sort == col && !v.Filter.Desc)
}

// ariaSort is a column header's aria-sort.
func (v CompareView) ariaSort(col string) string {
	switch {
	case v.Filter.Sort != col:
		return "none"
	case v.Filter.Desc:
		return "descending"
	}
	return "ascending"
}

// sortHint says what following a header's link does, for its title.
func (v CompareView) sortHint(col compareColumn) string {
	if v.Filter.Sort == col.Sort && !v.Filter.Desc {
		return "Sort by " + col.Label + ", descending"
	}
	return "Sort by " + col.Label + ", ascending"
}

// csvHref downloads the table as filtered and sorted.
func (v CompareView) csvHref() string {
	q := url.Values{"format": {"csv"}}
	if v.Filter.HiringStatus != "" {
		q.Set("status", string(v.Filter.HiringStatus))
	}
	if v.Filter.Sort != "" {
		q.Set("sort", v.Filter.Sort)
	}
	if v.Filter.Desc {
		q.Set("desc", "1")
	}
	return compareBase(v.Comparison.Position) + queryOf(q)
}

func compareBase(p interview.Position) string { return positionHref(p) + "/compare" }

func queryOf(q url.Values) string {
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}

// aiScore is a row's AI score of a competency, "—" when none.
func aiScore(r hiring.ComparisonRow, key string) string {
	if r.AI == nil {
		return "—"
	}
	for _, c := range r.AI.Competencies {
		if c.Key == key {
			return strconv.Itoa(c.Score)
		}
	}
	return "—"
}

// aiOverall is a row's AI overall score, "—" when none.
func aiOverall(r hiring.ComparisonRow) string {
	if r.AI == nil {
		return "—"
	}
	return oneDecimal(r.AI.Overall)
}

// aiRecommendation is a row's AI recommendation, "—" when none.
func aiRecommendation(r hiring.ComparisonRow) string {
	if r.AI == nil {
		return "—"
	}
	return recommendationLabel(r.AI.Recommendation)
}

// humanText is a row's human average with how many scored it.
func humanText(r hiring.ComparisonRow) string {
	if r.HumanCount == 0 {
		return "—"
	}
	return oneDecimal(r.HumanOverall) + " (" + strconv.Itoa(r.HumanCount) + ")"
}

// completionText is a row's completion, "—" before it started.
func completionText(r hiring.ComparisonRow) string {
	if r.Total == 0 {
		return "—"
	}
	return percent(r.Completion) + " (" + strconv.Itoa(r.Answered) + "/" + strconv.Itoa(r.Total) + ")"
}

// durationText is a row's duration, "—" before it started.
func durationText(r hiring.ComparisonRow) string {
	if r.Duration == 0 {
		return "—"
	}
	return duration(r.Duration)
}

// CompareLink is a position's "Compare candidates" address.
func CompareLink(p interview.Position) string { return compareBase(p) }
