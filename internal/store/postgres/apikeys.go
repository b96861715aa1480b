package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/interviewd/interviewd/internal/interview"
)

const apiKeyCols = `id, tenant_id, name, prefix, key_hash, created_by, created_at,
	last_used_at, revoked_at`

func scanAPIKey(r interface{ Scan(...any) error }, k *interview.APIKey) error {
	return r.Scan(&k.ID, &k.TenantID, &k.Name, &k.Prefix, &k.Hash, &k.CreatedBy,
		&k.CreatedAt, &k.LastUsedAt, &k.RevokedAt)
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
	_, err := s.q().Exec(ctx, `INSERT INTO api_keys (`+apiKeyCols+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		k.ID, k.TenantID, k.Name, k.Prefix, k.Hash, k.CreatedBy, k.CreatedAt,
		k.LastUsedAt, k.RevokedAt)
	if err != nil {
		return fmt.Errorf("create API key %s: %w", k.ID, dbErr(err))
	}
	return nil
}

// GetAPIKeyByHash finds a key by hash in any tenant, revoked or not.
func (s *Store) GetAPIKeyByHash(ctx context.Context, hash string) (interview.APIKey, error) {
	var k interview.APIKey
	err := scanAPIKey(s.q().QueryRow(ctx, `SELECT `+apiKeyCols+` FROM api_keys
		WHERE key_hash = $1`, hash), &k)
	if err != nil {
		return interview.APIKey{}, fmt.Errorf("get API key by hash: %w", dbErr(err))
	}
	return k, nil
}

// ListAPIKeys returns a tenant's keys, newest first.
func (s *Store) ListAPIKeys(ctx context.Context, tenantID string) ([]interview.APIKey, error) {
	rows, err := s.q().Query(ctx, `SELECT `+apiKeyCols+` FROM api_keys
		WHERE tenant_id = $1 ORDER BY created_at DESC, id DESC`, tenantID)
	list, err := collect(rows, err, func(r pgx.Rows, k *interview.APIKey) error {
		return scanAPIKey(r, k)
	})
	if err != nil {
		return nil, fmt.Errorf("list API keys: %w", err)
	}
	return list, nil
}

// RevokeAPIKey revokes a key at the given time. Revoking it again keeps the
// first time, which is when it stopped working.
func (s *Store) RevokeAPIKey(ctx context.Context, tenantID, id string, at time.Time) error {
	fillTime(&at, now())
	err := affected(s.q().Exec(ctx, `UPDATE api_keys SET revoked_at = coalesce(revoked_at, $1)
		WHERE tenant_id = $2 AND id = $3`, at, tenantID, id))
	if err != nil {
		return fmt.Errorf("revoke API key %s: %w", id, err)
	}
	return nil
}

// TouchAPIKey records that a key was used at the given time.
func (s *Store) TouchAPIKey(ctx context.Context, tenantID, id string, at time.Time) error {
	fillTime(&at, now())
	err := affected(s.q().Exec(ctx, `UPDATE api_keys SET last_used_at = $1
		WHERE tenant_id = $2 AND id = $3`, at, tenantID, id))
	if err != nil {
		return fmt.Errorf("touch API key %s: %w", id, err)
	}
	return nil
}
