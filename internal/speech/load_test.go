package speech

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/engine"
	"github.com/interviewd/interviewd/internal/testenv/peer"
)

// loadSilenceMS is the end-of-turn silence of the load test's sessions.
const loadSilenceMS = 1500

// loadResult is what the client process reports.
type loadResult struct {
	Calls     int     `json:"calls"`
	Answered  int     `json:"answered"`
	Lost      int     `json:"lost"`
	Latencies []int64 `json:"latencies_ms"` // the engine's speech_stopped → transcript completed
	Errors    []string
}

// BenchmarkLoad holds N concurrent calls (INTERVIEWD_LOAD_CALLS, default
// 20; with recognition on at most 20, since two recognisers take 2.8 s per
// answer and 200 queued answers would outlast the run) from pion peers that stream a recorded answer (Opus with the
// audio-level extension, as Chromium sends) to the engine, with
// recognition off and on. The peers run in a child process, so the CPU
// and memory measured are the engine's own. It reports calls held, CPU
// (cores, and ms per call-second), RSS per call, end-of-turn →
// transcript latency p50/p99, and lost answers, which must be zero.
func BenchmarkLoad(b *testing.B) {
	n := 20
	if v, err := strconv.Atoi(os.Getenv("INTERVIEWD_LOAD_CALLS")); err == nil && v > 0 {
		n = v
	}
	ogg := record(b, say(answers[0])).path
	for _, recognition := range []bool{false, true} {
		name := "recognition=off"
		if recognition {
			name = "recognition=on"
		}
		n := n
		if recognition {
			n = min(n, 20)
		}
		b.Run(fmt.Sprintf("%s/calls=%d", name, n), func(b *testing.B) {
			tools := Tools{Recognizer: engine.NoRecognizer{}, Synthesizer: engine.NoSynthesizer{}}
			if recognition {
				tools.Recognizer = detected(b).Recognizer
			}
			e, srv := startEngine(b, tools, func(c *engine.Config) {
				c.Limits.MaxCalls = n + 8
				c.Limits.ConnectTimeout = 60 * time.Second
			})
			for range b.N { // one run: the load lasts far longer than benchtime
				runLoad(b, e, srv, n, ogg)
				b.StopTimer()
				break
			}
		})
	}
}

func runLoad(b *testing.B, e *engine.Engine, srv *httptest.Server, n int, ogg string) {
	rssBefore := rssKiB()
	var held, rssPeak int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				held = max(held, int64(e.ActiveCalls()))
				rssPeak = max(rssPeak, rssKiB())
			}
		}
	})
	cmd := exec.Command(os.Args[0], "-test.run=^TestLoadClients$", "-test.timeout=10m")
	cmd.Env = append(os.Environ(), "INTERVIEWD_LOAD_URL="+srv.URL, "INTERVIEWD_LOAD_OGG="+ogg,
		"INTERVIEWD_LOAD_N="+strconv.Itoa(n))
	stdout, err := cmd.StdoutPipe()
	must(b, err)
	cmd.Stderr = cmd.Stdout
	must(b, cmd.Start())
	// The steady state is measured: from the moment every call is up and
	// the answers start to the moment the last transcript is in.
	var out strings.Builder
	var m phase
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		line := sc.Text()
		out.WriteString(line + "\n")
		switch {
		case strings.HasPrefix(line, "STREAMING"):
			m.start()
		case strings.HasPrefix(line, "ANSWERED"):
			m.end()
		}
	}
	err = cmd.Wait()
	close(stop)
	wg.Wait()
	res, perr := parseLoad(out.String())
	if err != nil || perr != nil {
		b.Fatalf("load clients: %v %v\n%s", err, perr, clipOut(out.String()))
	}
	wall, cpu, tools := m.wall, m.cpu, m.children
	slices.Sort(res.Latencies)
	b.ReportMetric(float64(held), "calls_held")
	b.ReportMetric(cpu.Seconds()/wall.Seconds(), "engine_cores")
	b.ReportMetric(float64(cpu.Milliseconds())/float64(n)/wall.Seconds(), "cpu_ms_per_call_s")
	b.ReportMetric(tools.Seconds()/wall.Seconds(), "recogniser_cores")
	b.ReportMetric(float64(rssPeak-rssBefore)/1024/float64(n), "rss_MiB_per_call")
	b.ReportMetric(float64(pct(res.Latencies, 50)), "turn_to_transcript_p50_ms")
	b.ReportMetric(float64(pct(res.Latencies, 99)), "turn_to_transcript_p99_ms")
	b.ReportMetric(float64(res.Lost), "lost_answers")
	b.ReportMetric(float64(e.Stats().DroppedPackets), "dropped_packets")
	if res.Lost != 0 || res.Answered != n || held < int64(n) {
		b.Errorf("%d calls, %d held, %d answered, %d lost: %v", n, held, res.Answered, res.Lost, res.Errors)
	}
}

// TestLoadClients is BenchmarkLoad's child process: it runs only when
// INTERVIEWD_LOAD_URL is set.
func TestLoadClients(t *testing.T) {
	url := os.Getenv("INTERVIEWD_LOAD_URL")
	if url == "" {
		t.Skip("the load benchmark's client process (go test -bench Load)")
	}
	n, _ := strconv.Atoi(os.Getenv("INTERVIEWD_LOAD_N"))
	u := readOgg(t, os.Getenv("INTERVIEWD_LOAD_OGG"))
	srv := &httptest.Server{URL: url}
	res := loadResult{Calls: n}
	var mu sync.Mutex
	var wg sync.WaitGroup
	var ready sync.WaitGroup
	ready.Add(n)
	gate := make(chan struct{}, 4) // connect a few at a time, as people arrive
	var answered sync.WaitGroup
	answered.Add(n)
	go func() {
		ready.Wait()
		fmt.Println("STREAMING")
		answered.Wait()
		fmt.Println("ANSWERED")
	}()
	for range n {
		wg.Go(func() {
			gate <- struct{}{}
			p := newPeer(t, true)
			call(t, p, srv, session(instructions, loadSilenceMS))
			<-gate
			p.SendEvent(peer.ResponseCreate()) // the greeting, as interviewd asks for it
			p.Until("response.done", 60*time.Second)
			ready.Done()
			ready.Wait() // every call is up before anyone speaks
			p.Send(u.packets...)
			// The engine's own end of turn (speech_stopped, after the
			// end-of-turn silence) to the transcript: the work done after
			// the candidate is considered finished.
			evs := p.Until("input_audio_buffer.speech_stopped", 5*time.Minute)
			stopped := time.Now()
			evs = append(evs, p.Until("conversation.item.input_audio_transcription.completed", 5*time.Minute)...)
			answered.Done()
			lat := time.Since(stopped)
			mu.Lock()
			defer mu.Unlock()
			if countType(evs, "input_audio_buffer.committed") == 1 {
				res.Answered++
				res.Latencies = append(res.Latencies, lat.Milliseconds())
			} else {
				res.Lost++
				res.Errors = append(res.Errors, fmt.Sprintf("events %v", types(evs)))
			}
		})
	}
	wg.Wait()
	b, _ := json.Marshal(res)
	fmt.Printf("LOAD %s\n", b)
}

func countType(evs []peer.Event, typ string) int {
	n := 0
	for _, ev := range evs {
		if ev.Type == typ {
			n++
		}
	}
	return n
}

func parseLoad(out string) (loadResult, error) {
	var res loadResult
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "LOAD "); ok {
			return res, json.Unmarshal([]byte(v), &res)
		}
	}
	return res, fmt.Errorf("no LOAD line")
}

func pct(sorted []int64, p int) int64 {
	if len(sorted) == 0 {
		return -1
	}
	return sorted[min(len(sorted)-1, len(sorted)*p/100)]
}

func cpuTime(who int) time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(who, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// phase measures the engine's CPU (this process) and its recogniser
// programs' (the children it waited for; the client process is still
// running, so it is not among them) between start and end.
type phase struct {
	at                  time.Time
	self0, kids0        time.Duration
	wall, cpu, children time.Duration
}

func (p *phase) start() {
	p.at, p.self0, p.kids0 = time.Now(), cpuTime(syscall.RUSAGE_SELF), cpuTime(syscall.RUSAGE_CHILDREN)
}

func (p *phase) end() {
	p.wall = time.Since(p.at)
	p.cpu = cpuTime(syscall.RUSAGE_SELF) - p.self0
	p.children = cpuTime(syscall.RUSAGE_CHILDREN) - p.kids0
}

// rssKiB is this process's resident memory.
func rssKiB() int64 {
	b, _ := os.ReadFile("/proc/self/status")
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			kib, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kib
		}
	}
	return 0
}

func clipOut(s string) string {
	if len(s) > 4000 {
		return s[len(s)-4000:]
	}
	return s
}
