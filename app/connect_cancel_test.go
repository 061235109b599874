package app

import (
	"context"
	"testing"
	"time"
)

// The user starts a connection, gives up on it by starting another, and
// then presses Cancel: the second one stops. It used to keep listening for
// ten minutes, because the first flow, on its way out, forgot the second
// one's cancel.
func TestCancelReachesTheNewerConnection(t *testing.T) {
	a := New(nil)
	a.ctx = context.Background()
	f := a.Accounts
	first, doneFirst := f.flowContext()
	second, doneSecond := f.flowContext()
	defer doneSecond()
	select {
	case <-first.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("starting a second connection did not end the first")
	}
	doneFirst()
	f.CancelConnect()
	select {
	case <-second.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("Cancel did not reach the connection waiting on the browser")
	}
}
