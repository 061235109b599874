package publish

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"relais/backend/post"
	"relais/backend/schedule"
)

// Planner is the part of the scheduler Sync drives (schedule.Engine).
type Planner interface {
	Plan(ctx context.Context, j schedule.Job) (schedule.Job, error)
	Unplan(ctx context.Context, id string) error
	Get(ctx context.Context, id string) (schedule.Job, error)
}

var _ Planner = (*schedule.Engine)(nil)

// Sync keeps the scheduler's jobs in line with the plan.
type Sync struct{ plan Planner }

// NewSync returns a Sync driving plan.
func NewSync(plan Planner) *Sync { return &Sync{plan: plan} }

// Post brings the jobs of one post in line after a change: before is the
// post as it was (nil for a new post), after as it is now (nil once
// deleted). A scheduled post with a due time gets one job per variant;
// every other job of the post that has not started is cancelled. Jobs
// that have started or gone out are left to the scheduler, and so is a
// post marked published or failed (statuses its jobs gave it).
func (s *Sync) Post(ctx context.Context, before, after *post.Post) error {
	if after != nil && (after.Status == post.StatusPublished || after.Status == post.StatusFailed) {
		// These statuses come from the jobs themselves (see Status): a
		// failed job waits for the user's retry, the others go on.
		return nil
	}
	keep := map[string]bool{}
	var errs []error
	if after != nil && after.Status == post.StatusScheduled && !after.Due.IsZero() {
		for _, v := range after.Variants {
			if v.AccountID == "" {
				continue
			}
			keep[v.ID] = true
			// A job already planned for this time and account stays as it
			// is, whatever its state: a failed one waits for the user's
			// retry rather than going out again because the post was saved.
			// One the network holds is replaced when its content changed,
			// so the network publishes what the user sees.
			old, err := s.plan.Get(ctx, v.ID)
			if err == nil && old.State != schedule.StateCancelled && old.Due.Equal(after.Due) && old.AccountID == v.AccountID &&
				old.HandOff == v.HandOff && !(old.State == schedule.StateHandedOff && contentChanged(before, after, &v)) {
				continue
			}
			_, err = s.plan.Plan(ctx, schedule.Job{
				ID: v.ID, WorkspaceID: after.WorkspaceID, PostID: after.ID, VariantID: v.ID,
				AccountID: v.AccountID, Network: v.Network, Due: after.Due, Zone: after.Zone, HandOff: v.HandOff,
			})
			if err != nil && !errors.Is(err, schedule.ErrStarted) {
				errs = append(errs, fmt.Errorf("planning variant %s: %w", v.ID, err))
			}
		}
	}
	for _, p := range []*post.Post{before, after} {
		if p == nil {
			continue
		}
		for _, v := range p.Variants {
			if keep[v.ID] {
				continue
			}
			keep[v.ID] = true // once is enough
			err := s.plan.Unplan(ctx, v.ID)
			if err != nil && !errors.Is(err, schedule.ErrNotFound) && !errors.Is(err, schedule.ErrStarted) {
				errs = append(errs, fmt.Errorf("cancelling variant %s: %w", v.ID, err))
			}
		}
	}
	return errors.Join(errs...)
}

// contentChanged reports whether variant v of after says something else
// than it did in before (its text, visuals or first comment).
func contentChanged(before, after *post.Post, v *post.Variant) bool {
	if before == nil {
		return true
	}
	// A variant without its own text says the post's (and is stored
	// without a copy of it).
	text := func(p *post.Post, v *post.Variant) string {
		if v.OwnText {
			return v.Text
		}
		return p.Text
	}
	for _, o := range before.Variants {
		if o.ID == v.ID {
			return text(before, &o) != text(after, v) || o.FirstComment != v.FirstComment ||
				o.Title != v.Title || o.Link != v.Link || !slices.Equal(o.Assets, v.Assets)
		}
	}
	return true
}

// Status is what a post's jobs say about it: published once every job is
// published, failed when one failed or needs a decision, and "" while
// they are still on their way (or the post has no jobs).
func (s *Sync) Status(ctx context.Context, p post.Post) (post.Status, error) {
	total, published, failed := 0, 0, 0
	for _, v := range p.Variants {
		j, err := s.plan.Get(ctx, v.ID)
		if errors.Is(err, schedule.ErrNotFound) {
			continue
		}
		if err != nil {
			return "", err
		}
		if j.State == schedule.StateCancelled {
			continue
		}
		total++
		switch j.State {
		case schedule.StatePublished:
			published++
		case schedule.StateFailed, schedule.StateNeedsDecision:
			failed++
		}
	}
	switch {
	case total == 0:
		return "", nil
	case failed > 0:
		return post.StatusFailed, nil
	case published == total:
		return post.StatusPublished, nil
	}
	return "", nil
}
