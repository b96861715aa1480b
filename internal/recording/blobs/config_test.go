package blobs

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/interviewd/interviewd/internal/config"
	"github.com/interviewd/interviewd/internal/testenv/storagefake"
)

func TestFromConfig(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	fake := storagefake.New(t, testServiceKey)
	for _, tc := range []struct {
		name      string
		rec       config.RecordingsConfig
		backend   string
		publisher bool
	}{
		{"files", config.RecordingsConfig{Store: "files"}, "files", false},
		{"supabase and api.video", config.RecordingsConfig{Store: "supabase", Bucket: "rec", SupabaseServiceRoleKey: testServiceKey, APIVideoKey: "k", APIVideoURL: "http://127.0.0.1:1"}, "supabase", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, pub, err := FromConfig(ctx, config.Config{DataDir: dir, SupabaseURL: fake.URL, Recordings: tc.rec}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if b.Name() != tc.backend || (pub != nil) != tc.publisher {
				t.Fatalf("backend %s, publisher %v", b.Name(), pub)
			}
			put(t, b, "t/a/i/b/s/0/file", []byte("x"))
		})
	}
	if got, _ := filepath.Glob(filepath.Join(dir, "recordings", "t", "a", "i", "b", "s", "0", "file")); len(got) != 1 {
		t.Fatal("files are not under DATA_DIR/recordings")
	}
	if _, _, err := FromConfig(ctx, config.Config{SupabaseURL: fake.URL, Recordings: config.RecordingsConfig{Store: "supabase", Bucket: "x", SupabaseServiceRoleKey: "wrong"}}, nil); err == nil {
		t.Fatal("a wrong service key started")
	}
}
