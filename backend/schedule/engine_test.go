package schedule

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"relais/backend/network"
)

var t0 = time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)

func TestPublishesAtDueTime(t *testing.T) {
	r := newRig(t, t0)
	a := r.plan("a", t0.Add(10*time.Minute))
	b := r.plan("b", t0.Add(20*time.Minute))
	waitIdle(t, r.e)
	if _, ok := r.net.published(a.Key); ok {
		t.Fatal("published before its due time")
	}
	r.clock.Advance(10 * time.Minute)
	waitIdle(t, r.e)
	if at, ok := r.net.published(a.Key); !ok || !at.Equal(a.Due) {
		t.Fatalf("a published at %v (%v); want %v", at, ok, a.Due)
	}
	if _, ok := r.net.published(b.Key); ok {
		t.Fatal("b published early")
	}
	r.clock.Advance(10 * time.Minute)
	waitIdle(t, r.e)
	got := r.job(b.ID)
	if got.State != StatePublished || got.Result == nil || got.Result.URL == "" {
		t.Fatalf("b = %+v; want published with a link", got)
	}
	if len(got.Attempts) != 1 || got.Attempts[0].Outcome != OutcomePublished || got.Attempts[0].Finished.IsZero() {
		t.Errorf("attempts = %+v", got.Attempts)
	}
	acts, err := r.e.Activity(context.Background(), "ws", 10)
	if err != nil || len(acts) != 2 || acts[0].JobID != b.ID || acts[0].Kind != ActivityPublished || acts[0].URL == "" {
		t.Errorf("Activity = %+v, %v; want b then a, published with links", acts, err)
	}
	jobs, err := r.e.Jobs(context.Background(), "ws", t0, t0.Add(15*time.Minute))
	if err != nil || len(jobs) != 1 || jobs[0].ID != a.ID {
		t.Errorf("Jobs(first quarter hour) = %v, %v; want a", jobs, err)
	}
}

func TestUnknownOutcomeIsVerifiedNotRetried(t *testing.T) {
	r := newRig(t, t0)
	// The answer to the first publish is lost; the post exists.
	r.net.after = func(_ string, n int) error {
		if n == 1 {
			return fmt.Errorf("%w: connection reset", network.ErrUnreachable)
		}
		return nil
	}
	j := r.plan("a", t0)
	waitIdle(t, r.e)
	got := r.job(j.ID)
	if got.State != StatePublished || r.net.calls[j.Key] != 1 || r.net.verifs != 1 {
		t.Fatalf("state %s, %d publish calls, %d verifications; want published after 1 call and 1 verification", got.State, r.net.calls[j.Key], r.net.verifs)
	}
	if !slices.Contains(r.kinds(), EventToVerify) || !slices.Contains(r.kinds(), EventPublished) {
		t.Errorf("events = %v", r.kinds())
	}

	// The request was lost before the network made the post: verify says
	// not found, and it is published again with the same key.
	r.net.after = nil
	r.net.before = func(_ string, n int) error {
		if n == 1 {
			return &network.StatusError{Status: 502, Reason: "Bad Gateway", Err: network.ErrUnreachable}
		}
		return nil
	}
	k := r.plan("b", t0)
	waitIdle(t, r.e)
	if got := r.job(k.ID); got.State != StatePublished || r.net.posts[k.Key] != 1 || r.net.calls[k.Key] != 2 {
		t.Fatalf("b: state %s, %d posts, %d calls; want published once after 2 calls", got.State, r.net.posts[k.Key], r.net.calls[k.Key])
	}
}

func TestSafeRetriesWithBackoff(t *testing.T) {
	r := newRig(t, t0)
	r.net.before = func(_ string, n int) error {
		switch n {
		case 1:
			return &network.StatusError{Status: 429, Reason: "Too many requests", Err: network.ErrRateLimited, RetryAfter: 5 * time.Minute}
		case 2:
			return &network.StatusError{Status: 503, Reason: "Service Unavailable", Err: network.ErrUnreachable}
		}
		return nil
	}
	j := r.plan("a", t0)
	waitIdle(t, r.e)
	got := r.job(j.ID)
	if got.State != StateScheduled || got.NextAt.Before(t0.Add(5*time.Minute)) {
		t.Fatalf("after 429: %s next %v; want scheduled after Retry-After", got.State, got.NextAt)
	}
	r.clock.Advance(5 * time.Minute)
	waitIdle(t, r.e)
	if got := r.job(j.ID); got.State != StateScheduled || r.net.calls[j.Key] != 2 {
		t.Fatalf("after 503: %s, %d calls", got.State, r.net.calls[j.Key])
	}
	r.clock.Advance(time.Hour)
	waitIdle(t, r.e)
	if got := r.job(j.ID); got.State != StatePublished || r.net.posts[j.Key] != 1 || r.net.verifs != 0 {
		t.Fatalf("state %s, %d posts, %d verifications; want published once, no verification", got.State, r.net.posts[j.Key], r.net.verifs)
	}

	// Still unavailable after MaxRetries: failed, with retry as action.
	r.net.before = func(string, int) error {
		return &network.StatusError{Status: 503, Reason: "Service Unavailable", Err: network.ErrUnreachable}
	}
	k := r.plan("b", r.clock.Now())
	for range 12 {
		waitIdle(t, r.e)
		r.clock.Advance(r.e.opts.BackoffMax)
	}
	waitIdle(t, r.e)
	if got := r.job(k.ID); got.State != StateFailed || got.Failure.Code != CodeUnavailable || got.Failure.Action != ActionRetry {
		t.Fatalf("b = %s %+v; want failed unavailable/retry", got.State, got.Failure)
	}
}

func TestPermanentErrors(t *testing.T) {
	r := newRig(t, t0)
	errs := map[string]error{
		"revoked": &network.StatusError{Status: 401, Reason: "The access token is invalid", Err: network.ErrRevoked},
		"text":    &network.StatusError{Status: 422, Reason: "Validation failed: Text character limit of 500 exceeded", Err: network.ErrInvalidContent},
		"media":   &network.StatusError{Status: 422, Reason: "File type not supported", Err: network.ErrMediaRejected},
	}
	keys := map[string]string{}
	r.net.before = func(key string, _ int) error {
		for name, k := range keys {
			if k == key {
				return errs[name]
			}
		}
		return nil
	}
	jobs := map[string]Job{}
	for _, name := range []string{"text", "media"} {
		jobs[name] = r.plan(name, t0.Add(time.Minute))
		keys[name] = jobs[name].Key
	}
	r.clock.Advance(time.Minute)
	waitIdle(t, r.e)
	// The revoked one last: once the account is marked for reconnection,
	// its other jobs fail as revoked too, whatever else was wrong.
	jobs["revoked"] = r.plan("revoked", t0.Add(2*time.Minute))
	keys["revoked"] = jobs["revoked"].Key
	r.clock.Advance(time.Minute)
	waitIdle(t, r.e)
	want := map[string]Failure{
		"revoked": {Code: CodeRevoked, Action: ActionReconnect},
		"text":    {Code: CodeInvalidText, Action: ActionFixText},
		"media":   {Code: CodeMediaRejected, Action: ActionPickRendition},
	}
	for name, w := range want {
		got := r.job(jobs[name].ID)
		if got.State != StateFailed || got.Failure == nil || got.Failure.Code != w.Code || got.Failure.Action != w.Action || got.Failure.Reason == "" {
			t.Errorf("%s: %s %+v; want failed %+v with a reason", name, got.State, got.Failure, w)
		}
	}
	if r.accts.revoked[testAcct.ID] == "" {
		t.Error("the account was not marked for reconnection")
	}
	// After a reconnect, retry all failed for the account.
	r.accts.reconnect(testAcct.ID)
	delete(keys, "revoked")
	n, err := r.e.RetryFailed(context.Background(), testAcct.ID)
	if err != nil || n != 3 {
		t.Fatalf("RetryFailed = %d, %v; want 3", n, err)
	}
	waitIdle(t, r.e)
	if got := r.job(jobs["revoked"].ID); got.State != StatePublished {
		t.Errorf("revoked job after reconnect: %s; want published", got.State)
	}
	if got := r.job(jobs["text"].ID); got.State != StateFailed {
		t.Errorf("text job: %s; want failed again", got.State)
	}
}

func TestOfflineWaitsForTheNetwork(t *testing.T) {
	r := newRig(t, t0)
	offline := true
	r.net.before = func(string, int) error {
		if offline {
			return fmt.Errorf("%w: %w: dial tcp: connection refused", network.ErrUnreachable, network.ErrNotSent)
		}
		return nil
	}
	r.probeOK = false
	var jobs []Job
	for i := range 5 {
		jobs = append(jobs, r.plan(fmt.Sprint("p", i), t0))
	}
	waitIdle(t, r.e)
	calls := 0
	for _, j := range jobs {
		got := r.job(j.ID)
		if got.State != StateWaitingNetwork {
			t.Fatalf("%s: %s; want waiting_network", j.ID, got.State)
		}
		calls += r.net.calls[j.Key]
	}
	if calls > 4 {
		t.Errorf("%d publish calls while offline; want at most one per slot", calls)
	}
	// An hour offline: the probes back off (no busy loop).
	for range 60 {
		r.clock.Advance(time.Minute)
		waitIdle(t, r.e)
	}
	// 2 s doubling to 5 min with equal jitter: about 20 in the first hour.
	if r.probes > 25 {
		t.Errorf("%d probes in an hour offline; want a backoff", r.probes)
	}
	offline, r.probeOK = false, true
	r.clock.Advance(r.e.opts.ProbeMax)
	waitIdle(t, r.e)
	for _, j := range jobs {
		if got := r.job(j.ID); got.State != StatePublished || r.net.posts[j.Key] != 1 {
			t.Errorf("%s: %s, %d posts; want published once when the network returned", j.ID, got.State, r.net.posts[j.Key])
		}
	}
}

func TestVariantsAreIndependent(t *testing.T) {
	r := newRig(t, t0)
	// All due in a minute, so every hook and key is in place before the
	// engine sends anything.
	due := t0.Add(time.Minute)
	var badKey atomic.Value
	badKey.Store("")
	r.net.before = func(key string, _ int) error {
		if key == badKey.Load().(string) {
			return &network.StatusError{Status: 422, Reason: "too long", Err: network.ErrInvalidContent}
		}
		return nil
	}
	bad := r.plan("bad", due)
	badKey.Store(bad.Key)
	// Same post, another variant on another network with no publisher.
	other := bad
	other.ID, other.Network, other.VariantID = "", network.Bluesky, "v2"
	o, err := r.e.Plan(context.Background(), other)
	if err != nil {
		t.Fatal(err)
	}
	good := r.plan("good", due)
	r.clock.Advance(time.Minute)
	waitIdle(t, r.e)
	if got := r.job(bad.ID); got.State != StateFailed || got.Failure == nil || got.Failure.Code != CodeInvalidText {
		t.Errorf("bad: %s %+v; want failed on its content", got.State, got.Failure)
	}
	if got := r.job(good.ID); got.State != StatePublished {
		t.Errorf("good: %s", got.State)
	}
	if got := r.job(o.ID); got.State != StateFailed || got.Failure.Code != CodeNoPublisher {
		t.Errorf("variant without publisher: %s %+v", got.State, got.Failure)
	}
}

func TestEditsAndCancel(t *testing.T) {
	r := newRig(t, t0)
	j := r.plan("a", t0.Add(time.Hour))
	if _, err := r.e.Reschedule(context.Background(), j.ID, t0.Add(2*time.Hour), ""); err != nil {
		t.Fatal(err)
	}
	k := r.plan("b", t0.Add(time.Hour))
	if err := r.e.Unplan(context.Background(), k.ID); err != nil {
		t.Fatal(err)
	}
	if due, err := r.e.DueWithin(context.Background(), 90*time.Minute); err != nil || len(due) != 0 {
		t.Errorf("DueWithin(90m) = %d jobs, %v; want none", len(due), err)
	}
	if due, err := r.e.DueWithin(context.Background(), 3*time.Hour); err != nil || len(due) != 1 || due[0].ID != j.ID {
		t.Errorf("DueWithin(3h) = %v, %v; want the rescheduled job", due, err)
	}
	r.clock.Advance(time.Hour)
	waitIdle(t, r.e)
	if _, ok := r.net.published(j.Key); ok {
		t.Error("rescheduled job went out at its old time")
	}
	if got := r.job(k.ID); got.State != StateCancelled {
		t.Errorf("unplanned: %s", got.State)
	}
	if _, err := r.e.PublishNow(context.Background(), j.ID); err != nil {
		t.Fatal(err)
	}
	waitIdle(t, r.e)
	if got := r.job(j.ID); got.State != StatePublished {
		t.Fatalf("PublishNow: %s", got.State)
	}
	if _, err := r.e.Reschedule(context.Background(), j.ID, t0, ""); !errors.Is(err, ErrStarted) {
		t.Errorf("Reschedule(published) = %v; want ErrStarted", err)
	}
	if _, err := r.e.Plan(context.Background(), Job{PostID: "x"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("Plan(incomplete) = %v; want ErrInvalid", err)
	}
}

func TestGonePostIsCancelled(t *testing.T) {
	r := newRig(t, t0)
	// Due in a minute, not now: the engine must not have sent it before
	// the post is deleted (under load it could, and the test raced).
	j := r.plan("a", t0.Add(time.Minute))
	r.content.mu.Lock()
	delete(r.content.m, "a")
	r.content.mu.Unlock()
	r.clock.Advance(time.Minute)
	waitIdle(t, r.e)
	if got := r.job(j.ID); got.State != StateCancelled {
		t.Errorf("state %s; want cancelled", got.State)
	}
}

func TestKeys(t *testing.T) {
	k := NewKey(t0)
	v, ok := ParseTID(k)
	if !ok || int64(v>>10) < t0.UnixMicro() || (v>>10)%2 != 0 {
		t.Fatalf("NewKey = %q (%v); want an even TID from %v on", k, ok, t0)
	}
	seen := map[string]bool{k: true}
	for range 10000 {
		n := NewKey(t0) // the same instant: still unique
		if seen[n] || seen[KeyAfter(n)] {
			t.Fatalf("NewKey repeated %q", n)
		}
		seen[n], seen[KeyAfter(n)] = true, true
	}
	if KeyTID(k) != k {
		t.Error("KeyTID changed a TID")
	}
	h := KeyTID("not-a-tid")
	if _, ok := ParseTID(h); !ok || KeyTID("not-a-tid") != h {
		t.Errorf("KeyTID(not-a-tid) = %q; want a stable TID", h)
	}
	next := KeyAfter(k)
	if w, ok := ParseTID(next); !ok || w>>10 != v>>10+1 || w&0x3ff != v&0x3ff || next <= k {
		t.Errorf("KeyAfter(%q) = %q", k, next)
	}
	for _, bad := range []string{"", "3jzfcijpj2z2aa", "kjzfcijpj2z2a", "3jzfcijpj2z2A"} {
		if _, ok := ParseTID(bad); ok {
			t.Errorf("ParseTID(%q) ok", bad)
		}
	}
}

func FuzzKeyTID(f *testing.F) {
	f.Add("3jzfcijpj2z2a")
	f.Add("not-a-tid")
	f.Add("")
	f.Fuzz(func(t *testing.T, key string) {
		k := KeyTID(key)
		if _, ok := ParseTID(k); !ok || KeyTID(key) != k {
			t.Fatalf("KeyTID(%q) = %q: not a stable TID", key, k)
		}
		if _, ok := ParseTID(KeyAfter(key)); !ok || KeyAfter(key) == k {
			t.Fatalf("KeyAfter(%q) = %q", key, KeyAfter(key))
		}
		// (The TID syntax allows the 64th bit; keys made here never set it.)
		if v, ok := ParseTID(key); ok && v>>63 == 0 && encodeTID(v>>10, v) != key {
			t.Fatalf("ParseTID(%q) does not round-trip", key)
		}
	})
}

// TestFailuresFoundHere: a locked vault and a deleted visual are not the
// network's doing. Each fails with its own code and action, and nothing is
// passed off as "the network said" (the detail goes to the log).
func TestFailuresFoundHere(t *testing.T) {
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	r := newRig(t, start)
	due := start.Add(time.Minute)

	r.accts.mu.Lock()
	r.accts.locked = true
	r.accts.mu.Unlock()
	locked := r.plan("locked", due)
	r.clock.Advance(time.Minute)
	waitIdle(t, r.e)
	if got := r.job(locked.ID); got.State != StateFailed || got.Failure == nil ||
		*got.Failure != (Failure{Code: CodeLocked, Action: ActionUnlock}) {
		t.Errorf("locked vault: %s %+v; want failed %s/%s with no reason", got.State, got.Failure, CodeLocked, ActionUnlock)
	}
	r.accts.mu.Lock()
	r.accts.locked = false
	r.accts.mu.Unlock()

	gone := r.plan("gone", due.Add(time.Minute))
	r.content.mu.Lock()
	r.content.errs = map[string]error{"gone": fmt.Errorf("publish: visual a1: %w", ErrVisualGone)}
	r.content.mu.Unlock()
	r.clock.Advance(time.Minute)
	waitIdle(t, r.e)
	if got := r.job(gone.ID); got.State != StateFailed || got.Failure == nil ||
		*got.Failure != (Failure{Code: CodeVisualGone, Action: ActionEditPost}) {
		t.Errorf("deleted visual: %s %+v; want failed %s/%s with no reason", got.State, got.Failure, CodeVisualGone, ActionEditPost)
	}
	r.net.mu.Lock()
	defer r.net.mu.Unlock()
	if len(r.net.posts) != 0 {
		t.Errorf("posts reached the network: %v", r.net.posts)
	}
}
