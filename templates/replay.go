package templates

import (
	"fmt"
	"strconv"
	"time"

	"github.com/interviewd/interviewd/internal/hiring"
	"github.com/interviewd/interviewd/internal/interview"
)

// ReplayView is the replay page: the recording's parts (one per segment)
// with the transcript beside them.
type ReplayView struct {
	Interview interview.Session
	Candidate interview.Candidate
	Position  interview.Position
	Parts     []ReplayPart
	Lines     []ReplayLine
}

// ReplayPart is one segment of the recording as the page plays it.
type ReplayPart struct {
	interview.VideoSegment
	Src string // the media's address; ?download=1 downloads it
}

// ReplayLine is a transcript line placed in the recording: Part is the
// segment that plays it (-1: none does) and OffsetMS where in it.
type ReplayLine struct {
	TranscriptLine
	Part     int
	OffsetMS int64
}

// ReplayParts converts the segments, in Index order, for the page; src
// gives each one's media address.
func ReplayParts(segs []interview.VideoSegment, src func(index int) string) []ReplayPart {
	out := make([]ReplayPart, 0, len(segs))
	for _, s := range segs {
		out = append(out, ReplayPart{VideoSegment: s, Src: src(s.Index)})
	}
	return out
}

// ReplayLines places each transcript line in the playable part that was
// recording when it was said: the last one started at or before it (a
// line before the first part goes to its start). Its offset is its time
// less the part's start, within the part's duration when known.
func ReplayLines(lines []TranscriptLine, parts []ReplayPart) []ReplayLine {
	out := make([]ReplayLine, 0, len(lines))
	for _, l := range lines {
		rl := ReplayLine{TranscriptLine: l, Part: -1}
		for _, p := range parts {
			if !hiring.Playable(p.VideoSegment) || (rl.Part >= 0 && p.StartTime.After(l.At)) {
				continue
			}
			rl.Part, rl.OffsetMS = p.Index, max(l.At.Sub(p.StartTime).Milliseconds(), 0)
			if p.DurationMS > 0 {
				rl.OffsetMS = min(rl.OffsetMS, p.DurationMS)
			}
		}
		out = append(out, rl)
	}
	return out
}

// RecordingSummary is what the interview page says of the recording.
type RecordingSummary struct {
	Parts      int   // segments
	Playable   int   // segments with a file to play
	Finalising bool  // a segment is still recording or being joined
	Gaps       int   // chunks missing, over every segment
	DurationMS int64 // of the playable parts
	Bytes      int64 // of every part
}

// SummarizeRecording sums an interview's segments up; nil when it has none.
func SummarizeRecording(segs []interview.VideoSegment) *RecordingSummary {
	if len(segs) == 0 {
		return nil
	}
	r := &RecordingSummary{Parts: len(segs)}
	for _, s := range segs {
		r.Bytes += s.Bytes
		r.Gaps += s.Gaps
		if s.Status == interview.SegmentRecording || s.Status == interview.SegmentProcessing {
			r.Finalising = true
		}
		if hiring.Playable(s) {
			r.Playable++
			r.DurationMS += s.DurationMS
		}
	}
	return r
}

// replayState is what the replay page says above the players: off (the
// position does not record), none (nothing was recorded), finalising, or
// "" when the parts speak for themselves.
func (v ReplayView) replayState() string {
	switch {
	case len(v.Parts) == 0 && !v.Position.RecordAudio:
		return "off"
	case len(v.Parts) == 0:
		return "none"
	}
	for _, p := range v.Parts {
		if p.Status == interview.SegmentRecording || p.Status == interview.SegmentProcessing {
			return "finalising"
		}
	}
	return ""
}

// noneText explains an empty recording: still to come, or never made.
func (v ReplayView) noneText() string {
	if !v.Interview.Status.Terminal() {
		return "Nothing has been recorded yet: the recording appears here once the interview has ended."
	}
	return "Nothing was recorded."
}

// partLabel names a part for people: "Part 2 · started 14:03 UTC".
func partLabel(p ReplayPart) string {
	return fmt.Sprintf("Part %d · started %s", p.Index+1, p.StartTime.UTC().Format("15:04:05 UTC"))
}

// partDetail is a part's length and size, e.g. "4:32 · 3.1 MB".
func partDetail(p ReplayPart) string {
	if !hiring.Playable(p.VideoSegment) {
		return ByteSize(p.Bytes)
	}
	return ClockDuration(p.DurationMS) + " · " + ByteSize(p.Bytes)
}

// gapNote says what an incomplete part is missing.
func gapNote(p ReplayPart) string {
	if p.Gaps == 1 {
		return "Part of this recording is missing (1 chunk of a few seconds did not arrive). It plays up to the gap."
	}
	return fmt.Sprintf("Part of this recording is missing (%d chunks of a few seconds did not arrive). It plays up to the first gap.", p.Gaps)
}

// downloadHref is a part's download address.
func downloadHref(p ReplayPart) string { return p.Src + "?download=1" }

// seekHref is a line's link into its part's media at its offset (a media
// fragment), which plays there even without JavaScript.
func seekHref(l ReplayLine, parts []ReplayPart) string {
	for _, p := range parts {
		if p.Index == l.Part {
			return p.Src + "#t=" + strconv.FormatFloat(float64(l.OffsetMS)/1000, 'f', 1, 64)
		}
	}
	return ""
}

// ClockDuration formats milliseconds as m:ss, or h:mm:ss from an hour.
func ClockDuration(ms int64) string {
	d := time.Duration(max(ms, 0)) * time.Millisecond
	h, m, s := int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60
	if h > 0 {
		return fmt.Sprintf("%d:%02d:%02d", h, m, s)
	}
	return fmt.Sprintf("%d:%02d", m, s)
}

// ByteSize formats a size for people in decimal units: 950 B, 3.1 MB.
func ByteSize(n int64) string {
	const unit = 1000
	if n < unit {
		return strconv.FormatInt(n, 10) + " B"
	}
	v, i := float64(n)/unit, 0
	for v >= unit && i < 3 {
		v, i = v/unit, i+1
	}
	return strconv.FormatFloat(v, 'f', 1, 64) + " " + [...]string{"kB", "MB", "GB", "TB"}[i]
}

func msText(ms int64) string { return strconv.FormatInt(ms, 10) }

func replayHref(interviewID string) string { return interviewHref(interviewID) + "/recording" }
