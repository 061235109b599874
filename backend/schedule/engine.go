package schedule

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"relais/backend/network"
	"relais/backend/store"
	"relais/backend/vault"
)

// Options tunes an Engine; the zero value is what the app uses.
type Options struct {
	// Clock is the time source; nil: the system clock.
	Clock Clock
	// Events receives what happened to jobs, after it is stored. It is
	// called from the engine's goroutines and must not block for long.
	Events func(Event)
	// Logger receives the engine's own messages.
	Logger *slog.Logger
	// Concurrency is how many jobs are processed at once; 0: 4.
	Concurrency int
	// BackoffBase and BackoffMax bound the waits between safe retries
	// and verifications (exponential, with jitter); 0: 2 s and 10 min.
	BackoffBase, BackoffMax time.Duration
	// MaxRetries is how many safe retries (429, 503) a job gets before it
	// fails; 0: 8.
	MaxRetries int
	// ProbeBase and ProbeMax bound the waits between probes of an
	// unreachable server; 0: 2 s and 5 min.
	ProbeBase, ProbeMax time.Duration
	// Probe checks that a server can be reached; nil: a TCP connection
	// to its host and port.
	Probe func(ctx context.Context, server string) error
	// VerifyDelay is how long after an unknown outcome the network is
	// asked (it may still be processing); 0: 2 s.
	VerifyDelay time.Duration
	// CallTimeout bounds one publish or verification; 0: 2 min.
	CallTimeout time.Duration
}

// jumpThreshold is how far the wall clock may drift from the monotonic
// clock between two wake-ups before it counts as a jump or a sleep.
const jumpThreshold = 2 * time.Second

// Engine publishes due jobs. Its methods are safe for concurrent use.
type Engine struct {
	db       *store.Store
	content  Content
	accounts Accounts
	pubs     map[network.Name]Publisher
	clock    Clock
	opts     Options
	log      *slog.Logger

	wake     chan struct{}
	ctx      context.Context
	cancel   context.CancelFunc
	done     chan struct{}
	wg       sync.WaitGroup
	start    sync.Once
	stop     sync.Once
	started  atomic.Bool
	wakeups  atomic.Int64 // loop iterations after the first
	blocked  atomic.Bool  // the loop waits in select
	alarmRef atomic.Pointer[Alarm]

	mu       sync.Mutex
	inflight map[string]bool
	hosts    map[string]*host

	lastWall time.Time // loop goroutine only
	lastMono time.Duration
}

// host is what the engine knows of a server's reachability.
type host struct {
	mu        sync.Mutex
	offline   bool
	failures  int
	nextProbe time.Time
}

// New returns an engine; Start runs it. pubs maps each network to its
// publisher.
func New(db *store.Store, content Content, accounts Accounts, pubs map[network.Name]Publisher, opts Options) *Engine {
	if opts.Clock == nil {
		opts.Clock = NewRealClock()
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = 4
	}
	if opts.BackoffBase <= 0 {
		opts.BackoffBase = 2 * time.Second
	}
	if opts.BackoffMax <= 0 {
		opts.BackoffMax = 10 * time.Minute
	}
	if opts.MaxRetries <= 0 {
		opts.MaxRetries = 8
	}
	if opts.ProbeBase <= 0 {
		opts.ProbeBase = 2 * time.Second
	}
	if opts.ProbeMax <= 0 {
		opts.ProbeMax = 5 * time.Minute
	}
	if opts.Probe == nil {
		opts.Probe = dialProbe
	}
	if opts.VerifyDelay == 0 {
		opts.VerifyDelay = 2 * time.Second
	}
	if opts.CallTimeout <= 0 {
		opts.CallTimeout = 2 * time.Minute
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Engine{db: db, content: content, accounts: accounts, pubs: pubs, clock: opts.Clock, opts: opts,
		log: opts.Logger, wake: make(chan struct{}, 1), ctx: ctx, cancel: cancel, done: make(chan struct{}),
		inflight: map[string]bool{}, hosts: map[string]*host{}}
}

// Start turns attempts left "sending" by a previous run into "to verify"
// and starts the engine.
func (e *Engine) Start(ctx context.Context) error {
	var err error
	e.start.Do(func() {
		if err = e.recoverSending(ctx); err != nil {
			return
		}
		e.started.Store(true)
		go e.loop()
	})
	return err
}

// Close stops the engine and waits for the jobs in flight (their calls
// are cancelled; their outcome is recorded as to verify). Idempotent.
func (e *Engine) Close() error {
	e.stop.Do(func() {
		e.cancel()
		if e.started.Load() {
			<-e.done
		}
		e.wg.Wait()
	})
	return nil
}

// Wakeups counts the engine's wake-ups (timer firings and plan changes)
// since Start.
func (e *Engine) Wakeups() int64 { return e.wakeups.Load() }

func (e *Engine) kick() {
	select {
	case e.wake <- struct{}{}:
	default:
	}
}

func (e *Engine) emit(ev Event) {
	if e.opts.Events != nil {
		e.opts.Events(ev)
	}
}

// recoverSending marks every attempt a previous run left in flight as
// interrupted and its job as to verify.
func (e *Engine) recoverSending(ctx context.Context) error {
	var ids []string
	err := e.db.View(ctx, func(t *store.Txn) error {
		return t.ScanKeys([]byte{store.IndexJobSending}, func(k []byte) error {
			ids = append(ids, string(k[1:]))
			return nil
		})
	})
	if err != nil {
		return err
	}
	for _, id := range ids {
		j, err := e.settle(ctx, id, func(j *Job, now time.Time) (ActivityKind, EventKind) {
			if j.State != StateSending {
				return "", ""
			}
			for i := range j.Attempts {
				if j.Attempts[i].Outcome == OutcomeSending {
					j.Attempts[i].Outcome, j.Attempts[i].Finished = OutcomeInterrupted, now
				}
			}
			j.State, j.NextAt, j.LateOK = StateToVerify, now, false
			return ActivityToVerify, EventToVerify
		})
		if err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		e.log.Info("schedule: interrupted attempt to verify", "job", j.ID)
	}
	return nil
}

// settle applies fn to a job in one transaction, records the activity it
// names and emits its event after the commit.
func (e *Engine) settle(ctx context.Context, id string, fn func(j *Job, now time.Time) (ActivityKind, EventKind)) (Job, error) {
	var j Job
	var ak ActivityKind
	var ek EventKind
	now := e.clock.Now()
	err := e.db.Update(context.WithoutCancel(ctx), func(t *store.Txn) error {
		old, err := getJob(t, id)
		if err != nil {
			return err
		}
		j = old
		j.Attempts = append([]Attempt(nil), old.Attempts...)
		ak, ek = fn(&j, now)
		j.UpdatedAt = now
		if err := saveJob(t, &old, &j); err != nil {
			return err
		}
		if ak != "" {
			return addActivity(t, &j, ak, now)
		}
		return nil
	})
	if err != nil {
		return j, err
	}
	if ek != "" {
		e.emit(Event{Kind: ek, Job: j})
	}
	return j, nil
}

// loop sleeps until the next due action, starts it, and repeats.
func (e *Engine) loop() {
	defer close(e.done)
	alarm := e.clock.NewAlarm()
	defer alarm.Close()
	e.alarmRef.Store(&alarm)
	first := true
	for {
		if !first {
			e.wakeups.Add(1)
		}
		first = false
		e.checkClock()
		now := e.clock.Now()
		claims, next, err := e.claim(now)
		if err != nil {
			if e.ctx.Err() != nil {
				return
			}
			e.log.Error("schedule: reading the plan", "err", err)
			next = now.Add(e.opts.BackoffBase)
		}
		for _, c := range claims {
			e.wg.Add(1)
			go e.process(c)
		}
		if next.IsZero() {
			alarm.Stop()
		} else {
			alarm.Set(next)
		}
		e.blocked.Store(true)
		select {
		case <-e.ctx.Done():
			return
		case <-alarm.C():
		case <-e.wake:
		}
		e.blocked.Store(false)
	}
}

// checkClock compares wall and monotonic time elapsed since the last
// wake-up: a difference means the wall clock was set, or the system slept.
func (e *Engine) checkClock() {
	w, m := e.clock.Now(), e.clock.Mono()
	if !e.lastWall.IsZero() {
		skew := w.Sub(e.lastWall) - (m - e.lastMono)
		if skew > jumpThreshold || skew < -jumpThreshold {
			e.log.Info("schedule: wall clock moved", "skew", skew)
			e.emit(Event{Kind: EventClockJump, Skew: skew})
		}
	}
	e.lastWall, e.lastMono = w, m
}

type claim struct {
	id string
	at time.Time
}

var errStop = errors.New("stop")

// claim takes the due jobs there are free slots for and returns the time
// of the next action (zero when none, or when due jobs wait for a slot).
func (e *Engine) claim(now time.Time) ([]claim, time.Time, error) {
	var out []claim
	var next time.Time
	e.mu.Lock()
	free := e.opts.Concurrency - len(e.inflight)
	e.mu.Unlock()
	err := e.db.View(e.ctx, func(t *store.Txn) error {
		return t.ScanKeys([]byte{store.IndexJobDue}, func(k []byte) error {
			if len(k) < 9 {
				return nil
			}
			at, err := store.ParseTimeKey(k[1:9])
			if err != nil {
				return err
			}
			if at.After(now) {
				next = at
				return errStop
			}
			id := string(k[9:])
			e.mu.Lock()
			busy := e.inflight[id]
			ok := !busy && free > 0
			if ok {
				e.inflight[id] = true
				free--
			}
			e.mu.Unlock()
			switch {
			case busy:
				return nil
			case !ok:
				next = time.Time{} // a finishing job wakes the loop
				return errStop
			}
			out = append(out, claim{id: id, at: at})
			return nil
		})
	})
	if errors.Is(err, errStop) {
		err = nil
	}
	return out, next, err
}

// process runs one due action.
func (e *Engine) process(c claim) {
	defer func() {
		e.mu.Lock()
		delete(e.inflight, c.id)
		e.mu.Unlock()
		e.kick()
		e.wg.Done()
	}()
	ctx, cancel := context.WithTimeout(e.ctx, e.opts.CallTimeout)
	defer cancel()
	j, err := e.Get(ctx, c.id)
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			e.dropStale(c)
		}
		return
	}
	if !j.NextAt.Equal(c.at) {
		e.dropStale(c)
		return
	}
	switch j.State {
	case StateScheduled, StateWaitingNetwork:
		e.publish(ctx, j)
	case StateToVerify:
		e.verify(ctx, j)
	case StateHandedOff:
		e.checkHandedOff(ctx, j)
	case StateCancelled:
		if j.Remote != "" {
			e.unhand(ctx, j)
		} else {
			e.dropStale(c)
		}
	default:
		e.dropStale(c)
	}
}

// dropStale removes an index entry that no longer matches its job.
func (e *Engine) dropStale(c claim) {
	_ = e.db.Update(context.WithoutCancel(e.ctx), func(t *store.Txn) error {
		j, err := getJob(t, c.id)
		if err == nil && j.NextAt.Equal(c.at) && (j.State == StateScheduled || j.State == StateWaitingNetwork || j.State == StateToVerify ||
			j.State == StateHandedOff || (j.State == StateCancelled && j.Remote != "")) {
			return nil
		}
		return t.Delete(dueKey(c.at, c.id))
	})
}

func (e *Engine) fail(ctx context.Context, j Job, f Failure) {
	_, _ = e.settle(ctx, j.ID, func(j *Job, _ time.Time) (ActivityKind, EventKind) {
		j.State, j.NextAt, j.Failure = StateFailed, time.Time{}, &f
		return ActivityFailed, EventFailed
	})
}

// since is when j's first publish attempt started (zero when none).
func since(j *Job) time.Time {
	for _, a := range j.Attempts {
		if !a.Verify {
			return a.Started
		}
	}
	return time.Time{}
}

func publishAttempts(j *Job) int {
	n := 0
	for _, a := range j.Attempts {
		if !a.Verify && a.Outcome != OutcomeOffline {
			n++
		}
	}
	return n
}

// prepare loads what a publish or verification needs. ok is false when
// the job was settled instead (failed, cancelled, waiting).
func (e *Engine) prepare(ctx context.Context, j Job) (Publisher, Payload, Account, bool) {
	pub := e.pubs[j.Network]
	if pub == nil {
		e.fail(ctx, j, Failure{Code: CodeNoPublisher, Action: ActionRetry})
		return nil, Payload{}, Account{}, false
	}
	p, err := e.content.Load(ctx, j.PostID, j.VariantID)
	if errors.Is(err, ErrGone) {
		_, _ = e.settle(ctx, j.ID, func(j *Job, _ time.Time) (ActivityKind, EventKind) {
			j.State, j.NextAt = StateCancelled, time.Time{}
			return "", ""
		})
		return nil, p, Account{}, false
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, p, Account{}, false // closing: the index entry stays
		}
		e.log.Warn("schedule: post unreadable", "job", j.ID, "err", err)
		if errors.Is(err, ErrVisualGone) {
			e.fail(ctx, j, Failure{Code: CodeVisualGone, Action: ActionEditPost})
		} else {
			e.fail(ctx, j, Failure{Code: CodeContent, Action: ActionRetry})
		}
		return nil, p, Account{}, false
	}
	tok, acc, err := e.accounts.Fresh(ctx, j.AccountID)
	switch {
	case err == nil:
	case errors.Is(err, network.ErrRevoked):
		e.fail(ctx, j, Failure{Code: CodeRevoked, Action: ActionReconnect, Reason: reasonOf(err)})
		return nil, p, Account{}, false
	case errors.Is(err, network.ErrUnreachable):
		e.waitNetwork(ctx, j, e.markOffline(acc.Server))
		return nil, p, Account{}, false
	default:
		if ctx.Err() != nil {
			return nil, p, Account{}, false
		}
		e.log.Warn("schedule: account unusable", "job", j.ID, "err", err)
		if errors.Is(err, vault.ErrLocked) {
			e.fail(ctx, j, Failure{Code: CodeLocked, Action: ActionUnlock})
		} else {
			e.fail(ctx, j, Failure{Code: CodeAccount, Action: ActionReconnect})
		}
		return nil, p, Account{}, false
	}
	a := Account{ID: acc.ID, Network: acc.Network, Server: acc.Server, RemoteID: acc.Profile.RemoteID, Handle: acc.Profile.Handle, Token: tok}
	if next, ok := e.hostReady(ctx, a.Server); !ok {
		e.waitNetwork(ctx, j, next)
		return nil, p, Account{}, false
	}
	return pub, p, a, true
}

// waitNetwork parks j until the next probe of its server.
func (e *Engine) waitNetwork(ctx context.Context, j Job, next time.Time) {
	_, _ = e.settle(ctx, j.ID, func(j *Job, _ time.Time) (ActivityKind, EventKind) {
		j.NextAt = next
		if j.State == StateToVerify {
			return "", ""
		}
		if j.State == StateWaitingNetwork {
			return "", ""
		}
		// It was due and in time when it found the network gone: it
		// goes out when the network returns, however late.
		j.State, j.LateOK = StateWaitingNetwork, true
		return ActivityWaiting, EventWaiting
	})
}

func (e *Engine) publish(ctx context.Context, j Job) {
	now := e.clock.Now()
	if late := now.Sub(j.Due); !j.LateOK && late > 0 {
		pol, err := e.Policy(ctx, j.WorkspaceID)
		if err != nil {
			return
		}
		if late > time.Duration(pol.Minutes)*time.Minute {
			_, _ = e.settle(ctx, j.ID, func(j *Job, _ time.Time) (ActivityKind, EventKind) {
				j.State, j.NextAt, j.Late = StateNeedsDecision, time.Time{}, late.Round(time.Second)
				return ActivityNeedsDecision, EventNeedsDecision
			})
			return
		}
	}
	if j.Remote != "" {
		e.fixRemote(ctx, j)
		return
	}
	if ho, ok := e.pubs[j.Network].(HandOffer); ok && j.HandOff && j.Due.Sub(now) >= HandOffMin {
		e.handOff(ctx, j, ho)
		return
	}
	if now.Before(j.Due) && !j.LateOK {
		// Woken early (a hand-off that no longer applies): never publish
		// before the due time, unless the user said now.
		_, _ = e.settle(ctx, j.ID, func(cur *Job, _ time.Time) (ActivityKind, EventKind) {
			if cur.NextAt.Equal(j.NextAt) && cur.State == j.State {
				cur.NextAt = cur.Due
			}
			return "", ""
		})
		return
	}
	pub, p, a, ok := e.prepare(ctx, j)
	if !ok {
		return
	}
	// The attempt is on disk before anything leaves the machine.
	att := Attempt{ID: newID(), Started: e.clock.Now(), Outcome: OutcomeSending}
	started := false
	j, err := e.settle(ctx, j.ID, func(cur *Job, _ time.Time) (ActivityKind, EventKind) {
		if (cur.State != StateScheduled && cur.State != StateWaitingNetwork) || !cur.NextAt.Equal(j.NextAt) {
			return "", "" // changed meanwhile: leave it
		}
		started = true
		cur.Attempts = append(cur.Attempts, att)
		cur.State, cur.NextAt, cur.LateOK = StateSending, time.Time{}, true
		if late := att.Started.Sub(cur.Due); late >= time.Minute {
			cur.Late = late.Round(time.Second)
		}
		return "", ""
	})
	if err != nil || !started {
		return
	}
	key := Key{ID: j.Key, Since: since(&j), Retry: publishAttempts(&j) > 1}
	res, perr := pub.Publish(ctx, a, p, key)
	e.outcome(ctx, j, a, att.ID, res, perr)
}

// verdicts of a publish error.
type verdict int

const (
	vUnknown verdict = iota // may have reached the network: verify
	vOffline                // never left the machine
	vRetry                  // safe to retry after a wait
	vFailed                 // permanent
)

func classify(err error) (v verdict, f Failure, wait time.Duration) {
	var se *network.StatusError
	hasStatus := errors.As(err, &se)
	reason := reasonOf(err)
	switch {
	case errors.Is(err, network.ErrNotSent):
		return vOffline, f, 0
	case errors.Is(err, network.ErrRevoked):
		return vFailed, Failure{Code: CodeRevoked, Action: ActionReconnect, Reason: reason}, 0
	case errors.Is(err, network.ErrInvalidContent):
		return vFailed, Failure{Code: CodeInvalidText, Action: ActionFixText, Reason: reason}, 0
	case errors.Is(err, network.ErrMediaRejected):
		return vFailed, Failure{Code: CodeMediaRejected, Action: ActionPickRendition, Reason: reason}, 0
	case errors.Is(err, network.ErrRateLimited):
		if hasStatus {
			wait = se.RetryAfter
		}
		return vRetry, Failure{Code: CodeRateLimited, Action: ActionRetry, Reason: reason}, wait
	case hasStatus && se.Status == 503:
		return vRetry, Failure{Code: CodeUnavailable, Action: ActionRetry, Reason: reason}, se.RetryAfter
	case hasStatus && se.Status >= 400 && se.Status < 500 && se.Status != 408:
		return vFailed, Failure{Code: CodeRejected, Action: ActionRetry, Reason: reason}, 0
	}
	return vUnknown, Failure{Reason: reason}, 0
}

func reasonOf(err error) string {
	var se *network.StatusError
	if errors.As(err, &se) {
		if se.Reason != "" {
			return se.Reason
		}
		return fmt.Sprintf("HTTP %d", se.Status)
	}
	if err == nil {
		return ""
	}
	s := err.Error()
	if len(s) > 200 {
		s = s[:200]
	}
	return s
}

// backoff is an exponential wait with equal jitter.
func backoff(n int, base, limit time.Duration) time.Duration {
	d := base
	for i := 1; i < n && d < limit; i++ {
		d *= 2
	}
	d = min(d, limit)
	half := d / 2
	return half + rand.N(half+1)
}

// outcome records what a publish attempt gave.
func (e *Engine) outcome(ctx context.Context, j Job, a Account, attID string, res Result, err error) {
	v, f, wait := classify(err)
	renewed := false
	if err != nil && v == vFailed && f.Code == CodeRevoked {
		// Done before the job's failure is recorded and announced, so
		// the UI, told of the failure, finds the account to reconnect.
		switch e.renewRefused(ctx, &j, a, f.Reason) {
		case renewOK:
			renewed = true
		case renewOffline:
			v = vOffline
		}
	}
	_, serr := e.settle(ctx, j.ID, func(j *Job, now time.Time) (ActivityKind, EventKind) {
		var att *Attempt
		for i := range j.Attempts {
			if j.Attempts[i].ID == attID {
				att = &j.Attempts[i]
			}
		}
		if att == nil { // cannot happen: the attempt was stored first
			att = &Attempt{}
		}
		att.Finished = now
		if err == nil {
			att.Outcome = OutcomePublished
			j.State, j.NextAt, j.Result, j.Failure, j.Retries = StatePublished, time.Time{}, &res, nil, 0
			return ActivityPublished, EventPublished
		}
		att.Reason = f.Reason
		if renewed {
			// Refused before anything was written: safe to send again
			// at once with the renewed token.
			att.Outcome, att.Code = OutcomeRetry, CodeRevoked
			j.State, j.NextAt = StateScheduled, now
			return "", ""
		}
		switch v {
		case vOffline:
			att.Outcome = OutcomeOffline
			j.State, j.NextAt = StateWaitingNetwork, e.markOffline(a.Server)
			return ActivityWaiting, EventWaiting
		case vRetry:
			j.Retries++
			att.Outcome, att.Code = OutcomeRetry, f.Code
			if j.Retries > e.opts.MaxRetries {
				j.State, j.NextAt, j.Failure = StateFailed, time.Time{}, &f
				return ActivityFailed, EventFailed
			}
			j.State, j.NextAt = StateScheduled, now.Add(max(wait, backoff(j.Retries, e.opts.BackoffBase, e.opts.BackoffMax)))
			return "", ""
		case vFailed:
			att.Outcome, att.Code = OutcomeFailed, f.Code
			j.State, j.NextAt, j.Failure = StateFailed, time.Time{}, &f
			return ActivityFailed, EventFailed
		}
		att.Outcome = OutcomeUnknown
		j.State, j.NextAt = StateToVerify, now.Add(e.opts.VerifyDelay)
		return ActivityToVerify, EventToVerify
	})
	if serr != nil {
		e.log.Error("schedule: recording an outcome", "job", j.ID, "err", serr)
	}
}

// What renewRefused did.
type renewal int

const (
	renewFailed  renewal = iota // the account is marked for reconnection
	renewOK                     // a new token is stored: try again
	renewOffline                // the renewal could not reach the network
)

// renewRefused handles an access token the network refused. A token can
// expire before its stored expiry (a machine that slept past it, a server
// that restarted, Bluesky's two-hour access tokens): the account's token is
// renewed once per job and the call tried again; only a renewal that
// fails, or a second refusal, marks the account for reconnection.
func (e *Engine) renewRefused(ctx context.Context, j *Job, a Account, why string) renewal {
	for _, at := range j.Attempts {
		if at.Code == CodeRevoked && at.Outcome == OutcomeRetry {
			e.markRevoked(ctx, a.ID, why) // refused again after a renewal
			return renewFailed
		}
	}
	_, _, err := e.accounts.Renew(ctx, a.ID, a.Token.Access)
	switch {
	case err == nil:
		return renewOK
	case errors.Is(err, network.ErrNotSent), errors.Is(err, network.ErrUnreachable):
		return renewOffline
	}
	e.markRevoked(ctx, a.ID, why)
	return renewFailed
}

// markRevoked marks an account for reconnection after the network refused
// its token.
func (e *Engine) markRevoked(ctx context.Context, id, why string) {
	if _, err := e.accounts.MarkRevoked(context.WithoutCancel(ctx), id, why); err != nil {
		e.log.Error("schedule: marking an account for reconnection", "account", id, "err", err)
	}
}

// verify asks the network whether an attempt whose outcome is unknown
// published the post.
func (e *Engine) verify(ctx context.Context, j Job) {
	pub, p, a, ok := e.prepare(ctx, j)
	if !ok {
		return
	}
	started := e.clock.Now()
	res, found, err := pub.Verify(ctx, a, p, Key{ID: j.Key, Since: since(&j)})
	rn := renewFailed
	if err != nil {
		if v, f, _ := classify(err); v == vFailed && f.Code == CodeRevoked {
			rn = e.renewRefused(ctx, &j, a, f.Reason)
		}
	}
	_, serr := e.settle(ctx, j.ID, func(cur *Job, now time.Time) (ActivityKind, EventKind) {
		if cur.State != StateToVerify || !cur.NextAt.Equal(j.NextAt) {
			return "", ""
		}
		att := Attempt{ID: newID(), Verify: true, Started: started, Finished: now}
		defer func() { cur.Attempts = append(cur.Attempts, att) }()
		switch {
		case err == nil && found:
			att.Outcome = OutcomeFound
			cur.State, cur.NextAt, cur.Result, cur.Failure, cur.Retries = StatePublished, time.Time{}, &res, nil, 0
			return ActivityPublished, EventPublished
		case err == nil:
			att.Outcome = OutcomeNotFound
			cur.State, cur.NextAt, cur.Retries = StateScheduled, now, 0
			return "", ""
		}
		v, f, wait := classify(err)
		att.Reason = f.Reason
		switch {
		case v == vOffline:
			att.Outcome = OutcomeOffline
			cur.NextAt = e.markOffline(a.Server)
		case v == vFailed && f.Code == CodeRevoked && rn == renewOK:
			att.Outcome, att.Code = OutcomeRetry, f.Code // ask again, renewed
			cur.NextAt = now
		case v == vFailed && f.Code == CodeRevoked && rn == renewOffline:
			att.Outcome = OutcomeOffline
			cur.NextAt = e.markOffline(a.Server)
		case v == vFailed && f.Code == CodeRevoked:
			att.Outcome, att.Code = OutcomeFailed, f.Code
			cur.State, cur.NextAt, cur.Failure = StateFailed, time.Time{}, &f
			return ActivityFailed, EventFailed
		default:
			// Keep asking, ever more slowly: giving up would mean
			// guessing. The job shows "to verify" meanwhile.
			cur.Retries++
			att.Outcome, att.Code = OutcomeRetry, f.Code
			cur.NextAt = now.Add(max(wait, backoff(cur.Retries, e.opts.BackoffBase, e.opts.BackoffMax)))
		}
		return "", ""
	})
	if serr != nil {
		e.log.Error("schedule: recording a verification", "job", j.ID, "err", serr)
	}
}

func hostOf(server string) string {
	u, err := url.Parse(server)
	if err != nil || u.Host == "" {
		return server
	}
	return u.Host
}

func (e *Engine) host(server string) *host {
	e.mu.Lock()
	defer e.mu.Unlock()
	h := e.hosts[hostOf(server)]
	if h == nil {
		h = &host{}
		e.hosts[hostOf(server)] = h
	}
	return h
}

// markOffline records that a request to server could not leave the
// machine and returns when it will be probed.
func (e *Engine) markOffline(server string) time.Time {
	h := e.host(server)
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.offline {
		h.offline, h.failures = true, 1
		h.nextProbe = e.clock.Now().Add(backoff(1, e.opts.ProbeBase, e.opts.ProbeMax))
	}
	return h.nextProbe
}

// hostReady reports whether server may be tried now; when it is offline
// and its probe is due, this call probes it (one probe at a time).
func (e *Engine) hostReady(ctx context.Context, server string) (time.Time, bool) {
	h := e.host(server)
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.offline {
		return time.Time{}, true
	}
	now := e.clock.Now()
	if now.Before(h.nextProbe) {
		return h.nextProbe, false
	}
	if err := e.opts.Probe(ctx, server); err != nil {
		h.failures++
		h.nextProbe = now.Add(backoff(h.failures, e.opts.ProbeBase, e.opts.ProbeMax))
		return h.nextProbe, false
	}
	h.offline, h.failures = false, 0
	return time.Time{}, true
}

// dialProbe opens (and closes) a TCP connection to server's host.
func dialProbe(ctx context.Context, server string) error {
	u, err := url.Parse(server)
	if err != nil || u.Host == "" {
		return fmt.Errorf("%w: %q", network.ErrUnreachable, server)
	}
	addr := u.Host
	if u.Port() == "" {
		port := "443"
		if u.Scheme == "http" {
			port = "80"
		}
		addr = net.JoinHostPort(u.Hostname(), port)
	}
	d := net.Dialer{Timeout: 5 * time.Second}
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("%w: %v", network.ErrUnreachable, err)
	}
	return c.Close()
}
