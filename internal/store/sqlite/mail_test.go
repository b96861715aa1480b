package sqlite_test

import (
	"database/sql"
	"errors"
	"path/filepath"
	"testing"

	"github.com/interviewd/interviewd/internal/store"
	"github.com/interviewd/interviewd/internal/store/storetest"
)

func TestMailConformance(t *testing.T) {
	storetest.RunMail(t, func(t *testing.T) store.Store {
		return open(t, filepath.Join(t.TempDir(), "interviewd.db"))
	})
}

func TestMailRows(t *testing.T) {
	storetest.RunMailRows(t, func(t *testing.T) (store.Store, storetest.MailRow) {
		s := open(t, filepath.Join(t.TempDir(), "interviewd.db"))
		return s, func(t *testing.T, id string) (string, bool) {
			var link string
			err := s.DB().QueryRowContext(t.Context(), `SELECT link FROM mail_outbox WHERE id = ?`, id).Scan(&link)
			if errors.Is(err, sql.ErrNoRows) {
				return "", false
			}
			if err != nil {
				t.Fatal(err)
			}
			return link, true
		}
	})
}
