package facebook_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"relais/backend/network"
	"relais/backend/network/facebook"
	"relais/backend/network/internal/rest"
	"relais/backend/network/internal/resttest"
	"relais/backend/schedule"
)

var t0 = time.Date(2026, 11, 23, 17, 30, 0, 0, time.UTC)

func setup(t *testing.T) (*fakeGraph, *facebook.Publisher, schedule.Account) {
	now := func() time.Time { return t0 }
	f := newFake(t, now)
	p := &facebook.Publisher{Now: now, Base: f.base}
	a := schedule.Account{ID: "acct", Network: network.Facebook, Server: "https://graph.facebook.com/v26.0", RemoteID: f.pageID,
		Handle: "Le Bistrot", Token: network.Token{Access: f.token}}
	return f, p, a
}

func key() schedule.Key { return schedule.Key{ID: schedule.NewKey(t0), Since: t0} }

func payload(t *testing.T) schedule.Payload {
	return schedule.Payload{
		Text:         "Nouvelle carte d'automne 🍂\n\nVenez goûter la tarte & le café !",
		FirstComment: "Réservations : 01 23 45 67 89",
		Media: []schedule.Media{
			{Data: resttest.JPEG(t, 120, 63), MIME: "image/jpeg", Alt: "La terrasse au soleil"},
			{Data: resttest.PNG(t, 40, 40), MIME: "image/png", Alt: "Une tarte aux pommes"},
		},
	}
}

func TestPublishPhotosAndComment(t *testing.T) {
	f, p, a := setup(t)
	ctx := context.Background()
	pl := payload(t)
	res, err := p.Publish(ctx, a, pl, key())
	if err != nil {
		t.Fatal(err)
	}
	if f.count() != 1 {
		t.Fatalf("%d posts", f.count())
	}
	post := f.posts[0]
	if res.RemoteID != post.id || res.URL != "https://www.facebook.com/"+post.id || post.message != pl.Text {
		t.Errorf("Publish = %+v; post %+v", res, post)
	}
	if len(post.photos) != 2 {
		t.Fatalf("%d photos attached", len(post.photos))
	}
	for i, id := range post.photos {
		ph := f.photos[id]
		if string(ph.data) != string(pl.Media[i].Data) || ph.alt != pl.Media[i].Alt || ph.published != "false" {
			t.Errorf("photo %d: alt %q published %q", i, ph.alt, ph.published)
		}
	}
	cs := f.comments[post.id]
	if len(cs) != 1 || cs[0].message != pl.FirstComment || res.CommentID != cs[0].id {
		t.Errorf("comments %+v; result %+v", cs, res)
	}
	got, found, err := p.Verify(ctx, a, pl, key())
	if err != nil || !found || got != res {
		t.Errorf("Verify = %+v, %v, %v; want %+v", got, found, err, res)
	}
}

func TestLinkPost(t *testing.T) {
	f, p, a := setup(t)
	pl := schedule.Payload{Text: "Notre carte", Link: "https://example.com/carte"}
	if _, err := p.Publish(context.Background(), a, pl, key()); err != nil {
		t.Fatal(err)
	}
	if f.posts[0].link != pl.Link {
		t.Errorf("link = %q", f.posts[0].link)
	}
}

func TestErrors(t *testing.T) {
	cases := []struct {
		name  string
		fault *resttest.Fault
		edit  func(*schedule.Payload, *schedule.Account)
		want  error
		check func(t *testing.T, err error)
	}{
		{name: "rate limited", want: network.ErrRateLimited,
			fault: &resttest.Fault{Match: func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/feed") },
				Answer: func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("X-Business-Use-Case-Usage", `{"104501234567890":[{"type":"pages","call_count":100,"total_cputime":25,"total_time":25,"estimated_time_to_regain_access":12}]}`)
					graphError(w, 400, 32, 0, "(#32) Page request limit reached")
				}},
			check: func(t *testing.T, err error) {
				var se *network.StatusError
				if !errors.As(err, &se) || se.RetryAfter != 12*time.Minute || !strings.HasPrefix(se.Reason, "graph-32") {
					t.Errorf("err = %#v; want graph-32 asking for 12 min", se)
				}
			}},
		{name: "revoked", want: network.ErrRevoked, edit: func(_ *schedule.Payload, a *schedule.Account) { a.Token.Access = "EAAold" },
			check: func(t *testing.T, err error) {
				if !strings.Contains(err.Error(), "graph-190/460") {
					t.Errorf("err = %v; want the reason graph-190/460", err)
				}
			}},
		{name: "text too long", want: network.ErrInvalidContent, edit: func(p *schedule.Payload, _ *schedule.Account) { p.Text = strings.Repeat("a", 63207) }},
		{name: "media rejected", want: network.ErrMediaRejected, edit: func(p *schedule.Payload, _ *schedule.Account) { p.Media[0].Data = []byte("<html>") }},
		{name: "blocked", want: network.ErrProtocol,
			fault: &resttest.Fault{Match: func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/feed") },
				Answer: func(w http.ResponseWriter, r *http.Request) {
					graphError(w, 400, 368, 1390008, "The action attempted has been deemed abusive or is otherwise disallowed")
				}}},
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
			if strings.Contains(err.Error(), f.token) || strings.Contains(err.Error(), "EAAold") {
				t.Errorf("the error quotes the token: %v", err)
			}
			if f.count() != 0 {
				t.Errorf("%d posts made", f.count())
			}
		})
	}
}

func TestDuplicateOfAnotherPost(t *testing.T) {
	f, p, a := setup(t)
	ctx := context.Background()
	pl := schedule.Payload{Text: "Fermé lundi"}
	if _, err := p.Publish(ctx, a, pl, key()); err != nil {
		t.Fatal(err)
	}
	later := func() time.Time { return t0.Add(5 * time.Hour) }
	p.Now = later
	k := schedule.Key{ID: schedule.NewKey(later()), Since: later()}
	_, err := p.Publish(ctx, a, pl, k)
	var se *network.StatusError
	if !errors.Is(err, rest.ErrDuplicate) || errors.As(err, &se) {
		t.Fatalf("Publish = %v; want ErrDuplicate without StatusError", err)
	}
	k.Retry = true
	if _, err := p.Publish(ctx, a, pl, k); !errors.Is(err, network.ErrInvalidContent) {
		t.Fatalf("Publish(retry) = %v; want ErrInvalidContent", err)
	}
	if f.count() != 1 {
		t.Errorf("%d posts", f.count())
	}
}

func TestLostAnswer(t *testing.T) {
	for _, lost := range []string{"feed", "comments"} {
		t.Run(lost, func(t *testing.T) {
			f, p, a := setup(t)
			ctx := context.Background()
			pl := payload(t)
			f.faults.Add(resttest.Fault{After: true, Answer: func(w http.ResponseWriter, r *http.Request) { resttest.Drop(w) },
				Match: func(r *http.Request) bool { return r.Method == "POST" && strings.HasSuffix(r.URL.Path, "/"+lost) }})
			k := key()
			_, err := p.Publish(ctx, a, pl, k)
			if !errors.Is(err, network.ErrUnreachable) || errors.Is(err, network.ErrNotSent) {
				t.Fatalf("Publish = %v; want unknown outcome", err)
			}
			_, found, err := p.Verify(ctx, a, pl, k)
			if err != nil || found != (lost == "comments") {
				t.Errorf("Verify = %v, %v", found, err)
			}
			k.Retry = true
			res, err := p.Publish(ctx, a, pl, k)
			if err != nil {
				t.Fatal(err)
			}
			if f.count() != 1 || res.RemoteID != f.posts[0].id || len(f.comments[res.RemoteID]) != 1 || res.CommentID != f.comments[res.RemoteID][0].id {
				t.Errorf("%d posts, comments %+v, result %+v", f.count(), f.comments, res)
			}
			if n := f.log.Count("POST /v26.0/" + f.pageID + "/photos"); n != 2 {
				t.Errorf("%d photo uploads; want 2", n)
			}
		})
	}
}

func TestNotSent(t *testing.T) {
	f, p, a := setup(t)
	f.srv.Close()
	if _, err := p.Publish(context.Background(), a, payload(t), key()); !errors.Is(err, network.ErrNotSent) {
		t.Fatalf("Publish = %v; want ErrNotSent", err)
	}
}
