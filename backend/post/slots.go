package post

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"relais/backend/store"
)

// Slot is a recurring posting time of one account, in the workspace's
// wall-clock time: Weekday 2 and Time "18:00" is every Tuesday at 18:00
// wherever the workspace is, summer and winter alike.
type Slot struct {
	AccountID string `json:"accountId"`
	Weekday   int    `json:"weekday"` // 0 = Sunday, as time.Weekday
	Time      string `json:"time"`    // "HH:MM", 24-hour
}

func (sl Slot) clock() (h, m int, err error) {
	t, err := time.Parse("15:04", sl.Time)
	if err != nil {
		return 0, 0, err
	}
	return t.Hour(), t.Minute(), nil
}

// At is the instant of sl on the given local date in loc. A wall time that
// does not exist that day (the spring-forward gap) is moved later by the
// length of the gap (02:30 becomes 03:30 in Paris on the last Sunday of
// March); a wall time that happens twice (the autumn fold) is its first
// occurrence. Both are what java.time and RFC 5545 do.
func (sl Slot) At(y int, mo time.Month, d int, loc *time.Location) (time.Time, error) {
	h, m, err := sl.clock()
	if err != nil {
		return time.Time{}, err
	}
	return WallClock(y, mo, d, h, m, loc), nil
}

// WallClock is the instant a wall clock in loc shows y-mo-d h:m, resolving
// gaps and folds as Slot.At says. It never depends on time.Local.
func WallClock(y int, mo time.Month, d, h, m int, loc *time.Location) time.Time {
	naive := time.Date(y, mo, d, h, m, 0, 0, time.UTC)
	_, before := naive.Add(-36 * time.Hour).In(loc).Zone()
	_, after := naive.Add(36 * time.Hour).In(loc).Zone()
	var best time.Time
	for _, off := range []int{before, after} {
		t := naive.Add(-time.Duration(off) * time.Second)
		l := t.In(loc)
		if l.Year() == y && l.Month() == mo && l.Day() == d && l.Hour() == h && l.Minute() == m {
			if best.IsZero() || t.Before(best) {
				best = t
			}
		}
	}
	if best.IsZero() { // in a gap: the offset in force before it
		best = naive.Add(-time.Duration(before) * time.Second)
	}
	return best.UTC()
}

func slotsKey(ws string) []byte { return store.Key(store.TableSlots, []byte(ws)) }

// Slots returns a workspace's posting slots by weekday, time and account.
func (s *Service) Slots(ctx context.Context, workspaceID string) ([]Slot, error) {
	out := []Slot{}
	err := s.db.View(ctx, func(t *store.Txn) error {
		err := t.Get(slotsKey(workspaceID), &out)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		return err
	})
	return out, err
}

// SetSlots replaces a workspace's posting slots. Each must name one of the
// workspace's accounts, a weekday 0–6 and a time HH:MM; duplicates are
// dropped.
func (s *Service) SetSlots(ctx context.Context, workspaceID string, slots []Slot) error {
	if _, err := s.workspaces.Get(ctx, workspaceID); err != nil {
		return fmt.Errorf("%w: %w", ErrNoWorkspace, err)
	}
	if len(slots) > MaxSlots {
		return fieldErr("slots", ErrBadSlot, map[string]any{"max": MaxSlots})
	}
	accs, err := s.accounts.List(ctx, workspaceID)
	if err != nil {
		return err
	}
	known := map[string]bool{}
	for _, a := range accs {
		known[a.ID] = true
	}
	clean := []Slot{}
	seen := map[Slot]bool{}
	for i, sl := range slots {
		field := fmt.Sprintf("slots.%d", i)
		if !known[sl.AccountID] {
			return fieldErr(field+".accountId", ErrUnknownAccount, map[string]any{"value": sl.AccountID})
		}
		h, m, err := sl.clock()
		if err != nil || sl.Weekday < 0 || sl.Weekday > 6 {
			return fieldErr(field, ErrBadSlot, map[string]any{"weekday": sl.Weekday, "time": sl.Time})
		}
		sl.Time = fmt.Sprintf("%02d:%02d", h, m)
		if !seen[sl] {
			seen[sl] = true
			clean = append(clean, sl)
		}
	}
	sort.Slice(clean, func(i, j int) bool {
		a, b := clean[i], clean[j]
		if a.Weekday != b.Weekday {
			return a.Weekday < b.Weekday
		}
		if a.Time != b.Time {
			return a.Time < b.Time
		}
		return a.AccountID < b.AccountID
	})
	return s.db.Update(ctx, func(t *store.Txn) error { return t.Put(slotsKey(workspaceID), clean) })
}

// Busy tells whether an account already has a post at an instant.
type Busy func(at time.Time, accountID string) bool

// NextSlot returns the first slot instant strictly after `after` whose
// account is one of accounts (any account when accounts is empty) and
// that busy does not rule out, looking QueueHorizon ahead.
func NextSlot(slots []Slot, loc *time.Location, after time.Time, accounts []string, busy Busy) (time.Time, error) {
	want := map[string]bool{}
	for _, a := range accounts {
		want[a] = true
	}
	var usable []Slot
	for _, sl := range slots {
		if len(want) == 0 || want[sl.AccountID] {
			usable = append(usable, sl)
		}
	}
	if len(usable) == 0 {
		return time.Time{}, ErrNoSlots
	}
	local := after.In(loc)
	days := int(QueueHorizon / (24 * time.Hour))
	for i := 0; i <= days; i++ {
		day := time.Date(local.Year(), local.Month(), local.Day()+i, 12, 0, 0, 0, time.UTC) // calendar arithmetic only
		var best time.Time
		for _, sl := range usable {
			if time.Weekday(sl.Weekday) != day.Weekday() {
				continue
			}
			at, err := sl.At(day.Year(), day.Month(), day.Day(), loc)
			if err != nil || !at.After(after) || (busy != nil && busy(at, sl.AccountID)) {
				continue
			}
			if best.IsZero() || at.Before(best) {
				best = at
			}
		}
		if !best.IsZero() {
			return best, nil
		}
	}
	return time.Time{}, ErrNoFreeSlot
}

// AddToQueue gives a post the next free slot of its accounts after now:
// a slot is free for an account that has no other post at that instant.
func (s *Service) AddToQueue(ctx context.Context, id string) (Entry, error) {
	p, err := s.load(ctx, id)
	if err != nil {
		return Entry{}, err
	}
	due, err := s.nextFree(ctx, p.WorkspaceID, accountsOf(p), p.ID, nil)
	if err != nil {
		return Entry{}, err
	}
	return s.Move(ctx, id, due)
}

func accountsOf(p Post) []string {
	out := []string{}
	for _, v := range p.Variants {
		out = append(out, v.AccountID)
	}
	return out
}

// nextFree finds the next free slot for accounts in a workspace, ignoring
// post self and counting taken (instants planned but not yet stored, from
// an import) as busy.
func (s *Service) nextFree(ctx context.Context, workspaceID string, accounts []string, self string, taken map[string]map[time.Time]bool) (time.Time, error) {
	ws, err := s.workspaces.Get(ctx, workspaceID)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: %w", ErrNoWorkspace, err)
	}
	loc, err := time.LoadLocation(ws.Timezone)
	if err != nil {
		return time.Time{}, err
	}
	slots, err := s.Slots(ctx, workspaceID)
	if err != nil {
		return time.Time{}, err
	}
	now := s.now()
	entries, err := s.Range(ctx, workspaceID, now, now.Add(QueueHorizon+48*time.Hour))
	if err != nil {
		return time.Time{}, err
	}
	busyAt := map[string]map[time.Time]bool{}
	for _, e := range entries {
		if e.ID == self {
			continue
		}
		for _, a := range e.AccountIDs {
			if busyAt[a] == nil {
				busyAt[a] = map[time.Time]bool{}
			}
			busyAt[a][e.Due.UTC()] = true
		}
	}
	return NextSlot(slots, loc, now, accounts, func(at time.Time, acc string) bool {
		return busyAt[acc][at.UTC()] || taken[acc][at.UTC()]
	})
}
