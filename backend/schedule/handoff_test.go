package schedule_test

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"relais/backend/account"
	"relais/backend/network"
	"relais/backend/network/mastodon"
	"relais/backend/network/mastodon/mastodontest"
	"relais/backend/schedule"
	"relais/backend/store"
)

// texts is a Content whose texts the test changes.
type texts struct {
	mu sync.Mutex
	m  map[string]string
}

func (c *texts) Load(_ context.Context, postID, _ string) (schedule.Payload, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t, ok := c.m[postID]
	if !ok {
		return schedule.Payload{}, schedule.ErrGone
	}
	return schedule.Payload{Text: t, Lang: "fr"}, nil
}

func (c *texts) set(id, t string) {
	c.mu.Lock()
	c.m[id] = t
	c.mu.Unlock()
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestHandOffMastodon: a post planned for hand-off is held by the
// instance (scheduled_at); moving it moves the held status, editing it
// replaces it, unplanning deletes it; once the instance publishes it,
// the engine finds it and marks it published.
func TestHandOffMastodon(t *testing.T) {
	ctx := context.Background()
	t0 := time.Now().UTC().Truncate(time.Second)
	clock := schedule.NewFakeClock(t0)
	f := mastodontest.NewFake()
	defer f.Close()
	f.Opts.Now = clock.Now
	tok, id := f.NewAccount()
	accts := &accounts{}
	accts.add(account.Account{Network: network.Mastodon, Server: f.URL, Profile: network.Profile{RemoteID: id}}, network.Token{Access: tok})
	db, err := store.Open(ctx, t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	content := &texts{m: map[string]string{"a": "Brunch dimanche", "b": "Fermé lundi", "c": "Ouvert ce soir"}}
	pub := &mastodon.Publisher{HTTP: &http.Client{Timeout: 5 * time.Second}, Now: clock.Now}
	e := schedule.New(db, content, accts, map[network.Name]schedule.Publisher{network.Mastodon: pub}, schedule.Options{Clock: clock, VerifyDelay: -1})
	if err := e.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	get := func(id string) schedule.Job {
		j, err := e.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return j
	}
	held := func() []mastodontest.Scheduled { return f.ScheduledStatuses() }

	j, err := e.Plan(ctx, schedule.Job{ID: "a", WorkspaceID: "ws", PostID: "a", VariantID: "v", AccountID: "acct-0",
		Network: network.Mastodon, Due: t0.Add(time.Hour), Zone: "Europe/Paris", HandOff: true})
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, "the hand-off", func() bool { return get("a").State == schedule.StateHandedOff })
	if h := held(); len(h) != 1 || !h[0].ScheduledAt.Equal(j.Due) || h[0].Params.Text != "Brunch dimanche" || h[0].ID != get("a").Remote {
		t.Fatalf("held = %+v", h)
	}
	first := get("a").Remote

	// Moved: the same held status, at the new time.
	if _, err := e.Reschedule(ctx, "a", t0.Add(2*time.Hour), ""); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the move", func() bool {
		h := held()
		return get("a").State == schedule.StateHandedOff && len(h) == 1 && h[0].ScheduledAt.Equal(t0.Add(2*time.Hour))
	})
	if get("a").Remote != first {
		t.Error("a move replaced the held status")
	}

	// Edited: replaced by a new held status with the new text.
	content.set("a", "Brunch dimanche, dès 11 h")
	if _, err := e.Plan(ctx, schedule.Job{ID: "a", WorkspaceID: "ws", PostID: "a", VariantID: "v", AccountID: "acct-0",
		Network: network.Mastodon, Due: t0.Add(2 * time.Hour), Zone: "Europe/Paris", HandOff: true}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the replacement", func() bool {
		h := held()
		return get("a").State == schedule.StateHandedOff && len(h) == 1 && h[0].ID != first && h[0].Params.Text == "Brunch dimanche, dès 11 h"
	})

	// Unplanned: deleted at the instance.
	if _, err := e.Plan(ctx, schedule.Job{ID: "b", WorkspaceID: "ws", PostID: "b", VariantID: "v", AccountID: "acct-0",
		Network: network.Mastodon, Due: t0.Add(3 * time.Hour), HandOff: true}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the second hand-off", func() bool { return len(held()) == 2 && get("b").State == schedule.StateHandedOff })
	if err := e.Unplan(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the deletion", func() bool { return len(held()) == 1 && get("b").Remote == "" })

	// Too close to hand off: Relais publishes it itself, at its time.
	if _, err := e.Plan(ctx, schedule.Job{ID: "c", WorkspaceID: "ws", PostID: "c", VariantID: "v", AccountID: "acct-0",
		Network: network.Mastodon, Due: t0.Add(3 * time.Minute), HandOff: true}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	if s := get("c").State; s != schedule.StateScheduled || len(held()) != 1 || len(f.Statuses()) != 0 {
		t.Fatalf("c = %s, %d held, %d published; want it waiting for its time", s, len(held()), len(f.Statuses()))
	}
	clock.Advance(3 * time.Minute)
	eventually(t, "c published", func() bool { return get("c").State == schedule.StatePublished })

	// The instance publishes a at its time (Relais may be closed); the
	// engine finds it afterwards.
	clock.Advance(2*time.Hour - 3*time.Minute)
	if n := f.RunScheduled(); n != 1 {
		t.Fatalf("RunScheduled = %d", n)
	}
	clock.Advance(3 * time.Minute)
	eventually(t, "a found published", func() bool { return get("a").State == schedule.StatePublished })
	if r := get("a").Result; r == nil || r.URL == "" {
		t.Errorf("result = %+v", r)
	}
	texts := map[string]int{}
	for _, s := range f.Statuses() {
		texts[s.Text]++
	}
	if len(texts) != 2 || texts["Brunch dimanche, dès 11 h"] != 1 || texts["Ouvert ce soir"] != 1 {
		t.Errorf("statuses = %v; want the edited a and c, once each", texts)
	}
}
