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
	seq     uint16        // RTP sequence number
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
	// LatePackets came after the listener had given them up as lost (or
	// were repeats) and were not used.
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
	c       *call
	codec   string
	dec     pionopus.Decoder
	pcm     []int16
	always  bool // decode every packet: a recogniser wants the audio
	det     TurnDetector
	manual  bool // no turn detection: buffer everything for input_audio_buffer.commit
	silence time.Duration
	inTurn  bool
	start   time.Duration
	last    time.Duration
	preroll preroll
	order   reorder
	// shift is added to every packet's RTP time once the sender has
	// paused (resume); pausedAt is when the pause ended a turn.
	shift    time.Duration
	pausedAt time.Time
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
			p.at += l.resume(p.at)
			ready, late := l.order.push(p)
			if late {
				l.c.e.stats.late.Add(1)
			}
			for _, q := range ready {
				l.take(q)
			}
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
			for _, q := range l.order.flush() { // the sender stopped: no packet is coming to fill a hole
				l.take(q)
			}
			if l.inTurn {
				l.paused()
			}
		case <-l.c.ctx.Done():
			return
		}
	}
}

// paused ends the turn of a sender that stopped sending: its silence is
// fed to the detector as one silent frame at the turn's end, so that the
// detector ends the turn too and starts afresh. A browser sends nothing
// while its microphone is digitally silent, and its RTP time runs on
// across the pause as if it had not happened; a detector never told would
// take the next answer for more of this turn and never start one.
func (l *listener) paused() {
	l.feed(Frame{At: l.last + l.silence, Level: silenceLevel})
	if l.inTurn { // a detector that did not take the silence as the end
		l.stopped(l.last)
	}
	l.pausedAt = time.Now()
}

// resume returns how much later than its RTP time a packet is placed: after
// a pause that ended a turn, the call's audio goes on from the wall-clock
// time since the turn's end, so the next answer comes after it.
func (l *listener) resume(at time.Duration) time.Duration {
	if !l.pausedAt.IsZero() {
		if want := l.last + time.Since(l.pausedAt); at+l.shift < want {
			l.shift = want - at
		}
		l.pausedAt = time.Time{}
	}
	return l.shift
}

func (l *listener) take(p audioPacket) {
	f := Frame{At: p.at, Level: p.level, Voice: p.voice}
	if l.always || l.manual || p.level < 0 {
		f.PCM = l.decode(p.payload)
		if f.Level < 0 && len(f.PCM.Samples) > 0 {
			f.Level = level(f.PCM.Samples)
		}
	}
	l.feed(f)
}

// feed runs the detector on a frame and acts on its transitions.
func (l *listener) feed(f Frame) {
	l.last = f.At
	switch l.det.Feed(f) {
	case VoiceStarted:
		l.inTurn, l.start = true, f.At
		l.c.audio.append(l.preroll.take())
		l.c.post(voiceInput{voice: VoiceStarted, at: f.At})
	case VoiceStopped:
		l.c.audio.append(f.PCM)
		l.stopped(f.At)
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

// reorderDepth is how many packets after a hole wait for the packet that
// belongs in it (60 ms of 20 ms packets) before it is given up as lost.
const reorderDepth = 3

// maxHole is the largest jump in sequence numbers taken as packets lost;
// a larger one (a sender that started again) is followed at once.
const maxHole = 50

// reorder hands the listener packets in RTP order. In order, a packet
// passes at once. After a hole, the packets that follow wait (at most
// reorderDepth of them) for the missing one, which a path that reorders
// delivers late: the decoder then gets its frames in order, since a SILK
// frame decoded out of order garbles the frames after it. A packet still
// missing after that is skipped: for the recogniser, a 20 ms skip costs
// less than 20 ms of silence or a repeated frame (docs/engine.md,
// "Recognition through a call"). A packet that comes after it was given up
// is late and is not used.
type reorder struct {
	next    uint16 // the sequence number expected next
	started bool
	held    []audioPacket // after a hole, in sequence order
}

// push takes an arriving packet and returns the packets to decode now, in
// order, and whether this one came too late to be used.
func (r *reorder) push(p audioPacket) (ready []audioPacket, late bool) {
	if !r.started {
		r.started, r.next = true, p.seq+1
		return []audioPacket{p}, false
	}
	switch d := int16(p.seq - r.next); {
	case d < -maxHole || d > maxHole:
		out := append(r.flush(), p)
		r.next = p.seq + 1
		return out, false
	case d < 0:
		return nil, true // given up already, or a repeat
	case d == 0:
		r.next++
		return r.release(append(ready, p)), false
	}
	i := 0
	for i < len(r.held) && int16(r.held[i].seq-p.seq) < 0 {
		i++
	}
	if i < len(r.held) && r.held[i].seq == p.seq {
		return nil, true // a repeat of a held packet
	}
	r.held = append(r.held[:i], append([]audioPacket{p}, r.held[i:]...)...)
	if len(r.held) < reorderDepth {
		return nil, false
	}
	r.next = r.held[0].seq // the hole is given up
	return r.release(nil), false
}

// release appends the held packets that now follow in sequence.
func (r *reorder) release(out []audioPacket) []audioPacket {
	for len(r.held) > 0 && r.held[0].seq == r.next {
		out = append(out, r.held[0])
		r.held = r.held[1:]
		r.next++
	}
	return out
}

// flush gives up every hole and returns the held packets in order.
func (r *reorder) flush() []audioPacket {
	out := r.held
	if len(out) > 0 {
		r.next = out[len(out)-1].seq + 1
	}
	r.held = nil
	return out
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
