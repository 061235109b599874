package app

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"

	"relais/backend/network"
	"relais/backend/vault"
)

// pdsUser is an account with an app password on the real Bluesky server
// the test command runs (scripts/pds, RELAIS_PDS_URL).
type pdsUser struct {
	server, handle, appPassword string
}

// newPDSUser creates one; ok is false when no server runs (and the test
// does not require one: RELAIS_REQUIRE_PDS=1 makes that a failure).
func newPDSUser(t *testing.T) (u pdsUser, ok bool) {
	t.Helper()
	server := strings.TrimRight(os.Getenv("RELAIS_PDS_URL"), "/")
	if server == "" {
		if os.Getenv("RELAIS_REQUIRE_PDS") == "1" {
			t.Fatal("RELAIS_PDS_URL is not set")
		}
		t.Log("RELAIS_PDS_URL is not set: no successful Bluesky connect (start a real Bluesky server with scripts/pds)")
		return u, false
	}
	post := func(nsid, bearer string, in, out any) {
		t.Helper()
		b, _ := json.Marshal(in)
		req, _ := http.NewRequest("POST", server+"/xrpc/"+nsid, bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		if bearer != "" {
			req.Header.Set("Authorization", "Bearer "+bearer)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("%s: HTTP %d", nsid, resp.StatusCode)
		}
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			t.Fatal(err)
		}
	}
	b := make([]byte, 6)
	rand.Read(b)
	name := "s" + hex.EncodeToString(b)
	var created struct{ Handle, AccessJwt string }
	post("com.atproto.server.createAccount", "", map[string]string{
		"handle": name + ".test", "email": name + "@example.com", "password": "pw-" + name + name}, &created)
	var app struct{ Password string }
	post("com.atproto.server.createAppPassword", created.AccessJwt, map[string]string{"name": "relais"}, &app)
	return pdsUser{server: server, handle: created.Handle, appPassword: app.Password}, true
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
