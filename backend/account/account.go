// Package account holds each client workspace's connected network accounts
// and the lifecycle of their tokens.
//
// # Model
//
// An Account record (store.TableAccount+<id>, versioned JSON) holds who the
// account is and the state of its connection; never a credential. Its
// token lives in the vault under vault.Name("token", <id>), sealed and bound
// to the account id. The key-only index store.IndexAccountWorkspace lists a
// workspace's accounts. The agency's developer apps (one per OAuth network)
// are records in store.TableDevApp with their client secrets in the vault
// under vault.Name("devapp", <network>).
//
// # Promises
//
//   - A token is refreshed ahead of its expiry where the network allows
//     (Fresh, Sweep); a refresh answer without a refresh token keeps the
//     stored one: a refresh token is only ever replaced, never erased.
//   - A network refusing the credentials (network.ErrRevoked) marks the
//     account NeedsReconnect; its secrets stay until a reconnect replaces
//     them or the user disconnects.
//   - Tokens that cannot be refreshed (LinkedIn, Meta long-lived) carry
//     the date the user must reconnect by; Status reports "expiring" from
//     ReminderDays before it.
//   - Disconnect revokes at the network where the API allows, then wipes
//     the account's sealed secrets and record in one transaction.
package account

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"relais/backend/network"
	"relais/backend/store"
	"relais/backend/vault"
)

// Errors. Test with errors.Is.
var (
	ErrNotFound         = errors.New("account: not found")
	ErrUnknownNetwork   = errors.New("account: unknown network")
	ErrAlreadyConnected = errors.New("account: already connected to this workspace")
	ErrNoWorkspace      = errors.New("account: workspace not found")
	ErrInvalidServer    = errors.New("account: invalid server address")
	ErrMissingField     = errors.New("account: required field missing")
)

// ReminderDays is how long before a non-refreshable token expires the user
// is reminded to reconnect.
const ReminderDays = 14

// refreshAhead is how long before expiry a token is refreshed.
const refreshAhead = 10 * time.Minute

// Account is one network account connected to a workspace.
type Account struct {
	ID          string          `json:"id"`
	WorkspaceID string          `json:"workspaceId"`
	Network     network.Name    `json:"network"`
	Server      string          `json:"server"`
	Profile     network.Profile `json:"profile"`
	Limits      *network.Limits `json:"limits,omitempty"`
	Refreshable bool            `json:"refreshable"`
	// Expiry is when the stored access token stops working (zero: never).
	Expiry time.Time `json:"expiry,omitzero"`
	// ReconnectBy is when the user must reconnect at the latest (the end
	// of a non-refreshable token or of the refresh token); zero: never.
	ReconnectBy time.Time `json:"reconnectBy,omitzero"`
	// NeedsReconnect is set when the network refused the credentials.
	NeedsReconnect bool      `json:"needsReconnect"`
	Problem        string    `json:"problem,omitempty"` // the network's reason, for the activity log
	ConnectedAt    time.Time `json:"connectedAt"`
	UpdatedAt      time.Time `json:"updatedAt"`
}

// State is what the UI shows for an account.
type State string

// States.
const (
	StateConnected      State = "connected"
	StateExpiring       State = "expiring" // reconnect within ReminderDays
	StateNeedsReconnect State = "needs_reconnect"
	StateVaultLocked    State = "vault_locked"
)

// StateAt reports the account's state at now; DaysLeft is set for
// StateExpiring.
func (a Account) StateAt(now time.Time) (s State, daysLeft int) {
	if a.NeedsReconnect {
		return StateNeedsReconnect, 0
	}
	if !a.ReconnectBy.IsZero() {
		left := a.ReconnectBy.Sub(now)
		if left <= 0 {
			return StateNeedsReconnect, 0
		}
		if left <= ReminderDays*24*time.Hour {
			return StateExpiring, int((left + 24*time.Hour - 1) / (24 * time.Hour))
		}
	}
	return StateConnected, 0
}

// Vault is what the service needs of the vault.
type Vault interface {
	Get(ctx context.Context, name string) ([]byte, error)
	PutTx(ctx context.Context, t *store.Txn, name string, secret []byte) error
	DeleteTx(t *store.Txn, name string) error
	Has(ctx context.Context, name string) (bool, error)
	Unlocked(ctx context.Context) bool
}

var _ Vault = (*vault.Vault)(nil)

// Workspaces tells whether a workspace exists.
type Workspaces interface {
	Exists(ctx context.Context, id string) (bool, error)
}

// Service manages accounts.
type Service struct {
	db         *store.Store
	vault      Vault
	workspaces Workspaces
	connectors map[network.Name]Connector
	now        func() time.Time

	refreshMu sync.Mutex // one refresh at a time, so a rotating refresh token is never used twice
}

// New returns a Service; connectors are the network clients app wires in.
func New(db *store.Store, v Vault, ws Workspaces, connectors ...Connector) *Service {
	s := &Service{db: db, vault: v, workspaces: ws, connectors: map[network.Name]Connector{}, now: time.Now}
	for _, c := range connectors {
		s.connectors[c.Network()] = c
	}
	return s
}

// SetClock replaces the clock (tests).
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// Networks lists the networks a connector is wired for, in network.All order.
func (s *Service) Networks() []network.Name {
	var out []network.Name
	for _, n := range network.All {
		if _, ok := s.connectors[n]; ok {
			out = append(out, n)
		}
	}
	return out
}

// NeedsDevApp reports whether connecting to n needs the agency's app.
func (s *Service) NeedsDevApp(n network.Name) bool {
	c, ok := s.connectors[n]
	return ok && c.NeedsDevApp()
}

func newID() string { return uuid.Must(uuid.NewV7()).String() }

func recKey(id string) []byte { return store.Key(store.TableAccount, []byte(id)) }

func wsKey(ws, id string) []byte {
	return store.Key(store.IndexAccountWorkspace, []byte(ws), []byte{0}, []byte(id))
}

func tokenName(id string) string { return vault.Name("token", id) }

// List returns a workspace's accounts by network then handle.
func (s *Service) List(ctx context.Context, workspaceID string) ([]Account, error) {
	var out []Account
	err := s.db.View(ctx, func(t *store.Txn) error {
		prefix := store.Key(store.IndexAccountWorkspace, []byte(workspaceID), []byte{0})
		return t.ScanKeys(prefix, func(k []byte) error {
			var a Account
			if err := t.Get(recKey(string(k[len(prefix):])), &a); err != nil {
				return err
			}
			out = append(out, a)
			return nil
		})
	})
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Network != out[j].Network {
			return order(out[i].Network) < order(out[j].Network)
		}
		return strings.ToLower(out[i].Profile.Handle) < strings.ToLower(out[j].Profile.Handle)
	})
	return out, err
}

// All returns every account of every workspace.
func (s *Service) All(ctx context.Context) ([]Account, error) {
	var out []Account
	err := s.db.View(ctx, func(t *store.Txn) error {
		return t.Scan([]byte{store.TableAccount}, func(_ []byte, decode func(any) error) error {
			var a Account
			if err := decode(&a); err != nil {
				return err
			}
			out = append(out, a)
			return nil
		})
	})
	return out, err
}

func order(n network.Name) int {
	for i, m := range network.All {
		if m == n {
			return i
		}
	}
	return len(network.All)
}

// Get returns one account.
func (s *Service) Get(ctx context.Context, id string) (Account, error) {
	var a Account
	err := s.db.View(ctx, func(t *store.Txn) error { return getTx(t, id, &a) })
	return a, err
}

func getTx(t *store.Txn, id string, a *Account) error {
	err := t.Get(recKey(id), a)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	return err
}

func (s *Service) connector(n network.Name) (Connector, error) {
	c, ok := s.connectors[n]
	if !ok {
		return nil, fmt.Errorf("%w: %s", ErrUnknownNetwork, n)
	}
	return c, nil
}
