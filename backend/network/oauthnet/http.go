package oauthnet

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"relais/backend/network"
)

// maxBody bounds what is read of any answer.
const maxBody = 1 << 20

// tokenAnswer is a token endpoint's answer, whatever its network.
type tokenAnswer struct {
	AccessToken, RefreshToken, TokenType, Scope   string
	expiresIn, refreshExpiresIn, refreshExpiresAt int64
}

// wireToken is the JSON of RFC 6749 5.1 plus the lifetime fields networks
// add: refresh_expires_in (TikTok), refresh_token_expires_in (LinkedIn,
// Pinterest), refresh_token_expires_at (Pinterest).
type wireToken struct {
	AccessToken           string          `json:"access_token"`
	RefreshToken          string          `json:"refresh_token"`
	TokenType             string          `json:"token_type"`
	Scope                 json.RawMessage `json:"scope"`
	ExpiresIn             json.Number     `json:"expires_in"`
	RefreshExpiresIn      json.Number     `json:"refresh_expires_in"`
	RefreshTokenExpiresIn json.Number     `json:"refresh_token_expires_in"`
	RefreshTokenExpiresAt json.Number     `json:"refresh_token_expires_at"`
}

func num(n json.Number) int64 {
	i, _ := n.Int64()
	return i
}

func (w wireToken) answer() tokenAnswer {
	a := tokenAnswer{AccessToken: w.AccessToken, RefreshToken: w.RefreshToken, TokenType: w.TokenType,
		expiresIn: num(w.ExpiresIn), refreshExpiresIn: num(w.RefreshExpiresIn), refreshExpiresAt: num(w.RefreshTokenExpiresAt)}
	if a.refreshExpiresIn == 0 {
		a.refreshExpiresIn = num(w.RefreshTokenExpiresIn)
	}
	var s string
	if json.Unmarshal(w.Scope, &s) == nil {
		a.Scope = s
	}
	return a
}

// call is one HTTP request to a network.
type call struct {
	method string
	url    string     // the real URL; redirected through Bases
	query  url.Values // added to the URL
	form   url.Values // POST body
	basic  *network.DevApp
	bearer string
	api    bool // an API call: add the spec's headers
}

// send performs r and decodes a 2xx JSON answer into out (when not nil).
// Errors never quote the URL, the request or the answer's body.
func (c *Connector) send(ctx context.Context, r call, out any) error {
	u := c.url(r.url)
	if len(r.query) > 0 {
		sep := "?"
		if strings.Contains(u, "?") {
			sep = "&"
		}
		u += sep + r.query.Encode()
	}
	var body io.Reader
	if r.form != nil {
		body = strings.NewReader(r.form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, r.method, u, body)
	if err != nil {
		return fmt.Errorf("%w: bad request URL", network.ErrProtocol)
	}
	req.Header.Set("Accept", "application/json")
	if r.form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if r.basic != nil {
		// RFC 6749 2.3.1: form-encode the id and secret first.
		req.SetBasicAuth(url.QueryEscape(r.basic.ClientID), url.QueryEscape(r.basic.ClientSecret))
	}
	if r.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+r.bearer)
	}
	if r.api {
		for k, v := range c.Spec.Header {
			req.Header.Set(k, v)
		}
	}
	resp, err := c.client().Do(req)
	if err != nil {
		return transportError(ctx, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return transportError(ctx, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 || oauthErrorCode(data) != "" {
		return apiError(resp.StatusCode, data)
	}
	if out == nil || len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("%w: unreadable answer (HTTP %d)", network.ErrProtocol, resp.StatusCode)
	}
	return nil
}

// transportError maps a failed round trip, keeping neither the URL (Meta
// puts secrets in it) nor anything else from the request.
func transportError(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%w: timed out", network.ErrUnreachable)
	}
	return fmt.Errorf("%w: %v", network.ErrUnreachable, err)
}

// oauthErrorCode is the "error" string of an RFC 6749 error answer, which
// some networks send with a 200 status.
func oauthErrorCode(body []byte) string {
	var e struct {
		Error json.RawMessage `json:"error"`
	}
	if json.Unmarshal(body, &e) != nil {
		return ""
	}
	var s string
	if json.Unmarshal(e.Error, &s) != nil {
		return ""
	}
	return s
}

// apiError maps an error answer to a StatusError whose Reason is only the
// network's short error code.
func apiError(status int, body []byte) error {
	sentinel := network.Classify(status)
	if status >= 200 && status <= 299 {
		sentinel = network.ErrProtocol
	}
	var e struct {
		Error json.RawMessage `json:"error"`
		Code  json.RawMessage `json:"code"` // LinkedIn (string), Pinterest (number)
	}
	json.Unmarshal(body, &e)
	var reason string
	var oauthCode string
	if json.Unmarshal(e.Error, &oauthCode) == nil && oauthCode != "" {
		// RFC 6749 5.2.
		reason = oauthCode
		switch oauthCode {
		case "invalid_grant", "invalid_token":
			sentinel = network.ErrRevoked
		case "invalid_client", "unauthorized_client":
			sentinel = network.ErrBadCredentials
		}
	} else if len(e.Error) > 0 {
		var o struct {
			Code    json.RawMessage `json:"code"`
			Type    string          `json:"type"`   // Meta
			Status  string          `json:"status"` // Google
			Subcode int             `json:"error_subcode"`
			Errors  []struct {
				Reason string `json:"reason"`
			} `json:"errors"` // Google
		}
		json.Unmarshal(e.Error, &o)
		var sCode string
		var nCode int
		switch {
		case json.Unmarshal(o.Code, &sCode) == nil:
			// TikTok API v2: {"error":{"code":"access_token_invalid",...}}.
			reason = sCode
			switch sCode {
			case "access_token_invalid", "scope_not_authorized":
				sentinel = network.ErrRevoked
			case "rate_limit_exceeded":
				sentinel = network.ErrRateLimited
			}
		case o.Type != "" && json.Unmarshal(o.Code, &nCode) == nil:
			// Meta Graph API: {"error":{"type":"OAuthException","code":190}}.
			reason = "graph-" + strconv.Itoa(nCode)
			switch {
			case nCode == 190 || nCode == 102:
				sentinel = network.ErrRevoked
			case nCode == 4 || nCode == 17 || nCode == 32 || nCode == 613 || (nCode >= 80001 && nCode <= 80014):
				sentinel = network.ErrRateLimited
			}
		case o.Status != "":
			// Google: {"error":{"code":403,"status":"PERMISSION_DENIED","errors":[{"reason":"quotaExceeded"}]}}.
			reason = o.Status
			if len(o.Errors) > 0 && o.Errors[0].Reason != "" {
				reason = o.Errors[0].Reason
			}
			switch reason {
			case "quotaExceeded", "rateLimitExceeded", "userRateLimitExceeded", "RESOURCE_EXHAUSTED":
				sentinel = network.ErrRateLimited
			}
		}
	} else if len(e.Code) > 0 {
		var sCode string
		var nCode int
		if json.Unmarshal(e.Code, &sCode) == nil {
			reason = sCode // LinkedIn: REVOKED_ACCESS_TOKEN, EXPIRED_ACCESS_TOKEN...
		} else if json.Unmarshal(e.Code, &nCode) == nil {
			reason = "code-" + strconv.Itoa(nCode) // Pinterest: 2 = authentication failed
		}
	}
	if status == http.StatusUpgradeRequired {
		// LinkedIn: the pinned Linkedin-Version is sunset.
		sentinel = network.ErrProtocol
	}
	return &network.StatusError{Status: status, Reason: shortCode(reason), Err: sentinel}
}

// shortCode keeps an error code only when it looks like one: a server
// that puts free text (possibly echoing a credential) there loses it.
func shortCode(code string) string {
	if len(code) > 64 {
		return ""
	}
	for _, r := range code {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.') {
			return ""
		}
	}
	return code
}

// withApp adds the app's credentials to form the way the spec says, or
// returns the app for HTTP Basic.
func (c *Connector) withApp(app *network.DevApp, form url.Values) *network.DevApp {
	if app == nil {
		return nil
	}
	if c.Spec.ClientAuth == AuthBasic {
		return app
	}
	form.Set(c.Spec.clientIDParam(), app.ClientID)
	form.Set("client_secret", app.ClientSecret)
	return nil
}

func values(m map[string]string) url.Values {
	v := url.Values{}
	for k, s := range m {
		v.Set(k, s)
	}
	return v
}

// post sends a form to a token or revoke endpoint with the app's
// credentials (when app is not nil).
func (c *Connector) post(ctx context.Context, endpoint string, app *network.DevApp, form map[string]string, out any) error {
	f := values(form)
	basic := c.withApp(app, f)
	return c.send(ctx, call{method: http.MethodPost, url: endpoint, form: f, basic: basic}, out)
}

// tokenPost posts to a token endpoint and reads the token.
func (c *Connector) tokenPost(ctx context.Context, endpoint string, app *network.DevApp, form map[string]string) (tokenAnswer, error) {
	var w wireToken
	if err := c.post(ctx, endpoint, app, form, &w); err != nil {
		return tokenAnswer{}, err
	}
	return checkToken(w)
}

// tokenGet reads a token from a GET endpoint (Meta's exchanges).
func (c *Connector) tokenGet(ctx context.Context, endpoint string, query map[string]string) (tokenAnswer, error) {
	var w wireToken
	if err := c.send(ctx, call{method: http.MethodGet, url: endpoint, query: values(query)}, &w); err != nil {
		return tokenAnswer{}, err
	}
	return checkToken(w)
}

func checkToken(w wireToken) (tokenAnswer, error) {
	if w.AccessToken == "" {
		return tokenAnswer{}, fmt.Errorf("%w: answer without an access token", network.ErrProtocol)
	}
	return w.answer(), nil
}

// getAPI reads a JSON resource with the token as a Bearer header.
func (c *Connector) getAPI(ctx context.Context, endpoint string, query url.Values, tok string, out any) error {
	return c.send(ctx, call{method: http.MethodGet, url: endpoint, query: query, bearer: tok, api: true}, out)
}

// getGraph reads a Meta Graph resource, with the token as the documented
// access_token parameter.
func (c *Connector) getGraph(ctx context.Context, endpoint string, query url.Values, tok string, out any) error {
	if query == nil {
		query = url.Values{}
	}
	query.Set("access_token", tok)
	return c.send(ctx, call{method: http.MethodGet, url: endpoint, query: query, api: true}, out)
}

// nestedTokenClient returns a client that unwraps Instagram's documented
// token answer, {"data":[{"access_token":...}]}, into the flat RFC 6749
// form x/oauth2 reads. Other answers pass unchanged.
func nestedTokenClient(hc *http.Client, tokenURL string) *http.Client {
	nc := *hc
	base := hc.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	nc.Transport = unnest{base: base, tokenURL: tokenURL}
	return &nc
}

type unnest struct {
	base     http.RoundTripper
	tokenURL string
}

func (t unnest) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		return resp, err
	}
	u := *req.URL
	u.RawQuery = ""
	if u.String() != t.tokenURL {
		return resp, nil
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	var nested struct {
		Data []json.RawMessage `json:"data"`
	}
	if json.Unmarshal(data, &nested) == nil && len(nested.Data) > 0 {
		data = nested.Data[0]
	}
	resp.Body = io.NopCloser(bytes.NewReader(data))
	resp.ContentLength = int64(len(data))
	resp.Header.Del("Content-Length")
	return resp, nil
}
