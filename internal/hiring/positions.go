package hiring

import (
	"context"
	"strings"

	"github.com/interviewd/interviewd/internal/interview"
)

// PositionInput is what a recruiter or an integration sends for a position.
type PositionInput struct {
	Title        string
	Description  string
	Instructions string
	Questions    []string
	MaxMinutes   int
	Language     string
	Voice        string
}

func (in PositionInput) apply(p *interview.Position) {
	p.Title = strings.TrimSpace(in.Title)
	p.Description = strings.TrimSpace(in.Description)
	p.Instructions = strings.TrimSpace(in.Instructions)
	p.Questions = cleanQuestions(in.Questions)
	p.MaxMinutes = in.MaxMinutes
	p.Language = strings.TrimSpace(in.Language)
	p.Voice = strings.TrimSpace(in.Voice)
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
	if err := s.db(a).CreatePosition(ctx, &p); err != nil {
		return p, wrap("create position", err)
	}
	s.audit(ctx, a, "position.created", "position", p.ID, map[string]string{"title": p.Title})
	return p, nil
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
	if err := s.db(a).UpdatePosition(ctx, &p); err != nil {
		return p, wrap("update position", err)
	}
	s.audit(ctx, a, "position.updated", "position", p.ID, nil)
	return p, nil
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
