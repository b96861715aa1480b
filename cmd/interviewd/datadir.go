package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/interviewd/interviewd/internal/config"
)

// secretFile is where the generated JWT secret lives inside DATA_DIR.
const secretFile = "jwt_secret"

// prepareDataDir creates DATA_DIR, proves it is writable, and fills
// cfg.JWTSecret from DATA_DIR when the environment gave none, generating it
// on the first start so that tokens survive restarts.
func prepareDataDir(cfg *config.Config) error {
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return fmt.Errorf("DATA_DIR: cannot create %s: %w", cfg.DataDir, unwrapPath(err))
	}
	probe, err := os.CreateTemp(cfg.DataDir, ".write-test-*")
	if err != nil {
		return fmt.Errorf("DATA_DIR: %s is not writable: %w", cfg.DataDir, unwrapPath(err))
	}
	probe.Close()
	os.Remove(probe.Name())
	if cfg.JWTSecret != "" {
		return nil
	}
	secret, err := loadOrCreateSecret(filepath.Join(cfg.DataDir, secretFile))
	if err != nil {
		return fmt.Errorf("DATA_DIR: %w", err)
	}
	cfg.JWTSecret = secret
	return nil
}

func loadOrCreateSecret(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err == nil {
		s := strings.TrimSpace(string(b))
		if len(s) < 32 {
			return "", fmt.Errorf("%s holds a secret shorter than 32 characters", path)
		}
		return s, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("read %s: %w", path, unwrapPath(err))
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	s := hex.EncodeToString(raw)
	// Write a temporary file, then link it into place: the link fails if the
	// file exists, so when two processes start at once the second one reads
	// the first one's complete secret instead of overwriting it.
	tmp, err := os.CreateTemp(filepath.Dir(path), ".secret-*")
	if err != nil {
		return "", fmt.Errorf("create secret: %w", unwrapPath(err))
	}
	defer os.Remove(tmp.Name())
	_, werr := tmp.WriteString(s + "\n")
	if cerr := tmp.Close(); werr != nil || cerr != nil {
		return "", fmt.Errorf("write secret: %w", errors.Join(werr, cerr))
	}
	if err := os.Link(tmp.Name(), path); errors.Is(err, fs.ErrExist) {
		return loadOrCreateSecret(path)
	} else if err != nil {
		return "", fmt.Errorf("create %s: %w", path, unwrapPath(err))
	}
	return s, nil
}

// createPrivate creates the file at path, if it does not exist, readable
// by the owner only. Creating the SQLite file this way before the driver
// opens it keeps it 0600 whatever the umask, and SQLite gives its -wal and
// -shm files the database file's mode.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("create %s: %w", path, unwrapPath(err))
	}
	return f.Close()
}

// warnLooseModes logs one warning for DATA_DIR and for each file in it that
// others than the owner may read or write: the directory should be 0700
// and its files 0600, since they hold the database and secrets. It only
// warns, since an operator may have widened them on purpose.
func warnLooseModes(dir string, logger *slog.Logger) {
	paths := []string{dir}
	entries, err := os.ReadDir(dir)
	if err != nil {
		logger.Warn("DATA_DIR: cannot list files to check their modes", "path", dir, "error", unwrapPath(err).Error())
	}
	for _, e := range entries {
		if e.Type().IsRegular() {
			paths = append(paths, filepath.Join(dir, e.Name()))
		}
	}
	for _, p := range paths {
		info, err := os.Stat(p)
		if err == nil && info.Mode().Perm()&0o077 != 0 {
			logger.Warn("DATA_DIR: others than the owner can access this path; want 0700 for the directory and 0600 for files",
				"path", p, "mode", fmt.Sprintf("%#o", info.Mode().Perm()))
		}
	}
}

// unwrapPath drops the *fs.PathError wrapper, whose path the caller's
// message already names, so the error reads as one clear line.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
