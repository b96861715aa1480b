package assess

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/shared"

	"github.com/interviewd/interviewd/internal/interview"
)

// DefaultTimeout bounds one request to the model.
const DefaultTimeout = 90 * time.Second

// Config configures a Client.
type Config struct {
	BaseURL    string // an OpenAI-compatible server's /v1 URL
	APIKey     string // may be empty for a local server
	Model      string
	Timeout    time.Duration // zero means DefaultTimeout
	HTTPClient *http.Client  // nil means a client of its own
}

// Client asks a model through the Chat Completions API with structured
// output. It does not retry: the job does (see Worker).
type Client struct {
	chat    openai.ChatCompletionService
	model   string
	timeout time.Duration
}

// New returns a Client. It reads nothing from the environment: the
// openai-go client's OPENAI_* defaults are not applied.
func New(c Config) *Client {
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{}
	}
	opts := []option.RequestOption{
		option.WithBaseURL(c.BaseURL), option.WithAPIKey(c.APIKey),
		option.WithHTTPClient(c.HTTPClient), option.WithMaxRetries(0),
	}
	return &Client{chat: openai.NewChatCompletionService(opts...), model: c.Model, timeout: c.Timeout}
}

// Model is the model the client asks.
func (c *Client) Model() string { return c.model }

// Assess asks the model to assess in, asking again at once (up to
// SchemaRetries more times) when the answer breaks the schema, and
// returns the verified result with the hash of the transcript as sent
// (also on failure, when the prompt could be built). Errors are
// *Failure.
func (c *Client) Assess(ctx context.Context, in Input) (interview.AssessmentResult, string, error) {
	p, err := buildPrompt(in)
	if err != nil {
		return interview.AssessmentResult{}, "", err
	}
	var a answer
	err = c.askParsed(ctx, p.System, p.User, "interview_assessment", Schema(in.Rubric), func(content string) (err error) {
		a, err = parseAnswer(content, in.Rubric)
		return err
	})
	if err != nil {
		return interview.AssessmentResult{}, p.Hash, err
	}
	return verify(a, in.Rubric, p.lines), p.Hash, nil
}

// askParsed asks until parse accepts the answer, asking again at once
// (up to SchemaRetries more times) while the answer breaks the schema.
func (c *Client) askParsed(ctx context.Context, system, user, name string, schema map[string]any, parse func(string) error) error {
	for try := 0; ; try++ {
		content, err := c.ask(ctx, system, user, name, schema)
		if err == nil {
			err = parse(content)
		}
		if !errors.Is(err, ErrSchema) {
			return err
		}
		if try == SchemaRetries {
			var f *Failure
			if errors.As(err, &f) {
				f.Reason += fmt.Sprintf(" (asked %d times)", try+1)
			}
			return err
		}
	}
}

// ask sends one request and returns the answer's content.
func (c *Client) ask(ctx context.Context, system, user, name string, schema map[string]any) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	resp, err := c.chat.New(ctx, openai.ChatCompletionNewParams{
		Model:    c.model,
		Messages: []openai.ChatCompletionMessageParamUnion{openai.SystemMessage(system), openai.UserMessage(user)},
		ResponseFormat: openai.ChatCompletionNewParamsResponseFormatUnion{
			OfJSONSchema: &shared.ResponseFormatJSONSchemaParam{JSONSchema: shared.ResponseFormatJSONSchemaJSONSchemaParam{
				Name: name, Strict: openai.Bool(true), Schema: schema,
			}},
		},
	})
	if err != nil {
		return "", classify(ctx, err)
	}
	if len(resp.Choices) == 0 {
		return "", failf(ErrSchema, "the model's server answered with no choice")
	}
	ch := resp.Choices[0]
	switch {
	case ch.Message.Refusal != "":
		return "", failf(ErrRefused, "the model refused: %s", ch.Message.Refusal)
	case ch.FinishReason == "length":
		return "", failf(ErrSchema, "the model's answer was cut off at its length limit")
	case ch.FinishReason == "content_filter":
		return "", failf(ErrRefused, "the model refused: its content filter stopped the answer")
	}
	return ch.Message.Content, nil
}

// classify turns a request's error into a Failure of the right kind.
func classify(ctx context.Context, err error) error {
	var apiErr *openai.Error
	if errors.As(err, &apiErr) {
		reason := "the model's server answered " + strconv.Itoa(apiErr.StatusCode)
		if msg := strings.TrimSpace(apiErr.Message); msg != "" {
			reason += ": " + clipReason(msg)
		}
		switch code := apiErr.StatusCode; {
		case code == http.StatusTooManyRequests || code == http.StatusRequestTimeout || code >= 500:
			f := failf(ErrTransient, "%s", reason)
			if apiErr.Response != nil {
				f.RetryAfter = retryAfter(apiErr.Response.Header.Get("Retry-After"))
			}
			return f
		default:
			return failf(ErrPermanent, "%s", reason)
		}
	}
	var netErr net.Error
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded) || errors.Is(err, context.DeadlineExceeded):
		return failf(ErrTransient, "the model did not answer in time")
	case ctx.Err() != nil:
		return ctx.Err() // the worker is stopping
	case errors.As(err, &netErr):
		return failf(ErrTransient, "cannot reach the model's server: %v", err)
	}
	return failf(ErrTransient, "asking the model: %v", err)
}

// retryAfter reads a Retry-After header of seconds (dates are ignored).
func retryAfter(v string) time.Duration {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 0 {
		return 0
	}
	return time.Duration(min(n, 3600)) * time.Second
}

func clipReason(s string) string {
	if len(s) <= 300 {
		return s
	}
	return strings.ToValidUTF8(s[:300], "") + "…"
}
