package publish_test

import (
	"context"
	"testing"
	"time"

	"relais/backend/network"
	"relais/backend/network/mastodon"
	"relais/backend/network/mastodon/mastodontest"
	"relais/backend/post"
	"relais/backend/publish"
	"relais/backend/schedule"
)

// TestHandOffFollowsEdits: a Mastodon variant the user asks the instance
// to hold is handed off at once, and editing, moving or un-asking it in
// Relais updates or deletes what the instance holds: the instance never
// publishes something the user no longer sees.
func TestHandOffFollowsEdits(t *testing.T) {
	ctx := context.Background()
	fake := mastodontest.NewFake()
	t.Cleanup(fake.Close)
	e := newEnv(t)
	e.mast.Server = fake.URL
	e.acc.accs[e.mast.ID] = e.mast
	e.acc.tokens = map[string]string{e.mast.ID: fake.NewToken()}
	e.engine.Close()
	e.engine = schedule.New(e.db, e.content, e.acc, map[network.Name]schedule.Publisher{network.Mastodon: &mastodon.Publisher{}},
		schedule.Options{Probe: func(context.Context, string) error { return nil }})
	if err := e.engine.Start(ctx); err != nil {
		t.Fatal(err)
	}
	e.sync = publish.NewSync(e.engine)
	// Every save goes through the plan, as in the app.
	e.posts.SetObserver(func(ctx context.Context, before, after *post.Post) { _ = e.sync.Post(ctx, before, after) })

	p, err := e.posts.Create(ctx, e.w.ID, post.Draft{Text: "Menu du soir", AccountIDs: []string{e.mast.ID}})
	if err != nil {
		t.Fatal(err)
	}
	due := time.Now().Add(3 * time.Hour).Truncate(time.Minute)
	p.Due, p.Status, p.Variants[0].HandOff = due, post.StatusScheduled, true
	if p, err = e.posts.Save(ctx, p); err != nil {
		t.Fatal(err)
	}
	vid := p.Variants[0].ID
	held := func(want string, at time.Time) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			s := fake.ScheduledStatuses()
			ok := len(s) == 1 && s[0].Params.Text == want && s[0].ScheduledAt.Equal(at)
			if want == "" {
				ok = len(s) == 0
			}
			if ok && (want == "") == (e.job(t, vid).State != schedule.StateHandedOff) {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("the instance holds %+v, job %s; want %q at %s", s, e.job(t, vid).State, want, at)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	held("Menu du soir", due)

	// Edited: the instance holds the new text, once.
	p.Text = "Menu du soir : velouté de potimarron"
	if p, err = e.posts.Save(ctx, p); err != nil {
		t.Fatal(err)
	}
	held("Menu du soir : velouté de potimarron", due)

	// Moved: the held status moves.
	later := due.Add(24 * time.Hour)
	if _, err := e.posts.Move(ctx, p.ID, later); err != nil {
		t.Fatal(err)
	}
	held("Menu du soir : velouté de potimarron", later)

	// Saved unchanged (an autosave): nothing is re-sent.
	p, _ = e.posts.Get(ctx, p.ID)
	created, _ := fake.Counts()
	if p, err = e.posts.Save(ctx, p); err != nil {
		t.Fatal(err)
	}
	held("Menu du soir : velouté de potimarron", later)
	if j := e.job(t, vid); j.HandOffs != 2 {
		t.Errorf("hand-offs = %d; want 2 (first, after the edit, none for a move or an unchanged save)", j.HandOffs)
	}
	if now, _ := fake.Counts(); now != created {
		t.Errorf("an unchanged save created %d statuses", now-created)
	}

	// No longer asked: the instance lets it go and Relais will send it.
	if p, err = e.posts.SetHandOff(ctx, p.ID, vid, false); err != nil {
		t.Fatal(err)
	}
	held("", later)
	if j := e.job(t, vid); j.State != schedule.StateScheduled || !j.Due.Equal(later) {
		t.Errorf("job = %s at %s; want scheduled at %s", j.State, j.Due, later)
	}

	// Bluesky cannot hold posts: asking is ignored.
	q, err := e.posts.Create(ctx, e.w.ID, post.Draft{Text: "x", AccountIDs: []string{e.bsky.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if q, err = e.posts.SetHandOff(ctx, q.ID, q.Variants[0].ID, true); err != nil || q.Variants[0].HandOff {
		t.Errorf("SetHandOff on Bluesky = %v, handOff %v; want kept off", err, q.Variants[0].HandOff)
	}
}
