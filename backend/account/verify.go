package account

import (
	"context"
	"errors"

	"relais/backend/network"
	"relais/backend/store"
)

// Verify checks the account's connection with a call to the network and
// keeps the profile it returns (a changed avatar, display name or handle).
// An access token the network refuses although it has not reached its
// stored expiry (a machine that slept past it, a clock that is off, a
// server that restarted) is renewed once and checked again; only a second
// refusal marks the account for reconnection.
func (s *Service) Verify(ctx context.Context, id string) (Account, error) {
	tok, a, err := s.Fresh(ctx, id)
	if err != nil {
		return a, err
	}
	c, err := s.connector(a.Network)
	if err != nil {
		return a, err
	}
	p, err := c.Verify(ctx, a.Server, tok)
	if errors.Is(err, network.ErrRevoked) && a.Refreshable {
		var rerr error
		tok, a, rerr = s.refresh(ctx, a, tok.Access)
		if rerr != nil {
			return a, rerr // a refused refresh has marked the account
		}
		p, err = c.Verify(ctx, a.Server, tok)
	}
	if errors.Is(err, network.ErrRevoked) {
		na, merr := s.MarkRevoked(ctx, id, reason(err))
		return na, errors.Join(err, merr)
	}
	if err != nil {
		return a, err
	}
	if p.RemoteID == "" {
		return a, nil // the network confirmed the token without saying who
	}
	if p.RemoteID != a.Profile.RemoteID {
		return a, ErrDifferentAccount
	}
	err = s.db.Update(ctx, func(t *store.Txn) error {
		if err := getTx(t, id, &a); err != nil {
			return err
		}
		a.Profile = p
		a.UpdatedAt = s.now().UTC()
		return t.Put(recKey(id), a)
	})
	return a, err
}
