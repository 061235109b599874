// Package oauth runs the desktop OAuth 2 authorization-code flow of RFC
// 8252: the authorization page opens in the system browser (never the
// webview), the network redirects to a one-shot HTTP listener on 127.0.0.1
// and a port the OS picks, and the code is exchanged with a PKCE verifier
// (S256) through golang.org/x/oauth2.
//
// The listener accepts exactly one callback whose state matches, answers
// the browser with a short page telling the user to return to Relais, and
// closes. A callback with a wrong state is ignored (it cannot be the
// user's), so a page elsewhere cannot inject a code.
package oauth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/oauth2"

	"relais/backend/network"
)

// Loopback is a one-shot redirect listener on 127.0.0.1.
type Loopback struct {
	ln       net.Listener
	redirect string
}

// ErrPortInUse is what Listen returns, as a *PortError, when the fixed port
// a developer app's redirect URL names is taken by another program.
var ErrPortInUse = errors.New("oauth: the redirect port is in use")

// PortError names the port that was taken.
type PortError struct{ Port int }

func (e *PortError) Error() string { return fmt.Sprintf("%v: %d", ErrPortInUse, e.Port) }
func (e *PortError) Unwrap() error { return ErrPortInUse }

// ErrorInfo is what the user's sentence shows.
func (e *PortError) ErrorInfo() map[string]any { return map[string]any{"port": e.Port} }

// Listen starts a loopback listener on port (0: any free port).
func Listen(port int) (*Loopback, error) {
	ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if port != 0 && addrInUse(err) {
		return nil, &PortError{Port: port}
	}
	if err != nil {
		return nil, fmt.Errorf("oauth: loopback listener: %w", err)
	}
	return &Loopback{ln: ln, redirect: fmt.Sprintf("http://127.0.0.1:%d/callback", ln.Addr().(*net.TCPAddr).Port)}, nil
}

// RedirectURL is the redirect URI to register and send.
func (l *Loopback) RedirectURL() string { return l.redirect }

// Close stops the listener. It is idempotent.
func (l *Loopback) Close() error {
	err := l.ln.Close()
	if errors.Is(err, net.ErrClosed) {
		return nil
	}
	return err
}

type result struct {
	code string
	err  error
}

// Wait serves the listener until a callback carrying state arrives, ctx
// ends, or timeout passes, and returns the authorization code.
func (l *Loopback) Wait(ctx context.Context, state string, timeout time.Duration) (string, error) {
	done, stop := l.serve(state)
	defer stop()
	return awaitCallback(ctx, done, timeout)
}

// serve starts answering callbacks; the first one carrying state is sent
// on the returned channel. Serving starts before the browser opens, so a
// fast redirect never waits on an unserved socket.
func (l *Loopback) serve(state string) (<-chan result, func()) {
	done := make(chan result, 1)
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/callback" {
			http.NotFound(w, r)
			return
		}
		q := r.URL.Query()
		if q.Get("state") != state {
			http.Error(w, "unexpected request", http.StatusBadRequest)
			return
		}
		var res result
		switch {
		case q.Get("error") != "":
			res.err = callbackError(q.Get("error"))
		case q.Get("code") == "":
			res.err = fmt.Errorf("%w: callback without a code", network.ErrProtocol)
		default:
			res.code = q.Get("code")
		}
		body := page(res.err == nil, r.Header.Get("Accept-Language"))
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Connection", "close")
		io.WriteString(w, body)
		// The page must reach the browser before the server stops: the
		// caller may stop it as soon as the result arrives.
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		select {
		case done <- res:
		default:
		}
	})}
	go srv.Serve(l.ln)
	return done, func() {
		// Let a page being written finish, then drop what is left.
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if srv.Shutdown(ctx) != nil {
			srv.Close()
		}
	}
}

// callbackError maps the error a network put on the redirect (RFC 6749
// 4.1.2.1) to a sentinel: only a refusal by the user is ErrDenied; a
// misconfigured developer app or a server fault must not read as "you
// declined".
func callbackError(code string) error {
	var sentinel error
	switch code {
	case "access_denied", "consent_required", "interaction_required", "login_required",
		"user_cancelled_login", "user_cancelled_authorize": // the last two: LinkedIn
		sentinel = network.ErrDenied
	case "unauthorized_client", "invalid_client":
		sentinel = network.ErrBadCredentials
	case "server_error", "temporarily_unavailable":
		sentinel = network.ErrUnreachable
	default:
		sentinel = network.ErrProtocol
	}
	if c := shortCode(code); c != "" {
		return fmt.Errorf("%w: %s", sentinel, c)
	}
	return sentinel
}

func awaitCallback(ctx context.Context, done <-chan result, timeout time.Duration) (string, error) {
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case res := <-done:
		return res.code, res.err
	case <-ctx.Done():
		return "", ctx.Err()
	case <-t.C:
		return "", network.ErrTimeout
	}
}

// page is the browser's answer after the redirect, in French or English.
func page(ok bool, acceptLanguage string) string {
	fr := strings.HasPrefix(strings.ToLower(strings.TrimSpace(acceptLanguage)), "fr")
	title, body := "Account connected", "You can close this tab and go back to Relais."
	if !ok {
		title, body = "Connection not finished", "Go back to Relais to see what happened."
	}
	if fr {
		title, body = "Compte connecté", "Vous pouvez fermer cet onglet et revenir à Relais."
		if !ok {
			title, body = "Connexion non terminée", "Revenez à Relais pour voir ce qui s’est passé."
		}
	}
	return `<!doctype html><meta charset="utf-8"><title>Relais</title>` +
		`<body style="font:16px system-ui;margin:15vh auto;max-width:32em;text-align:center">` +
		`<h1 style="font-size:1.4em">` + html.EscapeString(title) + `</h1><p>` + html.EscapeString(body) + `</p>`
}

// RandomState returns an unguessable state value.
func RandomState() string {
	b := make([]byte, 24)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Flow is one authorization: config, the listener it redirects to, and
// extra parameters the network wants on the authorization URL.
type Flow struct {
	Config  *oauth2.Config // RedirectURL must be the loopback's
	Open    network.Opener
	Timeout time.Duration // 0: 10 minutes
	// AuthParams are added to the authorization URL (e.g. Google's
	// access_type=offline).
	AuthParams map[string]string
	// ExchangeParams are added to the token request (e.g. TikTok's
	// client_key).
	ExchangeParams map[string]string
	// NoPKCE leaves PKCE out for servers that reject it.
	NoPKCE bool
}

// Authorize opens the browser on the authorization page, waits for the
// redirect on lb and exchanges the code. HTTP calls use the client in ctx
// (oauth2.HTTPClient), as golang.org/x/oauth2 does.
func Authorize(ctx context.Context, f Flow, lb *Loopback) (*oauth2.Token, error) {
	verifier := oauth2.GenerateVerifier()
	state := RandomState()
	var authOpts, exOpts []oauth2.AuthCodeOption
	if !f.NoPKCE {
		authOpts = append(authOpts, oauth2.S256ChallengeOption(verifier))
		exOpts = append(exOpts, oauth2.VerifierOption(verifier))
	}
	for k, v := range f.AuthParams {
		authOpts = append(authOpts, oauth2.SetAuthURLParam(k, v))
	}
	for k, v := range f.ExchangeParams {
		exOpts = append(exOpts, oauth2.SetAuthURLParam(k, v))
	}
	if f.Config.RedirectURL == "" {
		f.Config.RedirectURL = lb.RedirectURL()
	}
	done, stop := lb.serve(state)
	defer stop()
	if err := f.Open(f.Config.AuthCodeURL(state, authOpts...)); err != nil {
		return nil, fmt.Errorf("oauth: open the browser: %w", err)
	}
	timeout := f.Timeout
	if timeout == 0 {
		timeout = 10 * time.Minute
	}
	code, err := awaitCallback(ctx, done, timeout)
	if err != nil {
		return nil, err
	}
	tok, err := f.Config.Exchange(ctx, code, exOpts...)
	if err != nil {
		return nil, MapError(err)
	}
	return tok, nil
}

// MapError turns golang.org/x/oauth2's errors into network sentinels,
// keeping only the OAuth error code (never a response body, which could
// echo a credential, nor a URL, which may carry one in its query).
//
// invalid_grant and invalid_token mean the grant is gone: ErrRevoked.
// invalid_client and unauthorized_client mean the developer app's id or
// secret is wrong or not allowed this grant: ErrBadCredentials, since
// reconnecting the account cannot help. A cancelled or expired ctx is
// returned as is.
func MapError(err error) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		code := re.ErrorCode
		status := 0
		if re.Response != nil {
			status = re.Response.StatusCode
		}
		sentinel := network.Classify(status)
		switch code {
		case "invalid_grant", "invalid_token":
			sentinel = network.ErrRevoked
		case "invalid_client", "unauthorized_client":
			sentinel = network.ErrBadCredentials
		}
		return &network.StatusError{Status: status, Reason: shortCode(code), Err: sentinel}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		if errors.Is(err, context.Canceled) {
			return context.Canceled
		}
		return fmt.Errorf("%w: token endpoint timed out", network.ErrUnreachable)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		// ue.Error() quotes the URL; keep only the transport's reason.
		return fmt.Errorf("%w: %v", network.ErrUnreachable, ue.Err)
	}
	var ne net.Error
	if errors.As(err, &ne) || errors.Is(err, net.ErrClosed) {
		return fmt.Errorf("%w: connection failed", network.ErrUnreachable)
	}
	return fmt.Errorf("%w: token endpoint failed", network.ErrProtocol)
}

// shortCode keeps an OAuth error code only when it looks like one
// (RFC 6749 codes are short ASCII words): a server that puts free text,
// possibly echoing a credential, in "error" gets its reason dropped.
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

// addrInUse reports a port already taken: EADDRINUSE, or Windows'
// WSAEADDRINUSE (10048), which does not match it.
func addrInUse(err error) bool {
	var errno syscall.Errno
	return errors.As(err, &errno) && (errno == syscall.EADDRINUSE || errno == 10048)
}
