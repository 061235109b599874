package schedule

import (
	"sync"
	"time"
)

// Clock is the engine's view of time; tests use a FakeClock.
type Clock interface {
	// Now is the wall clock, without a monotonic reading.
	Now() time.Time
	// Mono is a monotonic clock: it never jumps, and on Linux (as on
	// macOS and Windows) it stops while the system is suspended, so
	// comparing it with the wall clock reveals jumps and sleeps.
	Mono() time.Duration
	// NewAlarm returns a disarmed alarm.
	NewAlarm() Alarm
}

// Alarm wakes the engine when the wall clock reaches a time. It may also
// fire early (when the wall clock is changed, or after a suspend on
// systems without a wall-clock timer): the engine then looks again.
type Alarm interface {
	// Set arms the alarm for at, replacing any earlier setting.
	Set(at time.Time)
	// Stop disarms it.
	Stop()
	// C receives when the alarm fires.
	C() <-chan struct{}
	// Close releases it.
	Close()
}

// RealClock is the system clock.
type RealClock struct{ start time.Time }

// NewRealClock returns the system clock.
func NewRealClock() *RealClock { return &RealClock{start: time.Now()} }

// Now implements Clock.
func (c *RealClock) Now() time.Time { return time.Now().Round(0) }

// Mono implements Clock: time since the clock was made, on Go's
// monotonic clock.
func (c *RealClock) Mono() time.Duration { return time.Since(c.start) }

// NewAlarm implements Clock: a wall-clock timer where the system has one
// (a CLOCK_REALTIME timerfd on Linux), else a Go timer re-checked at least
// every maxSlice so a suspend cannot make it late by more than that.
func (c *RealClock) NewAlarm() Alarm {
	if a := newWallAlarm(); a != nil {
		return a
	}
	return newGoAlarm(c, maxSlice)
}

// maxSlice bounds how long a Go-timer alarm sleeps in one go where no
// wall-clock timer exists: Go timers run on the monotonic clock, which
// stops during a suspend.
const maxSlice = time.Minute

// goAlarm is an Alarm over a Go timer.
type goAlarm struct {
	clock Clock
	slice time.Duration
	c     chan struct{}

	mu sync.Mutex
	t  *time.Timer
}

func newGoAlarm(clock Clock, slice time.Duration) *goAlarm {
	return &goAlarm{clock: clock, slice: slice, c: make(chan struct{}, 1)}
}

func (a *goAlarm) fire() {
	select {
	case a.c <- struct{}{}:
	default:
	}
}

func (a *goAlarm) Set(at time.Time) {
	d := at.Sub(a.clock.Now())
	if a.slice > 0 && d > a.slice {
		d = a.slice
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.t == nil {
		a.t = time.AfterFunc(d, a.fire)
		return
	}
	a.t.Reset(d)
}

func (a *goAlarm) Stop() {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.t != nil {
		a.t.Stop()
	}
}

func (a *goAlarm) C() <-chan struct{} { return a.c }
func (a *goAlarm) Close()             { a.Stop() }
