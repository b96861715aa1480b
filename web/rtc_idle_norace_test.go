//go:build !race

package web

// raceDetector is false: TestIdleLoad holds its figures to the targets.
const raceDetector = false
