package linkedin_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"relais/backend/network"
	"relais/backend/network/internal/rest"
	"relais/backend/network/internal/resttest"
	"relais/backend/network/linkedin"
	"relais/backend/schedule"
)

var t0 = time.Date(2026, 11, 23, 17, 30, 0, 0, time.UTC)

func setup(t *testing.T, as string) (*fakeLinkedIn, *linkedin.Publisher, schedule.Account) {
	now := func() time.Time { return t0 }
	f := newFake(t, now)
	p := &linkedin.Publisher{Now: now}
	a := schedule.Account{ID: "acct", Network: network.LinkedIn, Server: f.srv.URL, RemoteID: as, Token: network.Token{Access: f.token}}
	if as == page {
		// A Page account's server is its organization resource.
		a.Network, a.Server = network.LinkedInPage, f.srv.URL+"/rest/organizations/2414183"
	}
	return f, p, a
}

func key() schedule.Key { return schedule.Key{ID: schedule.NewKey(t0), Since: t0} }

func payload(t *testing.T, images int) schedule.Payload {
	pl := schedule.Payload{
		Text:         "Nouvelle carte d'automne (enfin) ! #café #Lyon_2026 — réservez : contact@example.com [menu] *du jour*",
		FirstComment: "Réservations au 01 23 45 67 89 (midi & soir)",
	}
	for i := range images {
		pl.Media = append(pl.Media, schedule.Media{Data: resttest.JPEG(t, 80+i, 60), MIME: "image/jpeg", Alt: "Photo " + string(rune('A'+i)), Width: 80 + i, Height: 60})
	}
	return pl
}

func TestPublish(t *testing.T) {
	for _, c := range []struct {
		name   string
		as     string
		images int
	}{{"member, two images", member, 2}, {"Page, one image", page, 1}, {"member, text only", member, 0}} {
		t.Run(c.name, func(t *testing.T) {
			f, p, a := setup(t, c.as)
			ctx := context.Background()
			pl := payload(t, c.images)
			res, err := p.Publish(ctx, a, pl, key())
			if err != nil {
				t.Fatal(err)
			}
			if f.count() != 1 {
				t.Fatalf("%d posts", f.count())
			}
			st := f.posts[0]
			if res.RemoteID != st.urn || res.URL != "https://www.linkedin.com/feed/update/"+st.urn+"/" {
				t.Errorf("Publish = %+v; want %s", res, st.urn)
			}
			if st.author != c.as || st.text != pl.Text {
				t.Errorf("post by %s = %q; want %q", st.author, st.text, pl.Text)
			}
			if !strings.Contains(st.commentary, `{hashtag|\#|café}`) || !strings.Contains(st.commentary, `\(enfin\)`) || !strings.Contains(st.commentary, `contact\@example.com`) {
				t.Errorf("commentary %q is not little text", st.commentary)
			}
			urns := imageURNs(st.content)
			if len(urns) != c.images {
				t.Fatalf("content %v; want %d images", st.content, c.images)
			}
			if c.images == 1 && st.content["media"].(map[string]any)["altText"] != pl.Media[0].Alt {
				t.Errorf("media = %v; want alt text %q", st.content["media"], pl.Media[0].Alt)
			}
			if c.images == 2 {
				imgs := st.content["multiImage"].(map[string]any)["images"].([]any)
				if imgs[1].(map[string]any)["altText"] != pl.Media[1].Alt {
					t.Errorf("multiImage = %v", imgs)
				}
			}
			for i, u := range urns {
				if img := f.images[u]; string(img.data) != string(pl.Media[i].Data) || img.owner != c.as || img.mime != "image/jpeg" {
					t.Errorf("image %d: owner %s mime %s, %d bytes", i, img.owner, img.mime, len(img.data))
				}
			}
			cs := f.comments[st.urn]
			if len(cs) != 1 || cs[0]["actor"] != c.as || res.CommentID != cs[0]["commentUrn"] {
				t.Errorf("comments %v; result %+v", cs, res)
			}
			got, found, err := p.Verify(ctx, a, pl, key())
			if err != nil || !found || got != res {
				t.Errorf("Verify = %+v, %v, %v; want %+v", got, found, err, res)
			}
		})
	}
}

func TestArticleLink(t *testing.T) {
	f, p, a := setup(t, member)
	pl := schedule.Payload{Text: "Notre article", Title: "La carte d'automne", Link: "https://example.com/carte"}
	if _, err := p.Publish(context.Background(), a, pl, key()); err != nil {
		t.Fatal(err)
	}
	art, _ := f.posts[0].content["article"].(map[string]any)
	if art["source"] != pl.Link || art["title"] != pl.Title {
		t.Errorf("content = %v; want an article", f.posts[0].content)
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
			fault: &resttest.Fault{Match: resttest.On("POST", "/rest/posts"), Answer: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Retry-After", "3600")
				liError(w, 429, "TOO_MANY_REQUESTS", "Resource level throttle APPLICATION DAY limit for calls to this resource is reached.")
			}},
			check: func(t *testing.T, err error) {
				var se *network.StatusError
				if !errors.As(err, &se) || se.Status != 429 || se.RetryAfter != time.Hour {
					t.Errorf("err = %#v; want a 429 asking for an hour", se)
				}
			}},
		{name: "revoked", want: network.ErrRevoked, edit: func(_ *schedule.Payload, a *schedule.Account) { a.Token.Access = "old" },
			check: func(t *testing.T, err error) {
				var se *network.StatusError
				if !errors.As(err, &se) || se.Reason != "REVOKED_ACCESS_TOKEN" {
					t.Errorf("err = %v; want the reason REVOKED_ACCESS_TOKEN", err)
				}
			}},
		{name: "text too long", want: network.ErrInvalidContent, edit: func(p *schedule.Payload, _ *schedule.Account) { p.Text = strings.Repeat("à", 3001) }},
		{name: "media rejected", want: network.ErrMediaRejected, edit: func(p *schedule.Payload, _ *schedule.Account) { p.Media[0].Data = []byte("GIF89a? no") }},
		{name: "version sunset", want: network.ErrProtocol,
			fault: &resttest.Fault{Match: resttest.On("POST", "/rest/posts"), Answer: func(w http.ResponseWriter, r *http.Request) {
				liError(w, 426, "NONEXISTENT_VERSION", "Requested version 20230101 is not active")
			}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, p, a := setup(t, member)
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
				t.Errorf("%d posts made", f.count())
			}
		})
	}
}

// 422 DUPLICATE_POST of an older post: the first time an outcome to
// verify (rest.ErrDuplicate, no 4xx StatusError), on a retry that has just
// looked, the user's text to change.
func TestDuplicateOfAnotherPost(t *testing.T) {
	f, p, a := setup(t, page)
	ctx := context.Background()
	pl := schedule.Payload{Text: "Fermé lundi"}
	if _, err := p.Publish(ctx, a, pl, key()); err != nil {
		t.Fatal(err)
	}
	later := func() time.Time { return t0.Add(3 * time.Hour) }
	p.Now = later
	k := schedule.Key{ID: schedule.NewKey(later()), Since: later()}
	_, err := p.Publish(ctx, a, pl, k)
	var se *network.StatusError
	if !errors.Is(err, rest.ErrDuplicate) || errors.As(err, &se) {
		t.Fatalf("Publish = %v; want ErrDuplicate without StatusError", err)
	}
	if _, found, err := p.Verify(ctx, a, pl, k); err != nil || found {
		t.Errorf("Verify = %v, %v; want not found (the duplicate is older than the job)", found, err)
	}
	k.Retry = true
	if _, err := p.Publish(ctx, a, pl, k); !errors.Is(err, network.ErrInvalidContent) {
		t.Fatalf("Publish(retry) = %v; want ErrInvalidContent", err)
	}
	if f.count() != 1 {
		t.Errorf("%d posts", f.count())
	}
}

// The post is stored and the answer lost: outcome unknown, Verify finds
// it, the retry makes no second post and only adds the missing comment;
// an unflagged retry is caught by DUPLICATE_POST and its look-up.
func TestLostAnswer(t *testing.T) {
	for _, retry := range []bool{true, false} {
		f, p, a := setup(t, member)
		ctx := context.Background()
		pl := payload(t, 2)
		f.faults.Add(resttest.Fault{After: true, Match: resttest.On("POST", "/rest/posts"), Answer: func(w http.ResponseWriter, r *http.Request) { resttest.Drop(w) }})
		k := key()
		_, err := p.Publish(ctx, a, pl, k)
		if !errors.Is(err, network.ErrUnreachable) || errors.Is(err, network.ErrNotSent) {
			t.Fatalf("Publish = %v; want unknown outcome", err)
		}
		if _, found, err := p.Verify(ctx, a, pl, k); err != nil || found {
			t.Errorf("Verify = %v, %v; want not found: the comment is missing", found, err)
		}
		k.Retry = retry
		res, err := p.Publish(ctx, a, pl, k)
		if err != nil {
			t.Fatal(err)
		}
		if f.count() != 1 || res.RemoteID != f.posts[0].urn || len(f.comments[res.RemoteID]) != 1 {
			t.Errorf("retry %v: %d posts, %d comments, result %+v", retry, f.count(), len(f.comments[res.RemoteID]), res)
		}
		got, found, err := p.Verify(ctx, a, pl, k)
		if err != nil || !found || got != res {
			t.Errorf("Verify = %+v, %v, %v", got, found, err)
		}
	}
}

func TestLittleText(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Bonjour #Lyon !", `Bonjour {hashtag|\#|Lyon} !`},
		{"(a) [b] {c} <d> @e *f* _g_ ~h~ |i| \\j", `\(a\) \[b\] \{c\} \<d\> \@e \*f\* \_g\_ \~h\~ \|i\| \\j`},
		{"C#sharp et #été_2026", `C\#sharp et {hashtag|\#|été\_2026}`},
	} {
		if got := linkedin.Escape(c.in); got != c.want {
			t.Errorf("Escape(%q) = %q; want %q", c.in, got, c.want)
		}
		if got := linkedin.Unescape(linkedin.Escape(c.in)); got != c.in {
			t.Errorf("Unescape(Escape(%q)) = %q", c.in, got)
		}
	}
}

func TestNotSent(t *testing.T) {
	f, p, a := setup(t, member)
	f.srv.Close()
	if _, err := p.Publish(context.Background(), a, payload(t, 1), key()); !errors.Is(err, network.ErrNotSent) {
		t.Fatalf("Publish = %v; want ErrNotSent", err)
	}
}

func FuzzLittleText(f *testing.F) {
	for _, s := range []string{"Bonjour #Lyon !", `a\b{c}`, "#", "C#", "{hashtag|\\#|x}", "é#é #_"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			t.Skip("posts are UTF-8")
		}
		if got := linkedin.Unescape(linkedin.Escape(s)); got != s {
			t.Errorf("Unescape(Escape(%q)) = %q", s, got)
		}
	})
}
