package schedule

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// Proof (c): a controllable clock. Jumps of ±1 h, a 3-hour sleep and the
// daylight-saving changes of Europe/Paris in 2027: every post goes out
// once, at its time or under the late policy, and never early.

func (r *rig) setPolicy(min int) {
	r.t.Helper()
	if err := r.e.SetPolicy(context.Background(), "ws", LatePolicy{Minutes: min}); err != nil {
		r.t.Fatal(err)
	}
}

// expect checks each job's state and, for published ones, the time the
// network saw the post.
func (r *rig) expect(j Job, state State, at time.Time) {
	r.t.Helper()
	got := r.job(j.ID)
	if got.State != state {
		r.t.Errorf("job due %v: %s; want %s", j.Due, got.State, state)
		return
	}
	if r.net.posts[j.Key] > 1 {
		r.t.Errorf("job due %v published %d times", j.Due, r.net.posts[j.Key])
	}
	pub, ok := r.net.published(j.Key)
	if state == StatePublished && (!ok || !pub.Equal(at)) {
		r.t.Errorf("job due %v went out at %v; want %v", j.Due, pub, at)
	}
	if state != StatePublished && ok {
		r.t.Errorf("job due %v went out at %v; want %s", j.Due, pub, state)
	}
}

func (r *rig) clockEvents() []time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []time.Duration
	for _, e := range r.events {
		if e.Kind == EventClockJump {
			out = append(out, e.Skew)
		}
	}
	return out
}

func TestClockJumpForward(t *testing.T) {
	r := newRig(t, t0)
	r.setPolicy(45)
	j10 := r.plan("10", t0.Add(10*time.Minute))
	j30 := r.plan("30", t0.Add(30*time.Minute))
	j50 := r.plan("50", t0.Add(50*time.Minute))
	j90 := r.plan("90", t0.Add(90*time.Minute))
	waitIdle(t, r.e)
	r.clock.Jump(time.Hour)
	waitIdle(t, r.e)
	now := t0.Add(time.Hour)
	r.expect(j10, StateNeedsDecision, time.Time{}) // 50 min late > 45
	r.expect(j30, StatePublished, now)             // 30 min late: published, marked late
	r.expect(j50, StatePublished, now)
	r.expect(j90, StateScheduled, time.Time{})
	if got := r.job(j30.ID); got.Late != 30*time.Minute {
		t.Errorf("late = %v; want 30m recorded", got.Late)
	}
	r.clock.Advance(29 * time.Minute)
	waitIdle(t, r.e)
	r.expect(j90, StateScheduled, time.Time{})
	r.clock.Advance(time.Minute)
	waitIdle(t, r.e)
	r.expect(j90, StatePublished, t0.Add(90*time.Minute))
	if sk := r.clockEvents(); len(sk) != 1 || sk[0] != time.Hour {
		t.Errorf("clock events = %v; want one +1h", sk)
	}
	acts, _ := r.e.Activity(context.Background(), "ws", 0)
	found := false
	for _, a := range acts {
		found = found || (a.Kind == ActivityNeedsDecision && a.JobID == j10.ID && a.Late == 50*time.Minute)
	}
	if !found {
		t.Errorf("activity %+v; want the late post to ask", acts)
	}
	// The user decides to publish it.
	if _, err := r.e.PublishNow(context.Background(), j10.ID); err != nil {
		t.Fatal(err)
	}
	waitIdle(t, r.e)
	r.expect(j10, StatePublished, r.clock.Now())
}

func TestClockJumpBackward(t *testing.T) {
	r := newRig(t, t0)
	j := r.plan("a", t0.Add(30*time.Minute))
	waitIdle(t, r.e)
	r.clock.Jump(-time.Hour)
	waitIdle(t, r.e)
	// 1h29 of real time later the wall clock shows t0+29m: not yet.
	for range 89 {
		r.clock.Advance(time.Minute)
		waitIdle(t, r.e)
	}
	r.expect(j, StateScheduled, time.Time{})
	r.clock.Advance(time.Minute)
	waitIdle(t, r.e)
	r.expect(j, StatePublished, t0.Add(30*time.Minute))
	if sk := r.clockEvents(); len(sk) != 1 || sk[0] != -time.Hour {
		t.Errorf("clock events = %v; want one -1h", sk)
	}
}

func TestSleepThreeHours(t *testing.T) {
	r := newRig(t, t0)
	r.setPolicy(30)
	early := r.plan("1h", t0.Add(time.Hour))
	near := r.plan("2h40", t0.Add(2*time.Hour+40*time.Minute))
	onTime := r.plan("3h", t0.Add(3*time.Hour))
	later := r.plan("4h", t0.Add(4*time.Hour))
	waitIdle(t, r.e)
	r.clock.Sleep(3 * time.Hour)
	waitIdle(t, r.e)
	wake := t0.Add(3 * time.Hour)
	r.expect(early, StateNeedsDecision, time.Time{})
	r.expect(near, StatePublished, wake)
	r.expect(onTime, StatePublished, wake)
	r.expect(later, StateScheduled, time.Time{})
	r.clock.Advance(time.Hour)
	waitIdle(t, r.e)
	r.expect(later, StatePublished, t0.Add(4*time.Hour))
	if sk := r.clockEvents(); len(sk) != 1 || sk[0] != 3*time.Hour {
		t.Errorf("clock events = %v; want one +3h (the sleep)", sk)
	}
	kinds := r.kinds()
	n := 0
	for _, k := range kinds {
		if k == EventNeedsDecision {
			n++
		}
	}
	if n != 1 {
		t.Errorf("events %v; want the user told once about the late post", kinds)
	}
}

func TestDaylightSavingChanges(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skip("no tz database:", err)
	}
	start := time.Date(2027, 3, 26, 12, 0, 0, 0, paris)
	r := newRig(t, start)
	type local struct {
		y       int
		m       time.Month
		d, h, n int
		wantUTC string
	}
	cases := []local{
		{2027, 3, 27, 18, 0, "2027-03-27T17:00:00Z"}, // CET
		{2027, 3, 28, 1, 30, "2027-03-28T00:30:00Z"}, // before the change (02:00 -> 03:00)
		{2027, 3, 28, 3, 30, "2027-03-28T01:30:00Z"}, // after it: CEST
		{2027, 3, 28, 18, 0, "2027-03-28T16:00:00Z"},
		{2027, 10, 30, 18, 0, "2027-10-30T16:00:00Z"}, // CEST
		{2027, 10, 31, 2, 30, ""},                     // 02:30 happens twice (00:30Z or 01:30Z): either, once
		{2027, 10, 31, 18, 0, "2027-10-31T17:00:00Z"}, // CET again
	}
	var jobs []Job
	for i, c := range cases {
		due := time.Date(c.y, c.m, c.d, c.h, c.n, 0, 0, paris)
		if got := due.UTC().Format(time.RFC3339); c.wantUTC != "" && got != c.wantUTC {
			t.Fatalf("%v in Paris = %s UTC; want %s", due, got, c.wantUTC)
		}
		jobs = append(jobs, r.plan(fmt.Sprint("p", i), due))
	}
	waitIdle(t, r.e)
	for i, j := range jobs {
		r.clock.Advance(j.Due.Sub(r.clock.Now()) - time.Minute)
		waitIdle(t, r.e)
		r.expect(j, StateScheduled, time.Time{})
		r.clock.Advance(time.Minute)
		waitIdle(t, r.e)
		r.expect(j, StatePublished, j.Due)
		got := r.job(j.ID)
		if l := got.Due.In(paris); l.Hour() != cases[i].h || l.Minute() != cases[i].n || got.Zone != "Europe/Paris" {
			t.Errorf("job %d: due %v in Paris (%s); want %02d:%02d", i, l, got.Zone, cases[i].h, cases[i].n)
		}
	}
}
