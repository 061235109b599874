//go:build !race

package schedule_test

const raceScale = 1
