//go:build race

package library

// raceEnabled: the race detector slows everything ~10×; timing checks
// and big seeds are skipped under it.
const raceEnabled = true
