// Package bluesky connects Bluesky accounts: a handle (or email) and an
// app password open a session on the account's server with
// com.atproto.server.createSession, the same XRPC calls the official apps
// make.
//
// # Sessions
//
// A session is a pair of JWTs: an access token (about 2 hours) sent as a
// bearer on every call, and a refresh token (about 90 days) that
// com.atproto.server.refreshSession trades for a new pair. The server
// rotates the refresh token on every refresh, so the caller must store the
// pair Refresh returns. The app password is kept in the token (sealed by
// the vault with it): when the refresh token is refused (expired, or the
// session was deleted) Refresh opens a new session with it, so the user is
// only asked again when the app password itself is revoked.
//
// Expiry times come from the JWTs' exp claims, read without verifying the
// signature (only the server can verify them; the client only needs to
// know when to refresh).
//
// # Servers
//
// The server defaults to https://bsky.social and can be any self-hosted
// PDS. An address without a scheme gets https://; plain http:// is only
// accepted for loopback addresses (tests and local servers), so an app
// password never travels unencrypted.
//
// # Errors
//
// Errors wrap the network package's sentinels (ErrBadCredentials,
// ErrRevoked, ErrRateLimited, ErrUnreachable, ErrProtocol) in a
// *network.StatusError whose Reason is the XRPC error name (for example
// "AuthenticationRequired" or "ExpiredToken"). They never contain a token
// or a password.
package bluesky

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
	"net/url"
	"strconv"
	"strings"
	"time"

	"relais/backend/account"
	"relais/backend/network"
)

// DefaultServer is the main Bluesky service.
const DefaultServer = "https://bsky.social"

// Token lifetimes assumed when a JWT carries no readable exp claim
// (checked 2026: access about 2 h, refresh about 90 days; the refresh
// fallback is kept shorter so a reminder comes early rather than late).
const (
	fallbackAccessTTL  = 2 * time.Hour
	fallbackRefreshTTL = 60 * 24 * time.Hour
)

const (
	maxBody        = 1 << 20 // largest JSON answer read
	defaultTimeout = 30 * time.Second
	userAgent      = "Relais"
)

// ErrInvalidServer is returned for a server address that is not an http(s)
// URL, or that uses plain http:// for a host other than loopback.
var ErrInvalidServer = errors.New("bluesky: invalid server address")

var _ account.Connector = (*Client)(nil)

// Client is a Bluesky connector. Its zero value is ready to use; it keeps
// no state between calls and is safe for concurrent use.
type Client struct {
	// HTTP is the client requests go through; nil uses one with a 30 s
	// timeout.
	HTTP *http.Client
	// DefaultServer is used when a request names no server; "" means
	// DefaultServer (https://bsky.social).
	DefaultServer string
}

// Network names the network.
func (c *Client) Network() network.Name { return network.Bluesky }

// NeedsDevApp is false: app passwords need no developer app.
func (c *Client) NeedsDevApp() bool { return false }

// session is the answer of createSession and refreshSession.
type session struct {
	DID        string `json:"did"`
	Handle     string `json:"handle"`
	AccessJWT  string `json:"accessJwt"`
	RefreshJWT string `json:"refreshJwt"`
	Active     *bool  `json:"active,omitempty"`
	Status     string `json:"status,omitempty"`
}

// Connect opens a session with the handle (or email) and app password in
// req and returns the one account they give access to.
func (c *Client) Connect(ctx context.Context, req network.Request) ([]network.Grant, error) {
	server, err := c.server(req.Server)
	if err != nil {
		return nil, err
	}
	id := strings.TrimPrefix(strings.TrimSpace(req.Identifier), "@")
	pw := strings.TrimSpace(req.Password)
	if id == "" || pw == "" {
		return nil, &network.StatusError{Reason: "missing identifier or password", Err: network.ErrBadCredentials}
	}
	s, err := c.createSession(ctx, server, id, pw)
	if err != nil {
		return nil, err
	}
	if err := inactive(s.Active, s.Status); err != nil {
		return nil, err
	}
	tok := s.token(time.Now())
	tok.Password = pw
	prof := c.profile(ctx, server, tok.Access, s.DID, s.Handle)
	return []network.Grant{{Server: server, Profile: prof, Token: tok, Refreshable: true}}, nil
}

// Refresh trades tok's refresh token for a new session. When the server
// refuses it and tok keeps the app password, a new session is created
// with the password; the error wraps network.ErrRevoked only when that
// fails too (or no password is kept).
func (c *Client) Refresh(ctx context.Context, server string, _ *network.DevApp, tok network.Token) (network.Token, error) {
	base, err := c.server(server)
	if err != nil {
		return network.Token{}, err
	}
	now := time.Now()
	var refreshErr error
	if tok.Refresh != "" && (tok.RefreshExpiry.IsZero() || now.Before(tok.RefreshExpiry)) {
		var s session
		err := c.call(ctx, http.MethodPost, base, "com.atproto.server.refreshSession", tok.Refresh, nil, nil, &s)
		if err == nil {
			if s.AccessJWT == "" || s.RefreshJWT == "" {
				return network.Token{}, protocolError("com.atproto.server.refreshSession", "no tokens in the answer")
			}
			fresh := s.token(now)
			fresh.Password = tok.Password
			return fresh, nil
		}
		if !errors.Is(err, network.ErrRevoked) {
			return network.Token{}, err // unreachable, rate limited…: try again later
		}
		refreshErr = err
	} else {
		refreshErr = &network.StatusError{Reason: "refresh token expired", Err: network.ErrRevoked}
	}
	if tok.Password == "" {
		return network.Token{}, refreshErr
	}
	// The session is gone: open a new one with the kept app password. The
	// account's DID is the tokens' subject.
	did := subject(tok.Refresh)
	if did == "" {
		did = subject(tok.Access)
	}
	if did == "" {
		return network.Token{}, refreshErr
	}
	s, err := c.createSession(ctx, base, did, tok.Password)
	if errors.Is(err, network.ErrBadCredentials) {
		// The app password was revoked: only the user can fix that.
		var se *network.StatusError
		reason := "app password refused"
		if errors.As(err, &se) && se.Reason != "" {
			reason = se.Reason
		}
		return network.Token{}, &network.StatusError{Status: 401, Reason: reason, Err: network.ErrRevoked}
	}
	if err != nil {
		return network.Token{}, err
	}
	fresh := s.token(now)
	fresh.Password = tok.Password
	return fresh, nil
}

// Verify checks the access token with com.atproto.server.getSession and
// returns the account's current profile. An expired access token gives
// an error wrapping network.ErrRevoked with Reason "ExpiredToken": Refresh
// then renews it.
func (c *Client) Verify(ctx context.Context, server string, tok network.Token) (network.Profile, error) {
	base, err := c.server(server)
	if err != nil {
		return network.Profile{}, err
	}
	if tok.Access == "" {
		return network.Profile{}, &network.StatusError{Reason: "no access token", Err: network.ErrRevoked}
	}
	var s struct {
		DID    string `json:"did"`
		Handle string `json:"handle"`
		Active *bool  `json:"active,omitempty"`
		Status string `json:"status,omitempty"`
	}
	if err := c.call(ctx, http.MethodGet, base, "com.atproto.server.getSession", tok.Access, nil, nil, &s); err != nil {
		return network.Profile{}, err
	}
	if s.DID == "" {
		return network.Profile{}, protocolError("com.atproto.server.getSession", "no did in the answer")
	}
	if err := inactive(s.Active, s.Status); err != nil {
		return network.Profile{}, err
	}
	return c.profile(ctx, base, tok.Access, s.DID, s.Handle), nil
}

// Revoke deletes the session at the server. A session the server no
// longer knows counts as revoked. The app password itself stays valid at
// Bluesky (an app-password session may not delete app passwords): the
// user revokes it in Bluesky's settings.
func (c *Client) Revoke(ctx context.Context, server string, _ *network.DevApp, tok network.Token) error {
	if tok.Refresh == "" {
		return nil
	}
	base, err := c.server(server)
	if err != nil {
		return err
	}
	err = c.call(ctx, http.MethodPost, base, "com.atproto.server.deleteSession", tok.Refresh, nil, nil, nil)
	if errors.Is(err, network.ErrRevoked) {
		return nil
	}
	return err
}

func (c *Client) createSession(ctx context.Context, server, identifier, password string) (session, error) {
	const nsid = "com.atproto.server.createSession"
	in := map[string]string{"identifier": identifier, "password": password}
	var s session
	err := c.call(ctx, http.MethodPost, server, nsid, "", nil, in, &s)
	var ce *callError
	if errors.As(err, &ce) && ce.Status == http.StatusUnauthorized && ce.Reason != "AccountTakedown" {
		// AuthenticationRequired (wrong identifier or password),
		// AuthFactorTokenRequired (the account password of an account
		// with two-factor sign-in: an app password is needed).
		ce.Err = network.ErrBadCredentials
	}
	if err != nil {
		return session{}, err
	}
	if s.DID == "" || s.AccessJWT == "" || s.RefreshJWT == "" {
		return session{}, protocolError(nsid, "no session in the answer")
	}
	return s, nil
}

func (s session) token(now time.Time) network.Token {
	access, refresh := claimsOf(s.AccessJWT), claimsOf(s.RefreshJWT)
	tok := network.Token{
		Access:        s.AccessJWT,
		Refresh:       s.RefreshJWT,
		Type:          "Bearer",
		Scope:         access.Scope,
		Expiry:        access.expiry(now.Add(fallbackAccessTTL)),
		RefreshExpiry: refresh.expiry(now.Add(fallbackRefreshTTL)),
	}
	return tok
}

// inactive turns a session's active=false (deactivated, suspended or
// taken-down account) into an error.
func inactive(active *bool, status string) error {
	if active == nil || *active {
		return nil
	}
	if status == "" {
		status = "inactive"
	}
	return &network.StatusError{Reason: "account " + status, Err: network.ErrRevoked}
}

// profile reads the account's display name and avatar: from the AppView
// (app.bsky.actor.getProfile, proxied by the server) when there is one,
// else from the repository's profile record. A failure leaves them empty:
// it never fails the caller.
func (c *Client) profile(ctx context.Context, server, access, did, handle string) network.Profile {
	p := network.Profile{RemoteID: did, Handle: handle}
	if handle != "" && !strings.HasSuffix(handle, ".test") && handle != "handle.invalid" {
		p.URL = "https://bsky.app/profile/" + handle
	}
	var view struct {
		Handle      string `json:"handle"`
		DisplayName string `json:"displayName"`
		Avatar      string `json:"avatar"`
	}
	q := url.Values{"actor": {did}}
	if err := c.call(ctx, http.MethodGet, server, "app.bsky.actor.getProfile", access, q, nil, &view); err == nil {
		p.DisplayName, p.AvatarURL = view.DisplayName, view.Avatar
		return p
	} else if ctx.Err() != nil {
		return p
	}
	var rec struct {
		Value struct {
			DisplayName string `json:"displayName"`
			Avatar      *struct {
				Ref struct {
					Link string `json:"$link"`
				} `json:"ref"`
			} `json:"avatar"`
		} `json:"value"`
	}
	q = url.Values{"repo": {did}, "collection": {"app.bsky.actor.profile"}, "rkey": {"self"}}
	if err := c.call(ctx, http.MethodGet, server, "com.atproto.repo.getRecord", "", q, nil, &rec); err != nil {
		return p
	}
	p.DisplayName = rec.Value.DisplayName
	if a := rec.Value.Avatar; a != nil && a.Ref.Link != "" {
		p.AvatarURL = server + "/xrpc/com.atproto.sync.getBlob?" + url.Values{"did": {did}, "cid": {a.Ref.Link}}.Encode()
	}
	return p
}

// server returns the XRPC base URL for raw: the default when empty,
// https:// when no scheme is given, no path, lower-case host.
func (c *Client) server(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		raw = c.DefaultServer
		if raw == "" {
			raw = DefaultServer
		}
	}
	if !strings.Contains(raw, "://") {
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.User != nil || (u.Scheme != "https" && u.Scheme != "http") {
		return "", fmt.Errorf("%w: %q", ErrInvalidServer, raw)
	}
	if u.Scheme == "http" && !loopback(u.Hostname()) {
		return "", fmt.Errorf("%w: %q must use https", ErrInvalidServer, raw)
	}
	return u.Scheme + "://" + strings.ToLower(u.Host), nil
}

func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (c *Client) http() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return defaultHTTP
}

var defaultHTTP = &http.Client{Timeout: defaultTimeout}

// call makes one XRPC call: a GET with query q, or a POST with in as JSON
// body; bearer, when set, is the Authorization token. The answer is
// decoded into out when out is not nil.
func (c *Client) call(ctx context.Context, method, server, nsid, bearer string, q url.Values, in, out any) error {
	u := server + "/xrpc/" + nsid
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("bluesky: %s: %w", nsid, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrInvalidServer, err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", userAgent)
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := c.http().Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("bluesky: %s: %w", nsid, ctx.Err())
		}
		// url.Error names the method and URL (no credential is ever in
		// one); keep only the cause.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("bluesky: %s: %w (%v)", nsid, network.ErrUnreachable, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return fmt.Errorf("bluesky: %s: %w (reading the answer: %v)", nsid, network.ErrUnreachable, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		secrets := []string{bearer}
		if m, ok := in.(map[string]string); ok {
			secrets = append(secrets, m["password"])
		}
		return &callError{nsid: nsid, StatusError: statusError(resp, raw, secrets)}
	}
	if len(raw) > maxBody {
		return protocolError(nsid, "answer too large")
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return protocolError(nsid, "answer is not the expected JSON")
	}
	return nil
}

// statusError maps an XRPC error answer to a *network.StatusError whose
// Reason is the XRPC error name (the body's "error" field; its "message"
// is not kept, being free text). A server echoing one of the request's
// secrets into the error name gets the HTTP status text instead.
func statusError(resp *http.Response, raw []byte, secrets []string) *network.StatusError {
	var body struct {
		Error string `json:"error"`
	}
	_ = json.Unmarshal(raw, &body)
	reason := body.Error
	for _, s := range secrets {
		if s != "" && strings.Contains(reason, s) {
			reason = ""
		}
	}
	if strings.Contains(reason, "eyJ") { // a JWT, whosever it is
		reason = ""
	}
	reason = sanitize(reason)
	if reason == "" {
		reason = http.StatusText(resp.StatusCode)
	}
	err := network.Classify(resp.StatusCode)
	switch {
	case resp.StatusCode == http.StatusBadRequest && (reason == "ExpiredToken" || reason == "InvalidToken"):
		// The server answers 400 for an access or refresh token that
		// expired or was revoked.
		err = network.ErrRevoked
	case resp.StatusCode == http.StatusTooManyRequests:
		if d, ok := retryAfter(resp.Header, time.Now()); ok {
			reason += fmt.Sprintf("; retry after %ds", int(d.Round(time.Second)/time.Second))
		}
	case resp.StatusCode == http.StatusForbidden && reason == "AccountTakedown":
		err = network.ErrRevoked
	}
	return &network.StatusError{Status: resp.StatusCode, Reason: reason, Err: err}
}

// RetryAfter reports how long a rate-limited call asks to wait, read from
// the error's reason ("…; retry after Ns"). ok is false when the server
// said nothing.
func RetryAfter(err error) (d time.Duration, ok bool) {
	var se *network.StatusError
	if !errors.As(err, &se) {
		return 0, false
	}
	_, after, found := strings.Cut(se.Reason, "; retry after ")
	if !found {
		return 0, false
	}
	n, perr := strconv.Atoi(strings.TrimSuffix(after, "s"))
	if perr != nil || n < 0 {
		return 0, false
	}
	return time.Duration(n) * time.Second, true
}

// retryAfter reads the wait a 429 asks for: Retry-After (seconds or an
// HTTP date), else Bluesky's RateLimit-Reset (Unix seconds).
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n >= 0 {
			return time.Duration(n) * time.Second, true
		}
		if t, err := http.ParseTime(v); err == nil {
			return max(t.Sub(now), 0), true
		}
	}
	if v := strings.TrimSpace(h.Get("RateLimit-Reset")); v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > 0 {
			return max(time.Unix(n, 0).Sub(now), 0), true
		}
	}
	return 0, false
}

// sanitize keeps an XRPC error name short and printable.
func sanitize(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, strings.TrimSpace(s))
	if len(s) > 64 {
		s = s[:64]
	}
	return s
}

func protocolError(nsid, reason string) error {
	return &callError{nsid: nsid, StatusError: &network.StatusError{Status: http.StatusOK, Reason: reason, Err: network.ErrProtocol}}
}

// callError is a *network.StatusError with the XRPC method it answered.
// Its text is built when read, so a caller may still change the sentinel
// (createSession turns 401 into ErrBadCredentials).
type callError struct {
	nsid string
	*network.StatusError
}

func (e *callError) Error() string { return "bluesky: " + e.nsid + ": " + e.StatusError.Error() }
func (e *callError) Unwrap() error { return e.StatusError }

// claims are the JWT claims the client reads.
type claims struct {
	Exp   int64  `json:"exp"`
	Sub   string `json:"sub"`
	Scope string `json:"scope"`
}

func (c claims) expiry(fallback time.Time) time.Time {
	if c.Exp <= 0 {
		return fallback.UTC().Truncate(time.Second)
	}
	return time.Unix(c.Exp, 0).UTC()
}

// claimsOf decodes a JWT's payload without verifying it; a token that is
// not a readable JWT gives zero claims.
func claimsOf(jwt string) claims {
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		return claims{}
	}
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return claims{}
	}
	var c claims
	if json.Unmarshal(b, &c) != nil {
		return claims{}
	}
	return c
}

// subject is a JWT's sub claim: the account's DID in Bluesky tokens.
func subject(jwt string) string {
	s := claimsOf(jwt).Sub
	if !strings.HasPrefix(s, "did:") {
		return ""
	}
	return s
}
