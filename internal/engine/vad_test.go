package engine

import (
	"testing"
	"time"
)

// feed runs frames at the given levels, 20 ms apart, and returns the
// transitions with their times.
func feed(d TurnDetector, levels []int) map[Voice][]time.Duration {
	out := map[Voice][]time.Duration{}
	for i, lv := range levels {
		at := time.Duration(i) * 20 * time.Millisecond
		if v := d.Feed(Frame{At: at, Level: lv}); v != VoiceNone {
			out[v] = append(out[v], at)
		}
	}
	return out
}

func TestLevelDetector(t *testing.T) {
	ms := func(n int) *int { return &n }
	noisy := func(d time.Duration) []int { // fan noise at -50 dBov with speech-free wobble
		out := levels(50, d)
		for i := range out {
			out[i] += i % 3
		}
		return out
	}
	tests := []struct {
		name          string
		silenceMS     int
		levels        []int
		starts, stops int
	}{
		{"silence", 2500, levels(127, 5*time.Second), 0, 0},
		{"a click is not speech", 2500, join(levels(127, time.Second), levels(10, 40*time.Millisecond), levels(127, 3*time.Second)), 0, 0},
		{"an answer with a 2 s pause is one turn", 2500,
			join(levels(25, time.Second), levels(127, 2*time.Second), levels(25, time.Second), levels(127, 3*time.Second)), 1, 1},
		{"a shorter end of turn splits it", 1500,
			join(levels(25, time.Second), levels(127, 2*time.Second), levels(25, time.Second), levels(127, 3*time.Second)), 2, 2},
		{"steady noise is not speech", 1500, noisy(8 * time.Second), 0, 0},
		{"speech over noise", 1500, join(noisy(4*time.Second), levels(30, time.Second), noisy(3*time.Second)), 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := LevelDetector{}.NewTurnDetector(TurnDetection{Type: "server_vad", SilenceDurationMS: ms(tt.silenceMS)})
			got := feed(d, tt.levels)
			if len(got[VoiceStarted]) != tt.starts || len(got[VoiceStopped]) != tt.stops {
				t.Errorf("transitions %v, want %d starts and %d stops", got, tt.starts, tt.stops)
			}
		})
	}
	if _, off := (LevelDetector{}).NewTurnDetector(TurnDetection{}).(silentTurns); !off {
		t.Error("a null turn_detection must leave answers to client commits")
	}
}
