package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/interviewd/interviewd/internal/hiring"
	"github.com/interviewd/interviewd/internal/interview"
)

// comparisonResponse is a position's comparison as the API shows it.
type comparisonResponse struct {
	PositionID    string          `json:"positionId"`
	PositionTitle string          `json:"positionTitle"`
	Advisory      bool            `json:"advisory"` // the "ai" of each row is the AI's, advisory only
	AIEnabled     bool            `json:"aiEnabled"`
	Rubric        *apiRubric      `json:"rubric"`
	Rows          []comparisonRow `json:"rows"`
}

// comparisonRow is one interview of the position.
type comparisonRow struct {
	InterviewID     string                 `json:"interviewId"`
	Candidate       apiCandidate           `json:"candidate"`
	Status          interview.Status       `json:"status"`
	HiringStatus    interview.HiringStatus `json:"hiringStatus"`
	Completion      float64                `json:"completion"`
	Answered        int                    `json:"answered"`
	TotalQuestions  int                    `json:"totalQuestions"`
	DurationSeconds float64                `json:"durationSeconds"`
	AI              *comparisonAI          `json:"ai"`
	HumanAverage    map[string]float64     `json:"humanAverage"`
	HumanOverall    *float64               `json:"humanOverall"`
	HumanCount      int                    `json:"humanCount"`
}

// comparisonAI is the AI's latest finished assessment of a row, in short.
type comparisonAI struct {
	Overall        float64                  `json:"overall"`
	Recommendation interview.Recommendation `json:"recommendation"`
	Scores         map[string]int           `json:"scores"`
	Flagged        []string                 `json:"flagged"` // competency keys whose evidence needs a closer look
}

// apiCompare returns a position's candidates side by side, as JSON or,
// with ?format=csv, as CSV.
func (s *server) apiCompare(w http.ResponseWriter, r *http.Request) {
	f, format, err := comparisonParams(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.hiring.Compare(r.Context(), apiActor(r), chi.URLParam(r, "id"), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if format == "csv" {
		writeComparisonCSV(w, c)
		return
	}
	writeAPI(w, http.StatusOK, toComparison(c))
}

// comparisonParams reads ?hiringStatus=&sort=&desc=&format=.
func comparisonParams(r *http.Request) (hiring.ComparisonFilter, string, error) {
	q := r.URL.Query()
	f := hiring.ComparisonFilter{HiringStatus: interview.HiringStatus(q.Get("hiringStatus")), Sort: q.Get("sort")}
	desc, err := boolParam(r, "desc")
	f.Desc = desc
	format := q.Get("format")
	if err == nil && format != "" && format != "json" && format != "csv" {
		err = invalidf("format must be json or csv")
	}
	return f, format, err
}

// writeComparisonCSV sends c as a CSV download.
func writeComparisonCSV(w http.ResponseWriter, c hiring.Comparison) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="comparison.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	hiring.WriteComparisonCSV(w, c) //nolint:errcheck // the client has gone; nothing to do
}

func toComparison(c hiring.Comparison) comparisonResponse {
	out := comparisonResponse{PositionID: c.Position.ID, PositionTitle: c.Position.Title, Advisory: true,
		AIEnabled: c.AI.Enabled, Rubric: toAPIRubric(c.Rubric), Rows: []comparisonRow{}}
	for _, row := range c.Rows {
		v := row.Interview
		cr := comparisonRow{
			InterviewID: v.ID, Candidate: apiCandidate{ID: v.CandidateID, Name: v.CandidateName, Email: v.CandidateEmail},
			Status: v.Status, HiringStatus: v.HiringStatus, Completion: row.Completion, Answered: row.Answered,
			TotalQuestions: row.Total, DurationSeconds: row.Duration.Seconds(), HumanAverage: row.HumanAverage,
			HumanCount: row.HumanCount, AI: toComparisonAI(row.AI),
		}
		if cr.HumanAverage == nil {
			cr.HumanAverage = map[string]float64{}
		}
		if row.HumanCount > 0 {
			cr.HumanOverall = &row.HumanOverall
		}
		out.Rows = append(out.Rows, cr)
	}
	return out
}

func toComparisonAI(r *interview.AssessmentResult) *comparisonAI {
	if r == nil {
		return nil
	}
	out := &comparisonAI{Overall: r.Overall, Recommendation: r.Recommendation, Scores: map[string]int{}, Flagged: []string{}}
	for _, c := range r.Competencies {
		out.Scores[c.Key] = c.Score
		if c.Flagged {
			out.Flagged = append(out.Flagged, c.Key)
		}
	}
	return out
}
