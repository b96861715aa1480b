package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// collect scans every row of a query into a new slice, never nil, and closes
// the rows. It takes the query's error too, so that callers read as one step.
func collect[T any](rows pgx.Rows, err error, scan func(pgx.Rows, *T) error) ([]T, error) {
	if err != nil {
		return nil, dbErr(err)
	}
	defer rows.Close()
	list := []T{}
	for rows.Next() {
		var v T
		if err := scan(rows, &v); err != nil {
			return nil, dbErr(err)
		}
		list = append(list, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, dbErr(err)
	}
	return list, nil
}

// zeroTime scans a nullable timestamptz into a time.Time that stays zero
// for NULL (a Session's join expiry).
type zeroTime struct{ t *time.Time }

func (z zeroTime) ScanTimestamptz(v pgtype.Timestamptz) error {
	*z.t = time.Time{}
	if v.Valid {
		*z.t = v.Time.UTC()
	}
	return nil
}

// nullTime is t for a query argument, or NULL when t is zero.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Truncate(time.Microsecond)
}

// nullString is s for a query argument, or NULL when s is empty (a unique
// column that many rows may leave unset).
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// listIn is listUnder for the records of any parent: a position's or an
// interview's (parent names the table, one of the store's own names). An
// empty list is checked against the parent, so that "none yet" differs
// from "not in this tenant" (ErrNotFound).
func listIn[T any](ctx context.Context, s *Store, parent, tenantID, parentID, sql string, scan func(pgx.Rows, *T) error) ([]T, error) {
	rows, err := s.q().Query(ctx, sql, tenantID, parentID)
	list, err := collect(rows, err, scan)
	if err != nil || len(list) > 0 {
		return list, err
	}
	return list, exists(ctx, s.q(), parent, tenantID, parentID)
}
