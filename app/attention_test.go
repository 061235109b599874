package app

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"relais/backend/account"
	"relais/backend/network"
	"relais/backend/vault"
	"relais/backend/workspace"
)

// attnConnector grants one account on its network with the token and
// refreshability given, as a network's sign-in would.
type attnConnector struct {
	net         network.Name
	handle      string
	tok         network.Token
	refreshable bool
}

func (c attnConnector) Network() network.Name { return c.net }
func (c attnConnector) NeedsDevApp() bool     { return false }
func (c attnConnector) Connect(context.Context, network.Request) ([]network.Grant, error) {
	return []network.Grant{{Server: "https://" + string(c.net) + ".test", Token: c.tok, Refreshable: c.refreshable,
		Profile: network.Profile{RemoteID: "id-" + c.handle, Handle: c.handle}}}, nil
}
func (c attnConnector) Refresh(context.Context, string, *network.DevApp, network.Token) (network.Token, error) {
	return network.Token{}, network.ErrRevoked
}
func (c attnConnector) Verify(context.Context, string, network.Token) (network.Profile, error) {
	return network.Profile{}, network.ErrRevoked
}
func (c attnConnector) Revoke(context.Context, string, *network.DevApp, network.Token) error {
	return nil
}

func TestAttention(t *testing.T) {
	a := New(nil)
	a.ctx = context.Background()
	if err := a.open(context.Background(), t.TempDir()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Shutdown(context.Background()) })
	// Passphrase mode (cheap argon2id), so that Lock below really locks.
	a.mu.RLock()
	a.vault.SetKDF(vault.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1})
	a.mu.RUnlock()
	if err := a.Vault.SetUpPassphrase("a passphrase long enough"); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	// Nothing connected: an empty list, not null, for the frontend.
	got, err := a.Accounts.Attention()
	if err != nil || got == nil || len(got) != 0 {
		t.Fatalf("Attention with no account = %#v, %v; want []", got, err)
	}

	mkws := func(name string) string {
		w, err := a.Workspaces.Create(workspace.Settings{Name: name, Timezone: "Europe/Paris", Language: "fr"})
		if err != nil {
			t.Fatal(err)
		}
		return w.ID
	}
	cafe, atelier := mkws("Café Lumière"), mkws("Atelier Nord")
	now := time.Now()
	day := 24 * time.Hour
	connect := func(ws string, c attnConnector) string {
		t.Helper()
		a.mu.RLock()
		svc := account.New(a.db, a.vault, a.workspaces, c)
		a.mu.RUnlock()
		accs, err := svc.Connect(ctx, ws, c.net, network.Request{})
		if err != nil || len(accs) != 1 {
			t.Fatalf("connecting %s = %+v, %v", c.net, accs, err)
		}
		return accs[0].ID
	}
	secret := func(s string) network.Token {
		return network.Token{Access: "ACCESS-" + s, Refresh: "REFRESH-" + s}
	}

	// Café Lumière: a LinkedIn token to renew by hand in 5 days (listed), an
	// X token refreshed by itself (not listed), Pinterest to reconnect in
	// 20 days, beyond the reminder (not listed).
	tok := secret("linkedin")
	tok.Refresh, tok.Expiry = "", now.Add(5*day-time.Hour)
	linkedin := connect(cafe, attnConnector{net: network.LinkedIn, handle: "cafe-lumiere", tok: tok})
	tok = secret("x")
	tok.Expiry, tok.RefreshExpiry = now.Add(2*time.Hour), now.Add(90*day)
	connect(cafe, attnConnector{net: network.X, handle: "@cafelumiere", tok: tok, refreshable: true})
	tok = secret("pinterest")
	tok.Refresh, tok.Expiry = "", now.Add(20*day)
	connect(cafe, attnConnector{net: network.Pinterest, handle: "cafelumiere", tok: tok})

	// Atelier Nord: Threads refused by the network, a Facebook Page past
	// its reconnect-by date, a YouTube channel fine for ever.
	threads := connect(atelier, attnConnector{net: network.Threads, handle: "atelier.nord", tok: secret("threads"), refreshable: true})
	a.mu.RLock()
	svc := a.accounts
	a.mu.RUnlock()
	if _, err := svc.MarkRevoked(ctx, threads, "invalid_grant"); err != nil {
		t.Fatal(err)
	}
	tok = secret("facebook")
	tok.Refresh, tok.Expiry = "", now.Add(-day)
	facebook := connect(atelier, attnConnector{net: network.Facebook, handle: "Atelier Nord", tok: tok})
	connect(atelier, attnConnector{net: network.YouTube, handle: "@ateliernord", tok: secret("youtube"), refreshable: true})

	got, err = a.Accounts.Attention()
	if err != nil {
		t.Fatal(err)
	}
	type row struct{ id, ws, state, problem string }
	var rows []row
	for _, d := range got {
		rows = append(rows, row{d.ID, d.WorkspaceID, d.State, d.Problem})
	}
	want := []row{{threads, atelier, "needs_reconnect", "invalid_grant"}, {facebook, atelier, "needs_reconnect", ""}, {linkedin, cafe, "expiring", ""}}
	if len(rows) != 3 {
		t.Fatalf("Attention = %+v; want the Threads, Facebook and LinkedIn accounts", rows)
	}
	byID := map[string]Account{}
	for _, d := range got {
		byID[d.ID] = d
	}
	for _, w := range want {
		d, ok := byID[w.id]
		if !ok || d.WorkspaceID != w.ws || d.State != w.state || d.Problem != w.problem {
			t.Errorf("account %s = %+v; want %+v", w.id, d, w)
		}
	}
	if got[2].ID != linkedin || got[2].DaysLeft != 5 || got[2].ReconnectBy == "" {
		t.Errorf("last = %+v; want the LinkedIn account, 5 days left, with its date", got[2])
	}
	// Most urgent first: those to reconnect (same workspace: by network),
	// then the one expiring.
	if got[0].ID != facebook || got[1].ID != threads {
		t.Errorf("order = %+v; want Facebook then Threads (to reconnect) first", rows)
	}
	blob, _ := json.Marshal(got)
	for _, s := range []string{"ACCESS-", "REFRESH-"} {
		if strings.Contains(string(blob), s) {
			t.Errorf("a token (%s…) reached the DTO: %s", s, blob)
		}
	}

	// A locked vault hides no reminder: List says "vault_locked", Attention
	// still says what the user must do.
	if err := a.Vault.Lock(); err != nil {
		t.Fatal(err)
	}
	list, err := a.Accounts.List(cafe)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range list {
		if d.ID == linkedin && d.State != "vault_locked" {
			t.Fatalf("precondition: List with the vault locked = %s; want vault_locked", d.State)
		}
	}
	got, err = a.Accounts.Attention()
	if err != nil || len(got) != 3 || got[2].ID != linkedin || got[2].State != "expiring" {
		t.Errorf("Attention with the vault locked = %+v, %v; want the same three, LinkedIn expiring", got, err)
	}
}
