package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"runtime"
	"runtime/debug"
	"strings"
	"sync/atomic"

	"golang.org/x/crypto/argon2"

	"github.com/interviewd/interviewd/internal/interview"
)

// Password rules and argon2id parameters (OWASP's minimum for argon2id:
// 19 MiB, two passes, one lane), kept in each hash so they can be raised
// later without breaking old hashes.
const (
	MinPasswordLen = 10
	MaxPasswordLen = 256
	argonMemoryKiB = 19 * 1024
	argonTime      = 2
	argonThreads   = 1
	argonKeyLen    = 32
	argonSaltLen   = 16
)

// ErrBadPassword means a password did not match its hash.
var ErrBadPassword = errors.New("password does not match")

// CheckPasswordRules reports why a new password is unacceptable, or nil.
func CheckPasswordRules(pw string) error {
	switch n := len([]rune(pw)); {
	case n < MinPasswordLen:
		return fmt.Errorf("password must have at least %d characters", MinPasswordLen)
	case len(pw) > MaxPasswordLen:
		return fmt.Errorf("password must have at most %d bytes", MaxPasswordLen)
	}
	return nil
}

// passwordField is CheckPasswordRules as a validation error about the
// field "password".
func passwordField(pw string) error {
	if err := CheckPasswordRules(pw); err != nil {
		return interview.FieldErrorf("password", "%s", err)
	}
	return nil
}

// HashPassword returns an argon2id hash of pw in the PHC string format.
func HashPassword(pw string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemoryKiB, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding.EncodeToString
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, argonMemoryKiB, argonTime, argonThreads, b64(salt), b64(key)), nil
}

// VerifyPassword reports whether pw matches hash, in constant time. It
// returns ErrBadPassword on a mismatch and another error for a hash it
// cannot read.
func VerifyPassword(hash, pw string) error {
	p, err := parseArgon2(hash)
	if err != nil {
		return err
	}
	if len(pw) > MaxPasswordLen {
		return ErrBadPassword
	}
	key := argon2.IDKey([]byte(pw), p.salt, p.time, p.memory, p.threads, uint32(len(p.key)))
	if subtle.ConstantTimeCompare(key, p.key) != 1 {
		return ErrBadPassword
	}
	return nil
}

type argonParams struct {
	memory, time uint32
	threads      uint8
	salt, key    []byte
}

func parseArgon2(hash string) (argonParams, error) {
	var p argonParams
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" || parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return p, errors.New("unsupported password hash")
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.memory, &p.time, &p.threads); err != nil {
		return p, errors.New("malformed password hash parameters")
	}
	// Bound the cost so that a tampered hash cannot exhaust memory or CPU.
	if p.memory == 0 || p.memory > 256*1024 || p.time == 0 || p.time > 10 || p.threads == 0 {
		return p, errors.New("password hash parameters out of range")
	}
	var err1, err2 error
	p.salt, err1 = base64.RawStdEncoding.DecodeString(parts[4])
	p.key, err2 = base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(p.salt) < 8 || len(p.key) < 16 || len(p.key) > 64 {
		return p, errors.New("malformed password hash")
	}
	return p, nil
}

// argonBytes is the memory one argon2id hash or check takes.
const argonBytes = argonMemoryKiB * 1024

// defaultHashBudget is the memory password hashing may use when GOMEMLIMIT
// is not set.
const defaultHashBudget = 128 << 20

// ErrBusy answers a password hash or check that found the pool and its
// queue full; the web layer answers 503 with Retry-After.
var ErrBusy = interview.Errorf(interview.CodeUnavailable, "the server is busy; try again in a moment")

// PasswordPool bounds how many argon2id hashes and checks run at once, so
// that parallel sign-ins cannot take the server's memory (about 19 MiB
// each). A few more wait in a short queue; past that a request gets
// ErrBusy at once.
type PasswordPool struct {
	admitted chan struct{} // running and queued
	running  chan struct{}
	inFlight atomic.Int64
	peak     atomic.Int64
	runs     atomic.Int64
}

// NewPasswordPool runs at most size hashes at once, with queue more waiting.
func NewPasswordPool(size, queue int) *PasswordPool {
	size = max(size, 1)
	return &PasswordPool{admitted: make(chan struct{}, size+max(queue, 0)), running: make(chan struct{}, size)}
}

// DefaultPasswordPool sizes a pool from GOMAXPROCS and memory: at most one
// hash per CPU, and no more than a quarter of GOMEMLIMIT (128 MiB when it
// is not set) divided by 19 MiB; the queue holds twice that.
func DefaultPasswordPool() *PasswordPool {
	budget := int64(defaultHashBudget)
	if limit := debug.SetMemoryLimit(-1); limit < math.MaxInt64 {
		budget = limit / 4
	}
	size := min(runtime.GOMAXPROCS(0), max(int(budget/argonBytes), 1))
	return NewPasswordPool(size, 2*size)
}

// Size is how many hashes may run at once.
func (p *PasswordPool) Size() int { return cap(p.running) }

// Runs is how many hashes and checks have run.
func (p *PasswordPool) Runs() int { return int(p.runs.Load()) }

// Peak is the most hashes that have run at once.
func (p *PasswordPool) Peak() int { return int(p.peak.Load()) }

// Hash is HashPassword inside the pool.
func (p *PasswordPool) Hash(ctx context.Context, pw string) (string, error) {
	var h string
	err := p.do(ctx, func() (err error) { h, err = HashPassword(pw); return err })
	return h, err
}

// Verify is VerifyPassword inside the pool.
func (p *PasswordPool) Verify(ctx context.Context, hash, pw string) error {
	return p.do(ctx, func() error { return VerifyPassword(hash, pw) })
}

func (p *PasswordPool) do(ctx context.Context, f func() error) error {
	select {
	case p.admitted <- struct{}{}:
	default:
		return ErrBusy
	}
	defer func() { <-p.admitted }()
	select {
	case p.running <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-p.running }()
	p.runs.Add(1)
	n := p.inFlight.Add(1)
	defer p.inFlight.Add(-1)
	for old := p.peak.Load(); n > old && !p.peak.CompareAndSwap(old, n); old = p.peak.Load() {
	}
	return f()
}
