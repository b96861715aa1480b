package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/interviewd/interviewd/internal/interview"
)

const positionCols = `id, tenant_id, title, description, instructions, questions,
	max_minutes, language, voice, archived_at, created_at, updated_at, next_steps,
	record_audio, record_video`

func scanPosition(r interface{ Scan(...any) error }, p *interview.Position) error {
	return r.Scan(&p.ID, &p.TenantID, &p.Title, &p.Description, &p.Instructions,
		&p.Questions, &p.MaxMinutes, &p.Language, &p.Voice, &p.ArchivedAt,
		&p.CreatedAt, &p.UpdatedAt, &p.NextSteps, &p.RecordAudio, &p.RecordVideo)
}

// CreatePosition validates p and stores it in p.TenantID, filling ID and
// timestamps.
func (s *Store) CreatePosition(ctx context.Context, p *interview.Position) error {
	p.Normalize()
	if err := p.Validate(); err != nil {
		return err
	}
	fillID(&p.ID)
	fillTime(&p.CreatedAt, now())
	fillTime(&p.UpdatedAt, p.CreatedAt)
	truncate(p.ArchivedAt)
	_, err := s.q().Exec(ctx, `INSERT INTO positions (`+positionCols+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
		p.ID, p.TenantID, p.Title, p.Description, p.Instructions, p.Questions,
		p.MaxMinutes, p.Language, p.Voice, p.ArchivedAt, p.CreatedAt, p.UpdatedAt, p.NextSteps,
		p.RecordAudio, p.RecordVideo)
	if err != nil {
		return fmt.Errorf("create position %s: %w", p.ID, dbErr(err))
	}
	return nil
}

// GetPosition returns the position id of tenantID.
func (s *Store) GetPosition(ctx context.Context, tenantID, id string) (interview.Position, error) {
	var p interview.Position
	err := scanPosition(s.q().QueryRow(ctx, `SELECT `+positionCols+` FROM positions
		WHERE tenant_id = $1 AND id = $2`, tenantID, id), &p)
	if err != nil {
		return interview.Position{}, fmt.Errorf("get position %s: %w", id, dbErr(err))
	}
	return p, nil
}

// ListPositions returns a tenant's positions, newest first, without the
// archived ones unless f asks for them.
func (s *Store) ListPositions(ctx context.Context, tenantID string, f interview.PositionFilter) ([]interview.Position, error) {
	rows, err := s.q().Query(ctx, `SELECT `+positionCols+` FROM positions
		WHERE tenant_id = $1 AND ($2 OR archived_at IS NULL)
		ORDER BY created_at DESC, id DESC`, tenantID, f.IncludeArchived)
	list, err := collect(rows, err, func(r pgx.Rows, p *interview.Position) error {
		return scanPosition(r, p)
	})
	if err != nil {
		return nil, fmt.Errorf("list positions: %w", err)
	}
	return list, nil
}

// UpdatePosition replaces the editable fields of p.ID in p.TenantID and sets
// p.UpdatedAt to now.
func (s *Store) UpdatePosition(ctx context.Context, p *interview.Position) error {
	p.Normalize()
	if err := p.Validate(); err != nil {
		return err
	}
	at := now()
	err := affected(s.q().Exec(ctx, `UPDATE positions SET title = $1, description = $2,
		instructions = $3, questions = $4, max_minutes = $5, language = $6, voice = $7,
		updated_at = $8, next_steps = $11, record_audio = $12, record_video = $13
		WHERE tenant_id = $9 AND id = $10`,
		p.Title, p.Description, p.Instructions, p.Questions, p.MaxMinutes, p.Language, p.Voice,
		at, p.TenantID, p.ID, p.NextSteps, p.RecordAudio, p.RecordVideo))
	if err != nil {
		return fmt.Errorf("update position %s: %w", p.ID, err)
	}
	p.UpdatedAt = at
	return nil
}

// ArchivePosition marks a position archived at the given time.
func (s *Store) ArchivePosition(ctx context.Context, tenantID, id string, at time.Time) error {
	fillTime(&at, now())
	err := affected(s.q().Exec(ctx, `UPDATE positions SET archived_at = $1, updated_at = $1
		WHERE tenant_id = $2 AND id = $3`, at, tenantID, id))
	if err != nil {
		return fmt.Errorf("archive position %s: %w", id, err)
	}
	return nil
}
