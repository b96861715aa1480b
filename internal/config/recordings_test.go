package config

import (
	"maps"
	"strings"
	"testing"
)

func TestLoadRecordings(t *testing.T) {
	supa := map[string]string{"SUPABASE_URL": "https://p.supabase.co", "SUPABASE_ANON_KEY": "anon", "SUPABASE_JWT_SECRET": strings.Repeat("s", 32)}
	with := func(kv map[string]string) map[string]string {
		m := maps.Clone(supa)
		maps.Copy(m, kv)
		return m
	}
	for _, tc := range []struct {
		name string
		env  map[string]string
		want RecordingsConfig
		err  string
	}{
		{"default: files", nil, RecordingsConfig{Store: "files", Bucket: "recordings", APIVideoURL: DefaultAPIVideoURL}, ""},
		{"supabase", with(map[string]string{"RECORDINGS_STORE": "supabase", "SUPABASE_SERVICE_ROLE_KEY": "srk", "RECORDINGS_BUCKET": "rec"}),
			RecordingsConfig{Store: "supabase", Bucket: "rec", SupabaseServiceRoleKey: "srk", APIVideoURL: DefaultAPIVideoURL}, ""},
		{"supabase without the key", with(map[string]string{"RECORDINGS_STORE": "supabase"}), RecordingsConfig{}, "SUPABASE_SERVICE_ROLE_KEY"},
		{"supabase without the project", map[string]string{"RECORDINGS_STORE": "supabase", "SUPABASE_SERVICE_ROLE_KEY": "srk"}, RecordingsConfig{}, "SUPABASE_URL"},
		{"unknown store", map[string]string{"RECORDINGS_STORE": "s3"}, RecordingsConfig{}, "RECORDINGS_STORE"},
		{"api.video sandbox", map[string]string{"API_VIDEO_KEY": "k", "API_VIDEO_URL": "https://sandbox.api.video"},
			RecordingsConfig{Store: "files", Bucket: "recordings", APIVideoKey: "k", APIVideoURL: "https://sandbox.api.video"}, ""},
		{"api.video bad URL", map[string]string{"API_VIDEO_KEY": "k", "API_VIDEO_URL": "ws.api.video"}, RecordingsConfig{}, "API_VIDEO_URL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Load(envOf(tc.env))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("got %v, want an error about %s", err, tc.err)
				}
				if err != nil && strings.Contains(err.Error(), "srk") {
					t.Fatalf("the error shows the key: %v", err)
				}
				return
			}
			if err != nil || c.Recordings != tc.want {
				t.Fatalf("got %+v, %v; want %+v", c.Recordings, err, tc.want)
			}
		})
	}
}
