package netem

import (
	"context"
	"os/exec"
	"syscall"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/interviewd/interviewd/internal/testenv"
)

// Browser starts a headless Chromium inside the namespace, with the flags
// testenv.Browser uses, and returns a context for chromedp actions in its
// first tab. chromedp talks to it over its DevTools pipe (file descriptors
// 3 and 4, kept across `ip netns exec`), so the bad link slows the pages
// and the calls, never the test's control of the browser.
func (l *Link) Browser(t testing.TB, opts ...testenv.BrowserOption) context.Context {
	t.Helper()
	ip, err := exec.LookPath("ip")
	if err != nil {
		testenv.Missing(t, "iproute2's ip", err)
	}
	flags := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(testenv.ChromiumPath(t)),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("headless", "new"),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("use-fake-ui-for-media-stream", true),
		chromedp.Flag("autoplay-policy", "no-user-gesture-required"),
		chromedp.WindowSize(1280, 900),
		chromedp.ModifyCmdFunc(func(cmd *exec.Cmd) {
			cmd.Args = append([]string{ip, "netns", "exec", l.NS, cmd.Path}, cmd.Args[1:]...)
			cmd.Path = ip
			cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
		}),
	}
	for _, o := range opts {
		o(&flags)
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), flags...)
	ctx, cancel := chromedp.NewContext(actx)
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		cancelAlloc()
		testenv.Missing(t, "a headless Chromium in a network namespace", err)
	}
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	return ctx
}
