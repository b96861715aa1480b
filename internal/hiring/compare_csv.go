package hiring

import (
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/interviewd/interviewd/internal/interview"
)

// hiddenCell is what a CSV shows for a score its reader may not see yet.
const hiddenCell = "score to see"

// WriteComparisonCSV writes c as CSV, one row per interview. Columns of
// the AI's output are named "AI …" (it is advisory); every text cell is
// safe to open in a spreadsheet (csvCell).
func WriteComparisonCSV(w io.Writer, c Comparison) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader(c.Rubric)); err != nil {
		return err
	}
	for _, row := range c.Rows {
		if err := cw.Write(csvRow(c.Rubric, row)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func csvHeader(r interview.Rubric) []string {
	h := []string{"Candidate", "Email", "Interview ID", "Status", "Hiring status", "Completion (%)",
		"Answered", "Questions", "Duration (s)", "AI overall", "AI recommendation"}
	for _, c := range r.Competencies {
		h = append(h, "AI "+c.Name)
	}
	h = append(h, "Human overall", "Human reviewers")
	for _, c := range r.Competencies {
		h = append(h, "Human "+c.Name)
	}
	return csvCells(h)
}

func csvRow(r interview.Rubric, row ComparisonRow) []string {
	v := row.Interview
	out := []string{v.CandidateName, v.CandidateEmail, v.ID, string(v.Status), string(v.HiringStatus),
		fmt.Sprintf("%.0f", row.Completion*100), fmt.Sprint(row.Answered), fmt.Sprint(row.Total),
		fmt.Sprintf("%.0f", row.Duration.Seconds())}
	out = append(out, aiCells(r, row)...)
	out = append(out, humanCells(r, row)...)
	return csvCells(out)
}

// aiCells are the AI's overall, recommendation and competency scores.
func aiCells(r interview.Rubric, row ComparisonRow) []string {
	n := 2 + len(r.Competencies)
	switch {
	case !row.Revealed:
		return slices.Repeat([]string{hiddenCell}, n)
	case row.AI == nil:
		return make([]string, n)
	}
	out := []string{fmt.Sprintf("%.2f", row.AI.Overall), string(row.AI.Recommendation)}
	for _, c := range r.Competencies {
		i := slices.IndexFunc(row.AI.Competencies, func(s interview.CompetencyScore) bool { return s.Key == c.Key })
		cell := ""
		if i >= 0 {
			cell = fmt.Sprint(row.AI.Competencies[i].Score)
		}
		out = append(out, cell)
	}
	return out
}

// humanCells are the human overall, reviewer count and averages.
func humanCells(r interview.Rubric, row ComparisonRow) []string {
	n := 2 + len(r.Competencies)
	if !row.Revealed {
		return slices.Repeat([]string{hiddenCell}, n)
	}
	out := []string{"", fmt.Sprint(row.HumanCount)}
	if row.HumanCount > 0 {
		out[0] = fmt.Sprintf("%.2f", row.HumanOverall)
	}
	for _, c := range r.Competencies {
		cell := ""
		if v, ok := row.HumanAverage[c.Key]; ok {
			cell = fmt.Sprintf("%.2f", v)
		}
		out = append(out, cell)
	}
	return out
}

func csvCells(cells []string) []string {
	for i, c := range cells {
		cells[i] = csvCell(c)
	}
	return cells
}

// csvCell makes a cell safe from formula injection (OWASP): a spreadsheet
// runs a cell that starts with = + - @ (or a tab or carriage return before
// one), so such a cell gets a leading quote. Line breaks become spaces,
// as in every export (OneLine).
func csvCell(s string) string {
	s = OneLine(s)
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
