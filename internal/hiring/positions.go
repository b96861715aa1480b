package hiring

import (
	"context"
	"errors"
	"strings"

	"github.com/interviewd/interviewd/internal/interview"
)

// PositionInput is what a recruiter or an integration sends for a position.
type PositionInput struct {
	Title        string
	Description  string
	Instructions string
	NextSteps    string // what the candidate reads happens next (empty: the default text)
	Questions    []string
	MaxMinutes   int
	Language     string
	Voice        string
	// RecordAudio and RecordVideo say what the candidate's room records
	// (interview.Position); the web form and the API fill in their
	// defaults, audio on and camera off.
	RecordAudio bool
	RecordVideo bool
	// Rubric, when set, is saved as the position's next rubric version;
	// nil keeps the rubric (re-linked to the questions) or derives one.
	Rubric *interview.Rubric
}

func (in PositionInput) apply(p *interview.Position) {
	p.Title = strings.TrimSpace(in.Title)
	p.Description = strings.TrimSpace(in.Description)
	p.Instructions = strings.TrimSpace(in.Instructions)
	p.NextSteps = strings.TrimSpace(in.NextSteps)
	p.Questions = cleanQuestions(in.Questions)
	p.MaxMinutes = in.MaxMinutes
	p.Language = strings.TrimSpace(in.Language)
	p.Voice = strings.TrimSpace(in.Voice)
	p.RecordAudio, p.RecordVideo = in.RecordAudio, in.RecordVideo
	p.Normalize()
}

// cleanQuestions trims each question and drops empty ones, so that blank
// rows of a form do not become questions.
func cleanQuestions(qs []string) []string {
	out := make([]string, 0, len(qs))
	for _, q := range qs {
		if q = strings.TrimSpace(q); q != "" {
			out = append(out, q)
		}
	}
	return out
}

// CreatePosition validates and stores a new position.
func (s *Service) CreatePosition(ctx context.Context, a Actor, in PositionInput) (interview.Position, error) {
	if err := canEdit(a); err != nil {
		return interview.Position{}, err
	}
	p := interview.Position{TenantID: a.TenantID}
	in.apply(&p)
	if err := p.Validate(); err != nil {
		return p, err
	}
	r, err := positionRubric(in.Rubric, p.Questions)
	if err != nil {
		return p, err
	}
	if err := s.db(a).CreatePosition(ctx, &p); err != nil {
		return p, wrap("create position", err)
	}
	s.audit(ctx, a, "position.created", "position", p.ID, map[string]string{"title": p.Title})
	_, err = s.saveRubric(ctx, a, p, r)
	return p, err
}

// UpdatePosition replaces a position's fields.
func (s *Service) UpdatePosition(ctx context.Context, a Actor, id string, in PositionInput) (interview.Position, error) {
	if err := canEdit(a); err != nil {
		return interview.Position{}, err
	}
	p, err := s.db(a).GetPosition(ctx, a.TenantID, id)
	if err != nil {
		return p, wrap("update position", err)
	}
	in.apply(&p)
	if err := p.Validate(); err != nil {
		return p, err
	}
	r, err := s.updatedRubric(ctx, a, p, in.Rubric)
	if err != nil {
		return p, err
	}
	if err := s.db(a).UpdatePosition(ctx, &p); err != nil {
		return p, wrap("update position", err)
	}
	s.audit(ctx, a, "position.updated", "position", p.ID, nil)
	_, err = s.saveRubric(ctx, a, p, r)
	return p, err
}

// ArchivePosition stops a position from taking new interviews.
func (s *Service) ArchivePosition(ctx context.Context, a Actor, id string) error {
	if err := canEdit(a); err != nil {
		return err
	}
	if err := s.db(a).ArchivePosition(ctx, a.TenantID, id, s.now()); err != nil {
		return wrap("archive position", err)
	}
	s.audit(ctx, a, "position.archived", "position", id, nil)
	return nil
}

// Position returns one position of the actor's tenant.
func (s *Service) Position(ctx context.Context, a Actor, id string) (interview.Position, error) {
	p, err := s.db(a).GetPosition(ctx, a.TenantID, id)
	return p, wrap("get position", err)
}

// Positions lists the actor's positions, newest first.
func (s *Service) Positions(ctx context.Context, a Actor, includeArchived bool) ([]interview.Position, error) {
	ps, err := s.db(a).ListPositions(ctx, a.TenantID, interview.PositionFilter{IncludeArchived: includeArchived})
	return ps, wrap("list positions", err)
}

// positionRubric is the rubric a new position's input gives: the one
// written, checked against the questions, or the default one.
func positionRubric(r *interview.Rubric, questions []string) (interview.Rubric, error) {
	if r == nil {
		return DefaultRubric(questions), nil
	}
	out := *r
	out.Derived = false
	return out, prepareRubric(&out, len(questions))
}

// updatedRubric is the rubric an updated position p gets: the one
// written; else a rubric derived from the new questions when the latest
// was derived too (or there is none); else the person's latest rubric,
// its question links fitted to the new number of questions.
func (s *Service) updatedRubric(ctx context.Context, a Actor, p interview.Position, written *interview.Rubric) (interview.Rubric, error) {
	if written != nil {
		return positionRubric(written, p.Questions)
	}
	latest, err := s.db(a).GetRubric(ctx, a.TenantID, p.ID, 0)
	if errors.Is(err, interview.ErrNotFound) || err == nil && latest.Derived {
		return DefaultRubric(p.Questions), nil
	} else if err != nil {
		return latest, wrap("update position", err)
	}
	latest.Normalize(len(p.Questions))
	return latest, nil
}
