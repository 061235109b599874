package oauth

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"relais/backend/network"
)

type waited struct {
	code string
	err  error
}

// wait runs lb.Wait in the background.
func wait(ctx context.Context, lb *Loopback, state string, timeout time.Duration) chan waited {
	ch := make(chan waited, 1)
	go func() {
		code, err := lb.Wait(ctx, state, timeout)
		ch <- waited{code, err}
	}()
	return ch
}

func listen(t *testing.T) *Loopback {
	t.Helper()
	lb, err := Listen(0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lb.Close() })
	if !strings.HasPrefix(lb.RedirectURL(), "http://127.0.0.1:") || !strings.HasSuffix(lb.RedirectURL(), "/callback") {
		t.Fatalf("RedirectURL() = %q", lb.RedirectURL())
	}
	return lb
}

// get is the browser landing on the loopback.
func get(t *testing.T, raw, lang string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, raw, nil)
	if lang != "" {
		req.Header.Set("Accept-Language", lang)
	}
	resp, err := (&http.Client{Timeout: 5 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", raw, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading the page: %v", err)
	}
	return resp.StatusCode, string(b)
}

func callback(lb *Loopback, q url.Values) string { return lb.RedirectURL() + "?" + q.Encode() }

func TestWaitReturnsCodeAndClosesListener(t *testing.T) {
	lb := listen(t)
	ch := wait(context.Background(), lb, "st", 5*time.Second)
	status, body := get(t, callback(lb, url.Values{"state": {"st"}, "code": {"c0de"}}), "")
	r := <-ch
	if r.err != nil || r.code != "c0de" {
		t.Fatalf("Wait = %q, %v; want c0de", r.code, r.err)
	}
	if status != 200 || !strings.Contains(body, "Account connected") {
		t.Errorf("page = %d %q", status, body)
	}
	if c, err := net.DialTimeout("tcp", strings.TrimSuffix(strings.TrimPrefix(lb.RedirectURL(), "http://"), "/callback"), time.Second); err == nil {
		c.Close()
		t.Error("the loopback still accepts connections after Wait returned")
	}
	if err := lb.Close(); err != nil {
		t.Errorf("Close after Wait = %v; want nil", err)
	}
	if err := lb.Close(); err != nil {
		t.Errorf("second Close = %v; want nil", err)
	}
}

func TestWaitTimeout(t *testing.T) {
	lb := listen(t)
	start := time.Now()
	_, err := lb.Wait(context.Background(), "st", 50*time.Millisecond)
	if !errors.Is(err, network.ErrTimeout) {
		t.Errorf("Wait = %v; want ErrTimeout", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("Wait took %v to time out", d)
	}
	if _, err := http.Get(lb.RedirectURL()); err == nil {
		t.Error("the loopback still answers after a timeout")
	}
}

func TestWaitCancel(t *testing.T) {
	lb := listen(t)
	ctx, cancel := context.WithCancel(context.Background())
	ch := wait(ctx, lb, "st", time.Minute)
	time.Sleep(20 * time.Millisecond)
	cancel()
	select {
	case r := <-ch:
		if !errors.Is(r.err, context.Canceled) {
			t.Errorf("Wait after cancel = %v; want context.Canceled", r.err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Wait ignored the cancelled context")
	}
}

func TestWaitIgnoresStrangers(t *testing.T) {
	lb := listen(t)
	ch := wait(context.Background(), lb, "right", 5*time.Second)
	if status, _ := get(t, callback(lb, url.Values{"state": {"wrong"}, "code": {"evil"}}), ""); status != http.StatusBadRequest {
		t.Errorf("wrong state answered %d; want 400", status)
	}
	if status, _ := get(t, strings.TrimSuffix(lb.RedirectURL(), "/callback")+"/favicon.ico", ""); status != http.StatusNotFound {
		t.Errorf("another path answered %d; want 404", status)
	}
	get(t, callback(lb, url.Values{"state": {"right"}, "code": {"good"}}), "")
	if r := <-ch; r.code != "good" || r.err != nil {
		t.Errorf("Wait = %q, %v; want the code with the right state", r.code, r.err)
	}
}

func TestCallbackErrors(t *testing.T) {
	tests := []struct {
		q    url.Values
		want error
	}{
		{url.Values{"error": {"access_denied"}}, network.ErrDenied},
		{url.Values{"error": {"user_cancelled_authorize"}}, network.ErrDenied},
		{url.Values{"error": {"user_cancelled_login"}}, network.ErrDenied},
		{url.Values{"error": {"invalid_scope"}}, network.ErrProtocol},
		{url.Values{"error": {"unauthorized_client"}}, network.ErrBadCredentials},
		{url.Values{"error": {"temporarily_unavailable"}}, network.ErrUnreachable},
		{url.Values{}, network.ErrProtocol}, // neither code nor error
	}
	for _, tt := range tests {
		lb := listen(t)
		ch := wait(context.Background(), lb, "st", 5*time.Second)
		tt.q.Set("state", "st")
		_, body := get(t, callback(lb, tt.q), "fr")
		r := <-ch
		if !errors.Is(r.err, tt.want) {
			t.Errorf("callback %v: Wait = %v; want %v", tt.q, r.err, tt.want)
		}
		if !strings.Contains(body, "Connexion non terminée") {
			t.Errorf("callback %v: page %q; want the French failure page", tt.q, body)
		}
	}
}

func TestPageLanguage(t *testing.T) {
	tests := []struct {
		lang, want string
	}{
		{"fr-FR,fr;q=0.9,en;q=0.8", "Compte connecté"},
		{"FR", "Compte connecté"},
		{"en-US,en;q=0.9", "Account connected"},
		{"de-DE,fr;q=0.5", "Account connected"},
		{"", "Account connected"},
	}
	for _, tt := range tests {
		lb := listen(t)
		ch := wait(context.Background(), lb, "st", 5*time.Second)
		_, body := get(t, callback(lb, url.Values{"state": {"st"}, "code": {"c"}}), tt.lang)
		<-ch
		if !strings.Contains(body, tt.want) || !strings.HasSuffix(body, "</p>") {
			t.Errorf("Accept-Language %q: page %q; want %q, whole", tt.lang, body, tt.want)
		}
	}
}

// The page must reach the browser whole even though Wait returns (and the
// server stops) as soon as the callback arrives.
func TestPageDeliveredBeforeShutdown(t *testing.T) {
	for i := 0; i < 30; i++ {
		lb := listen(t)
		ch := wait(context.Background(), lb, "st", 5*time.Second)
		status, body := get(t, callback(lb, url.Values{"state": {"st"}, "code": {"c"}}), "")
		<-ch
		if status != 200 || !strings.HasSuffix(body, "</p>") {
			t.Fatalf("try %d: page = %d %q; want it whole", i, status, body)
		}
	}
}

func TestListenFixedPortBusy(t *testing.T) {
	lb := listen(t)
	port := lb.ln.Addr().(*net.TCPAddr).Port
	if _, err := Listen(port); err == nil {
		t.Errorf("Listen(%d) on a busy port succeeded", port)
	}
}

// authServer is a minimal RFC 6749 + RFC 7636 server.
type authServer struct {
	mu        sync.Mutex
	challenge string
	redirect  string
	authQuery url.Values
	form      url.Values
}

func (a *authServer) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/auth", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		a.mu.Lock()
		a.authQuery, a.challenge, a.redirect = q, q.Get("code_challenge"), q.Get("redirect_uri")
		a.mu.Unlock()
		http.Redirect(w, r, q.Get("redirect_uri")+"?code=the-code&state="+url.QueryEscape(q.Get("state")), http.StatusFound)
	})
	mux.HandleFunc("/token", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		a.mu.Lock()
		a.form = r.PostForm
		challenge, redirect := a.challenge, a.redirect
		a.mu.Unlock()
		sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
		w.Header().Set("Content-Type", "application/json")
		if r.PostForm.Get("code") != "the-code" || r.PostForm.Get("redirect_uri") != redirect ||
			(challenge != "" && base64.RawURLEncoding.EncodeToString(sum[:]) != challenge) {
			w.WriteHeader(400)
			fmt.Fprint(w, `{"error":"invalid_grant"}`)
			return
		}
		fmt.Fprint(w, `{"access_token":"at","token_type":"bearer","expires_in":3600,"refresh_token":"rt"}`)
	})
	return mux
}

func TestAuthorize(t *testing.T) {
	for _, noPKCE := range []bool{false, true} {
		a := &authServer{}
		srv := httptest.NewServer(a.handler())
		lb := listen(t)
		conf := &oauth2.Config{ClientID: "id", ClientSecret: "secret",
			Endpoint: oauth2.Endpoint{AuthURL: srv.URL + "/auth", TokenURL: srv.URL + "/token", AuthStyle: oauth2.AuthStyleInParams}}
		open := func(u string) error {
			go http.Get(u)
			return nil
		}
		ctx := context.WithValue(context.Background(), oauth2.HTTPClient, srv.Client())
		tok, err := Authorize(ctx, Flow{Config: conf, Open: open, Timeout: 5 * time.Second, NoPKCE: noPKCE,
			AuthParams: map[string]string{"access_type": "offline"}, ExchangeParams: map[string]string{"client_key": "id"}}, lb)
		srv.Close()
		if err != nil || tok.AccessToken != "at" || tok.RefreshToken != "rt" {
			t.Fatalf("Authorize(noPKCE=%v) = %v, %v", noPKCE, tok, err)
		}
		if conf.RedirectURL != lb.RedirectURL() {
			t.Errorf("RedirectURL = %q; want the loopback's", conf.RedirectURL)
		}
		if a.authQuery.Get("access_type") != "offline" || a.form.Get("client_key") != "id" {
			t.Errorf("extra parameters missing: auth %v, token %v", a.authQuery, a.form)
		}
		hasPKCE := a.authQuery.Get("code_challenge_method") == "S256" && a.form.Get("code_verifier") != ""
		if hasPKCE == noPKCE {
			t.Errorf("Authorize(noPKCE=%v): PKCE sent = %v", noPKCE, hasPKCE)
		}
	}
}

func TestAuthorizeOpenFails(t *testing.T) {
	lb := listen(t)
	conf := &oauth2.Config{ClientID: "id", Endpoint: oauth2.Endpoint{AuthURL: "http://127.0.0.1:1/auth", TokenURL: "http://127.0.0.1:1/token"}}
	_, err := Authorize(context.Background(), Flow{Config: conf, Open: func(string) error { return errors.New("no browser") }}, lb)
	if err == nil || !strings.Contains(err.Error(), "browser") {
		t.Errorf("Authorize with a failing Open = %v", err)
	}
}

func TestMapError(t *testing.T) {
	resp := func(status int) *http.Response { return &http.Response{StatusCode: status} }
	secretURL := "https://graph.example/oauth/access_token?client_secret=SEKRET&code=CODEVAL"
	tests := []struct {
		name   string
		err    error
		want   error
		reason string
	}{
		{"invalid_grant", &oauth2.RetrieveError{Response: resp(400), ErrorCode: "invalid_grant"}, network.ErrRevoked, "invalid_grant"},
		{"401", &oauth2.RetrieveError{Response: resp(401)}, network.ErrRevoked, ""},
		{"invalid_client", &oauth2.RetrieveError{Response: resp(401), ErrorCode: "invalid_client"}, network.ErrBadCredentials, "invalid_client"},
		{"429", &oauth2.RetrieveError{Response: resp(429)}, network.ErrRateLimited, ""},
		{"500", &oauth2.RetrieveError{Response: resp(503)}, network.ErrUnreachable, ""},
		{"free text code", &oauth2.RetrieveError{Response: resp(400), ErrorCode: "bad token SEKRET"}, network.ErrProtocol, ""},
		{"offline", &url.Error{Op: "Post", URL: secretURL, Err: &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}}, network.ErrUnreachable, ""},
		{"other", errors.New("oauth2: server response missing access_token"), network.ErrProtocol, ""},
	}
	for _, tt := range tests {
		got := MapError(tt.err)
		if !errors.Is(got, tt.want) {
			t.Errorf("MapError(%s) = %v; want %v", tt.name, got, tt.want)
		}
		var se *network.StatusError
		if errors.As(got, &se) && se.Reason != tt.reason {
			t.Errorf("MapError(%s).Reason = %q; want %q", tt.name, se.Reason, tt.reason)
		}
		if strings.Contains(got.Error(), "SEKRET") || strings.Contains(got.Error(), "CODEVAL") {
			t.Errorf("MapError(%s) = %q leaks a credential", tt.name, got)
		}
	}
	ctxErr := &url.Error{Op: "Post", URL: secretURL, Err: context.Canceled}
	if got := MapError(ctxErr); !errors.Is(got, context.Canceled) {
		t.Errorf("MapError(cancelled) = %v; want context.Canceled", got)
	}
}

// A developer app's fixed redirect port taken by another program is said
// as such, with the port, so the user can change it or close the other
// program.
func TestListenOnATakenPort(t *testing.T) {
	other, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	port := other.Addr().(*net.TCPAddr).Port
	_, err = Listen(port)
	var pe *PortError
	if !errors.Is(err, ErrPortInUse) || !errors.As(err, &pe) || pe.Port != port || pe.ErrorInfo()["port"] != port {
		t.Fatalf("Listen(%d) while taken = %v, want a *PortError for that port", port, err)
	}
	lb, err := Listen(0)
	if err != nil {
		t.Fatalf("Listen(0): %v", err)
	}
	lb.Close()
}
