package supabasetest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// recordedDir holds the answers of the real Supabase Auth, one file per
// scenario.
const recordedDir = "testdata/recorded"

// scenario is a sequence of requests as interviewd sends them to Supabase
// Auth, played on a fresh project configured as mode says, with the answers
// the real Auth gave.
type scenario struct {
	Name  string `json:"name"`
	About string `json:"about"`
	Mode  mode   `json:"mode"`
	Steps []step `json:"steps"`
}

// mode is how the project is configured (RealAuthOptions, or the stand-in's
// modes).
type mode struct {
	Issuer        bool `json:"issuer"`
	Confirm       bool `json:"confirm,omitempty"`
	ES256         bool `json:"es256,omitempty"`
	DisableEmail  bool `json:"disable_email,omitempty"`
	DisableSignup bool `json:"disable_signup,omitempty"`
}

// step is one request, or an action of the test between requests. Wait
// lets time pass first: really on the real Auth, on the clock for the
// stand-in.
type step struct {
	Name    string            `json:"name"`
	Wait    string            `json:"wait,omitempty"`
	Do      string            `json:"do,omitempty"` // "confirm_all": confirm every user, as the emailed link would
	Request *request          `json:"request,omitempty"`
	Bind    map[string]string `json:"bind,omitempty"` // variable → member of the answer that sets it
	Answer  *answer           `json:"answer,omitempty"`
}

// request is an HTTP request; {{name}} in its path, header values and body
// stands for a variable: anon_key, or one bound from an earlier answer.
type request struct {
	Method string            `json:"method"`
	Path   string            `json:"path"`
	Header map[string]string `json:"header,omitempty"`
	Body   string            `json:"body,omitempty"`
}

// answer is an HTTP answer, normalized: what changes from run to run (IDs,
// tokens, times) is replaced by its kind. IDs and tokens are numbered in
// the order they first appear in the scenario, so that "the same session"
// or "the same refresh token again" is kept.
type answer struct {
	Status      int    `json:"status"`
	ContentType string `json:"content_type,omitempty"`
	Body        any    `json:"body"`
}

// target is a Supabase project a scenario plays on.
type target struct {
	url        string
	anonKey    string
	issuer     string
	confirmAll func()
	wait       func(time.Duration)
}

// play runs sc's requests on tg and returns sc with tg's answers.
func play(t *testing.T, sc scenario, tg target) scenario {
	t.Helper()
	vars := map[string]string{"anon_key": tg.anonKey}
	n := newNormalizer(tg.issuer)
	got := sc
	got.Steps = slices.Clone(sc.Steps)
	for i, s := range got.Steps {
		if s.Wait != "" {
			d, err := time.ParseDuration(s.Wait)
			if err != nil {
				t.Fatalf("%s: step %q: wait: %v", sc.Name, s.Name, err)
			}
			tg.wait(d)
		}
		switch {
		case s.Do == "confirm_all":
			tg.confirmAll()
		case s.Do != "":
			t.Fatalf("%s: step %q: unknown action %q", sc.Name, s.Name, s.Do)
		case s.Request != nil:
			status, ctype, body := send(t, tg.url, *s.Request, vars)
			bind(t, s, body, vars)
			got.Steps[i].Answer = &answer{Status: status, ContentType: ctype, Body: n.body(body)}
		}
	}
	return got
}

// send makes r to the project at base with vars filled in, and returns the
// answer's status, content type and body.
func send(t *testing.T, base string, r request, vars map[string]string) (int, string, []byte) {
	t.Helper()
	var body io.Reader
	if r.Body != "" {
		body = strings.NewReader(fill(r.Body, vars))
	}
	req, err := http.NewRequest(r.Method, base+fill(r.Path, vars), body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range r.Header {
		req.Header.Add(k, fill(v, vars))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", r.Method, r.Path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	ctype := resp.Header.Get("Content-Type")
	if len(b) == 0 {
		ctype = "" // Go's server names none for an empty body; Auth's router does
	}
	return resp.StatusCode, ctype, b
}

var varPattern = regexp.MustCompile(`\{\{([a-z0-9_]+)\}\}`)

func fill(s string, vars map[string]string) string {
	return varPattern.ReplaceAllStringFunc(s, func(m string) string {
		if v, ok := vars[m[2:len(m)-2]]; ok {
			return v
		}
		return m
	})
}

// bind sets the variables s binds from the members of an answer.
func bind(t *testing.T, s step, body []byte, vars map[string]string) {
	t.Helper()
	if len(s.Bind) == 0 {
		return
	}
	var m map[string]any
	_ = json.Unmarshal(body, &m)
	for name, member := range s.Bind {
		v, ok := m[member].(string)
		if !ok {
			t.Fatalf("step %q: the answer has no %s to bind to %s: %s", s.Name, member, name, body)
		}
		vars[name] = v
	}
}

// normalizer replaces what varies from run to run by its kind, numbering
// IDs and tokens across the scenario.
type normalizer struct {
	issuer string
	labels map[string]string // value → its label
	counts map[string]int    // kind → labels given
}

func newNormalizer(issuer string) *normalizer {
	return &normalizer{issuer: issuer, labels: map[string]string{}, counts: map[string]int{}}
}

func (n *normalizer) label(kind, v string) string {
	if l, ok := n.labels[v]; ok {
		return l
	}
	n.counts[kind]++
	l := fmt.Sprintf("<%s:%d>", kind, n.counts[kind])
	n.labels[v] = l
	return l
}

// body normalizes an answer's body: JSON by value, anything else as text.
func (n *normalizer) body(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	var v any
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if d.Decode(&v) != nil {
		return "<text> " + string(b)
	}
	return n.value("", v)
}

var (
	uuidPattern    = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	timePattern    = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$`)
	secondsPattern = regexp.MustCompile(`\d+ seconds`)
)

// value normalizes v, the value of the member named key. Maps are walked
// in key order, so that labels are given in the same order every run.
func (n *normalizer) value(key string, v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for _, k := range sortedKeys(v) {
			out[k] = n.value(k, v[k])
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = n.value(key, e)
		}
		return out
	case json.Number:
		if key == "code" || key == lifetimeKey {
			return v
		}
		return "<number>"
	case string:
		return n.text(key, v)
	}
	return v // bool, nil
}

// text normalizes a string member.
func (n *normalizer) text(key, v string) any {
	switch {
	case key == "access_token" || key == "provider_token":
		return n.jwt(v)
	case key == "refresh_token":
		return n.label("refresh_token", v)
	case key == "kid":
		return n.label("kid", v)
	case key == "x" || key == "y" || key == "d" || key == "k" || key == "n":
		return "<base64url>"
	case key == "iss" && v == n.issuer && v != "":
		return "<issuer>"
	case key == "msg" || key == "message" || key == "error_description":
		return secondsPattern.ReplaceAllString(v, "<n> seconds")
	case uuidPattern.MatchString(v):
		return n.label("uuid", v)
	case timePattern.MatchString(v):
		return "<time>"
	}
	return v
}

// jwt decodes a token's header and claims (not its signature) and
// normalizes them, adding the token's lifetime, which is stable.
func (n *normalizer) jwt(tok string) any {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return "<not a JWT> " + tok
	}
	out := map[string]any{}
	for i, name := range []string{"header", "claims"} {
		b, err := base64.RawURLEncoding.DecodeString(parts[i])
		var m map[string]any
		d := json.NewDecoder(bytes.NewReader(b))
		d.UseNumber()
		if err != nil || d.Decode(&m) != nil {
			return "<not a JWT> " + tok
		}
		if name == "claims" {
			if life, ok := lifetimeOf(m); ok {
				m[lifetimeKey] = life
			}
		}
		out[name] = n.value("", m)
	}
	return map[string]any{"jwt": out}
}

// lifetimeKey names the lifetime of a token among its normalized claims.
const lifetimeKey = "(exp - iat)"

// lifetimeOf is exp - iat of claims, as a number that normalization keeps.
func lifetimeOf(m map[string]any) (json.Number, bool) {
	exp, err1 := m["exp"].(json.Number).Int64()
	iat, err2 := m["iat"].(json.Number).Int64()
	if err1 != nil || err2 != nil {
		return "", false
	}
	return json.Number(fmt.Sprint(exp - iat)), true
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// loadRecorded reads the recorded scenarios, by name.
func loadRecorded(t *testing.T) map[string]scenario {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(recordedDir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]scenario{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var sc scenario
		d := json.NewDecoder(bytes.NewReader(b))
		d.UseNumber()
		d.DisallowUnknownFields()
		if err := d.Decode(&sc); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if want := sc.Name + ".json"; filepath.Base(f) != want {
			t.Fatalf("%s holds scenario %q: name it %s", f, sc.Name, want)
		}
		out[sc.Name] = sc
	}
	return out
}

// writeRecorded stores sc as the recording of its scenario.
func writeRecorded(t *testing.T, sc scenario) {
	t.Helper()
	var b bytes.Buffer
	e := json.NewEncoder(&b)
	e.SetEscapeHTML(false) // the kinds are written <like:this>
	e.SetIndent("", "  ")
	if err := e.Encode(sc); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(recordedDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(recordedDir, sc.Name+".json"), b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// diff lists where got's answers differ from want's, one line per
// difference, naming the step and the member.
func diff(want, got scenario) []string {
	var out []string
	for i := range want.Steps {
		w, g := want.Steps[i].Answer, got.Steps[i].Answer
		if w == nil && g == nil {
			continue
		}
		at := fmt.Sprintf("step %d %q", i+1, want.Steps[i].Name)
		if w == nil || g == nil {
			out = append(out, fmt.Sprintf("%s: recorded %s, got %s", at, show(w), show(g)))
			continue
		}
		if w.Status != g.Status {
			// Another kind of answer: the whole of both says more than
			// their differences.
			out = append(out, fmt.Sprintf("%s: status: recorded %d, got %d\n\trecorded %s\n\tgot      %s",
				at, w.Status, g.Status, show(w.Body), show(g.Body)))
			continue
		}
		if w.ContentType != g.ContentType {
			out = append(out, fmt.Sprintf("%s: content type: recorded %q, got %q", at, w.ContentType, g.ContentType))
		}
		out = append(out, diffValue(at+": body", roundTrip(w.Body), roundTrip(g.Body))...)
	}
	return out
}

// roundTrip makes v's numbers and maps the same kinds whether it was read
// from a file or normalized from an answer.
func roundTrip(v any) any {
	b, _ := json.Marshal(v)
	var out any
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	_ = d.Decode(&out)
	return out
}

func diffValue(path string, w, g any) []string {
	wm, wok := w.(map[string]any)
	gm, gok := g.(map[string]any)
	if wok && gok {
		var out []string
		keys := sortedKeys(wm)
		for k := range gm {
			if _, ok := wm[k]; !ok {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			wv, win := wm[k]
			gv, gin := gm[k]
			switch {
			case !gin:
				out = append(out, fmt.Sprintf("%s.%s: recorded %s, missing", path, k, show(wv)))
			case !win:
				out = append(out, fmt.Sprintf("%s.%s: not recorded, got %s", path, k, show(gv)))
			default:
				out = append(out, diffValue(path+"."+k, wv, gv)...)
			}
		}
		return out
	}
	wa, wok := w.([]any)
	ga, gok := g.([]any)
	if wok && gok && len(wa) == len(ga) {
		var out []string
		for i := range wa {
			out = append(out, diffValue(fmt.Sprintf("%s[%d]", path, i), wa[i], ga[i])...)
		}
		return out
	}
	if show(w) != show(g) {
		return []string{fmt.Sprintf("%s: recorded %s, got %s", path, show(w), show(g))}
	}
	return nil
}

func show(v any) string {
	var b bytes.Buffer
	e := json.NewEncoder(&b)
	e.SetEscapeHTML(false)
	_ = e.Encode(v)
	return strings.TrimSuffix(b.String(), "\n")
}
