package pinterest_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"relais/backend/network"
	"relais/backend/network/internal/resttest"
	"relais/backend/network/pinterest"
	"relais/backend/schedule"
)

var t0 = time.Date(2026, 11, 23, 17, 30, 0, 0, time.UTC)

func setup(t *testing.T) (*fakePinterest, *pinterest.Publisher, schedule.Account) {
	now := func() time.Time { return t0 }
	f := newFake(t, now)
	p := &pinterest.Publisher{Now: now}
	a := schedule.Account{ID: "acct", Network: network.Pinterest, Server: f.srv.URL + "/v5", RemoteID: "relais", Handle: "relais",
		Token: network.Token{Access: f.token}}
	return f, p, a
}

func key() schedule.Key { return schedule.Key{ID: schedule.NewKey(t0), Since: t0} }

func payload(t *testing.T, n int) schedule.Payload {
	pl := schedule.Payload{Title: "Tarte aux pommes d'automne", Text: "La recette de la maison 🍎 #dessert", Link: "https://example.com/tarte",
		Board: board, FirstComment: "(Pinterest n'a pas de commentaires)"}
	for i := range n {
		pl.Media = append(pl.Media, schedule.Media{Data: resttest.JPEG(t, 100, 150+i), MIME: "image/jpeg", Alt: "Une tarte dorée sur une table en bois", Width: 100, Height: 150 + i})
	}
	return pl
}

func TestPublish(t *testing.T) {
	for _, n := range []int{1, 3} {
		f, p, a := setup(t)
		ctx := context.Background()
		pl := payload(t, n)
		res, err := p.Publish(ctx, a, pl, key())
		if err != nil {
			t.Fatal(err)
		}
		if f.count() != 1 {
			t.Fatalf("%d Pins", f.count())
		}
		st := f.pins[0]
		if res.RemoteID != st.id || res.URL != "https://www.pinterest.com/pin/"+st.id+"/" || res.CommentID != "" {
			t.Errorf("Publish = %+v", res)
		}
		if st.board != board || st.title != pl.Title || st.description != pl.Text || st.link != pl.Link || st.alt != pl.Media[0].Alt {
			t.Errorf("Pin = %+v", st)
		}
		if len(st.images) != n {
			t.Fatalf("%d images; want %d", len(st.images), n)
		}
		for i, img := range st.images {
			if string(img) != string(pl.Media[i].Data) || st.types[i] != "image/jpeg" {
				t.Errorf("image %d differs", i)
			}
		}
		got, found, err := p.Verify(ctx, a, pl, key())
		if err != nil || !found || got != res {
			t.Errorf("Verify = %+v, %v, %v; want %+v", got, found, err, res)
		}
		other := pl
		other.Link = "https://example.com/autre"
		if _, found, err := p.Verify(ctx, a, other, key()); err != nil || found {
			t.Errorf("Verify(other link) = %v, %v", found, err)
		}
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
			fault: &resttest.Fault{Match: resttest.On("POST", "/v5/pins"), Answer: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Retry-After", "120")
				pinError(w, 429, 8, "You have exceeded your rate limit. Try again later.")
			}},
			check: func(t *testing.T, err error) {
				var se *network.StatusError
				if !errors.As(err, &se) || se.RetryAfter != 2*time.Minute || se.Status != 429 {
					t.Errorf("err = %#v; want a 429 asking for 2 min", se)
				}
			}},
		{name: "revoked", want: network.ErrRevoked, edit: func(_ *schedule.Payload, a *schedule.Account) { a.Token.Access = "pina_old" }},
		{name: "title too long", want: network.ErrInvalidContent, edit: func(p *schedule.Payload, _ *schedule.Account) { p.Title = strings.Repeat("t", 101) }},
		{name: "image refused", want: network.ErrMediaRejected, edit: func(p *schedule.Payload, _ *schedule.Account) { p.Media[0].Data = []byte("not a jpeg") }},
		{name: "no board", want: network.ErrInvalidContent, edit: func(p *schedule.Payload, _ *schedule.Account) { p.Board = "" }},
		{name: "board gone", want: network.ErrInvalidContent, edit: func(p *schedule.Payload, _ *schedule.Account) { p.Board = "123" }},
		{name: "no image", want: network.ErrMediaRejected, edit: func(p *schedule.Payload, _ *schedule.Account) { p.Media = nil }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, p, a := setup(t)
			pl := payload(t, 1)
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
				t.Errorf("%d Pins made", f.count())
			}
		})
	}
}

// Pinterest takes identical Pins: after a lost answer, only the retry's
// look-up keeps a second one from being made.
func TestLostAnswer(t *testing.T) {
	f, p, a := setup(t)
	ctx := context.Background()
	pl := payload(t, 2)
	f.faults.Add(resttest.Fault{After: true, Match: resttest.On("POST", "/v5/pins"), Answer: func(w http.ResponseWriter, r *http.Request) { resttest.Drop(w) }})
	k := key()
	_, err := p.Publish(ctx, a, pl, k)
	if !errors.Is(err, network.ErrUnreachable) || errors.Is(err, network.ErrNotSent) {
		t.Fatalf("Publish = %v; want unknown outcome", err)
	}
	res, found, err := p.Verify(ctx, a, pl, k)
	if err != nil || !found || res.RemoteID != f.pins[0].id {
		t.Fatalf("Verify = %+v, %v, %v", res, found, err)
	}
	k.Retry = true
	again, err := p.Publish(ctx, a, pl, k)
	if err != nil || again != res || f.count() != 1 {
		t.Errorf("Publish(retry) = %+v, %v with %d Pins; want %+v and 1 Pin", again, err, f.count(), res)
	}
	if n := f.log.Count("POST /v5/pins"); n != 1 {
		t.Errorf("%d create calls; want 1", n)
	}
}

// An older identical Pin (before the job's first attempt) is not taken
// for this job's.
func TestOlderPinNotMatched(t *testing.T) {
	f, p, a := setup(t)
	ctx := context.Background()
	pl := payload(t, 1)
	if _, err := p.Publish(ctx, a, pl, key()); err != nil {
		t.Fatal(err)
	}
	later := func() time.Time { return t0.Add(24 * time.Hour) }
	p.Now, f.now = later, later
	k := schedule.Key{ID: schedule.NewKey(later()), Since: later(), Retry: true}
	if _, found, err := p.Verify(ctx, a, pl, k); err != nil || found {
		t.Errorf("Verify = %v, %v; want not found", found, err)
	}
	if _, err := p.Publish(ctx, a, pl, k); err != nil || f.count() != 2 {
		t.Errorf("Publish = %v with %d Pins; want a second Pin", err, f.count())
	}
}

func TestNotSent(t *testing.T) {
	f, p, a := setup(t)
	f.srv.Close()
	if _, err := p.Publish(context.Background(), a, payload(t, 1), key()); !errors.Is(err, network.ErrNotSent) {
		t.Fatalf("Publish = %v; want ErrNotSent", err)
	}
}
