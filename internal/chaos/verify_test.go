package chaos

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/calls"
	"github.com/interviewd/interviewd/internal/engine"
	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store/postgres"
)

// tally is what a run found, over every interview.
type tally struct {
	interviews, completed          int
	expected, stored               int
	lost, duplicated, gaps, differ int
	unexpected                     int
	callsPerInterview              []int
	takeovers                      []takeover
	problems                       []string
}

// readRecord reads the engine's record (ENGINE_RECORD).
func readRecord(t testing.TB, path string) []engine.RecordEntry {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []engine.RecordEntry
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var e engine.RecordEntry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("engine record line %q: %v", sc.Text(), err)
		}
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// check compares each interview's stored transcript with the engine's
// record of the calls it used: the calls of its session messages and
// those whose items its peers heard.
func check(t testing.TB, st *postgres.Store, record []engine.RecordEntry, cands []*candidate) tally {
	t.Helper()
	callOf := map[string]string{}
	for _, e := range record {
		callOf[e.ItemID] = e.CallID
	}
	var tl tally
	for _, c := range cands {
		calls := map[string]bool{}
		for id := range c.calls {
			calls[id] = true
		}
		for item := range c.items {
			if id, ok := callOf[item]; ok {
				calls[id] = true
			}
		}
		var want []engine.RecordEntry
		for _, e := range record {
			if calls[e.CallID] && e.Role != "" && e.Text != "" {
				want = append(want, e)
			}
		}
		tl.add(t, st, c, want, len(calls))
	}
	return tl
}

// add checks one interview against the lines the engine recorded for it.
func (tl *tally) add(t testing.TB, st *postgres.Store, c *candidate, want []engine.RecordEntry, callCount int) {
	t.Helper()
	ctx := context.Background()
	v, err := st.GetSession(ctx, c.v.TenantID, c.v.ID)
	must(t, err)
	stored, err := st.ListTranscript(ctx, c.v.TenantID, c.v.ID, 0)
	must(t, err)
	tl.interviews++
	tl.callsPerInterview = append(tl.callsPerInterview, callCount)
	tl.takeovers = append(tl.takeovers, c.takeovers...)
	name := c.v.ID[:8]
	before := len(tl.problems)
	defer func() { // the candidate's trace goes with its interview's problems
		if len(tl.problems) > before {
			tl.problem("%s: candidate: finished=%v %s, calls %v\n      %s", name, c.finished, c.failure, keys(c.calls),
				strings.Join(c.trace, "\n      "))
		}
	}()
	// Completed as the interview was meant to end: every question
	// answered, and the interviewer's end_interview.
	if v.Status == interview.StatusCompleted && v.EndReason == calls.ReasonInterviewerEnded && answered(want) >= len(questions) {
		tl.completed++
	} else {
		tl.problem("%s: %s (%s) with %d answers recorded", name, v.Status, v.EndReason, answered(want))
	}
	tl.expected += len(want)
	tl.stored += len(stored)
	byItem := map[string][]interview.TranscriptEntry{}
	for i, e := range stored {
		byItem[e.ItemID] = append(byItem[e.ItemID], e)
		if e.Seq != int64(i+1) {
			tl.gaps++
			tl.problem("%s: entry %d has seq %d", name, i+1, e.Seq)
		}
	}
	expected := map[string]bool{}
	for _, w := range want {
		expected[w.ItemID] = true
		got := byItem[w.ItemID]
		switch {
		case len(got) == 0:
			tl.lost++
			tl.problem("%s: lost %s %s %q (said %s)", name, w.Role, w.ItemID, short(w.Text), w.Time.Format(time.TimeOnly))
		case len(got) > 1:
			tl.duplicated += len(got) - 1
			tl.problem("%s: %s stored %d times", name, w.ItemID, len(got))
		}
		if len(got) > 0 && (got[0].Text != w.Text || got[0].Speaker != speakerOf(w.Role)) {
			tl.differ++
			tl.problem("%s: %s stored as %s, %d of %d bytes (source %s, interrupted %v): %q; said %s at %s", name, w.ItemID,
				got[0].Speaker, len(got[0].Text), len(w.Text), got[0].Source, got[0].Interrupted, got[0].Text, w.Role,
				w.Time.Format("15:04:05.000"))
		}
	}
	for _, e := range stored {
		if !expected[e.ItemID] {
			tl.unexpected++
			tl.problem("%s: stored %s %q (%s) is in no recorded call of the interview", name, e.Speaker, short(e.Text), e.ItemID)
		}
	}
}

// answered counts the candidate's recorded answers.
func answered(said []engine.RecordEntry) int {
	n := 0
	for _, e := range said {
		if e.Role == "user" {
			n++
		}
	}
	return n
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func speakerOf(role string) interview.Speaker {
	if role == "user" {
		return interview.SpeakerCandidate
	}
	return interview.SpeakerInterviewer
}

func (tl *tally) problem(format string, args ...any) {
	tl.problems = append(tl.problems, fmt.Sprintf(format, args...))
}

// report is the harness's printout.
func (tl *tally) report(kills int, what string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "interviews completed: %d/%d\n", tl.completed, tl.interviews)
	fmt.Fprintf(&b, "%s: %d\n", what, kills)
	fmt.Fprintf(&b, "entries expected (engine record): %d, stored: %d\n", tl.expected, tl.stored)
	fmt.Fprintf(&b, "lost: %d, duplicated: %d, seq gaps: %d, text differs: %d, unexpected: %d\n",
		tl.lost, tl.duplicated, tl.gaps, tl.differ, tl.unexpected)
	var lat []time.Duration
	fell := 0
	for _, to := range tl.takeovers {
		lat = append(lat, to.latency)
		if to.fellBack {
			fell++
		}
	}
	slices.Sort(lat)
	fmt.Fprintf(&b, "takeovers: %d (fell back to a new call: %d), latency p50 %v p99 %v max %v\n",
		len(lat), fell, quantile(lat, 0.5), quantile(lat, 0.99), quantile(lat, 1))
	fmt.Fprintf(&b, "calls per interview: %v\n", tl.callsPerInterview)
	for _, p := range tl.problems {
		fmt.Fprintf(&b, "  %s\n", p)
	}
	return b.String()
}

// quantile is the q-quantile of sorted durations (nearest rank).
func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	i = max(0, min(i, len(sorted)-1))
	return sorted[i].Round(time.Millisecond)
}

func short(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
