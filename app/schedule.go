package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"relais/backend/network"
	"relais/backend/network/bluesky"
	"relais/backend/network/facebook"
	"relais/backend/network/linkedin"
	"relais/backend/network/mastodon"
	"relais/backend/network/pinterest"
	"relais/backend/network/x"
	"relais/backend/notify"
	"relais/backend/post"
	"relais/backend/publish"
	"relais/backend/schedule"
)

// Schedule is the bound facade for publishing: what went out, what waits,
// what failed and why, and the user's answers (publish now, retry, skip).
type Schedule struct{ a *App }

// Job is one variant's publication as the UI shows it (calendar badges,
// the post's status line).
type Job struct {
	ID          string   `json:"id"`
	WorkspaceID string   `json:"workspaceId"`
	PostID      string   `json:"postId"`
	VariantID   string   `json:"variantId"`
	AccountID   string   `json:"accountId"`
	Network     string   `json:"network"`
	Due         string   `json:"due"`
	Zone        string   `json:"zone"`
	State       string   `json:"state"`
	HandOff     bool     `json:"handOff"` // the network is asked to hold it until its time
	URL         string   `json:"url"`
	Failure     *Failure `json:"failure"`
	LateMinutes int      `json:"lateMinutes"`
	Attempts    int      `json:"attempts"`
	UpdatedAt   string   `json:"updatedAt"`
}

// Failure says why a publication failed and what the user can do.
type Failure struct {
	Code   string `json:"code"`
	Action string `json:"action"`
	Reason string `json:"reason"`
}

// Activity is one line of a workspace's activity log.
type Activity struct {
	At          string `json:"at"`
	Kind        string `json:"kind"`
	JobID       string `json:"jobId"`
	PostID      string `json:"postId"`
	AccountID   string `json:"accountId"`
	Network     string `json:"network"`
	URL         string `json:"url"`
	Code        string `json:"code"`
	Action      string `json:"action"`
	Reason      string `json:"reason"`
	LateMinutes int    `json:"lateMinutes"`
	// Excerpt and Handle name the post and the account ("" once gone).
	Excerpt string `json:"excerpt"`
	Handle  string `json:"handle"`
}

// LatePolicy is a workspace's rule for posts found late (after a sleep, or
// while Relais was closed): publish when late by less than Minutes.
type LatePolicy struct {
	Minutes int `json:"minutes"`
}

// DueSoon is what closing the window would hold back.
type DueSoon struct {
	Count int    `json:"count"`
	Next  string `json:"next"` // RFC 3339, "" when Count is 0
	// HandOff counts those the network could hold instead, so they go
	// out with Relais closed (HandOffDueSoon).
	HandOff int `json:"handOff"`
}

// HandOffResult says what HandOffDueSoon did.
type HandOffResult struct {
	Handed int `json:"handed"` // now held by their network
	Left   int `json:"left"`   // still need Relais running
}

// The scheduler's UI events.
const (
	EventJobChanged = "schedule:changed" // {workspaceId, jobId, postId, kind}
	EventClockJump  = "schedule:clock"   // {seconds}
)

// dueSoonWindow is how far ahead closing the window warns about posts.
const dueSoonWindow = time.Hour

// SetIcon gives desktop notifications the app's icon (PNG). main sets it
// before Wails starts.
func (a *App) SetIcon(png []byte) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.icon = png
}

// devPinterest, set only by dev builds (devbrowser_dev.go), sends every
// Pinterest call to a fake server for the end-to-end tests.
var devPinterest string

// pinterestPublisher is Pinterest's publisher (pointed at devPinterest in
// dev builds that ask for it).
func pinterestPublisher() *pinterest.Publisher {
	if devPinterest != "" {
		return &pinterest.Publisher{Base: devPinterest + "/v5"}
	}
	return &pinterest.Publisher{}
}

// publishers are the networks Relais publishes to.
func publishers() map[network.Name]schedule.Publisher {
	li := &linkedin.Publisher{} // members and Pages alike
	return map[network.Name]schedule.Publisher{
		network.Bluesky:      &bluesky.Publisher{},
		network.Mastodon:     &mastodon.Publisher{},
		network.X:            &x.Publisher{},
		network.LinkedIn:     li,
		network.LinkedInPage: li,
		network.Facebook:     &facebook.Publisher{},
		network.Pinterest:    pinterestPublisher(),
	}
}

// newScheduler builds the engine over the open services (called by open,
// with a.mu held): jobs follow every post change through the observer.
func (a *App) newScheduler() {
	a.content = publish.NewContent(a.posts, a.library, a.workspaces)
	a.engine = schedule.New(a.db, a.content, a.accounts, publishers(), schedule.Options{
		Events: a.onJob,
		Logger: a.log,
	})
	a.sync = publish.NewSync(a.engine)
	a.notifier = notify.New("Relais", a.icon)
	sync := a.sync
	a.posts.SetObserver(func(ctx context.Context, before, after *post.Post) {
		if err := sync.Post(ctx, before, after); err != nil {
			a.log.Error("planning a post's publication", "err", err)
		}
	})
}

// startScheduler starts publishing (after a crash, attempts left in flight
// are verified first).
func (a *App) startScheduler(ctx context.Context) {
	a.mu.RLock()
	e := a.engine
	a.mu.RUnlock()
	if e == nil {
		return
	}
	if err := e.Start(ctx); err != nil {
		a.log.Error("starting the scheduler", "err", err)
	}
}

// stopScheduler stops publishing before the store closes.
func (a *App) stopScheduler() {
	a.mu.Lock()
	e, n := a.engine, a.notifier
	a.mu.Unlock()
	if e != nil {
		_ = e.Close()
	}
	if n != nil {
		_ = n.Close()
	}
}

func (a *App) scheduler() (*schedule.Engine, error) {
	if _, _, _, err := a.services(); err != nil {
		return nil, err
	}
	a.mu.RLock()
	defer a.mu.RUnlock()
	if a.engine == nil {
		return nil, errNotReady
	}
	return a.engine, nil
}

// onJob turns what the scheduler did into UI events, the post's status and
// a desktop notification. It runs on the engine's goroutines.
func (a *App) onJob(ev schedule.Event) {
	if ev.Kind == schedule.EventClockJump {
		a.emit(EventClockJump, map[string]any{"seconds": int(ev.Skew.Seconds())})
		return
	}
	j := ev.Job
	a.emit(EventJobChanged, map[string]any{"workspaceId": j.WorkspaceID, "jobId": j.ID, "postId": j.PostID, "kind": string(ev.Kind)})
	switch ev.Kind {
	case schedule.EventPublished, schedule.EventFailed, schedule.EventNeedsDecision:
	default:
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	a.settlePost(ctx, j.PostID)
	if ev.Kind == schedule.EventFailed && j.Failure != nil && j.Failure.Code == schedule.CodeRevoked {
		a.emit("accounts:changed", j.WorkspaceID)
	}
	a.notifyJob(ctx, ev)
}

// settlePost gives a post the status its jobs say (published, failed).
func (a *App) settlePost(ctx context.Context, postID string) {
	a.mu.RLock()
	posts, sync := a.posts, a.sync
	a.mu.RUnlock()
	if posts == nil || sync == nil {
		return
	}
	p, err := posts.Get(ctx, postID)
	if err != nil {
		return
	}
	st, err := sync.Status(ctx, p)
	if err != nil || st == "" || st == p.Status {
		return
	}
	if _, err := posts.SetStatus(ctx, postID, st); err != nil {
		a.log.Warn("updating a post's status after publishing", "err", err)
		return
	}
	a.emit("posts:changed", map[string]any{"workspaceId": p.WorkspaceID})
}

// notifyJob shows the desktop notification for a published or failed job.
func (a *App) notifyJob(ctx context.Context, ev schedule.Event) {
	a.mu.RLock()
	n, ws, posts := a.notifier, a.workspaces, a.posts
	a.mu.RUnlock()
	if n == nil {
		return
	}
	lang := a.uiLang(ctx)
	client := ""
	if w, err := ws.Get(ctx, ev.Job.WorkspaceID); err == nil {
		client = w.Name
	}
	excerpt := ""
	if p, err := posts.Get(ctx, ev.Job.PostID); err == nil {
		excerpt = shorten(p.Text, 80)
	}
	title, body := notification(lang, ev, client, excerpt)
	if err := n.Notify(ctx, title, body); err != nil && !errors.Is(err, notify.ErrUnavailable) {
		a.log.Warn("desktop notification", "err", err)
	}
}

// uiLang is the language the user reads Relais in: the preference, or the
// system's when it says "system".
func (a *App) uiLang(ctx context.Context) string {
	a.mu.RLock()
	s := a.settings
	a.mu.RUnlock()
	if s != nil {
		if p, err := s.Prefs(ctx); err == nil && p.Language != "system" {
			return p.Language
		}
	}
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"} {
		if l := os.Getenv(v); l != "" {
			if strings.HasPrefix(strings.ToLower(l), "fr") {
				return "fr"
			}
			return "en"
		}
	}
	return "en"
}

var networkNames = map[network.Name]string{
	network.Bluesky: "Bluesky", network.Mastodon: "Mastodon", network.X: "X", network.LinkedIn: "LinkedIn",
	network.LinkedInPage: "LinkedIn", network.Facebook: "Facebook", network.Instagram: "Instagram",
	network.Threads: "Threads", network.Pinterest: "Pinterest", network.YouTube: "YouTube",
	network.TikTok: "TikTok", network.GoogleBusiness: "Google Business Profile",
}

// notification is the title and body of a desktop notification, in lang.
func notification(lang string, ev schedule.Event, client, excerpt string) (title, body string) {
	net := networkNames[ev.Job.Network]
	if net == "" {
		net = string(ev.Job.Network)
	}
	fr := lang == "fr"
	quote := func(s string) string {
		if s == "" {
			return ""
		}
		if fr {
			return " · « " + s + " »"
		}
		return " · “" + s + "”"
	}
	switch ev.Kind {
	case schedule.EventPublished:
		if fr {
			return "Publié sur " + net, client + quote(excerpt)
		}
		return "Published on " + net, client + quote(excerpt)
	case schedule.EventNeedsDecision:
		if fr {
			return "Publication en attente de votre décision", client + quote(excerpt) + " — prévue pendant que l’ordinateur était en veille ou Relais fermé."
		}
		return "A post is waiting for your decision", client + quote(excerpt) + " — it was due while the computer slept or Relais was closed."
	}
	code := ""
	if ev.Job.Failure != nil {
		code = ev.Job.Failure.Code
	}
	var why string
	switch code {
	case schedule.CodeRevoked:
		why = map[bool]string{true: "Reconnectez le compte.", false: "Reconnect the account."}[fr]
	case schedule.CodeInvalidText:
		why = map[bool]string{true: "Le réseau a refusé le texte.", false: "The network refused the text."}[fr]
	case schedule.CodeMediaRejected:
		why = map[bool]string{true: "Le réseau a refusé une image.", false: "The network refused an image."}[fr]
	default:
		why = map[bool]string{true: "Voir le journal d’activité.", false: "See the activity log."}[fr]
	}
	if fr {
		return "Échec de la publication sur " + net, client + quote(excerpt) + " — " + why
	}
	return "Could not publish on " + net, client + quote(excerpt) + " — " + why
}

func shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

func toJob(j schedule.Job) Job {
	out := Job{
		ID: j.ID, WorkspaceID: j.WorkspaceID, PostID: j.PostID, VariantID: j.VariantID, AccountID: j.AccountID,
		Network: string(j.Network), Due: formatTime(j.Due), Zone: j.Zone, State: string(j.State), HandOff: j.HandOff,
		LateMinutes: int(j.Late.Minutes()), Attempts: len(j.Attempts), UpdatedAt: formatTime(j.UpdatedAt),
	}
	if j.Result != nil {
		out.URL = j.Result.URL
	}
	if j.Failure != nil {
		out.Failure = &Failure{Code: j.Failure.Code, Action: string(j.Failure.Action), Reason: j.Failure.Reason}
	}
	return out
}

// Jobs lists the publications due in [from, to) of a workspace ("" = all
// clients): the calendar's badges.
func (f *Schedule) Jobs(workspaceID, from, to string) ([]Job, error) {
	e, err := f.a.scheduler()
	if err != nil {
		return nil, err
	}
	start, err := parseTime("from", from)
	if err != nil {
		return nil, err
	}
	end, err := parseTime("to", to)
	if err != nil {
		return nil, err
	}
	jobs, err := e.Jobs(f.a.ctxOrBackground(), workspaceID, start, end)
	if err != nil {
		return nil, err
	}
	out := make([]Job, 0, len(jobs))
	for _, j := range jobs {
		if j.State != schedule.StateCancelled {
			out = append(out, toJob(j))
		}
	}
	return out, nil
}

// PostJobs lists the publications of one post, one per variant planned.
func (f *Schedule) PostJobs(postID string) ([]Job, error) {
	e, err := f.a.scheduler()
	if err != nil {
		return nil, err
	}
	posts, err := f.a.postSvc()
	if err != nil {
		return nil, err
	}
	ctx := f.a.ctxOrBackground()
	p, err := posts.Get(ctx, postID)
	if err != nil {
		return nil, err
	}
	out := []Job{}
	for _, v := range p.Variants {
		j, err := e.Get(ctx, v.ID)
		if errors.Is(err, schedule.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if j.State != schedule.StateCancelled {
			out = append(out, toJob(j))
		}
	}
	return out, nil
}

// Activity lists the latest lines of a workspace's activity log, newest
// first.
func (f *Schedule) Activity(workspaceID string, limit int) ([]Activity, error) {
	e, err := f.a.scheduler()
	if err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 500 {
		limit = 200
	}
	ctx := f.a.ctxOrBackground()
	list, err := e.Activity(ctx, workspaceID, limit)
	if err != nil {
		return nil, err
	}
	posts, _ := f.a.postSvc()
	accs, _ := f.a.accountSvc()
	excerpts, handles := map[string]string{}, map[string]string{}
	out := make([]Activity, 0, len(list))
	for _, x := range list {
		if _, ok := excerpts[x.PostID]; !ok && posts != nil {
			if p, err := posts.Get(ctx, x.PostID); err == nil {
				excerpts[x.PostID] = shorten(p.Text, 120)
			} else {
				excerpts[x.PostID] = ""
			}
		}
		if _, ok := handles[x.AccountID]; !ok && accs != nil {
			if acc, err := accs.Get(ctx, x.AccountID); err == nil {
				handles[x.AccountID] = acc.Profile.Handle
			} else {
				handles[x.AccountID] = ""
			}
		}
		out = append(out, Activity{
			At: formatTime(x.At), Kind: string(x.Kind), JobID: x.JobID, PostID: x.PostID, AccountID: x.AccountID,
			Network: string(x.Network), URL: x.URL, Code: x.Code, Action: string(x.Action), Reason: x.Reason,
			LateMinutes: int(x.Late.Minutes()), Excerpt: excerpts[x.PostID], Handle: handles[x.AccountID],
		})
	}
	return out, nil
}

// PublishNow sends a publication now, however late: the answer to a post
// found late, or a retry after fixing a failure.
func (f *Schedule) PublishNow(jobID string) (Job, error) {
	e, err := f.a.scheduler()
	if err != nil {
		return Job{}, err
	}
	j, err := e.PublishNow(f.a.ctxOrBackground(), jobID)
	if err != nil {
		return Job{}, err
	}
	f.a.emit(EventJobChanged, map[string]any{"workspaceId": j.WorkspaceID, "jobId": j.ID, "postId": j.PostID, "kind": "planned"})
	return toJob(j), nil
}

// Skip drops a publication that waits for a decision (found late): it
// will not go out; once none of its post's publications is left, the post
// goes back to approved so it can be planned again.
func (f *Schedule) Skip(jobID string) error {
	e, err := f.a.scheduler()
	if err != nil {
		return err
	}
	ctx := f.a.ctxOrBackground()
	j, err := e.Get(ctx, jobID)
	if err != nil {
		return err
	}
	if err := e.Unplan(ctx, jobID); err != nil {
		return err
	}
	posts, err := f.a.postSvc()
	if err != nil {
		return err
	}
	p, err := posts.Get(ctx, j.PostID)
	if err != nil {
		return nil // the post is gone: nothing else to do
	}
	left := 0
	for _, v := range p.Variants {
		if vj, err := e.Get(ctx, v.ID); err == nil && vj.State != schedule.StateCancelled && vj.State != schedule.StatePublished {
			left++
		}
	}
	if left == 0 && p.Status == post.StatusScheduled {
		if _, err := posts.SetStatus(ctx, p.ID, post.StatusApproved); err != nil {
			return err
		}
	}
	f.a.emit(EventJobChanged, map[string]any{"workspaceId": j.WorkspaceID, "jobId": j.ID, "postId": j.PostID, "kind": "skipped"})
	f.a.emit("posts:changed", map[string]any{"workspaceId": j.WorkspaceID})
	return nil
}

// RetryFailed sends again every failed publication of an account (after a
// reconnect); it returns how many.
func (f *Schedule) RetryFailed(accountID string) (int, error) {
	e, err := f.a.scheduler()
	if err != nil {
		return 0, err
	}
	n, err := e.RetryFailed(f.a.ctxOrBackground(), accountID)
	if err == nil && n > 0 {
		f.a.emit(EventJobChanged, map[string]any{"workspaceId": "", "jobId": "", "postId": "", "kind": "planned"})
	}
	return n, err
}

// Policy is a workspace's rule for late posts.
func (f *Schedule) Policy(workspaceID string) (LatePolicy, error) {
	e, err := f.a.scheduler()
	if err != nil {
		return LatePolicy{}, err
	}
	p, err := e.Policy(f.a.ctxOrBackground(), workspaceID)
	return LatePolicy{Minutes: p.Minutes}, err
}

// SetPolicy sets a workspace's rule for late posts (0 to 1440 minutes).
func (f *Schedule) SetPolicy(workspaceID string, p LatePolicy) error {
	e, err := f.a.scheduler()
	if err != nil {
		return err
	}
	if p.Minutes < 0 || p.Minutes > 24*60 {
		return fmt.Errorf("%w: late policy of %d minutes", schedule.ErrInvalid, p.Minutes)
	}
	return e.SetPolicy(f.a.ctxOrBackground(), workspaceID, schedule.LatePolicy{Minutes: p.Minutes})
}

// DueSoon counts the publications due within the next hour: closing
// Relais now would hold them back.
func (f *Schedule) DueSoon() (DueSoon, error) {
	if _, err := f.a.scheduler(); err != nil {
		return DueSoon{}, err
	}
	return f.a.dueSoon(f.a.ctxOrBackground())
}

// dueSoon is what the scheduler itself must send within the hour
// (Engine.DueWithin: late ones, retries and verifications included; posts
// handed to the network are not held back by quitting).
func (a *App) dueSoon(ctx context.Context) (DueSoon, error) {
	a.mu.RLock()
	e := a.engine
	a.mu.RUnlock()
	if e == nil {
		return DueSoon{}, nil
	}
	jobs, err := e.DueWithin(ctx, dueSoonWindow)
	if err != nil {
		return DueSoon{}, err
	}
	var next time.Time
	n := 0
	now := time.Now()
	for _, j := range jobs {
		if next.IsZero() || j.Due.Before(next) {
			next = j.Due
		}
		if canHandOff(j, now) {
			n++
		}
	}
	return DueSoon{Count: len(jobs), Next: formatTime(next), HandOff: n}, nil
}

// handOffMargin is added to schedule.HandOffMin: the hand-off itself
// takes a moment (media upload).
const handOffMargin = time.Minute

// canHandOff says whether j's network could hold it until its time.
func canHandOff(j schedule.Job, now time.Time) bool {
	r, ok := network.RulesFor(j.Network)
	return ok && r.HandOff && !j.HandOff && j.State == schedule.StateScheduled && j.Due.Sub(now) >= schedule.HandOffMin+handOffMargin
}

// handOffWait bounds how long HandOffDueSoon waits for the networks.
const handOffWait = 30 * time.Second

// HandOffDueSoon asks the networks that can hold a post until its time
// (Mastodon) to take the publications due within the hour, so they go
// out with Relais closed. Each post's variant is marked (the plan and the
// editor agree), then it waits, up to 30 s, until the networks hold them.
func (f *Schedule) HandOffDueSoon() (HandOffResult, error) {
	e, err := f.a.scheduler()
	if err != nil {
		return HandOffResult{}, err
	}
	posts, err := f.a.postSvc()
	if err != nil {
		return HandOffResult{}, err
	}
	ctx := f.a.ctxOrBackground()
	jobs, err := e.DueWithin(ctx, dueSoonWindow)
	if err != nil {
		return HandOffResult{}, err
	}
	now := time.Now()
	var asked []string
	var errs []error
	for _, j := range jobs {
		if !canHandOff(j, now) {
			continue
		}
		if _, err := posts.SetHandOff(ctx, j.PostID, j.VariantID, true); err != nil {
			errs = append(errs, err)
			continue
		}
		asked = append(asked, j.ID)
	}
	if len(asked) > 0 {
		f.a.emit("posts:changed", map[string]any{"workspaceId": ""})
	}
	deadline := time.Now().Add(handOffWait)
	var res HandOffResult
	for {
		res = HandOffResult{}
		waiting := false
		for _, id := range asked {
			j, err := e.Get(ctx, id)
			switch {
			case err != nil:
			case j.State == schedule.StateHandedOff || j.State == schedule.StatePublished:
				res.Handed++
			case j.State == schedule.StateScheduled && j.HandOff:
				waiting = true // being handed off
			}
		}
		if !waiting || time.Now().After(deadline) || ctx.Err() != nil {
			break
		}
		select {
		case <-ctx.Done():
		case <-time.After(100 * time.Millisecond):
		}
	}
	left, err := f.a.dueSoon(ctx)
	if err != nil {
		errs = append(errs, err)
	}
	res.Left = left.Count
	return res, errors.Join(errs...)
}
