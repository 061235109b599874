package app

import (
	"context"
	"testing"
	"time"

	"github.com/zalando/go-keyring"
)

// Wails runs OnStartup alongside loading the page: the page's first calls
// can come before the store is open. They wait for it instead of failing
// (the client list) or answering defaults (the language and theme).
func TestCallsDuringStartupWaitForTheStore(t *testing.T) {
	keyring.MockInit()
	a := New(nil)
	a.ctx = context.Background()
	starting := make(chan struct{})
	a.mu.Lock()
	a.starting = starting
	a.mu.Unlock()

	type answer struct {
		n   int
		err error
	}
	got := make(chan answer, 1)
	go func() {
		list, err := a.Workspaces.List()
		got <- answer{len(list), err}
	}()
	info := make(chan Info, 1)
	go func() { info <- a.Shell.Info() }()

	select {
	case r := <-got:
		t.Fatalf("List answered before the store was open: %+v", r)
	case <-time.After(100 * time.Millisecond):
	}
	dir := t.TempDir()
	if err := a.open(context.Background(), dir); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Shutdown(context.Background()) })
	close(starting)
	select {
	case r := <-got:
		if r.err != nil {
			t.Fatalf("List after start-up = %v", r.err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("List still waiting after start-up")
	}
	if i := <-info; i.DataDir != dir || i.StartError != nil {
		t.Errorf("Info = %+v; want the data folder, no start error", i)
	}
}
