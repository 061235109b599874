package account_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"relais/backend/network"
	"relais/backend/network/bluesky"
	"relais/backend/network/bluesky/pdstest"
	"relais/backend/vault"
)

// pdsAccount creates an account and an app password on the real Bluesky
// server the test command runs (pdstest), or skips without one.
func pdsAccount(t *testing.T) (server, handle, appPassword string) {
	t.Helper()
	a := pdstest.NewAccount(t, pdstest.Server(t))
	return a.Server, a.Handle, a.AppPassword
}

// A refused access token (expired early, invalidated by the server) is
// renewed with the refresh token and checked again, against the real
// server; only when renewing fails too is the account marked.
func TestVerifyRenewsARefusedAccessToken(t *testing.T) {
	server, handle, appPassword := pdsAccount(t)
	ctx := context.Background()
	e := newEnv(t, &bluesky.Client{})
	e.clock = time.Now() // the server's tokens carry real times
	accs, err := e.acc.Connect(ctx, e.wsID, network.Bluesky, network.Request{Server: server, Identifier: handle, Password: appPassword})
	if err != nil {
		t.Fatal(err)
	}
	id := accs[0].ID
	if a, err := e.acc.Verify(ctx, id); err != nil || a.Profile.Handle != handle {
		t.Fatalf("Verify = %+v, %v", a.Profile, err)
	}

	name := vault.Name("token", id)
	read := func() network.Token {
		b, err := e.vault.Get(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		var tok network.Token
		json.Unmarshal(b, &tok)
		return tok
	}
	write := func(tok network.Token) {
		b, _ := json.Marshal(tok)
		if err := e.vault.Put(ctx, name, b); err != nil {
			t.Fatal(err)
		}
	}

	// The server refuses the access token though its stored expiry is
	// hours away: a forged signature, as a server with a new key would.
	tok := read()
	refused := tok.Access[:len(tok.Access)-4] + "AAAA"
	tok.Access = refused
	write(tok)
	a, err := e.acc.Verify(ctx, id)
	if err != nil {
		t.Fatalf("Verify with a refused access token: %v; want renewed and verified", err)
	}
	if a.NeedsReconnect || a.Profile.Handle != handle {
		t.Errorf("after renewal: needs reconnect %v, handle %q", a.NeedsReconnect, a.Profile.Handle)
	}
	if now := read(); now.Access == refused || now.Refresh == tok.Refresh || now.Password != appPassword {
		t.Error("the renewed token pair was not stored (or the app password was dropped)")
	}

	// Refused access token and dead session, no app password to open a new
	// one: the account needs the user, and its sealed token stays.
	tok = read()
	tok.Access, tok.Refresh, tok.Password = refused, "not-a-refresh-token", ""
	write(tok)
	a, err = e.acc.Verify(ctx, id)
	if !errors.Is(err, network.ErrRevoked) {
		t.Fatalf("Verify with nothing usable = %v; want ErrRevoked", err)
	}
	if got, _ := e.acc.Get(ctx, id); !got.NeedsReconnect {
		t.Error("the account was not marked for reconnection")
	}
	if ok, _ := e.vault.Has(ctx, name); !ok {
		t.Error("marking the account removed its sealed token")
	}
}

// Renew, which the scheduler calls when a publish call's token is
// refused, renews against the real server; asked again about the same
// refused token, it hands back the token that replaced it instead of
// spending the refresh token twice.
func TestRenewAfterARefusedPublish(t *testing.T) {
	server, handle, appPassword := pdsAccount(t)
	ctx := context.Background()
	e := newEnv(t, &bluesky.Client{})
	e.clock = time.Now()
	accs, err := e.acc.Connect(ctx, e.wsID, network.Bluesky, network.Request{Server: server, Identifier: handle, Password: appPassword})
	if err != nil {
		t.Fatal(err)
	}
	id := accs[0].ID
	old, _, err := e.acc.Fresh(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	fresh, a, err := e.acc.Renew(ctx, id, old.Access)
	if err != nil || a.NeedsReconnect {
		t.Fatalf("Renew = %v (needs reconnect %v); want a new token", err, a.NeedsReconnect)
	}
	// The access JWT can match byte for byte when made within the same
	// second (no jti); the refresh token never does.
	if fresh.Refresh == old.Refresh || fresh.Access == "" {
		t.Error("Renew returned the refused token pair")
	}
	again, _, err := e.acc.Renew(ctx, id, old.Access)
	if err != nil || again.Access != fresh.Access {
		t.Errorf("second Renew of the same refused token = %v; want the token the first one stored", err)
	}
	if _, err := (&bluesky.Client{}).Verify(ctx, server, fresh); err != nil {
		t.Errorf("the server refuses the renewed token: %v", err)
	}
}
