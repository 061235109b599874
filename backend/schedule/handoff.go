package schedule

import (
	"context"
	"fmt"
	"time"
)

// Hand-off: a job planned with HandOff, on a network whose publisher is a
// HandOffer, is given to the network as soon as it is planned (Mastodon
// holds it with scheduled_at) and shows "handed_off"; it then goes out
// with Relais closed. A Reschedule moves the held post; a Plan of the
// same job (its content may have changed), PublishNow or a due time too
// close cancels it at the network and starts again; Unplan cancels it.
// handOffCheck after the due time the engine looks for the post
// (Publisher.Verify) and marks it published.

// retryLater parks j after a safe error, or fails it after MaxRetries.
func (e *Engine) retryLater(ctx context.Context, j Job, server string, err error) {
	v, f, wait := classify(err)
	_, _ = e.settle(ctx, j.ID, func(cur *Job, now time.Time) (ActivityKind, EventKind) {
		if !cur.NextAt.Equal(j.NextAt) || cur.State != j.State {
			return "", ""
		}
		switch v {
		case vOffline:
			cur.NextAt = e.markOffline(server)
			return "", ""
		case vFailed:
			if cur.State != StateCancelled {
				cur.State, cur.NextAt, cur.Failure = StateFailed, time.Time{}, &f
				return ActivityFailed, EventFailed
			}
		}
		cur.Retries++
		if cur.Retries > e.opts.MaxRetries && cur.State != StateCancelled {
			if f.Code == "" {
				f.Code, f.Action = CodeUnavailable, ActionRetry
			}
			cur.State, cur.NextAt, cur.Failure = StateFailed, time.Time{}, &f
			return ActivityFailed, EventFailed
		}
		cur.NextAt = now.Add(max(wait, backoff(cur.Retries, e.opts.BackoffBase, e.opts.BackoffMax)))
		return "", ""
	})
}

// handOff gives j to the network to hold until its due time.
func (e *Engine) handOff(ctx context.Context, j Job, ho HandOffer) {
	_, p, a, ok := e.prepare(ctx, j)
	if !ok {
		return
	}
	att := Attempt{ID: newID(), Started: e.clock.Now(), Outcome: OutcomeSending}
	started := false
	j, err := e.settle(ctx, j.ID, func(cur *Job, _ time.Time) (ActivityKind, EventKind) {
		if (cur.State != StateScheduled && cur.State != StateWaitingNetwork) || !cur.NextAt.Equal(j.NextAt) {
			return "", ""
		}
		started = true
		cur.Attempts = append(cur.Attempts, att)
		cur.State, cur.NextAt = StateSending, time.Time{}
		return "", ""
	})
	if err != nil || !started {
		return
	}
	key := Key{ID: fmt.Sprintf("%s-h%d", j.Key, j.HandOffs), Since: since(&j)}
	remote, herr := ho.HandOff(ctx, a, p, key, j.Due)
	v, f, wait := classify(herr)
	_, _ = e.settle(ctx, j.ID, func(cur *Job, now time.Time) (ActivityKind, EventKind) {
		var at *Attempt
		for i := range cur.Attempts {
			if cur.Attempts[i].ID == att.ID {
				at = &cur.Attempts[i]
			}
		}
		if at == nil {
			at = &Attempt{}
		}
		at.Finished = now
		if herr == nil {
			at.Outcome = OutcomeHandedOff
			cur.State, cur.Remote, cur.RemoteStale, cur.NextAt, cur.Retries = StateHandedOff, remote, false, cur.Due.Add(handOffCheck), 0
			return ActivityHandedOff, EventHandedOff
		}
		at.Reason = f.Reason
		switch v {
		case vOffline:
			at.Outcome = OutcomeOffline
			cur.State, cur.NextAt = StateWaitingNetwork, e.markOffline(a.Server)
			return ActivityWaiting, EventWaiting
		case vFailed:
			at.Outcome, at.Code = OutcomeFailed, f.Code
			cur.State, cur.NextAt, cur.Failure = StateFailed, time.Time{}, &f
			return ActivityFailed, EventFailed
		}
		// A safe error, or an unknown outcome: the same key again is
		// idempotent at the network (an hour at Mastodon).
		at.Outcome = OutcomeRetry
		if v == vUnknown {
			at.Outcome = OutcomeUnknown
		}
		cur.Retries++
		cur.State, cur.NextAt = StateScheduled, now.Add(max(wait, backoff(cur.Retries, e.opts.BackoffBase, e.opts.BackoffMax)))
		return "", ""
	})
}

// fixRemote brings a held post in line with its job: moved when only the
// time changed and hand-off still applies, else cancelled so the job
// starts again.
func (e *Engine) fixRemote(ctx context.Context, j Job) {
	ho, ok := e.pubs[j.Network].(HandOffer)
	if !ok {
		return
	}
	_, _, a, ok := e.prepare(ctx, j)
	if !ok {
		return
	}
	now := e.clock.Now()
	if !j.RemoteStale && j.HandOff && j.Due.Sub(now) >= HandOffMin {
		if err := ho.MoveHandOff(ctx, a, j.Remote, j.Due); err != nil {
			e.retryLater(ctx, j, a.Server, err)
			return
		}
		_, _ = e.settle(ctx, j.ID, func(cur *Job, _ time.Time) (ActivityKind, EventKind) {
			if !cur.NextAt.Equal(j.NextAt) || cur.Remote != j.Remote {
				return "", ""
			}
			cur.State, cur.NextAt, cur.Retries = StateHandedOff, cur.Due.Add(handOffCheck), 0
			return ActivityHandedOff, EventHandedOff
		})
		return
	}
	found, err := ho.CancelHandOff(ctx, a, j.Remote)
	if err != nil {
		e.retryLater(ctx, j, a.Server, err)
		return
	}
	_, _ = e.settle(ctx, j.ID, func(cur *Job, now time.Time) (ActivityKind, EventKind) {
		if !cur.NextAt.Equal(j.NextAt) || cur.Remote != j.Remote {
			return "", ""
		}
		cur.Remote, cur.RemoteStale, cur.HandOffs, cur.Retries = "", false, cur.HandOffs+1, 0
		cur.State, cur.NextAt = StateScheduled, now
		if !found {
			// The network no longer held it: it may have gone out.
			cur.State = StateToVerify
		}
		return "", ""
	})
}

// unhand cancels the held post of an unplanned job.
func (e *Engine) unhand(ctx context.Context, j Job) {
	ho, ok := e.pubs[j.Network].(HandOffer)
	if !ok {
		return
	}
	tok, acc, err := e.accounts.Fresh(ctx, j.AccountID)
	if err != nil {
		e.retryLater(ctx, j, acc.Server, err)
		return
	}
	a := Account{ID: acc.ID, Network: acc.Network, Server: acc.Server, RemoteID: acc.Profile.RemoteID, Handle: acc.Profile.Handle, Token: tok}
	if _, err := ho.CancelHandOff(ctx, a, j.Remote); err != nil {
		e.retryLater(ctx, j, a.Server, err)
		return
	}
	_, _ = e.settle(ctx, j.ID, func(cur *Job, _ time.Time) (ActivityKind, EventKind) {
		if cur.State == StateCancelled && cur.Remote == j.Remote {
			cur.Remote, cur.NextAt, cur.Retries = "", time.Time{}, 0
		}
		return "", ""
	})
}

// checkHandedOff looks, after the due time, for the post the network
// held.
func (e *Engine) checkHandedOff(ctx context.Context, j Job) {
	ho, _ := e.pubs[j.Network].(HandOffer)
	pub, p, a, ok := e.prepare(ctx, j)
	if !ok || ho == nil {
		return
	}
	res, found, err := pub.Verify(ctx, a, p, Key{ID: j.Key, Since: j.Due})
	if err != nil {
		e.retryLater(ctx, j, a.Server, err)
		return
	}
	held := false
	if !found {
		if held, err = ho.HandedOff(ctx, a, j.Remote); err != nil {
			e.retryLater(ctx, j, a.Server, err)
			return
		}
	}
	_, _ = e.settle(ctx, j.ID, func(cur *Job, now time.Time) (ActivityKind, EventKind) {
		if cur.State != StateHandedOff || !cur.NextAt.Equal(j.NextAt) {
			return "", ""
		}
		att := Attempt{ID: newID(), Verify: true, Started: now, Finished: now, Outcome: OutcomeNotFound}
		defer func() { cur.Attempts = append(cur.Attempts, att) }()
		if found {
			att.Outcome = OutcomeFound
			cur.State, cur.NextAt, cur.Result, cur.Failure, cur.Retries = StatePublished, time.Time{}, &res, nil, 0
			return ActivityPublished, EventPublished
		}
		cur.Retries++
		if !held && cur.Retries > e.opts.MaxRetries {
			cur.State, cur.NextAt = StateFailed, time.Time{}
			cur.Failure = &Failure{Code: CodeHandOffLost, Action: ActionRetry}
			cur.Remote = ""
			return ActivityFailed, EventFailed
		}
		// Still held (the instance is late), or not in the timeline yet.
		cur.NextAt = now.Add(backoff(cur.Retries, e.opts.BackoffBase, e.opts.BackoffMax))
		return "", ""
	})
}
