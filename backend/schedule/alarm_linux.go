package schedule

import (
	"errors"
	"os"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// timerfdAlarm is an Alarm over a Linux timerfd on CLOCK_REALTIME, armed
// with an absolute time and TFD_TIMER_CANCEL_ON_SET: it fires when the
// wall clock reaches the time, including right after a resume from
// suspend (unlike Go timers, which run on CLOCK_MONOTONIC and stop during
// a suspend), and wakes early when the wall clock is set. It costs no
// wake-up while it waits.
type timerfdAlarm struct {
	f    *os.File
	c    chan struct{}
	done chan struct{}
}

func newWallAlarm() Alarm {
	fd, err := unix.TimerfdCreate(unix.CLOCK_REALTIME, unix.TFD_CLOEXEC|unix.TFD_NONBLOCK)
	if err != nil {
		return nil
	}
	a := &timerfdAlarm{f: os.NewFile(uintptr(fd), "timerfd"), c: make(chan struct{}, 1), done: make(chan struct{})}
	go a.read()
	return a
}

// read waits on the timerfd through Go's poller and turns expirations
// and clock changes (ECANCELED) into a signal on c.
func (a *timerfdAlarm) read() {
	defer close(a.done)
	var buf [8]byte
	for {
		_, err := a.f.Read(buf[:])
		if err != nil && !errors.Is(err, syscall.ECANCELED) {
			if errors.Is(err, os.ErrClosed) {
				return
			}
			// Unexpected: do not spin.
			time.Sleep(time.Second)
		}
		select {
		case a.c <- struct{}{}:
		default:
		}
	}
}

func (a *timerfdAlarm) settime(spec *unix.ItimerSpec) {
	rc, err := a.f.SyscallConn()
	if err != nil {
		return
	}
	_ = rc.Control(func(fd uintptr) {
		_ = unix.TimerfdSettime(int(fd), unix.TFD_TIMER_ABSTIME|unix.TFD_TIMER_CANCEL_ON_SET, spec, nil)
	})
}

func (a *timerfdAlarm) Set(at time.Time) {
	ns := at.UnixNano()
	if ns < 1 {
		ns = 1 // zero would disarm; any past time fires at once
	}
	a.settime(&unix.ItimerSpec{Value: unix.NsecToTimespec(ns)})
}

func (a *timerfdAlarm) Stop() { a.settime(&unix.ItimerSpec{}) }

func (a *timerfdAlarm) C() <-chan struct{} { return a.c }

func (a *timerfdAlarm) Close() {
	_ = a.f.Close()
	<-a.done
}
