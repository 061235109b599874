package app

import (
	"context"
	"encoding/json"
	"testing"

	"relais/backend/network"
	"relais/backend/network/bluesky/pdstest"
	"relais/backend/vault"
)

// newPDSUser creates an account with an app password on the real Bluesky
// server the test command runs (pdstest); ok is false when no server runs
// and none is required, and the test goes on without it.
func newPDSUser(t *testing.T) (u pdstest.Account, ok bool) {
	t.Helper()
	server := pdstest.URL(t)
	if server == "" {
		t.Log("RELAIS_PDS_URL is not set: no successful Bluesky connect (start a real Bluesky server with scripts/pds)")
		return u, false
	}
	return pdstest.NewAccount(t, server), true
}

// sealedToken reads an account's token from the vault, to know which
// strings must never appear anywhere else.
func sealedToken(t *testing.T, a *App, accountID string) network.Token {
	t.Helper()
	b, err := a.vault.Get(context.Background(), vault.Name("token", accountID))
	if err != nil {
		t.Fatal(err)
	}
	var tok network.Token
	if err := json.Unmarshal(b, &tok); err != nil {
		t.Fatal(err)
	}
	return tok
}
