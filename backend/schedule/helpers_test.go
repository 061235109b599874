package schedule

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"relais/backend/account"
	"relais/backend/network"
	"relais/backend/store"
	"relais/backend/vault"
)

// memContent is a Content over a map of payloads by post id.
type memContent struct {
	mu   sync.Mutex
	m    map[string]Payload
	errs map[string]error // what Load answers for a post instead
}

func (c *memContent) Load(_ context.Context, postID, _ string) (Payload, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.errs[postID]; err != nil {
		return Payload{}, err
	}
	p, ok := c.m[postID]
	if !ok {
		return p, fmt.Errorf("%w: %s", ErrGone, postID)
	}
	return p, nil
}

func (c *memContent) set(id string, p Payload) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]Payload{}
	}
	c.m[id] = p
}

// memAccounts is an Accounts with fixed accounts.
type memAccounts struct {
	mu      sync.Mutex
	m       map[string]account.Account
	revoked map[string]string
	renewed map[string]int // renewals per account
	renew   func() error   // what Renew answers; nil: renewal not possible
	locked  bool           // the vault is locked: no token can be read
}

func newMemAccounts(accts ...account.Account) *memAccounts {
	a := &memAccounts{m: map[string]account.Account{}, revoked: map[string]string{}, renewed: map[string]int{}}
	for _, x := range accts {
		a.m[x.ID] = x
	}
	return a
}

func (a *memAccounts) Fresh(_ context.Context, id string) (network.Token, account.Account, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	acc, ok := a.m[id]
	if !ok {
		return network.Token{}, acc, account.ErrNotFound
	}
	if a.locked {
		return network.Token{}, acc, fmt.Errorf("account: token of %s: %w", id, vault.ErrLocked)
	}
	if acc.NeedsReconnect {
		return network.Token{}, acc, fmt.Errorf("%w: %s", network.ErrRevoked, acc.Problem)
	}
	return a.tokenLocked(id), acc, nil
}

// tokenLocked is id's access token: "tok-<id>", then "tok-<id>-<n>" after
// n renewals.
func (a *memAccounts) tokenLocked(id string) network.Token {
	if n := a.renewed[id]; n > 0 {
		return network.Token{Access: fmt.Sprintf("tok-%s-%d", id, n)}
	}
	return network.Token{Access: "tok-" + id}
}

func (a *memAccounts) Renew(_ context.Context, id, refused string) (network.Token, account.Account, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	acc := a.m[id]
	if a.renew == nil {
		return network.Token{}, acc, fmt.Errorf("%w: no renewal", network.ErrRevoked)
	}
	if err := a.renew(); err != nil {
		return network.Token{}, acc, err
	}
	if a.tokenLocked(id).Access == refused {
		a.renewed[id]++
	}
	return a.tokenLocked(id), acc, nil
}

func (a *memAccounts) MarkRevoked(_ context.Context, id, why string) (account.Account, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	acc := a.m[id]
	acc.NeedsReconnect, acc.Problem = true, why
	a.m[id] = acc
	a.revoked[id] = why
	return acc, nil
}

func (a *memAccounts) reconnect(id string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	acc := a.m[id]
	acc.NeedsReconnect = false
	a.m[id] = acc
}

// fakeNet is a Publisher over an in-memory network: posts by key. Its
// behaviour for each call can be replaced.
type fakeNet struct {
	mu    sync.Mutex
	clock Clock
	posts map[string]int // key -> times created
	times map[string]time.Time
	// before, when set, may return an error before the post is made;
	// after may return one after it was made (a lost answer).
	before func(key string, n int) error
	after  func(key string, n int) error
	// refuse, when set, may refuse the access token before anything else.
	refuse func(access string) error
	calls  map[string]int
	verifs int
}

func newFakeNet(c Clock) *fakeNet {
	return &fakeNet{clock: c, posts: map[string]int{}, times: map[string]time.Time{}, calls: map[string]int{}}
}

func (f *fakeNet) Publish(_ context.Context, a Account, p Payload, key Key) (Result, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls[key.ID]++
	n := f.calls[key.ID]
	if f.refuse != nil {
		if err := f.refuse(a.Token.Access); err != nil {
			return Result{}, err
		}
	}
	if f.before != nil {
		if err := f.before(key.ID, n); err != nil {
			return Result{}, err
		}
	}
	if f.posts[key.ID] == 0 { // idempotent like a client-chosen record key
		f.times[key.ID] = f.clock.Now()
	}
	f.posts[key.ID]++
	if f.after != nil {
		if err := f.after(key.ID, n); err != nil {
			return Result{}, err
		}
	}
	return Result{RemoteID: key.ID, URL: "https://example.test/" + key.ID}, nil
}

func (f *fakeNet) Verify(_ context.Context, _ Account, _ Payload, key Key) (Result, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.verifs++
	if f.posts[key.ID] > 0 {
		return Result{RemoteID: key.ID, URL: "https://example.test/" + key.ID}, true, nil
	}
	return Result{}, false, nil
}

func (f *fakeNet) published(key string) (time.Time, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	t, ok := f.times[key]
	return t, ok
}

func openStore(t testing.TB, dir string) *store.Store {
	t.Helper()
	db, err := store.Open(context.Background(), dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// waitIdle waits until the engine has nothing in flight and its loop is
// asleep with no wake-up pending.
func waitIdle(t testing.TB, e *Engine) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	stable := 0
	for time.Now().Before(deadline) {
		e.mu.Lock()
		n := len(e.inflight)
		e.mu.Unlock()
		pending := len(e.wake)
		if a := e.alarmRef.Load(); a != nil {
			pending += len((*a).C())
		}
		if n == 0 && pending == 0 && e.blocked.Load() {
			stable++
			if stable >= 3 {
				return
			}
		} else {
			stable = 0
		}
		time.Sleep(2 * time.Millisecond)
	}
	t.Fatal("engine did not settle")
}

var testAcct = account.Account{ID: "acct-1", WorkspaceID: "ws", Network: network.Mastodon, Server: "http://127.0.0.1:1",
	Profile: network.Profile{RemoteID: "109", Handle: "@cafe"}}

type rig struct {
	t       *testing.T
	clock   *FakeClock
	db      *store.Store
	net     *fakeNet
	content *memContent
	accts   *memAccounts
	e       *Engine
	mu      sync.Mutex
	events  []Event
	probeOK bool
	probes  int
}

func newRig(t *testing.T, start time.Time) *rig {
	r := &rig{t: t, clock: NewFakeClock(start), content: &memContent{}, accts: newMemAccounts(testAcct), probeOK: true}
	r.db = openStore(t, t.TempDir())
	r.net = newFakeNet(r.clock)
	r.start()
	t.Cleanup(func() {
		r.e.Close()
		r.db.Close()
	})
	return r
}

func (r *rig) start() {
	r.e = New(r.db, r.content, r.accts, map[network.Name]Publisher{network.Mastodon: r.net}, Options{
		Clock:       r.clock,
		VerifyDelay: -1, // verify at once
		Events: func(ev Event) {
			r.mu.Lock()
			r.events = append(r.events, ev)
			r.mu.Unlock()
		},
		Probe: func(context.Context, string) error {
			r.mu.Lock()
			defer r.mu.Unlock()
			r.probes++
			if r.probeOK {
				return nil
			}
			return network.ErrUnreachable
		},
	})
	if err := r.e.Start(context.Background()); err != nil {
		r.t.Fatal(err)
	}
}

func (r *rig) plan(post string, due time.Time) Job {
	r.t.Helper()
	r.content.set(post, Payload{Text: "text of " + post})
	j, err := r.e.Plan(context.Background(), Job{WorkspaceID: "ws", PostID: post, VariantID: "v", AccountID: testAcct.ID,
		Network: network.Mastodon, Due: due, Zone: "Europe/Paris"})
	if err != nil {
		r.t.Fatal(err)
	}
	return j
}

func (r *rig) job(id string) Job {
	r.t.Helper()
	j, err := r.e.Get(context.Background(), id)
	if err != nil {
		r.t.Fatal(err)
	}
	return j
}

func (r *rig) kinds() []EventKind {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []EventKind
	for _, e := range r.events {
		out = append(out, e.Kind)
	}
	return out
}
