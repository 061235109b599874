package account

import (
	"context"
	"time"

	"relais/backend/network"
)

// Connector is one network's client as the account service uses it. Each
// backend/network/<name> package provides one; app wires them in.
type Connector interface {
	// Network names the network the connector speaks to.
	Network() network.Name
	// NeedsDevApp says whether connecting needs the agency's developer app.
	NeedsDevApp() bool
	// Connect authenticates with what the user gave and returns the
	// accounts the credentials give access to (at least one).
	Connect(ctx context.Context, req network.Request) ([]network.Grant, error)
	// Refresh renews tok ahead of its expiry. It returns an error wrapping
	// network.ErrRevoked when the network refuses; a token it returns
	// without a refresh token keeps the old one (the caller merges).
	Refresh(ctx context.Context, server string, app *network.DevApp, tok network.Token) (network.Token, error)
	// Verify checks that tok still works and returns the current profile.
	Verify(ctx context.Context, server string, tok network.Token) (network.Profile, error)
	// Revoke invalidates tok at the network where its API allows; it
	// returns nil where there is nothing to revoke.
	Revoke(ctx context.Context, server string, app *network.DevApp, tok network.Token) error
}

// RenewAheader is implemented by connectors whose tokens are renewed long
// before they expire (Meta's 60-day tokens, renewed with 30 days left).
// RenewAhead returns that lead time; 0 means the service's default.
type RenewAheader interface {
	RenewAhead() time.Duration
}

// ahead is how long before expiry the account's token is renewed.
func (s *Service) ahead(n network.Name) time.Duration {
	if c, err := s.connector(n); err == nil {
		if r, ok := c.(RenewAheader); ok && r.RenewAhead() > refreshAhead {
			return r.RenewAhead()
		}
	}
	return refreshAhead
}
