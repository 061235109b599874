package account_test

import (
	"context"
	"testing"
	"time"

	"relais/backend/account"
	"relais/backend/network"
	"relais/backend/network/oauthnet"
)

// renewEarly is a network whose tokens are renewed a month ahead, as
// Instagram's and Threads' 60-day tokens are.
type renewEarly struct{ *scripted }

func (renewEarly) RenewAhead() time.Duration { return oauthnet.MetaRenewAhead }

func TestMetaTokensRenewedWithThirtyDaysLeft(t *testing.T) {
	ctx := context.Background()
	var e *env
	n := 0
	fail := error(nil)
	net := &scripted{name: network.Instagram, devApp: true, grants: []network.Grant{{
		Profile: network.Profile{RemoteID: "ig-1", Handle: "cafe.lumiere"}, Refreshable: true,
	}}, refresh: func(tok network.Token) (network.Token, error) {
		if fail != nil {
			return network.Token{}, fail
		}
		n++
		return network.Token{Access: tok.Access + "-renewed", Expiry: e.clock.Add(60 * 24 * time.Hour)}, nil
	}}
	e = newEnv(t, renewEarly{net})
	net.grants[0].Token = network.Token{Access: "ig-token", Expiry: e.clock.Add(60 * 24 * time.Hour)}
	if _, err := e.acc.SetDevApp(ctx, network.Instagram, "id", "app-secret", 0); err != nil {
		t.Fatal(err)
	}
	accs, err := e.acc.Connect(ctx, e.wsID, network.Instagram, network.Request{})
	if err != nil {
		t.Fatal(err)
	}
	id := accs[0].ID

	// 45 days left: nothing to do.
	e.clock = e.clock.Add(15 * 24 * time.Hour)
	if changed, err := e.acc.Sweep(ctx, 45*time.Minute); err != nil || len(changed) != 0 || n != 0 {
		t.Fatalf("sweep with 45 days left: changed %d, renewals %d, %v", len(changed), n, err)
	}
	if tok, _, err := e.acc.Fresh(ctx, id); err != nil || tok.Access != "ig-token" || n != 0 {
		t.Fatalf("Fresh with 45 days left = %q, %v (renewals %d)", tok.Access, err, n)
	}

	// 29 days left: the sweep renews, though its own window is 45 minutes.
	e.clock = e.clock.Add(16 * 24 * time.Hour)
	changed, err := e.acc.Sweep(ctx, 45*time.Minute)
	if err != nil || len(changed) != 1 || n != 1 {
		t.Fatalf("sweep with 29 days left: changed %d, renewals %d, %v", len(changed), n, err)
	}
	a, _ := e.acc.Get(ctx, id)
	if want := e.clock.Add(60 * 24 * time.Hour); !a.Expiry.Equal(want) || !a.ReconnectBy.Equal(want) {
		t.Errorf("after renewal: expiry %v, reconnect by %v; want %v", a.Expiry, a.ReconnectBy, want)
	}
	if st, _ := a.StateAt(e.clock); st != account.StateConnected {
		t.Errorf("state after renewal = %s", st)
	}

	// An early renewal that fails (offline) keeps the working token.
	e.clock = e.clock.Add(31 * 24 * time.Hour)
	fail = network.ErrUnreachable
	tok, _, err := e.acc.Fresh(ctx, id)
	if err != nil || tok.Access != "ig-token-renewed" {
		t.Fatalf("Fresh with a failed early renewal = %q, %v; want the current token", tok.Access, err)
	}
	// A refusal marks the account for reconnection.
	fail = network.ErrRevoked
	if _, _, err := e.acc.Fresh(ctx, id); err == nil {
		t.Fatal("Fresh with a refused renewal succeeded")
	}
	if a, _ := e.acc.Get(ctx, id); !a.NeedsReconnect {
		t.Error("a refused renewal did not mark the account for reconnection")
	}
}

func TestRenewAheadOnlyForMetaTokens(t *testing.T) {
	for _, n := range network.All {
		if n == network.Mastodon || n == network.Bluesky {
			continue
		}
		want := time.Duration(0)
		if n == network.Instagram || n == network.Threads {
			want = oauthnet.MetaRenewAhead
		}
		if got := oauthnet.New(n).RenewAhead(); got != want {
			t.Errorf("%s: RenewAhead = %v; want %v", n, got, want)
		}
	}
}
