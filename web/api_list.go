package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// maxSearch bounds the q parameter of a list.
const maxSearch = 200

// interviewList is the body of GET /api/v1/interviews. NextOffset is the
// offset of the next page, or null when this page was not full.
type interviewList struct {
	Interviews []apiInterview `json:"interviews"`
	Limit      int            `json:"limit"`
	Offset     int            `json:"offset"`
	NextOffset *int           `json:"nextOffset"`
}

// interviewPage wraps one page of a list made with f.
func interviewPage(out []apiInterview, f interview.SessionFilter) interviewList {
	page := interviewList{Interviews: out, Limit: f.Limit, Offset: f.Offset}
	if len(out) == f.Limit {
		next := f.Offset + len(out)
		page.NextOffset = &next
	}
	return page
}

// sessionFilter reads ?status=&positionId=&q=&limit=&offset=.
func sessionFilter(r *http.Request) (interview.SessionFilter, error) {
	q := r.URL.Query()
	f := interview.SessionFilter{
		Status:     interview.Status(q.Get("status")),
		PositionID: strings.TrimSpace(q.Get("positionId")),
		Query:      strings.TrimSpace(q.Get("q")),
	}
	if f.Status != "" && !f.Status.Valid() {
		return f, invalidf("status must be one of %s", statusList())
	}
	if len(f.Query) > maxSearch {
		return f, invalidf("q must have at most %d characters", maxSearch)
	}
	var err error
	if f.Limit, err = intParam(q.Get("limit"), "limit", 1, store.MaxListLimit, store.DefaultListLimit); err != nil {
		return f, err
	}
	f.Offset, err = intParam(q.Get("offset"), "offset", 0, 1<<31-1, 0)
	return f, err
}

// intParam parses an optional whole-number parameter within [lo, hi].
func intParam(v, name string, lo, hi, def int) (int, error) {
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, invalidf("%s must be a whole number from %d to %d", name, lo, hi)
	}
	return n, nil
}

// statusList names the statuses for an error message.
func statusList() string {
	names := make([]string, len(interview.Statuses))
	for i, st := range interview.Statuses {
		names[i] = string(st)
	}
	return strings.Join(names, ", ")
}
