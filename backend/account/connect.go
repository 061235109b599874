package account

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"relais/backend/network"
	"relais/backend/store"
	"relais/backend/vault"
)

// ErrDifferentAccount is returned when a reconnect signs in as another
// account than the one being reconnected.
var ErrDifferentAccount = errors.New("account: signed in as a different account")

// Connect authenticates with req on network n and stores every account it
// gives access to in the workspace. An account already connected to the
// workspace is reconnected (its token replaced) rather than duplicated.
func (s *Service) Connect(ctx context.Context, workspaceID string, n network.Name, req network.Request) ([]Account, error) {
	c, err := s.connector(n)
	if err != nil {
		return nil, err
	}
	if ok, err := s.workspaces.Exists(ctx, workspaceID); err != nil {
		return nil, err
	} else if !ok {
		return nil, ErrNoWorkspace
	}
	if !s.vault.Unlocked(ctx) {
		return nil, vault.ErrLocked
	}
	if req.Server, err = normServer(n, req.Server); err != nil {
		return nil, err
	}
	if c.NeedsDevApp() {
		app, err := s.devApp(ctx, n)
		if err != nil {
			return nil, err
		}
		req.App = app
	}
	grants, err := c.Connect(ctx, req)
	if err != nil {
		return nil, err
	}
	if len(grants) == 0 {
		return nil, fmt.Errorf("%w: no account in the answer", network.ErrProtocol)
	}
	out := make([]Account, 0, len(grants))
	for _, g := range grants {
		a, err := s.store(ctx, workspaceID, n, "", g)
		if err != nil {
			return out, err
		}
		out = append(out, a)
	}
	return out, nil
}

// Reconnect signs an account in again (after a revoked token or before its
// end): the new token replaces the old one if the network answers for the
// same account.
func (s *Service) Reconnect(ctx context.Context, id string, req network.Request) (Account, error) {
	a, err := s.Get(ctx, id)
	if err != nil {
		return Account{}, err
	}
	c, err := s.connector(a.Network)
	if err != nil {
		return Account{}, err
	}
	if !s.vault.Unlocked(ctx) {
		return Account{}, vault.ErrLocked
	}
	if req.Server == "" {
		req.Server = a.Server
	}
	if req.Server, err = normServer(a.Network, req.Server); err != nil {
		return Account{}, err
	}
	if c.NeedsDevApp() {
		if req.App, err = s.devApp(ctx, a.Network); err != nil {
			return Account{}, err
		}
	}
	if a.Network == network.Bluesky && req.Identifier == "" {
		req.Identifier = a.Profile.Handle
	}
	grants, err := c.Connect(ctx, req)
	if err != nil {
		return Account{}, err
	}
	for _, g := range grants {
		if g.Profile.RemoteID == a.Profile.RemoteID {
			return s.store(ctx, a.WorkspaceID, a.Network, a.ID, g)
		}
	}
	return Account{}, fmt.Errorf("%w: expected %s", ErrDifferentAccount, a.Profile.Handle)
}

// store writes a grant as a new account, or over the workspace's existing
// account for the same remote identity, with its token sealed in the same
// transaction.
func (s *Service) store(ctx context.Context, workspaceID string, n network.Name, id string, g network.Grant) (Account, error) {
	now := s.now().UTC()
	if id == "" {
		err := s.db.View(ctx, func(t *store.Txn) (err error) {
			id, err = s.findTx(t, workspaceID, n, g.Server, g.Profile.RemoteID)
			return err
		})
		if err != nil {
			return Account{}, err
		}
	}
	// The stored token is read before the write transaction: what it lacks
	// in the new grant (a refresh token, an app password) is kept.
	var old network.Token
	if id != "" {
		old, _ = s.token(ctx, id)
	}
	var a Account
	err := s.db.Update(ctx, func(t *store.Txn) error {
		a = Account{}
		if id != "" {
			if err := getTx(t, id, &a); err != nil {
				return err
			}
		} else {
			a = Account{ID: newID(), WorkspaceID: workspaceID, Network: n, ConnectedAt: now}
		}
		tok := merge(old, g.Token)
		a.Server, a.Profile, a.Refreshable = g.Server, g.Profile, g.Refreshable
		if g.Limits != nil {
			a.Limits = g.Limits
		}
		a.setExpiry(tok)
		a.NeedsReconnect, a.Problem, a.UpdatedAt = false, "", now
		if err := s.putToken(ctx, t, a.ID, tok); err != nil {
			return err
		}
		if err := t.SetIndex(wsKey(workspaceID, a.ID)); err != nil {
			return err
		}
		return t.Put(recKey(a.ID), a)
	})
	return a, err
}

// merge lays a new token over the stored one: a refresh token, app
// password or client credentials missing from the new answer are kept.
func merge(old, new network.Token) network.Token {
	if new.Refresh == "" {
		new.Refresh = old.Refresh
		if new.RefreshExpiry.IsZero() {
			new.RefreshExpiry = old.RefreshExpiry
		}
	}
	if new.Password == "" {
		new.Password = old.Password
	}
	if new.ClientID == "" {
		new.ClientID, new.ClientSecret = old.ClientID, old.ClientSecret
	}
	return new
}

func (a *Account) setExpiry(tok network.Token) {
	a.Expiry = tok.Expiry
	switch {
	case a.Refreshable && tok.Refresh != "":
		a.ReconnectBy = tok.RefreshExpiry // zero when the network gives none
	default:
		a.ReconnectBy = tok.Expiry
	}
}

func (s *Service) putToken(ctx context.Context, t *store.Txn, id string, tok network.Token) error {
	b, err := json.Marshal(tok)
	if err != nil {
		return err
	}
	defer clear(b)
	return s.vault.PutTx(ctx, t, tokenName(id), b)
}

func (s *Service) findTx(t *store.Txn, workspaceID string, n network.Name, server, remoteID string) (string, error) {
	prefix := store.Key(store.IndexAccountWorkspace, []byte(workspaceID), []byte{0})
	var found string
	err := t.ScanKeys(prefix, func(k []byte) error {
		var a Account
		if err := t.Get(recKey(string(k[len(prefix):])), &a); err != nil {
			return err
		}
		if a.Network == n && a.Server == server && a.Profile.RemoteID == remoteID {
			found = a.ID
		}
		return nil
	})
	return found, err
}

// token reads an account's sealed token.
func (s *Service) token(ctx context.Context, id string) (network.Token, error) {
	var tok network.Token
	b, err := s.vault.Get(ctx, tokenName(id))
	if err != nil {
		return tok, err
	}
	defer clear(b)
	if err := json.Unmarshal(b, &tok); err != nil {
		return tok, fmt.Errorf("account: token of %s: %w", id, err)
	}
	return tok, nil
}

// Fresh returns a usable token for the account, refreshing it first when
// it expires within refreshAhead (or its network's RenewAhead). A refusal marks the account for
// reconnection and returns an error wrapping network.ErrRevoked.
func (s *Service) Fresh(ctx context.Context, id string) (network.Token, Account, error) {
	a, err := s.Get(ctx, id)
	if err != nil {
		return network.Token{}, a, err
	}
	if a.NeedsReconnect {
		return network.Token{}, a, fmt.Errorf("%w: %s", network.ErrRevoked, a.Problem)
	}
	tok, err := s.token(ctx, id)
	if err != nil {
		return tok, a, err
	}
	if !a.Refreshable || tok.Expiry.IsZero() || s.now().Add(s.ahead(a.Network)).Before(tok.Expiry) {
		return tok, a, nil
	}
	fresh, na, err := s.refresh(ctx, a, "")
	if err != nil && !errors.Is(err, network.ErrRevoked) && s.now().Add(refreshAhead).Before(tok.Expiry) {
		// An early renewal failed (offline, too soon for the network):
		// the current token still works; the next sweep tries again.
		return tok, a, nil
	}
	return fresh, na, err
}

// Renew renews an account's token after the network refused its access
// token refused, whatever the stored expiry says (a machine that slept
// past it, a server that restarted). When another renewal already
// replaced that token, the newer one is returned. An account whose
// network has no renewal fails wrapping network.ErrRevoked, unmarked: the
// caller decides.
func (s *Service) Renew(ctx context.Context, id, refused string) (network.Token, Account, error) {
	a, err := s.Get(ctx, id)
	if err != nil {
		return network.Token{}, a, err
	}
	if a.NeedsReconnect {
		return network.Token{}, a, fmt.Errorf("%w: %s", network.ErrRevoked, a.Problem)
	}
	if !a.Refreshable {
		return network.Token{}, a, fmt.Errorf("%w: the network cannot renew this token", network.ErrRevoked)
	}
	return s.refresh(ctx, a, refused)
}

// refresh renews an account's token and stores the result; one refresh
// runs at a time so a rotating refresh token is never spent twice. With
// refused set (the access token the network just refused), it renews
// whatever the stored expiry says, unless another refresh already
// replaced that token.
func (s *Service) refresh(ctx context.Context, a Account, refused string) (network.Token, Account, error) {
	s.refreshMu.Lock()
	defer s.refreshMu.Unlock()
	c, err := s.connector(a.Network)
	if err != nil {
		return network.Token{}, a, err
	}
	old, err := s.token(ctx, a.ID) // re-read: another refresh may have run
	if err != nil {
		return old, a, err
	}
	if refused != "" && old.Access != refused {
		return old, a, nil
	}
	if refused == "" && !old.Expiry.IsZero() && s.now().Add(s.ahead(a.Network)).Before(old.Expiry) {
		return old, a, nil
	}
	var app *network.DevApp
	if c.NeedsDevApp() {
		if app, err = s.devApp(ctx, a.Network); err != nil {
			return old, a, err
		}
	}
	fresh, err := c.Refresh(ctx, a.Server, app, old)
	if errors.Is(err, network.ErrRevoked) {
		a, merr := s.MarkRevoked(ctx, a.ID, reason(err))
		return old, a, errors.Join(err, merr)
	}
	if err != nil {
		return old, a, err
	}
	tok := merge(old, fresh)
	err = s.db.Update(ctx, func(t *store.Txn) error {
		if err := getTx(t, a.ID, &a); err != nil {
			return err
		}
		a.setExpiry(tok)
		a.UpdatedAt = s.now().UTC()
		if err := s.putToken(ctx, t, a.ID, tok); err != nil {
			return err
		}
		return t.Put(recKey(a.ID), a)
	})
	return tok, a, err
}

func reason(err error) string {
	var se *network.StatusError
	if errors.As(err, &se) && se.Reason != "" {
		return se.Reason
	}
	return "revoked"
}

// MarkRevoked records that the network refused the account's credentials.
// The sealed token stays: a reconnect replaces it.
func (s *Service) MarkRevoked(ctx context.Context, id, why string) (Account, error) {
	var a Account
	err := s.db.Update(ctx, func(t *store.Txn) error {
		if err := getTx(t, id, &a); err != nil {
			return err
		}
		a.NeedsReconnect, a.Problem, a.UpdatedAt = true, why, s.now().UTC()
		return t.Put(recKey(id), a)
	})
	return a, err
}

// MarkTokensLost records what the vault could not keep (vault.Recover's
// list): the accounts whose tokens are gone are marked for reconnection,
// and the developer apps whose client secrets are gone no longer claim
// one, so Settings asks for it again instead of OAuth failing later.
func (s *Service) MarkTokensLost(ctx context.Context, names []string) error {
	for _, n := range names {
		var err error
		switch {
		case strings.HasPrefix(n, "token/"):
			_, err = s.MarkRevoked(ctx, vault.IDFromName(n), "vault_recovered")
		case strings.HasPrefix(n, "devapp/"):
			err = s.markSecretLost(ctx, network.Name(vault.IDFromName(n)))
		}
		if err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
	}
	return nil
}

// Sweep refreshes every refreshable token that expires within window (or
// within its network's RenewAhead, when longer: Instagram and Threads) and
// returns the accounts whose state changed (refreshed or now needing a
// reconnect). Errors other than revocations (offline) are left for the
// next sweep.
func (s *Service) Sweep(ctx context.Context, window time.Duration) ([]Account, error) {
	all, err := s.All(ctx)
	if err != nil {
		return nil, err
	}
	var changed []Account
	for _, a := range all {
		if !a.Refreshable || a.NeedsReconnect || a.Expiry.IsZero() || s.now().Add(max(window, s.ahead(a.Network))).Before(a.Expiry) {
			continue
		}
		_, na, err := s.refresh(ctx, a, "")
		if err == nil || errors.Is(err, network.ErrRevoked) {
			changed = append(changed, na)
		} else if ctx.Err() != nil {
			return changed, ctx.Err()
		}
	}
	return changed, nil
}

// Disconnect revokes the account's token at the network where possible and
// then removes the account and its sealed secrets. A failed revocation
// (offline, already revoked) does not keep the account: revokeErr tells
// the UI so it can say the network may still list Relais.
func (s *Service) Disconnect(ctx context.Context, id string) (revokeErr error, err error) {
	a, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if c, cerr := s.connector(a.Network); cerr == nil {
		if tok, terr := s.token(ctx, id); terr == nil {
			var app *network.DevApp
			if c.NeedsDevApp() {
				app, _ = s.devApp(ctx, a.Network)
			}
			rctx, cancel := context.WithTimeout(ctx, 15*time.Second)
			revokeErr = c.Revoke(rctx, a.Server, app, tok)
			cancel()
		} else {
			revokeErr = terr
		}
	}
	err = s.db.Update(ctx, func(t *store.Txn) error {
		if err := s.vault.DeleteTx(t, tokenName(id)); err != nil {
			return err
		}
		if err := t.Delete(wsKey(a.WorkspaceID, id)); err != nil {
			return err
		}
		return t.Delete(recKey(id))
	})
	return revokeErr, err
}

// RemoveWorkspace disconnects every account of a deleted workspace.
func (s *Service) RemoveWorkspace(ctx context.Context, workspaceID string) error {
	list, err := s.List(ctx, workspaceID)
	if err != nil {
		return err
	}
	for _, a := range list {
		if _, err := s.Disconnect(ctx, a.ID); err != nil {
			return err
		}
	}
	return nil
}

// normServer checks and canonicalises a server address the user typed
// ("mastodon.social", "https://bsky.example.com/"). Loopback http is kept
// for self-hosted test servers; anything else must be https.
func normServer(n network.Name, raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if n != network.Mastodon && n != network.Bluesky {
		return "", nil
	}
	if raw == "" {
		if n == network.Mastodon {
			return "", fmt.Errorf("%w: server", ErrMissingField)
		}
		return "", nil // the connector's default
	}
	if !strings.Contains(raw, "://") {
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") || u.User != nil {
		return "", fmt.Errorf("%w: %q", ErrInvalidServer, raw)
	}
	if u.Scheme == "http" {
		h := u.Hostname()
		if h != "127.0.0.1" && h != "localhost" && h != "::1" {
			return "", fmt.Errorf("%w: %q must use https", ErrInvalidServer, raw)
		}
	}
	return u.Scheme + "://" + strings.ToLower(u.Host), nil
}
