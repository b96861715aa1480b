package sqlite

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
)

// timeLayout is how every time is stored: UTC, microseconds, fixed width,
// so that the text sorts as the time does.
const timeLayout = "2006-01-02T15:04:05.000000Z"

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

// ts formats t for storage.
func ts(t time.Time) string { return t.UTC().Truncate(time.Microsecond).Format(timeLayout) }

// nullTS formats t for storage, or NULL when t is nil or zero.
func nullTS(t *time.Time) any {
	if t == nil || t.IsZero() {
		return nil
	}
	return ts(*t)
}

// timeDest scans a stored time into *t; NULL leaves the zero time.
type timeDest struct{ t *time.Time }

// Scan implements sql.Scanner.
func (d timeDest) Scan(src any) error {
	p, err := parseTime(src)
	if err != nil || p == nil {
		*d.t = time.Time{}
		return err
	}
	*d.t = *p
	return nil
}

// nullTimeDest scans a nullable stored time into *t.
type nullTimeDest struct{ t **time.Time }

// Scan implements sql.Scanner.
func (d nullTimeDest) Scan(src any) error {
	p, err := parseTime(src)
	*d.t = p
	return err
}

// parseTime reads a time stored with timeLayout; NULL is nil.
func parseTime(src any) (*time.Time, error) {
	var s string
	switch v := src.(type) {
	case nil:
		return nil, nil
	case string:
		s = v
	case []byte:
		s = string(v)
	default:
		return nil, fmt.Errorf("scan time: unexpected %T", src)
	}
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		return nil, fmt.Errorf("scan time: %w", err)
	}
	return &t, nil
}

// jsonDest scans a JSON text column into v.
type jsonDest struct{ v any }

// Scan implements sql.Scanner.
func (d jsonDest) Scan(src any) error {
	var b []byte
	switch v := src.(type) {
	case string:
		b = []byte(v)
	case []byte:
		b = v
	default:
		return fmt.Errorf("scan json: unexpected %T", src)
	}
	return json.Unmarshal(b, d.v)
}

// jsonText encodes v for a JSON text column.
func jsonText(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

// nullString stores "" as NULL, for unique columns that may be unset.
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// stringDest scans a nullable text column into *s, NULL as "".
func stringDest(s *string) any { return (*nullStr)(s) }

type nullStr string

// Scan implements sql.Scanner.
func (n *nullStr) Scan(src any) error {
	var ns sql.NullString
	err := ns.Scan(src)
	*n = nullStr(ns.String)
	return err
}

// truncate brings an optional time to the stored precision in place, so
// that the caller holds exactly what was stored.
func truncate(t *time.Time) {
	if t != nil {
		*t = t.UTC().Truncate(time.Microsecond)
	}
}

// collect scans every row of a query into a new slice, never nil, and
// closes the rows. It takes the query's error too, so that callers read as
// one step.
func collect[T any](rows *sql.Rows, err error, scan func(*sql.Rows, *T) error) ([]T, error) {
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
	return list, dbErr(rows.Err())
}
