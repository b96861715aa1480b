// Package calls runs the live side of interviews: it turns a candidate's
// SDP offer into a realtime call with the provider, keeps the server's own
// sideband to that call, writes the transcript from it, fans stored entries
// out to subscribers, and drives the interview's lifecycle (in progress,
// completed, abandoned, failed) with a reconnect grace window and the
// position's time limit. It knows nothing of HTTP: the web layer's /rtc
// WebSocket is one Conn. docs/signaling.md describes the rules.
package calls
