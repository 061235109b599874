package post_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"relais/backend/account"
	"relais/backend/blob"
	"relais/backend/network"
	"relais/backend/post"
	"relais/backend/store"
	"relais/backend/workspace"
)

// fakeAccounts is an in-memory account list (the real service needs a
// vault and network connectors, which posts never touch).
type fakeAccounts struct {
	mu   sync.Mutex
	accs map[string]account.Account
}

func (f *fakeAccounts) Get(_ context.Context, id string) (account.Account, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	a, ok := f.accs[id]
	if !ok {
		return account.Account{}, account.ErrNotFound
	}
	return a, nil
}

func (f *fakeAccounts) List(_ context.Context, ws string) ([]account.Account, error) {
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

func (f *fakeAccounts) add(ws string, n network.Name, handle string, lim *network.Limits) account.Account {
	f.mu.Lock()
	defer f.mu.Unlock()
	a := account.Account{ID: fmt.Sprintf("acc-%s-%d", n, len(f.accs)), WorkspaceID: ws, Network: n,
		Profile: network.Profile{Handle: handle}, Limits: lim}
	f.accs[a.ID] = a
	return a
}

// fakeLibrary stands for package library: visuals with sizes and
// renditions, and the usage it was told about.
type fakeLibrary struct {
	mu       sync.Mutex
	visuals  map[string]post.Visual
	used     map[string][]string
	imported []string
}

func (l *fakeLibrary) Visual(_ context.Context, id string) (post.Visual, error) {
	v, ok := l.visuals[id]
	if !ok {
		return post.Visual{}, errors.New("no such visual")
	}
	return v, nil
}

func (l *fakeLibrary) MarkUsed(_ context.Context, postID string, ids []string, _ bool) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.used[postID] = ids
	return nil
}

func (l *fakeLibrary) ImportFile(_ context.Context, ws, path, alt string) (string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.imported = append(l.imported, path)
	return "asset-" + path[strings.LastIndex(path, "/")+1:], nil
}

type env struct {
	db   *store.Store
	ws   *workspace.Service
	acc  *fakeAccounts
	svc  *post.Service
	lib  *fakeLibrary
	w    workspace.Workspace
	now  time.Time
	bsky account.Account
	x    account.Account
	ig   account.Account
	mast account.Account
}

func newEnv(t testing.TB, zone string) *env {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	db, err := store.Open(ctx, dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	e := &env{db: db, ws: workspace.New(db, blob.New(db.BlobDir())), acc: &fakeAccounts{accs: map[string]account.Account{}}}
	e.w, err = e.ws.Create(ctx, workspace.Settings{Name: "Café Lumière", Timezone: zone,
		Pillars: []workspace.Pillar{{Name: "Coulisses", Target: 30}, {Name: "Produits", Target: 50}}})
	if err != nil {
		t.Fatal(err)
	}
	e.svc = post.New(db, e.ws, e.acc)
	e.now = time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	e.svc.SetClock(func() time.Time { return e.now })
	e.lib = &fakeLibrary{visuals: map[string]post.Visual{}, used: map[string][]string{}}
	e.svc.SetLibrary(e.lib, e.lib, e.lib)
	e.bsky = e.acc.add(e.w.ID, network.Bluesky, "cafe.bsky.social", nil)
	e.x = e.acc.add(e.w.ID, network.X, "cafelumiere", nil)
	e.ig = e.acc.add(e.w.ID, network.Instagram, "cafe.lumiere", nil)
	e.mast = e.acc.add(e.w.ID, network.Mastodon, "cafe@piaille.fr", &network.Limits{MaxChars: 1000, CharsPerURL: 23, MaxMedia: 4})
	return e
}

func codes(v post.Variant) []string {
	var out []string
	for _, p := range v.Problems {
		out = append(out, p.Code)
	}
	return out
}

func TestCreateSaveVersionAndConflict(t *testing.T) {
	e := newEnv(t, "Europe/Paris")
	ctx := context.Background()
	p, err := e.svc.Create(ctx, e.w.ID, post.Draft{Text: "Bonjour", AccountIDs: []string{e.bsky.ID, e.x.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if p.Version != 1 || len(p.Variants) != 2 || p.Variants[0].Network != network.Bluesky || p.Zone != "Europe/Paris" || p.Status != post.StatusDraft {
		t.Fatalf("Create = %+v", p)
	}
	if p.Variants[1].Text != "Bonjour" {
		t.Errorf("inherited text = %q; want the master text", p.Variants[1].Text)
	}
	stale := p
	p.Text = "Bonjour à tous"
	p.Pillar = "coulisses" // a name is accepted and stored as the pillar's id
	p.Labels = []string{" printemps ", "Printemps", "promo"}
	p.Variants[1].OwnText, p.Variants[1].Text = true, "Hello"
	saved, err := e.svc.Save(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if saved.Version != 2 || saved.Pillar != e.w.Pillars[0].ID || len(saved.Labels) != 2 {
		t.Errorf("Save = version %d pillar %q labels %q", saved.Version, saved.Pillar, saved.Labels)
	}
	if _, err := e.svc.Save(ctx, stale); !errors.Is(err, post.ErrConflict) {
		t.Errorf("stale Save = %v; want ErrConflict", err)
	}
	got, err := e.svc.Get(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Text != "Bonjour à tous" || got.Variants[0].Text != "Bonjour à tous" || got.Variants[1].Text != "Hello" || got.Version != 2 {
		t.Errorf("Get = %+v", got)
	}
	labels, _ := e.svc.Labels(ctx, e.w.ID)
	if strings.Join(labels, ",") != "printemps,promo" {
		t.Errorf("Labels = %q", labels)
	}
	// A variant for an account of another workspace is refused.
	other, _ := e.ws.Create(ctx, workspace.Settings{Name: "Autre", Timezone: "UTC"})
	foreign := e.acc.add(other.ID, network.X, "other", nil)
	got.Variants = append(got.Variants, post.Variant{AccountID: foreign.ID})
	if _, err := e.svc.Save(ctx, got); !errors.Is(err, post.ErrUnknownAccount) {
		t.Errorf("Save with a foreign account = %v; want ErrUnknownAccount", err)
	}
}

func TestValidationProblems(t *testing.T) {
	e := newEnv(t, "Europe/Paris")
	ctx := context.Background()
	e.lib.visuals["wide"] = post.Visual{ID: "wide", Width: 3000, Height: 1000, Renditions: []post.Rendition{
		{PresetID: "x-landscape", Network: network.X, Width: 1200, Height: 675},
		{PresetID: "ig-portrait", Network: network.Instagram, Width: 1080, Height: 1350},
		{PresetID: "ig-landscape", Network: network.Instagram, Width: 1080, Height: 566},
	}}
	e.lib.visuals["sq"] = post.Visual{ID: "sq", Width: 1000, Height: 1000}
	long := strings.Repeat("é", 290) + " " + strings.Repeat("👍🏽", 15) // 306 graphemes
	p, err := e.svc.Create(ctx, e.w.ID, post.Draft{Text: long, AccountIDs: []string{e.bsky.ID, e.x.ID, e.ig.ID, e.mast.ID}})
	if err != nil {
		t.Fatal(err)
	}
	byNet := map[network.Name]post.Variant{}
	for _, v := range p.Variants {
		byNet[v.Network] = v
	}
	if c := codes(byNet[network.Bluesky]); len(c) != 1 || c[0] != "tooLong" || byNet[network.Bluesky].Problems[0].Info["over"] != 6 {
		t.Errorf("bluesky problems = %+v", byNet[network.Bluesky].Problems)
	}
	if c := codes(byNet[network.X]); len(c) != 1 || c[0] != "tooLong" {
		t.Errorf("x problems = %v", c)
	}
	if c := codes(byNet[network.Instagram]); len(c) != 1 || c[0] != "needsMedia" {
		t.Errorf("instagram problems = %v", c)
	}
	if c := codes(byNet[network.Mastodon]); len(c) != 0 { // the instance allows 1000
		t.Errorf("mastodon problems = %v", c)
	}

	// Wrong aspect on Instagram, with the rendition that fixes it.
	p.Text = "Printemps #café"
	for i := range p.Variants {
		p.Variants[i].Assets = []post.AssetRef{{AssetID: "wide"}}
	}
	p, err = e.svc.Save(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range p.Variants {
		if v.Network != network.Instagram {
			if len(v.Problems) != 0 {
				t.Errorf("%s problems = %v", v.Network, codes(v))
			}
			continue
		}
		if len(v.Problems) != 1 || v.Problems[0].Code != "wrongAspect" || v.Problems[0].Fix == nil ||
			v.Problems[0].Fix.PresetID != "ig-landscape" || v.Problems[0].Fix.AssetID != "wide" {
			t.Fatalf("instagram problems = %+v", v.Problems)
		}
	}
	if got := e.lib.used[p.ID]; len(got) != 1 || got[0] != "wide" {
		t.Errorf("usage marked = %v", got)
	}
	// Scheduling refuses a post with problems, then accepts it once fixed.
	p.Due = time.Date(2027, 3, 2, 17, 0, 0, 0, time.UTC)
	p, _ = e.svc.Save(ctx, p)
	if _, err := e.svc.SetStatus(ctx, p.ID, post.StatusScheduled); !errors.Is(err, post.ErrHasProblems) {
		t.Errorf("SetStatus(scheduled) with problems = %v", err)
	}
	for i, v := range p.Variants {
		if v.Network == network.Instagram {
			p.Variants[i].Assets[0].PresetID = v.Problems[0].Fix.PresetID
		}
	}
	p, err = e.svc.Save(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	s, err := e.svc.SetStatus(ctx, p.ID, post.StatusScheduled)
	if err != nil || s.Status != post.StatusScheduled {
		t.Errorf("SetStatus(scheduled) = %v, %v", s.Status, err)
	}
	// Autosave of a scheduled post that now has a problem: saved, back to approved.
	s.Text = strings.Repeat("x", 400)
	s, err = e.svc.Save(ctx, s)
	if err != nil || s.Status != post.StatusApproved || s.Text != strings.Repeat("x", 400) {
		t.Errorf("Save of a scheduled post with problems = %v, %v", s.Status, err)
	}
	s.Status = post.StatusScheduled
	if _, err := e.svc.Save(ctx, s); !errors.Is(err, post.ErrHasProblems) {
		t.Errorf("Save(scheduled) with problems = %v", err)
	}
	if _, err := e.svc.Move(ctx, p.ID, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.SetStatus(ctx, p.ID, post.StatusScheduled); !errors.Is(err, post.ErrNeedsDue) {
		t.Errorf("SetStatus(scheduled) without due = %v", err)
	}
	if _, err := e.svc.SetStatus(ctx, p.ID, "lost"); !errors.Is(err, post.ErrUnknownStatus) {
		t.Errorf("SetStatus(lost) = %v", err)
	}

	// Too many hashtags and images.
	p.Text = strings.Repeat("#tag ", 31)
	p.Variants = []post.Variant{{AccountID: e.ig.ID, Assets: []post.AssetRef{{AssetID: "sq"}, {AssetID: "sq"}, {AssetID: "sq"}, {AssetID: "sq"}, {AssetID: "sq"},
		{AssetID: "sq"}, {AssetID: "sq"}, {AssetID: "sq"}, {AssetID: "sq"}, {AssetID: "sq"}, {AssetID: "sq"}}}}
	p.Status = post.StatusDraft
	v, err := e.svc.Validate(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if c := strings.Join(codes(v.Variants[0]), ","); c != "tooManyHashtags,tooManyImages" {
		t.Errorf("codes = %s", c)
	}
}

// A Pin needs a board: without one the variant has a boardMissing
// problem, which keeps the post from being scheduled.
func TestBoardMissing(t *testing.T) {
	e := newEnv(t, "Europe/Paris")
	ctx := context.Background()
	pin := e.acc.add(e.w.ID, network.Pinterest, "cafelumiere", nil)
	e.lib.visuals["sq"] = post.Visual{ID: "sq", Width: 1000, Height: 1000}
	cases := []struct {
		name, board string
		acc         account.Account
		want        string
	}{
		{"pinterest without a board", "", pin, "boardMissing"},
		{"pinterest with blanks for a board", "  ", pin, "boardMissing"},
		{"pinterest with a board", "549755885175", pin, ""},
		{"another network needs none", "", e.bsky, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := post.Post{WorkspaceID: e.w.ID, Text: "Tarte aux pommes", Variants: []post.Variant{{AccountID: c.acc.ID, Board: c.board,
				Assets: []post.AssetRef{{AssetID: "sq"}}}}}
			v, err := e.svc.Validate(ctx, p)
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(codes(v.Variants[0]), ","); got != c.want {
				t.Errorf("codes = %q; want %q", got, c.want)
			}
		})
	}
	p, err := e.svc.Create(ctx, e.w.ID, post.Draft{Text: "Tarte aux pommes", Due: time.Date(2027, 3, 2, 17, 0, 0, 0, time.UTC),
		AccountIDs: []string{pin.ID}, AssetIDs: []string{"sq"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.SetStatus(ctx, p.ID, post.StatusScheduled); !errors.Is(err, post.ErrHasProblems) {
		t.Errorf("SetStatus(scheduled) without a board = %v; want ErrHasProblems", err)
	}
	p.Variants[0].Board = "549755885175"
	if p, err = e.svc.Save(ctx, p); err != nil || len(p.Variants[0].Problems) != 0 {
		t.Fatalf("Save with a board = %v, %v", codes(p.Variants[0]), err)
	}
	if s, err := e.svc.SetStatus(ctx, p.ID, post.StatusScheduled); err != nil || s.Status != post.StatusScheduled {
		t.Errorf("SetStatus(scheduled) with a board = %v, %v", s.Status, err)
	}
}

func TestMoveDuplicateTrayDelete(t *testing.T) {
	e := newEnv(t, "Europe/Paris")
	ctx := context.Background()
	idea, _ := e.svc.Create(ctx, e.w.ID, post.Draft{Text: "Une idée", Status: post.StatusIdea, AccountIDs: []string{e.x.ID}})
	due := time.Date(2027, 3, 10, 17, 0, 0, 0, time.UTC)
	dated, _ := e.svc.Create(ctx, e.w.ID, post.Draft{Text: "Daté", Due: due, AccountIDs: []string{e.x.ID}, AssetIDs: []string{"a1"}})
	tray, _ := e.svc.Unscheduled(ctx, e.w.ID)
	if len(tray) != 1 || tray[0].ID != idea.ID {
		t.Fatalf("Unscheduled = %+v", tray)
	}
	march := func() []post.Entry {
		es, err := e.svc.Range(ctx, e.w.ID, time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 4, 1, 0, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		return es
	}
	if es := march(); len(es) != 1 || es[0].Thumb != "a1" || es[0].Excerpt != "Daté" || es[0].Networks[0] != network.X {
		t.Fatalf("Range = %+v", es)
	}
	if _, err := e.svc.Move(ctx, idea.ID, due.Add(-24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if es := march(); len(es) != 2 || es[0].ID != idea.ID {
		t.Errorf("after Move, Range = %+v", es)
	}
	if tray, _ := e.svc.Unscheduled(ctx, e.w.ID); len(tray) != 0 {
		t.Errorf("tray after Move = %+v", tray)
	}
	dup, err := e.svc.Duplicate(ctx, dated.ID, time.Time{})
	if err != nil || dup.ID == dated.ID || !dup.Due.IsZero() {
		t.Fatalf("Duplicate = %+v, %v", dup, err)
	}
	if tray, _ := e.svc.Unscheduled(ctx, e.w.ID); len(tray) != 1 || tray[0].ID != dup.ID {
		t.Errorf("tray after Duplicate = %+v", tray)
	}
	all, _ := e.svc.Range(ctx, "", time.Time{}.Add(time.Hour), time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC))
	if len(all) != 2 {
		t.Errorf("all-clients Range = %d entries; want 2", len(all))
	}
	if _, err := e.svc.Delete(ctx, dated.ID); err != nil {
		t.Fatal(err)
	}
	if es := march(); len(es) != 1 {
		t.Errorf("after Delete, Range = %+v", es)
	}
	if _, err := e.svc.Get(ctx, dated.ID); !errors.Is(err, post.ErrNotFound) {
		t.Errorf("Get deleted = %v", err)
	}
	if used, ok := e.lib.used[dated.ID]; !ok || len(used) != 0 {
		t.Errorf("usage after delete = %v, %v", used, ok)
	}
}

func TestCampaignsGroupsSnippets(t *testing.T) {
	e := newEnv(t, "Europe/Paris")
	ctx := context.Background()
	c, err := e.svc.SaveCampaign(ctx, post.Campaign{WorkspaceID: e.w.ID, Name: " Printemps  2027 ", Color: "#AA00FF",
		Start: time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2027, 3, 31, 0, 0, 0, 0, time.UTC),
		Brief: &post.Brief{Objective: "Notoriété", Deadline: "2027-02-20"}})
	if err != nil || c.ID == "" || c.Name != "Printemps 2027" || c.Color != "#aa00ff" {
		t.Fatalf("SaveCampaign = %+v, %v", c, err)
	}
	if _, err := e.svc.SaveCampaign(ctx, post.Campaign{WorkspaceID: e.w.ID, Name: "x", Start: c.End, End: c.Start}); !errors.Is(err, post.ErrCampaignDates) {
		t.Errorf("reversed dates = %v", err)
	}
	if _, err := e.svc.SaveCampaign(ctx, post.Campaign{WorkspaceID: e.w.ID, Name: "x", Brief: &post.Brief{Deadline: "demain"}}); !errors.Is(err, post.ErrBadTime) {
		t.Errorf("bad deadline = %v", err)
	}
	p, _ := e.svc.Create(ctx, e.w.ID, post.Draft{Text: "x", AccountIDs: []string{e.x.ID}})
	p.CampaignID = "nope"
	if _, err := e.svc.Save(ctx, p); !errors.Is(err, post.ErrUnknownCampaign) {
		t.Errorf("unknown campaign = %v", err)
	}
	p.CampaignID = c.ID
	if _, err := e.svc.Save(ctx, p); err != nil {
		t.Error(err)
	}
	g, err := e.svc.SaveHashtagGroup(ctx, post.HashtagGroup{WorkspaceID: e.w.ID, Name: "Café", Tags: []string{"café", "#Café", "##latte art"}})
	if err != nil || strings.Join(g.Tags, " ") != "#café #latteart" {
		t.Errorf("SaveHashtagGroup = %+v, %v", g, err)
	}
	sn, err := e.svc.SaveSnippet(ctx, post.Snippet{WorkspaceID: e.w.ID, Name: "Signature", Text: "— L'équipe"})
	if err != nil {
		t.Fatal(err)
	}
	if l, _ := e.svc.Snippets(ctx, e.w.ID); len(l) != 1 || l[0].Text != "— L'équipe" {
		t.Errorf("Snippets = %+v", l)
	}
	if ws, err := e.svc.DeleteSnippet(ctx, sn.ID); err != nil || ws != e.w.ID {
		t.Errorf("DeleteSnippet = %q, %v", ws, err)
	}
	if _, err := e.svc.DeleteSnippet(ctx, sn.ID); !errors.Is(err, post.ErrNotFound) {
		t.Errorf("second delete = %v", err)
	}
	if l, _ := e.svc.Campaigns(ctx, e.w.ID); len(l) != 1 {
		t.Errorf("Campaigns = %+v", l)
	}
	if l, _ := e.svc.HashtagGroups(ctx, "other"); len(l) != 0 {
		t.Errorf("other workspace's groups = %+v", l)
	}
}

// Concurrent saves of one version: exactly one wins.
func TestConcurrentSaves(t *testing.T) {
	e := newEnv(t, "UTC")
	ctx := context.Background()
	p, _ := e.svc.Create(ctx, e.w.ID, post.Draft{Text: "x", AccountIDs: []string{e.x.ID}})
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			q := p
			q.Text = fmt.Sprint("edit ", i)
			if _, err := e.svc.Save(ctx, q); err == nil {
				mu.Lock()
				wins++
				mu.Unlock()
			} else if !errors.Is(err, post.ErrConflict) {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if wins != 1 {
		t.Errorf("%d saves of version 1 won; want 1", wins)
	}
}

func TestRemoveWorkspace(t *testing.T) {
	e := newEnv(t, "Europe/Paris")
	ctx := context.Background()
	other, _ := e.ws.Create(ctx, workspace.Settings{Name: "Autre", Timezone: "UTC"})
	keep := e.acc.add(other.ID, network.X, "autre", nil)
	kept, _ := e.svc.Create(ctx, other.ID, post.Draft{Text: "reste", Due: time.Date(2027, 3, 2, 9, 0, 0, 0, time.UTC), AccountIDs: []string{keep.ID}})
	for i := range 3 {
		e.svc.Create(ctx, e.w.ID, post.Draft{Text: fmt.Sprint("post ", i), Due: time.Date(2027, 3, 2+i, 9, 0, 0, 0, time.UTC), AccountIDs: []string{e.x.ID}, AssetIDs: []string{"a1"}})
	}
	e.svc.Create(ctx, e.w.ID, post.Draft{Text: "idée", AccountIDs: []string{e.x.ID}})
	e.svc.SaveCampaign(ctx, post.Campaign{WorkspaceID: e.w.ID, Name: "C"})
	e.svc.SaveCampaign(ctx, post.Campaign{WorkspaceID: other.ID, Name: "C"})
	e.svc.SetSlots(ctx, e.w.ID, []post.Slot{{AccountID: e.x.ID, Weekday: 1, Time: "10:00"}})
	if err := e.svc.RemoveWorkspace(ctx, e.w.ID); err != nil {
		t.Fatal(err)
	}
	if n := countPosts(t, e); n != 0 {
		t.Errorf("%d posts left", n)
	}
	all, _ := e.svc.Range(ctx, "", time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2028, 1, 1, 0, 0, 0, 0, time.UTC))
	if len(all) != 1 || all[0].ID != kept.ID {
		t.Errorf("all-clients range = %+v; want only the other workspace's post", all)
	}
	if c, _ := e.svc.Campaigns(ctx, e.w.ID); len(c) != 0 {
		t.Errorf("campaigns left: %+v", c)
	}
	if c, _ := e.svc.Campaigns(ctx, other.ID); len(c) != 1 {
		t.Errorf("other workspace's campaigns = %+v", c)
	}
	if s, _ := e.svc.Slots(ctx, e.w.ID); len(s) != 0 {
		t.Errorf("slots left: %+v", s)
	}
	if l, _ := e.svc.Labels(ctx, e.w.ID); len(l) != 0 {
		t.Errorf("labels left: %v", l)
	}
}

// A post whose account was disconnected since can still be moved; it
// cannot be scheduled until the variant goes.
func TestDisconnectedAccount(t *testing.T) {
	e := newEnv(t, "Europe/Paris")
	ctx := context.Background()
	p, _ := e.svc.Create(ctx, e.w.ID, post.Draft{Text: "x", AccountIDs: []string{e.x.ID, e.bsky.ID}})
	e.acc.mu.Lock()
	delete(e.acc.accs, e.bsky.ID)
	e.acc.mu.Unlock()
	if _, err := e.svc.Move(ctx, p.ID, time.Date(2027, 3, 2, 9, 0, 0, 0, time.UTC)); err != nil {
		t.Fatalf("Move = %v", err)
	}
	got, _ := e.svc.Get(ctx, p.ID)
	if c := codes(got.Variants[1]); len(c) != 1 || c[0] != "accountMissing" || got.Variants[1].Network != network.Bluesky {
		t.Errorf("variant = %+v", got.Variants[1])
	}
	if _, err := e.svc.SetStatus(ctx, p.ID, post.StatusScheduled); !errors.Is(err, post.ErrHasProblems) {
		t.Errorf("SetStatus(scheduled) = %v", err)
	}
	bad := got
	bad.Variants = append(append([]post.Variant{}, got.Variants...), post.Variant{AccountID: "never-connected"})
	if _, err := e.svc.Save(ctx, bad); !errors.Is(err, post.ErrUnknownAccount) {
		t.Errorf("new variant for an unknown account = %v", err)
	}
	got.Variants = got.Variants[:1]
	if _, err := e.svc.Save(ctx, got); err != nil {
		t.Fatal(err)
	}
	if s, err := e.svc.SetStatus(ctx, p.ID, post.StatusScheduled); err != nil || s.Status != post.StatusScheduled || s.CreatedAt != p.CreatedAt {
		t.Errorf("SetStatus = %+v, %v", s, err)
	}
}

// Every stored change reaches the observer, after it is committed, with
// the post as it was and as it is: the scheduler follows the plan by it.
func TestObserverSeesEveryChange(t *testing.T) {
	e := newEnv(t, "Europe/Paris")
	ctx := context.Background()
	type change struct{ before, after string }
	var got []change
	id := func(p *post.Post) string {
		if p == nil {
			return "-"
		}
		return fmt.Sprintf("%s@v%d/%s", p.ID[:4], p.Version, p.Status)
	}
	e.svc.SetObserver(func(ctx context.Context, before, after *post.Post) {
		if after != nil {
			stored, err := e.svc.Get(ctx, after.ID)
			if err != nil || stored.Version != after.Version {
				t.Errorf("observer ran before the change was committed: %v", err)
			}
		}
		got = append(got, change{id(before), id(after)})
	})
	p, err := e.svc.Create(ctx, e.w.ID, post.Draft{Text: "Bonjour", AccountIDs: []string{e.bsky.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Move(ctx, p.ID, e.now.Add(48*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.SetStatus(ctx, p.ID, post.StatusScheduled); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Duplicate(ctx, p.ID, time.Time{}); err != nil {
		t.Fatal(err)
	}
	stale := p
	if _, err := e.svc.Save(ctx, stale); err == nil {
		t.Fatal("a stale save succeeded")
	}
	if _, err := e.svc.Delete(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	short := p.ID[:4]
	want := []string{
		"-|" + short + "@v1/draft",
		short + "@v1/draft|" + short + "@v2/draft",
		short + "@v2/draft|" + short + "@v3/scheduled",
		// the duplicate (another id), then the delete; the stale save is not a change
		"",
		short + "@v3/scheduled|-",
	}
	if len(got) != len(want) {
		t.Fatalf("observer saw %d changes, want %d: %v", len(got), len(want), got)
	}
	for i, w := range want {
		if w == "" {
			if got[i].before != "-" || !strings.HasSuffix(got[i].after, "@v1/draft") {
				t.Errorf("change %d = %v, want a new draft", i, got[i])
			}
			continue
		}
		if g := got[i].before + "|" + got[i].after; g != w {
			t.Errorf("change %d = %s, want %s", i, g, w)
		}
	}
}
