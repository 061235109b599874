package publish_test

import (
	"bytes"
	"context"
	"errors"
	"image/jpeg"
	"os"
	"sync"
	"testing"
	"time"

	"relais/backend/account"
	"relais/backend/blob"
	"relais/backend/library"
	"relais/backend/network"
	"relais/backend/post"
	"relais/backend/publish"
	"relais/backend/schedule"
	"relais/backend/store"
	"relais/backend/workspace"
)

// accounts is the workspace's connected accounts as posts and the
// scheduler see them (the real service needs a vault and network
// connectors, which this glue never touches).
type accounts struct {
	mu     sync.Mutex
	accs   map[string]account.Account
	tokens map[string]string // access token by account; default "token-<id>"
}

func (f *accounts) Get(_ context.Context, id string) (account.Account, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	a, ok := f.accs[id]
	if !ok {
		return account.Account{}, account.ErrNotFound
	}
	return a, nil
}

func (f *accounts) List(_ context.Context, ws string) ([]account.Account, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []account.Account
	for _, a := range f.accs {
		if a.WorkspaceID == ws {
			out = append(out, a)
		}
	}
	return out, nil
}

func (f *accounts) Fresh(ctx context.Context, id string) (network.Token, account.Account, error) {
	a, err := f.Get(ctx, id)
	f.mu.Lock()
	defer f.mu.Unlock()
	if tok, ok := f.tokens[id]; ok {
		return network.Token{Access: tok}, a, err
	}
	return network.Token{Access: "token-" + id}, a, err
}

func (f *accounts) Renew(ctx context.Context, id, _ string) (network.Token, account.Account, error) {
	a, err := f.Get(ctx, id)
	return network.Token{}, a, errors.Join(network.ErrRevoked, err)
}

func (f *accounts) MarkRevoked(ctx context.Context, id, why string) (account.Account, error) {
	return f.Get(ctx, id)
}

// recorder is a network that accepts every post and remembers it, so the
// test sees exactly what the glue handed over.
type recorder struct {
	mu  sync.Mutex
	got map[string]schedule.Payload // by idempotency key
}

func (r *recorder) Publish(_ context.Context, a schedule.Account, p schedule.Payload, k schedule.Key) (schedule.Result, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got[k.ID] = p
	return schedule.Result{RemoteID: k.ID, URL: "https://example.test/" + k.ID}, nil
}

func (r *recorder) Verify(_ context.Context, a schedule.Account, p schedule.Payload, k schedule.Key) (schedule.Result, bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, ok := r.got[k.ID]
	return schedule.Result{RemoteID: k.ID}, ok, nil
}

type env struct {
	db      *store.Store
	ws      *workspace.Service
	w       workspace.Workspace
	acc     *accounts
	posts   *post.Service
	lib     *library.Library
	engine  *schedule.Engine
	sync    *publish.Sync
	content *publish.Content
	net     *recorder
	bsky    account.Account
	mast    account.Account
	events  chan schedule.Event
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	e := &env{db: db, ws: workspace.New(db, blob.New(db.BlobDir())), acc: &accounts{accs: map[string]account.Account{}}}
	e.w, err = e.ws.Create(ctx, workspace.Settings{Name: "Café Lumière", Timezone: "Europe/Paris", Language: "fr"})
	if err != nil {
		t.Fatal(err)
	}
	e.bsky = account.Account{ID: "acc-bsky", WorkspaceID: e.w.ID, Network: network.Bluesky, Profile: network.Profile{Handle: "cafe.bsky.social"}, Server: "https://bsky.test"}
	e.mast = account.Account{ID: "acc-mast", WorkspaceID: e.w.ID, Network: network.Mastodon, Profile: network.Profile{Handle: "cafe@piaille.test"}, Server: "https://piaille.test"}
	e.acc.accs[e.bsky.ID], e.acc.accs[e.mast.ID] = e.bsky, e.mast
	e.posts = post.New(db, e.ws, e.acc)
	if e.lib, err = library.Open(ctx, db); err != nil {
		t.Fatal(err)
	}
	e.content = publish.NewContent(e.posts, e.lib, e.ws)
	e.net = &recorder{got: map[string]schedule.Payload{}}
	e.events = make(chan schedule.Event, 64)
	e.engine = schedule.New(db, e.content, e.acc, map[network.Name]schedule.Publisher{network.Bluesky: e.net, network.Mastodon: e.net},
		schedule.Options{Events: func(ev schedule.Event) { e.events <- ev }, Probe: func(context.Context, string) error { return nil }})
	t.Cleanup(func() { e.engine.Close() })
	e.sync = publish.NewSync(e.engine)
	return e
}

func (e *env) importPhoto(t *testing.T, name string) library.Asset {
	t.Helper()
	data, err := os.ReadFile("../library/testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	p, err := e.lib.Import(context.Background(), e.w.ID, []library.File{{Name: name, Data: data}}, nil)
	if err != nil || len(p.Assets) != 1 {
		t.Fatalf("import %s: %+v %v", name, p, err)
	}
	a, err := e.lib.Get(context.Background(), p.Assets[0])
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// plan creates a post for both accounts, scheduled at due, and syncs it.
func (e *env) plan(t *testing.T, text string, due time.Time, assets ...string) post.Post {
	t.Helper()
	ctx := context.Background()
	p, err := e.posts.Create(ctx, e.w.ID, post.Draft{Text: text, AccountIDs: []string{e.bsky.ID, e.mast.ID}, AssetIDs: assets})
	if err != nil {
		t.Fatal(err)
	}
	before := p
	p.Due, p.Status = due, post.StatusScheduled
	if p, err = e.posts.Save(ctx, p); err != nil {
		t.Fatalf("scheduling: %v", err)
	}
	if err := e.sync.Post(ctx, &before, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

func (e *env) job(t *testing.T, id string) schedule.Job {
	t.Helper()
	j, err := e.engine.Get(context.Background(), id)
	if err != nil {
		t.Fatalf("job %s: %v", id, err)
	}
	return j
}

func TestSyncFollowsThePlan(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	due := time.Date(2030, 3, 28, 17, 0, 0, 0, time.UTC)
	p := e.plan(t, "Nouvelle carte d’automne", due)
	if len(p.Variants) != 2 {
		t.Fatalf("variants = %d", len(p.Variants))
	}
	for _, v := range p.Variants {
		j := e.job(t, v.ID)
		if j.State != schedule.StateScheduled || !j.Due.Equal(due) || j.AccountID != v.AccountID || j.PostID != p.ID || j.Zone != "Europe/Paris" {
			t.Fatalf("job for %s = %+v", v.Network, j)
		}
	}
	key := e.job(t, p.Variants[0].ID).Key

	// Moved: the same jobs (same idempotency key) at the new time.
	before := p
	later := due.Add(26 * time.Hour)
	if _, err := e.posts.Move(ctx, p.ID, later); err != nil {
		t.Fatal(err)
	}
	p, _ = e.posts.Get(ctx, p.ID)
	if err := e.sync.Post(ctx, &before, &p); err != nil {
		t.Fatal(err)
	}
	if j := e.job(t, p.Variants[0].ID); !j.Due.Equal(later) || j.Key != key || j.State != schedule.StateScheduled {
		t.Fatalf("after the move: %+v (key was %s)", j, key)
	}

	// One network dropped: its job is cancelled, the other stays.
	before = p
	dropped := p.Variants[1]
	p.Variants = p.Variants[:1]
	if p, err := e.posts.Save(ctx, p); err != nil {
		t.Fatal(err)
	} else if err := e.sync.Post(ctx, &before, &p); err != nil {
		t.Fatal(err)
	}
	if j := e.job(t, dropped.ID); j.State != schedule.StateCancelled {
		t.Fatalf("the dropped variant's job is %s", j.State)
	}
	p, _ = e.posts.Get(ctx, p.ID)

	// Taken back to draft: nothing waits.
	before = p
	if p, err := e.posts.SetStatus(ctx, p.ID, post.StatusDraft); err != nil {
		t.Fatal(err)
	} else if err := e.sync.Post(ctx, &before, &p); err != nil {
		t.Fatal(err)
	}
	if j := e.job(t, p.Variants[0].ID); j.State != schedule.StateCancelled {
		t.Fatalf("a draft's job is %s", j.State)
	}

	// Scheduled again, then deleted.
	p, _ = e.posts.Get(ctx, p.ID)
	before = p
	p.Status = post.StatusScheduled
	if p, err := e.posts.Save(ctx, p); err != nil {
		t.Fatal(err)
	} else if err := e.sync.Post(ctx, &before, &p); err != nil {
		t.Fatal(err)
	}
	if j := e.job(t, p.Variants[0].ID); j.State != schedule.StateScheduled || j.Key != key {
		t.Fatalf("rescheduled job: %+v", j)
	}
	p, _ = e.posts.Get(ctx, p.ID)
	if _, err := e.posts.Delete(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.sync.Post(ctx, &p, nil); err != nil {
		t.Fatal(err)
	}
	if j := e.job(t, p.Variants[0].ID); j.State != schedule.StateCancelled {
		t.Fatalf("a deleted post's job is %s", j.State)
	}
}

func TestDuePostGoesOutWithRenderedVisualAndNoMetadata(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	photo := e.importPhoto(t, "landscape.jpg")
	alt := "La terrasse au soleil"
	if _, err := e.lib.Update(ctx, photo.ID, library.Patch{Alt: &alt}); err != nil {
		t.Fatal(err)
	}
	p := e.plan(t, "La terrasse rouvre demain ☀️", time.Now().Add(-time.Second), photo.ID)
	if err := e.engine.Start(ctx); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	deadline := time.After(30 * time.Second)
	for len(seen) < 2 {
		select {
		case ev := <-e.events:
			if ev.Kind == schedule.EventFailed {
				t.Fatalf("job failed: %+v", ev.Job.Failure)
			}
			if ev.Kind == schedule.EventPublished {
				seen[ev.Job.VariantID] = true
			}
		case <-deadline:
			t.Fatalf("published %d of 2 variants in 30 s", len(seen))
		}
	}
	e.net.mu.Lock()
	defer e.net.mu.Unlock()
	if len(e.net.got) != 2 {
		t.Fatalf("the network got %d posts, want 2", len(e.net.got))
	}
	for _, pl := range e.net.got {
		if pl.Text != "La terrasse rouvre demain ☀️" || pl.Lang != "fr" || len(pl.Media) != 1 {
			t.Fatalf("payload = %+v", pl)
		}
		m := pl.Media[0]
		if m.Alt != "La terrasse au soleil" || m.MIME != "image/jpeg" {
			t.Fatalf("media = %+v", m)
		}
		if bytes.Contains(m.Data, []byte("Exif")) {
			t.Fatal("the published picture still carries its EXIF metadata")
		}
		if len(m.Data) > 2<<20 {
			t.Fatalf("the picture is %d bytes, over Bluesky's 2 MB", len(m.Data))
		}
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(m.Data))
		if err != nil || cfg.Width != m.Width || cfg.Height != m.Height {
			t.Fatalf("the picture is %dx%d (%v), payload says %dx%d", cfg.Width, cfg.Height, err, m.Width, m.Height)
		}
		// landscape.jpg is wider than tall: the closest preset is a landscape one.
		if m.Width <= m.Height {
			t.Fatalf("a landscape photo went out as %dx%d", m.Width, m.Height)
		}
	}
	if st, err := e.sync.Status(ctx, p); err != nil || st != post.StatusPublished {
		t.Fatalf("post status from its jobs = %q, %v", st, err)
	}
}

func TestLoadRefusesWhatIsNoLongerPlanned(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p := e.plan(t, "Brouillon", time.Now().Add(time.Hour))
	v := p.Variants[0]
	if _, err := e.content.Load(ctx, p.ID, "no-such-variant"); !errors.Is(err, schedule.ErrGone) {
		t.Fatalf("unknown variant: %v", err)
	}
	if _, err := e.posts.SetStatus(ctx, p.ID, post.StatusDraft); err != nil {
		t.Fatal(err)
	}
	if _, err := e.content.Load(ctx, p.ID, v.ID); !errors.Is(err, schedule.ErrGone) {
		t.Fatalf("a draft: %v", err)
	}
	if _, err := e.posts.Delete(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.content.Load(ctx, p.ID, v.ID); !errors.Is(err, schedule.ErrGone) {
		t.Fatalf("a deleted post: %v", err)
	}
}

// A post marked failed (one network refused) keeps its other jobs going and
// its failed job waiting for the user's retry.
func TestFailedPostKeepsItsJobs(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p := e.plan(t, "Deux réseaux", time.Now().Add(time.Hour))
	before := p
	failed, err := e.posts.SetStatus(ctx, p.ID, post.StatusFailed)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.sync.Post(ctx, &before, &failed); err != nil {
		t.Fatal(err)
	}
	for _, v := range p.Variants {
		if j := e.job(t, v.ID); j.State != schedule.StateScheduled {
			t.Fatalf("marking the post failed changed its %s job to %s", v.Network, j.State)
		}
	}
}

// The user deletes a visual a planned post uses ("delete anyway"): loading
// the post says a visual is gone, the cue the scheduler turns into "edit
// the post" rather than an internal error.
func TestLoadSaysWhenAVisualIsGone(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	photo := e.importPhoto(t, "landscape.jpg")
	p := e.plan(t, "La terrasse rouvre demain", time.Now().Add(time.Hour), photo.ID)
	if err := e.lib.Delete(ctx, []string{photo.ID}, true); err != nil {
		t.Fatal(err)
	}
	if _, err := e.content.Load(ctx, p.ID, p.Variants[0].ID); !errors.Is(err, schedule.ErrVisualGone) {
		t.Fatalf("Load with the visual deleted: %v, want ErrVisualGone", err)
	}
}
