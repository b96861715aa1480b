package templates

import (
	"context"
	"io"
)

// Page is what every page's frame shows beside its content: who is signed
// in, and the token that forms must send back. The web layer puts it in the
// request's context once; Layout and Form read it from there.
type Page struct {
	Viewer *Viewer // nil when nobody is signed in
	CSRF   string  // the form token of this browser
	Flash  string  // a one-off notice, e.g. "Position created."
}

// Viewer is the signed-in recruiter, as the header shows them.
type Viewer struct {
	Name      string
	Email     string
	Org       string
	Role      string
	CanEdit   bool
	CanManage bool
}

type pageKey struct{}

// WithPage returns ctx carrying p for the templates rendered with it.
func WithPage(ctx context.Context, p Page) context.Context {
	return context.WithValue(ctx, pageKey{}, p)
}

// PageFrom returns the Page in ctx, or an empty one.
func PageFrom(ctx context.Context) Page {
	p, _ := ctx.Value(pageKey{}).(Page)
	return p
}

// viewerName is how the header names the signed-in person.
func viewerName(v *Viewer) string {
	if v.Name != "" {
		return v.Name
	}
	return v.Email
}

// brandHref sends signed-in recruiters to their interviews, others home.
func brandHref(ctx context.Context) string {
	if PageFrom(ctx).Viewer != nil {
		return "/app/interviews"
	}
	return "/"
}

// Component is a renderable page; handlers pass templ components through it
// without importing templ.
type Component = interface {
	Render(ctx context.Context, w io.Writer) error
}
