//go:build race

package web

// raceDetector: the race detector's shadow memory and larger stacks make
// the idle-load figures meaningless, so TestIdleLoad reports them without
// holding them to the targets.
const raceDetector = true
