//go:build race

package schedule_test

// raceScale divides the proof tests' post counts under the race detector,
// which makes everything several times slower; run without -race (or set
// RELAIS_PROOF_POSTS) for the full counts.
const raceScale = 4
