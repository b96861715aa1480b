package recording

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
)

// Sweep finalises the segments no browser will add to any more: those of
// interviews that ended at least Grace ago, and those without a chunk for
// Idle. It returns how many it finalised; one instance sweeps at a time
// (the store's "recordings" lock), another finds it held and returns 0.
func (s *Service) Sweep(ctx context.Context) (int, error) {
	unlock, ok, err := s.store.TryLock(ctx, lockName)
	if err != nil || !ok {
		return 0, err
	}
	defer unlock()
	now := s.now()
	segs, err := s.store.ListSegmentsToFinish(ctx, now.Add(-Grace), now.Add(-Idle), sweepBatch)
	if err != nil {
		return 0, fmt.Errorf("recordings sweep: %w", err)
	}
	var errs []error
	n := 0
	for _, seg := range segs {
		if _, err := s.Finalise(ctx, seg); err != nil {
			errs = append(errs, err)
			continue
		}
		n++
	}
	return n, errors.Join(errs...)
}

// Start sweeps every SweepInterval in a goroutine until ctx ends. The
// function it returns stops it and waits until it has, so that the store
// may be closed after it returns.
func (s *Service) Start(ctx context.Context) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(SweepInterval)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			if n, err := s.Sweep(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("recordings sweep failed", "finalised", n, "err", err)
			}
		}
	}()
	return func() {
		cancel()
		<-done
	}
}

var errNotFinalised = interview.Errorf(interview.CodeNotFound, "this recording segment is not finalised yet")

// Open opens a finalised segment's file for reading from any offset: from
// Blobs, or from the Publisher for a segment it keeps. A segment not
// finalised, or whose file is gone, is CodeNotFound (and ErrNoObject for
// the latter); one kept where this server no longer looks (the
// recordings' store changed) is CodeUnavailable.
func (s *Service) Open(ctx context.Context, seg interview.VideoSegment) (Object, error) {
	var obj Object
	var err error
	switch {
	case seg.Status != interview.SegmentReady && seg.Status != interview.SegmentIncomplete:
		return nil, errNotFinalised
	case seg.Storage == "apivideo" && s.publisher != nil:
		obj, err = s.publisher.Open(ctx, seg.ExternalID)
	case seg.Storage == s.blobs.Name():
		obj, err = s.blobs.Open(ctx, seg.ObjectKey)
	default:
		return nil, interview.Errorf(interview.CodeUnavailable, "this recording is kept in %s, which this server does not use", seg.Storage)
	}
	if errors.Is(err, ErrNoObject) {
		return nil, fmt.Errorf("open segment %s: %w: %w", seg.ID, err, interview.Errorf(interview.CodeNotFound, "this recording's file is gone"))
	} else if err != nil {
		return nil, fmt.Errorf("open segment %s: %w", seg.ID, err)
	}
	return obj, nil
}

// DeleteInterview deletes an interview's recording: its videos at the
// Publisher and its blobs, then its segments' and chunks' rows. Deleting the blobs first
// means a failure leaves rows that name missing files (Open answers
// CodeNotFound), never files that nothing names. Nothing to delete is not
// an error. Retention and erasure call it (internal/housekeeping,
// internal/hiring).
func (s *Service) DeleteInterview(ctx context.Context, tenantID, interviewID string) error {
	for i := 0; i < interview.MaxSegments; i++ {
		seg, err := s.store.GetSegment(ctx, tenantID, interviewID, i)
		if errors.Is(err, interview.ErrNotFound) {
			break
		} else if err != nil {
			return fmt.Errorf("delete recording of %s: %w", interviewID, err)
		}
		if err := s.unpublish(ctx, seg); err != nil {
			return err
		}
	}
	if err := s.blobs.Delete(ctx, InterviewPrefix(tenantID, interviewID)); err != nil {
		return fmt.Errorf("delete recording of %s: %w", interviewID, err)
	}
	if _, err := s.store.DeleteRecording(ctx, tenantID, interviewID); err != nil {
		return fmt.Errorf("delete recording of %s: %w", interviewID, err)
	}
	return nil
}

// unpublish deletes a segment's video at the Publisher, if it has one.
func (s *Service) unpublish(ctx context.Context, seg interview.VideoSegment) error {
	switch {
	case seg.ExternalID == "":
		return nil
	case s.publisher == nil:
		return interview.Errorf(interview.CodeUnavailable, "segment %d is kept at api.video, which this server does not use", seg.Index)
	}
	if err := s.publisher.Delete(ctx, seg.ExternalID); err != nil {
		return fmt.Errorf("delete video of segment %s: %w", seg.ID, err)
	}
	return nil
}
