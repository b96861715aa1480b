package blobs

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"

	"github.com/interviewd/interviewd/internal/config"
	"github.com/interviewd/interviewd/internal/recording"
	"github.com/interviewd/interviewd/internal/recording/apivideo"
)

// FromConfig returns the blob store RECORDINGS_STORE names (files under
// cfg.DataDir/recordings, or the Supabase bucket, made when missing) and,
// when API_VIDEO_KEY is set, the api.video publisher (else nil).
// httpClient (nil: http.DefaultClient) carries the reads of Supabase
// objects and every api.video call.
func FromConfig(ctx context.Context, cfg config.Config, httpClient *http.Client) (recording.Blobs, recording.Publisher, error) {
	var pub recording.Publisher
	if cfg.Recordings.APIVideoKey != "" {
		pub = apivideo.New(cfg.Recordings.APIVideoURL, cfg.Recordings.APIVideoKey, httpClient)
	}
	switch cfg.Recordings.Store {
	case config.RecordingsSupabase:
		b, err := Supabase(ctx, cfg.SupabaseURL, cfg.Recordings.SupabaseServiceRoleKey, cfg.Recordings.Bucket, httpClient)
		if err != nil {
			return nil, nil, err
		}
		return b, pub, nil
	case config.RecordingsFiles, "":
		b, err := Files(filepath.Join(cfg.DataDir, "recordings"))
		if err != nil {
			return nil, nil, err
		}
		return b, pub, nil
	}
	return nil, nil, fmt.Errorf("RECORDINGS_STORE: %q is not files or supabase", cfg.Recordings.Store)
}
