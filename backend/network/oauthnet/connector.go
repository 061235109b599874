// Package oauthnet connects the networks that use OAuth 2 with the agency's
// own developer app: X, LinkedIn (member and Page), Facebook Pages,
// Instagram, Threads, Pinterest, YouTube, TikTok and Google Business
// Profile.
//
// # Model
//
// Each network is a Spec: endpoints, scopes, client authentication, PKCE
// variant, token lifetimes and renewal, as data checked against the
// network's documentation (the date is Checked). One Connector type speaks
// to all of them; small per-network functions hold what really differs:
// reading the profile, listing the Pages a login administers, revoking.
//
// Connect runs the desktop flow of package oauth: system browser, loopback
// redirect on 127.0.0.1 (the developer app's registered port, or any port
// where the network accepts that), PKCE where the network documents it,
// code exchange through golang.org/x/oauth2. Meta networks then trade the
// short-lived token for a long-lived one.
//
// # Promises
//
// Errors wrap the sentinels of package network and carry at most a
// network's short error code: never a token, a code, a client secret, a
// response body or a URL (Meta puts secrets in query strings). A refresh
// answer without a refresh token keeps the old one. Every base URL can be
// redirected through Connector.Bases.
package oauthnet

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"relais/backend/network"
	"relais/backend/network/oauth"
)

// ErrNoAccounts: the login worked but gives access to no account Relais can
// publish to (no administered Page, no YouTube channel).
var ErrNoAccounts = errors.New("oauthnet: no account to publish to behind this login")

// Connector is one OAuth 2 network's client. Its zero value is not usable:
// build it with New.
type Connector struct {
	Spec *Spec
	// Bases maps a real origin ("https://api.x.com") to another base URL;
	// tests point them at httptest servers.
	Bases map[string]string
	// HTTP is the client for every call (nil: a client with a 30 s
	// timeout).
	HTTP *http.Client
	// Timeout bounds the wait for the user in the browser (0: 10 minutes).
	Timeout time.Duration
	// Now is the clock (nil: time.Now).
	Now func() time.Time
}

// New returns the connector of a network of Specs, or nil.
func New(name network.Name) *Connector {
	s := Lookup(name)
	if s == nil {
		return nil
	}
	return &Connector{Spec: s}
}

// All returns a connector for every network of Specs.
func All() []*Connector {
	out := make([]*Connector, 0, len(Specs))
	for _, s := range Specs {
		out = append(out, &Connector{Spec: s})
	}
	return out
}

var defaultClient = &http.Client{Timeout: 30 * time.Second}

func (c *Connector) client() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return defaultClient
}

func (c *Connector) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// url redirects raw through Bases.
func (c *Connector) url(raw string) string {
	for from, to := range c.Bases {
		if raw == from || strings.HasPrefix(raw, from+"/") || strings.HasPrefix(raw, from+"?") {
			return strings.TrimSuffix(to, "/") + raw[len(from):]
		}
	}
	return raw
}

// Network names the network.
func (c *Connector) Network() network.Name { return c.Spec.Network }

// NeedsDevApp is true: every network here needs the agency's app.
func (c *Connector) NeedsDevApp() bool { return true }

func (c *Connector) fail(err error) error {
	return fmt.Errorf("%s: %w", c.Spec.Network, err)
}

func checkApp(app *network.DevApp) error {
	if app == nil || app.ClientID == "" || app.ClientSecret == "" {
		return network.ErrNoDevApp
	}
	return nil
}

// Connect runs the authorization in the system browser and returns the
// accounts the login gives access to.
func (c *Connector) Connect(ctx context.Context, req network.Request) ([]network.Grant, error) {
	s := c.Spec
	if err := checkApp(req.App); err != nil {
		return nil, c.fail(err)
	}
	if req.Open == nil {
		return nil, c.fail(errors.New("no way to open the browser"))
	}
	lb, err := oauth.Listen(req.App.Port)
	if err != nil {
		return nil, c.fail(err)
	}
	defer lb.Close()

	sep := s.ScopeSep
	if sep == "" {
		sep = " "
	}
	conf := &oauth2.Config{
		ClientID:     req.App.ClientID,
		ClientSecret: req.App.ClientSecret,
		Endpoint: oauth2.Endpoint{
			AuthURL:   c.url(s.AuthURL),
			TokenURL:  c.url(s.TokenURL),
			AuthStyle: s.ClientAuth.style(),
		},
		RedirectURL: lb.RedirectURL(),
		Scopes:      []string{strings.Join(s.Scopes, sep)},
	}
	flow := oauth.Flow{Config: conf, Open: req.Open, Timeout: c.Timeout,
		AuthParams: map[string]string{}, ExchangeParams: map[string]string{}}
	for k, v := range s.AuthParams {
		flow.AuthParams[k] = v
	}
	if p := s.clientIDParam(); p != "client_id" {
		flow.AuthParams[p] = req.App.ClientID
		flow.ExchangeParams[p] = req.App.ClientID
	}
	switch s.PKCE {
	case PKCENone:
		flow.NoPKCE = true
	case PKCEHex:
		flow.NoPKCE = true
		verifier := oauth2.GenerateVerifier()
		sum := sha256.Sum256([]byte(verifier))
		flow.AuthParams["code_challenge"] = hex.EncodeToString(sum[:])
		flow.AuthParams["code_challenge_method"] = "S256"
		flow.ExchangeParams["code_verifier"] = verifier
	}

	hc := c.client()
	if s.NestedToken {
		hc = nestedTokenClient(hc, conf.Endpoint.TokenURL)
	}
	ot, err := oauth.Authorize(context.WithValue(ctx, oauth2.HTTPClient, hc), flow, lb)
	if err != nil {
		return nil, c.fail(err)
	}
	tok := c.fromOAuth2(ot)
	if s.LongLived != nil {
		if tok, err = c.longLived(ctx, req.App, tok); err != nil {
			return nil, c.fail(err)
		}
	}
	var grants []network.Grant
	if s.accounts != nil {
		grants, err = s.accounts(c, ctx, tok)
	} else {
		var p network.Profile
		p, err = s.profile(c, ctx, s.APIBase, tok)
		grants = []network.Grant{{Server: s.APIBase, Profile: p, Token: tok}}
	}
	if err != nil {
		return nil, c.fail(err)
	}
	if len(grants) == 0 {
		return nil, c.fail(ErrNoAccounts)
	}
	for i := range grants {
		grants[i].Refreshable = c.refreshable(grants[i].Token)
	}
	return grants, nil
}

// refreshable says whether tok can be renewed without the user.
func (c *Connector) refreshable(tok network.Token) bool {
	switch c.Spec.Renewal {
	case RenewRefreshToken:
		return tok.Refresh != ""
	case RenewAccessToken:
		return tok.Access != "" && !tok.Expiry.IsZero()
	}
	return false
}

// MetaRenewAhead is how long before expiry a Meta long-lived token
// (Instagram, Threads: 60 days) is renewed. Meta renews one once it is a
// day old and until it expires; renewing with 30 days left leaves a month
// of retries for a machine that is off or offline.
const MetaRenewAhead = 30 * 24 * time.Hour

// RenewAhead is how long before expiry the account service should renew
// this network's tokens; 0 leaves it to the service's default (minutes,
// for short-lived tokens renewed with a refresh token).
func (c *Connector) RenewAhead() time.Duration {
	if c.Spec.Renewal == RenewAccessToken {
		return MetaRenewAhead
	}
	return 0
}

// fromOAuth2 converts x/oauth2's token, with the lifetimes the answer gives
// or the documented ones.
func (c *Connector) fromOAuth2(t *oauth2.Token) network.Token {
	a := tokenAnswer{AccessToken: t.AccessToken, RefreshToken: t.RefreshToken, TokenType: t.TokenType}
	if v, ok := t.Extra("scope").(string); ok {
		a.Scope = v
	}
	if !t.Expiry.IsZero() {
		a.expiresIn = int64(time.Until(t.Expiry).Round(time.Second) / time.Second)
	}
	a.refreshExpiresIn = extraInt(t, "refresh_expires_in")
	if a.refreshExpiresIn == 0 {
		a.refreshExpiresIn = extraInt(t, "refresh_token_expires_in")
	}
	return c.token(a)
}

func extraInt(t *oauth2.Token, key string) int64 {
	switch v := t.Extra(key).(type) {
	case float64:
		return int64(v)
	case string:
		var n int64
		fmt.Sscan(v, &n)
		return n
	}
	return 0
}

// token builds a network.Token from an answer.
func (c *Connector) token(a tokenAnswer) network.Token {
	now := c.now()
	tok := network.Token{Access: a.AccessToken, Refresh: a.RefreshToken, Type: a.TokenType, Scope: a.Scope}
	switch {
	case a.expiresIn > 0:
		tok.Expiry = now.Add(time.Duration(a.expiresIn) * time.Second)
	case c.Spec.AccessLifetime > 0:
		tok.Expiry = now.Add(c.Spec.AccessLifetime)
	}
	if tok.Refresh != "" {
		switch {
		case a.refreshExpiresAt > 0:
			tok.RefreshExpiry = time.Unix(a.refreshExpiresAt, 0)
		case a.refreshExpiresIn > 0:
			tok.RefreshExpiry = now.Add(time.Duration(a.refreshExpiresIn) * time.Second)
		case c.Spec.RefreshLifetime > 0:
			tok.RefreshExpiry = now.Add(c.Spec.RefreshLifetime)
		}
	}
	return tok
}

// Refresh renews tok. A network answer without a refresh token keeps the
// old one. Networks without renewal return errors.ErrUnsupported.
func (c *Connector) Refresh(ctx context.Context, server string, app *network.DevApp, tok network.Token) (network.Token, error) {
	s := c.Spec
	var a tokenAnswer
	var err error
	switch {
	case s.Renewal == RenewRefreshToken && tok.Refresh != "":
		if err := checkApp(app); err != nil {
			return network.Token{}, c.fail(err)
		}
		form := map[string]string{"grant_type": "refresh_token", "refresh_token": tok.Refresh}
		a, err = c.tokenPost(ctx, s.TokenURL, app, form)
		if err != nil {
			err = c.refreshRevoked(err)
		}
	case s.Renewal == RenewAccessToken && tok.Access != "":
		a, err = c.tokenGet(ctx, s.RenewURL, map[string]string{"grant_type": s.RenewGrant, "access_token": tok.Access})
	default:
		return network.Token{}, c.fail(fmt.Errorf("tokens cannot be renewed without the user: %w", errors.ErrUnsupported))
	}
	if err != nil {
		return network.Token{}, c.fail(err)
	}
	nt := c.token(a)
	if nt.Refresh == "" {
		nt.Refresh, nt.RefreshExpiry = tok.Refresh, tok.RefreshExpiry
	}
	if nt.Scope == "" {
		nt.Scope = tok.Scope
	}
	if nt.Type == "" {
		nt.Type = tok.Type
	}
	return nt, nil
}

// refreshRevoked applies the spec's refresh-only revoked codes.
func (c *Connector) refreshRevoked(err error) error {
	var se *network.StatusError
	if errors.As(err, &se) {
		for _, code := range c.Spec.RefreshRevokedCodes {
			if se.Reason == code {
				return &network.StatusError{Status: se.Status, Reason: se.Reason, Err: network.ErrRevoked}
			}
		}
	}
	return err
}

// Verify checks that tok works and returns the profile of the account at
// server (Grant.Server; "" for the network's API).
func (c *Connector) Verify(ctx context.Context, server string, tok network.Token) (network.Profile, error) {
	if server == "" {
		server = c.Spec.APIBase
	}
	// A token is only ever sent to the network's own API.
	if server != c.Spec.APIBase && !strings.HasPrefix(server, c.Spec.APIBase+"/") {
		return network.Profile{}, c.fail(fmt.Errorf("%w: server is not this network's API", network.ErrProtocol))
	}
	p, err := c.Spec.profile(c, ctx, server, tok)
	if err != nil {
		return network.Profile{}, c.fail(err)
	}
	return p, nil
}

// Revoke invalidates tok at the network where it documents how; a token
// the network already considers dead counts as revoked.
func (c *Connector) Revoke(ctx context.Context, server string, app *network.DevApp, tok network.Token) error {
	if c.Spec.revoke == nil {
		return nil
	}
	err := c.Spec.revoke(c, ctx, app, tok)
	if errors.Is(err, network.ErrRevoked) {
		return nil
	}
	if err != nil {
		return c.fail(err)
	}
	return nil
}

// longLived trades Meta's short-lived token for a long-lived one.
func (c *Connector) longLived(ctx context.Context, app *network.DevApp, short network.Token) (network.Token, error) {
	x := c.Spec.LongLived
	q := map[string]string{"grant_type": x.Grant, "client_secret": app.ClientSecret, x.TokenParam: short.Access}
	if x.SendClientID {
		q["client_id"] = app.ClientID
	}
	a, err := c.tokenGet(ctx, x.URL, q)
	if err != nil {
		return network.Token{}, err
	}
	tok := c.token(a)
	if tok.Scope == "" {
		tok.Scope = short.Scope
	}
	return tok, nil
}

// revokeRFC7009 posts the token (refresh token first, which revokes the
// grant where the network ties them, then the access token) to RevokeURL
// with the app's credentials.
func revokeRFC7009(c *Connector, ctx context.Context, app *network.DevApp, tok network.Token) error {
	if err := checkApp(app); err != nil {
		return err
	}
	var firstErr error
	for _, t := range []struct{ value, hint string }{{tok.Refresh, "refresh_token"}, {tok.Access, "access_token"}} {
		if t.value == "" {
			continue
		}
		form := map[string]string{"token": t.value, "token_type_hint": t.hint}
		if err := c.post(ctx, c.Spec.RevokeURL, app, form, nil); err != nil && !errors.Is(err, network.ErrRevoked) && firstErr == nil {
			firstErr = err
		}
	}
	return firstErr
}

// revokeAccessToken posts the access token alone (TikTok's revoke takes
// only that, and disconnects the app from the account).
func revokeAccessToken(c *Connector, ctx context.Context, app *network.DevApp, tok network.Token) error {
	if err := checkApp(app); err != nil {
		return err
	}
	return c.post(ctx, c.Spec.RevokeURL, app, map[string]string{"token": tok.Access}, nil)
}

// revokeGoogle posts one token to Google's revoke endpoint, which needs no
// client authentication; revoking the refresh token ends the whole grant.
func revokeGoogle(c *Connector, ctx context.Context, _ *network.DevApp, tok network.Token) error {
	t := tok.Refresh
	if t == "" {
		t = tok.Access
	}
	err := c.post(ctx, c.Spec.RevokeURL, nil, map[string]string{"token": t}, nil)
	var se *network.StatusError
	if errors.As(err, &se) && se.Status == http.StatusBadRequest && se.Reason == "invalid_token" {
		return nil // already revoked or expired
	}
	return err
}
