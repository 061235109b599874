package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"relais/backend/account"
	"relais/backend/network"
)

// fakeBoards speaks Pinterest's GET /v5/boards as documented: pages of
// {"items": [...], "bookmark": ...}, the bookmark null on the last one,
// {"code", "message"} errors; only token's bearer is accepted.
type fakeBoards struct {
	*httptest.Server
	token string
	names []string
	calls int
}

func newFakeBoards(t *testing.T, token string, names ...string) *fakeBoards {
	f := &fakeBoards{token: token, names: names}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.calls++
		w.Header().Set("Content-Type", "application/json")
		if r.Header.Get("Authorization") != "Bearer "+f.token {
			w.WriteHeader(401)
			fmt.Fprint(w, `{"code":2,"message":"Authentication failed."}`)
			return
		}
		if r.Method != "GET" || r.URL.Path != "/v5/boards" {
			w.WriteHeader(404)
			fmt.Fprint(w, `{"code":404,"message":"Not found."}`)
			return
		}
		size, _ := strconv.Atoi(r.URL.Query().Get("page_size"))
		if size < 1 || size > 250 {
			size = 25
		}
		start, _ := strconv.Atoi(r.URL.Query().Get("bookmark"))
		items := []map[string]any{}
		for i := start; i < len(f.names) && i < start+size; i++ {
			privacy := []string{"PUBLIC", "SECRET", "PROTECTED"}[i%3]
			items = append(items, map[string]any{"id": fmt.Sprint(9000 + i), "name": f.names[i], "description": "",
				"privacy": privacy, "owner": map[string]any{"username": "cafelumiere"}})
		}
		out := map[string]any{"items": items, "bookmark": nil}
		if start+size < len(f.names) {
			out["bookmark"] = fmt.Sprint(start + size)
		}
		json.NewEncoder(w).Encode(out)
	}))
	t.Cleanup(f.Close)
	return f
}

// pinConnector stands for the Pinterest OAuth flow (browser, code
// exchange, profile), which package oauthnet tests: it grants one account
// on the fake's API with the given token.
type pinConnector struct {
	server, token string
}

func (c pinConnector) Network() network.Name { return network.Pinterest }
func (c pinConnector) NeedsDevApp() bool     { return false }
func (c pinConnector) Connect(context.Context, network.Request) ([]network.Grant, error) {
	now := time.Now()
	return []network.Grant{{Server: c.server + "/v5", Profile: network.Profile{RemoteID: "549755813888", Handle: "cafelumiere",
		DisplayName: "Café Lumière", URL: "https://www.pinterest.com/cafelumiere/"},
		Token: network.Token{Access: c.token, Refresh: "REFRESH-" + c.token, Type: "bearer", Scope: "boards:read,pins:read,pins:write",
			Expiry: now.Add(30 * 24 * time.Hour), RefreshExpiry: now.Add(60 * 24 * time.Hour)}}}, nil
}
func (c pinConnector) Refresh(context.Context, string, *network.DevApp, network.Token) (network.Token, error) {
	return network.Token{}, network.ErrRevoked
}
func (c pinConnector) Verify(context.Context, string, network.Token) (network.Profile, error) {
	return network.Profile{}, network.ErrRevoked
}
func (c pinConnector) Revoke(context.Context, string, *network.DevApp, network.Token) error {
	return nil
}

// connectPinterest stores a Pinterest account in the app's workspace, its
// token sealed in the vault, as the OAuth flow would.
func connectPinterest(t *testing.T, a *App, ws, server, token string) string {
	t.Helper()
	a.mu.RLock()
	svc := account.New(a.db, a.vault, a.workspaces, pinConnector{server: server, token: token})
	a.mu.RUnlock()
	accs, err := svc.Connect(context.Background(), ws, network.Pinterest, network.Request{})
	if err != nil || len(accs) != 1 {
		t.Fatalf("connecting Pinterest = %+v, %v", accs, err)
	}
	return accs[0].ID
}

func TestBoards(t *testing.T) {
	a, _, _, ws, mast := scheduleTestApp(t)
	const token = "pina_BOARDS-TOKEN-1"
	names := []string{"Zinc", "apéro"}
	for i := range 120 {
		names = append(names, fmt.Sprintf("Recettes %03d", i))
	}
	names = append(names, "Brunch")
	fake := newFakeBoards(t, token, names...)
	pin := connectPinterest(t, a, ws, fake.URL, token)

	got, err := a.Posts.Boards(pin)
	if err != nil {
		t.Fatal(err)
	}
	if fake.calls != 2 {
		t.Errorf("%d calls; want 2 pages", fake.calls)
	}
	if len(got) != len(names) || got[0] != (Board{ID: "9001", Name: "apéro", Privacy: "SECRET"}) || got[1].Name != "Brunch" ||
		got[len(got)-1] != (Board{ID: "9000", Name: "Zinc", Privacy: "PUBLIC"}) {
		t.Errorf("Boards = %d boards, first %+v, last %+v", len(got), got[:2], got[len(got)-1])
	}
	b, _ := json.Marshal(got[0])
	if string(b) != `{"id":"9001","name":"apéro","privacy":"SECRET"}` {
		t.Errorf("JSON = %s", b)
	}

	// Errors reach the UI as codes, never with the token.
	fake.token = "pina_OTHER"
	cases := []struct {
		name, id, code string
		is             error
	}{
		{"refused token", pin, "network.revoked", network.ErrRevoked},
		{"not Pinterest", mast, "account.unknownNetwork", account.ErrUnknownNetwork},
		{"no such account", "no-such-account", "account.notFound", account.ErrNotFound},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := a.Posts.Boards(c.id)
			if !errors.Is(err, c.is) || got != nil {
				t.Fatalf("Boards = %v, %v; want %v", got, err, c.is)
			}
			ue, _ := a.FormatError(err).(UIError)
			if ue.Code != c.code {
				t.Errorf("code = %q; want %q", ue.Code, c.code)
			}
			b, _ := json.Marshal(ue)
			if strings.Contains(err.Error(), token) || strings.Contains(string(b), token) {
				t.Errorf("the token reached the error: %v", err)
			}
		})
	}
}

// callBoards lists a Pinterest account's boards for the secrets test and
// returns the token it handled, which must appear nowhere.
func callBoards(t *testing.T, a *App, ws string, call func(string) func(any, error)) []string {
	t.Helper()
	const token = "pina_SECRET-BOARDS-TOKEN"
	fake := newFakeBoards(t, token, "Brunch", "Apéro")
	pin := connectPinterest(t, a, ws, fake.URL, token)
	got, err := a.Posts.Boards(pin)
	call("Posts.Boards")(got, err)
	if err != nil || len(got) != 2 {
		t.Errorf("Boards = %+v, %v", got, err)
	}
	return []string{token, "REFRESH-" + token}
}
