package engine

import (
	"net/http"
	"testing"
)

// BenchmarkCreateCall measures offer → answer through the HTTP handler:
// multipart parsing, the session, a new pion peer, ICE gathering on
// loopback and the answer. Each call is hung up outside the timer.
func BenchmarkCreateCall(b *testing.B) {
	checkLeaks(b)
	_, srv := startEngine(b)
	offer := newClient(b, true).Offer()
	session := testSession(testInstructions)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		_, callID := createCall(b, srv, offer, session)
		b.StopTimer()
		if resp, body := post(b, srv.URL+"/v1/realtime/calls/"+callID+"/hangup", testKey, "", nil); resp.StatusCode != http.StatusOK {
			b.Fatalf("hangup: %d %s", resp.StatusCode, body)
		}
		b.StartTimer()
	}
}
