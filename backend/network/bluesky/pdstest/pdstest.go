// Package pdstest gives tests accounts on the real Bluesky server: an
// @atproto/pds that the test command starts on loopback (scripts/pds) and
// names in RELAIS_PDS_URL. With RELAIS_REQUIRE_PDS=1 (as scripts/test
// sets it) a missing server fails the test, so CI never goes green by
// skipping what it was meant to prove.
//
// It speaks to the server over plain XRPC and imports nothing of Relais,
// so the bluesky package's own tests can use it too.
package pdstest

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
)

// URL is the server's URL without a trailing slash, or "" when none runs.
// It fails t when a server is required (RELAIS_REQUIRE_PDS=1); otherwise
// the caller decides whether to skip or to go on without it.
func URL(t testing.TB) string {
	t.Helper()
	u := strings.TrimRight(os.Getenv("RELAIS_PDS_URL"), "/")
	if u == "" && os.Getenv("RELAIS_REQUIRE_PDS") == "1" {
		t.Fatal("RELAIS_PDS_URL is not set: start a real Bluesky server with `scripts/pds start DIR` and set RELAIS_PDS_URL to the URL it prints")
	}
	return u
}

// Server is URL, skipping the test when no server runs.
func Server(t testing.TB) string {
	t.Helper()
	u := URL(t)
	if u == "" {
		t.Skip("RELAIS_PDS_URL is not set: start a real Bluesky server with scripts/pds")
	}
	return u
}

// Account is an account made on the server for one test.
type Account struct {
	Server, DID, Handle, Email string
	Password                   string // the account password
	AppPassword                string // what a user pastes into Relais
	AccessJWT                  string // a full-access session of the account
}

// NewAccount creates an account with a random handle on server, signs it
// in and makes it an app password.
func NewAccount(t testing.TB, server string) Account {
	t.Helper()
	name := "r" + RandomHex(t, 6)
	a := Account{Server: server, Handle: name + ".test", Email: name + "@example.com", Password: "pw-" + RandomHex(t, 12)}
	var created struct {
		DID       string `json:"did"`
		Handle    string `json:"handle"`
		AccessJWT string `json:"accessJwt"`
	}
	MustXRPC(t, server, "POST", "com.atproto.server.createAccount", "",
		map[string]string{"handle": a.Handle, "email": a.Email, "password": a.Password}, &created)
	if created.Handle != a.Handle {
		t.Fatalf("createAccount handle = %q; want %q", created.Handle, a.Handle)
	}
	a.DID, a.AccessJWT = created.DID, created.AccessJWT
	var app struct {
		Password string `json:"password"`
	}
	MustXRPC(t, server, "POST", "com.atproto.server.createAppPassword", a.AccessJWT,
		map[string]string{"name": "relais-" + RandomHex(t, 3)}, &app)
	a.AppPassword = app.Password
	return a
}

// XRPC calls nsid on server with method (GET sends no body), the bearer
// token when not empty, and decodes a 200 answer into out when not nil. It
// returns the status and the raw answer.
func XRPC(t testing.TB, server, method, nsid, bearer string, in, out any) (int, []byte) {
	t.Helper()
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, server+"/xrpc/"+nsid, body)
	if err != nil {
		t.Fatal(err)
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s: %v", nsid, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode == 200 && out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s: %v in %s", nsid, err, raw)
		}
	}
	return resp.StatusCode, raw
}

// MustXRPC is XRPC, failing t unless the answer is 200.
func MustXRPC(t testing.TB, server, method, nsid, bearer string, in, out any) {
	t.Helper()
	if status, raw := XRPC(t, server, method, nsid, bearer, in, out); status != 200 {
		t.Fatalf("%s: HTTP %d %s", nsid, status, raw)
	}
}

// RandomHex is n random bytes in hex, for names no other test uses.
func RandomHex(t testing.TB, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}
