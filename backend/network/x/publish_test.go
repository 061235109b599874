package x_test

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"relais/backend/network"
	"relais/backend/network/internal/rest"
	"relais/backend/network/internal/resttest"
	"relais/backend/network/x"
	"relais/backend/schedule"
)

var t0 = time.Date(2026, 11, 23, 17, 30, 0, 0, time.UTC)

func setup(t *testing.T) (*fakeX, *x.Publisher, schedule.Account) {
	now := func() time.Time { return t0 }
	f := newFakeX(t, now)
	p := &x.Publisher{Now: now, Base: f.srv.URL}
	a := schedule.Account{ID: "acct", Network: network.X, Server: x.DefaultBase, RemoteID: f.userID, Handle: "@relais_fr",
		Token: network.Token{Access: f.token}}
	return f, p, a
}

func payload(t *testing.T) schedule.Payload {
	return schedule.Payload{
		Text:         "Nouvelle carte d'automne 🍂 & tartes <maison> https://example.com/carte?s=1 #café",
		FirstComment: "Réservations : https://example.com/resa",
		Media: []schedule.Media{
			{Data: resttest.PNG(t, 120, 68), MIME: "image/png", Alt: "La terrasse au soleil", Width: 120, Height: 68},
			{Data: resttest.JPEG(t, 60, 60), MIME: "image/jpeg", Alt: "Une tarte aux pommes", Width: 60, Height: 60},
		},
	}
}

func key() schedule.Key { return schedule.Key{ID: schedule.NewKey(t0), Since: t0} }

func TestPublishMediaAndComment(t *testing.T) {
	f, p, a := setup(t)
	ctx := context.Background()
	pl := payload(t)
	res, err := p.Publish(ctx, a, pl, key())
	if err != nil {
		t.Fatal(err)
	}
	if f.count() != 2 {
		t.Fatalf("%d posts; want the post and its reply", f.count())
	}
	main, reply := f.tweets[0], f.tweets[1]
	if res.RemoteID != main.id || res.CommentID != reply.id {
		t.Errorf("Publish = %+v; want ids %s, %s", res, main.id, reply.id)
	}
	if want := "https://x.com/relais_fr/status/" + main.id; res.URL != want {
		t.Errorf("URL = %q; want %q", res.URL, want)
	}
	if main.sent != pl.Text || len(main.mediaIDs) != 2 || main.replyTo != "" {
		t.Errorf("post = %+v", main)
	}
	for i, id := range main.mediaIDs {
		m := f.media[id]
		if string(m.data) != string(pl.Media[i].Data) || m.alt != pl.Media[i].Alt || m.mime != pl.Media[i].MIME || m.category != "tweet_image" {
			t.Errorf("media %d = alt %q mime %q category %q (%d bytes)", i, m.alt, m.mime, m.category, len(m.data))
		}
	}
	if reply.sent != pl.FirstComment || reply.replyTo != main.id {
		t.Errorf("reply = %+v; want a reply to %s", reply, main.id)
	}
	if n := f.log.Count("POST /2/media/metadata"); n != 2 {
		t.Errorf("%d alt texts sent; want 2", n)
	}

	got, found, err := p.Verify(ctx, a, pl, key())
	if err != nil || !found || got != res {
		t.Errorf("Verify = %+v, %v, %v; want %+v, true", got, found, err, res)
	}
	other := pl
	other.Text = "Un autre texte"
	if _, found, err := p.Verify(ctx, a, other, key()); err != nil || found {
		t.Errorf("Verify(other text) = %v, %v; want not found", found, err)
	}
}

func TestErrors(t *testing.T) {
	reset := t0.Add(15 * time.Minute)
	cases := []struct {
		name  string
		fault *resttest.Fault
		edit  func(*schedule.Payload, *schedule.Account)
		want  error
		check func(t *testing.T, err error)
	}{
		{name: "rate limited", want: network.ErrRateLimited,
			fault: &resttest.Fault{Match: resttest.On("POST", "/2/tweets"), Answer: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("x-rate-limit-limit", "100")
				w.Header().Set("x-rate-limit-remaining", "0")
				w.Header().Set("x-rate-limit-reset", strconv.FormatInt(reset.Unix(), 10))
				problem(w, 429, "Too Many Requests", "Too Many Requests")
			}},
			check: func(t *testing.T, err error) {
				var se *network.StatusError
				if !errors.As(err, &se) || se.Status != 429 || se.RetryAfter != 15*time.Minute {
					t.Errorf("err = %#v; want a 429 StatusError asking for 15 min", se)
				}
			}},
		{name: "revoked", want: network.ErrRevoked, edit: func(_ *schedule.Payload, a *schedule.Account) { a.Token.Access = "revoked" }},
		{name: "text too long", want: network.ErrInvalidContent, edit: func(p *schedule.Payload, _ *schedule.Account) { p.Text = strings.Repeat("é", 281) }},
		{name: "media rejected", want: network.ErrMediaRejected, edit: func(p *schedule.Payload, _ *schedule.Account) { p.Media[1].Data = []byte("not an image") }},
		{name: "refused for another reason", want: network.ErrProtocol,
			fault: &resttest.Fault{Match: resttest.On("POST", "/2/tweets"), Answer: func(w http.ResponseWriter, r *http.Request) {
				problem(w, 403, "Forbidden", "You are not permitted to perform this action.")
			}}},
		{name: "unavailable", want: network.ErrUnreachable,
			fault: &resttest.Fault{Match: resttest.On("POST", "/2/tweets"), Answer: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Retry-After", "30")
				problem(w, 503, "Service Unavailable", "Service Unavailable")
			}},
			check: func(t *testing.T, err error) {
				var se *network.StatusError
				if !errors.As(err, &se) || se.Status != 503 || se.RetryAfter != 30*time.Second {
					t.Errorf("err = %#v; want a 503 asking for 30 s", se)
				}
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, p, a := setup(t)
			pl := payload(t)
			if c.edit != nil {
				c.edit(&pl, &a)
			}
			if c.fault != nil {
				f.faults.Add(*c.fault)
			}
			_, err := p.Publish(context.Background(), a, pl, key())
			if !errors.Is(err, c.want) {
				t.Fatalf("Publish = %v; want %v", err, c.want)
			}
			if c.check != nil {
				c.check(t, err)
			}
			if f.count() != 0 {
				t.Errorf("%d posts made; want none", f.count())
			}
		})
	}
}

// A post identical to an older one (before the job's first attempt): X
// refuses it as a duplicate. The first time, the outcome is left to the
// scheduler's verification (no 4xx StatusError); on a retry that has
// just looked, it is the user's text to change.
func TestDuplicateOfAnotherPost(t *testing.T) {
	f, p, a := setup(t)
	ctx := context.Background()
	pl := schedule.Payload{Text: "Ouvert ce dimanche"}
	old := schedule.Key{ID: "old", Since: t0}
	if _, err := p.Publish(ctx, a, pl, old); err != nil {
		t.Fatal(err)
	}
	later := func() time.Time { return t0.Add(2 * time.Hour) }
	p.Now, f.now = later, later
	k := schedule.Key{ID: schedule.NewKey(later()), Since: later()}
	_, err := p.Publish(ctx, a, pl, k)
	var se *network.StatusError
	if !errors.Is(err, rest.ErrDuplicate) || errors.As(err, &se) {
		t.Fatalf("Publish = %v; want ErrDuplicate without a StatusError", err)
	}
	k.Retry = true
	_, err = p.Publish(ctx, a, pl, k)
	if !errors.Is(err, network.ErrInvalidContent) {
		t.Fatalf("Publish(retry) = %v; want ErrInvalidContent", err)
	}
	if f.count() != 1 {
		t.Errorf("%d posts; want 1", f.count())
	}
}

// The server stores the post and the connection drops before its answer:
// the error says the outcome is unknown (not ErrNotSent), Verify finds
// the post, and publishing again with the same key makes no second one.
func TestLostAnswer(t *testing.T) {
	for _, lost := range []string{"post", "reply"} {
		t.Run(lost, func(t *testing.T) {
			f, p, a := setup(t)
			ctx := context.Background()
			pl := payload(t)
			n := 0
			f.faults.Add(resttest.Fault{After: true, Answer: func(w http.ResponseWriter, r *http.Request) { resttest.Drop(w) },
				Match: func(r *http.Request) bool {
					if r.Method != "POST" || r.URL.Path != "/2/tweets" {
						return false
					}
					n++
					return lost == "post" && n == 1 || lost == "reply" && n == 2
				}})
			k := key()
			_, err := p.Publish(ctx, a, pl, k)
			if !errors.Is(err, network.ErrUnreachable) || errors.Is(err, network.ErrNotSent) {
				t.Fatalf("Publish = %v; want ErrUnreachable without ErrNotSent", err)
			}
			if f.count() != 2 && lost == "reply" || f.count() != 1 && lost == "post" {
				t.Fatalf("%d posts stored", f.count())
			}
			res, found, err := p.Verify(ctx, a, pl, k)
			if err != nil {
				t.Fatal(err)
			}
			if lost == "post" && found {
				t.Errorf("Verify found the post and a reply that was never made: %+v", res)
			}
			if lost == "reply" && (!found || res.CommentID != f.tweets[1].id) {
				t.Errorf("Verify = %+v, %v", res, found)
			}
			k.Retry = true
			res, err = p.Publish(ctx, a, pl, k)
			if err != nil {
				t.Fatal(err)
			}
			if f.count() != 2 || res.RemoteID != f.tweets[0].id || res.CommentID != f.tweets[1].id {
				t.Errorf("after the retry: %d posts, result %+v", f.count(), res)
			}
			if n := f.log.Count("POST /2/media/upload"); n != 2 {
				t.Errorf("%d uploads; want 2 (the retry found the post)", n)
			}
		})
	}
}

// A retry the scheduler did not flag (Retry false) after a lost answer
// still makes no second post: X's duplicate refusal is looked up at once.
func TestDuplicateOfOwnPostIsFound(t *testing.T) {
	f, p, a := setup(t)
	ctx := context.Background()
	pl := schedule.Payload{Text: "Soirée jazz vendredi https://example.com/jazz"}
	f.faults.Add(resttest.Fault{After: true, Match: resttest.On("POST", "/2/tweets"), Answer: func(w http.ResponseWriter, r *http.Request) { resttest.Drop(w) }})
	k := key()
	if _, err := p.Publish(ctx, a, pl, k); err == nil {
		t.Fatal("the answer was lost; Publish succeeded")
	}
	res, err := p.Publish(ctx, a, pl, k)
	if err != nil || res.RemoteID != f.tweets[0].id || f.count() != 1 {
		t.Errorf("Publish = %+v, %v with %d posts; want the first post", res, err, f.count())
	}
}

func TestNotSent(t *testing.T) {
	f, p, a := setup(t)
	f.srv.Close()
	_, err := p.Publish(context.Background(), a, payload(t), key())
	if !errors.Is(err, network.ErrNotSent) {
		t.Fatalf("Publish = %v; want ErrNotSent", err)
	}
}
