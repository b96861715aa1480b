package sqlite

// Temporary: issue 13's store methods, until they are written in this
// session. Every one answers errScaleNotYet.

import (
	"context"
	"errors"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
)

var errScaleNotYet = errors.New("not yet implemented")

func (s *Store) Heartbeat(ctx context.Context, inst interview.Instance) error { return errScaleNotYet }
func (s *Store) RemoveInstance(ctx context.Context, id string) error          { return errScaleNotYet }
func (s *Store) ListInstances(ctx context.Context) ([]interview.Instance, error) {
	return nil, errScaleNotYet
}
func (s *Store) AcquireLease(ctx context.Context, l interview.CallLease, now time.Time, ttl time.Duration) (interview.CallLease, error) {
	return interview.CallLease{}, errScaleNotYet
}
func (s *Store) ReleaseLease(ctx context.Context, tenantID, interviewID, owner string) error {
	return errScaleNotYet
}
func (s *Store) GetLease(ctx context.Context, tenantID, interviewID string) (interview.CallLease, error) {
	return interview.CallLease{}, errScaleNotYet
}
func (s *Store) ListOrphans(ctx context.Context, tenantID string, now time.Time) ([]interview.CallLease, error) {
	return nil, errScaleNotYet
}
func (s *Store) TryLock(ctx context.Context, name string) (func(), bool, error) {
	return nil, false, errScaleNotYet
}
func (s *Store) AddThrottle(ctx context.Context, key string, at time.Time, window time.Duration) (int, error) {
	return 0, errScaleNotYet
}
func (s *Store) CountThrottle(ctx context.Context, key string, at time.Time, window time.Duration) (int, error) {
	return 0, errScaleNotYet
}
func (s *Store) ResetThrottle(ctx context.Context, key string) error { return errScaleNotYet }
func (s *Store) PruneThrottles(ctx context.Context, before time.Time) (int, error) {
	return 0, errScaleNotYet
}
func (s *Store) Notify(ctx context.Context, channel, payload string) error { return errScaleNotYet }
func (s *Store) Listen(ctx context.Context, channel string) (<-chan string, error) {
	return nil, errScaleNotYet
}
