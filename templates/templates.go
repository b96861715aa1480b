// Package templates holds interviewd's pages as templ components. They only
// render what they are given: no storage, no requests, no decisions.
package templates

// Mode describes how this instance runs, as shown on the home page: which
// store, which realtime provider and which sign-in it uses.
type Mode struct {
	Store    string // "sqlite" or "postgres"
	Provider string // "local engine" or "OpenAI"
	Auth     string // "built-in" or "Supabase"
	Speech   string // the local engine's speech tools; empty with OpenAI
}

// pageTitle is the document title of a page named title.
func pageTitle(title string) string {
	if title == "" {
		return "interviewd"
	}
	return title + " · interviewd"
}
