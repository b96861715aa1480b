// Package auth holds interviewd's credentials: password hashes, random
// tokens for join links, sign-in sessions and API keys (stored only as
// hashes), and the short-lived signed tokens that admit a browser to the
// signalling WebSocket.
package auth
