package mastodon_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"relais/backend/network"
	"relais/backend/network/mastodon"
	"relais/backend/network/mastodon/mastodontest"
	"relais/backend/schedule"
)

func pngImage(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		for y := range h {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 200, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// clock is a settable clock shared by the fake and the publisher.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func setup(t *testing.T) (*mastodontest.Fake, *mastodon.Publisher, schedule.Account, *clock) {
	f := mastodontest.NewFake()
	t.Cleanup(f.Close)
	c := &clock{t: time.Now().UTC()}
	f.Opts.Now = c.now
	p := &mastodon.Publisher{PollInterval: 5 * time.Millisecond, Now: c.now}
	a := schedule.Account{ID: "acct", Network: network.Mastodon, Server: f.URL, RemoteID: mastodontest.AccountID,
		Token: network.Token{Access: f.NewToken()}}
	return f, p, a, c
}

func TestPublishStatusMediaAndComment(t *testing.T) {
	f, p, a, c := setup(t)
	f.Opts.ProcessPolls = 2
	ctx := context.Background()
	pl := schedule.Payload{Text: "Nouvelle carte d'automne 🍂 https://example.com/carte #café", FirstComment: "Réservations au 01 23 45 67 89",
		Lang: "fr", Media: []schedule.Media{
			{Data: pngImage(t, 120, 68), MIME: "image/png", Alt: "La terrasse au soleil", Width: 120, Height: 68},
			{Data: pngImage(t, 60, 60), MIME: "image/png", Alt: "Une tarte aux pommes", Width: 60, Height: 60},
		}}
	key := schedule.Key{ID: schedule.NewKey(c.now()), Since: c.now()}
	res, err := p.Publish(ctx, a, pl, key)
	if err != nil {
		t.Fatal(err)
	}
	sts := f.Statuses()
	if len(sts) != 2 {
		t.Fatalf("%d statuses; want the post and its comment", len(sts))
	}
	post, comment := sts[0], sts[1]
	if res.RemoteID != post.ID || res.URL != post.URL || res.CommentID != comment.ID {
		t.Errorf("result %+v; want %s / %s", res, post.ID, comment.ID)
	}
	if post.Text != pl.Text || post.Language != "fr" || len(post.Media) != 2 || post.Media[0].Description != "La terrasse au soleil" || post.Media[1].Description != "Une tarte aux pommes" {
		t.Errorf("post = %+v", post)
	}
	if comment.InReplyToID == nil || *comment.InReplyToID != post.ID || comment.Text != pl.FirstComment {
		t.Errorf("comment = %+v; want a reply to %s", comment, post.ID)
	}

	// The same key again (a retry after a lost answer): no second status.
	again, err := p.Publish(ctx, a, pl, key)
	if err != nil || again.RemoteID != res.RemoteID || again.CommentID != res.CommentID {
		t.Fatalf("retry = %+v, %v; want the same statuses", again, err)
	}
	if created, replays := f.Counts(); created != 2 || replays != 2 {
		t.Errorf("created %d, replays %d; want 2 and 2", created, replays)
	}
	got, found, err := p.Verify(ctx, a, pl, key)
	if err != nil || !found || got.RemoteID != res.RemoteID || got.CommentID != res.CommentID {
		t.Errorf("Verify = %+v, %v, %v; want found", got, found, err)
	}
	other := pl
	other.Text = "Autre chose"
	if _, found, err := p.Verify(ctx, a, other, key); err != nil || found {
		t.Errorf("Verify(other text) = %v, %v; want not found", found, err)
	}

	// Past the instance's hour of idempotency: Publish looks first.
	c.add(2 * time.Hour)
	late, err := p.Publish(ctx, a, pl, schedule.Key{ID: key.ID, Since: key.Since})
	if err != nil || late.RemoteID != res.RemoteID || late.CommentID != res.CommentID {
		t.Fatalf("retry after 2 h = %+v, %v; want the same statuses", late, err)
	}
	if n := len(f.Statuses()); n != 2 {
		t.Errorf("%d statuses after a late retry; want 2", n)
	}
}

func TestVerifyCompletesMissingComment(t *testing.T) {
	f, p, a, c := setup(t)
	ctx := context.Background()
	key := schedule.Key{ID: schedule.NewKey(c.now()), Since: c.now()}
	// The post went out, the comment did not.
	if _, err := p.Publish(ctx, a, schedule.Payload{Text: "Bonjour"}, key); err != nil {
		t.Fatal(err)
	}
	pl := schedule.Payload{Text: "Bonjour", FirstComment: "Premier commentaire"}
	if _, found, err := p.Verify(ctx, a, pl, key); err != nil || found {
		t.Fatalf("Verify with the comment missing = %v, %v; want not found", found, err)
	}
	res, err := p.Publish(ctx, a, pl, key)
	if err != nil || res.CommentID == "" {
		t.Fatalf("Publish = %+v, %v", res, err)
	}
	if n := len(f.Statuses()); n != 2 {
		t.Errorf("%d statuses; want the post once and its comment", n)
	}
}

func TestPublishErrors(t *testing.T) {
	f, p, a, c := setup(t)
	ctx := context.Background()
	key := func() schedule.Key { return schedule.Key{ID: schedule.NewKey(c.now()), Since: c.now()} }

	if _, err := p.Publish(ctx, a, schedule.Payload{Text: strings.Repeat("a", 1001)}, key()); !errors.Is(err, network.ErrInvalidContent) {
		t.Errorf("too long = %v; want ErrInvalidContent", err)
	}
	bad := schedule.Payload{Text: "x", Media: []schedule.Media{{Data: []byte("GIF89a not really"), MIME: "image/gif", Alt: "x"}}}
	if _, err := p.Publish(ctx, a, bad, key()); !errors.Is(err, network.ErrMediaRejected) {
		t.Errorf("unsupported media = %v; want ErrMediaRejected", err)
	}
	f.Opts.Hook = func(w http.ResponseWriter, r *http.Request) bool {
		w.Header().Set("Retry-After", "30")
		w.WriteHeader(429)
		w.Write([]byte(`{"error":"Too many requests"}`))
		return true
	}
	_, err := p.Publish(ctx, a, schedule.Payload{Text: "x"}, key())
	var se *network.StatusError
	if !errors.Is(err, network.ErrRateLimited) || !errors.As(err, &se) || se.RetryAfter != 30*time.Second {
		t.Errorf("429 = %v; want ErrRateLimited after 30 s", err)
	}
	f.Opts.Hook = func(w http.ResponseWriter, r *http.Request) bool {
		w.WriteHeader(503)
		return true
	}
	if _, err := p.Publish(ctx, a, schedule.Payload{Text: "x"}, key()); !errors.As(err, &se) || se.Status != 503 {
		t.Errorf("503 = %v", err)
	}
	f.Opts.Hook = nil
	f.RevokeAll()
	if _, err := p.Publish(ctx, a, schedule.Payload{Text: "x"}, key()); !errors.Is(err, network.ErrRevoked) {
		t.Errorf("revoked token = %v; want ErrRevoked", err)
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	dead := a
	dead.Server = "http://" + ln.Addr().String()
	ln.Close()
	if _, err := p.Publish(ctx, dead, schedule.Payload{Text: "x"}, key()); !errors.Is(err, network.ErrNotSent) || !errors.Is(err, network.ErrUnreachable) {
		t.Errorf("server down = %v; want ErrUnreachable and ErrNotSent", err)
	}
	if strings.Contains(err.Error(), a.Token.Access) {
		t.Error("an error quotes the token")
	}
}

func TestHandOff(t *testing.T) {
	f, p, a, c := setup(t)
	ctx := context.Background()
	pl := schedule.Payload{Text: "Ouvert ce dimanche", Media: []schedule.Media{{Data: pngImage(t, 40, 40), MIME: "image/png", Alt: "La vitrine"}}}
	key := schedule.Key{ID: schedule.NewKey(c.now())}
	if _, err := p.HandOff(ctx, a, pl, key, c.now().Add(time.Minute)); !errors.Is(err, network.ErrInvalidContent) {
		t.Errorf("hand-off 1 min ahead = %v; want refused (5 min at least)", err)
	}
	at := c.now().Add(time.Hour).Truncate(time.Second)
	s, err := p.Scheduled(ctx, a, pl, key, at)
	if err != nil || s.ID == "" || !s.ScheduledAt.Equal(at) {
		t.Fatalf("HandOff = %+v, %v", s, err)
	}
	// A retry of the same hand-off makes no second scheduled status.
	if id, err := p.HandOff(ctx, a, pl, key, at); err != nil || id != s.ID || len(f.ScheduledStatuses()) != 1 {
		t.Fatalf("HandOff again = %q, %v, %d held", id, err, len(f.ScheduledStatuses()))
	}
	if err := p.MoveHandOff(ctx, a, s.ID, at.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if held := f.ScheduledStatuses(); len(held) != 1 || !held[0].ScheduledAt.Equal(at.Add(time.Hour)) {
		t.Fatalf("after MoveHandOff: %+v", held)
	}
	if held, err := p.HandedOff(ctx, a, s.ID); err != nil || !held {
		t.Errorf("HandedOff = %v, %v", held, err)
	}
	if found, err := p.CancelHandOff(ctx, a, s.ID); err != nil || !found || len(f.ScheduledStatuses()) != 0 {
		t.Fatalf("CancelHandOff = %v, %v", found, err)
	}
	// Hand off again; the instance publishes it while Relais is closed.
	s, err = p.Scheduled(ctx, a, pl, schedule.Key{ID: schedule.NewKey(c.now())}, at)
	if err != nil {
		t.Fatal(err)
	}
	c.add(2 * time.Hour)
	if n := f.RunScheduled(); n != 1 {
		t.Fatalf("RunScheduled = %d", n)
	}
	if held, err := p.HandedOff(ctx, a, s.ID); err != nil || held {
		t.Errorf("HandedOff after it went out = %v, %v", held, err)
	}
	if found, err := p.CancelHandOff(ctx, a, s.ID); err != nil || found {
		t.Errorf("CancelHandOff after it went out = %v, %v; want not found, no error", found, err)
	}
	if _, found, err := p.Verify(ctx, a, pl, schedule.Key{Since: at}); err != nil || !found {
		t.Errorf("Verify of the handed-off status = %v, %v", found, err)
	}
}
