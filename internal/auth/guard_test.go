package auth

import "testing"

// probeAddress counts one more attempt from the address "ip" and returns
// how many it has in the window, this one included.
func probeAddress(t *testing.T, g *guard) int {
	t.Helper()
	n, err := g.attempts.Add(t.Context(), "ip:ip")
	if err != nil {
		t.Fatal(err)
	}
	return n
}
