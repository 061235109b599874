package app

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"relais/backend/account"
	"relais/backend/network"
	"relais/backend/workspace"
)

// sweepNet is a network whose tokens always expire within the sweep
// window, so every sweep refreshes them. Its third refresh hangs until the
// sweep's context ends, as a refresh waiting on a slow network would.
type sweepNet struct {
	mu        sync.Mutex
	refreshes int
	refreshed chan int      // the number of each refresh, as it starts
	returned  chan struct{} // closed when the hanging refresh returns
}

func (s *sweepNet) Network() network.Name { return network.X }
func (s *sweepNet) NeedsDevApp() bool     { return false }
func (s *sweepNet) Connect(context.Context, network.Request) ([]network.Grant, error) {
	return []network.Grant{{
		Profile:     network.Profile{RemoteID: "42", Handle: "@cafe"},
		Token:       network.Token{Access: "access-0", Refresh: "refresh", Expiry: time.Now().Add(5 * time.Minute)},
		Refreshable: true,
	}}, nil
}
func (s *sweepNet) Refresh(ctx context.Context, _ string, _ *network.DevApp, _ network.Token) (network.Token, error) {
	s.mu.Lock()
	s.refreshes++
	n := s.refreshes
	s.mu.Unlock()
	s.refreshed <- n
	if n == 3 {
		<-ctx.Done()
		close(s.returned)
		return network.Token{}, ctx.Err()
	}
	return network.Token{Access: "access-" + string(rune('0'+n)), Expiry: time.Now().Add(5 * time.Minute)}, nil
}
func (s *sweepNet) Verify(context.Context, string, network.Token) (network.Profile, error) {
	return network.Profile{}, nil
}
func (s *sweepNet) Revoke(context.Context, string, *network.DevApp, network.Token) error { return nil }

// The background refresh sweeps at once and then at every tick, tells the
// UI when accounts changed, and Shutdown stops it, waiting for a refresh
// in flight, before the store closes. (Wails never cancels the context
// Startup gets: without its own stop, the loop would outlive the store.)
func TestTokenSweepRunsUntilShutdown(t *testing.T) {
	keyring.MockInit()
	ctx := context.Background()
	a := New(nil)
	a.ctx = ctx
	var mu sync.Mutex
	changes := 0
	a.events = func(name string, _ ...any) {
		if name == "accounts:changed" {
			mu.Lock()
			changes++
			mu.Unlock()
		}
	}
	if err := a.open(ctx, t.TempDir()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Shutdown(ctx) })
	if err := a.Vault.SetUpKeyring(); err != nil {
		t.Fatal(err)
	}
	ws, err := a.Workspaces.Create(workspace.Settings{Name: "Café Lumière"})
	if err != nil {
		t.Fatal(err)
	}
	net := &sweepNet{refreshed: make(chan int, 8), returned: make(chan struct{})}
	a.mu.Lock()
	a.accounts = account.New(a.db, a.vault, a.workspaces, net)
	a.mu.Unlock()
	if _, err := a.accounts.Connect(ctx, ws.ID, network.X, network.Request{}); err != nil {
		t.Fatal(err)
	}

	a.sweepEvery = time.Millisecond // the ticks come at once; nothing here waits for a real one
	a.startTokenSweep(ctx)
	for want := 1; want <= 3; want++ { // the sweep at start, then two ticks
		select {
		case n := <-net.refreshed:
			if n != want {
				t.Fatalf("refresh %d; want %d", n, want)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("refresh %d never came: the loop does not sweep", want)
		}
	}
	mu.Lock()
	got := changes
	mu.Unlock()
	if got < 2 {
		t.Errorf("%d accounts:changed events after two refreshes; want 2", got)
	}

	a.Shutdown(ctx)
	select {
	case <-net.returned:
	default:
		t.Fatal("Shutdown returned while a refresh was still running: the sweep was not stopped")
	}
	select {
	case n := <-net.refreshed:
		t.Errorf("refresh %d ran after Shutdown", n)
	default:
	}
}
