package app

import (
	"context"
	"encoding/base64"
	"image/color"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"relais/backend/network/mastodon/mastodontest"
	"relais/backend/post"
	"relais/backend/workspace"
)

// postsTestApp is an app with a workspace in Paris and a Mastodon account
// connected to the fake instance (whose posts may be 1,000 characters).
func postsTestApp(t *testing.T) (a *App, log *eventLog, ws, acc string) {
	t.Helper()
	keyring.MockInit()
	fake := mastodontest.NewFake()
	t.Cleanup(fake.Close)
	a = New(nil)
	log = &eventLog{}
	a.ctx = context.Background()
	a.openURL = mastodontest.Browser
	if err := a.open(context.Background(), t.TempDir()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Shutdown(context.Background()) })
	w, err := a.Workspaces.Create(workspace.Settings{Name: "Café Lumière", Timezone: "Europe/Paris",
		Pillars: []workspace.Pillar{{Name: "Coulisses", Target: 40}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Vault.SetUpKeyring(); err != nil {
		t.Fatal(err)
	}
	accs, err := a.Accounts.ConnectMastodon(w.ID, fake.URL)
	if err != nil || len(accs) != 1 {
		t.Fatalf("ConnectMastodon = %+v, %v", accs, err)
	}
	a.events = log.emit // from here on every event has a payload
	return a, log, w.ID, accs[0].ID
}

func (l *eventLog) count(name, ws string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, e := range l.evs {
		if len(e.data) == 0 {
			continue
		}
		if m, ok := e.data[0].(map[string]string); ok && e.name == name && m["workspaceId"] == ws {
			n++
		}
	}
	return n
}

func TestPostsFacade(t *testing.T) {
	a, log, ws, acc := postsTestApp(t)
	f := a.Posts
	// The posts below are in March 2027 and the ICS export spans a year
	// either side of now: a fixed now keeps this test true after 2028.
	svc, err := a.postSvc()
	if err != nil {
		t.Fatal(err)
	}
	svc.SetClock(func() time.Time { return time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC) })

	// A visual from the library, attached at creation.
	id, err := a.Library.ImportFiles(ws, []FileData{{Name: "vitrine.jpg", Data: base64.StdEncoding.EncodeToString(testJPEG(t, 300, 200, color.RGBA{200, 100, 50, 255}))}})
	if err != nil {
		t.Fatal(err)
	}
	log.waitImport(t, id)
	page, err := a.Library.Search(LibraryQuery{WorkspaceID: ws})
	if err != nil || len(page.Assets) != 1 {
		t.Fatalf("library = %+v, %v", page, err)
	}
	asset := page.Assets[0].ID

	p, err := f.Create(ws, Draft{Text: strings.Repeat("a", 600), AccountIDs: []string{acc}, AssetIDs: []string{asset}})
	if err != nil {
		t.Fatal(err)
	}
	if p.Version != 1 || p.Due != "" || p.Zone != "Europe/Paris" || len(p.Variants) != 1 || len(p.Variants[0].Problems) != 0 {
		t.Fatalf("Create = %+v", p)
	}
	if got, _ := a.Library.Get(asset); !slices.Contains(got.UsedBy, p.ID) {
		t.Errorf("library usage of %s = %v; want %s", asset, got.UsedBy, p.ID)
	}

	// Live validation: over the instance's own 1,000 characters.
	p.Text = strings.Repeat("a", 1003)
	v, err := f.Validate(p)
	if err != nil || len(v.Variants[0].Problems) != 1 || v.Variants[0].Problems[0].Code != "tooLong" || v.Variants[0].Problems[0].Info["limit"] != 1000 {
		t.Fatalf("Validate = %+v, %v", v.Variants, err)
	}
	if got, _ := f.Get(p.ID); got.Version != 1 || len(got.Text) != 600 {
		t.Errorf("Validate saved: %+v", got)
	}
	p.Text = "Bonjour Paris ☕ https://exemple.fr/un/lien/tres/long"
	p.Due = "2027-03-02T17:00:00Z"
	p.Pillar = "Coulisses"
	saved, err := f.Save(p)
	if err != nil || saved.Version != 2 || saved.Due != "2027-03-02T17:00:00Z" || saved.Pillar == "Coulisses" {
		t.Fatalf("Save = %+v, %v", saved, err)
	}
	if _, err := f.Save(p); toUIError(err).Code != "post.conflict" {
		t.Errorf("stale Save = %v; want post.conflict", err)
	}
	p.Due = "demain"
	if _, err := f.Save(p); toUIError(err).Code != "post.badTime" || toUIError(err).Field != "due" {
		t.Errorf("bad due = %+v", toUIError(err))
	}

	// Calendar: month range, move, duplicate, tray.
	es, err := f.Range(ws, "2027-03-01T00:00:00Z", "2027-04-01T00:00:00Z")
	if err != nil || len(es) != 1 || es[0].Thumb != "/library/thumb/"+asset || es[0].Networks[0] != "mastodon" || !strings.HasPrefix(es[0].Excerpt, "Bonjour Paris") {
		t.Fatalf("Range = %+v, %v", es, err)
	}
	if all, _ := f.Range("", "2027-03-01T00:00:00Z", "2027-04-01T00:00:00Z"); len(all) != 1 {
		t.Errorf("all-clients Range = %+v", all)
	}
	moved, err := f.Move(p.ID, "2027-03-09T17:00:00Z")
	if err != nil || moved.Due != "2027-03-09T17:00:00Z" {
		t.Errorf("Move = %+v, %v", moved, err)
	}
	dup, err := f.Duplicate(p.ID, "")
	if err != nil || dup.ID == p.ID || dup.Due != "" {
		t.Errorf("Duplicate = %+v, %v", dup, err)
	}
	if tray, _ := f.Unscheduled(ws); len(tray) != 1 || tray[0].ID != dup.ID {
		t.Errorf("Unscheduled = %+v", tray)
	}
	if _, err := f.AddToQueue(dup.ID); toUIError(err).Code != "post.noSlots" {
		t.Errorf("AddToQueue without slots = %v", err)
	}
	if err := f.SetSlots(ws, []post.Slot{{AccountID: acc, Weekday: 2, Time: "18:00"}}); err != nil {
		t.Fatal(err)
	}
	if s, _ := f.Slots(ws); len(s) != 1 {
		t.Errorf("Slots = %+v", s)
	}
	queued, err := f.AddToQueue(dup.ID)
	if err != nil || queued.Due == "" {
		t.Fatalf("AddToQueue = %+v, %v", queued, err)
	}
	if due, _ := time.Parse(time.RFC3339, queued.Due); due.In(mustZone(t, "Europe/Paris")).Format("Mon 15:04") != "Tue 18:00" {
		t.Errorf("queued at %s; want a Tuesday 18:00 in Paris", queued.Due)
	}
	if s, err := f.SetStatus(p.ID, "scheduled"); err != nil || s.Status != "scheduled" {
		t.Errorf("SetStatus = %+v, %v", s.Status, err)
	}

	// Campaigns, hashtag groups, snippets, labels, rules.
	c, err := f.SaveCampaign(Campaign{WorkspaceID: ws, Name: "Printemps", Start: "2027-03-01T00:00:00Z", End: "2027-03-31T00:00:00Z",
		Brief: &post.Brief{Objective: "Notoriété", Audience: "Parisiens"}})
	if err != nil || c.ID == "" || c.Start != "2027-03-01T00:00:00Z" {
		t.Fatalf("SaveCampaign = %+v, %v", c, err)
	}
	if cs, _ := f.Campaigns(ws); len(cs) != 1 {
		t.Errorf("Campaigns = %+v", cs)
	}
	if _, err := f.SaveCampaign(Campaign{WorkspaceID: ws, Name: "x", Start: "2027-04-01T00:00:00Z", End: "2027-03-01T00:00:00Z"}); toUIError(err).Code != "post.campaignDates" {
		t.Errorf("reversed campaign = %v", err)
	}
	g, err := f.SaveHashtagGroup(post.HashtagGroup{WorkspaceID: ws, Name: "Café", Tags: []string{"café", "latte"}})
	if err != nil || len(g.Tags) != 2 {
		t.Errorf("SaveHashtagGroup = %+v, %v", g, err)
	}
	sn, err := f.SaveSnippet(post.Snippet{WorkspaceID: ws, Name: "Signature", Text: "— L’équipe"})
	if err != nil {
		t.Fatal(err)
	}
	if l, _ := f.Snippets(ws); len(l) != 1 {
		t.Errorf("Snippets = %+v", l)
	}
	if l, _ := f.HashtagGroups(ws); len(l) != 1 {
		t.Errorf("HashtagGroups = %+v", l)
	}
	if err := f.DeleteSnippet(sn.ID); err != nil {
		t.Error(err)
	}
	if err := f.DeleteHashtagGroup(g.ID); err != nil {
		t.Error(err)
	}
	if err := f.DeleteCampaign(c.ID); err != nil {
		t.Error(err)
	}
	if err := f.DeleteCampaign(c.ID); toUIError(err).Code != "post.notFound" {
		t.Errorf("second DeleteCampaign = %v", err)
	}
	if len(f.Rules()) != 12 {
		t.Errorf("Rules = %d networks", len(f.Rules()))
	}

	// Import a CSV plan, then export it as CSV and ICS.
	csv := "date;comptes;texte;pilier;étiquettes\n2027-03-04 09:00;mastodon;Importé depuis un tableur;Coulisses;import\n"
	pv, err := f.ImportPreview(ws, FileData{Name: "plan.csv", Data: base64.StdEncoding.EncodeToString([]byte(csv))})
	if err != nil || !pv.OK || len(pv.Rows) != 1 || pv.Rows[0].Due != "2027-03-04T08:00:00Z" || pv.Rows[0].Accounts[0] != acc {
		t.Fatalf("ImportPreview = %+v, %v", pv, err)
	}
	if n, err := f.ImportConfirm(pv.Token); err != nil || n != 1 {
		t.Fatalf("ImportConfirm = %d, %v", n, err)
	}
	if l, _ := f.Labels(ws); !slices.Equal(l, []string{"import"}) {
		t.Errorf("Labels = %v", l)
	}
	if _, err := f.ImportPreview(ws, FileData{Name: "tabs.csv", Data: base64.StdEncoding.EncodeToString([]byte("a\tb\n1\t2\n"))}); toUIError(err).Code != "post.csvHeader" || toUIError(err).Info["file"] != "tabs.csv" {
		t.Errorf("tab-separated = %+v", toUIError(err))
	}
	dir := t.TempDir()
	path, err := f.ExportCSV(ws, "2027-03-01T00:00:00Z", "2027-04-01T00:00:00Z", filepath.Join(dir, "plan.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); !strings.Contains(string(b), "Importé depuis un tableur") || !strings.Contains(string(b), "2027-03-09 18:00") {
		t.Errorf("exported CSV:\n%s", b)
	}
	path, err = f.ExportICS(ws, filepath.Join(dir, "plan.ics"))
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); strings.Count(string(b), "BEGIN:VEVENT") != 3 {
		t.Errorf("exported ICS:\n%s", b)
	}
	// March in Paris starts on 28 February in UTC: the proposed name is still March's.
	var proposed string
	f.saveDialog = func(name, _ string) (string, error) { proposed = name; return "", nil } // the user cancels
	if _, err := f.ExportCSV(ws, "2027-02-28T23:00:00Z", "2027-03-31T22:00:00Z", ""); err != nil || proposed != "plan-2027-03.csv" {
		t.Errorf("proposed CSV name = %q, %v", proposed, err)
	}
	if path, err := f.ExportICS(ws, ""); path != "" || err != nil {
		t.Errorf("cancelled export = %q, %v", path, err)
	}

	if err := f.Delete(dup.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Get(dup.ID); toUIError(err).Code != "post.notFound" {
		t.Errorf("Get deleted = %v", err)
	}
	if n := log.count("posts:changed", ws); n < 10 {
		t.Errorf("%d posts:changed events for the workspace; want one per change", n)
	}
}

func mustZone(t *testing.T, name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// callPosts calls every Posts method for the secrets test.
func callPosts(t *testing.T, a *App, ws, acc string, call func(string) func(any, error), none func(string, error)) {
	t.Helper()
	f := a.Posts
	p, err := f.Create(ws, Draft{Text: "Bonjour", AccountIDs: []string{acc}})
	call("Posts.Create")(p, err)
	call("Posts.Get")(f.Get(p.ID))
	p.Due = "2027-03-02T17:00:00Z"
	call("Posts.Validate")(f.Validate(p))
	call("Posts.Save")(f.Save(p))
	call("Posts.SetStatus")(f.SetStatus(p.ID, "review"))
	call("Posts.Range")(f.Range(ws, "2027-03-01T00:00:00Z", "2027-04-01T00:00:00Z"))
	call("Posts.Move")(f.Move(p.ID, "2027-03-03T17:00:00Z"))
	d, err := f.Duplicate(p.ID, "")
	call("Posts.Duplicate")(d, err)
	call("Posts.Unscheduled")(f.Unscheduled(ws))
	none("Posts.SetSlots", f.SetSlots(ws, []post.Slot{{AccountID: acc, Weekday: 4, Time: "09:30"}}))
	call("Posts.Slots")(f.Slots(ws))
	call("Posts.AddToQueue")(f.AddToQueue(d.ID))
	c, err := f.SaveCampaign(Campaign{WorkspaceID: ws, Name: "Printemps"})
	call("Posts.SaveCampaign")(c, err)
	call("Posts.Campaigns")(f.Campaigns(ws))
	none("Posts.DeleteCampaign", f.DeleteCampaign(c.ID))
	g, err := f.SaveHashtagGroup(post.HashtagGroup{WorkspaceID: ws, Name: "Café", Tags: []string{"café"}})
	call("Posts.SaveHashtagGroup")(g, err)
	call("Posts.HashtagGroups")(f.HashtagGroups(ws))
	none("Posts.DeleteHashtagGroup", f.DeleteHashtagGroup(g.ID))
	s, err := f.SaveSnippet(post.Snippet{WorkspaceID: ws, Name: "Signature", Text: "L’équipe"})
	call("Posts.SaveSnippet")(s, err)
	call("Posts.Snippets")(f.Snippets(ws))
	none("Posts.DeleteSnippet", f.DeleteSnippet(s.ID))
	call("Posts.Labels")(f.Labels(ws))
	call("Posts.Rules")(f.Rules(), nil)
	pv, err := f.ImportPreview(ws, FileData{Name: "plan.csv", Data: base64.StdEncoding.EncodeToString([]byte("date,accounts,text\n,mastodon,Importé\n"))})
	call("Posts.ImportPreview")(pv, err)
	call("Posts.ImportConfirm")(f.ImportConfirm(pv.Token))
	dir := t.TempDir()
	call("Posts.ExportCSV")(f.ExportCSV(ws, "2027-01-01T00:00:00Z", "2028-01-01T00:00:00Z", filepath.Join(dir, "plan.csv")))
	call("Posts.ExportICS")(f.ExportICS(ws, filepath.Join(dir, "plan.ics")))
	none("Posts.Delete", f.Delete(d.ID))
}
