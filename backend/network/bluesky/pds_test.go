package bluesky

// Tests against a real Bluesky server (@atproto/pds on loopback, started
// by scripts/pds). The test command sets RELAIS_PDS_URL:
//
//	url="$(scripts/pds start /tmp/relais-pds)"
//	RELAIS_PDS_URL="$url" go test ./backend/network/bluesky/
//	scripts/pds stop /tmp/relais-pds
//
// Without RELAIS_PDS_URL these tests skip, unless RELAIS_REQUIRE_PDS=1
// (then they fail, so CI cannot pass without the real server).

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"relais/backend/network"
	"relais/backend/network/bluesky/pdstest"
)

func connect(t *testing.T, c *Client, server, id, pw string) network.Grant {
	t.Helper()
	grants, err := c.Connect(context.Background(), network.Request{Server: server, Identifier: id, Password: pw})
	if err != nil {
		t.Fatalf("Connect(%q): %v", id, err)
	}
	if len(grants) != 1 {
		t.Fatalf("Connect(%q) gave %d grants; want 1", id, len(grants))
	}
	return grants[0]
}

func TestConnectAppPassword(t *testing.T) {
	server := pdstest.Server(t)
	a := pdstest.NewAccount(t, server)
	c := &Client{}
	before := time.Now()
	g := connect(t, c, server, "  @"+a.Handle+" ", a.AppPassword)

	if g.Server != server {
		t.Errorf("Server = %q; want %q", g.Server, server)
	}
	if g.Profile.RemoteID != a.DID || g.Profile.Handle != a.Handle {
		t.Errorf("Profile = %+v; want did %s handle %s", g.Profile, a.DID, a.Handle)
	}
	if !g.Refreshable {
		t.Error("Refreshable = false; want true")
	}
	tok := g.Token
	if tok.Access == "" || tok.Refresh == "" || tok.Password != a.AppPassword {
		t.Fatalf("token incomplete: access %t refresh %t password kept %t",
			tok.Access != "", tok.Refresh != "", tok.Password == a.AppPassword)
	}
	// The expiry is the JWT's own exp: the server issues access tokens for
	// about 2 hours and refresh tokens for about 90 days.
	ac, rc := claimsOf(tok.Access), claimsOf(tok.Refresh)
	if ac.Exp == 0 || rc.Exp == 0 {
		t.Fatalf("the server's JWTs have no exp claim")
	}
	if !tok.Expiry.Equal(time.Unix(ac.Exp, 0)) || !tok.RefreshExpiry.Equal(time.Unix(rc.Exp, 0)) {
		t.Errorf("Expiry = %v, RefreshExpiry = %v; want the JWTs' exp %v, %v",
			tok.Expiry, tok.RefreshExpiry, time.Unix(ac.Exp, 0), time.Unix(rc.Exp, 0))
	}
	if d := tok.Expiry.Sub(before); d < 30*time.Minute || d > 3*time.Hour {
		t.Errorf("access token lives %v; want about 2 h", d)
	}
	if d := tok.RefreshExpiry.Sub(before); d < 30*24*time.Hour || d > 100*24*time.Hour {
		t.Errorf("refresh token lives %v; want about 90 days", d)
	}
	if ac.Sub != a.DID {
		t.Errorf("access JWT sub = %q; want %q", ac.Sub, a.DID)
	}
	if tok.Scope != "com.atproto.appPass" {
		t.Errorf("Scope = %q; want com.atproto.appPass (an app-password session)", tok.Scope)
	}
	t.Logf("access token %v, refresh token %v", tok.Expiry.Sub(before).Round(time.Minute), tok.RefreshExpiry.Sub(before).Round(time.Hour))
}

func TestConnectOtherIdentifiers(t *testing.T) {
	server := pdstest.Server(t)
	a := pdstest.NewAccount(t, server)
	c := &Client{}
	for _, id := range []string{a.Email, a.DID, strings.ToUpper(a.Handle)} {
		g := connect(t, c, server, id, a.AppPassword)
		if g.Profile.RemoteID != a.DID || g.Profile.Handle != a.Handle {
			t.Errorf("Connect(%q) profile = %+v; want %s %s", id, g.Profile, a.DID, a.Handle)
		}
	}
}

func TestConnectProfileRecord(t *testing.T) {
	server := pdstest.Server(t)
	a := pdstest.NewAccount(t, server)
	// An avatar and a display name, as the Bluesky app stores them.
	avatar := []byte("\x89PNG\r\n\x1a\n" + pdstest.RandomHex(t, 32))
	req, _ := http.NewRequest("POST", server+"/xrpc/com.atproto.repo.uploadBlob", bytes.NewReader(avatar))
	req.Header.Set("Content-Type", "image/png")
	req.Header.Set("Authorization", "Bearer "+a.AccessJWT)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var up struct {
		Blob json.RawMessage `json:"blob"`
	}
	err = json.NewDecoder(resp.Body).Decode(&up)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("uploadBlob: HTTP %d %v", resp.StatusCode, err)
	}
	pdstest.MustXRPC(t, server, "POST", "com.atproto.repo.putRecord", a.AccessJWT, map[string]any{
		"repo": a.DID, "collection": "app.bsky.actor.profile", "rkey": "self",
		"record": map[string]any{"$type": "app.bsky.actor.profile", "displayName": "Boulangerie Martin", "avatar": up.Blob},
	}, nil)

	g := connect(t, &Client{}, server, a.Handle, a.AppPassword)
	if g.Profile.DisplayName != "Boulangerie Martin" {
		t.Errorf("DisplayName = %q; want %q", g.Profile.DisplayName, "Boulangerie Martin")
	}
	if g.Profile.AvatarURL == "" {
		t.Fatal("AvatarURL is empty")
	}
	resp, err = http.Get(g.Profile.AvatarURL)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.Equal(got, avatar) {
		t.Errorf("GET AvatarURL: HTTP %d, %d bytes; want the uploaded %d bytes", resp.StatusCode, len(got), len(avatar))
	}

	p, err := (&Client{}).Verify(context.Background(), server, g.Token)
	if err != nil {
		t.Fatal(err)
	}
	if p != g.Profile {
		t.Errorf("Verify = %+v; want %+v", p, g.Profile)
	}
}

// assertNoSecret fails when err's text holds one of the secrets.
func assertNoSecret(t *testing.T, err error, secrets ...string) {
	t.Helper()
	if err == nil {
		return
	}
	for _, s := range secrets {
		if s != "" && strings.Contains(err.Error(), s) {
			t.Errorf("error %q contains a secret", err)
		}
	}
}

func TestConnectWrongPassword(t *testing.T) {
	server := pdstest.Server(t)
	a := pdstest.NewAccount(t, server)
	wrong := "xxxx-" + pdstest.RandomHex(t, 8)
	for _, tc := range []struct{ name, id, pw string }{
		{"wrong password", a.Handle, wrong},
		{"unknown handle", "nobody-" + pdstest.RandomHex(t, 4) + ".test", a.AppPassword},
		{"unknown email", "nobody-" + pdstest.RandomHex(t, 4) + "@example.com", a.AppPassword},
		{"empty password", a.Handle, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := (&Client{}).Connect(context.Background(), network.Request{Server: server, Identifier: tc.id, Password: tc.pw})
			if !errors.Is(err, network.ErrBadCredentials) {
				t.Fatalf("Connect(%q) = %v; want ErrBadCredentials", tc.id, err)
			}
			assertNoSecret(t, err, tc.pw, a.AppPassword, a.Password)
			t.Logf("%s: %v", tc.name, err)
		})
	}
}

func TestRefresh(t *testing.T) {
	server := pdstest.Server(t)
	a := pdstest.NewAccount(t, server)
	c := &Client{}
	ctx := context.Background()
	old := connect(t, c, server, a.Handle, a.AppPassword).Token

	fresh, err := c.Refresh(ctx, server, nil, old)
	if err != nil {
		t.Fatalf("Refresh: %v", err)
	}
	// (The access token may come out byte for byte the same when issued
	// in the same second: it has no unique id. The refresh token has one.)
	if fresh.Access == "" || fresh.Refresh == "" || fresh.Refresh == old.Refresh {
		t.Fatal("Refresh did not return a new token pair")
	}
	if fresh.Password != old.Password {
		t.Error("Refresh dropped the app password")
	}
	if fresh.Expiry.Before(old.Expiry) || fresh.RefreshExpiry.IsZero() {
		t.Errorf("Expiry %v (was %v), RefreshExpiry %v", fresh.Expiry, old.Expiry, fresh.RefreshExpiry)
	}
	if p, err := c.Verify(ctx, server, fresh); err != nil || p.RemoteID != a.DID {
		t.Fatalf("Verify(refreshed) = %+v, %v", p, err)
	}

	// The server rotates the refresh token on every refresh, but the old
	// one stays usable for a grace period of 2 hours (its expiry is cut
	// down to now+2h): presenting it again gives a session with the same
	// refresh token id as the first rotation, so a refresh whose answer
	// was lost can be retried safely.
	var again session
	status, raw := pdstest.XRPC(t, server, "POST", "com.atproto.server.refreshSession", old.Refresh, nil, &again)
	if status != 200 {
		t.Fatalf("old refresh token within the grace period: HTTP %d %s; want 200", status, raw)
	}
	if jti(again.RefreshJWT) == "" || jti(again.RefreshJWT) != jti(fresh.Refresh) {
		t.Errorf("old refresh token re-used: new jti %q; want the first rotation's %q", jti(again.RefreshJWT), jti(fresh.Refresh))
	}
	if again.DID != a.DID {
		t.Errorf("old refresh token re-used: did %q; want %q", again.DID, a.DID)
	}

	// Disconnecting deletes the current session: its refresh token is dead.
	if err := c.Revoke(ctx, server, nil, fresh); err != nil {
		t.Fatalf("Revoke: %v", err)
	}
	_, err = c.Refresh(ctx, server, nil, network.Token{Refresh: fresh.Refresh})
	if !errors.Is(err, network.ErrRevoked) {
		t.Errorf("Refresh(current refresh token after deleteSession) = %v; want ErrRevoked", err)
	} else {
		assertNoSecret(t, err, fresh.Refresh)
		t.Logf("current refresh token after deleteSession: %v", err)
	}
	// But deleteSession removes only the token presented: the spent one,
	// still in its 2-hour grace period, brings a session back (with the
	// deleted token's id). This is the PDS's behaviour (0.5.35), asserted
	// so an upgrade that changes it is noticed; Relais never keeps a spent
	// refresh token, so a disconnect through it leaves nothing usable.
	var back session
	status, raw = pdstest.XRPC(t, server, "POST", "com.atproto.server.refreshSession", old.Refresh, nil, &back)
	if status != 200 || jti(back.RefreshJWT) != jti(fresh.Refresh) {
		t.Errorf("spent refresh token after deleteSession of its successor: HTTP %d %s; this PDS used to re-issue the deleted session", status, raw)
	} else {
		t.Logf("spent refresh token after deleteSession of its successor: still accepted within the grace period")
	}
}

func jti(jwt string) string {
	var c struct {
		JTI string `json:"jti"`
	}
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		return ""
	}
	b, _ := base64.RawURLEncoding.DecodeString(parts[1])
	_ = json.Unmarshal(b, &c)
	return c.JTI
}

func TestRefreshAfterSessionDeleted(t *testing.T) {
	server := pdstest.Server(t)
	a := pdstest.NewAccount(t, server)
	c := &Client{}
	ctx := context.Background()
	tok := connect(t, c, server, a.Handle, a.AppPassword).Token
	if err := c.Revoke(ctx, server, nil, tok); err != nil {
		t.Fatalf("Revoke: %v", err)
	}

	// Without the app password: revoked, the user must reconnect.
	noPw := tok
	noPw.Password = ""
	_, err := c.Refresh(ctx, server, nil, noPw)
	if !errors.Is(err, network.ErrRevoked) {
		t.Fatalf("Refresh(deleted session, no password) = %v; want ErrRevoked", err)
	}
	assertNoSecret(t, err, tok.Refresh, tok.Access, a.AppPassword)

	// With it: a new session, opened with the DID from the token.
	fresh, err := c.Refresh(ctx, server, nil, tok)
	if err != nil {
		t.Fatalf("Refresh(deleted session, password kept): %v", err)
	}
	if fresh.Refresh == tok.Refresh || fresh.Password != a.AppPassword {
		t.Fatal("Refresh did not recreate the session")
	}
	if p, err := c.Verify(ctx, server, fresh); err != nil || p.RemoteID != a.DID || p.Handle != a.Handle {
		t.Fatalf("Verify(recreated) = %+v, %v", p, err)
	}

	// A refresh token past its expiry is not even sent: the session is
	// recreated directly.
	expired := fresh
	expired.RefreshExpiry = time.Now().Add(-time.Minute)
	if again, err := c.Refresh(ctx, server, nil, expired); err != nil || again.Refresh == fresh.Refresh {
		t.Fatalf("Refresh(expired refresh token) = %v", err)
	}
}

func TestRefreshAppPasswordRevoked(t *testing.T) {
	server := pdstest.Server(t)
	a := pdstest.NewAccount(t, server)
	c := &Client{}
	ctx := context.Background()
	tok := connect(t, c, server, a.Handle, a.AppPassword).Token

	// The user revokes Relais's app password in Bluesky's settings.
	var list struct {
		Passwords []struct {
			Name string `json:"name"`
		} `json:"passwords"`
	}
	pdstest.MustXRPC(t, server, "GET", "com.atproto.server.listAppPasswords", a.AccessJWT, nil, &list)
	for _, p := range list.Passwords {
		pdstest.MustXRPC(t, server, "POST", "com.atproto.server.revokeAppPassword", a.AccessJWT, map[string]string{"name": p.Name}, nil)
	}

	_, err := c.Refresh(ctx, server, nil, tok)
	if !errors.Is(err, network.ErrRevoked) {
		t.Fatalf("Refresh(app password revoked) = %v; want ErrRevoked", err)
	}
	assertNoSecret(t, err, tok.Refresh, tok.Access, a.AppPassword)
	t.Logf("app password revoked: %v", err)
	if _, err := c.Connect(ctx, network.Request{Server: server, Identifier: a.Handle, Password: a.AppPassword}); !errors.Is(err, network.ErrBadCredentials) {
		t.Errorf("Connect(revoked app password) = %v; want ErrBadCredentials", err)
	}
}

func TestVerify(t *testing.T) {
	server := pdstest.Server(t)
	a := pdstest.NewAccount(t, server)
	c := &Client{}
	ctx := context.Background()
	tok := connect(t, c, server, a.Handle, a.AppPassword).Token
	p, err := c.Verify(ctx, server, tok)
	if err != nil {
		t.Fatal(err)
	}
	if p.RemoteID != a.DID || p.Handle != a.Handle {
		t.Errorf("Verify = %+v; want %s %s", p, a.DID, a.Handle)
	}

	for name, bad := range map[string]string{
		"garbage":       "not-a-jwt",
		"refresh token": tok.Refresh, // a refresh token is no access token
		"no token":      "",
	} {
		_, err := c.Verify(ctx, server, network.Token{Access: bad})
		if !errors.Is(err, network.ErrRevoked) {
			t.Errorf("Verify(%s) = %v; want ErrRevoked", name, err)
			continue
		}
		assertNoSecret(t, err, tok.Refresh, tok.Access)
	}
}

func TestRevoke(t *testing.T) {
	server := pdstest.Server(t)
	a := pdstest.NewAccount(t, server)
	c := &Client{}
	ctx := context.Background()
	tok := connect(t, c, server, a.Handle, a.AppPassword).Token
	if err := c.Revoke(ctx, server, nil, tok); err != nil {
		t.Fatalf("Revoke: %v", err)
	}
	// The refresh token is dead at the server.
	if status, _ := pdstest.XRPC(t, server, "POST", "com.atproto.server.refreshSession", tok.Refresh, nil, nil); status == 200 {
		t.Error("refreshSession after Revoke succeeded")
	}
	// Revoking again, or a token with nothing to revoke, is not an error.
	if err := c.Revoke(ctx, server, nil, tok); err != nil {
		t.Errorf("Revoke(again) = %v; want nil", err)
	}
	if err := c.Revoke(ctx, server, nil, network.Token{}); err != nil {
		t.Errorf("Revoke(empty token) = %v; want nil", err)
	}
	// The access token is a signed JWT the server checks statelessly:
	// report what it does after deleteSession.
	if _, err := c.Verify(ctx, server, tok); err != nil {
		t.Logf("access token after Revoke: %v", err)
	} else {
		t.Logf("access token after Revoke: still accepted until it expires")
	}
}

func TestUnreachable(t *testing.T) {
	// A port nothing listens on.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()
	c := &Client{}
	ctx := context.Background()
	pw := "abcd-efgh-ijkl-mnop"
	tok := network.Token{Access: "eyJaccess", Refresh: "eyJrefresh", Password: pw}
	_, err = c.Connect(ctx, network.Request{Server: closed, Identifier: "alice.test", Password: pw})
	check := func(name string, err error) {
		t.Helper()
		if !errors.Is(err, network.ErrUnreachable) {
			t.Errorf("%s = %v; want ErrUnreachable", name, err)
			return
		}
		assertNoSecret(t, err, pw, tok.Access, tok.Refresh)
	}
	check("Connect", err)
	_, err = c.Refresh(ctx, closed, nil, tok)
	check("Refresh", err)
	_, err = c.Verify(ctx, closed, tok)
	check("Verify", err)
	check("Revoke", c.Revoke(ctx, closed, nil, tok))

	// A name that does not resolve.
	_, err = c.Connect(ctx, network.Request{Server: "pds.invalid", Identifier: "alice.test", Password: pw})
	check("Connect(pds.invalid)", err)
}

func TestServerAddressNormalised(t *testing.T) {
	server := pdstest.Server(t)
	a := pdstest.NewAccount(t, server)
	// The way a user may type a loopback server: upper-case scheme, a
	// trailing slash, a path.
	typed := "HTTP://" + strings.TrimPrefix(server, "http://") + "/some/page/"
	g := connect(t, &Client{}, typed, a.Handle, a.AppPassword)
	if g.Server != server {
		t.Errorf("Server = %q; want %q", g.Server, server)
	}
}

// TestConnectVerifyTime measures what the issue asks: connecting an
// account (createSession and profile) then the first verified call.
func TestConnectVerifyTime(t *testing.T) {
	server := pdstest.Server(t)
	a := pdstest.NewAccount(t, server)
	c := &Client{}
	ctx := context.Background()
	const runs = 5
	var total, best time.Duration
	for i := range runs {
		start := time.Now()
		grants, err := c.Connect(ctx, network.Request{Server: server, Identifier: a.Handle, Password: a.AppPassword})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Verify(ctx, server, grants[0].Token); err != nil {
			t.Fatal(err)
		}
		d := time.Since(start)
		total += d
		if i == 0 || d < best {
			best = d
		}
	}
	mean := total / runs
	t.Logf("connect + first verified call: mean %v, best %v over %d runs", mean, best, runs)
	if testing.Verbose() {
		fmt.Printf("bluesky_connect_verify_ms %d\n", mean.Milliseconds())
	}
}
