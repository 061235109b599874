package schedule

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"relais/backend/network"
)

// TestRefusedTokenRenewedOnce: a network refusing an access token before
// its stored expiry (Bluesky's two-hour tokens after a sleep) gets the
// token renewed and the post sent again, once; only a failed renewal or a
// second refusal marks the account for reconnection.
func TestRefusedTokenRenewedOnce(t *testing.T) {
	expired := &network.StatusError{Status: 400, Reason: "ExpiredToken", Err: network.ErrRevoked}
	offline := fmt.Errorf("%w: %w: dial tcp: connection refused", network.ErrUnreachable, network.ErrNotSent)
	tests := []struct {
		name        string
		refuse      func(access string) error
		renew       func() error // nil: the network cannot renew
		wantState   State
		wantMarked  bool
		wantRenewed int
	}{
		{"expired token renewed", func(a string) error {
			if a == "tok-"+testAcct.ID {
				return expired
			}
			return nil
		}, func() error { return nil }, StatePublished, false, 1},
		{"refused again after renewal", func(string) error { return expired }, func() error { return nil }, StateFailed, true, 1},
		{"renewal refused", func(string) error { return expired }, func() error {
			return fmt.Errorf("%w: refresh token expired", network.ErrRevoked)
		}, StateFailed, true, 0},
		{"network without renewal", func(string) error { return expired }, nil, StateFailed, true, 0},
		{"renewal offline", func(string) error { return expired }, func() error { return offline }, StateWaitingNetwork, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, t0)
			r.net.refuse = tt.refuse
			r.accts.renew = tt.renew
			j := r.plan("p", t0.Add(time.Minute))
			r.clock.Advance(time.Minute)
			waitIdle(t, r.e)
			got := r.job(j.ID)
			if got.State != tt.wantState {
				t.Fatalf("state = %s (%+v); want %s", got.State, got.Failure, tt.wantState)
			}
			if marked := r.accts.revoked[testAcct.ID] != ""; marked != tt.wantMarked {
				t.Errorf("account marked for reconnection = %v; want %v", marked, tt.wantMarked)
			}
			if n := r.accts.renewed[testAcct.ID]; n != tt.wantRenewed {
				t.Errorf("renewals = %d; want %d", n, tt.wantRenewed)
			}
			if tt.wantState == StateFailed && (got.Failure == nil || got.Failure.Code != CodeRevoked || got.Failure.Action != ActionReconnect) {
				t.Errorf("failure = %+v; want revoked/reconnect", got.Failure)
			}
			if tt.wantState == StatePublished {
				if _, ok := r.net.published(j.Key); !ok {
					t.Error("the network has no post")
				}
			}
		})
	}
}

// TestRenewalBackOnlineSends: a renewal that could not reach the network
// leaves the post waiting; when the network returns, the token is renewed
// and the post goes out.
func TestRenewalBackOnlineSends(t *testing.T) {
	r := newRig(t, t0)
	var down atomic.Bool
	down.Store(true)
	r.net.refuse = func(a string) error {
		if a == "tok-"+testAcct.ID {
			return &network.StatusError{Status: 400, Reason: "ExpiredToken", Err: network.ErrRevoked}
		}
		return nil
	}
	r.accts.renew = func() error {
		if down.Load() {
			return fmt.Errorf("%w: %w: no route", network.ErrUnreachable, network.ErrNotSent)
		}
		return nil
	}
	j := r.plan("p", t0.Add(time.Minute))
	r.clock.Advance(time.Minute)
	waitIdle(t, r.e)
	if got := r.job(j.ID); got.State != StateWaitingNetwork {
		t.Fatalf("state = %s; want waiting_network", got.State)
	}
	down.Store(false)
	for i := 0; i < 20 && r.job(j.ID).State != StatePublished; i++ {
		r.clock.Advance(time.Minute)
		waitIdle(t, r.e)
	}
	got := r.job(j.ID)
	if got.State != StatePublished {
		t.Fatalf("state = %s (%+v); want published once the network is back", got.State, got.Failure)
	}
	if r.accts.revoked[testAcct.ID] != "" {
		t.Error("the account was marked for reconnection")
	}
	if n := r.accts.renewed[testAcct.ID]; n != 1 {
		t.Errorf("renewals = %d; want 1", n)
	}
}
