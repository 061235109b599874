package account_test

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"relais/backend/account"
	"relais/backend/blob"
	"relais/backend/network"
	"relais/backend/network/mastodon"
	"relais/backend/network/mastodon/mastodontest"
	"relais/backend/store"
	"relais/backend/vault"
	"relais/backend/workspace"
)

// scripted is a network whose answers the test decides: the account
// service's lifecycle logic is under test, not a network client.
type scripted struct {
	mu        sync.Mutex
	name      network.Name
	devApp    bool
	grants    []network.Grant
	refresh   func(network.Token) (network.Token, error)
	refreshes int
	revoked   []string
	revokeErr error
}

func (s *scripted) Network() network.Name { return s.name }
func (s *scripted) NeedsDevApp() bool     { return s.devApp }
func (s *scripted) Connect(_ context.Context, req network.Request) ([]network.Grant, error) {
	if s.devApp && (req.App == nil || req.App.ClientSecret != "app-secret") {
		return nil, errors.New("connector got no developer app")
	}
	return s.grants, nil
}
func (s *scripted) Refresh(_ context.Context, _ string, _ *network.DevApp, tok network.Token) (network.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refreshes++
	return s.refresh(tok)
}
func (s *scripted) Verify(context.Context, string, network.Token) (network.Profile, error) {
	return network.Profile{}, nil
}
func (s *scripted) Revoke(_ context.Context, _ string, _ *network.DevApp, tok network.Token) error {
	s.revoked = append(s.revoked, tok.Access)
	return s.revokeErr
}

type env struct {
	dir   string
	db    *store.Store
	vault *vault.Vault
	ws    *workspace.Service
	acc   *account.Service
	wsID  string
	clock time.Time
}

func newEnv(t *testing.T, connectors ...account.Connector) *env {
	t.Helper()
	keyring.MockInit()
	ctx := context.Background()
	e := &env{dir: t.TempDir(), clock: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}
	db, err := store.Open(ctx, e.dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	e.db = db
	e.vault = vault.New(db, filepath.Join(e.dir, "vault.key"), vault.OSKeyring{})
	if err := e.vault.SetUpKeyring(ctx); err != nil {
		t.Fatal(err)
	}
	e.ws = workspace.New(db, blob.New(db.BlobDir()))
	w, err := e.ws.Create(ctx, workspace.Settings{Name: "Café Lumière", Timezone: "Europe/Paris"})
	if err != nil {
		t.Fatal(err)
	}
	e.wsID = w.ID
	e.acc = account.New(db, e.vault, e.ws, connectors...)
	e.acc.SetClock(func() time.Time { return e.clock })
	return e
}

func TestConnectStoresProfileNotToken(t *testing.T) {
	ctx := context.Background()
	net := &scripted{name: network.X, devApp: true, grants: []network.Grant{{
		Profile:     network.Profile{RemoteID: "42", Handle: "@cafe"},
		Token:       network.Token{Access: "ACCESS-SECRET-1", Refresh: "REFRESH-SECRET-1", Expiry: time.Date(2026, 11, 23, 11, 0, 0, 0, time.UTC)},
		Refreshable: true,
	}}}
	e := newEnv(t, net)
	if _, err := e.acc.Connect(ctx, e.wsID, network.X, network.Request{}); !errors.Is(err, network.ErrNoDevApp) {
		t.Fatalf("Connect without a developer app = %v; want ErrNoDevApp", err)
	}
	if _, err := e.acc.SetDevApp(ctx, network.X, "client-id", "app-secret", 0); err != nil {
		t.Fatal(err)
	}
	got, err := e.acc.Connect(ctx, e.wsID, network.X, network.Request{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Profile.Handle != "@cafe" || got[0].WorkspaceID != e.wsID {
		t.Fatalf("Connect = %+v", got)
	}
	// Connecting the same account again reconnects it, no duplicate.
	if _, err := e.acc.Connect(ctx, e.wsID, network.X, network.Request{}); err != nil {
		t.Fatal(err)
	}
	list, _ := e.acc.List(ctx, e.wsID)
	if len(list) != 1 {
		t.Errorf("after connecting twice: %d accounts; want 1", len(list))
	}
	// No secret in clear anywhere on disk, backups included.
	if _, err := e.db.BackupToDir(ctx, "test"); err != nil {
		t.Fatal(err)
	}
	e.db.Close()
	for _, secret := range []string{"ACCESS-SECRET-1", "REFRESH-SECRET-1", "app-secret"} {
		filepath.WalkDir(e.dir, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				if b, _ := os.ReadFile(p); bytes.Contains(b, []byte(secret)) {
					t.Errorf("%s holds %s in clear", p, secret)
				}
			}
			return nil
		})
	}
}

func TestRefreshKeepsRefreshToken(t *testing.T) {
	ctx := context.Background()
	exp := time.Date(2026, 11, 23, 9, 5, 0, 0, time.UTC) // within refreshAhead of the clock
	net := &scripted{name: network.Pinterest, devApp: true, grants: []network.Grant{{
		Profile: network.Profile{RemoteID: "p1", Handle: "cafe"}, Refreshable: true,
		Token: network.Token{Access: "a1", Refresh: "r1", Expiry: exp, RefreshExpiry: exp.Add(365 * 24 * time.Hour)},
	}}}
	net.refresh = func(tok network.Token) (network.Token, error) {
		if tok.Refresh != "r1" {
			return network.Token{}, &network.StatusError{Status: 400, Reason: "invalid_grant", Err: network.ErrRevoked}
		}
		// The answer has no refresh token: the stored one must stay.
		return network.Token{Access: "a2", Expiry: tok.Expiry.Add(30 * 24 * time.Hour)}, nil
	}
	e := newEnv(t, net)
	e.acc.SetDevApp(ctx, network.Pinterest, "id", "app-secret", 0)
	accs, err := e.acc.Connect(ctx, e.wsID, network.Pinterest, network.Request{})
	if err != nil {
		t.Fatal(err)
	}
	tok, a, err := e.acc.Fresh(ctx, accs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if tok.Access != "a2" || tok.Refresh != "r1" || !a.Expiry.Equal(exp.Add(30*24*time.Hour)) {
		t.Errorf("after refresh: token %q/%q, expiry %v", tok.Access, tok.Refresh, a.Expiry)
	}
	// Twice more: no refresh needed now.
	e.acc.Fresh(ctx, accs[0].ID)
	if net.refreshes != 1 {
		t.Errorf("%d refreshes; want 1", net.refreshes)
	}
	// Concurrent callers near expiry refresh once, not once each.
	e.clock = exp.Add(30*24*time.Hour - time.Minute)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() { defer wg.Done(); e.acc.Fresh(ctx, accs[0].ID) }()
	}
	wg.Wait()
	if net.refreshes != 2 {
		t.Errorf("%d refreshes after 8 concurrent Fresh; want 2", net.refreshes)
	}
}

func TestRevokedMarksForReconnect(t *testing.T) {
	ctx := context.Background()
	exp := time.Date(2026, 11, 23, 9, 1, 0, 0, time.UTC)
	net := &scripted{name: network.TikTok, devApp: true, grants: []network.Grant{{
		Profile: network.Profile{RemoteID: "t1", Handle: "cafe"}, Refreshable: true,
		Token: network.Token{Access: "a1", Refresh: "r1", Expiry: exp},
	}}}
	net.refresh = func(network.Token) (network.Token, error) {
		return network.Token{}, &network.StatusError{Status: 400, Reason: "invalid_grant", Err: network.ErrRevoked}
	}
	e := newEnv(t, net)
	e.acc.SetDevApp(ctx, network.TikTok, "id", "app-secret", 0)
	accs, _ := e.acc.Connect(ctx, e.wsID, network.TikTok, network.Request{})
	id := accs[0].ID
	if _, _, err := e.acc.Fresh(ctx, id); !errors.Is(err, network.ErrRevoked) {
		t.Fatalf("Fresh with a revoked grant = %v; want ErrRevoked", err)
	}
	a, _ := e.acc.Get(ctx, id)
	if st, _ := a.StateAt(e.clock); st != account.StateNeedsReconnect || a.Problem != "invalid_grant" {
		t.Errorf("state = %v (%q); want needs_reconnect (invalid_grant)", st, a.Problem)
	}
	// The refresh token is still stored: a revocation never erases it.
	if ok, _ := e.vault.Has(ctx, vault.Name("token", id)); !ok {
		t.Error("token erased by a revocation")
	}
	// A reconnect with a new grant replaces it and clears the state.
	net.grants[0].Token = network.Token{Access: "a9", Refresh: "r9", Expiry: exp.Add(24 * time.Hour)}
	if _, err := e.acc.Reconnect(ctx, id, network.Request{}); err != nil {
		t.Fatal(err)
	}
	a, _ = e.acc.Get(ctx, id)
	if st, _ := a.StateAt(e.clock); st != account.StateConnected {
		t.Errorf("after reconnect state = %v", st)
	}
	// Reconnecting as someone else is refused.
	net.grants[0].Profile.RemoteID = "someone-else"
	if _, err := e.acc.Reconnect(ctx, id, network.Request{}); !errors.Is(err, account.ErrDifferentAccount) {
		t.Errorf("Reconnect as another account = %v; want ErrDifferentAccount", err)
	}
}

func TestReminderBeforeNonRefreshableExpiry(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		reconnectBy time.Time
		state       account.State
		days        int
	}{
		{now.Add(60 * 24 * time.Hour), account.StateConnected, 0},
		{now.Add(15 * 24 * time.Hour), account.StateConnected, 0},
		{now.Add(14 * 24 * time.Hour), account.StateExpiring, 14},
		{now.Add(36 * time.Hour), account.StateExpiring, 2},
		{now.Add(time.Hour), account.StateExpiring, 1},
		{now.Add(-time.Hour), account.StateNeedsReconnect, 0},
		{time.Time{}, account.StateConnected, 0},
	}
	for _, tt := range tests {
		st, days := account.Account{ReconnectBy: tt.reconnectBy}.StateAt(now)
		if st != tt.state || days != tt.days {
			t.Errorf("StateAt(reconnect by %v) = %v, %d; want %v, %d", tt.reconnectBy, st, days, tt.state, tt.days)
		}
	}
}

func TestLinkedInReconnectDate(t *testing.T) {
	ctx := context.Background()
	exp := time.Date(2027, 1, 22, 9, 0, 0, 0, time.UTC) // 60 days
	net := &scripted{name: network.LinkedIn, devApp: true, grants: []network.Grant{{
		Profile: network.Profile{RemoteID: "li", Handle: "Marie"}, Refreshable: false,
		Token: network.Token{Access: "a", Expiry: exp},
	}}}
	e := newEnv(t, net)
	e.acc.SetDevApp(ctx, network.LinkedIn, "id", "app-secret", 0)
	accs, err := e.acc.Connect(ctx, e.wsID, network.LinkedIn, network.Request{})
	if err != nil {
		t.Fatal(err)
	}
	if !accs[0].ReconnectBy.Equal(exp) {
		t.Errorf("ReconnectBy = %v; want %v", accs[0].ReconnectBy, exp)
	}
	if st, days := accs[0].StateAt(exp.Add(-10 * 24 * time.Hour)); st != account.StateExpiring || days != 10 {
		t.Errorf("10 days before: %v %d", st, days)
	}
}

func TestDisconnectRevokesAndWipes(t *testing.T) {
	ctx := context.Background()
	net := &scripted{name: network.X, devApp: true, grants: []network.Grant{{
		Profile: network.Profile{RemoteID: "42", Handle: "@cafe"}, Token: network.Token{Access: "acc-42"},
	}}}
	e := newEnv(t, net)
	e.acc.SetDevApp(ctx, network.X, "id", "app-secret", 0)
	accs, _ := e.acc.Connect(ctx, e.wsID, network.X, network.Request{})
	net.revokeErr = network.ErrUnreachable
	revokeErr, err := e.acc.Disconnect(ctx, accs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if !errors.Is(revokeErr, network.ErrUnreachable) || len(net.revoked) != 1 || net.revoked[0] != "acc-42" {
		t.Errorf("revoke: err %v, calls %v", revokeErr, net.revoked)
	}
	if ok, _ := e.vault.Has(ctx, vault.Name("token", accs[0].ID)); ok {
		t.Error("token still sealed after disconnect")
	}
	if list, _ := e.acc.List(ctx, e.wsID); len(list) != 0 {
		t.Errorf("accounts after disconnect: %+v", list)
	}
}

func TestVaultLockedRefusesConnect(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, _ := store.Open(ctx, dir, store.Options{})
	defer db.Close()
	v := vault.New(db, filepath.Join(dir, "vault.key"), nil)
	v.SetKDF(vault.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1})
	v.SetUpPassphrase(ctx, "a long passphrase")
	v.Lock()
	ws := workspace.New(db, blob.New(db.BlobDir()))
	w, _ := ws.Create(ctx, workspace.Settings{Name: "W"})
	acc := account.New(db, v, ws, &mastodon.Client{})
	if _, err := acc.Connect(ctx, w.ID, network.Mastodon, network.Request{Server: "mastodon.social"}); !errors.Is(err, vault.ErrLocked) {
		t.Errorf("Connect with the vault locked = %v; want ErrLocked", err)
	}
}

func TestServerAddresses(t *testing.T) {
	f := mastodontest.NewFake()
	defer f.Close()
	e := newEnv(t, &mastodon.Client{Timeout: 5 * time.Second})
	ctx := context.Background()
	for _, bad := range []string{"", "ftp://x", "http://mastodon.social", "https://user:pw@host", "://"} {
		_, err := e.acc.Connect(ctx, e.wsID, network.Mastodon, network.Request{Server: bad, Open: mastodontest.Browser})
		if !errors.Is(err, account.ErrInvalidServer) && !errors.Is(err, account.ErrMissingField) {
			t.Errorf("Connect(server %q) = %v; want ErrInvalidServer or ErrMissingField", bad, err)
		}
	}
	// A full connect through a Mastodon instance over HTTP.
	accs, err := e.acc.Connect(ctx, e.wsID, network.Mastodon, network.Request{Server: f.URL + "/", Open: mastodontest.Browser})
	if err != nil {
		t.Fatal(err)
	}
	a := accs[0]
	if a.Server != f.URL || a.Limits == nil || a.Limits.MaxChars != 1000 || !strings.HasPrefix(a.Profile.Handle, "@cafe@") {
		t.Errorf("Mastodon account = %+v", a)
	}
	if _, err := e.acc.Disconnect(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if len(f.Revoked) != 1 {
		t.Errorf("disconnect did not revoke at the instance: %v", f.Revoked)
	}
}
