package web

import (
	"bytes"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/interviewd/interviewd/internal/interview"
)

// TestAPIIdempotentRetry replays the first response to a retry with the
// same key and request, so the work is done once.
func TestAPIIdempotentRetry(t *testing.T) {
	forEachStore(t, func(t *testing.T, app *testApp) {
		c := newAPITenant(t, app, "Acme")
		body := `{"title":"Designer","questions":["Show us your work."]}`
		first := c.call("POST", "/api/v1/positions", body, "Idempotency-Key", "create-designer-1")
		first.want(t, http.StatusCreated)
		if first.header.Get("Idempotent-Replayed") != "" {
			t.Errorf("the first response says it is replayed")
		}
		retry := c.call("POST", "/api/v1/positions", body, "Idempotency-Key", "create-designer-1")
		retry.want(t, http.StatusCreated)
		if !bytes.Equal(first.body, retry.body) || retry.header.Get("Idempotent-Replayed") != "true" {
			t.Errorf("retry = %s (replayed %q), want %s replayed", retry.body, retry.header.Get("Idempotent-Replayed"), first.body)
		}
		if p, _ := c.counts(); p != 1 {
			t.Errorf("%d positions, want 1", p)
		}

		positionID := c.createPosition("Engineer")
		ivBody := `{"positionId":"` + positionID + `","candidate":{"name":"Ada","email":"ada@example.com"}}`
		ivFirst := c.call("POST", "/api/v1/interviews", ivBody, "Idempotency-Key", "iv-1").want(t, http.StatusCreated)
		ivRetry := c.call("POST", "/api/v1/interviews", ivBody, "Idempotency-Key", "iv-1").want(t, http.StatusCreated)
		if ivFirst["id"] != ivRetry["id"] || ivFirst["joinUrl"] != ivRetry["joinUrl"] {
			t.Errorf("retry made interview %v, want %v", ivRetry["id"], ivFirst["id"])
		}
		if _, n := c.counts(); n != 1 {
			t.Errorf("%d interviews, want 1", n)
		}

		// Keys belong to a tenant: another one may use the same key.
		other := newAPITenant(t, app, "Other")
		if got := other.call("POST", "/api/v1/positions", body, "Idempotency-Key", "create-designer-1"); got.status != http.StatusCreated || got.header.Get("Idempotent-Replayed") != "" {
			t.Errorf("other tenant's first use: %d %s", got.status, got.body)
		}
	})
}

// TestAPIIdempotencyMisuse refuses a key reused with another request, and
// keys that are not 1 to 255 printable ASCII characters.
func TestAPIIdempotencyMisuse(t *testing.T) {
	forEachStore(t, func(t *testing.T, app *testApp) {
		c := newAPITenant(t, app, "Acme")
		c.call("POST", "/api/v1/positions", `{"title":"A"}`, "Idempotency-Key", "k1").want(t, http.StatusCreated)
		c.call("POST", "/api/v1/positions", `{"title":"B"}`, "Idempotency-Key", "k1").
			wantError(t, http.StatusUnprocessableEntity, interview.CodeInvalid, "Idempotency-Key was used with a different request")
		c.call("POST", "/api/v1/interviews", `{"title":"A"}`, "Idempotency-Key", "k1").
			wantError(t, http.StatusUnprocessableEntity, interview.CodeInvalid, "different request")

		for name, key := range map[string]string{
			"too long":  strings.Repeat("k", 256),
			"non-ASCII": "clé",
			"tab":       "a\tb",
		} {
			res := c.call("POST", "/api/v1/positions", `{"title":"C"}`, "Idempotency-Key", key)
			if res.status != http.StatusBadRequest {
				t.Errorf("%s key: status %d, want 400: %s", name, res.status, res.body)
			}
		}
		c.call("POST", "/api/v1/positions", `{"title":"C"}`, "Idempotency-Key", "a", "Idempotency-Key", "b").
			wantError(t, http.StatusBadRequest, interview.CodeInvalid, "Idempotency-Key")
		c.call("POST", "/api/v1/positions", `{"title":"D"}`, "Idempotency-Key", strings.Repeat("k", 255)).want(t, http.StatusCreated)
		if p, _ := c.counts(); p != 2 {
			t.Errorf("%d positions, want 2", p)
		}
	})
}

// TestAPIIdempotentFailureReleases lets a request that failed be retried
// with the same key: an error response is not kept.
func TestAPIIdempotentFailureReleases(t *testing.T) {
	forEachStore(t, func(t *testing.T, app *testApp) {
		c := newAPITenant(t, app, "Acme")
		c.call("POST", "/api/v1/positions", `{"title":""}`, "Idempotency-Key", "retry-me").
			wantError(t, http.StatusBadRequest, interview.CodeInvalid, "title")
		c.call("POST", "/api/v1/positions", `{"title":"Fixed"}`, "Idempotency-Key", "retry-me").want(t, http.StatusCreated)

		c.call("POST", "/api/v1/interviews", `{"positionId":"nope","candidate":{"name":"A","email":"a@example.com"}}`,
			"Idempotency-Key", "iv").wantError(t, http.StatusBadRequest, interview.CodeInvalid, "no such position")
		positionID := c.createPosition("Now it exists")
		c.call("POST", "/api/v1/interviews", `{"positionId":"nope","candidate":{"name":"A","email":"a@example.com"}}`,
			"Idempotency-Key", "iv").wantError(t, http.StatusBadRequest, interview.CodeInvalid, "no such position")
		c.call("POST", "/api/v1/interviews", `{"positionId":"`+positionID+`","candidate":{"name":"A","email":"a@example.com"}}`,
			"Idempotency-Key", "iv").want(t, http.StatusCreated)

		// A body over the limit is refused before the key is reserved.
		big := `{"title":"` + strings.Repeat("x", maxAPIBody) + `"}`
		c.call("POST", "/api/v1/positions", big, "Idempotency-Key", "big").
			wantError(t, http.StatusRequestEntityTooLarge, interview.CodeInvalid, "request body too large")
		c.call("POST", "/api/v1/positions", `{"title":"Small"}`, "Idempotency-Key", "big").want(t, http.StatusCreated)
		if p, n := c.counts(); p != 3 || n != 1 {
			t.Errorf("%d positions and %d interviews, want 3 and 1", p, n)
		}
	})
}

// TestAPIIdempotentConcurrent sends the same request with the same key at
// once: one runs, the others get 409 or its replay, and there is one
// position.
func TestAPIIdempotentConcurrent(t *testing.T) {
	forEachStore(t, func(t *testing.T, app *testApp) {
		c := newAPITenant(t, app, "Acme")
		const n = 8
		results := make([]apiResponse, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				results[i] = c.call("POST", "/api/v1/positions", `{"title":"Race"}`, "Idempotency-Key", "race")
			})
		}
		wg.Wait()
		var created []byte
		fresh := 0
		for _, res := range results {
			switch {
			case res.status == http.StatusCreated && res.header.Get("Idempotent-Replayed") == "":
				fresh++
				created = res.body
			case res.status == http.StatusConflict:
				res.wantError(t, http.StatusConflict, interview.CodeConflict, "still in progress")
			case res.status != http.StatusCreated:
				t.Errorf("status %d: %s", res.status, res.body)
			}
		}
		if fresh != 1 {
			t.Fatalf("%d requests ran, want 1", fresh)
		}
		for _, res := range results {
			if res.status == http.StatusCreated && !bytes.Equal(res.body, created) {
				t.Errorf("replay %s differs from %s", res.body, created)
			}
		}
		if p, _ := c.counts(); p != 1 {
			t.Errorf("%d positions, want 1", p)
		}
	})
}
