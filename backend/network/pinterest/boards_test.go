package pinterest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"relais/backend/network"
	"relais/backend/network/internal/resttest"
	"relais/backend/network/pinterest"
)

// Two pages, joined through the bookmark, sorted by name whatever the
// case, with every privacy kept.
func TestBoards(t *testing.T) {
	f, p, a := setup(t)
	f.listed = nil
	for i := range 130 {
		f.listed = append(f.listed, fakeBoard{fmt.Sprint(1000 + i), fmt.Sprintf("board %03d", 129-i), "PUBLIC"})
	}
	f.listed[3] = fakeBoard{"7", "apéro", "SECRET"}
	f.listed[120] = fakeBoard{"8", "Zinc", "PROTECTED"}
	f.listed[125] = fakeBoard{"9", "Apéro", "PUBLIC"} // same name but case: kept after "apéro" (stable)
	var auth []string
	f.faults.Add(resttest.Fault{Sticky: true, Match: func(r *http.Request) bool {
		auth = append(auth, r.Header.Get("Authorization"))
		return false
	}})
	got, err := p.Boards(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	if n := f.log.Count("GET /v5/boards"); n != 2 {
		t.Errorf("%d calls; want 2 pages", n)
	}
	for _, h := range auth {
		if h != "Bearer "+f.token {
			t.Errorf("Authorization = %q", h)
		}
	}
	if len(got) != 130 {
		t.Fatalf("%d boards; want 130", len(got))
	}
	want := []pinterest.Board{{ID: "7", Name: "apéro", Privacy: "SECRET"}, {ID: "9", Name: "Apéro", Privacy: "PUBLIC"}}
	if got[0] != want[0] || got[1] != want[1] {
		t.Errorf("first boards = %+v; want %+v", got[:2], want)
	}
	if last := got[len(got)-1]; last != (pinterest.Board{ID: "8", Name: "Zinc", Privacy: "PROTECTED"}) {
		t.Errorf("last board = %+v", last)
	}
	for i := 1; i < len(got); i++ {
		if strings.ToLower(got[i-1].Name) > strings.ToLower(got[i].Name) {
			t.Fatalf("not sorted at %d: %q > %q", i, got[i-1].Name, got[i].Name)
		}
	}
}

func TestBoardsNone(t *testing.T) {
	f, p, a := setup(t)
	f.listed = nil
	got, err := p.Boards(context.Background(), a)
	if err != nil || got == nil || len(got) != 0 {
		t.Errorf("Boards = %#v, %v; want an empty list", got, err)
	}
}

// A bookmark that never ends stops after a bounded number of pages.
func TestBoardsPageCap(t *testing.T) {
	f, p, a := setup(t)
	n := 0
	f.faults.Add(resttest.Fault{Sticky: true, Match: resttest.On("GET", "/v5/boards"), Answer: func(w http.ResponseWriter, r *http.Request) {
		n++
		fmt.Fprintf(w, `{"items":[{"id":"%d","name":"b%d","privacy":"PUBLIC"}],"bookmark":"next-%d"}`, n, n, n)
	}})
	got, err := p.Boards(context.Background(), a)
	if err != nil || len(got) != 10 || n != 10 {
		t.Errorf("Boards = %d boards, %v after %d calls; want 10 pages", len(got), err, n)
	}
}

func TestBoardsErrors(t *testing.T) {
	answer := func(status int, body string) func(w http.ResponseWriter, r *http.Request) {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			fmt.Fprint(w, body)
		}
	}
	cases := []struct {
		name   string
		answer func(w http.ResponseWriter, r *http.Request) // nil: the fake
		page   int                                          // the answer replaces this page (0: the first)
		token  string                                       // "": the right one
		want   error
		check  func(t *testing.T, err error)
	}{
		{name: "revoked", token: "pina_old_token", want: network.ErrRevoked},
		{name: "revoked on the second page", page: 1, answer: answer(401, `{"code":2,"message":"Authentication failed."}`), want: network.ErrRevoked},
		{name: "rate limited", want: network.ErrRateLimited,
			answer: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Retry-After", "120")
				pinError(w, 429, 8, "You have exceeded your rate limit. Try again later.")
			},
			check: func(t *testing.T, err error) {
				var se *network.StatusError
				if !errors.As(err, &se) || se.RetryAfter != 2*time.Minute || se.Status != 429 {
					t.Errorf("err = %#v; want a 429 asking for 2 min", se)
				}
			}},
		{name: "server error", answer: answer(503, `<html>down</html>`), want: network.ErrUnreachable},
		{name: "forbidden", answer: answer(403, `{"code":3,"message":"Not authorized to access the board."}`), want: network.ErrProtocol},
		{name: "malformed JSON", answer: answer(200, `{"items":[{"id":"1","name":`), want: network.ErrProtocol},
		{name: "not an object", answer: answer(200, `["items"]`), want: network.ErrProtocol},
		{name: "wrong types", answer: answer(200, `{"items":[{"id":1}],"bookmark":2}`), want: network.ErrProtocol},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, p, a := setup(t)
			for i := range 150 {
				f.listed = append(f.listed, fakeBoard{fmt.Sprint(i), fmt.Sprint("b", i), "PUBLIC"})
			}
			if c.token != "" {
				a.Token.Access = c.token
			}
			if c.answer != nil {
				seen := 0
				f.faults.Add(resttest.Fault{Match: func(r *http.Request) bool {
					if r.Method != "GET" || r.URL.Path != "/v5/boards" {
						return false
					}
					seen++
					return seen == c.page+1
				}, Answer: c.answer})
			}
			got, err := p.Boards(context.Background(), a)
			if !errors.Is(err, c.want) || got != nil {
				t.Fatalf("Boards = %v, %v; want %v", got, err, c.want)
			}
			for _, tok := range []string{f.token, a.Token.Access} {
				if strings.Contains(err.Error(), tok) {
					t.Errorf("error %q quotes the token", err)
				}
			}
			if c.check != nil {
				c.check(t, err)
			}
		})
	}
}

func TestBoardsUnreachable(t *testing.T) {
	f, p, a := setup(t)
	f.srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := p.Boards(ctx, a)
	if !errors.Is(err, network.ErrUnreachable) || strings.Contains(err.Error(), f.token) {
		t.Fatalf("Boards = %v; want ErrUnreachable", err)
	}
}
