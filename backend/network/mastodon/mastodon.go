// Package mastodon connects Mastodon accounts on any instance.
//
// Connecting registers an app on the instance for this one connection
// (POST /api/v1/apps, with the loopback redirect URI it will use), runs the
// OAuth authorization in the system browser with PKCE, exchanges the code,
// checks the token with verify_credentials and reads the instance's own
// limits from GET /api/v2/instance (falling back to /api/v1/instance, then
// to Mastodon's defaults). Mastodon tokens do not expire; the app's client
// id and secret are kept with the token, sealed, for revocation.
package mastodon

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"relais/backend/account"
	"relais/backend/network"
	"relais/backend/network/oauth"
)

// Scopes Relais asks for: read its own profile and statuses, post and
// upload media. Nothing else (no follows, no notifications).
var Scopes = []string{"read:accounts", "read:statuses", "write:statuses", "write:media"}

// Defaults are Mastodon's stock limits, used when an instance does not say.
var Defaults = network.Limits{MaxChars: 500, MaxMedia: 4, CharsPerURL: 23, MaxImageBytes: 16 << 20}

// Client is the Mastodon connector.
type Client struct {
	HTTP    *http.Client  // nil: a client with a 30 s timeout
	Timeout time.Duration // how long the user has to authorize; 0: 10 min
}

var _ account.Connector = (*Client)(nil)

// Network implements account.Connector.
func (c *Client) Network() network.Name { return network.Mastodon }

// NeedsDevApp implements account.Connector: Mastodon apps are registered
// on the fly, per instance.
func (c *Client) NeedsDevApp() bool { return false }

func (c *Client) http() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return &http.Client{Timeout: 30 * time.Second}
}

type app struct {
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
}

// Connect implements account.Connector.
func (c *Client) Connect(ctx context.Context, req network.Request) ([]network.Grant, error) {
	server := strings.TrimRight(req.Server, "/")
	if server == "" {
		return nil, fmt.Errorf("%w: no instance", network.ErrProtocol)
	}
	lb, err := oauth.Listen(0)
	if err != nil {
		return nil, err
	}
	defer lb.Close()
	var reg app
	err = c.do(ctx, http.MethodPost, server+"/api/v1/apps", "", url.Values{
		"client_name":   {"Relais"},
		"redirect_uris": {lb.RedirectURL()},
		"scopes":        {strings.Join(Scopes, " ")},
		"website":       {"https://relais.studio"},
	}, &reg)
	if err != nil {
		return nil, err
	}
	if reg.ClientID == "" {
		return nil, fmt.Errorf("%w: app registration without client id", network.ErrProtocol)
	}
	conf := &oauth2.Config{
		ClientID: reg.ClientID, ClientSecret: reg.ClientSecret, RedirectURL: lb.RedirectURL(), Scopes: Scopes,
		Endpoint: oauth2.Endpoint{AuthURL: server + "/oauth/authorize", TokenURL: server + "/oauth/token", AuthStyle: oauth2.AuthStyleInParams},
	}
	ctx = context.WithValue(ctx, oauth2.HTTPClient, c.http())
	tok, err := oauth.Authorize(ctx, oauth.Flow{Config: conf, Open: req.Open, Timeout: c.Timeout}, lb)
	if err != nil {
		return nil, err
	}
	t := network.Token{Access: tok.AccessToken, Type: tok.TokenType, ClientID: reg.ClientID, ClientSecret: reg.ClientSecret}
	if s, ok := tok.Extra("scope").(string); ok {
		t.Scope = s
	}
	prof, err := c.Verify(ctx, server, t)
	if err != nil {
		return nil, err
	}
	lim := c.limits(ctx, server)
	return []network.Grant{{Server: server, Profile: prof, Token: t, Limits: &lim}}, nil
}

// Refresh implements account.Connector: Mastodon tokens do not expire.
func (c *Client) Refresh(_ context.Context, _ string, _ *network.DevApp, tok network.Token) (network.Token, error) {
	return tok, nil
}

type credentials struct {
	ID          string `json:"id"`
	Username    string `json:"username"`
	Acct        string `json:"acct"`
	DisplayName string `json:"display_name"`
	Avatar      string `json:"avatar"`
	URL         string `json:"url"`
}

// Verify implements account.Connector with verify_credentials.
func (c *Client) Verify(ctx context.Context, server string, tok network.Token) (network.Profile, error) {
	var cr credentials
	if err := c.do(ctx, http.MethodGet, server+"/api/v1/accounts/verify_credentials", tok.Access, nil, &cr); err != nil {
		return network.Profile{}, err
	}
	if cr.ID == "" {
		return network.Profile{}, fmt.Errorf("%w: verify_credentials without id", network.ErrProtocol)
	}
	u, _ := url.Parse(server)
	handle := "@" + cr.Username + "@" + u.Host
	return network.Profile{RemoteID: cr.ID, Handle: handle, DisplayName: cr.DisplayName, AvatarURL: cr.Avatar, URL: cr.URL}, nil
}

// Revoke implements account.Connector with POST /oauth/revoke.
func (c *Client) Revoke(ctx context.Context, server string, _ *network.DevApp, tok network.Token) error {
	return c.do(ctx, http.MethodPost, server+"/oauth/revoke", "", url.Values{
		"client_id": {tok.ClientID}, "client_secret": {tok.ClientSecret}, "token": {tok.Access},
	}, nil)
}

type instanceV2 struct {
	Configuration struct {
		Statuses struct {
			MaxCharacters            int `json:"max_characters"`
			MaxMediaAttachments      int `json:"max_media_attachments"`
			CharactersReservedPerURL int `json:"characters_reserved_per_url"`
		} `json:"statuses"`
		MediaAttachments struct {
			SupportedMIMETypes []string `json:"supported_mime_types"`
			ImageSizeLimit     int64    `json:"image_size_limit"`
		} `json:"media_attachments"`
	} `json:"configuration"`
}

// limits reads the instance's limits; an instance that does not answer
// gets Mastodon's defaults rather than failing the connection.
func (c *Client) limits(ctx context.Context, server string) network.Limits {
	var in instanceV2
	err := c.do(ctx, http.MethodGet, server+"/api/v2/instance", "", nil, &in)
	if err != nil {
		// Mastodon before 4.0 only has v1, with the same configuration block.
		if err := c.do(ctx, http.MethodGet, server+"/api/v1/instance", "", nil, &in); err != nil {
			return Defaults
		}
	}
	return limitsOf(in)
}

// limitsOf fills an instance's answer over the defaults.
func limitsOf(in instanceV2) network.Limits {
	l := Defaults
	st, m := in.Configuration.Statuses, in.Configuration.MediaAttachments
	if st.MaxCharacters > 0 {
		l.MaxChars = st.MaxCharacters
	}
	if st.MaxMediaAttachments > 0 {
		l.MaxMedia = st.MaxMediaAttachments
	}
	if st.CharactersReservedPerURL > 0 {
		l.CharsPerURL = st.CharactersReservedPerURL
	}
	if m.ImageSizeLimit > 0 {
		l.MaxImageBytes = m.ImageSizeLimit
	}
	for _, t := range m.SupportedMIMETypes {
		if strings.HasPrefix(t, "image/") {
			l.ImageMIMETypes = append(l.ImageMIMETypes, t)
		}
	}
	return l
}

type apiError struct {
	Error string `json:"error"`
}

// do sends a request and decodes a JSON answer into out (nil: ignore it).
// Errors name the status and Mastodon's error text, never a credential.
func (c *Client) do(ctx context.Context, method, u, bearer string, form url.Values, out any) error {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return fmt.Errorf("%w: %v", network.ErrProtocol, err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Accept", "application/json")
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := c.http().Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		// Any transport failure means the instance could not be reached;
		// the url.Error itself is not kept, as it quotes the URL.
		return fmt.Errorf("%w: %s", network.ErrUnreachable, req.URL.Host)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return fmt.Errorf("%w: reading %s", network.ErrUnreachable, req.URL.Host)
	}
	if resp.StatusCode >= 300 {
		var ae apiError
		json.Unmarshal(b, &ae)
		reason := ae.Error
		if len(reason) > 200 {
			reason = reason[:200]
		}
		return &network.StatusError{Status: resp.StatusCode, Reason: reason, Err: network.Classify(resp.StatusCode)}
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("%w: %s answered something that is not JSON", network.ErrProtocol, req.URL.Host)
	}
	return nil
}
