package postgres

import (
	"context"
	"errors"
	"github.com/interviewd/interviewd/internal/testenv"
	"net/url"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/interviewd/interviewd/internal/store"
)

// A database owned by a role that is not a superuser (as on Supabase, where
// `postgres` is not one): Open says how to fix a missing membership of
// `authenticated`, and once granted, both paths work.
func TestNonSuperuserOwner(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	admin := adminConn(t)
	role := "interviewd_test_owner_" + strings.ReplaceAll(uuid.NewString(), "-", "")
	if _, err := admin.Exec(ctx, "CREATE ROLE "+ident(role)+" LOGIN"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { // registered first, so it runs after the database is dropped
		if _, err := admin.Exec(ctx, "DROP ROLE IF EXISTS "+ident(role)); err != nil {
			t.Errorf("drop role: %v", err)
		}
	})
	dbURL := newDatabase(t)
	u, _ := url.Parse(dbURL)
	if _, err := admin.Exec(ctx, "ALTER DATABASE "+ident(strings.TrimPrefix(u.Path, "/"))+" OWNER TO "+ident(role)); err != nil {
		t.Fatal(err)
	}
	u.User = url.User(role)
	ownerURL := u.String()
	if c, err := pgx.Connect(ctx, ownerURL); err != nil {
		testenv.Missing(t, "a PostgreSQL server that admits a new role without a password (trust on 127.0.0.1)", err)
	} else {
		c.Close(ctx)
	}

	_, err := Open(ctx, ownerURL)
	if err == nil || !strings.Contains(err.Error(), "GRANT authenticated TO") {
		t.Fatalf("Open without membership of authenticated: %v, want advice to GRANT", err)
	}
	if _, err := admin.Exec(ctx, "GRANT authenticated, anon TO "+ident(role)); err != nil {
		t.Fatal(err)
	}
	s := openURL(t, ownerURL)
	w := newWorld(t, s)
	recruiterFlow(t, ctx, s.As(actorOf(w.a.recruiter)), w.a.tenant.ID)
	if _, err := s.As(actorOf(w.b.owner)).GetSession(ctx, w.a.tenant.ID, w.a.session.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("other tenant reads interview: %v, want ErrNotFound", err)
	}
}
