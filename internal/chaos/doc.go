// Package chaos holds the harnesses that run interviewd as real processes
// (one standalone engine, three instances on one PostgreSQL database) and
// check that interviews survive their instances: TestChaos kill -9's
// instances during live interviews, TestRollingRestart drains each in
// turn. Everything is in its tests; docs/performance.md ("Chaos") gives
// the figures and `go tool task chaos` the full size.
package chaos
