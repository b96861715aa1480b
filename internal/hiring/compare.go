package hiring

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// Compare builds a position's comparison for a.
func (s *Service) Compare(ctx context.Context, a Actor, positionID string, f ComparisonFilter) (Comparison, error) {
	less, err := comparisonOrder(f.Sort)
	if err != nil {
		return Comparison{}, err
	}
	if f.HiringStatus != "" && !f.HiringStatus.Valid() {
		return Comparison{}, interview.Errorf(interview.CodeInvalid, "the hiring status must be one of new, shortlisted, advanced, rejected")
	}
	db := s.db(a)
	p, err := db.GetPosition(ctx, a.TenantID, positionID)
	if err != nil {
		return Comparison{}, wrap("compare", err)
	}
	c := Comparison{Position: p, AI: s.ai}
	if c.Rubric, err = s.rubricOf(ctx, a, p); err != nil {
		return c, err
	}
	list, err := s.positionInterviews(ctx, a, p.ID, f.HiringStatus)
	if err != nil {
		return c, err
	}
	cards, err := db.ListPositionScorecards(ctx, a.TenantID, p.ID)
	if err != nil {
		return c, wrap("compare", err)
	}
	done, err := db.ListPositionAssessments(ctx, a.TenantID, p.ID)
	if err != nil {
		return c, wrap("compare", err)
	}
	for _, v := range list {
		row, err := s.comparisonRow(ctx, a, p, c.Rubric, v, cards, done)
		if err != nil {
			return c, err
		}
		c.Rows = append(c.Rows, row)
	}
	sortRows(c.Rows, less, f.Desc)
	return c, nil
}

// positionInterviews lists every interview of a position, newest first.
func (s *Service) positionInterviews(ctx context.Context, a Actor, positionID string, hs interview.HiringStatus) ([]interview.SessionSummary, error) {
	var all []interview.SessionSummary
	for {
		f := interview.SessionFilter{PositionID: positionID, HiringStatus: hs, Limit: store.MaxListLimit, Offset: len(all)}
		page, err := s.db(a).ListSessions(ctx, a.TenantID, f)
		if err != nil {
			return nil, wrap("compare", err)
		}
		all = append(all, page...)
		if len(page) < f.Limit {
			return all, nil
		}
	}
}

// comparisonRow measures one interview, with the scores a may see.
func (s *Service) comparisonRow(ctx context.Context, a Actor, p interview.Position, r interview.Rubric,
	v interview.SessionSummary, cards []interview.Scorecard, done []interview.Assessment) (ComparisonRow, error) {
	rep, err := s.analyticsOf(ctx, a, Interview{Session: v.Session, Position: p})
	if err != nil {
		return ComparisonRow{}, err
	}
	row := ComparisonRow{Interview: v, Completion: rep.Completion, Answered: rep.Answered, Total: rep.TotalQuestions, Duration: rep.Duration}
	own := slices.DeleteFunc(slices.Clone(cards), func(c interview.Scorecard) bool { return c.InterviewID != v.ID })
	if row.Revealed = revealed(a, own); !row.Revealed {
		return row, nil
	}
	row.HumanAverage, row.HumanOverall, row.HumanCount = HumanScores(r, own)
	if i := slices.IndexFunc(done, func(x interview.Assessment) bool { return x.InterviewID == v.ID }); i >= 0 {
		row.AI = done[i].Result
	}
	return row, nil
}

// rowKey is a row's value in a sort column, and whether it has one.
type rowKey func(ComparisonRow) (any, bool)

// comparisonOrder returns the key of a sort column; nil for newest first.
func comparisonOrder(col string) (rowKey, error) {
	if k, ok := strings.CutPrefix(col, "ai:"); ok && k != "" {
		return func(r ComparisonRow) (any, bool) {
			if r.AI == nil {
				return nil, false
			}
			i := slices.IndexFunc(r.AI.Competencies, func(c interview.CompetencyScore) bool { return c.Key == k })
			if i < 0 {
				return nil, false
			}
			return float64(r.AI.Competencies[i].Score), true
		}, nil
	}
	keys := map[string]rowKey{
		"":           nil,
		"candidate":  func(r ComparisonRow) (any, bool) { return strings.ToLower(r.Interview.CandidateName), true },
		"status":     func(r ComparisonRow) (any, bool) { return string(r.Interview.Status), true },
		"hiring":     func(r ComparisonRow) (any, bool) { return hiringRank(r.Interview.HiringStatus), true },
		"completion": func(r ComparisonRow) (any, bool) { return r.Completion, true },
		"duration":   func(r ComparisonRow) (any, bool) { return float64(r.Duration), true },
		"ai": func(r ComparisonRow) (any, bool) {
			return aiValue(r, func(x *interview.AssessmentResult) float64 { return x.Overall })
		},
		"human": func(r ComparisonRow) (any, bool) { return r.HumanOverall, r.Revealed && r.HumanCount > 0 },
		"recommendation": func(r ComparisonRow) (any, bool) {
			return aiValue(r, func(x *interview.AssessmentResult) float64 {
				return float64(slices.Index(interview.Recommendations, x.Recommendation))
			})
		},
	}
	k, ok := keys[col]
	if !ok {
		return nil, &interview.FieldError{Field: "sort", Err: &interview.Error{Code: interview.CodeInvalid,
			Message: "sort must be one of candidate, status, hiring, completion, duration, ai, human, recommendation or ai:KEY"}}
	}
	return k, nil
}

// aiValue is f of a row's AI result, when there is one to see.
func aiValue(r ComparisonRow, f func(*interview.AssessmentResult) float64) (any, bool) {
	if r.AI == nil {
		return nil, false
	}
	return f(r.AI), true
}

// hiringRank orders hiring statuses as the UI lists them.
func hiringRank(h interview.HiringStatus) float64 {
	return float64(slices.Index(interview.HiringStatuses, h))
}

// sortRows orders rows by key, ascending or descending; rows without a
// value (hidden or missing) go last either way, and ties keep the newest
// first.
func sortRows(rows []ComparisonRow, key rowKey, desc bool) {
	if key == nil {
		return
	}
	slices.SortStableFunc(rows, func(a, b ComparisonRow) int {
		va, oka := key(a)
		vb, okb := key(b)
		switch {
		case !oka || !okb:
			return cmpBool(okb, oka)
		case desc:
			return compareAny(vb, va)
		}
		return compareAny(va, vb)
	})
}

// cmpBool orders false before true.
func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}

// compareAny compares two keys of one column: strings or float64s.
func compareAny(a, b any) int {
	if x, ok := a.(string); ok {
		return cmp.Compare(x, b.(string))
	}
	return cmp.Compare(a.(float64), b.(float64))
}
