package interview

import (
	"errors"
	"testing"
)

// TestTransitions walks every (from, to) pair of statuses against the
// lifecycle the product promises.
func TestTransitions(t *testing.T) {
	legal := map[[2]Status]bool{
		{StatusPending, StatusReady}:        true,
		{StatusPending, StatusAbandoned}:    true,
		{StatusReady, StatusInProgress}:     true,
		{StatusReady, StatusAbandoned}:      true,
		{StatusReady, StatusFailed}:         true,
		{StatusInProgress, StatusCompleted}: true,
		{StatusInProgress, StatusAbandoned}: true,
		{StatusInProgress, StatusFailed}:    true,
	}
	for _, from := range Statuses {
		for _, to := range Statuses {
			t.Run(string(from)+"→"+string(to), func(t *testing.T) {
				got, err := from.Transition(to)
				if legal[[2]Status{from, to}] {
					if err != nil || got != to {
						t.Fatalf("legal transition refused: %v", err)
					}
					return
				}
				if err == nil || got != from {
					t.Fatalf("illegal transition allowed (got %s)", got)
				}
				want := ErrTransition
				if from.Terminal() {
					want = ErrClosed
				}
				if !errors.Is(err, want) {
					t.Errorf("error %v, want code %s", err, want.Code)
				}
				if from.CanTransition(to) {
					t.Error("CanTransition disagrees with Transition")
				}
			})
		}
	}
}

func TestTransitionUnknownStatus(t *testing.T) {
	if _, err := StatusPending.Transition("paused"); !errors.Is(err, ErrInvalid) {
		t.Errorf("unknown target: %v", err)
	}
	if Status("paused").CanTransition(StatusReady) {
		t.Error("unknown status may not move")
	}
}

func TestStatusPredicates(t *testing.T) {
	cases := []struct {
		s              Status
		terminal, open bool
	}{
		{StatusPending, false, true},
		{StatusReady, false, true},
		{StatusInProgress, false, true},
		{StatusCompleted, true, false},
		{StatusAbandoned, true, false},
		{StatusFailed, true, false},
		{"bogus", false, false},
	}
	for _, tc := range cases {
		if tc.s.Terminal() != tc.terminal || tc.s.Open() != tc.open {
			t.Errorf("%s: terminal=%v open=%v", tc.s, tc.s.Terminal(), tc.s.Open())
		}
	}
	for _, s := range Statuses {
		if got, err := ParseStatus(string(s)); err != nil || got != s {
			t.Errorf("ParseStatus(%s) = %v, %v", s, got, err)
		}
	}
	if _, err := ParseStatus("done"); !errors.Is(err, ErrInvalid) {
		t.Errorf("ParseStatus(done): %v", err)
	}
}
