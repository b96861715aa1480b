// Package realtime is interviewd's client of an OpenAI-compatible realtime
// provider: it builds the session configuration from a position, creates a
// WebRTC call from the candidate's SDP offer, opens the server's own
// sideband WebSocket to the call, turns transcript events into ordered
// transcript entries, and hangs up. It never knows whether OpenAI or the
// local engine answers.
package realtime
