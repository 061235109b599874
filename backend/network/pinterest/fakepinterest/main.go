// Command fakepinterest serves a small fake of Pinterest on loopback for
// the end-to-end tests: the OAuth authorization page (approving at once),
// the token endpoint (HTTP Basic, authorization_code and refresh_token
// grants), GET /v5/user_account, GET /v5/boards (paged with a bookmark)
// and POST /v5/pins. It prints its URL on one line, then serves until
// SIGTERM or SIGINT. A dev build of Relais started with
// RELAIS_DEV_PINTEREST=<url> sends Pinterest's calls here
// (app/devbrowser_dev.go).
//
// GET /_test/pins lists the Pins made, so the tests can see a publication
// from outside Relais.
package main

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"
)

type board struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Privacy string `json:"privacy"`
}

// boards are the account's boards, in the order Pinterest lists them
// (not by name), over two pages.
var boards = []board{
	{"549755885175", "Recettes d’hiver", "PUBLIC"},
	{"549755885176", "Atelier & coulisses", "PUBLIC"},
	{"549755885177", "Brouillons", "SECRET"},
}

type pin struct {
	ID          string    `json:"id"`
	BoardID     string    `json:"board_id"`
	Title       string    `json:"title"`
	Description string    `json:"description"`
	Link        string    `json:"link"`
	CreatedAt   time.Time `json:"created_at"`
}

type fake struct {
	mu     sync.Mutex
	codes  map[string]bool
	tokens map[string]bool // live access tokens
	pins   []pin
}

func token() string {
	b := make([]byte, 12)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func pinError(w http.ResponseWriter, status, code int, msg string) {
	writeJSON(w, status, map[string]any{"code": code, "message": msg})
}

// authorize approves at once: back to the app's loopback redirect with a
// code and the state it sent.
func (f *fake) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	redirect, err := url.Parse(q.Get("redirect_uri"))
	if err != nil || redirect.Hostname() != "127.0.0.1" || q.Get("response_type") != "code" || q.Get("client_id") == "" {
		http.Error(w, "bad authorization request", http.StatusBadRequest)
		return
	}
	code := token()
	f.mu.Lock()
	f.codes[code] = true
	f.mu.Unlock()
	back := redirect.Query()
	back.Set("code", code)
	back.Set("state", q.Get("state"))
	redirect.RawQuery = back.Encode()
	http.Redirect(w, r, redirect.String(), http.StatusFound)
}

func (f *fake) token(w http.ResponseWriter, r *http.Request) {
	if _, _, ok := r.BasicAuth(); !ok {
		pinError(w, 401, 1, "Client authentication failed.")
		return
	}
	r.ParseForm()
	f.mu.Lock()
	defer f.mu.Unlock()
	switch r.Form.Get("grant_type") {
	case "authorization_code":
		if !f.codes[r.Form.Get("code")] {
			pinError(w, 400, 1, "Invalid authorization code.")
			return
		}
		delete(f.codes, r.Form.Get("code"))
	case "refresh_token":
		if !strings.HasPrefix(r.Form.Get("refresh_token"), "pinr_") {
			pinError(w, 400, 1, "Invalid refresh token.")
			return
		}
	default:
		pinError(w, 400, 1, "Unsupported grant type.")
		return
	}
	access := "pina_" + token()
	f.tokens[access] = true
	writeJSON(w, 200, map[string]any{"access_token": access, "refresh_token": "pinr_" + token(), "token_type": "bearer",
		"expires_in": 2592000, "refresh_token_expires_in": 5184000, "scope": "boards:read,pins:read,pins:write,user_accounts:read"})
}

func (f *fake) authed(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		ok := f.tokens[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")]
		f.mu.Unlock()
		if !ok {
			pinError(w, 401, 2, "Authentication failed.")
			return
		}
		h(w, r)
	}
}

func (f *fake) listBoards(w http.ResponseWriter, r *http.Request) {
	page, next := boards[:2], any("page2")
	if r.URL.Query().Get("bookmark") == "page2" {
		page, next = boards[2:], nil
	}
	writeJSON(w, 200, map[string]any{"items": page, "bookmark": next})
}

func (f *fake) createPin(w http.ResponseWriter, r *http.Request) {
	var in struct {
		BoardID     string `json:"board_id"`
		Title       string `json:"title"`
		Description string `json:"description"`
		Link        string `json:"link"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		pinError(w, 400, 1, "Invalid request body.")
		return
	}
	known := false
	for _, b := range boards {
		known = known || b.ID == in.BoardID
	}
	if !known {
		pinError(w, 404, 2, "Board not found.")
		return
	}
	f.mu.Lock()
	p := pin{ID: fmt.Sprint(813744226420000000 + len(f.pins)), BoardID: in.BoardID, Title: in.Title, Description: in.Description,
		Link: in.Link, CreatedAt: time.Now().UTC()}
	f.pins = append(f.pins, p)
	f.mu.Unlock()
	writeJSON(w, 201, p)
}

func main() {
	f := &fake{codes: map[string]bool{}, tokens: map[string]bool{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /oauth/", f.authorize)
	mux.HandleFunc("POST /v5/oauth/token", f.token)
	mux.HandleFunc("GET /v5/user_account", f.authed(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"id": "1150306023331234", "username": "boulangerie_lune", "business_name": "Boulangerie Lune"})
	}))
	mux.HandleFunc("GET /v5/boards", f.authed(f.listBoards))
	mux.HandleFunc("POST /v5/pins", f.authed(f.createPin))
	mux.HandleFunc("GET /_test/pins", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		writeJSON(w, 200, append([]pin{}, f.pins...))
	})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	go http.Serve(l, mux)
	fmt.Println("http://" + l.Addr().String())
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	<-stop
}
