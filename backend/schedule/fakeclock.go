package schedule

import (
	"sync"
	"time"
)

// FakeClock is a Clock for tests: time moves only when the test says,
// and the wall clock can jump or run on while the monotonic clock stands
// still (a suspend). Its alarms behave like the real ones: they fire when
// the wall clock reaches their time, and on any jump.
type FakeClock struct {
	mu     sync.Mutex
	wall   time.Time
	mono   time.Duration
	alarms []*fakeAlarm
	fires  int
}

// NewFakeClock returns a fake clock showing start.
func NewFakeClock(start time.Time) *FakeClock { return &FakeClock{wall: start.UTC().Round(0)} }

// Now implements Clock.
func (c *FakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.wall
}

// Mono implements Clock.
func (c *FakeClock) Mono() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.mono
}

// NewAlarm implements Clock.
func (c *FakeClock) NewAlarm() Alarm {
	a := &fakeAlarm{clock: c, c: make(chan struct{}, 1)}
	c.mu.Lock()
	c.alarms = append(c.alarms, a)
	c.mu.Unlock()
	return a
}

// Fires counts the alarm firings so far (the engine's timer wake-ups).
func (c *FakeClock) Fires() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.fires
}

// Advance moves both clocks by d, as time passing normally.
func (c *FakeClock) Advance(d time.Duration) { c.move(d, d, false) }

// Jump moves the wall clock alone by d (the user or NTP setting it).
func (c *FakeClock) Jump(d time.Duration) { c.move(d, 0, true) }

// Sleep is a suspend of d: the wall clock runs on, the monotonic clock
// stands still.
func (c *FakeClock) Sleep(d time.Duration) { c.move(d, 0, true) }

func (c *FakeClock) move(wall, mono time.Duration, changed bool) {
	c.mu.Lock()
	c.wall = c.wall.Add(wall)
	c.mono += mono
	now := c.wall
	var fire []*fakeAlarm
	for _, a := range c.alarms {
		if a.armed && (changed || !a.at.After(now)) {
			if !a.at.After(now) {
				a.armed = false
			}
			fire = append(fire, a)
			c.fires++
		}
	}
	c.mu.Unlock()
	for _, a := range fire {
		select {
		case a.c <- struct{}{}:
		default:
		}
	}
}

type fakeAlarm struct {
	clock *FakeClock
	c     chan struct{}
	at    time.Time // guarded by clock.mu
	armed bool
}

func (a *fakeAlarm) Set(at time.Time) {
	a.clock.mu.Lock()
	a.at, a.armed = at, true
	due := !at.After(a.clock.wall)
	if due {
		a.armed = false
		a.clock.fires++
	}
	a.clock.mu.Unlock()
	if due {
		select {
		case a.c <- struct{}{}:
		default:
		}
	}
}

func (a *fakeAlarm) Stop() {
	a.clock.mu.Lock()
	a.armed = false
	a.clock.mu.Unlock()
}

func (a *fakeAlarm) C() <-chan struct{} { return a.c }

func (a *fakeAlarm) Close() {
	a.Stop()
	c := a.clock
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, b := range c.alarms {
		if b == a {
			c.alarms = append(c.alarms[:i], c.alarms[i+1:]...)
			break
		}
	}
}
