package postgres

import (
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/interviewd/interviewd/internal/store"
	"github.com/interviewd/interviewd/internal/store/storetest"
)

// The e-mail outbox's suite on each server, each subtest on a database of
// its own.
func TestMailConformance(t *testing.T) {
	t.Parallel()
	onEachServer(t, func(t *testing.T, srv server) {
		srv.reach(t)
		storetest.RunMail(t, func(t *testing.T) store.Store { return srv.open(t) })
	})
}

// The outbox's stored rows (links erased, settled messages deleted) on
// each server.
func TestMailRows(t *testing.T) {
	t.Parallel()
	onEachServer(t, func(t *testing.T, srv server) {
		srv.reach(t)
		storetest.RunMailRows(t, func(t *testing.T) (store.Store, storetest.MailRow) {
			s := srv.open(t)
			return s, func(t *testing.T, id string) (string, bool) {
				var link string
				err := s.pool.QueryRow(t.Context(), `SELECT link FROM mail_outbox WHERE id = $1`, id).Scan(&link)
				if errors.Is(err, pgx.ErrNoRows) {
					return "", false
				}
				if err != nil {
					t.Fatal(err)
				}
				return link, true
			}
		})
	})
}
