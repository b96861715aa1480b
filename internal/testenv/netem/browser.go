package netem

import (
	"context"
	"os/exec"
	"syscall"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/interviewd/interviewd/internal/testenv"
)

// Browser starts testenv.Browser's headless Chromium inside the namespace
// (`ip netns exec`) and returns a context for chromedp actions in its first
// tab. chromedp talks to it over its DevTools pipe (file descriptors 3 and
// 4, kept across the exec), so the bad link slows the pages and the calls,
// never the test's control of the browser.
func (l *Link) Browser(t testing.TB, opts ...testenv.BrowserOption) context.Context {
	t.Helper()
	ip, err := exec.LookPath("ip")
	if err != nil {
		testenv.Missing(t, "iproute2's ip", err)
	}
	inNS := func(o *[]chromedp.ExecAllocatorOption) {
		*o = append(*o, chromedp.ModifyCmdFunc(func(cmd *exec.Cmd) {
			cmd.Args = append([]string{ip, "netns", "exec", l.NS, cmd.Path}, cmd.Args[1:]...)
			cmd.Path = ip
			cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // as chromedp's default
		}))
	}
	return testenv.Browser(t, append(opts, inNS)...)
}
