package static

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"testing"
)

func TestPath(t *testing.T) {
	b, err := fs.ReadFile(FS(), "css/app.css")
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	sum := sha256.Sum256(b)
	tests := []struct {
		name string
		want string
	}{
		{"css/app.css", "/static/css/app.css?v=" + hex.EncodeToString(sum[:])[:10]},
		{"img/logo.svg", "/static/img/logo.svg?v=" + versions["img/logo.svg"]},
		{"css/missing.css", "/static/css/missing.css"},
		{"css", "/static/css"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Path(tt.name); got != tt.want {
				t.Errorf("Path(%q) = %q, want %q", tt.name, got, tt.want)
			}
		})
	}
	if len(versions["img/logo.svg"]) != 10 {
		t.Errorf("logo version = %q, want 10 hex digits", versions["img/logo.svg"])
	}
}
