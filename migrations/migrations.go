// Package migrations embeds the SQL schema of each dialect and applies it.
// Migrations are forward-only: a released file is never edited; a change is a
// new file with the next number.
package migrations

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed sqlite/*.sql postgres/*.sql
var files embed.FS

// Up applies every pending migration of dialect ("sqlite" or "postgres") to
// db and returns how many it applied. On PostgreSQL a session advisory lock
// makes concurrent starts apply each migration once.
func Up(ctx context.Context, db *sql.DB, dialect string) (int, error) {
	var (
		gd   goose.Dialect
		opts []goose.ProviderOption
	)
	switch dialect {
	case "sqlite":
		gd = goose.DialectSQLite3
	case "postgres":
		gd = goose.DialectPostgres
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return 0, fmt.Errorf("migration lock: %w", err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	default:
		return 0, fmt.Errorf("migrations: unknown dialect %q", dialect)
	}
	sub, err := fs.Sub(files, dialect)
	if err != nil {
		return 0, err
	}
	p, err := goose.NewProvider(gd, db, sub, opts...)
	if err != nil {
		return 0, fmt.Errorf("migrations: %w", err)
	}
	results, err := p.Up(ctx)
	if err != nil {
		return 0, fmt.Errorf("apply migrations: %w", err)
	}
	return len(results), nil
}
