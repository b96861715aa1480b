package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
)

const apiKeyCols = `id, tenant_id, name, prefix, key_hash, created_by, created_at,
	last_used_at, revoked_at`

func scanAPIKey(row scanner) (interview.APIKey, error) {
	var k interview.APIKey
	err := row.Scan(&k.ID, &k.TenantID, &k.Name, &k.Prefix, &k.Hash, &k.CreatedBy,
		timeDest{&k.CreatedAt}, nullTimeDest{&k.LastUsedAt}, nullTimeDest{&k.RevokedAt})
	if err != nil {
		return interview.APIKey{}, dbErr(err)
	}
	return k, nil
}

// CreateAPIKey stores k, filling ID and CreatedAt; ErrConflict if its hash
// is taken.
func (s *Store) CreateAPIKey(ctx context.Context, k *interview.APIKey) error {
	if k.Hash == "" {
		return interview.Errorf(interview.CodeInvalid, "an API key needs a hash")
	}
	fillID(&k.ID)
	fillTime(&k.CreatedAt, now())
	truncate(k.LastUsedAt)
	truncate(k.RevokedAt)
	_, err := s.w.ExecContext(ctx, `INSERT INTO api_keys (`+apiKeyCols+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		k.ID, k.TenantID, k.Name, k.Prefix, k.Hash, k.CreatedBy, ts(k.CreatedAt),
		nullTS(k.LastUsedAt), nullTS(k.RevokedAt))
	if err != nil {
		return fmt.Errorf("create API key %s: %w", k.ID, dbErr(err))
	}
	return nil
}

// GetAPIKeyByHash finds a key by hash in any tenant, revoked or not.
func (s *Store) GetAPIKeyByHash(ctx context.Context, hash string) (interview.APIKey, error) {
	k, err := scanAPIKey(s.r.QueryRowContext(ctx,
		`SELECT `+apiKeyCols+` FROM api_keys WHERE key_hash = ?`, hash))
	if err != nil {
		return k, fmt.Errorf("get API key by hash: %w", err)
	}
	return k, nil
}

// ListAPIKeys returns a tenant's keys, newest first.
func (s *Store) ListAPIKeys(ctx context.Context, tenantID string) ([]interview.APIKey, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+apiKeyCols+` FROM api_keys
		WHERE tenant_id = ? ORDER BY created_at DESC, id DESC`, tenantID)
	if err != nil {
		return nil, fmt.Errorf("list API keys: %w", dbErr(err))
	}
	defer rows.Close()
	list := []interview.APIKey{}
	for rows.Next() {
		k, err := scanAPIKey(rows)
		if err != nil {
			return nil, fmt.Errorf("list API keys: %w", err)
		}
		list = append(list, k)
	}
	return list, rows.Err()
}

// RevokeAPIKey revokes a key at the given time. Revoking it again keeps the
// first time, which is when it stopped working.
func (s *Store) RevokeAPIKey(ctx context.Context, tenantID, id string, at time.Time) error {
	fillTime(&at, now())
	err := affected(s.w.ExecContext(ctx, `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?)
		WHERE tenant_id = ? AND id = ?`, ts(at), tenantID, id))
	if err != nil {
		return fmt.Errorf("revoke API key %s: %w", id, err)
	}
	return nil
}

// TouchAPIKey records that a key was used at the given time.
func (s *Store) TouchAPIKey(ctx context.Context, tenantID, id string, at time.Time) error {
	fillTime(&at, now())
	err := affected(s.w.ExecContext(ctx, `UPDATE api_keys SET last_used_at = ?
		WHERE tenant_id = ? AND id = ?`, ts(at), tenantID, id))
	if err != nil {
		return fmt.Errorf("touch API key %s: %w", id, err)
	}
	return nil
}
