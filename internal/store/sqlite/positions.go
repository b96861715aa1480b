package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
)

const positionCols = `id, tenant_id, title, description, instructions, questions,
	max_minutes, language, voice, archived_at, created_at, updated_at, next_steps,
	record_audio, record_video`

func scanPosition(row scanner) (interview.Position, error) {
	var p interview.Position
	err := row.Scan(&p.ID, &p.TenantID, &p.Title, &p.Description, &p.Instructions,
		jsonDest{&p.Questions}, &p.MaxMinutes, &p.Language, &p.Voice,
		nullTimeDest{&p.ArchivedAt}, timeDest{&p.CreatedAt}, timeDest{&p.UpdatedAt}, &p.NextSteps,
		&p.RecordAudio, &p.RecordVideo)
	if err != nil {
		return interview.Position{}, dbErr(err)
	}
	return p, nil
}

// CreatePosition validates p and stores it in p.TenantID, filling ID and
// timestamps.
func (s *Store) CreatePosition(ctx context.Context, p *interview.Position) error {
	p.Normalize()
	if err := p.Validate(); err != nil {
		return err
	}
	questions, err := jsonText(p.Questions)
	if err != nil {
		return fmt.Errorf("create position: %w", err)
	}
	fillID(&p.ID)
	fillTime(&p.CreatedAt, now())
	fillTime(&p.UpdatedAt, p.CreatedAt)
	_, err = s.w.ExecContext(ctx, `INSERT INTO positions (`+positionCols+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.ID, p.TenantID, p.Title, p.Description, p.Instructions, questions,
		p.MaxMinutes, p.Language, p.Voice, nullTS(p.ArchivedAt), ts(p.CreatedAt), ts(p.UpdatedAt), p.NextSteps,
		p.RecordAudio, p.RecordVideo)
	if err != nil {
		return fmt.Errorf("create position %s: %w", p.ID, dbErr(err))
	}
	return nil
}

// GetPosition returns the position id of tenantID.
func (s *Store) GetPosition(ctx context.Context, tenantID, id string) (interview.Position, error) {
	p, err := scanPosition(s.r.QueryRowContext(ctx,
		`SELECT `+positionCols+` FROM positions WHERE tenant_id = ? AND id = ?`, tenantID, id))
	if err != nil {
		return p, fmt.Errorf("get position %s: %w", id, err)
	}
	return p, nil
}

// ListPositions returns a tenant's positions, newest first, without the
// archived ones unless f asks for them.
func (s *Store) ListPositions(ctx context.Context, tenantID string, f interview.PositionFilter) ([]interview.Position, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+positionCols+` FROM positions
		WHERE tenant_id = ? AND (? OR archived_at IS NULL)
		ORDER BY created_at DESC, id DESC`, tenantID, f.IncludeArchived)
	if err != nil {
		return nil, fmt.Errorf("list positions: %w", dbErr(err))
	}
	defer rows.Close()
	list := []interview.Position{}
	for rows.Next() {
		p, err := scanPosition(rows)
		if err != nil {
			return nil, fmt.Errorf("list positions: %w", err)
		}
		list = append(list, p)
	}
	return list, rows.Err()
}

// UpdatePosition replaces the editable fields of p.ID in p.TenantID and sets
// p.UpdatedAt to now.
func (s *Store) UpdatePosition(ctx context.Context, p *interview.Position) error {
	p.Normalize()
	if err := p.Validate(); err != nil {
		return err
	}
	questions, err := jsonText(p.Questions)
	if err != nil {
		return fmt.Errorf("update position %s: %w", p.ID, err)
	}
	at := now()
	err = affected(s.w.ExecContext(ctx, `UPDATE positions SET title = ?, description = ?,
		instructions = ?, questions = ?, max_minutes = ?, language = ?, voice = ?, updated_at = ?,
		next_steps = ?, record_audio = ?, record_video = ? WHERE tenant_id = ? AND id = ?`,
		p.Title, p.Description, p.Instructions, questions, p.MaxMinutes, p.Language, p.Voice,
		ts(at), p.NextSteps, p.RecordAudio, p.RecordVideo, p.TenantID, p.ID))
	if err != nil {
		return fmt.Errorf("update position %s: %w", p.ID, err)
	}
	p.UpdatedAt = at
	return nil
}

// ArchivePosition marks a position archived at the given time.
func (s *Store) ArchivePosition(ctx context.Context, tenantID, id string, at time.Time) error {
	fillTime(&at, now())
	err := affected(s.w.ExecContext(ctx,
		`UPDATE positions SET archived_at = ?, updated_at = ? WHERE tenant_id = ? AND id = ?`,
		ts(at), ts(at), tenantID, id))
	if err != nil {
		return fmt.Errorf("archive position %s: %w", id, err)
	}
	return nil
}
