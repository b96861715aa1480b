package sqlite_test

import (
	"path/filepath"
	"testing"

	"github.com/interviewd/interviewd/internal/store"
	"github.com/interviewd/interviewd/internal/store/storetest"
)

func TestFeedbackConformance(t *testing.T) {
	storetest.RunFeedback(t, func(t *testing.T) store.Store {
		return open(t, filepath.Join(t.TempDir(), "interviewd.db"))
	})
}
