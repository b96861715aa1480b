package engine

import (
	"io"
	"log/slog"
	"runtime"
	"time"
)

// Config configures an Engine; only APIKey is required, every zero value
// takes the default documented on its field.
type Config struct {
	// APIKey is the bearer token every request must carry.
	APIKey string
	// Logger receives the engine's logs; nil discards them.
	Logger *slog.Logger
	// ICE tunes candidate gathering and ICE timeouts.
	ICE ICE
	// Turn holds the interviewer's timing.
	Turn Turn
	// Limits caps sizes, durations and concurrency.
	Limits Limits
	// Recognizer transcribes finished answers; nil means NoRecognizer.
	Recognizer Recognizer
	// Synthesizer voices the interviewer's lines; nil means NoSynthesizer.
	Synthesizer Synthesizer
	// VoiceDetector finds where answers start and end in the candidate's
	// audio; nil means LevelDetector (pure Go, always available).
	// NoVoiceDetector leaves answers to client events.
	VoiceDetector VoiceDetector
	// Record, when set, receives one JSON line (RecordEntry) per finished
	// message with text and per function call, of every call: the
	// engine's own record of what was said (ENGINE_RECORD).
	Record io.Writer
}

// ICE tunes how the engine's peers gather candidates.
type ICE struct {
	// LoopbackOnly gathers only 127.0.0.1 UDP host candidates and turns
	// mDNS off: for tests and a browser on the same machine.
	LoopbackOnly bool
	// IncludeLoopback adds loopback candidates to the usual host candidates.
	IncludeLoopback bool
	// PublicIPs replaces the host candidates' addresses with these (a
	// server behind a 1:1 NAT).
	PublicIPs []string
	// PortMin and PortMax bound the local UDP ports; zero means any.
	PortMin, PortMax uint16
	// DisconnectedTimeout and FailedTimeout override pion's ICE timeouts
	// (5 s and 25 s) when set.
	DisconnectedTimeout, FailedTimeout time.Duration
}

// Turn holds the interviewer's timing.
type Turn struct {
	// DeltaInterval paces the transcript deltas of a line in text mode
	// (default 60 ms).
	DeltaInterval time.Duration
	// WordsPerDelta is how many words one transcript delta carries (default 3).
	WordsPerDelta int
	// SidebandWait is how long a response requested before everyone is
	// listening (the data channel when offered, and a sideband) waits for
	// them once the call is connected (default 1 s), so that a server that
	// writes the transcript from the sideband hears the greeting.
	SidebandWait time.Duration
	// Silence is the end-of-turn silence the voice detector uses when the
	// session's turn_detection names none (default 1.5 s).
	Silence time.Duration
}

// Limits caps sizes, durations and concurrency.
type Limits struct {
	// MaxCalls is the number of concurrent calls; more get 503 server_busy
	// (default 256).
	MaxCalls int
	// MaxSDPBytes caps the offer (default 64 KiB); larger bodies get 413.
	MaxSDPBytes int64
	// MaxSessionBytes caps the session part (default 64 KiB).
	MaxSessionBytes int64
	// MaxEventBytes caps one client event on the data channel or the
	// sideband (default 128 KiB).
	MaxEventBytes int64
	// ConnectTimeout ends a call that is not connected by then (default 30 s).
	ConnectTimeout time.Duration
	// MaxDuration ends every call with session_expired (default 60 min, as OpenAI).
	MaxDuration time.Duration
	// GatherTimeout bounds ICE gathering before the answer is sent (default 2 s).
	GatherTimeout time.Duration
	// WriteTimeout bounds one sideband write (default 5 s).
	WriteTimeout time.Duration
	// SidebandBuffer is how many events may wait for a sideband reader
	// before it is dropped as too slow (default 256).
	SidebandBuffer int
	// MaxRecognitions is how many answers are recognised at once, engine-wide
	// (default: the number of CPUs); the others queue.
	MaxRecognitions int
}

func (c Config) withDefaults() Config {
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Recognizer == nil {
		c.Recognizer = NoRecognizer{}
	}
	if c.Synthesizer == nil {
		c.Synthesizer = NoSynthesizer{}
	}
	if c.VoiceDetector == nil {
		c.VoiceDetector = LevelDetector{}
	}
	c.Turn = c.Turn.withDefaults()
	c.Limits = c.Limits.withDefaults()
	return c
}

func (t Turn) withDefaults() Turn {
	orDuration(&t.DeltaInterval, 60*time.Millisecond)
	orDuration(&t.SidebandWait, time.Second)
	orDuration(&t.Silence, 1500*time.Millisecond)
	if t.WordsPerDelta <= 0 {
		t.WordsPerDelta = 3
	}
	return t
}

func (l Limits) withDefaults() Limits {
	if l.MaxCalls <= 0 {
		l.MaxCalls = 256
	}
	orBytes(&l.MaxSDPBytes, 64<<10)
	orBytes(&l.MaxSessionBytes, 64<<10)
	orBytes(&l.MaxEventBytes, 128<<10)
	orDuration(&l.ConnectTimeout, 30*time.Second)
	orDuration(&l.MaxDuration, 60*time.Minute)
	orDuration(&l.GatherTimeout, 2*time.Second)
	orDuration(&l.WriteTimeout, 5*time.Second)
	if l.SidebandBuffer <= 0 {
		l.SidebandBuffer = 256
	}
	if l.MaxRecognitions <= 0 {
		l.MaxRecognitions = runtime.NumCPU()
	}
	return l
}

func orDuration(d *time.Duration, def time.Duration) {
	if *d <= 0 {
		*d = def
	}
}

func orBytes(n *int64, def int64) {
	if *n <= 0 {
		*n = def
	}
}
