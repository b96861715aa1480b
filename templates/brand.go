package templates

import (
	"strings"

	"github.com/a-h/templ"

	"github.com/interviewd/interviewd/static"
)

// brandSVG is the logo as inline markup for the header, beside the name it
// decorates: hidden from assistive technology, 28 px, and no second fetch of
// the file the favicon link already loads.
var brandSVG = func() string {
	a, ok := static.Lookup("img/logo.svg")
	if !ok {
		panic("templates: img/logo.svg is not embedded")
	}
	return strings.NewReplacer(
		`role="img" aria-label="interviewd"`, `aria-hidden="true" focusable="false"`,
		`width="32" height="32"`, `width="28" height="28"`,
	).Replace(strings.TrimSpace(string(a.Body)))
}()

// brandMark is the header's logo (brandSVG).
func brandMark() templ.Component { return templ.Raw(brandSVG) }
