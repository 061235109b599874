package app

import "testing"

// The Campaigns tab lists each campaign with its number of posts; after a
// delete those posts are still there, without a campaign, and still save.
func TestCampaignPostsAndDelete(t *testing.T) {
	a, _, ws, acc := postsTestApp(t)
	f := a.Posts
	c, err := f.SaveCampaign(Campaign{WorkspaceID: ws, Name: "Printemps", Start: "2027-02-28T23:00:00Z", End: "2027-03-30T22:00:00Z"})
	if err != nil {
		t.Fatal(err)
	}
	empty, err := f.SaveCampaign(Campaign{WorkspaceID: ws, Name: "Été"})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, text := range []string{"Menu de printemps", "Atelier"} {
		p, err := f.Create(ws, Draft{Text: text, AccountIDs: []string{acc}})
		if err != nil {
			t.Fatal(err)
		}
		p.CampaignID = c.ID
		if _, err := f.Save(p); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
	}
	list, err := f.Campaigns(ws)
	if err != nil || len(list) != 2 {
		t.Fatalf("Campaigns = %+v, %v", list, err)
	}
	for _, x := range list {
		want := map[string]int{c.ID: 2, empty.ID: 0}[x.ID]
		if x.Posts != want {
			t.Errorf("%s has %d posts, want %d", x.Name, x.Posts, want)
		}
	}
	if err := f.DeleteCampaign(c.ID); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		p, err := f.Get(id)
		if err != nil || p.CampaignID != "" {
			t.Fatalf("post after the delete = %+v, %v", p, err)
		}
		p.Notes = "toujours là"
		if _, err := f.Save(p); err != nil {
			t.Errorf("saving a post of the deleted campaign: %v", err)
		}
	}
	if list, _ := f.Campaigns(ws); len(list) != 1 || list[0].ID != empty.ID || list[0].Posts != 0 {
		t.Errorf("Campaigns after the delete = %+v", list)
	}
}
