// Package assess is interviewd's AI assessment engine (docs/assessment.md):
// it asks a language model, through any OpenAI-compatible Chat Completions
// server, to score an interview against its position's rubric with quotes
// as evidence, keeps only the quotes it finds in the cited transcript
// lines, and runs each assessment as a durable job of the store.
package assess

import (
	"errors"
	"fmt"
	"time"
)

// PromptVersion names the prompt and schema that assessments are made
// with; it is stored with each assessment and changes with either.
const PromptVersion = "assess-2026-12-07"

// Limits of a job (docs/assessment.md, "The job").
const (
	// MaxAttempts is how many claims a job gets before it fails.
	MaxAttempts = 5
	// SchemaRetries is how many more times an attempt asks again when the
	// answer breaks the schema.
	SchemaRetries = 2
)

// Backoff is the wait before attempt n+1 after a transient failure of
// attempt n (1-based): 10 s, 30 s, 2 min, then 10 min.
func Backoff(attempt int) time.Duration {
	steps := []time.Duration{10 * time.Second, 30 * time.Second, 2 * time.Minute, 10 * time.Minute}
	return steps[min(max(attempt, 1), len(steps))-1]
}

// Kinds of failure, which decide what the job does next.
var (
	// ErrTransient: a 429, a 5xx, a timeout or a lost connection; the job
	// is tried again later.
	ErrTransient = errors.New("the model's server is unavailable")
	// ErrSchema: the answer is not what the schema asks for; asked again
	// at once, a few times.
	ErrSchema = errors.New("the model's answer does not follow the schema")
	// ErrRefused: the model refused to answer; the job fails.
	ErrRefused = errors.New("the model refused")
	// ErrPermanent: asking again cannot help (a bad key, an unknown model,
	// nothing to assess); the job fails.
	ErrPermanent = errors.New("the assessment cannot be made")
)

// Failure is why asking the model failed, with its kind (one of the Err
// variables, for errors.Is) and, for a 429, how long the server asked to
// wait.
type Failure struct {
	Kind       error
	Reason     string // for people
	RetryAfter time.Duration
}

func (f *Failure) Error() string { return f.Reason }

// Unwrap makes errors.Is(f, f.Kind) hold.
func (f *Failure) Unwrap() error { return f.Kind }

func failf(kind error, format string, args ...any) *Failure {
	return &Failure{Kind: kind, Reason: fmt.Sprintf(format, args...)}
}
