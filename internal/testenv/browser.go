package testenv

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// BrowserOption adjusts how Chromium is started.
type BrowserOption func(*[]chromedp.ExecAllocatorOption)

// FakeMicrophone makes Chromium's microphone play the WAV file at path once,
// and grant media permission without a prompt.
func FakeMicrophone(path string) BrowserOption {
	return func(o *[]chromedp.ExecAllocatorOption) {
		*o = append(*o,
			chromedp.Flag("use-fake-ui-for-media-stream", true),
			chromedp.Flag("use-fake-device-for-media-stream", true),
			chromedp.Flag("use-file-for-fake-audio-capture", path+"%noloop"),
		)
	}
}

// Browser starts a headless Chromium with the flags these machines need
// (DESIGN.md, "Measured facts") and returns a context for chromedp actions
// in its first tab. Everything is torn down when the test ends.
func Browser(t testing.TB, opts ...BrowserOption) context.Context {
	t.Helper()
	path := ChromiumPath(t)
	flags := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
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
		chromedp.Flag("allow-loopback-in-peer-connection", true),
		chromedp.Flag("use-fake-ui-for-media-stream", true),
		chromedp.Flag("autoplay-policy", "no-user-gesture-required"),
		chromedp.WindowSize(1280, 900),
	}
	for _, o := range opts {
		o(&flags)
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), flags...)
	ctx, cancel := chromedp.NewContext(actx)
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		cancelAlloc()
		Missing(t, "a working headless Chromium", err)
	}
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	return ctx
}

// NewTab returns a context for a new tab of the browser behind ctx. With
// incognito it gets its own cookies, as a second person would.
func NewTab(t testing.TB, ctx context.Context) context.Context {
	t.Helper()
	tab, cancel := chromedp.NewContext(ctx)
	t.Cleanup(cancel)
	if err := chromedp.Do(tab); err != nil {
		t.Fatalf("new tab: %v", err)
	}
	return tab
}

// Timeout bounds one chromedp step so a broken page fails the test instead
// of hanging it.
func Timeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, d)
}
