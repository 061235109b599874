package app

import (
	"context"
	"testing"

	"github.com/zalando/go-keyring"

	"relais/backend/network/mastodon/mastodontest"
	"relais/backend/workspace"
)

// Recovery from a keyring that lost the data key, through the bound
// facade: the count the UI shows is of sign-ins to redo (a developer
// app's client secret is not one), the account needs reconnecting and the
// developer app no longer claims a secret.
func TestRecoverThroughTheFacade(t *testing.T) {
	keyring.MockInit()
	fake := mastodontest.NewFake()
	defer fake.Close()
	dir := t.TempDir()
	start := func() *App {
		a := New(nil)
		a.ctx = context.Background()
		a.openURL = mastodontest.Browser
		if err := a.open(context.Background(), dir); err != nil {
			t.Fatal(err)
		}
		return a
	}
	a := start()
	if err := a.Vault.SetUpKeyring(); err != nil {
		t.Fatal(err)
	}
	ws, err := a.Workspaces.Create(workspace.Settings{Name: "Café Lumière"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Accounts.SetDevApp("x", "client-x", "DEVAPP-SECRET-x", 0); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Accounts.ConnectMastodon(ws.ID, fake.URL); err != nil {
		t.Fatal(err)
	}
	a.Shutdown(context.Background())

	keyring.MockInit() // a new OS profile: the keyring is empty
	a = start()
	defer a.Shutdown(context.Background())
	if st, err := a.Vault.Status(); err != nil || !st.NeedsRecovery {
		t.Fatalf("Status = %+v, %v; want NeedsRecovery", st, err)
	}
	n, err := a.Vault.Recover()
	if err != nil || n != 1 {
		t.Errorf("Recover = %d, %v; want 1 sign-in lost (the Mastodon account)", n, err)
	}
	apps, err := a.Accounts.DevApps()
	if err != nil || len(apps) != 1 || apps[0].HasSecret || apps[0].ClientID != "client-x" {
		t.Errorf("DevApps after recovery = %+v, %v; want the X app, no secret", apps, err)
	}
	list, err := a.Accounts.List(ws.ID)
	if err != nil || len(list) != 1 || list[0].State != "needs_reconnect" {
		t.Errorf("accounts after recovery = %+v, %v; want the Mastodon one, needs_reconnect", list, err)
	}
}
