package app

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"relais/backend/network"
	"relais/backend/network/mastodon/mastodontest"
	"relais/backend/schedule"
	"relais/backend/workspace"
)

// scheduleTestApp is an app with a workspace in Paris and a Mastodon
// account on the fake instance, whose statuses the test reads back.
func scheduleTestApp(t *testing.T) (a *App, fake *mastodontest.Fake, log *eventLog, ws, acc string) {
	t.Helper()
	keyring.MockInit()
	fake = mastodontest.NewFake()
	t.Cleanup(fake.Close)
	a = New(nil)
	log = &eventLog{}
	a.ctx = context.Background()
	a.openURL = mastodontest.Browser
	if err := a.open(context.Background(), t.TempDir()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Shutdown(context.Background()) })
	w, err := a.Workspaces.Create(workspace.Settings{Name: "Café Lumière", Timezone: "Europe/Paris", Language: "fr"})
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
	a.events = log.emit
	return a, fake, log, w.ID, accs[0].ID
}

// schedulePost creates a post for acc and schedules it at due.
func schedulePost(t *testing.T, a *App, ws, acc, text string, due time.Time) Post {
	t.Helper()
	p, err := a.Posts.Create(ws, Draft{Text: text, AccountIDs: []string{acc}})
	if err != nil {
		t.Fatal(err)
	}
	p.Due, p.Status = due.UTC().Format(time.RFC3339Nano), "scheduled"
	p, err = a.Posts.Save(p)
	if err != nil {
		t.Fatalf("scheduling: %v", err)
	}
	return p
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (l *eventLog) names() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, e := range l.evs {
		out = append(out, e.name)
	}
	return out
}

func TestScheduledPostGoesOutOnceAndIsLogged(t *testing.T) {
	a, fake, log, ws, acc := scheduleTestApp(t)
	text := "La terrasse rouvre demain, venez tôt ☀️"
	p := schedulePost(t, a, ws, acc, text, time.Now().Add(1500*time.Millisecond))

	jobs, err := a.Schedule.PostJobs(p.ID)
	if err != nil || len(jobs) != 1 || jobs[0].State != "scheduled" || jobs[0].AccountID != acc || jobs[0].Zone != "Europe/Paris" {
		t.Fatalf("PostJobs = %+v, %v", jobs, err)
	}
	// Closing now would hold it back: the UI is asked first.
	if d, err := a.Schedule.DueSoon(); err != nil || d.Count != 1 || d.Next == "" {
		t.Fatalf("DueSoon = %+v, %v", d, err)
	}
	if !a.preventClose(context.Background()) {
		t.Fatal("closing with a post due within the hour did not ask first")
	}

	a.startScheduler(context.Background())
	waitFor(t, "the post to be published", func() bool {
		got, err := a.Posts.Get(p.ID)
		return err == nil && got.Status == "published"
	})
	sts := fake.Statuses()
	if len(sts) != 1 || sts[0].Text != text || sts[0].Language != "fr" {
		t.Fatalf("the instance holds %+v", sts)
	}
	acts, err := a.Schedule.Activity(ws, 0)
	if err != nil || len(acts) == 0 {
		t.Fatalf("Activity = %+v, %v", acts, err)
	}
	if acts[0].Kind != "published" || acts[0].URL == "" || acts[0].Network != "mastodon" || !strings.HasPrefix(acts[0].Excerpt, "La terrasse") || acts[0].Handle == "" {
		t.Fatalf("activity = %+v", acts[0])
	}
	if d, _ := a.Schedule.DueSoon(); d.Count != 0 {
		t.Fatalf("DueSoon after publishing = %+v", d)
	}
	if a.preventClose(context.Background()) {
		t.Fatal("closing was held with nothing due")
	}
	if !contains(log.names(), EventJobChanged) {
		t.Fatalf("no %s event among %v", EventJobChanged, log.names())
	}
	// Saving the published post again plans nothing new.
	got, _ := a.Posts.Get(p.ID)
	if _, err := a.Posts.Save(got); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if n := len(fake.Statuses()); n != 1 {
		t.Fatalf("the instance holds %d statuses after a re-save, want 1", n)
	}
}

func TestRevokedTokenFailsWithReconnect(t *testing.T) {
	a, fake, _, ws, acc := scheduleTestApp(t)
	fake.RevokeAll()
	p := schedulePost(t, a, ws, acc, "Menu du jour", time.Now().Add(500*time.Millisecond))
	a.startScheduler(context.Background())
	waitFor(t, "the post to fail", func() bool {
		got, err := a.Posts.Get(p.ID)
		return err == nil && got.Status == "failed"
	})
	jobs, err := a.Schedule.PostJobs(p.ID)
	if err != nil || len(jobs) != 1 || jobs[0].State != "failed" || jobs[0].Failure == nil ||
		jobs[0].Failure.Code != schedule.CodeRevoked || jobs[0].Failure.Action != "reconnect" {
		t.Fatalf("PostJobs = %+v, %v", jobs, err)
	}
	waitFor(t, "the account to need reconnecting", func() bool {
		accs, err := a.Accounts.List(ws)
		return err == nil && len(accs) == 1 && accs[0].State == "needs_reconnect"
	})
	acts, _ := a.Schedule.Activity(ws, 10)
	if len(acts) == 0 || acts[0].Kind != "failed" || acts[0].Action != "reconnect" {
		t.Fatalf("activity = %+v", acts)
	}
	if len(fake.Statuses()) != 0 {
		t.Fatal("a status was made with a revoked token")
	}
}

func TestSkipALatePost(t *testing.T) {
	a, _, _, ws, acc := scheduleTestApp(t)
	p := schedulePost(t, a, ws, acc, "Prévu pendant la veille", time.Now().Add(time.Hour))
	jobs, _ := a.Schedule.PostJobs(p.ID)
	if len(jobs) != 1 {
		t.Fatalf("jobs = %+v", jobs)
	}
	if err := a.Schedule.Skip(jobs[0].ID); err != nil {
		t.Fatal(err)
	}
	got, err := a.Posts.Get(p.ID)
	if err != nil || got.Status != "approved" {
		t.Fatalf("post after skipping its only publication: %+v, %v", got.Status, err)
	}
	if jobs, _ := a.Schedule.PostJobs(p.ID); len(jobs) != 0 {
		t.Fatalf("jobs after Skip = %+v", jobs)
	}
	if err := a.Schedule.SetPolicy(ws, LatePolicy{Minutes: -5}); err == nil {
		t.Fatal("a negative late policy was accepted")
	}
	if err := a.Schedule.SetPolicy(ws, LatePolicy{Minutes: 90}); err != nil {
		t.Fatal(err)
	}
	if pol, err := a.Schedule.Policy(ws); err != nil || pol.Minutes != 90 {
		t.Fatalf("Policy = %+v, %v", pol, err)
	}
}

func TestNotificationSentences(t *testing.T) {
	job := schedule.Job{Network: network.Bluesky}
	failed := job
	failed.Failure = &schedule.Failure{Code: schedule.CodeRevoked, Action: schedule.ActionReconnect}
	cases := []struct {
		lang  string
		ev    schedule.Event
		title string
		body  string
	}{
		{"fr", schedule.Event{Kind: schedule.EventPublished, Job: job}, "Publié sur Bluesky", "Café Lumière · « Bonjour »"},
		{"en", schedule.Event{Kind: schedule.EventPublished, Job: job}, "Published on Bluesky", "Café Lumière · “Bonjour”"},
		{"fr", schedule.Event{Kind: schedule.EventFailed, Job: failed}, "Échec de la publication sur Bluesky", "Café Lumière · « Bonjour » — Reconnectez le compte."},
		{"en", schedule.Event{Kind: schedule.EventFailed, Job: failed}, "Could not publish on Bluesky", "Café Lumière · “Bonjour” — Reconnect the account."},
	}
	for _, c := range cases {
		title, body := notification(c.lang, c.ev, "Café Lumière", "Bonjour")
		if title != c.title || body != c.body {
			t.Errorf("%s %s: got %q / %q, want %q / %q", c.lang, c.ev.Kind, title, body, c.title, c.body)
		}
	}
	if s := shorten("un  texte\nassez long pour être coupé", 12); s != "un texte as…" {
		t.Errorf("shorten = %q", s)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// callSchedule publishes one post through the account (so the token is
// used for real) and calls every Schedule method, for the secrets test.
func callSchedule(t *testing.T, a *App, ws, acc string, call func(string) func(any, error), none func(string, error)) {
	t.Helper()
	p := schedulePost(t, a, ws, acc, "Publié pour le test des secrets", time.Now().Add(200*time.Millisecond))
	call("Schedule.DueSoon")(a.Schedule.DueSoon())
	call("Schedule.HandOffDueSoon")(a.Schedule.HandOffDueSoon())
	a.startScheduler(context.Background())
	waitFor(t, "the post to be published", func() bool {
		got, err := a.Posts.Get(p.ID)
		return err == nil && got.Status == "published"
	})
	jobs, err := a.Schedule.PostJobs(p.ID)
	call("Schedule.PostJobs")(jobs, err)
	if len(jobs) != 1 {
		t.Fatalf("jobs = %+v", jobs)
	}
	now := time.Now().UTC()
	call("Schedule.Jobs")(a.Schedule.Jobs(ws, now.Add(-time.Hour).Format(time.RFC3339), now.Add(time.Hour).Format(time.RFC3339)))
	call("Schedule.Activity")(a.Schedule.Activity(ws, 20))
	call("Schedule.PublishNow")(a.Schedule.PublishNow(jobs[0].ID)) // refused: it went out
	none("Schedule.Skip", a.Schedule.Skip(jobs[0].ID))             // refused too
	call("Schedule.RetryFailed")(a.Schedule.RetryFailed(acc))
	none("Schedule.SetPolicy", a.Schedule.SetPolicy(ws, LatePolicy{Minutes: 45}))
	call("Schedule.Policy")(a.Schedule.Policy(ws))
}

// Quitting with Mastodon posts due soon: Relais offers to hand them to the
// instance, which then holds them (scheduled_at) and nothing is left that
// needs Relais running.
func TestHandOffDueSoonBeforeQuitting(t *testing.T) {
	a, fake, _, ws, acc := scheduleTestApp(t)
	a.startScheduler(context.Background())
	due := time.Now().Add(40 * time.Minute).Truncate(time.Minute)
	p := schedulePost(t, a, ws, acc, "Concert ce soir à 21 h", due)
	soon := schedulePost(t, a, ws, acc, "Dans trois minutes", time.Now().Add(3*time.Minute))

	d, err := a.Schedule.DueSoon()
	if err != nil || d.Count != 2 || d.HandOff != 1 {
		t.Fatalf("DueSoon = %+v, %v; want 2 due, 1 that the instance can hold (the other is too close)", d, err)
	}
	res, err := a.Schedule.HandOffDueSoon()
	if err != nil || res.Handed != 1 || res.Left != 1 {
		t.Fatalf("HandOffDueSoon = %+v, %v; want 1 handed, 1 left", res, err)
	}
	held := fake.ScheduledStatuses()
	if len(held) != 1 || held[0].Params.Text != "Concert ce soir à 21 h" || !held[0].ScheduledAt.Equal(due) {
		t.Fatalf("the instance holds %+v", held)
	}
	got, _ := a.Posts.Get(p.ID)
	if !got.Variants[0].HandOff {
		t.Error("the post's variant does not say it was handed off: the editor would undo it")
	}
	jobs, _ := a.Schedule.PostJobs(p.ID)
	if len(jobs) != 1 || jobs[0].State != "handed_off" || !jobs[0].HandOff {
		t.Errorf("job = %+v; want handed_off", jobs)
	}
	if jobs, _ := a.Schedule.PostJobs(soon.ID); len(jobs) != 1 || jobs[0].State != "scheduled" {
		t.Errorf("the post due in 3 minutes = %+v; want still scheduled by Relais", jobs)
	}
	if d, _ := a.Schedule.DueSoon(); d.Count != 1 || d.HandOff != 0 {
		t.Errorf("DueSoon after = %+v; want only the close one", d)
	}
}
