package engine

import "time"

// LevelDetector is the engine's own voice detector, in pure Go. It reads
// each frame's level on RFC 6464's scale: the audio-level header extension
// when the sender adds it (Chromium does; nothing needs decoding), else the
// energy of the decoded audio. Speech is a level louder than an absolute
// threshold (from turn_detection.threshold) and 10 dB above an adaptive
// noise floor. A turn starts after 4 speech frames in 10 and ends after
// turn_detection.silence_duration_ms without speech.
type LevelDetector struct{}

// Name reports the detector on the start-up line.
func (LevelDetector) Name() string { return "audio-level+energy" }

// NewTurnDetector returns a detector for one call; with turn detection off
// (a null turn_detection) it reports nothing and answers end by
// input_audio_buffer.commit.
func (LevelDetector) NewTurnDetector(td TurnDetection) TurnDetector {
	if td.Type == "" {
		return silentTurns{}
	}
	d := &levelTurns{silence: 1500 * time.Millisecond, loudest: 40, floor: floorStart}
	if td.SilenceDurationMS != nil {
		d.silence = time.Duration(*td.SilenceDurationMS) * time.Millisecond
	}
	if t := td.Threshold; t != nil && *t >= 0 && *t <= 1 {
		d.loudest = 60 - 40**t // 0.5 (OpenAI's default) → 40 dB below full scale
	}
	return d
}

const (
	floorStart   = 127.0 // digital silence until measured
	floorMargin  = 10.0  // speech is this many dB above the noise floor
	onsetWindow  = 10    // frames looked at for the start of speech
	onsetFrames  = 4     // speech frames among them that start a turn
	floorBlock   = 100   // frames per noise-floor block (2 s of 20 ms frames)
	floorHistory = 3     // blocks the floor remembers
)

type levelTurns struct {
	silence time.Duration
	loudest float64 // speech is at most this many dB below full scale

	floor   float64 // the noise floor in -dBov: the quietest recent level
	block   int     // frames in the current block
	quiet   float64 // the quietest level of the current block
	history [floorHistory]float64

	recent   [onsetWindow]bool
	next     int
	voiced   int
	speaking bool
	lastLoud time.Duration
}

// Feed implements TurnDetector.
func (d *levelTurns) Feed(f Frame) Voice {
	if f.Level < 0 {
		return VoiceNone
	}
	lv := float64(f.Level)
	speech := lv <= d.loudest && lv <= d.floor-floorMargin
	d.measureFloor(lv)
	d.remember(speech)
	if !d.speaking {
		if d.voiced < onsetFrames {
			return VoiceNone
		}
		d.speaking, d.lastLoud = true, f.At
		return VoiceStarted
	}
	if speech {
		d.lastLoud = f.At
	}
	if f.At-d.lastLoud < d.silence {
		return VoiceNone
	}
	d.speaking = false
	d.recent, d.voiced = [onsetWindow]bool{}, 0
	return VoiceStopped
}

func (d *levelTurns) remember(speech bool) {
	if d.recent[d.next] {
		d.voiced--
	}
	d.recent[d.next] = speech
	if speech {
		d.voiced++
	}
	d.next = (d.next + 1) % onsetWindow
}

// measureFloor keeps the noise floor as the quietest level of the last few
// blocks (minimum statistics): steady noise raises it within seconds, and
// the pauses between words bring it back down.
func (d *levelTurns) measureFloor(lv float64) {
	if d.block == 0 || lv > d.quiet {
		d.quiet = lv
	}
	if d.block++; d.block < floorBlock {
		return
	}
	copy(d.history[1:], d.history[:floorHistory-1])
	d.history[0], d.block = d.quiet, 0
	d.floor = 0
	for _, q := range d.history {
		d.floor = max(d.floor, q)
	}
}
