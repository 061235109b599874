package account_test

import (
	"context"
	"errors"
	"testing"

	"relais/backend/account"
	"relais/backend/network"
	"relais/backend/vault"
)

func TestForgetKeepsTheGrantOfTheOthers(t *testing.T) {
	ctx := context.Background()
	net := &scripted{name: network.Facebook, devApp: true, grants: []network.Grant{
		{Profile: network.Profile{RemoteID: "p1", Handle: "Café Lumière"}, Token: network.Token{Access: "page-1"}},
		{Profile: network.Profile{RemoteID: "p2", Handle: "Other Page"}, Token: network.Token{Access: "page-2"}},
	}}
	e := newEnv(t, net)
	if _, err := e.acc.SetDevApp(ctx, network.Facebook, "id", "app-secret", 0); err != nil {
		t.Fatal(err)
	}
	accs, err := e.acc.Connect(ctx, e.wsID, network.Facebook, network.Request{})
	if err != nil || len(accs) != 2 {
		t.Fatalf("connect: %d accounts, %v", len(accs), err)
	}
	if err := e.acc.Forget(ctx, accs[1].ID); err != nil {
		t.Fatal(err)
	}
	if len(net.revoked) != 0 {
		t.Errorf("Forget revoked %v at the network", net.revoked)
	}
	if ok, _ := e.vault.Has(ctx, vault.Name("token", accs[1].ID)); ok {
		t.Error("the forgotten account's token is still sealed")
	}
	if ok, _ := e.vault.Has(ctx, vault.Name("token", accs[0].ID)); !ok {
		t.Error("the kept account lost its token")
	}
	list, _ := e.acc.List(ctx, e.wsID)
	if len(list) != 1 || list[0].ID != accs[0].ID {
		t.Errorf("accounts after Forget: %+v", list)
	}
	if err := e.acc.Forget(ctx, accs[1].ID); !errors.Is(err, account.ErrNotFound) {
		t.Errorf("second Forget: %v; want ErrNotFound", err)
	}
}
