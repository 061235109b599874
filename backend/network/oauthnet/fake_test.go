package oauthnet

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"relais/backend/network"
)

// A fake is one network's authorization server and API in one httptest
// server: every origin of the network's Spec is redirected to it. It checks
// what the real one checks (client credentials in the documented place,
// redirect_uri registered and equal at exchange, PKCE, grant_type, one-use
// codes) and answers with the network's documented JSON shapes.
type fake struct {
	t    *testing.T
	spec *Spec
	srv  *httptest.Server
	app  network.DevApp
	// registered is the redirect URI registered with the app; "" accepts
	// any loopback port (Google desktop clients, TikTok's 127.0.0.1:*).
	registered string

	mu       sync.Mutex
	seq      int
	codes    map[string]codeGrant
	access   map[string]string // access token -> what it is ("user", "page:ID", "short")
	refresh  map[string]bool   // live refresh tokens
	deny     bool              // the user declines on the consent page
	rate     bool              // the API answers "slow down"
	revoked  []url.Values      // revoke requests received
	authSeen url.Values        // last authorization request
	// noChannel: the Google account has no YouTube channel.
	noChannel bool
	// flat: Instagram answers the code exchange with a flat object (as
	// many integrations report) instead of the documented data array.
	flat bool
}

type codeGrant struct {
	redirect, challenge, method string
	offline                     bool // Google: access_type=offline & prompt=consent
}

// Credentials the fakes issue carry these markers, so a test can look for
// them in error strings.
const (
	secretMark = "SEKRET"
	tokenMark  = "TOKVAL"
	codeMark   = "CODEVAL"
)

func newFake(t *testing.T, name network.Name) *fake {
	t.Helper()
	f := &fake{t: t, spec: Lookup(name), codes: map[string]codeGrant{}, access: map[string]string{}, refresh: map[string]bool{},
		app: network.DevApp{ClientID: "app-" + string(name), ClientSecret: secretMark + "-" + string(name) + "/+&="}}
	if f.spec == nil {
		t.Fatalf("no spec for %s", name)
	}
	switch name {
	case network.YouTube, network.GoogleBusiness, network.TikTok:
		// any port
	default:
		f.app.Port = freePort(t)
		f.registered = fmt.Sprintf("http://127.0.0.1:%d/callback", f.app.Port)
	}
	mux := http.NewServeMux()
	f.routes(mux)
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

// connector returns a connector whose every origin points at the fake.
func (f *fake) connector() *Connector {
	c := &Connector{Spec: f.spec, Bases: map[string]string{}, HTTP: f.srv.Client()}
	for _, o := range f.spec.Origins() {
		c.Bases[o] = f.srv.URL
	}
	return c
}

func freePort(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func (f *fake) next(prefix string) string {
	f.seq++
	return fmt.Sprintf("%s-%s-%s-%d", prefix, f.spec.Network, tokenMark, f.seq)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func path(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		panic(err)
	}
	return u.Path
}

// oauthError writes an RFC 6749 5.2 error; networks echo what they
// like in error_description, so the fakes put a credential there.
func (f *fake) oauthError(w http.ResponseWriter, status int, code, echo string) {
	if f.spec.Network == network.TikTok {
		status = http.StatusOK // (?) TikTok's token endpoint answers errors with 200
	}
	writeJSON(w, status, map[string]string{"error": code, "error_description": "rejected " + echo, "log_id": "20261123"})
}

// graphError is Meta's error shape.
func graphError(w http.ResponseWriter, status, code int, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]any{"message": msg, "type": "OAuthException", "code": code, "fbtrace_id": "AbC"}})
}

// apiUnauthorized answers an API call with a bad token, in the network's
// documented shape.
func (f *fake) apiUnauthorized(w http.ResponseWriter, tok string) {
	switch f.spec.Network {
	case network.X:
		writeJSON(w, 401, map[string]any{"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"})
	case network.LinkedIn, network.LinkedInPage:
		writeJSON(w, 401, map[string]any{"status": 401, "serviceErrorCode": 65601, "code": "REVOKED_ACCESS_TOKEN", "message": "The token used in the request has been revoked by the user " + tok})
	case network.Facebook, network.Instagram, network.Threads:
		graphError(w, 400, 190, "Error validating access token: the session is invalid "+tok)
	case network.Pinterest:
		writeJSON(w, 401, map[string]any{"code": 2, "message": "Authentication failed."})
	case network.YouTube, network.GoogleBusiness:
		writeJSON(w, 401, map[string]any{"error": map[string]any{"code": 401, "message": "Request had invalid authentication credentials. " + tok, "status": "UNAUTHENTICATED"}})
	case network.TikTok:
		writeJSON(w, 401, map[string]any{"data": map[string]any{}, "error": map[string]any{"code": "access_token_invalid", "message": "The access token is invalid or not found in the request. " + tok, "log_id": "x"}})
	}
}

func (f *fake) apiRateLimited(w http.ResponseWriter) {
	switch f.spec.Network {
	case network.Facebook, network.Instagram, network.Threads:
		graphError(w, 400, 4, "Application request limit reached")
	case network.YouTube, network.GoogleBusiness:
		writeJSON(w, 403, map[string]any{"error": map[string]any{"code": 403, "message": "quota", "status": "PERMISSION_DENIED", "errors": []any{map[string]any{"reason": "quotaExceeded", "domain": "youtube.quota"}}}})
	case network.TikTok:
		writeJSON(w, 429, map[string]any{"data": map[string]any{}, "error": map[string]any{"code": "rate_limit_exceeded", "message": "slow down", "log_id": "x"}})
	default:
		w.Header().Set("Retry-After", "60")
		writeJSON(w, 429, map[string]any{"status": 429, "message": "Too Many Requests"})
	}
}

// bearer returns the access token of an API call: the Authorization
// header, or Meta's documented access_token parameter.
func (f *fake) bearer(r *http.Request) string {
	switch f.spec.Network {
	case network.Facebook, network.Instagram, network.Threads:
		return r.URL.Query().Get("access_token")
	}
	h := r.Header.Get("Authorization")
	if !strings.HasPrefix(h, "Bearer ") {
		return ""
	}
	return strings.TrimPrefix(h, "Bearer ")
}

// api wraps an API handler: it checks the method and the token, and
// answers 401 or 429 the network's way.
func (f *fake) api(kinds []string, h func(w http.ResponseWriter, r *http.Request, kind string)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			http.Error(w, "method", http.StatusMethodNotAllowed)
			return
		}
		tok := f.bearer(r)
		f.mu.Lock()
		kind, ok := f.access[tok]
		rate := f.rate
		f.mu.Unlock()
		if rate {
			f.apiRateLimited(w)
			return
		}
		allowed := false
		for _, k := range kinds {
			if strings.HasPrefix(kind, k) {
				allowed = true
			}
		}
		if !ok || !allowed {
			f.apiUnauthorized(w, tok)
			return
		}
		if f.spec.Network == network.LinkedInPage && strings.HasPrefix(r.URL.Path, "/rest/") {
			if r.Header.Get("Linkedin-Version") != linkedInVersion || r.Header.Get("X-Restli-Protocol-Version") != "2.0.0" {
				writeJSON(w, 426, map[string]any{"status": 426, "code": "VERSION_MISSING", "message": "A version must be present"})
				return
			}
		}
		h(w, r, kind)
	}
}

// clientOK checks the app's credentials where the network documents them.
func (f *fake) clientOK(r *http.Request) bool {
	if f.spec.ClientAuth == AuthBasic {
		id, secret, ok := r.BasicAuth()
		if !ok {
			return false
		}
		// RFC 6749 2.3.1: both are form-encoded inside Basic.
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
		return id == f.app.ClientID && secret == f.app.ClientSecret
	}
	return r.PostForm.Get(f.spec.clientIDParam()) == f.app.ClientID && r.PostForm.Get("client_secret") == f.app.ClientSecret
}

func (f *fake) routes(mux *http.ServeMux) {
	s := f.spec
	mux.HandleFunc(path(s.AuthURL), f.authorize)
	mux.HandleFunc(path(s.TokenURL), f.token)
	if s.RevokeURL != "" {
		mux.HandleFunc(path(s.RevokeURL), f.revoke)
	}
	if s.LongLived != nil && path(s.LongLived.URL) != path(s.TokenURL) {
		mux.HandleFunc(path(s.LongLived.URL), f.longLived)
	}
	if s.RenewURL != "" {
		mux.HandleFunc(path(s.RenewURL), f.renew)
	}
	api := path(s.APIBase)
	switch s.Network {
	case network.X:
		mux.HandleFunc(api+"/2/users/me", f.api([]string{"user"}, func(w http.ResponseWriter, r *http.Request, _ string) {
			if r.URL.Query().Get("user.fields") != "profile_image_url" {
				writeJSON(w, 400, map[string]any{"title": "Invalid Request"})
				return
			}
			writeJSON(w, 200, map[string]any{"data": map[string]any{"id": "2244994945", "name": "X Dev", "username": "TwitterDev",
				"profile_image_url": "https://pbs.twimg.com/profile_images/1/x_normal.jpg"}})
		}))
	case network.LinkedIn:
		mux.HandleFunc("/v2/userinfo", f.api([]string{"user"}, func(w http.ResponseWriter, r *http.Request, _ string) {
			writeJSON(w, 200, map[string]any{"sub": "782bbtaQ", "name": "Ana Lima", "given_name": "Ana", "family_name": "Lima",
				"picture": "https://media.licdn.com/dms/image/ana.jpg", "locale": map[string]string{"country": "FR", "language": "fr"}})
		}))
	case network.LinkedInPage:
		mux.HandleFunc("/rest/organizationAcls", f.api([]string{"user"}, func(w http.ResponseWriter, r *http.Request, _ string) {
			q := r.URL.Query()
			if q.Get("q") != "roleAssignee" || q.Get("role") != "ADMINISTRATOR" || q.Get("state") != "APPROVED" {
				writeJSON(w, 400, map[string]any{"status": 400, "code": "ILLEGAL_ARGUMENT", "message": "finder"})
				return
			}
			writeJSON(w, 200, map[string]any{"paging": map[string]any{"count": 100, "start": 0, "links": []any{}},
				"elements": []any{
					map[string]any{"roleAssignee": "urn:li:person:782bbtaQ", "state": "APPROVED", "role": "ADMINISTRATOR", "organization": "urn:li:organization:2414183"},
					map[string]any{"roleAssignee": "urn:li:person:782bbtaQ", "state": "APPROVED", "role": "ADMINISTRATOR", "organization": "urn:li:organization:5515715"},
				}})
		}))
		orgs := map[string]map[string]any{
			"2414183": {"id": 2414183, "localizedName": "Boulangerie Lima", "vanityName": "boulangerie-lima"},
			"5515715": {"id": 5515715, "localizedName": "Lima Traiteur", "vanityName": "lima-traiteur"},
		}
		mux.HandleFunc("/rest/organizations/", f.api([]string{"user"}, func(w http.ResponseWriter, r *http.Request, _ string) {
			o, ok := orgs[strings.TrimPrefix(r.URL.Path, "/rest/organizations/")]
			if !ok {
				writeJSON(w, 404, map[string]any{"status": 404, "code": "NOT_FOUND", "message": "no org"})
				return
			}
			writeJSON(w, 200, o)
		}))
	case network.Facebook:
		mux.HandleFunc(api+"/me/accounts", f.api([]string{"user"}, func(w http.ResponseWriter, r *http.Request, _ string) {
			pages := []map[string]any{
				{"id": "1001", "name": "Boulangerie Lima", "access_token": "page-1001-" + tokenMark, "category": "Bakery",
					"tasks":   []string{"ANALYZE", "ADVERTISE", "MODERATE", "CREATE_CONTENT", "MANAGE"},
					"picture": map[string]any{"data": map[string]any{"url": "https://scontent.example/1001.jpg"}}},
				{"id": "1002", "name": "Stats only", "access_token": "page-1002-" + tokenMark, "category": "Shop",
					"tasks": []string{"ANALYZE"}},
				{"id": "1003", "name": "Lima Traiteur", "access_token": "page-1003-" + tokenMark, "category": "Caterer",
					"tasks":   []string{"CREATE_CONTENT"},
					"picture": map[string]any{"data": map[string]any{"url": "https://scontent.example/1003.jpg"}}},
			}
			// Two items a page, cursor pagination.
			start := 0
			if r.URL.Query().Get("after") == "CURSOR2" {
				start = 2
			}
			end := min(start+2, len(pages))
			resp := map[string]any{"data": pages[start:end], "paging": map[string]any{"cursors": map[string]any{"before": "B", "after": "CURSOR2"}}}
			if end < len(pages) {
				resp["paging"].(map[string]any)["next"] = "https://graph.facebook.com/v26.0/me/accounts?after=CURSOR2&access_token=" + f.bearer(r)
			}
			f.mu.Lock()
			for _, p := range pages {
				f.access[p["access_token"].(string)] = "page:" + p["id"].(string)
			}
			f.mu.Unlock()
			writeJSON(w, 200, resp)
		}))
		mux.HandleFunc(api+"/me", f.api([]string{"page:"}, func(w http.ResponseWriter, r *http.Request, kind string) {
			id := strings.TrimPrefix(kind, "page:")
			writeJSON(w, 200, map[string]any{"id": id, "name": map[string]string{"1001": "Boulangerie Lima", "1003": "Lima Traiteur"}[id],
				"picture": map[string]any{"data": map[string]any{"url": "https://scontent.example/" + id + ".jpg"}}})
		}))
	case network.Instagram:
		mux.HandleFunc(api+"/me", f.api([]string{"long"}, func(w http.ResponseWriter, r *http.Request, _ string) {
			writeJSON(w, 200, map[string]any{"user_id": "17841405822304914", "username": "boulangerie.lima", "name": "Boulangerie Lima",
				"profile_picture_url": "https://scontent.cdninstagram.com/p.jpg", "id": "7299439803467893"})
		}))
	case network.Threads:
		mux.HandleFunc(api+"/me", f.api([]string{"long"}, func(w http.ResponseWriter, r *http.Request, _ string) {
			writeJSON(w, 200, map[string]any{"id": "1234567", "username": "boulangerie.lima", "name": "Boulangerie Lima",
				"threads_profile_picture_url": "https://scontent.cdninstagram.com/t.jpg"})
		}))
	case network.Pinterest:
		mux.HandleFunc(api+"/user_account", f.api([]string{"user"}, func(w http.ResponseWriter, r *http.Request, _ string) {
			writeJSON(w, 200, map[string]any{"account_type": "BUSINESS", "id": "549755885175", "username": "boulangerielima",
				"business_name": "Boulangerie Lima", "profile_image": "https://i.pinimg.com/p.jpg", "website_url": "https://lima.example"})
		}))
	case network.YouTube:
		mux.HandleFunc(api+"/channels", f.api([]string{"user"}, func(w http.ResponseWriter, r *http.Request, _ string) {
			q := r.URL.Query()
			if q.Get("part") != "snippet" || q.Get("mine") != "true" {
				writeJSON(w, 400, map[string]any{"error": map[string]any{"code": 400, "status": "INVALID_ARGUMENT", "message": "filter"}})
				return
			}
			resp := map[string]any{"kind": "youtube#channelListResponse", "pageInfo": map[string]int{"totalResults": 1, "resultsPerPage": 5}}
			f.mu.Lock()
			none := f.noChannel
			f.mu.Unlock()
			if !none {
				resp["items"] = []any{map[string]any{"kind": "youtube#channel", "id": "UC_x5XG1OV2P6uZZ5FSM9Ttw",
					"snippet": map[string]any{"title": "Boulangerie Lima", "customUrl": "@boulangerielima",
						"thumbnails": map[string]any{"default": map[string]any{"url": "https://yt3.ggpht.com/d.jpg", "width": 88, "height": 88}}}}}
			}
			writeJSON(w, 200, resp)
		}))
	case network.TikTok:
		mux.HandleFunc(api+"/user/info/", f.api([]string{"user"}, func(w http.ResponseWriter, r *http.Request, _ string) {
			if r.URL.Query().Get("fields") == "" {
				writeJSON(w, 400, map[string]any{"data": map[string]any{}, "error": map[string]any{"code": "invalid_params", "message": "fields", "log_id": "x"}})
				return
			}
			writeJSON(w, 200, map[string]any{"data": map[string]any{"user": map[string]any{"open_id": "afd97af1-b87b-48b9-ac98-410aghda5344",
				"union_id": "u1", "avatar_url": "https://p16.tiktokcdn.com/a.jpg", "display_name": "Boulangerie Lima", "username": "boulangerielima"}},
				"error": map[string]any{"code": "ok", "message": "", "log_id": "x"}})
		}))
	case network.GoogleBusiness:
		accounts := []map[string]any{
			{"name": "accounts/107", "accountName": "Boulangerie Lima", "type": "LOCATION_GROUP", "role": "OWNER", "verificationState": "VERIFIED"},
			{"name": "accounts/208", "accountName": "Ana Lima", "type": "PERSONAL", "role": "PRIMARY_OWNER"},
		}
		mux.HandleFunc(api+"/accounts", f.api([]string{"user"}, func(w http.ResponseWriter, r *http.Request, _ string) {
			if r.URL.Query().Get("pageToken") == "" {
				writeJSON(w, 200, map[string]any{"accounts": accounts[:1], "nextPageToken": "P2"})
				return
			}
			writeJSON(w, 200, map[string]any{"accounts": accounts[1:]})
		}))
		mux.HandleFunc(api+"/accounts/", f.api([]string{"user"}, func(w http.ResponseWriter, r *http.Request, _ string) {
			for _, a := range accounts {
				if api+"/"+a["name"].(string) == r.URL.Path {
					writeJSON(w, 200, a)
					return
				}
			}
			writeJSON(w, 404, map[string]any{"error": map[string]any{"code": 404, "status": "NOT_FOUND", "message": "no"}})
		}))
	}
}

// authorize is the consent page: it validates the request the way the
// network does and redirects the browser to the loopback.
func (f *fake) authorize(w http.ResponseWriter, r *http.Request) {
	s := f.spec
	q := r.URL.Query()
	f.mu.Lock()
	f.authSeen = q
	deny := f.deny
	f.mu.Unlock()
	bad := func(why string) { http.Error(w, "authorization request refused: "+why, http.StatusBadRequest) }
	if q.Get(s.clientIDParam()) != f.app.ClientID {
		bad("unknown " + s.clientIDParam())
		return
	}
	if q.Get("response_type") != "code" {
		bad("response_type")
		return
	}
	redirect := q.Get("redirect_uri")
	if f.registered != "" && redirect != f.registered {
		bad("redirect_uri not registered")
		return
	}
	if ru, err := url.Parse(redirect); err != nil || ru.Scheme != "http" || ru.Hostname() != "127.0.0.1" || ru.Port() == "" || ru.Path != "/callback" {
		bad("redirect_uri must be a loopback URI")
		return
	}
	scope := q.Get("scope")
	want := strings.Join(s.Scopes, s.ScopeSep)
	if s.ScopeSep == "" {
		want = strings.Join(s.Scopes, " ")
	}
	if scope != want {
		bad("scope")
		return
	}
	g := codeGrant{redirect: redirect, challenge: q.Get("code_challenge"), method: q.Get("code_challenge_method")}
	switch s.PKCE {
	case PKCES256, PKCEHex:
		if g.challenge == "" || g.method != "S256" {
			bad("PKCE required")
			return
		}
	case PKCENone:
		if g.challenge != "" {
			bad("unexpected code_challenge")
			return
		}
	}
	if s.Network == network.YouTube || s.Network == network.GoogleBusiness {
		g.offline = q.Get("access_type") == "offline" && q.Get("prompt") == "consent"
	}
	back, _ := url.Parse(redirect)
	v := url.Values{}
	if deny {
		switch s.Network {
		case network.LinkedIn, network.LinkedInPage:
			v.Set("error", "user_cancelled_authorize")
			v.Set("error_description", "The user cancelled the authorization")
		case network.Facebook:
			v.Set("error", "access_denied")
			v.Set("error_reason", "user_denied")
			v.Set("error_description", "Permissions error")
		default:
			v.Set("error", "access_denied")
			v.Set("error_description", "The user denied the request")
		}
	} else {
		f.mu.Lock()
		code := f.next(codeMark)
		f.codes[code] = g
		f.mu.Unlock()
		v.Set("code", code)
	}
	if st := q.Get("state"); st != "" {
		v.Set("state", st)
	}
	back.RawQuery = v.Encode()
	if s.Network == network.Instagram || s.Network == network.Threads {
		back.Fragment = "_" // Meta appends #_ to the redirect
	}
	http.Redirect(w, r, back.String(), http.StatusFound)
}

// pkceOK checks the verifier against the challenge the way the network
// computes it.
func (f *fake) pkceOK(g codeGrant, verifier string) bool {
	sum := sha256.Sum256([]byte(verifier))
	switch f.spec.PKCE {
	case PKCES256:
		return verifier != "" && base64.RawURLEncoding.EncodeToString(sum[:]) == g.challenge
	case PKCEHex:
		return verifier != "" && hex.EncodeToString(sum[:]) == g.challenge
	}
	return verifier == ""
}

// token is the token endpoint: authorization_code and refresh_token.
func (f *fake) token(w http.ResponseWriter, r *http.Request) {
	s := f.spec
	if s.LongLived != nil && r.URL.Query().Get("grant_type") == s.LongLived.Grant {
		f.longLived(w, r) // Facebook: the same endpoint
		return
	}
	if s.Network == network.Facebook && r.Method == http.MethodGet {
		r.PostForm = r.URL.Query() // Graph accepts the documented GET and a POST
	} else if r.Method != http.MethodPost || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		http.Error(w, "POST a form", http.StatusMethodNotAllowed)
		return
	} else if err := r.ParseForm(); err != nil {
		http.Error(w, "form", http.StatusBadRequest)
		return
	}
	form := r.PostForm
	if !f.clientOK(r) {
		if s.Network == network.Facebook || s.Network == network.Instagram || s.Network == network.Threads {
			graphError(w, 400, 1, "Error validating client secret.")
			return
		}
		f.oauthError(w, http.StatusUnauthorized, "invalid_client", "client "+form.Get("client_secret"))
		return
	}
	switch form.Get("grant_type") {
	case "authorization_code":
		f.codeExchange(w, form)
	case "refresh_token":
		if s.Renewal != RenewRefreshToken {
			f.oauthError(w, 400, "unsupported_grant_type", "")
			return
		}
		f.refreshGrant(w, form)
	default:
		f.oauthError(w, 400, "unsupported_grant_type", "")
	}
}

func (f *fake) codeExchange(w http.ResponseWriter, form url.Values) {
	s := f.spec
	code := form.Get("code")
	f.mu.Lock()
	g, ok := f.codes[code]
	delete(f.codes, code) // codes are single-use
	f.mu.Unlock()
	meta := s.Network == network.Facebook || s.Network == network.Instagram || s.Network == network.Threads
	switch {
	case !ok:
		if meta {
			graphError(w, 400, 100, "Invalid verification code format. "+code)
			return
		}
		f.oauthError(w, 400, "invalid_grant", "code "+code)
		return
	case form.Get("redirect_uri") != g.redirect:
		if meta {
			graphError(w, 400, 100, "Error validating verification code. Please make sure your redirect_uri is identical")
			return
		}
		f.oauthError(w, 400, "invalid_grant", "redirect_uri mismatch")
		return
	case !f.pkceOK(g, form.Get("code_verifier")):
		f.oauthError(w, 400, "invalid_request", "code_verifier "+form.Get("code_verifier"))
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	at := f.next("at")
	rt := f.next("rt")
	switch s.Network {
	case network.X:
		f.access[at], f.refresh[rt] = "user", true
		writeJSON(w, 200, map[string]any{"token_type": "bearer", "expires_in": 7200, "access_token": at,
			"scope": strings.Join(s.Scopes, " "), "refresh_token": rt})
	case network.LinkedIn:
		// A non-partner app: no refresh token.
		f.access[at] = "user"
		writeJSON(w, 200, map[string]any{"access_token": at, "expires_in": 5184000, "scope": "openid,profile,w_member_social", "token_type": "Bearer", "id_token": "eyJ.x.y"})
	case network.LinkedInPage:
		// An approved Community Management partner: programmatic refresh.
		f.access[at], f.refresh[rt] = "user", true
		writeJSON(w, 200, map[string]any{"access_token": at, "expires_in": 5184000, "refresh_token": rt,
			"refresh_token_expires_in": 31536000, "scope": "r_organization_social,rw_organization_admin,w_organization_social"})
	case network.Facebook:
		f.access[at] = "short"
		writeJSON(w, 200, map[string]any{"access_token": at, "token_type": "bearer", "expires_in": 5183944})
	case network.Instagram:
		// The documented shape nests the token.
		f.access[at] = "short"
		inner := map[string]any{"access_token": at, "user_id": "17841405822304914", "permissions": strings.Join(s.Scopes, ",")}
		if f.flat {
			writeJSON(w, 200, inner)
			return
		}
		writeJSON(w, 200, map[string]any{"data": []any{inner}})
	case network.Threads:
		f.access[at] = "short"
		writeJSON(w, 200, map[string]any{"access_token": at, "user_id": 1234567})
	case network.Pinterest:
		f.access[at], f.refresh[rt] = "user", true
		writeJSON(w, 200, map[string]any{"access_token": at, "refresh_token": rt, "response_type": "authorization_code",
			"token_type": "bearer", "expires_in": 2592000, "refresh_token_expires_in": 5184000, "scope": "boards:read pins:read pins:write user_accounts:read"})
	case network.YouTube, network.GoogleBusiness:
		f.access[at] = "user"
		resp := map[string]any{"access_token": at, "expires_in": 3599, "scope": strings.Join(s.Scopes, " "), "token_type": "Bearer"}
		if g.offline {
			f.refresh[rt] = true
			resp["refresh_token"] = rt
		}
		writeJSON(w, 200, resp)
	case network.TikTok:
		f.access[at], f.refresh[rt] = "user", true
		writeJSON(w, 200, map[string]any{"access_token": at, "expires_in": 7200, "open_id": "afd97af1-b87b-48b9-ac98-410aghda5344",
			"refresh_expires_in": 15552000, "refresh_token": rt, "scope": "user.info.basic,user.info.profile,video.publish,video.upload", "token_type": "Bearer"})
	}
}

func (f *fake) refreshGrant(w http.ResponseWriter, form url.Values) {
	s := f.spec
	old := form.Get("refresh_token")
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.refresh[old] {
		switch s.Network {
		case network.X:
			writeJSON(w, 400, map[string]string{"error": "invalid_request", "error_description": "Value passed for the token was invalid. " + old})
		case network.Pinterest:
			// (?) Pinterest documents HTTP 401, code 2 for a dead token.
			writeJSON(w, 401, map[string]any{"code": 2, "message": "Authentication failed. " + old})
		default:
			f.oauthError(w, 400, "invalid_grant", "Token has been expired or revoked. "+old)
		}
		return
	}
	at := f.next("at")
	f.access[at] = "user"
	switch s.Network {
	case network.X, network.TikTok, network.Pinterest:
		// Rotation: the old refresh token dies.
		delete(f.refresh, old)
		rt := f.next("rt")
		f.refresh[rt] = true
		resp := map[string]any{"access_token": at, "refresh_token": rt, "token_type": "bearer", "expires_in": 7200}
		switch s.Network {
		case network.TikTok:
			resp["refresh_expires_in"] = 15552000
			resp["open_id"] = "afd97af1-b87b-48b9-ac98-410aghda5344"
			resp["scope"] = "user.info.basic,user.info.profile,video.publish,video.upload"
		case network.Pinterest:
			resp["expires_in"] = 2592000
			resp["response_type"] = "refresh_token"
			resp["refresh_token_expires_in"] = 5184000
			resp["refresh_token_expires_at"] = 1830297600
			resp["scope"] = "boards:read pins:read pins:write user_accounts:read"
		}
		writeJSON(w, 200, resp)
	case network.LinkedInPage:
		// The refresh token keeps its original lifetime.
		writeJSON(w, 200, map[string]any{"access_token": at, "expires_in": 5184000, "refresh_token": old, "refresh_token_expires_in": 31449600})
	default:
		// Google: no new refresh token.
		writeJSON(w, 200, map[string]any{"access_token": at, "expires_in": 3599, "scope": strings.Join(s.Scopes, " "), "token_type": "Bearer"})
	}
}

// longLived is Meta's GET exchange of a short-lived token.
func (f *fake) longLived(w http.ResponseWriter, r *http.Request) {
	x := f.spec.LongLived
	q := r.URL.Query()
	if r.Method != http.MethodGet || q.Get("grant_type") != x.Grant {
		graphError(w, 400, 100, "Unsupported grant_type")
		return
	}
	if q.Get("client_secret") != f.app.ClientSecret || (x.SendClientID && q.Get("client_id") != f.app.ClientID) {
		graphError(w, 400, 1, "Error validating client secret.")
		return
	}
	short := q.Get(x.TokenParam)
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.access[short] != "short" {
		graphError(w, 400, 190, "Invalid OAuth access token - Cannot parse access token "+short)
		return
	}
	at := f.next("long")
	if f.spec.Network == network.Facebook {
		f.access[at] = "user"
	} else {
		f.access[at] = "long"
	}
	writeJSON(w, 200, map[string]any{"access_token": at, "token_type": "bearer", "expires_in": 5183944})
}

// renew is Meta's refresh of a long-lived token with itself.
func (f *fake) renew(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if r.Method != http.MethodGet || q.Get("grant_type") != f.spec.RenewGrant {
		graphError(w, 400, 100, "Unsupported grant_type")
		return
	}
	old := q.Get("access_token")
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.access[old] != "long" {
		graphError(w, 400, 190, "Error validating access token: Session has expired. "+old)
		return
	}
	at := f.next("long")
	f.access[at] = "long"
	writeJSON(w, 200, map[string]any{"access_token": at, "token_type": "bearer", "expires_in": 5183944})
}

// revoke records the request and kills the token (and, for Google, its
// whole grant).
func (f *fake) revoke(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.ParseForm() != nil {
		http.Error(w, "POST a form", http.StatusMethodNotAllowed)
		return
	}
	s := f.spec
	google := s.Network == network.YouTube || s.Network == network.GoogleBusiness
	if !google && !f.clientOK(r) {
		f.oauthError(w, 401, "invalid_client", "")
		return
	}
	tok := r.PostForm.Get("token")
	f.mu.Lock()
	f.revoked = append(f.revoked, r.PostForm)
	_, live := f.access[tok]
	live = live || f.refresh[tok]
	delete(f.access, tok)
	delete(f.refresh, tok)
	if google && live {
		for k := range f.access {
			delete(f.access, k)
		}
	}
	f.mu.Unlock()
	switch {
	case google && !live:
		writeJSON(w, 400, map[string]string{"error": "invalid_token", "error_description": "Token expired or revoked"})
	case s.Network == network.X:
		writeJSON(w, 200, map[string]bool{"revoked": true})
	case s.Network == network.TikTok:
		writeJSON(w, 200, map[string]any{})
	default:
		w.WriteHeader(200)
	}
}

// userRevokes simulates the user removing the app in the network's
// settings: every token dies.
func (f *fake) userRevokes() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.access = map[string]string{}
	f.refresh = map[string]bool{}
}
