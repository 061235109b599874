//go:build !linux

package schedule

// newWallAlarm: no wall-clock timer here; RealClock falls back to a Go
// timer re-checked every maxSlice.
func newWallAlarm() Alarm { return nil }
