package engine

import (
	"sync/atomic"
	"time"

	pionopus "github.com/pion/opus"
	"github.com/pion/webrtc/v4"
)

// audioQueueLen is how many packets (about 3 s of 20 ms packets) may wait
// for a call's listener before the media goroutine drops them: enough to
// ride out a listener starved of CPU for a moment without losing speech.
const audioQueueLen = 150

// listenRate is the rate the candidate's audio is decoded at: SILK
// wideband, what the recogniser takes.
const listenRate = 16000

// audioPacket is one RTP packet's audio on its way to the listener.
type audioPacket struct {
	at      time.Duration // from the first packet, by RTP timestamp
	level   int           // RFC 6464 level, -1 without the extension
	voice   bool
	payload []byte
}

// Stats are the engine's media counters since New.
type Stats struct {
	// DroppedPackets were dropped because a call's listener fell behind.
	DroppedPackets int64
	// BadPackets were not RTP; BadFrames did not decode.
	BadPackets, BadFrames int64
	// Utterances is the number of answers the voice detector ended.
	Utterances int64
	// LatePackets came after their moment of the answer had been filled
	// with silence (reordered or repeated on the way) and were not used.
	LatePackets int64
}

type stats struct {
	dropped, badPackets, badFrames, utterances, late atomic.Int64
}

// Stats reports the engine's media counters.
func (e *Engine) Stats() Stats {
	s := &e.stats
	return Stats{DroppedPackets: s.dropped.Load(), BadPackets: s.badPackets.Load(),
		BadFrames: s.badFrames.Load(), Utterances: s.utterances.Load(), LatePackets: s.late.Load()}
}

// listener is a call's second media goroutine: it decodes the candidate's
// audio when something needs it, runs the turn detector, keeps the audio
// of the answer being spoken, and posts the detector's transitions.
type listener struct {
	c        *call
	codec    string
	dec      pionopus.Decoder
	pcm      []int16
	always   bool // decode every packet: a recogniser wants the audio
	det      TurnDetector
	manual   bool // no turn detection: buffer everything for input_audio_buffer.commit
	silence  time.Duration
	inTurn   bool
	start    time.Duration
	last     time.Duration
	preroll  preroll
	timeline timeline
}

func newListener(c *call, mime string) *listener {
	td := c.turnSettings()
	det := c.e.cfg.VoiceDetector.NewTurnDetector(td)
	_, manual := det.(silentTurns)
	_, deaf := c.e.cfg.Recognizer.(NoRecognizer)
	l := &listener{c: c, codec: mime, det: det, manual: manual, always: !deaf,
		pcm: make([]int16, listenRate*120/1000), silence: c.e.cfg.Turn.Silence}
	if td.SilenceDurationMS != nil {
		l.silence = time.Duration(*td.SilenceDurationMS) * time.Millisecond
	}
	pad := 300 * time.Millisecond
	if td.PrefixPaddingMS != nil {
		pad = time.Duration(*td.PrefixPaddingMS) * time.Millisecond
	}
	l.preroll.max = int(pad.Seconds() * listenRate)
	l.dec, _ = pionopus.NewDecoderWithOutput(listenRate, 1)
	return l
}

// run takes packets until the media goroutine closes the queue. Without
// packets during a turn (a muted or vanished sender) the end-of-turn
// silence is counted on the wall clock instead.
func (l *listener) run(queue <-chan audioPacket) {
	quiet := time.NewTimer(time.Hour)
	defer quiet.Stop()
	for {
		select {
		case p, ok := <-queue:
			if !ok {
				return
			}
			l.take(p)
			if l.inTurn {
				quiet.Reset(l.silence)
			}
		case <-quiet.C:
			if len(queue) > 0 {
				// Packets are waiting: the listener fell behind, the sender
				// did not fall silent. Take them before judging the turn.
				quiet.Reset(l.silence)
				continue
			}
			if l.inTurn {
				l.stopped(l.last + l.silence)
			}
		case <-l.c.ctx.Done():
			return
		}
	}
}

func (l *listener) take(p audioPacket) {
	f := Frame{At: p.at, Level: p.level, Voice: p.voice}
	if l.always || l.manual || p.level < 0 {
		gap, ok := l.timeline.place(p.at)
		if !ok {
			l.c.e.stats.late.Add(1)
			return // late or repeated: its moment has been filled already
		}
		f.PCM = l.decode(p.payload)
		l.timeline.played(p.at, f.PCM)
		if f.Level < 0 && len(f.PCM.Samples) > 0 {
			f.Level = level(f.PCM.Samples)
		}
		if gap > 0 && len(f.PCM.Samples) > 0 {
			f.PCM.Samples = append(make([]int16, gap), f.PCM.Samples...)
		}
	}
	l.last = p.at
	switch l.det.Feed(f) {
	case VoiceStarted:
		l.inTurn, l.start = true, p.at
		l.c.audio.append(l.preroll.take())
		l.c.post(voiceInput{voice: VoiceStarted, at: p.at})
	case VoiceStopped:
		l.c.audio.append(f.PCM)
		l.stopped(p.at)
		return
	}
	switch {
	case l.inTurn || l.manual:
		l.c.audio.append(f.PCM)
	case len(f.PCM.Samples) > 0:
		l.preroll.add(f.PCM.Samples)
	}
}

// stopped ends the turn and hands its audio to the run goroutine.
func (l *listener) stopped(at time.Duration) {
	l.inTurn = false
	l.c.e.stats.utterances.Add(1)
	l.c.post(voiceInput{voice: VoiceStopped, at: at, spoken: at - l.start, audio: l.c.audio.take()})
}

// decode turns one payload into 16 kHz mono. A payload that does not
// decode is counted and yields no audio; the decoder's state is reset.
func (l *listener) decode(payload []byte) (out PCM) {
	if l.codec == webrtc.MimeTypePCMU {
		p := PCM{Rate: 8000, Samples: make([]int16, len(payload))}
		for i, b := range payload {
			p.Samples[i] = unulaw(b)
		}
		return resample(p, listenRate)
	}
	defer func() { // untrusted input must not take the engine down
		if recover() != nil {
			l.badFrame()
			out = PCM{}
		}
	}()
	n, err := l.dec.DecodeToInt16(payload, l.pcm)
	if err != nil || n <= 0 {
		l.badFrame()
		return PCM{}
	}
	return PCM{Rate: listenRate, Samples: append([]int16(nil), l.pcm[:n]...)}
}

func (l *listener) badFrame() {
	l.c.e.stats.badFrames.Add(1)
	l.dec, _ = pionopus.NewDecoderWithOutput(listenRate, 1)
}

// maxFill is the longest hole in the candidate's audio that silence fills:
// packets lost on the way. A longer jump in RTP time (a sender that
// paused, a new timestamp base) starts the timeline again.
const maxFill = 200 * time.Millisecond

// timeline keeps the decoded audio in step with RTP time, so that what the
// recogniser hears lasts as long as what was said: a lost packet leaves
// its moment as silence rather than pulling the next word forward, and a
// packet that arrives after its moment was filled (reordered, repeated) is
// dropped rather than decoded out of order, which would garble the
// decoder's state for the frames after it.
type timeline struct {
	next    time.Duration // where the next packet should start
	started bool
}

// place reports how many samples of silence go before the packet at, and
// false when the packet comes too late to be used.
func (t *timeline) place(at time.Duration) (int, bool) {
	if !t.started {
		return 0, true
	}
	switch hole := at - t.next; {
	case hole < -maxFill || hole > maxFill:
		return 0, true // a new timeline
	case hole <= -time.Millisecond:
		return 0, false
	case hole >= time.Millisecond:
		return int(hole.Seconds() * listenRate), true
	}
	return 0, true
}

// played records the audio decoded for the packet at.
func (t *timeline) played(at time.Duration, p PCM) {
	if len(p.Samples) == 0 || p.Rate <= 0 {
		return
	}
	t.started = true
	t.next = at + time.Duration(len(p.Samples))*time.Second/time.Duration(p.Rate)
}

// preroll keeps the last moments of audio before speech is detected, as
// OpenAI's prefix_padding_ms does, so the first word is not clipped.
type preroll struct {
	max     int
	samples []int16
}

func (p *preroll) add(s []int16) {
	p.samples = append(p.samples, s...)
	if over := len(p.samples) - p.max; over > 0 {
		p.samples = append(p.samples[:0], p.samples[over:]...)
	}
}

func (p *preroll) take() PCM {
	out := PCM{Rate: listenRate, Samples: append([]int16(nil), p.samples...)}
	p.samples = p.samples[:0]
	return out
}
