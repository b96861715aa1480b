package sqlite

import "database/sql"

// DB exposes the writer pool to the package's external tests.
func (s *Store) DB() *sql.DB { return s.w }
