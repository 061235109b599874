package schedule

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"relais/backend/store"
)

func jobKey(id string) []byte { return store.Key(store.TableJob, []byte(id)) }

func dueKey(at time.Time, id string) []byte {
	return store.Key(store.IndexJobDue, store.TimeKey(at), []byte(id))
}

func wsKey(ws string, due time.Time, id string) []byte {
	return store.Key(store.IndexJobWorkspace, []byte(ws), []byte{0}, store.TimeKey(due), []byte(id))
}

func acctKey(acct, id string) []byte {
	return store.Key(store.IndexJobAccount, []byte(acct), []byte{0}, []byte(id))
}

func sendingKey(id string) []byte { return store.Key(store.IndexJobSending, []byte(id)) }

func policyKey(ws string) []byte { return store.Key(store.TableLatePolicy, []byte(ws)) }

func activityPrefix(ws string) []byte {
	return store.Key(store.TableActivity, []byte(ws), []byte{0})
}

func activityKey(ws string, at time.Time, id string, kind ActivityKind) []byte {
	tk := store.TimeKey(at)
	for i := range tk {
		tk[i] = ^tk[i] // newest first
	}
	return store.Key(store.TableActivity, []byte(ws), []byte{0}, tk, []byte(id), []byte{0}, []byte(kind))
}

func newID() string { return uuid.Must(uuid.NewV7()).String() }

// getJob reads a job.
func getJob(t *store.Txn, id string) (Job, error) {
	var j Job
	err := t.Get(jobKey(id), &j)
	if errors.Is(err, store.ErrNotFound) {
		return j, fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	return j, err
}

// saveJob writes j and keeps its index entries in step with old (nil for
// a new job).
func saveJob(t *store.Txn, old *Job, j *Job) error {
	if old != nil {
		if !old.NextAt.IsZero() && !old.NextAt.Equal(j.NextAt) {
			if err := t.Delete(dueKey(old.NextAt, old.ID)); err != nil {
				return err
			}
		}
		if !old.Due.Equal(j.Due) {
			if err := t.Delete(wsKey(old.WorkspaceID, old.Due, old.ID)); err != nil {
				return err
			}
		}
		if old.AccountID != j.AccountID {
			if err := t.Delete(acctKey(old.AccountID, old.ID)); err != nil {
				return err
			}
		}
	}
	if !j.NextAt.IsZero() {
		if err := t.SetIndex(dueKey(j.NextAt, j.ID)); err != nil {
			return err
		}
	}
	if err := t.SetIndex(wsKey(j.WorkspaceID, j.Due, j.ID)); err != nil {
		return err
	}
	if err := t.SetIndex(acctKey(j.AccountID, j.ID)); err != nil {
		return err
	}
	if j.State == StateSending {
		if err := t.SetIndex(sendingKey(j.ID)); err != nil {
			return err
		}
	} else if old != nil && old.State == StateSending {
		if err := t.Delete(sendingKey(j.ID)); err != nil {
			return err
		}
	}
	return t.Put(jobKey(j.ID), j)
}

func addActivity(t *store.Txn, j *Job, kind ActivityKind, at time.Time) error {
	a := Activity{At: at, Kind: kind, JobID: j.ID, PostID: j.PostID, VariantID: j.VariantID,
		AccountID: j.AccountID, Network: j.Network, Late: j.Late}
	if j.Result != nil {
		a.URL = j.Result.URL
	}
	if j.Failure != nil {
		a.Code, a.Action, a.Reason = j.Failure.Code, j.Failure.Action, j.Failure.Reason
	}
	return t.Put(activityKey(j.WorkspaceID, at, j.ID, kind), a)
}

// editable reports whether the user may change j.
func editable(j *Job) bool {
	switch j.State {
	case StateSending, StateToVerify, StatePublished:
		return false
	}
	return true
}

// unverified reports whether an attempt of j may have reached the
// network without a verification since.
func unverified(j *Job) bool {
	for i := len(j.Attempts) - 1; i >= 0; i-- {
		a := j.Attempts[i]
		if a.Verify && (a.Outcome == OutcomeNotFound || a.Outcome == OutcomeFound) {
			return false
		}
		if !a.Verify && (a.Outcome == OutcomeUnknown || a.Outcome == OutcomeInterrupted || a.Outcome == OutcomeSending) {
			return true
		}
	}
	return false
}

// Plan adds a job, or updates a job with the same id that has not started
// (its key and attempts are kept). It returns the stored job.
func (e *Engine) Plan(ctx context.Context, j Job) (Job, error) {
	if j.WorkspaceID == "" || j.PostID == "" || j.AccountID == "" || j.Network == "" || j.Due.IsZero() {
		return j, fmt.Errorf("%w: workspace, post, account, network and due time are required", ErrInvalid)
	}
	if j.Zone != "" {
		if _, err := time.LoadLocation(j.Zone); err != nil {
			return j, fmt.Errorf("%w: zone %q", ErrInvalid, j.Zone)
		}
	}
	now := e.clock.Now()
	if j.ID == "" {
		j.ID = newID()
	}
	j.Due = j.Due.UTC().Round(0)
	err := e.db.Update(ctx, func(t *store.Txn) error {
		old, err := getJob(t, j.ID)
		var oldp *Job
		switch {
		case err == nil:
			if !editable(&old) {
				return fmt.Errorf("%w: %s is %s", ErrStarted, j.ID, old.State)
			}
			oldp = &old
			j.Key, j.Attempts, j.CreatedAt, j.Retries = old.Key, old.Attempts, old.CreatedAt, 0
			// A post the network holds is replaced: the content may
			// have changed.
			j.Remote, j.RemoteStale, j.HandOffs = old.Remote, old.Remote != "", old.HandOffs
		case errors.Is(err, ErrNotFound):
			j.Key, j.CreatedAt, j.Attempts = NewKey(now), now, nil
		default:
			return err
		}
		j.State, j.NextAt, j.LateOK, j.Result, j.Failure, j.Late, j.UpdatedAt = StateScheduled, j.Due, false, nil, nil, 0, now
		if j.HandOff || j.Remote != "" {
			j.NextAt = now // hand it off (or fix the held post) now
		}
		if unverified(&j) {
			j.State = StateToVerify
		}
		return saveJob(t, oldp, &j)
	})
	if err != nil {
		return j, err
	}
	e.kick()
	return j, nil
}

// PlanMany plans new jobs in batches (a recurring post, an import): one
// transaction per 500 jobs instead of one each. Jobs must be new.
func (e *Engine) PlanMany(ctx context.Context, jobs []Job) ([]Job, error) {
	now := e.clock.Now()
	out := make([]Job, 0, len(jobs))
	for _, j := range jobs {
		if j.WorkspaceID == "" || j.PostID == "" || j.AccountID == "" || j.Network == "" || j.Due.IsZero() {
			return nil, fmt.Errorf("%w: workspace, post, account, network and due time are required", ErrInvalid)
		}
		if j.ID == "" {
			j.ID = newID()
		}
		j.Due = j.Due.UTC().Round(0)
		j.Key, j.CreatedAt, j.UpdatedAt, j.Attempts = NewKey(now), now, now, nil
		j.State, j.NextAt, j.LateOK, j.Result, j.Failure, j.Late, j.Retries = StateScheduled, j.Due, false, nil, nil, 0, 0
		j.Remote, j.RemoteStale, j.HandOffs = "", false, 0
		if j.HandOff {
			j.NextAt = now
		}
		out = append(out, j)
	}
	for lo := 0; lo < len(out); lo += 500 {
		err := e.db.Update(ctx, func(t *store.Txn) error {
			for i := lo; i < min(lo+500, len(out)); i++ {
				if ok, err := t.Has(jobKey(out[i].ID)); err != nil || ok {
					if err == nil {
						err = fmt.Errorf("%w: %s exists", ErrInvalid, out[i].ID)
					}
					return err
				}
				if err := saveJob(t, nil, &out[i]); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return out[:lo], err
		}
	}
	e.kick()
	return out, nil
}

// Get returns one job.
func (e *Engine) Get(ctx context.Context, id string) (Job, error) {
	var j Job
	err := e.db.View(ctx, func(t *store.Txn) error {
		var err error
		j, err = getJob(t, id)
		return err
	})
	return j, err
}

// change applies fn to an editable job and saves it.
func (e *Engine) change(ctx context.Context, id string, fn func(j *Job, now time.Time)) (Job, error) {
	var j Job
	now := e.clock.Now()
	err := e.db.Update(ctx, func(t *store.Txn) error {
		old, err := getJob(t, id)
		if err != nil {
			return err
		}
		if !editable(&old) {
			return fmt.Errorf("%w: %s is %s", ErrStarted, id, old.State)
		}
		j = old
		j.Attempts = append([]Attempt(nil), old.Attempts...)
		fn(&j, now)
		j.UpdatedAt = now
		return saveJob(t, &old, &j)
	})
	if err == nil {
		e.kick()
	}
	return j, err
}

// Unplan cancels a job that has not started.
func (e *Engine) Unplan(ctx context.Context, id string) error {
	_, err := e.change(ctx, id, func(j *Job, now time.Time) {
		j.State, j.NextAt = StateCancelled, time.Time{}
		if j.Remote != "" {
			j.NextAt = now // cancel the held post at the network
		}
	})
	return err
}

// Reschedule moves a job that has not gone out to a new due time.
func (e *Engine) Reschedule(ctx context.Context, id string, due time.Time, zone string) (Job, error) {
	if due.IsZero() {
		return Job{}, fmt.Errorf("%w: no due time", ErrInvalid)
	}
	return e.change(ctx, id, func(j *Job, now time.Time) {
		j.Due, j.NextAt, j.LateOK, j.Failure, j.Retries = due.UTC().Round(0), due.UTC().Round(0), false, nil, 0
		if zone != "" {
			j.Zone = zone
		}
		if j.Remote != "" {
			j.NextAt = now // move the held post at the network
		}
		j.State = StateScheduled
		if unverified(j) {
			j.State = StateToVerify
		}
	})
}

// PublishNow sends a job now, however late (also the answer to
// needs_decision and to a failure fixed by the user).
func (e *Engine) PublishNow(ctx context.Context, id string) (Job, error) {
	return e.change(ctx, id, func(j *Job, now time.Time) {
		j.NextAt, j.LateOK, j.Failure, j.Retries = now, true, nil, 0
		j.HandOff, j.RemoteStale = false, j.Remote != "" // Relais publishes it, now
		j.State = StateScheduled
		if unverified(j) {
			j.State = StateToVerify
		}
	})
}

// RetryFailed sends again every failed job of an account (after a
// reconnect); it returns how many.
func (e *Engine) RetryFailed(ctx context.Context, accountID string) (int, error) {
	var ids []string
	err := e.db.View(ctx, func(t *store.Txn) error {
		prefix := store.Key(store.IndexJobAccount, []byte(accountID), []byte{0})
		return t.ScanKeys(prefix, func(k []byte) error {
			id := string(k[len(prefix):])
			j, err := getJob(t, id)
			if err != nil {
				return err
			}
			if j.State == StateFailed {
				ids = append(ids, id)
			}
			return nil
		})
	})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		if _, err := e.PublishNow(ctx, id); err != nil {
			if errors.Is(err, ErrStarted) {
				continue
			}
			return n, err
		}
		n++
	}
	return n, nil
}

// Jobs returns a workspace's jobs due in [from, to), by due time.
func (e *Engine) Jobs(ctx context.Context, workspaceID string, from, to time.Time) ([]Job, error) {
	var out []Job
	errStop := errors.New("stop")
	err := e.db.View(ctx, func(t *store.Txn) error {
		prefix := store.Key(store.IndexJobWorkspace, []byte(workspaceID), []byte{0})
		start := append(append([]byte(nil), prefix...), store.TimeKey(from)...)
		end := store.TimeKey(to)
		err := t.ScanKeysFrom(prefix, start, func(k []byte) error {
			rest := k[len(prefix):]
			if len(rest) < 8 || string(rest[:8]) >= string(end) {
				return errStop
			}
			j, err := getJob(t, string(rest[8:]))
			if err != nil {
				return err
			}
			out = append(out, j)
			return nil
		})
		if errors.Is(err, errStop) {
			return nil
		}
		return err
	})
	return out, err
}

// Activity returns a workspace's activity log, newest first; limit <= 0
// means 100.
func (e *Engine) Activity(ctx context.Context, workspaceID string, limit int) ([]Activity, error) {
	if limit <= 0 {
		limit = 100
	}
	var out []Activity
	errStop := errors.New("stop")
	err := e.db.View(ctx, func(t *store.Txn) error {
		err := t.Scan(activityPrefix(workspaceID), func(_ []byte, decode func(any) error) error {
			var a Activity
			if err := decode(&a); err != nil {
				return err
			}
			out = append(out, a)
			if len(out) >= limit {
				return errStop
			}
			return nil
		})
		if errors.Is(err, errStop) {
			return nil
		}
		return err
	})
	return out, err
}

// Policy returns a workspace's late policy.
func (e *Engine) Policy(ctx context.Context, workspaceID string) (LatePolicy, error) {
	p := DefaultLatePolicy
	err := e.db.View(ctx, func(t *store.Txn) error {
		err := t.Get(policyKey(workspaceID), &p)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		return err
	})
	return p, err
}

// SetPolicy sets a workspace's late policy.
func (e *Engine) SetPolicy(ctx context.Context, workspaceID string, p LatePolicy) error {
	if p.Minutes < 0 {
		return fmt.Errorf("%w: negative minutes", ErrInvalid)
	}
	return e.db.Update(ctx, func(t *store.Txn) error { return t.Put(policyKey(workspaceID), p) })
}

// DueWithin lists the jobs Relais itself must send within d (retries and
// verifications included; handed-off jobs are not: the network holds
// them). The app warns with it when the user quits.
func (e *Engine) DueWithin(ctx context.Context, d time.Duration) ([]Job, error) {
	limit := e.clock.Now().Add(d)
	var out []Job
	err := e.db.View(ctx, func(t *store.Txn) error {
		err := t.ScanKeys([]byte{store.IndexJobDue}, func(k []byte) error {
			if len(k) < 9 {
				return nil
			}
			at, err := store.ParseTimeKey(k[1:9])
			if err != nil {
				return err
			}
			if at.After(limit) {
				return errStop
			}
			j, err := getJob(t, string(k[9:]))
			if err != nil {
				return err
			}
			if j.State == StateScheduled || j.State == StateWaitingNetwork || j.State == StateToVerify {
				out = append(out, j)
			}
			return nil
		})
		if errors.Is(err, errStop) {
			return nil
		}
		return err
	})
	return out, err
}
