package resttest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"relais/backend/account"
	"relais/backend/network"
	"relais/backend/schedule"
	"relais/backend/store"
)

// RunJob publishes pl through pub on a real scheduler (Badger in
// t.TempDir()): one job due now, for an account with token tok. It waits
// until the job is settled (published, failed, waiting for a decision)
// and returns it, so a test sees what the engine made of the
// publisher's answers.
func RunJob(t testing.TB, pub schedule.Publisher, acc account.Account, tok network.Token, pl schedule.Payload) schedule.Job {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	e := schedule.New(db, content{pl}, &accounts{acc: acc, tok: tok}, map[network.Name]schedule.Publisher{acc.Network: pub},
		schedule.Options{VerifyDelay: 30 * time.Millisecond, BackoffBase: 20 * time.Millisecond, BackoffMax: 200 * time.Millisecond,
			Probe: func(context.Context, string) error { return nil }, CallTimeout: 10 * time.Second})
	if err := e.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	j, err := e.Plan(ctx, schedule.Job{WorkspaceID: acc.WorkspaceID, PostID: "post", VariantID: "variant", AccountID: acc.ID,
		Network: acc.Network, Due: time.Now(), Zone: "Europe/Paris"})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(8 * time.Second)
	for {
		j, err = e.Get(ctx, j.ID)
		if err != nil {
			t.Fatal(err)
		}
		switch j.State {
		case schedule.StatePublished, schedule.StateFailed, schedule.StateNeedsDecision, schedule.StateCancelled:
			return j
		}
		if time.Now().After(deadline) {
			t.Fatalf("the job is still %s after 8 s: %+v", j.State, j.Attempts)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Outcomes lists a job's attempts as "publish:<outcome>" and
// "verify:<outcome>".
func Outcomes(j schedule.Job) []string {
	var out []string
	for _, a := range j.Attempts {
		kind := "publish"
		if a.Verify {
			kind = "verify"
		}
		out = append(out, kind+":"+a.Outcome)
	}
	return out
}

type content struct{ pl schedule.Payload }

func (c content) Load(context.Context, string, string) (schedule.Payload, error) { return c.pl, nil }

type accounts struct {
	mu  sync.Mutex
	acc account.Account
	tok network.Token
}

func (a *accounts) Fresh(_ context.Context, id string) (network.Token, account.Account, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if id != a.acc.ID {
		return network.Token{}, account.Account{}, account.ErrNotFound
	}
	if a.acc.NeedsReconnect {
		return network.Token{}, a.acc, fmt.Errorf("%w: %s", network.ErrRevoked, a.acc.Problem)
	}
	return a.tok, a.acc, nil
}

// Renew fails: these networks' fakes do not renew tokens, so a refused
// token marks the account.
func (a *accounts) Renew(_ context.Context, id, _ string) (network.Token, account.Account, error) {
	return network.Token{}, a.acc, fmt.Errorf("%w: no renewal here", network.ErrRevoked)
}

func (a *accounts) MarkRevoked(_ context.Context, id, why string) (account.Account, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.acc.NeedsReconnect, a.acc.Problem = true, why
	return a.acc, nil
}
