// Package mastodontest runs a fake Mastodon instance for tests.
package mastodontest

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
)

// Fake is an in-process Mastodon instance speaking the parts of the API
// Relais uses, with the checks a real instance makes: registered redirect
// URI, PKCE S256, client secret, bearer tokens. It lets other packages'
// tests connect a Mastodon account for real over HTTP.
type Fake struct {
	*httptest.Server
	mu       sync.Mutex
	apps     map[string]fakeApp   // client id -> app
	codes    map[string]fakeGrant // code -> grant
	tokens   map[string]bool      // live access tokens
	Deny     bool                 // the user declines on the authorization page
	Instance map[string]any       // /api/v2/instance answer; nil: 404
	Revoked  []string             // tokens revoked through /oauth/revoke
	Opts     Options              // publishing behaviour (statuses.go)
	posts    posts                // statuses, media, scheduled statuses (statuses.go)
}

type fakeApp struct{ secret, redirect, scopes string }

type fakeGrant struct{ client, redirect, challenge string }

// NewFake starts a fake instance; Close it when done.
func NewFake() *Fake {
	f := &Fake{apps: map[string]fakeApp{}, codes: map[string]fakeGrant{}, tokens: map[string]bool{},
		Instance: map[string]any{"configuration": map[string]any{
			"statuses":          map[string]any{"max_characters": 1000, "max_media_attachments": 4, "characters_reserved_per_url": 23},
			"media_attachments": map[string]any{"image_size_limit": 16777216, "supported_mime_types": []string{"image/jpeg", "image/png", "video/mp4"}},
		}}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/v1/apps", f.registerApp)
	mux.HandleFunc("GET /oauth/authorize", f.authorize)
	mux.HandleFunc("POST /oauth/token", f.token)
	mux.HandleFunc("POST /oauth/revoke", f.revoke)
	mux.HandleFunc("GET /api/v1/accounts/verify_credentials", f.verify)
	f.routePosts(mux)
	mux.HandleFunc("GET /api/v2/instance", func(w http.ResponseWriter, r *http.Request) {
		if f.Instance == nil {
			writeErr(w, 404, "Record not found")
			return
		}
		json.NewEncoder(w).Encode(f.Instance)
	})
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		mux.ServeHTTP(w, r)
	}))
	return f
}

func writeErr(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": msg})
}

func (f *Fake) registerApp(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	if r.Form.Get("client_name") == "" || r.Form.Get("redirect_uris") == "" {
		writeErr(w, 422, "Validation failed: Application name can't be blank")
		return
	}
	f.mu.Lock()
	id := fmt.Sprintf("client-%d", len(f.apps)+1)
	f.apps[id] = fakeApp{secret: "secret-of-" + id, redirect: r.Form.Get("redirect_uris"), scopes: r.Form.Get("scopes")}
	f.mu.Unlock()
	json.NewEncoder(w).Encode(map[string]any{"id": "1", "name": r.Form.Get("client_name"), "client_id": id,
		"client_secret": "secret-of-" + id, "redirect_uri": r.Form.Get("redirect_uris")})
}

// authorize plays the user approving (or declining) in the browser.
func (f *Fake) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f.mu.Lock()
	app, ok := f.apps[q.Get("client_id")]
	f.mu.Unlock()
	switch {
	case !ok:
		http.Error(w, "invalid_client", 401)
		return
	case q.Get("redirect_uri") != app.redirect:
		http.Error(w, "invalid_redirect_uri", 400)
		return
	case q.Get("response_type") != "code" || q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "":
		http.Error(w, "invalid_request", 400)
		return
	}
	for _, s := range strings.Fields(q.Get("scope")) {
		if !strings.Contains(" "+app.scopes+" ", " "+s+" ") {
			http.Error(w, "invalid_scope", 400)
			return
		}
	}
	back, _ := url.Parse(app.redirect)
	v := url.Values{"state": {q.Get("state")}}
	if f.Deny {
		v.Set("error", "access_denied")
	} else {
		f.mu.Lock()
		code := fmt.Sprintf("code-%d", len(f.codes)+1)
		f.codes[code] = fakeGrant{client: q.Get("client_id"), redirect: app.redirect, challenge: q.Get("code_challenge")}
		f.mu.Unlock()
		v.Set("code", code)
	}
	back.RawQuery = v.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

func (f *Fake) token(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	f.mu.Lock()
	defer f.mu.Unlock()
	g, ok := f.codes[r.Form.Get("code")]
	app := f.apps[g.client]
	sum := sha256.Sum256([]byte(r.Form.Get("code_verifier")))
	switch {
	case r.Form.Get("grant_type") != "authorization_code":
		writeErr(w, 400, "unsupported_grant_type")
		return
	case !ok || r.Form.Get("client_id") != g.client || r.Form.Get("redirect_uri") != g.redirect:
		writeErr(w, 400, "invalid_grant")
		return
	case r.Form.Get("client_secret") != app.secret:
		writeErr(w, 401, "invalid_client")
		return
	case base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge:
		writeErr(w, 400, "invalid_grant")
		return
	}
	delete(f.codes, r.Form.Get("code")) // a code is used once
	tok := "access-" + r.Form.Get("code")
	f.tokens[tok] = true
	json.NewEncoder(w).Encode(map[string]any{"access_token": tok, "token_type": "Bearer", "scope": app.scopes, "created_at": 1700000000})
}

func (f *Fake) revoke(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	f.mu.Lock()
	defer f.mu.Unlock()
	app, ok := f.apps[r.Form.Get("client_id")]
	if !ok || app.secret != r.Form.Get("client_secret") {
		writeErr(w, 403, "unauthorized_client")
		return
	}
	delete(f.tokens, r.Form.Get("token"))
	f.Revoked = append(f.Revoked, r.Form.Get("token"))
	w.Write([]byte("{}"))
}

// RevokeAll invalidates every token, as a user removing the app would.
func (f *Fake) RevokeAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	clear(f.tokens)
}

func (f *Fake) verify(w http.ResponseWriter, r *http.Request) {
	tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	f.mu.Lock()
	ok := f.tokens[tok]
	f.mu.Unlock()
	if !ok {
		writeErr(w, 401, "The access token is invalid")
		return
	}
	json.NewEncoder(w).Encode(map[string]any{"id": "109", "username": "cafe", "acct": "cafe",
		"display_name": "Café Lumière", "avatar": f.URL + "/avatars/109.png", "url": f.URL + "/@cafe"})
}

// Browser follows the authorization URL like a browser would, landing on
// the loopback redirect.
func Browser(url string) error {
	resp, err := http.Get(url)
	if err != nil {
		return err
	}
	resp.Body.Close()
	return nil
}
