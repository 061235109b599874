package bluesky

// Corner cases the real server does not produce on demand (rate limits,
// server errors, garbage answers), against httptest servers that answer
// as Bluesky's XRPC does: JSON bodies {"error": NAME, "message": TEXT}.

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"relais/backend/network"
)

// fakeJWT builds an unsigned JWT with the given claims.
func fakeJWT(claims map[string]any) string {
	h := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"ES256K","typ":"at+jwt"}`))
	b, _ := json.Marshal(claims)
	return h + "." + base64.RawURLEncoding.EncodeToString(b) + ".c2ln"
}

func xrpcError(w http.ResponseWriter, status int, name, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"error":%q,"message":%q}`, name, msg)
}

func TestServerAddress(t *testing.T) {
	for _, tc := range []struct {
		def, in, want string
		bad           bool
	}{
		{in: "", want: "https://bsky.social"},
		{def: "https://pds.example.org", in: "  ", want: "https://pds.example.org"},
		{in: "example.com", want: "https://example.com"},
		{in: "PDS.Example.com:8443/", want: "https://pds.example.com:8443"},
		{in: "https://pds.example.com/xrpc/?x=1#f", want: "https://pds.example.com"},
		{in: "http://127.0.0.1:2583", want: "http://127.0.0.1:2583"},
		{in: "http://localhost:2583/", want: "http://localhost:2583"},
		{in: "http://[::1]:2583", want: "http://[::1]:2583"},
		{in: "http://pds.example.com", bad: true}, // an app password never goes out in clear
		{in: "ftp://pds.example.com", bad: true},
		{in: "https://user:pw@pds.example.com", bad: true},
		{in: "https://", bad: true},
		{in: "https://exa mple.com", bad: true},
	} {
		got, err := (&Client{DefaultServer: tc.def}).server(tc.in)
		switch {
		case tc.bad && !errors.Is(err, ErrInvalidServer):
			t.Errorf("server(%q) = %q, %v; want ErrInvalidServer", tc.in, got, err)
		case !tc.bad && (err != nil || got != tc.want):
			t.Errorf("server(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

// TestConnectWithoutScheme: an address typed without a scheme is reached
// over https.
func TestConnectWithoutScheme(t *testing.T) {
	ts := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/xrpc/com.atproto.server.createSession":
			json.NewEncoder(w).Encode(map[string]string{
				"did": "did:plc:abc", "handle": "alice.example.com",
				"accessJwt":  fakeJWT(map[string]any{"sub": "did:plc:abc", "exp": 2000000000}),
				"refreshJwt": fakeJWT(map[string]any{"sub": "did:plc:abc", "exp": 2100000000}),
			})
		default:
			xrpcError(w, 501, "MethodNotImplemented", "no appview")
		}
	}))
	defer ts.Close()
	typed := strings.TrimPrefix(ts.URL, "https://")
	c := &Client{HTTP: ts.Client()}
	grants, err := c.Connect(context.Background(), network.Request{Server: typed, Identifier: "alice.example.com", Password: "app-pass"})
	if err != nil {
		t.Fatal(err)
	}
	g := grants[0]
	if g.Server != ts.URL {
		t.Errorf("Server = %q; want %q", g.Server, ts.URL)
	}
	if !g.Token.Expiry.Equal(time.Unix(2000000000, 0)) || !g.Token.RefreshExpiry.Equal(time.Unix(2100000000, 0)) {
		t.Errorf("expiry %v / %v; want the JWTs' exp", g.Token.Expiry, g.Token.RefreshExpiry)
	}
	if g.Profile.URL != "https://bsky.app/profile/alice.example.com" || g.Profile.DisplayName != "" {
		t.Errorf("Profile = %+v", g.Profile)
	}
}

func TestErrorMapping(t *testing.T) {
	const pw = "abcd-efgh-ijkl-mnop"
	reset := time.Now().Add(90 * time.Second).Unix()
	for _, tc := range []struct {
		name    string
		handler http.HandlerFunc
		want    error
		reason  string
		retry   time.Duration // 0: none expected
	}{
		{"429 Retry-After seconds", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "120")
			xrpcError(w, 429, "RateLimitExceeded", "Rate Limit Exceeded")
		}, network.ErrRateLimited, "RateLimitExceeded", 120 * time.Second},
		{"429 RateLimit-Reset", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("RateLimit-Limit", "30")
			w.Header().Set("RateLimit-Remaining", "0")
			w.Header().Set("RateLimit-Reset", strconv.FormatInt(reset, 10))
			w.Header().Set("RateLimit-Policy", "30;w=300")
			xrpcError(w, 429, "RateLimitExceeded", "Rate Limit Exceeded")
		}, network.ErrRateLimited, "RateLimitExceeded", 90 * time.Second},
		{"429 bare", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(429)
		}, network.ErrRateLimited, "Too Many Requests", 0},
		{"500", func(w http.ResponseWriter, r *http.Request) {
			xrpcError(w, 500, "InternalServerError", "Internal Server Error")
		}, network.ErrUnreachable, "InternalServerError", 0},
		{"502 HTML from a proxy", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(502)
			fmt.Fprint(w, "<html>Bad Gateway</html>")
		}, network.ErrUnreachable, "Bad Gateway", 0},
		{"garbage JSON", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `{"did": "did:plc:abc", "accessJwt": `)
		}, network.ErrProtocol, "answer is not the expected JSON", 0},
		{"HTML 200", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, "<html>captive portal</html>")
		}, network.ErrProtocol, "answer is not the expected JSON", 0},
		{"no tokens", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `{"did":"did:plc:abc","handle":"a.test"}`)
		}, network.ErrProtocol, "no session in the answer", 0},
		{"wrong password", func(w http.ResponseWriter, r *http.Request) {
			xrpcError(w, 401, "AuthenticationRequired", "Invalid identifier or password")
		}, network.ErrBadCredentials, "AuthenticationRequired", 0},
		{"account password with 2FA", func(w http.ResponseWriter, r *http.Request) {
			xrpcError(w, 401, "AuthFactorTokenRequired", "A sign in code has been sent to your email address")
		}, network.ErrBadCredentials, "AuthFactorTokenRequired", 0},
		{"taken down", func(w http.ResponseWriter, r *http.Request) {
			xrpcError(w, 401, "AccountTakedown", "Account has been taken down")
		}, network.ErrRevoked, "AccountTakedown", 0},
		{"400 invalid request", func(w http.ResponseWriter, r *http.Request) {
			xrpcError(w, 400, "InvalidRequest", "Input/identifier must be a string")
		}, network.ErrProtocol, "InvalidRequest", 0},
		{"server echoes the password", func(w http.ResponseWriter, r *http.Request) {
			var in map[string]string
			json.NewDecoder(r.Body).Decode(&in)
			xrpcError(w, 400, "bad password "+in["password"], in["password"])
		}, network.ErrProtocol, "Bad Request", 0},
		{"deactivated", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, `{"did":"did:plc:abc","handle":"a.test","accessJwt":"x.y.z","refreshJwt":"x.y.z","active":false,"status":"deactivated"}`)
		}, network.ErrRevoked, "account deactivated", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts := httptest.NewServer(tc.handler)
			defer ts.Close()
			_, err := (&Client{}).Connect(context.Background(), network.Request{Server: ts.URL, Identifier: "alice.test", Password: pw})
			if !errors.Is(err, tc.want) {
				t.Fatalf("Connect = %v; want %v", err, tc.want)
			}
			var se *network.StatusError
			if !errors.As(err, &se) {
				t.Fatalf("Connect = %v; want a *network.StatusError", err)
			}
			if !strings.HasPrefix(se.Reason, tc.reason) {
				t.Errorf("Reason = %q; want %q", se.Reason, tc.reason)
			}
			if strings.Contains(err.Error(), pw) {
				t.Errorf("error %q contains the password", err)
			}
			d, ok := RetryAfter(err)
			if tc.retry == 0 && ok {
				t.Errorf("RetryAfter = %v; want none", d)
			}
			if tc.retry != 0 && (!ok || d < tc.retry-5*time.Second || d > tc.retry) {
				t.Errorf("RetryAfter = %v, %t; want about %v", d, ok, tc.retry)
			}
		})
	}
}

// TestRefreshFallback: which refresh failures recreate the session from
// the kept app password, and which are left to a later retry.
func TestRefreshFallback(t *testing.T) {
	const pw = "abcd-efgh-ijkl-mnop"
	did := "did:plc:ewvi7nxzyoun6zhxrhs64oiz"
	oldTok := network.Token{
		Access:   fakeJWT(map[string]any{"sub": did, "exp": time.Now().Add(-time.Hour).Unix()}),
		Refresh:  fakeJWT(map[string]any{"sub": did, "exp": time.Now().Add(time.Hour).Unix(), "jti": "old"}),
		Password: pw,
	}
	newSession := func(w http.ResponseWriter) {
		json.NewEncoder(w).Encode(map[string]string{
			"did": did, "handle": "alice.test",
			"accessJwt":  fakeJWT(map[string]any{"sub": did, "exp": time.Now().Add(2 * time.Hour).Unix()}),
			"refreshJwt": fakeJWT(map[string]any{"sub": did, "exp": time.Now().Add(90 * 24 * time.Hour).Unix(), "jti": "new"}),
		})
	}
	for _, tc := range []struct {
		name       string
		refresh    func(w http.ResponseWriter)
		create     func(w http.ResponseWriter)
		noPassword bool
		want       error // nil: a new token
		creates    int32
	}{
		{"refreshed", newSession, nil, false, nil, 0},
		{"400 ExpiredToken", func(w http.ResponseWriter) { xrpcError(w, 400, "ExpiredToken", "Token has expired") }, newSession, false, nil, 1},
		{"400 InvalidToken", func(w http.ResponseWriter) { xrpcError(w, 400, "InvalidToken", "Token has been revoked") }, newSession, false, nil, 1},
		{"401", func(w http.ResponseWriter) { xrpcError(w, 401, "AuthenticationRequired", "") }, newSession, false, nil, 1},
		{"401 no password", func(w http.ResponseWriter) { xrpcError(w, 401, "AuthenticationRequired", "") }, newSession, true, network.ErrRevoked, 0},
		{"app password revoked", func(w http.ResponseWriter) { xrpcError(w, 400, "ExpiredToken", "") },
			func(w http.ResponseWriter) {
				xrpcError(w, 401, "AuthenticationRequired", "Invalid identifier or password")
			}, false, network.ErrRevoked, 1},
		{"503 is retried later", func(w http.ResponseWriter) { xrpcError(w, 503, "", "") }, newSession, false, network.ErrUnreachable, 0},
		{"429 is retried later", func(w http.ResponseWriter) { xrpcError(w, 429, "RateLimitExceeded", "") }, newSession, false, network.ErrRateLimited, 0},
		{"recreate rate limited", func(w http.ResponseWriter) { xrpcError(w, 400, "ExpiredToken", "") },
			func(w http.ResponseWriter) { xrpcError(w, 429, "RateLimitExceeded", "") }, false, network.ErrRateLimited, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var creates atomic.Int32
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				switch r.URL.Path {
				case "/xrpc/com.atproto.server.refreshSession":
					if r.Header.Get("Authorization") != "Bearer "+oldTok.Refresh {
						xrpcError(w, 400, "InvalidToken", "")
						return
					}
					tc.refresh(w)
				case "/xrpc/com.atproto.server.createSession":
					creates.Add(1)
					var in map[string]string
					json.NewDecoder(r.Body).Decode(&in)
					if in["identifier"] != did || in["password"] != pw {
						xrpcError(w, 401, "AuthenticationRequired", "")
						return
					}
					tc.create(w)
				default:
					http.NotFound(w, r)
				}
			}))
			defer ts.Close()
			tok := oldTok
			if tc.noPassword {
				tok.Password = ""
			}
			got, err := (&Client{}).Refresh(context.Background(), ts.URL, nil, tok)
			if n := creates.Load(); n != tc.creates {
				t.Errorf("createSession called %d times; want %d", n, tc.creates)
			}
			if tc.want != nil {
				if !errors.Is(err, tc.want) {
					t.Fatalf("Refresh = %v; want %v", err, tc.want)
				}
				for _, s := range []string{pw, oldTok.Access, oldTok.Refresh} {
					if strings.Contains(err.Error(), s) {
						t.Errorf("error %q contains a secret", err)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("Refresh = %v", err)
			}
			if claimsOf(got.Refresh).Sub != did || got.Refresh == oldTok.Refresh || got.Password != tok.Password {
				t.Errorf("Refresh gave %+v", got)
			}
			if time.Until(got.Expiry) < time.Hour {
				t.Errorf("Expiry = %v; want the new token's", got.Expiry)
			}
		})
	}
}

func TestClaims(t *testing.T) {
	for _, tc := range []struct {
		jwt  string
		want claims
	}{
		{fakeJWT(map[string]any{"sub": "did:plc:x", "exp": 1700000000, "scope": "com.atproto.appPass"}), claims{1700000000, "did:plc:x", "com.atproto.appPass"}},
		{"a.b", claims{}},
		{"a.!!!.c", claims{}},
		{"a." + base64.RawURLEncoding.EncodeToString([]byte("[1]")) + ".c", claims{}},
		{"", claims{}},
	} {
		if got := claimsOf(tc.jwt); got != tc.want {
			t.Errorf("claimsOf(%q) = %+v; want %+v", tc.jwt, got, tc.want)
		}
	}
	now := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	s := session{AccessJWT: "opaque", RefreshJWT: "opaque"}
	tok := s.token(now)
	if !tok.Expiry.Equal(now.Add(fallbackAccessTTL)) || !tok.RefreshExpiry.Equal(now.Add(fallbackRefreshTTL)) {
		t.Errorf("fallback expiry %v / %v", tok.Expiry, tok.RefreshExpiry)
	}
	if subject(fakeJWT(map[string]any{"sub": "alice"})) != "" {
		t.Error("subject accepted a non-DID sub")
	}
}

func TestContextCancelled(t *testing.T) {
	done := make(chan struct{})
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-done
	}))
	defer ts.Close()
	defer close(done)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := (&Client{}).Connect(ctx, network.Request{Server: ts.URL, Identifier: "a.test", Password: "p"})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Connect = %v; want context.DeadlineExceeded", err)
	}
}

// FuzzClaims: JWT payloads come from the network.
func FuzzClaims(f *testing.F) {
	f.Add(fakeJWT(map[string]any{"sub": "did:plc:x", "exp": 1700000000}))
	f.Add("a.e30.c")
	f.Add("..")
	f.Fuzz(func(t *testing.T, jwt string) {
		c := claimsOf(jwt)
		_ = c.expiry(time.Now())
		_ = subject(jwt)
	})
}

// FuzzStatusError: error bodies come from the network; the reason stays
// short and never carries the request's secrets.
func FuzzStatusError(f *testing.F) {
	f.Add(400, []byte(`{"error":"ExpiredToken","message":"Token has expired"}`), "secret-pw")
	f.Add(429, []byte(`{"error":"secret-pw"}`), "secret-pw")
	f.Add(500, []byte(`garbage`), "x")
	f.Fuzz(func(t *testing.T, status int, body []byte, secret string) {
		if status < 100 || status > 999 {
			return
		}
		resp := &http.Response{StatusCode: status, Header: http.Header{}}
		se := statusError(resp, body, []string{secret})
		if len(se.Reason) > 64 {
			t.Errorf("Reason %q longer than 64 bytes", se.Reason)
		}
		if len(secret) >= 4 && strings.Contains(se.Reason, secret) && !strings.Contains(http.StatusText(status), secret) {
			t.Errorf("Reason %q carries the secret %q", se.Reason, secret)
		}
		if se.Err == nil {
			t.Error("no sentinel")
		}
	})
}
