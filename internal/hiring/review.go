package hiring

import (
	"context"
	"slices"
	"strings"

	"github.com/interviewd/interviewd/internal/analytics"
	"github.com/interviewd/interviewd/internal/interview"
)

// canScore reports whether a scores interviews: owners and recruiters,
// people only (integrations are not reviewers).
func canScore(a Actor) bool { return a.Kind == "user" && a.Role.CanEdit() }

// revealed reports whether a sees the others' scorecards and the AI's
// assessment of an interview whose scorecards are cards: a reviewer only
// once they have one of their own (docs/assessment.md, "Blind scoring").
func revealed(a Actor, cards []interview.Scorecard) bool {
	return !canScore(a) || mine(a, cards) != nil
}

// mine returns a's scorecard among cards, or nil.
func mine(a Actor, cards []interview.Scorecard) *interview.Scorecard {
	i := slices.IndexFunc(cards, func(c interview.Scorecard) bool { return c.ReviewerID == a.ID })
	if i < 0 || a.Kind != "user" {
		return nil
	}
	c := cards[i]
	return &c
}

// Review gathers an interview's decision panel for a.
func (s *Service) Review(ctx context.Context, a Actor, interviewID string) (Review, error) {
	iv, err := s.Interview(ctx, a, interviewID)
	if err != nil {
		return Review{}, err
	}
	rv := Review{CanScore: canScore(a), AI: s.ai}
	if rv.Rubric, err = s.rubricOf(ctx, a, iv.Position); err != nil {
		return rv, err
	}
	if rv.Analytics, err = s.analyticsOf(ctx, a, iv); err != nil {
		return rv, err
	}
	db := s.db(a)
	cards, err := db.ListScorecards(ctx, a.TenantID, interviewID)
	if err != nil {
		return rv, wrap("review", err)
	}
	rv.Mine, rv.Revealed = mine(a, cards), revealed(a, cards)
	if rv.AssessmentPending, err = s.assessmentPending(ctx, a, interviewID); err != nil {
		return rv, err
	}
	if rv.Decisions, err = db.ListHiringDecisions(ctx, a.TenantID, interviewID); err != nil {
		return rv, wrap("review", err)
	}
	if !rv.Revealed {
		return rv, nil
	}
	rv.Scorecards = cards
	rv.HumanAverage, rv.HumanOverall, _ = HumanScores(rv.Rubric, cards)
	rv.Assessments, err = db.ListAssessments(ctx, a.TenantID, interviewID)
	return rv, wrap("review", err)
}

// assessmentPending reports whether an interview has an assessment pending
// or running. It reads on the privileged path: that much is shown to a
// reviewer who may not see the assessments themselves yet.
func (s *Service) assessmentPending(ctx context.Context, a Actor, interviewID string) (bool, error) {
	list, err := s.store.ListAssessments(ctx, a.TenantID, interviewID)
	if err != nil {
		return false, wrap("list assessments", err)
	}
	return slices.ContainsFunc(list, func(x interview.Assessment) bool {
		return x.Status == interview.AssessmentPending || x.Status == interview.AssessmentRunning
	}), nil
}

// HumanScores averages the submitted (not declined) scorecards: per
// competency key of the rubric, their weighted overall (0 when none), and
// how many there are.
func HumanScores(r interview.Rubric, cards []interview.Scorecard) (map[string]float64, float64, int) {
	sum, n, count := map[string]int{}, map[string]int{}, 0
	for _, c := range cards {
		if c.Declined {
			continue
		}
		count++
		for k, v := range c.Scores {
			sum[k] += v
			n[k]++
		}
	}
	avg := map[string]float64{}
	for k := range sum {
		if _, ok := r.Competency(k); ok {
			avg[k] = float64(sum[k]) / float64(n[k])
		}
	}
	return avg, r.WeightedMean(avg), count
}

// Analytics measures an interview.
func (s *Service) Analytics(ctx context.Context, a Actor, interviewID string) (analytics.Report, error) {
	iv, err := s.Interview(ctx, a, interviewID)
	if err != nil {
		return analytics.Report{}, err
	}
	return s.analyticsOf(ctx, a, iv)
}

// analyticsOf measures iv from its transcript and question marks.
func (s *Service) analyticsOf(ctx context.Context, a Actor, iv Interview) (analytics.Report, error) {
	db := s.db(a)
	entries, err := db.ListTranscript(ctx, a.TenantID, iv.ID, 0)
	if err != nil {
		return analytics.Report{}, wrap("analytics", err)
	}
	marks, err := db.ListQuestionMarks(ctx, a.TenantID, iv.ID)
	if err != nil {
		return analytics.Report{}, wrap("analytics", err)
	}
	return analytics.Compute(iv.Position, iv.Session, entries, marks), nil
}

// Scorecards returns an interview's scorecards that a may see: all of
// them once a is not blind, else none.
func (s *Service) Scorecards(ctx context.Context, a Actor, interviewID string) ([]interview.Scorecard, error) {
	if _, err := s.db(a).GetSession(ctx, a.TenantID, interviewID); err != nil {
		return nil, wrap("list scorecards", err)
	}
	cards, err := s.db(a).ListScorecards(ctx, a.TenantID, interviewID)
	if err != nil {
		return nil, wrap("list scorecards", err)
	}
	if !revealed(a, cards) {
		return []interview.Scorecard{}, nil
	}
	return cards, nil
}

// Assessments returns an interview's AI assessments that a may see,
// newest first. To a reviewer who has not scored the interview yet they
// come without their results (Result nil): whether one is pending or
// failed is shown to everyone, what the AI thought is not.
func (s *Service) Assessments(ctx context.Context, a Actor, interviewID string) ([]interview.Assessment, error) {
	if _, err := s.db(a).GetSession(ctx, a.TenantID, interviewID); err != nil {
		return nil, wrap("list assessments", err)
	}
	cards, err := s.db(a).ListScorecards(ctx, a.TenantID, interviewID)
	if err != nil {
		return nil, wrap("list assessments", err)
	}
	if revealed(a, cards) {
		list, err := s.db(a).ListAssessments(ctx, a.TenantID, interviewID)
		return list, wrap("list assessments", err)
	}
	list, err := s.store.ListAssessments(ctx, a.TenantID, interviewID)
	for i := range list {
		list[i].Result = nil
	}
	return list, wrap("list assessments", err)
}

// SubmitScorecard saves a's scorecard of an interview (owners and
// recruiters only).
func (s *Service) SubmitScorecard(ctx context.Context, a Actor, interviewID string, in ScorecardInput) (interview.Scorecard, error) {
	if !canScore(a) {
		return interview.Scorecard{}, interview.Errorf(interview.CodeForbidden, "only owners and recruiters score interviews")
	}
	iv, err := s.Interview(ctx, a, interviewID)
	if err != nil {
		return interview.Scorecard{}, err
	}
	if !iv.Status.Terminal() {
		return interview.Scorecard{}, interview.Errorf(interview.CodeTransition, "an interview can be scored once it has ended")
	}
	cards, err := s.db(a).ListScorecards(ctx, a.TenantID, interviewID)
	if err != nil {
		return interview.Scorecard{}, wrap("submit scorecard", err)
	}
	if err := canReplace(mine(a, cards), in); err != nil {
		return interview.Scorecard{}, err
	}
	r, err := s.rubricOf(ctx, a, iv.Position)
	if err != nil {
		return interview.Scorecard{}, err
	}
	c, err := newScorecard(a, r, interviewID, in)
	if err != nil {
		return c, err
	}
	if err := s.db(a).SaveScorecard(ctx, &c); err != nil {
		return c, wrap("submit scorecard", err)
	}
	action := "scorecard.submitted"
	if c.Declined {
		action = "scorecard.declined"
	}
	s.audit(ctx, a, action, "interview", interviewID, map[string]string{"recommendation": string(c.Recommendation)})
	return c, nil
}

// canReplace says whether a reviewer whose scorecard is old may save in:
// one who chose to see the results without scoring cannot score after
// all, and one who scored cannot take it back by declining.
func canReplace(old *interview.Scorecard, in ScorecardInput) error {
	switch {
	case old == nil:
		return nil
	case old.Declined && !in.Declined:
		return interview.Errorf(interview.CodeConflict, "you chose to see the results without scoring, so you cannot score this interview")
	case !old.Declined && in.Declined:
		return interview.Errorf(interview.CodeConflict, "you have scored this interview already")
	}
	return nil
}

// newScorecard checks in against the rubric r and makes a's scorecard.
// A score of 0 leaves its competency unscored.
func newScorecard(a Actor, r interview.Rubric, interviewID string, in ScorecardInput) (interview.Scorecard, error) {
	c := interview.Scorecard{
		TenantID: a.TenantID, InterviewID: interviewID, ReviewerID: a.ID, ReviewerEmail: a.Email,
		RubricVersion: r.Version, Scores: map[string]int{}, Recommendation: in.Recommendation,
		Notes: strings.TrimSpace(in.Notes), Declined: in.Declined,
	}
	for k, v := range in.Scores {
		if _, ok := r.Competency(k); !ok {
			return c, interview.Errorf(interview.CodeInvalid, "%q is not a competency of the rubric", k)
		}
		if v != 0 {
			c.Scores[k] = v
		}
	}
	return c, c.Validate()
}

// Decisions returns an interview's hiring decisions, oldest first.
func (s *Service) Decisions(ctx context.Context, a Actor, interviewID string) ([]interview.HiringDecision, error) {
	if _, err := s.db(a).GetSession(ctx, a.TenantID, interviewID); err != nil {
		return nil, wrap("list decisions", err)
	}
	list, err := s.db(a).ListHiringDecisions(ctx, a.TenantID, interviewID)
	return list, wrap("list decisions", err)
}
