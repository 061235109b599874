package account_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"relais/backend/account"
	"relais/backend/network"
	"relais/backend/store"
	"relais/backend/vault"
)

// The keyring lost the data key and the user started over with a new one:
// the developer apps' client secrets went with it, so their records stop
// claiming one (Settings asks for it again) while the client ids stay, and
// the accounts are marked for reconnection. Entering the secret again
// makes OAuth work again.
func TestRecoveryForgetsLostDevAppSecrets(t *testing.T) {
	ctx := context.Background()
	x := &scripted{name: network.X, devApp: true, grants: []network.Grant{{
		Profile:     network.Profile{RemoteID: "42", Handle: "@cafe"},
		Token:       network.Token{Access: "ACCESS-X", Refresh: "REFRESH-X", Expiry: time.Date(2026, 11, 23, 11, 0, 0, 0, time.UTC)},
		Refreshable: true,
	}}}
	li := &scripted{name: network.LinkedIn, devApp: true}
	pin := &scripted{name: network.Pinterest, devApp: true}
	e := newEnv(t, x, li, pin)
	for _, d := range []struct {
		n      network.Name
		secret string
	}{{network.X, "app-secret"}, {network.LinkedIn, "li-secret"}, {network.Pinterest, ""}} {
		if _, err := e.acc.SetDevApp(ctx, d.n, "client-"+string(d.n), d.secret, 0); err != nil {
			t.Fatal(err)
		}
	}
	connected, err := e.acc.Connect(ctx, e.wsID, network.X, network.Request{})
	if err != nil {
		t.Fatal(err)
	}

	// A new run after the keyring entry disappeared (a new OS profile).
	keyring.MockInit()
	v := vault.New(e.db, filepath.Join(e.dir, "vault.key"), vault.OSKeyring{})
	acc := account.New(e.db, v, e.ws, x, li, pin)
	acc.SetClock(func() time.Time { return e.clock })
	if st, err := v.Status(ctx); err != nil || !st.NeedsRecovery {
		t.Fatalf("Status = %+v, %v; want NeedsRecovery", st, err)
	}
	lost, err := v.Recover(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Even before the records are updated (a crash right after Recover),
	// no app claims a secret the vault no longer has.
	checkDevApps(t, acc, "after Recover")

	if err := acc.MarkTokensLost(ctx, lost); err != nil {
		t.Fatal(err)
	}
	checkDevApps(t, acc, "after MarkTokensLost")
	// The stored records say so too (backups, the next SetDevApp).
	for _, n := range []network.Name{network.X, network.LinkedIn, network.Pinterest} {
		var d account.DevApp
		err := e.db.View(ctx, func(tx *store.Txn) error { return tx.Get(store.Key(store.TableDevApp, []byte(n)), &d) })
		if err != nil || d.HasSecret || d.ClientID != "client-"+string(n) {
			t.Errorf("stored %s app = %+v, %v; want its client id, no secret", n, d, err)
		}
	}
	if a, err := acc.Get(ctx, connected[0].ID); err != nil || !a.NeedsReconnect {
		t.Errorf("account after recovery = %+v, %v; want NeedsReconnect", a, err)
	}
	// The app lost its secret: a connect cannot send it, until the user
	// enters it again.
	if _, err := acc.Reconnect(ctx, connected[0].ID, network.Request{}); err == nil {
		t.Errorf("Reconnect without the client secret succeeded")
	}
	d, err := acc.SetDevApp(ctx, network.X, "client-x", "app-secret", 0)
	if err != nil || !d.HasSecret {
		t.Fatalf("SetDevApp again = %+v, %v; want HasSecret", d, err)
	}
	if a, err := acc.Reconnect(ctx, connected[0].ID, network.Request{}); err != nil || a.NeedsReconnect {
		t.Errorf("Reconnect with the secret entered again = %+v, %v", a, err)
	}
	// A second recovery report naming an app deleted since is not an error.
	if err := acc.DeleteDevApp(ctx, network.LinkedIn); err != nil {
		t.Fatal(err)
	}
	if err := acc.MarkTokensLost(ctx, []string{vault.Name("devapp", string(network.LinkedIn))}); err != nil {
		t.Errorf("MarkTokensLost for a removed app = %v", err)
	}
}

func checkDevApps(t *testing.T, acc *account.Service, when string) {
	t.Helper()
	apps, err := acc.DevApps(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(apps) != 3 {
		t.Fatalf("%s: %d developer apps; want 3 (the records stay)", when, len(apps))
	}
	for _, d := range apps {
		if d.HasSecret {
			t.Errorf("%s: %s app says a secret is saved; the vault lost it", when, d.Network)
		}
		if d.ClientID == "" {
			t.Errorf("%s: %s app lost its client id", when, d.Network)
		}
	}
}
