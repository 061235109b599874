package app

import (
	"context"
	"testing"
)

func TestCloseAsksOnlyWhileHeld(t *testing.T) {
	a := New(nil)
	var got []string
	a.events = func(name string, _ ...any) { got = append(got, name) }
	ctx := context.Background()

	if a.preventClose(ctx) {
		t.Fatal("closing with nothing unsaved was prevented")
	}
	a.Shell.HoldClose(true)
	if !a.preventClose(ctx) {
		t.Fatal("closing with unsaved changes was not prevented")
	}
	if len(got) != 1 || got[0] != EventCloseRequested {
		t.Fatalf("events = %v, want one %s", got, EventCloseRequested)
	}
	a.Shell.HoldClose(false)
	if a.preventClose(ctx) {
		t.Fatal("closing after the changes were saved was prevented")
	}
	a.Shell.HoldClose(true)
	a.Shell.QuitNow() // no Wails context in tests: only the flag
	if a.preventClose(ctx) {
		t.Fatal("QuitNow did not let the window close")
	}
}
