package chaos

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

const (
	engineKey = "sk-engine-chaos-0123456789abcdefghij"
	jwtSecret = "a-jwt-secret-for-the-chaos-harness-32+"
	// healthyWithin bounds a process's start until /healthz answers.
	healthyWithin = 30 * time.Second
)

// cluster is one engine and the interviewd instances, real processes of
// one binary built for the test, on fixed loopback ports.
type cluster struct {
	t      testing.TB
	bin    string
	dir    string
	dbURL  string
	record string // the engine's ENGINE_RECORD file
	engine *process
	insts  []*process
}

// process is one running (or restarting) interviewd process on its port.
type process struct {
	name string
	args []string
	env  []string
	url  string
	log  string

	mu       sync.Mutex
	cmd      *exec.Cmd
	exited   chan struct{}
	up       bool
	killedAt time.Time // the last kill -9 or SIGTERM
	starts   int
}

// buildBinary builds cmd/interviewd once into a temporary directory.
func buildBinary(t testing.TB) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		goBin = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	bin := filepath.Join(t.TempDir(), "interviewd")
	cmd := exec.Command(goBin, "build", "-o", bin, "github.com/interviewd/interviewd/cmd/interviewd")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build interviewd: %v\n%s", err, out)
	}
	return bin
}

// freePort returns a loopback port nothing listens on now; the process
// that is given it keeps it across restarts.
func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// newCluster starts the engine (text mode: its PATH holds no speech tools,
// so lines are text and answers are typed) and the instances on dbURL.
// The first instance migrates the database before the others start.
func newCluster(t testing.TB, bin, dbURL string, instances int) *cluster {
	t.Helper()
	dir := t.TempDir()
	if keep := os.Getenv("CHAOS_LOGS"); keep != "" { // the processes' logs outlive the run
		dir = keep
		must(t, os.MkdirAll(dir, 0o755))
	}
	c := &cluster{t: t, bin: bin, dir: dir, dbURL: dbURL, record: filepath.Join(dir, "engine-record.jsonl")}
	t.Cleanup(c.stopAll)
	_ = os.Remove(c.record) // a kept directory's record of an earlier run
	noTools := filepath.Join(dir, "no-speech-tools")
	if err := os.MkdirAll(noTools, 0o755); err != nil {
		t.Fatal(err)
	}
	port := freePort(t)
	c.engine = c.newProcess("engine", []string{"engine"}, port,
		"ENGINE_API_KEY="+engineKey, "ENGINE_RECORD="+c.record, "PATH="+noTools)
	c.start(c.engine)
	for i := range instances {
		port := freePort(t)
		data := filepath.Join(dir, fmt.Sprintf("data%d", i+1))
		p := c.newProcess(fmt.Sprintf("inst%d", i+1), []string{"serve"}, port,
			"DATABASE_URL="+dbURL, "DATA_DIR="+data, "JWT_SECRET="+jwtSecret,
			"OPENAI_BASE_URL="+c.engine.url+"/v1", "OPENAI_API_KEY="+engineKey,
			fmt.Sprintf("PUBLIC_URL=http://127.0.0.1:%d", port), "PATH="+os.Getenv("PATH"))
		c.insts = append(c.insts, p)
		c.start(p)
	}
	return c
}

func (c *cluster) newProcess(name string, args []string, port int, env ...string) *process {
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	base := []string{"ADDR=" + addr, "LOG_LEVEL=info", "HOME=" + c.dir}
	return &process{name: name, args: args, env: append(base, env...), url: "http://" + addr,
		log: filepath.Join(c.dir, name+".log")}
}

// start runs p (again) and waits until its /healthz answers; a process
// that exits first or is not healthy in time fails the test.
func (c *cluster) start(p *process) {
	c.t.Helper()
	if err := c.launch(p); err != nil {
		c.t.Fatal(err)
	}
}

// launch is start that returns its failure (for the killer's goroutine).
func (c *cluster) launch(p *process) error {
	logf, err := os.OpenFile(p.log, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	defer logf.Close()
	cmd := exec.Command(c.bin, p.args...)
	cmd.Env, cmd.Stdout, cmd.Stderr = p.env, logf, logf
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", p.name, err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		p.mu.Lock()
		p.up = false
		p.mu.Unlock()
		close(exited)
	}()
	p.mu.Lock()
	p.cmd, p.exited = cmd, exited
	p.starts++
	p.mu.Unlock()
	if err := waitHealthy(p.url, exited); err != nil {
		return fmt.Errorf("%s: %w\n%s", p.name, err, tail(p.log, 20))
	}
	p.mu.Lock()
	p.up = true
	p.mu.Unlock()
	return nil
}

// waitHealthy polls url's /healthz until it answers 200.
func waitHealthy(url string, exited <-chan struct{}) error {
	deadline := time.Now().Add(healthyWithin)
	client := &http.Client{Timeout: time.Second}
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return errors.New("exited before it was healthy")
		default:
		}
		if resp, err := client.Get(url + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("not healthy within %v", healthyWithin)
}

// signal sends sig to p, records when, and waits for it to exit.
func (p *process) signal(sig syscall.Signal, within time.Duration) error {
	p.mu.Lock()
	cmd, exited := p.cmd, p.exited
	p.up = false
	p.killedAt = time.Now()
	p.mu.Unlock()
	if err := cmd.Process.Signal(sig); err != nil {
		return fmt.Errorf("%s: %v: %w", p.name, sig, err)
	}
	select {
	case <-exited:
		return nil
	case <-time.After(within):
		return fmt.Errorf("%s did not exit within %v of %v", p.name, within, sig)
	}
}

// isUp reports whether p is running and was healthy.
func (p *process) isUp() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.up
}

// lastKill is when p was last signalled to stop.
func (p *process) lastKill() time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.killedAt
}

// pick is the load balancer: a random instance that is up, or nil.
func (c *cluster) pick(rng *rand.Rand) *process {
	var up []*process
	for _, p := range c.insts {
		if p.isUp() {
			up = append(up, p)
		}
	}
	if len(up) == 0 {
		return nil
	}
	return up[rng.IntN(len(up))]
}

// stopAll kills every process this cluster started that still runs.
func (c *cluster) stopAll() {
	for _, p := range append([]*process{c.engine}, c.insts...) {
		if p == nil {
			continue
		}
		p.mu.Lock()
		cmd, exited := p.cmd, p.exited
		p.mu.Unlock()
		if cmd == nil {
			continue
		}
		select {
		case <-exited:
		default:
			_ = cmd.Process.Kill()
			<-exited
		}
	}
}

// tail is the last n lines of a log file, for failure messages.
func tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// ctxSleep sleeps d or until ctx ends, and reports whether ctx is live.
func ctxSleep(ctx context.Context, d time.Duration) bool {
	select {
	case <-ctx.Done():
		return false
	case <-time.After(d):
		return true
	}
}
