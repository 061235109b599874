package schedule

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"relais/backend/network"
	"relais/backend/store"
)

// seedJobs writes n scheduled jobs due over the month after start, in
// batches (one synced transaction per job would take minutes).
func seedJobs(tb testing.TB, db *store.Store, n int, start time.Time) []Job {
	tb.Helper()
	jobs := make([]Job, 0, n)
	for i := range n {
		due := start.Add(time.Duration(rand.Int64N(int64(30 * 24 * time.Hour)))).UTC().Round(0)
		jobs = append(jobs, Job{ID: fmt.Sprintf("job-%06d", i), WorkspaceID: fmt.Sprint("ws-", i%50), PostID: fmt.Sprint("p", i), VariantID: "v",
			AccountID: fmt.Sprint("acct-", i%200), Network: network.Mastodon, Due: due, Zone: "Europe/Paris", State: StateScheduled,
			Key: NewKey(start), NextAt: due, CreatedAt: start, UpdatedAt: start})
	}
	for lo := 0; lo < n; lo += 2000 {
		err := db.Update(context.Background(), func(t *store.Txn) error {
			for i := lo; i < min(lo+2000, n); i++ {
				if err := saveJob(t, nil, &jobs[i]); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
	return jobs
}

// BenchmarkNextDue measures what the engine does at each wake-up with
// 100,000 scheduled jobs: find the due ones and the next due time in the
// index, and re-arm the alarm (a real timerfd on Linux). "after-change"
// adds a plan change (Reschedule of a random job) before each wake-up.
func BenchmarkNextDue(b *testing.B) {
	db := openStore(b, b.TempDir())
	defer db.Close()
	start := time.Now().Add(time.Hour)
	jobs := seedJobs(b, db, 100_000, start)
	e := New(db, nil, nil, nil, Options{})
	alarm := e.clock.NewAlarm()
	defer alarm.Close()
	b.Run("idle", func(b *testing.B) {
		for b.Loop() {
			claims, next, err := e.claim(e.clock.Now())
			if err != nil || len(claims) != 0 || next.IsZero() {
				b.Fatalf("claim = %d, %v, %v", len(claims), next, err)
			}
			alarm.Set(next)
		}
	})
	b.Run("after-change", func(b *testing.B) {
		ctx := context.Background()
		for b.Loop() {
			j := jobs[rand.IntN(len(jobs))]
			if _, err := e.Reschedule(ctx, j.ID, start.Add(time.Duration(rand.Int64N(int64(30*24*time.Hour)))), ""); err != nil {
				b.Fatal(err)
			}
			<-e.wake
			_, next, err := e.claim(e.clock.Now())
			if err != nil || next.IsZero() {
				b.Fatal(err)
			}
			alarm.Set(next)
		}
	})
}

func TestRealAlarmFires(t *testing.T) {
	c := NewRealClock()
	a := c.NewAlarm()
	defer a.Close()
	start := time.Now()
	a.Set(c.Now().Add(50 * time.Millisecond))
	select {
	case <-a.C():
		if d := time.Since(start); d < 40*time.Millisecond {
			t.Errorf("fired after %v; want 50 ms", d)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the alarm did not fire")
	}
	// Re-armed further away, then stopped: it stays quiet.
	a.Set(c.Now().Add(time.Hour))
	a.Stop()
	select {
	case <-a.C():
		t.Error("a stopped alarm fired")
	case <-time.After(100 * time.Millisecond):
	}
	// A time in the past fires at once.
	a.Set(c.Now().Add(-time.Minute))
	select {
	case <-a.C():
	case <-time.After(5 * time.Second):
		t.Fatal("an alarm set in the past did not fire")
	}
}
