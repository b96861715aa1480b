package postgres

import (
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// dbErr maps a driver error to the store's errors; it is the only place that
// knows PostgreSQL's SQLSTATE codes. The driver's error stays in the chain
// (errors.As finds the *pgconn.PgError) for the logs.
//
//   - no rows, a foreign key that fails (composite keys make another
//     tenant's row invisible) and a malformed UUID are ErrNotFound: the
//     caller learns nothing about other tenants' IDs;
//   - a unique key is ErrConflict; a CHECK or NOT NULL is ErrInvalid;
//   - 42501 (a row-level security WITH CHECK or a missing privilege) is
//     ErrForbidden. PostgreSQL checks policies before keys, so the refusal
//     is the same whether or not the row or tenant exists. Rows that a
//     policy's USING hides are simply not there: ErrNotFound.
func dbErr(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return store.ErrNotFound
	}
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return err
	}
	switch pe.Code {
	case "23505": // unique_violation
		return fmt.Errorf("%w: %w", store.ErrConflict, err)
	case "23503", "22P02": // foreign_key_violation, invalid_text_representation
		return fmt.Errorf("%w: %w", store.ErrNotFound, err)
	case "23514", "23502": // check_violation, not_null_violation
		return fmt.Errorf("%w: %w", interview.ErrInvalid, err)
	case "42501": // insufficient_privilege, including RLS WITH CHECK
		return fmt.Errorf("%w: %w", interview.ErrForbidden, err)
	}
	return err
}

// affected turns an UPDATE or DELETE that matched no row into ErrNotFound:
// the row does not exist in the tenant the statement was scoped to, or a
// policy hides it from the actor.
func affected(tag pgconn.CommandTag, err error) error {
	if err != nil {
		return dbErr(err)
	}
	if tag.RowsAffected() == 0 {
		return store.ErrNotFound
	}
	return nil
}
