package web

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/interviewd/interviewd/internal/testenv"
)

// TestBrowserFormErrors submits forms with several bad fields in Chromium:
// every error shows at once, its summary link moves focus to its input, and
// axe-core finds no violation in the error state.
func TestBrowserFormErrors(t *testing.T) {
	app := newTestApp(t, openSQLiteStore(t))
	app.client().signUp("Acme", "owner@acme.test")
	ctx := testenv.Browser(t)

	step(t, ctx, "submit sign-up empty",
		chromedp.Navigate(app.URL+"/signup"),
		chromedp.Click(css("signup-submit")),
		chromedp.WaitVisible(css("form-error")),
	)
	if n := read(t, ctx, "count the field errors", chromedp.Evaluate[int](`document.querySelectorAll(".field-error").length`)); n != 3 {
		t.Errorf("sign-up shows %d field errors, want 3 (organisation, email, password)", n)
	}
	checkAxe(t, ctx, "sign-up with every error")
	step(t, ctx, "follow the summary's link to the password",
		chromedp.Click(chromedp.CSS(`[data-testid="form-error"] a[href="#password"]`)),
	)
	if id := read(t, ctx, "focused input", chromedp.Evaluate[string](`document.activeElement.id`)); id != "password" {
		t.Errorf("the link focused #%s, want #password", id)
	}

	browserSignIn(t, ctx, app, "owner@acme.test")
	step(t, ctx, "save a position with a bad length and language",
		chromedp.Navigate(app.URL+"/app/positions/new"),
		chromedp.SetValue(chromedp.CSS("#max_minutes"), "99"),
		chromedp.SetValue(chromedp.CSS("#language"), "!!"),
		chromedp.Click(css("position-submit")),
		chromedp.WaitVisible(css("form-error")),
	)
	if n := read(t, ctx, "count the position's errors", chromedp.Evaluate[int](`document.querySelectorAll('[aria-invalid="true"]').length`)); n != 3 {
		t.Errorf("the position form has %d inputs in error, want 3 (title, maximum minutes, language)", n)
	}
	checkAxe(t, ctx, "the position form with every error")
}
