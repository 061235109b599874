package post_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"relais/backend/network"
	"relais/backend/post"
)

// Deleting a campaign keeps its posts in the plan, without it, and each
// of them can be saved again; the other campaigns' posts are untouched.
func TestDeleteCampaignUnlinksItsPosts(t *testing.T) {
	e := newEnv(t, "Europe/Paris")
	ctx := context.Background()
	spring, err := e.svc.SaveCampaign(ctx, post.Campaign{WorkspaceID: e.w.ID, Name: "Printemps"})
	if err != nil {
		t.Fatal(err)
	}
	summer, err := e.svc.SaveCampaign(ctx, post.Campaign{WorkspaceID: e.w.ID, Name: "Été"})
	if err != nil {
		t.Fatal(err)
	}
	due := time.Date(2027, 3, 10, 17, 0, 0, 0, time.UTC)
	mk := func(campaign string, due time.Time) post.Post {
		p, err := e.svc.Create(ctx, e.w.ID, post.Draft{Text: "Menu " + campaign, Due: due, AccountIDs: []string{e.x.ID}})
		if err != nil {
			t.Fatal(err)
		}
		p.CampaignID = campaign
		if p, err = e.svc.Save(ctx, p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	dated, tray, other, none := mk(spring.ID, due), mk(spring.ID, time.Time{}), mk(summer.ID, due), mk("", due)

	counts, err := e.svc.CampaignPosts(ctx, e.w.ID)
	if err != nil || len(counts) != 2 || counts[spring.ID] != 2 || counts[summer.ID] != 1 {
		t.Fatalf("CampaignPosts = %v, %v", counts, err)
	}

	var mu sync.Mutex
	seen := map[string]string{} // post id -> campaign after the change
	e.svc.SetObserver(func(_ context.Context, before, after *post.Post) {
		mu.Lock()
		defer mu.Unlock()
		if before == nil || after == nil || before.CampaignID != spring.ID {
			t.Errorf("observer got %+v -> %+v", before, after)
			return
		}
		seen[after.ID] = after.CampaignID
	})
	e.now = e.now.Add(time.Hour)
	ws, err := e.svc.DeleteCampaign(ctx, spring.ID)
	if err != nil || ws != e.w.ID {
		t.Fatalf("DeleteCampaign = %q, %v", ws, err)
	}
	e.svc.SetObserver(nil)
	if len(seen) != 2 || seen[dated.ID] != "" || seen[tray.ID] != "" {
		t.Errorf("observer saw %v", seen)
	}
	for _, p := range []post.Post{dated, tray} {
		got, err := e.svc.Get(ctx, p.ID)
		if err != nil || got.CampaignID != "" || got.Version != p.Version+1 || !got.UpdatedAt.Equal(e.now) || got.Text != p.Text {
			t.Errorf("unlinked post = %+v, %v", got, err)
		}
		// Saved again as the editor would: no unknown campaign.
		got.Notes = "encore"
		if _, err := e.svc.Save(ctx, got); err != nil {
			t.Errorf("saving an unlinked post: %v", err)
		}
		// The stale version (an editor opened before the delete) is refused.
		if _, err := e.svc.Save(ctx, p); !errors.Is(err, post.ErrConflict) {
			t.Errorf("stale save = %v", err)
		}
	}
	for _, p := range []post.Post{other, none} {
		if got, _ := e.svc.Get(ctx, p.ID); got.CampaignID != p.CampaignID || got.Version != p.Version {
			t.Errorf("untouched post = %+v", got)
		}
	}
	es, _ := e.svc.Range(ctx, e.w.ID, time.Time{}, time.Time{})
	tr, _ := e.svc.Unscheduled(ctx, e.w.ID)
	for _, x := range append(es, tr...) {
		want := ""
		if x.ID == other.ID {
			want = summer.ID
		}
		if x.CampaignID != want {
			t.Errorf("calendar entry %s has campaign %q, want %q", x.ID, x.CampaignID, want)
		}
	}
	if counts, _ := e.svc.CampaignPosts(ctx, e.w.ID); len(counts) != 1 || counts[summer.ID] != 1 {
		t.Errorf("CampaignPosts after the delete = %v", counts)
	}
	if l, _ := e.svc.Campaigns(ctx, e.w.ID); len(l) != 1 || l[0].ID != summer.ID {
		t.Errorf("Campaigns = %+v", l)
	}
	if _, err := e.svc.DeleteCampaign(ctx, spring.ID); !errors.Is(err, post.ErrNotFound) {
		t.Errorf("second delete = %v", err)
	}
}

// A campaign with more posts than one transaction unlinks is deleted in
// several, and every post is unlinked.
func TestDeleteCampaignManyPosts(t *testing.T) {
	e := newEnv(t, "Europe/Paris")
	ctx := context.Background()
	c, err := e.svc.SaveCampaign(ctx, post.Campaign{WorkspaceID: e.w.ID, Name: "Soldes"})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	const n = 1203
	posts := make([]post.Post, n)
	for i := range posts {
		posts[i] = post.Post{ID: fmt.Sprintf("p%05d", i), WorkspaceID: e.w.ID, Status: post.StatusDraft, Text: "Soldes",
			Due: start.Add(time.Duration(i) * time.Hour), Zone: "Europe/Paris", CampaignID: c.ID, CreatedAt: start, UpdatedAt: start,
			Variants: []post.Variant{{ID: "v", AccountID: e.x.ID, Network: network.X}}}
	}
	if err := post.BulkPut(ctx, e.svc, posts); err != nil {
		t.Fatal(err)
	}
	if counts, _ := e.svc.CampaignPosts(ctx, e.w.ID); counts[c.ID] != n {
		t.Fatalf("CampaignPosts = %v", counts)
	}
	if _, err := e.svc.DeleteCampaign(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if counts, _ := e.svc.CampaignPosts(ctx, e.w.ID); len(counts) != 0 {
		t.Errorf("CampaignPosts after the delete = %v", counts)
	}
	if p, err := e.svc.Get(ctx, posts[n-1].ID); err != nil || p.CampaignID != "" || p.Version != 2 {
		t.Errorf("last post = %+v, %v", p, err)
	}
	if l, _ := e.svc.Campaigns(ctx, e.w.ID); len(l) != 0 {
		t.Errorf("Campaigns = %+v", l)
	}
}
