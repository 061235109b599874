package app

import (
	"context"
	"sync"
	"time"

	"relais/backend/account"
	"relais/backend/network"
	"relais/backend/vault"
)

// Accounts is the bound facade for connected accounts and the agency's
// developer apps. Its DTOs carry who an account is and how its connection
// stands, never a token or a secret.
type Accounts struct {
	a *App

	mu     sync.Mutex
	cancel context.CancelFunc // the OAuth flow waiting on the browser, if any
	flow   uint64             // counts flows, so an old one cannot clear a newer one's cancel
}

// NetworkInfo says how the UI connects to a network.
type NetworkInfo struct {
	Name        string `json:"name"`
	Kind        string `json:"kind"` // "mastodon", "bluesky" or "oauth"
	NeedsDevApp bool   `json:"needsDevApp"`
	HasDevApp   bool   `json:"hasDevApp"`
}

// Account is an account as the UI shows it.
type Account struct {
	ID          string          `json:"id"`
	WorkspaceID string          `json:"workspaceId"`
	Network     string          `json:"network"`
	Server      string          `json:"server"`
	Handle      string          `json:"handle"`
	DisplayName string          `json:"displayName"`
	AvatarURL   string          `json:"avatarUrl"`
	URL         string          `json:"url"`
	State       string          `json:"state"` // connected, expiring, needs_reconnect, vault_locked
	DaysLeft    int             `json:"daysLeft"`
	ReconnectBy string          `json:"reconnectBy"` // RFC 3339 or ""
	Problem     string          `json:"problem"`
	Limits      *network.Limits `json:"limits"`
	ConnectedAt string          `json:"connectedAt"`
}

// DevApp is a developer app as the UI shows it: the secret is never sent
// back, only whether one is stored.
type DevApp struct {
	Network   string `json:"network"`
	ClientID  string `json:"clientId"`
	Port      int    `json:"port"`
	HasSecret bool   `json:"hasSecret"`
}

func (a *App) vaultSvc() (*vault.Vault, error) {
	if _, _, _, err := a.services(); err != nil {
		return nil, err
	}
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.vault, nil
}

func (a *App) accountSvc() (*account.Service, error) {
	if _, _, _, err := a.services(); err != nil {
		return nil, err
	}
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.accounts, nil
}

func (f *Accounts) toDTO(acc account.Account, locked bool) Account {
	st, days := acc.StateAt(time.Now())
	if locked && st != account.StateNeedsReconnect {
		st = account.StateVaultLocked
	}
	d := Account{ID: acc.ID, WorkspaceID: acc.WorkspaceID, Network: string(acc.Network), Server: acc.Server,
		Handle: acc.Profile.Handle, DisplayName: acc.Profile.DisplayName, AvatarURL: acc.Profile.AvatarURL,
		URL: acc.Profile.URL, State: string(st), DaysLeft: days, Problem: acc.Problem, Limits: acc.Limits,
		ConnectedAt: acc.ConnectedAt.UTC().Format(rfc3339)}
	if !acc.ReconnectBy.IsZero() {
		d.ReconnectBy = acc.ReconnectBy.UTC().Format(rfc3339)
	}
	return d
}

func (f *Accounts) many(list []account.Account, err error) ([]Account, error) {
	if err != nil {
		return nil, err
	}
	v, _ := f.a.vaultSvc()
	locked := v == nil || !v.Unlocked(f.a.context())
	out := make([]Account, len(list))
	for i, acc := range list {
		out[i] = f.toDTO(acc, locked)
	}
	return out, nil
}

// Networks lists the networks Relais can connect, with what each needs.
func (f *Accounts) Networks() ([]NetworkInfo, error) {
	acc, err := f.a.accountSvc()
	if err != nil {
		return nil, err
	}
	apps, err := acc.DevApps(f.a.context())
	if err != nil {
		return nil, err
	}
	has := map[network.Name]bool{}
	for _, d := range apps {
		has[d.Network] = d.HasSecret || d.ClientID != ""
	}
	var out []NetworkInfo
	for _, n := range acc.Networks() {
		kind := "oauth"
		if n == network.Mastodon || n == network.Bluesky {
			kind = string(n)
		}
		out = append(out, NetworkInfo{Name: string(n), Kind: kind, NeedsDevApp: acc.NeedsDevApp(n), HasDevApp: has[n]})
	}
	return out, nil
}

// List returns a workspace's accounts.
func (f *Accounts) List(workspaceID string) ([]Account, error) {
	acc, err := f.a.accountSvc()
	if err != nil {
		return nil, err
	}
	return f.many(acc.List(f.a.context(), workspaceID))
}

// flowContext is the context of a connection that may wait on the
// browser; CancelConnect ends it.
func (f *Accounts) flowContext() (context.Context, func()) {
	ctx, cancel := context.WithCancel(f.a.context())
	f.mu.Lock()
	if f.cancel != nil {
		f.cancel()
	}
	f.flow++
	flow := f.flow
	f.cancel = cancel
	f.mu.Unlock()
	return ctx, func() {
		cancel()
		f.mu.Lock()
		// Only this flow's own: a newer one (which cancelled this) keeps
		// its Cancel button working.
		if f.flow == flow {
			f.cancel = nil
		}
		f.mu.Unlock()
	}
}

// CancelConnect abandons a connection waiting on the browser.
func (f *Accounts) CancelConnect() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.cancel != nil {
		f.cancel()
	}
}

func (f *Accounts) connect(workspaceID string, n network.Name, req network.Request) ([]Account, error) {
	acc, err := f.a.accountSvc()
	if err != nil {
		return nil, err
	}
	ctx, done := f.flowContext()
	defer done()
	req.Open = f.a.openBrowser
	out, err := f.many(acc.Connect(ctx, workspaceID, n, req))
	if err == nil {
		f.a.emit("accounts:changed", workspaceID)
	}
	return out, err
}

// ConnectMastodon connects an account on a Mastodon instance through the
// system browser.
func (f *Accounts) ConnectMastodon(workspaceID, server string) ([]Account, error) {
	return f.connect(workspaceID, network.Mastodon, network.Request{Server: server})
}

// ConnectBluesky connects a Bluesky account with a handle and an app
// password; server "" is the main Bluesky service.
func (f *Accounts) ConnectBluesky(workspaceID, server, handle, appPassword string) ([]Account, error) {
	return f.connect(workspaceID, network.Bluesky, network.Request{Server: server, Identifier: handle, Password: appPassword})
}

// ConnectOAuth connects an account on an OAuth network through the system
// browser, with the agency's developer app.
func (f *Accounts) ConnectOAuth(workspaceID, name string) ([]Account, error) {
	return f.connect(workspaceID, network.Name(name), network.Request{})
}

// Reconnect signs an account in again; appPassword is for Bluesky only.
func (f *Accounts) Reconnect(id, appPassword string) (Account, error) {
	acc, err := f.a.accountSvc()
	if err != nil {
		return Account{}, err
	}
	ctx, done := f.flowContext()
	defer done()
	a, err := acc.Reconnect(ctx, id, network.Request{Password: appPassword, Open: f.a.openBrowser})
	if err != nil {
		return Account{}, err
	}
	f.a.emit("accounts:changed", a.WorkspaceID)
	return f.toDTO(a, false), nil
}

// Disconnected tells the UI whether the network revoked the token too.
type Disconnected struct {
	Revoked bool `json:"revoked"`
}

// Disconnect revokes an account's token where the network allows and
// removes the account and its secrets.
func (f *Accounts) Disconnect(id string) (Disconnected, error) {
	acc, err := f.a.accountSvc()
	if err != nil {
		return Disconnected{}, err
	}
	a, err := acc.Get(f.a.context(), id)
	if err != nil {
		return Disconnected{}, err
	}
	revokeErr, err := acc.Disconnect(f.a.context(), id)
	if err != nil {
		return Disconnected{}, err
	}
	if revokeErr != nil {
		f.a.log.Warn("revocation failed", "network", a.Network, "err", revokeErr)
	}
	f.a.emit("accounts:changed", a.WorkspaceID)
	return Disconnected{Revoked: revokeErr == nil}, nil
}

// DevApps lists the agency's developer apps.
func (f *Accounts) DevApps() ([]DevApp, error) {
	acc, err := f.a.accountSvc()
	if err != nil {
		return nil, err
	}
	list, err := acc.DevApps(f.a.context())
	if err != nil {
		return nil, err
	}
	out := make([]DevApp, len(list))
	for i, d := range list {
		out[i] = DevApp{Network: string(d.Network), ClientID: d.ClientID, Port: d.Port, HasSecret: d.HasSecret}
	}
	return out, nil
}

// SetDevApp saves a developer app; an empty secret keeps the stored one.
func (f *Accounts) SetDevApp(name, clientID, clientSecret string, port int) (DevApp, error) {
	acc, err := f.a.accountSvc()
	if err != nil {
		return DevApp{}, err
	}
	d, err := acc.SetDevApp(f.a.context(), network.Name(name), clientID, clientSecret, port)
	if err != nil {
		return DevApp{}, err
	}
	return DevApp{Network: string(d.Network), ClientID: d.ClientID, Port: d.Port, HasSecret: d.HasSecret}, nil
}

// DeleteDevApp removes a developer app and its secret.
func (f *Accounts) DeleteDevApp(name string) error {
	acc, err := f.a.accountSvc()
	if err != nil {
		return err
	}
	return acc.DeleteDevApp(f.a.context(), network.Name(name))
}
