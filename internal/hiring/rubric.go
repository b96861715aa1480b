package hiring

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/interviewd/interviewd/internal/interview"
)

// The default rubric: per question a competency, plus communication; past
// manyQuestions questions, three generic competencies instead.
const (
	manyQuestions = 8
	nameWords     = 6
	maxNameRunes  = 100
)

var (
	communication = interview.Competency{
		Name:        "Communication",
		Description: "Answers clearly and in a structure that is easy to follow",
		Anchor1:     "Hard to follow: rambling, vague or off the point",
		Anchor3:     "Mostly clear, with some wandering or missing structure",
		Anchor5:     "Clear, concise and well structured throughout",
	}
	roleKnowledge = interview.Competency{
		Name:        "Role knowledge",
		Description: "Knows what the role needs and shows it with concrete examples",
		Anchor1:     "Shows little knowledge of what the role needs",
		Anchor3:     "Knows the basics, with general or thin examples",
		Anchor5:     "Deep, first-hand knowledge, with concrete examples and their outcomes",
	}
	problemSolving = interview.Competency{
		Name:        "Problem solving",
		Description: "Works through problems step by step and explains the trade-offs",
		Anchor1:     "No clear approach to the problems discussed",
		Anchor3:     "A reasonable approach, with gaps in the reasoning",
		Anchor5:     "A clear, well-reasoned approach that weighs alternatives",
	}
)

// DefaultRubric derives a rubric from a position's questions, for a
// position whose recruiter wrote none (docs/assessment.md, "Rubrics").
func DefaultRubric(questions []string) interview.Rubric {
	r := interview.Rubric{Derived: true}
	n := len(questions)
	switch {
	case n == 0:
		r.Competencies = []interview.Competency{communication, roleKnowledge}
	case n > manyQuestions:
		r.Competencies = []interview.Competency{roleKnowledge, problemSolving, communication}
	default:
		for i, q := range questions {
			r.Competencies = append(r.Competencies, questionCompetency(i+1, q))
		}
		r.Competencies = append(r.Competencies, communication)
	}
	r.Normalize(n) // fills keys and weights
	all := make([]string, 0, len(r.Competencies))
	for _, c := range r.Competencies {
		all = append(all, c.Key)
	}
	for i := range r.QuestionLinks {
		if n > manyQuestions {
			r.QuestionLinks[i] = all
		} else {
			r.QuestionLinks[i] = []string{all[i], all[len(all)-1]} // its own and communication
		}
	}
	r.Normalize(n) // sorts the links
	return r
}

// questionCompetency is the default competency of question n.
func questionCompetency(n int, question string) interview.Competency {
	ws := strings.Fields(question)
	name := strings.Join(ws[:min(len(ws), nameWords)], " ")
	if len(ws) > nameWords {
		name += "…"
	}
	name = fmt.Sprintf("Question %d: %s", n, name)
	if r := []rune(name); len(r) > maxNameRunes {
		name = string(r[:maxNameRunes-1]) + "…"
	}
	return interview.Competency{
		Name:        name,
		Description: fmt.Sprintf("Answers question %d fully, with concrete examples", n),
		Anchor1:     "Does not answer, or answers off the point",
		Anchor3:     "Answers in part, in general terms or with a thin example",
		Anchor5:     "Answers fully, with concrete, relevant examples and their outcome",
	}
}

// Rubric returns a position's latest rubric, deriving and saving the
// default one when it has none.
func (s *Service) Rubric(ctx context.Context, a Actor, positionID string) (interview.Rubric, error) {
	p, err := s.db(a).GetPosition(ctx, a.TenantID, positionID)
	if err != nil {
		return interview.Rubric{}, wrap("get rubric", err)
	}
	return s.rubricOf(ctx, a, p)
}

// rubricOf returns p's latest rubric, deriving the default one on first
// need. It is saved on the privileged path: the server derives it, for a
// viewer's first look too, and its author is nobody.
func (s *Service) rubricOf(ctx context.Context, a Actor, p interview.Position) (interview.Rubric, error) {
	r, err := s.db(a).GetRubric(ctx, a.TenantID, p.ID, 0)
	if !errors.Is(err, interview.ErrNotFound) {
		return r, wrap("get rubric", err)
	}
	r = DefaultRubric(p.Questions)
	r.TenantID, r.PositionID = a.TenantID, p.ID
	err = s.store.SaveRubric(ctx, &r)
	if errors.Is(err, interview.ErrConflict) { // another request derived it meanwhile
		r, err = s.db(a).GetRubric(ctx, a.TenantID, p.ID, 0)
	}
	return r, wrap("derive rubric", err)
}

// SaveRubric stores r as the position's next rubric version (unless it is
// the same as the latest).
func (s *Service) SaveRubric(ctx context.Context, a Actor, positionID string, r interview.Rubric) (interview.Rubric, error) {
	if err := canEdit(a); err != nil {
		return interview.Rubric{}, err
	}
	p, err := s.db(a).GetPosition(ctx, a.TenantID, positionID)
	if err != nil {
		return interview.Rubric{}, wrap("save rubric", err)
	}
	if err := prepareRubric(&r, len(p.Questions)); err != nil {
		return r, err
	}
	return s.saveRubric(ctx, a, p, r)
}

// prepareRubric normalises and checks a rubric a person wrote; its errors
// belong to the field "rubric".
func prepareRubric(r *interview.Rubric, questions int) error {
	r.Normalize(questions)
	if err := r.Validate(); err != nil {
		if e, ok := errors.AsType[*interview.Error](err); ok {
			return &interview.FieldError{Field: "rubric", Err: e}
		}
		return err
	}
	return nil
}

// saveRubric stores a prepared rubric of p as its next version, unless the
// latest version judges alike (whoever wrote it): then that is returned.
func (s *Service) saveRubric(ctx context.Context, a Actor, p interview.Position, r interview.Rubric) (interview.Rubric, error) {
	latest, err := s.db(a).GetRubric(ctx, a.TenantID, p.ID, 0)
	if err != nil && !errors.Is(err, interview.ErrNotFound) {
		return r, wrap("save rubric", err)
	}
	if err == nil {
		same := r
		same.Derived = latest.Derived
		if same.SameContent(latest) {
			return latest, nil
		}
	}
	r.ID, r.Version = "", 0
	r.TenantID, r.PositionID, r.CreatedBy = a.TenantID, p.ID, a.ID
	if r.Derived {
		r.CreatedBy = ""
	}
	if err := s.db(a).SaveRubric(ctx, &r); err != nil {
		return r, wrap("save rubric", err)
	}
	s.audit(ctx, a, "rubric.saved", "position", p.ID, map[string]string{"version": fmt.Sprint(r.Version)})
	return r, nil
}
