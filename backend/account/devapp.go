package account

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"relais/backend/network"
	"relais/backend/store"
	"relais/backend/vault"
)

// DevApp is the agency's developer app on an OAuth network, as stored:
// the client secret is in the vault, never here.
type DevApp struct {
	Network   network.Name `json:"network"`
	ClientID  string       `json:"clientId"`
	Port      int          `json:"port"` // registered loopback port; 0: any
	UpdatedAt time.Time    `json:"updatedAt"`
	HasSecret bool         `json:"hasSecret"`
}

// ErrInvalidPort is returned for a loopback port outside 1024–65535.
var ErrInvalidPort = errors.New("account: invalid port")

func devAppKey(n network.Name) []byte { return store.Key(store.TableDevApp, []byte(n)) }

func devAppSecret(n network.Name) string { return vault.Name("devapp", string(n)) }

// SetDevApp saves the agency's developer app for network n. An empty
// secret keeps the stored one (the UI never shows it back).
func (s *Service) SetDevApp(ctx context.Context, n network.Name, clientID, secret string, port int) (DevApp, error) {
	c, err := s.connector(n)
	if err != nil {
		return DevApp{}, err
	}
	if !c.NeedsDevApp() {
		return DevApp{}, fmt.Errorf("%w: %s needs no developer app", ErrUnknownNetwork, n)
	}
	clientID = strings.TrimSpace(clientID)
	if clientID == "" {
		return DevApp{}, fmt.Errorf("%w: client id", ErrMissingField)
	}
	if port != 0 && (port < 1024 || port > 65535) {
		return DevApp{}, fmt.Errorf("%w: %d", ErrInvalidPort, port)
	}
	if !s.vault.Unlocked(ctx) {
		return DevApp{}, vault.ErrLocked
	}
	secret = strings.TrimSpace(secret)
	hasSecret, err := s.vault.Has(ctx, devAppSecret(n))
	if err != nil {
		return DevApp{}, err
	}
	d := DevApp{Network: n, ClientID: clientID, Port: port, UpdatedAt: s.now().UTC(), HasSecret: hasSecret || secret != ""}
	err = s.db.Update(ctx, func(t *store.Txn) error {
		if secret != "" {
			if err := s.vault.PutTx(ctx, t, devAppSecret(n), []byte(secret)); err != nil {
				return err
			}
		}
		return t.Put(devAppKey(n), d)
	})
	return d, err
}

// DevApps lists the configured developer apps. HasSecret is checked
// against the vault, so a secret lost without its record being updated
// (a crash between vault.Recover and MarkTokensLost) is not claimed.
func (s *Service) DevApps(ctx context.Context) ([]DevApp, error) {
	var out []DevApp
	err := s.db.View(ctx, func(t *store.Txn) error {
		return t.Scan([]byte{store.TableDevApp}, func(_ []byte, decode func(any) error) error {
			var d DevApp
			if err := decode(&d); err != nil {
				return err
			}
			out = append(out, d)
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].HasSecret {
			if out[i].HasSecret, err = s.vault.Has(ctx, devAppSecret(out[i].Network)); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// markSecretLost records that a developer app's client secret is gone
// (the vault was recovered with a new key): the record stays, without
// HasSecret, so the user is asked for the secret again.
func (s *Service) markSecretLost(ctx context.Context, n network.Name) error {
	return s.db.Update(ctx, func(t *store.Txn) error {
		var d DevApp
		if err := t.Get(devAppKey(n), &d); errors.Is(err, store.ErrNotFound) {
			return nil // the app was removed; only its secret was left
		} else if err != nil {
			return err
		}
		if !d.HasSecret {
			return nil
		}
		d.HasSecret, d.UpdatedAt = false, s.now().UTC()
		return t.Put(devAppKey(n), d)
	})
}

// DeleteDevApp removes a developer app and its sealed secret.
func (s *Service) DeleteDevApp(ctx context.Context, n network.Name) error {
	return s.db.Update(ctx, func(t *store.Txn) error {
		if err := s.vault.DeleteTx(t, devAppSecret(n)); err != nil {
			return err
		}
		return t.Delete(devAppKey(n))
	})
}

// devApp loads the developer app with its secret, for a connector.
func (s *Service) devApp(ctx context.Context, n network.Name) (*network.DevApp, error) {
	var d DevApp
	err := s.db.View(ctx, func(t *store.Txn) error { return t.Get(devAppKey(n), &d) })
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("%w: %s", network.ErrNoDevApp, n)
	}
	if err != nil {
		return nil, err
	}
	app := &network.DevApp{ClientID: d.ClientID, Port: d.Port}
	secret, err := s.vault.Get(ctx, devAppSecret(n))
	if err == nil {
		app.ClientSecret = string(secret)
		clear(secret)
	} else if !errors.Is(err, vault.ErrNotFound) {
		return nil, err
	}
	return app, nil
}
