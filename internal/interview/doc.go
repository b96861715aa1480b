// Package interview holds interviewd's domain: tenants and their members,
// positions, candidates, interviews with their lifecycle, transcripts,
// recordings, consents, API keys and audit events. It imports nothing of
// interviewd's own and knows nothing of HTTP or storage.
package interview
