package mastodon_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"relais/backend/network"
	"relais/backend/network/mastodon"
	"relais/backend/network/mastodon/mastodontest"
)

func TestConnect(t *testing.T) {
	f := mastodontest.NewFake()
	defer f.Close()
	c := &mastodon.Client{Timeout: 5 * time.Second}
	grants, err := c.Connect(context.Background(), network.Request{Server: f.URL, Open: mastodontest.Browser})
	if err != nil {
		t.Fatal(err)
	}
	if len(grants) != 1 {
		t.Fatalf("Connect gave %d grants; want 1", len(grants))
	}
	g := grants[0]
	host := strings.TrimPrefix(f.URL, "http://")
	if g.Profile.RemoteID != "109" || g.Profile.Handle != "@cafe@"+host || g.Profile.DisplayName != "Café Lumière" {
		t.Errorf("profile = %+v", g.Profile)
	}
	if g.Token.Access == "" || g.Token.ClientID == "" || g.Token.ClientSecret == "" || !g.Token.Expiry.IsZero() {
		t.Errorf("token = %+v; want access, client credentials, no expiry", g.Token)
	}
	if g.Limits == nil || g.Limits.MaxChars != 1000 || g.Limits.MaxImageBytes != 16777216 || len(g.Limits.ImageMIMETypes) != 2 {
		t.Errorf("limits = %+v; want the instance's own", g.Limits)
	}
	if _, err := c.Verify(context.Background(), f.URL, g.Token); err != nil {
		t.Errorf("Verify = %v", err)
	}
	if err := c.Revoke(context.Background(), f.URL, nil, g.Token); err != nil {
		t.Errorf("Revoke = %v", err)
	}
	if _, err := c.Verify(context.Background(), f.URL, g.Token); !errors.Is(err, network.ErrRevoked) {
		t.Errorf("Verify after Revoke = %v; want ErrRevoked", err)
	}
	if len(f.Revoked) != 1 || f.Revoked[0] != g.Token.Access {
		t.Errorf("revoked tokens = %v", f.Revoked)
	}
}

func TestConnectDefaultsWhenInstanceSilent(t *testing.T) {
	f := mastodontest.NewFake()
	defer f.Close()
	f.Instance = nil
	grants, err := (&mastodon.Client{Timeout: 5 * time.Second}).Connect(context.Background(), network.Request{Server: f.URL, Open: mastodontest.Browser})
	if err != nil {
		t.Fatal(err)
	}
	if l := grants[0].Limits; l.MaxChars != 500 || l.CharsPerURL != 23 || l.MaxMedia != 4 {
		t.Errorf("limits = %+v; want Mastodon's defaults", l)
	}
}

func TestConnectErrors(t *testing.T) {
	f := mastodontest.NewFake()
	defer f.Close()
	c := &mastodon.Client{Timeout: 2 * time.Second}

	f.Deny = true
	if _, err := c.Connect(context.Background(), network.Request{Server: f.URL, Open: mastodontest.Browser}); !errors.Is(err, network.ErrDenied) {
		t.Errorf("declined authorization = %v; want ErrDenied", err)
	}
	f.Deny = false

	// The user never comes back from the browser.
	noop := func(string) error { return nil }
	if _, err := c.Connect(context.Background(), network.Request{Server: f.URL, Open: noop}); !errors.Is(err, network.ErrTimeout) {
		t.Errorf("abandoned authorization = %v; want ErrTimeout", err)
	}

	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	dead := "http://" + ln.Addr().String()
	ln.Close()
	if _, err := c.Connect(context.Background(), network.Request{Server: dead, Open: mastodontest.Browser}); !errors.Is(err, network.ErrUnreachable) {
		t.Errorf("unreachable instance = %v; want ErrUnreachable", err)
	}

	if _, err := c.Verify(context.Background(), f.URL, network.Token{Access: "forged"}); !errors.Is(err, network.ErrRevoked) || strings.Contains(err.Error(), "forged") {
		t.Errorf("Verify(forged) = %v; want ErrRevoked without the token", err)
	}
}
