package oauthnet

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"relais/backend/account"
	"relais/backend/network"
)

var _ account.Connector = (*Connector)(nil)

// networks are the networks of this package, in the UI's order.
var networks = []network.Name{network.X, network.LinkedIn, network.LinkedInPage, network.Facebook, network.Instagram,
	network.Threads, network.Pinterest, network.YouTube, network.TikTok, network.GoogleBusiness}

var epoch = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

// visit is what the test's browser saw.
type visit struct {
	status int
	body   string
	err    error
	forged int // status the loopback gave a forged callback
}

type browserOpts struct {
	forge bool   // hit the loopback with a wrong state first
	lang  string // Accept-Language
}

// browser returns an Opener that behaves like the system browser: it GETs
// the authorization URL and follows the redirect to the loopback, in the
// background (Open must not block the flow).
func browser(opts browserOpts) (network.Opener, chan visit) {
	seen := make(chan visit, 1)
	client := &http.Client{Timeout: 10 * time.Second}
	return func(raw string) error {
		go func() {
			var v visit
			if opts.forge {
				au, _ := url.Parse(raw)
				cb := au.Query().Get("redirect_uri") + "?state=forged&code=" + url.QueryEscape("forged-"+codeMark)
				resp, err := client.Get(cb)
				if err == nil {
					v.forged = resp.StatusCode
					resp.Body.Close()
				}
			}
			req, _ := http.NewRequest(http.MethodGet, raw, nil)
			if opts.lang != "" {
				req.Header.Set("Accept-Language", opts.lang)
			}
			resp, err := client.Do(req)
			if err != nil {
				v.err = err
			} else {
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				v.status, v.body = resp.StatusCode, string(b)
			}
			seen <- v
		}()
		return nil
	}, seen
}

func (f *fake) connect(t *testing.T, opts browserOpts) ([]network.Grant, error, visit) {
	t.Helper()
	c := f.connector()
	c.Timeout = 5 * time.Second
	c.Now = func() time.Time { return epoch }
	open, seen := browser(opts)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	app := f.app
	grants, err := c.Connect(ctx, network.Request{App: &app, Open: open, Language: "fr"})
	var v visit
	select {
	case v = <-seen:
	case <-time.After(5 * time.Second):
		t.Fatalf("%s: the browser never finished", f.spec.Network)
	}
	return grants, err, v
}

func mustConnect(t *testing.T, name network.Name) (*fake, []network.Grant) {
	t.Helper()
	f := newFake(t, name)
	grants, err, v := f.connect(t, browserOpts{})
	if err != nil {
		t.Fatalf("Connect(%s) = %v (browser: %d %v)", name, err, v.status, v.err)
	}
	return f, grants
}

func approx(got time.Time, want time.Duration) bool {
	if want == 0 {
		return got.IsZero()
	}
	d := got.Sub(epoch) - want
	return d > -3*time.Second && d < 3*time.Second
}

func TestConnect(t *testing.T) {
	tests := []struct {
		name        network.Name
		ids         []string // Profile.RemoteID of each grant
		handle      string   // of the first
		server      string   // suffix of the first Grant.Server
		refreshable bool
		expiry      time.Duration // from now; 0: none
		refreshExp  time.Duration
	}{
		{network.X, []string{"2244994945"}, "@TwitterDev", "api.x.com", true, 7200 * time.Second, 0},
		{network.LinkedIn, []string{"urn:li:person:782bbtaQ"}, "Ana Lima", "api.linkedin.com", false, 5184000 * time.Second, 0},
		{network.LinkedInPage, []string{"urn:li:organization:2414183", "urn:li:organization:5515715"}, "boulangerie-lima",
			"/rest/organizations/2414183", true, 5184000 * time.Second, 31536000 * time.Second},
		{network.Facebook, []string{"1001", "1003"}, "Boulangerie Lima", "graph.facebook.com/v26.0", false, 0, 0},
		{network.Instagram, []string{"17841405822304914"}, "@boulangerie.lima", "graph.instagram.com/v26.0", true, 5183944 * time.Second, 0},
		{network.Threads, []string{"1234567"}, "@boulangerie.lima", "graph.threads.net/v1.0", true, 5183944 * time.Second, 0},
		{network.Pinterest, []string{"549755885175"}, "boulangerielima", "api.pinterest.com/v5", true, 2592000 * time.Second, 5184000 * time.Second},
		{network.YouTube, []string{"UC_x5XG1OV2P6uZZ5FSM9Ttw"}, "@boulangerielima", "googleapis.com/youtube/v3", true, 3599 * time.Second, 0},
		{network.TikTok, []string{"afd97af1-b87b-48b9-ac98-410aghda5344"}, "@boulangerielima", "open.tiktokapis.com/v2", true, 7200 * time.Second, 15552000 * time.Second},
		{network.GoogleBusiness, []string{"accounts/107", "accounts/208"}, "Boulangerie Lima", "/v1/accounts/107", true, 3599 * time.Second, 0},
	}
	if len(tests) != len(Specs) {
		t.Fatalf("%d cases for %d specs", len(tests), len(Specs))
	}
	for _, tt := range tests {
		t.Run(string(tt.name), func(t *testing.T) {
			t.Parallel()
			f, grants := mustConnect(t, tt.name)
			var ids []string
			for _, g := range grants {
				ids = append(ids, g.Profile.RemoteID)
			}
			if strings.Join(ids, ",") != strings.Join(tt.ids, ",") {
				t.Fatalf("Connect(%s) accounts = %v; want %v", tt.name, ids, tt.ids)
			}
			g := grants[0]
			if g.Profile.Handle != tt.handle || !strings.HasSuffix(g.Server, tt.server) {
				t.Errorf("Connect(%s) = handle %q server %q; want %q, …%q", tt.name, g.Profile.Handle, g.Server, tt.handle, tt.server)
			}
			if g.Refreshable != tt.refreshable {
				t.Errorf("Connect(%s).Refreshable = %v; want %v", tt.name, g.Refreshable, tt.refreshable)
			}
			if !approx(g.Token.Expiry, tt.expiry) || !approx(g.Token.RefreshExpiry, tt.refreshExp) {
				t.Errorf("Connect(%s) expiry = %v, refresh %v; want now+%v, now+%v", tt.name, g.Token.Expiry, g.Token.RefreshExpiry, tt.expiry, tt.refreshExp)
			}
			if g.Token.Access == "" || (tt.refreshable && f.spec.Renewal == RenewRefreshToken && g.Token.Refresh == "") {
				t.Errorf("Connect(%s) token = %+v", tt.name, g.Token)
			}
			// Each grant's server and token read back its own profile.
			for _, g := range grants {
				p, err := f.connector().Verify(context.Background(), g.Server, g.Token)
				if err != nil || p != g.Profile {
					t.Errorf("Verify(%s, %q) = %+v, %v; want %+v", tt.name, g.Server, p, err, g.Profile)
				}
			}
		})
	}
}

func TestConnectSpecifics(t *testing.T) {
	t.Run("facebook page tokens", func(t *testing.T) {
		t.Parallel()
		f, grants := mustConnect(t, network.Facebook)
		for _, g := range grants {
			if f.access[g.Token.Access] != "page:"+g.Profile.RemoteID {
				t.Errorf("Facebook grant %s carries token %q, not its Page token", g.Profile.RemoteID, g.Token.Access)
			}
		}
	})
	t.Run("meta tokens are long-lived", func(t *testing.T) {
		t.Parallel()
		for _, n := range []network.Name{network.Instagram, network.Threads} {
			f, grants := mustConnect(t, n)
			if k := f.access[grants[0].Token.Access]; k != "long" {
				t.Errorf("%s token is %q; want the long-lived one", n, k)
			}
		}
	})
	t.Run("instagram flat answer", func(t *testing.T) {
		t.Parallel()
		f := newFake(t, network.Instagram)
		f.flat = true
		if _, err, _ := f.connect(t, browserOpts{}); err != nil {
			t.Fatalf("Connect(instagram, flat token answer) = %v", err)
		}
	})
	t.Run("tiktok client_key and hex challenge", func(t *testing.T) {
		t.Parallel()
		f, _ := mustConnect(t, network.TikTok)
		q := f.authSeen
		if q.Get("client_key") != f.app.ClientID || !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(q.Get("code_challenge")) {
			t.Errorf("TikTok authorization URL = %v; want client_key and a hex S256 challenge", q)
		}
		if q.Get("scope") != "user.info.basic,user.info.profile,video.publish,video.upload" {
			t.Errorf("TikTok scope = %q; want comma-separated", q.Get("scope"))
		}
	})
	t.Run("google offline consent", func(t *testing.T) {
		t.Parallel()
		f, _ := mustConnect(t, network.YouTube)
		if f.authSeen.Get("access_type") != "offline" || f.authSeen.Get("prompt") != "consent" {
			t.Errorf("Google authorization URL = %v; want access_type=offline&prompt=consent", f.authSeen)
		}
	})
	t.Run("youtube without channel", func(t *testing.T) {
		t.Parallel()
		f := newFake(t, network.YouTube)
		f.noChannel = true
		if _, err, _ := f.connect(t, browserOpts{}); !errors.Is(err, ErrNoAccounts) {
			t.Errorf("Connect(youtube, no channel) = %v; want ErrNoAccounts", err)
		}
	})
}

func TestConnectDenied(t *testing.T) {
	for _, name := range networks {
		t.Run(string(name), func(t *testing.T) {
			t.Parallel()
			f := newFake(t, name)
			f.deny = true
			_, err, v := f.connect(t, browserOpts{lang: "fr-FR,fr;q=0.9"})
			if !errors.Is(err, network.ErrDenied) {
				t.Fatalf("Connect(%s) after a refusal = %v; want ErrDenied", name, err)
			}
			if v.status != 200 || !strings.Contains(v.body, "Connexion non terminée") {
				t.Errorf("browser page = %d %q; want the French 'not finished' page", v.status, v.body)
			}
		})
	}
}

func TestConnectIgnoresForgedCallback(t *testing.T) {
	for _, name := range networks {
		t.Run(string(name), func(t *testing.T) {
			t.Parallel()
			f := newFake(t, name)
			grants, err, v := f.connect(t, browserOpts{forge: true, lang: "en"})
			if v.forged != http.StatusBadRequest {
				t.Errorf("forged callback answered %d; want 400", v.forged)
			}
			if err != nil || len(grants) == 0 {
				t.Fatalf("Connect(%s) after a forged callback = %v, %v; want the real code used", name, grants, err)
			}
			if !strings.Contains(v.body, "Account connected") {
				t.Errorf("browser page = %q; want the English success page", v.body)
			}
		})
	}
}

func TestConnectNoDevApp(t *testing.T) {
	apps := map[string]*network.DevApp{
		"nil":       nil,
		"no id":     {ClientSecret: "s"},
		"no secret": {ClientID: "id"},
	}
	for _, name := range networks {
		for what, app := range apps {
			opened := false
			c := New(name)
			_, err := c.Connect(context.Background(), network.Request{App: app, Open: func(string) error { opened = true; return nil }})
			if !errors.Is(err, network.ErrNoDevApp) || opened {
				t.Errorf("Connect(%s, %s app) = %v (browser opened %v); want ErrNoDevApp", name, what, err, opened)
			}
			if _, err := c.Refresh(context.Background(), "", app, network.Token{Access: "a", Refresh: "r", Expiry: epoch}); c.Spec.Renewal == RenewRefreshToken && !errors.Is(err, network.ErrNoDevApp) {
				t.Errorf("Refresh(%s, %s app) = %v; want ErrNoDevApp", name, what, err)
			}
		}
	}
}

func TestConnectWrongSecret(t *testing.T) {
	for _, name := range networks {
		t.Run(string(name), func(t *testing.T) {
			t.Parallel()
			f := newFake(t, name)
			c := f.connector()
			c.Timeout = 5 * time.Second
			open, seen := browser(browserOpts{})
			app := f.app
			app.ClientSecret = secretMark + "-wrong"
			_, err := c.Connect(context.Background(), network.Request{App: &app, Open: open})
			<-seen
			if err == nil {
				t.Fatalf("Connect(%s) with a wrong secret succeeded", name)
			}
			meta := name == network.Facebook || name == network.Instagram || name == network.Threads
			if !meta && !errors.Is(err, network.ErrBadCredentials) {
				t.Errorf("Connect(%s) with a wrong secret = %v; want ErrBadCredentials", name, err)
			}
			noSecrets(t, err)
		})
	}
}

func TestRefresh(t *testing.T) {
	for _, name := range networks {
		t.Run(string(name), func(t *testing.T) {
			t.Parallel()
			f, grants := mustConnect(t, name)
			c := f.connector()
			c.Now = func() time.Time { return epoch }
			old := grants[0].Token
			app := f.app
			nt, err := c.Refresh(context.Background(), grants[0].Server, &app, old)
			if !grants[0].Refreshable {
				if !errors.Is(err, errors.ErrUnsupported) {
					t.Fatalf("Refresh(%s) of a non-renewable token = %v; want ErrUnsupported", name, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Refresh(%s) = %v", name, err)
			}
			if nt.Access == "" || nt.Access == old.Access || nt.Expiry.IsZero() {
				t.Errorf("Refresh(%s) = %+v; want a new access token with an expiry", name, nt)
			}
			if _, err := c.Verify(context.Background(), grants[0].Server, nt); err != nil {
				t.Errorf("Verify(%s) with the refreshed token = %v", name, err)
			}
			switch name {
			case network.X, network.TikTok, network.Pinterest:
				// Rotated: a new refresh token, and the old one is dead.
				if nt.Refresh == "" || nt.Refresh == old.Refresh {
					t.Errorf("Refresh(%s).Refresh = %q; want a rotated one", name, nt.Refresh)
				}
				if _, err := c.Refresh(context.Background(), "", &app, old); !errors.Is(err, network.ErrRevoked) {
					t.Errorf("Refresh(%s) with a used refresh token = %v; want ErrRevoked", name, err)
				}
				if name == network.Pinterest && !nt.RefreshExpiry.Equal(time.Unix(1830297600, 0)) {
					t.Errorf("Pinterest RefreshExpiry = %v; want refresh_token_expires_at", nt.RefreshExpiry)
				}
			case network.YouTube, network.GoogleBusiness, network.LinkedInPage:
				// Google answers without a refresh token: keep ours.
				if nt.Refresh != old.Refresh || nt.RefreshExpiry.IsZero() != old.RefreshExpiry.IsZero() {
					t.Errorf("Refresh(%s).Refresh = %q; want the old %q kept", name, nt.Refresh, old.Refresh)
				}
			case network.Instagram, network.Threads:
				if nt.Refresh != "" {
					t.Errorf("Refresh(%s).Refresh = %q; Meta has no refresh token", name, nt.Refresh)
				}
			}
		})
	}
}

func TestRevokedByUser(t *testing.T) {
	for _, name := range networks {
		t.Run(string(name), func(t *testing.T) {
			t.Parallel()
			f, grants := mustConnect(t, name)
			f.userRevokes()
			c := f.connector()
			g := grants[0]
			_, err := c.Verify(context.Background(), g.Server, g.Token)
			if !errors.Is(err, network.ErrRevoked) {
				t.Errorf("Verify(%s) after the user removed the app = %v; want ErrRevoked", name, err)
			}
			noSecrets(t, err)
			if g.Refreshable {
				app := f.app
				_, err := c.Refresh(context.Background(), g.Server, &app, g.Token)
				if !errors.Is(err, network.ErrRevoked) {
					t.Errorf("Refresh(%s) after the user removed the app = %v; want ErrRevoked", name, err)
				}
				noSecrets(t, err)
			}
		})
	}
}

func TestRevoke(t *testing.T) {
	tests := []struct {
		name   network.Name
		tokens []string // what must be posted: "refresh", "access"
	}{
		{network.X, []string{"refresh", "access"}},
		{network.LinkedIn, []string{"access"}},
		{network.LinkedInPage, []string{"refresh", "access"}},
		{network.Facebook, nil},
		{network.Instagram, nil},
		{network.Threads, nil},
		{network.Pinterest, nil},
		{network.YouTube, []string{"refresh"}},
		{network.TikTok, []string{"access"}},
		{network.GoogleBusiness, []string{"refresh"}},
	}
	for _, tt := range tests {
		t.Run(string(tt.name), func(t *testing.T) {
			t.Parallel()
			f, grants := mustConnect(t, tt.name)
			c := f.connector()
			g := grants[0]
			app := f.app
			if err := c.Revoke(context.Background(), g.Server, &app, g.Token); err != nil {
				t.Fatalf("Revoke(%s) = %v", tt.name, err)
			}
			var posted []string
			for _, form := range f.revoked {
				switch form.Get("token") {
				case g.Token.Refresh:
					posted = append(posted, "refresh")
				case g.Token.Access:
					posted = append(posted, "access")
				default:
					posted = append(posted, "?")
				}
			}
			if strings.Join(posted, ",") != strings.Join(tt.tokens, ",") {
				t.Fatalf("Revoke(%s) posted %v; want %v", tt.name, posted, tt.tokens)
			}
			if len(tt.tokens) == 0 {
				return
			}
			if _, err := c.Verify(context.Background(), g.Server, g.Token); !errors.Is(err, network.ErrRevoked) {
				t.Errorf("Verify(%s) after Revoke = %v; want ErrRevoked", tt.name, err)
			}
			// Revoking again is not an error: the token is gone either way.
			if err := c.Revoke(context.Background(), g.Server, &app, g.Token); err != nil {
				t.Errorf("second Revoke(%s) = %v; want nil", tt.name, err)
			}
		})
	}
}

func TestRateLimited(t *testing.T) {
	for _, name := range networks {
		t.Run(string(name), func(t *testing.T) {
			t.Parallel()
			f, grants := mustConnect(t, name)
			f.rate = true
			_, err := f.connector().Verify(context.Background(), grants[0].Server, grants[0].Token)
			if !errors.Is(err, network.ErrRateLimited) {
				t.Errorf("Verify(%s) when throttled = %v; want ErrRateLimited", name, err)
			}
		})
	}
}

func TestVerifyOnlyTalksToTheNetwork(t *testing.T) {
	for _, name := range networks {
		c := New(name)
		c.HTTP = &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
			t.Errorf("Verify(%s) sent a request to %s", name, r.URL.Host)
			return nil, errors.New("no")
		})}
		for _, server := range []string{"https://evil.example", c.Spec.APIBase + ".evil.example", "http://127.0.0.1:1"} {
			if _, err := c.Verify(context.Background(), server, network.Token{Access: tokenMark}); !errors.Is(err, network.ErrProtocol) {
				t.Errorf("Verify(%s, %q) = %v; want ErrProtocol", name, server, err)
			}
		}
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestUnreachableErrorsCarryNoSecrets(t *testing.T) {
	// A closed port: the URLs of Meta's calls carry the app secret and the
	// token in their query; none may reach an error.
	srv := newFake(t, network.Instagram).srv
	srv.Close()
	for _, name := range networks {
		c := New(name)
		c.Bases = map[string]string{}
		for _, o := range c.Spec.Origins() {
			c.Bases[o] = srv.URL
		}
		app := &network.DevApp{ClientID: "id", ClientSecret: secretMark}
		tok := network.Token{Access: tokenMark + "-a", Refresh: tokenMark + "-r", Expiry: epoch}
		server := ""
		switch name {
		case network.LinkedInPage:
			server = c.Spec.APIBase + "/rest/organizations/2414183"
		case network.GoogleBusiness:
			server = c.Spec.APIBase + "/accounts/107"
		}
		_, err := c.Verify(context.Background(), server, tok)
		if !errors.Is(err, network.ErrUnreachable) {
			t.Errorf("Verify(%s) offline = %v; want ErrUnreachable", name, err)
		}
		noSecrets(t, err)
		if _, err := c.Refresh(context.Background(), "", app, tok); c.refreshable(tok) && !errors.Is(err, network.ErrUnreachable) {
			t.Errorf("Refresh(%s) offline = %v; want ErrUnreachable", name, err)
		} else {
			noSecrets(t, err)
		}
		if s := c.Spec.LongLived; s != nil {
			_, err := c.longLived(context.Background(), app, tok)
			if !errors.Is(err, network.ErrUnreachable) {
				t.Errorf("long-lived exchange (%s) offline = %v; want ErrUnreachable", name, err)
			}
			noSecrets(t, err)
		}
	}
}

func TestCancel(t *testing.T) {
	f := newFake(t, network.X)
	c := f.connector()
	ctx, cancel := context.WithCancel(context.Background())
	app := f.app
	done := make(chan error, 1)
	go func() {
		// The user never comes back from the browser.
		_, err := c.Connect(ctx, network.Request{App: &app, Open: func(string) error { return nil }})
		done <- err
	}()
	time.Sleep(50 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Connect cancelled = %v; want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Connect ignored the cancelled context")
	}
}

// noSecrets fails when err's text holds a credential the fakes issued or
// the app's secret.
func noSecrets(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	for _, m := range []string{secretMark, tokenMark, codeMark} {
		if strings.Contains(err.Error(), m) {
			t.Errorf("error %q leaks a credential (%s)", err, m)
		}
	}
}

func TestSpecs(t *testing.T) {
	if _, err := time.Parse("2006-01-02", Checked); err != nil {
		t.Errorf("Checked = %q: %v", Checked, err)
	}
	seen := map[network.Name]bool{}
	for _, s := range Specs {
		seen[s.Network] = true
		if len(s.Docs) == 0 || len(s.Scopes) == 0 || s.profile == nil {
			t.Errorf("%s: spec without docs, scopes or profile reader", s.Network)
		}
		for _, u := range []string{s.AuthURL, s.TokenURL, s.APIBase, s.RevokeURL, s.RenewURL} {
			if u != "" && !strings.HasPrefix(u, "https://") {
				t.Errorf("%s: %q is not https", s.Network, u)
			}
		}
		if (s.Renewal == RenewAccessToken) != (s.RenewURL != "" && s.RenewGrant != "") {
			t.Errorf("%s: Renewal and RenewURL disagree", s.Network)
		}
		if (s.RevokeURL == "") != (s.revoke == nil) {
			t.Errorf("%s: RevokeURL and revoke disagree", s.Network)
		}
		if c := New(s.Network); c == nil || !c.NeedsDevApp() || c.Network() != s.Network {
			t.Errorf("New(%s) = %v", s.Network, c)
		}
	}
	for _, n := range network.All {
		if n == network.Mastodon || n == network.Bluesky {
			continue
		}
		if !seen[n] {
			t.Errorf("no spec for %s", n)
		}
	}
	if len(All()) != len(Specs) || New("nope") != nil {
		t.Error("All/New disagree with Specs")
	}
}
