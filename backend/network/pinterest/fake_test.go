package pinterest_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"relais/backend/network/internal/resttest"
)

// fakePinterest speaks POST /v5/pins, GET /v5/boards and GET
// /v5/boards/{id}/pins as documented, with Pinterest's {"code",
// "message"} errors.
type fakePinterest struct {
	t      *testing.T
	srv    *httptest.Server
	token  string
	boards map[string]bool
	// listed is what GET /v5/boards answers, in the account's order.
	listed []fakeBoard
	now    func() time.Time
	log    resttest.Log
	faults resttest.Faults

	mu   sync.Mutex
	next int64
	pins []*stored
}

type stored struct {
	id, board, title, description, link, alt string
	created                                  time.Time
	images                                   [][]byte
	types                                    []string
}

const board = "549755885175"

type fakeBoard struct{ id, name, privacy string }

func newFake(t *testing.T, now func() time.Time) *fakePinterest {
	f := &fakePinterest{t: t, token: "pina_token", boards: map[string]bool{board: true},
		listed: []fakeBoard{{board, "Summer Recipes", "PUBLIC"}}, now: now, next: 813744226420000000}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.log.Add(r)
		f.faults.Serve(w, r, f.handle)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func pinError(w http.ResponseWriter, status, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"code": code, "message": msg})
}

func (f *fakePinterest) handle(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Bearer "+f.token {
		pinError(w, 401, 2, "Authentication failed.")
		return
	}
	switch {
	case r.Method == "POST" && r.URL.Path == "/v5/pins":
		f.create(w, r)
	case r.Method == "GET" && r.URL.Path == "/v5/boards":
		f.listBoards(w, r)
	case r.Method == "GET" && strings.HasPrefix(r.URL.Path, "/v5/boards/") && strings.HasSuffix(r.URL.Path, "/pins"):
		f.list(w, r, strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/v5/boards/"), "/pins"))
	default:
		pinError(w, 404, 404, "Not found.")
	}
}

type item struct {
	ContentType string `json:"content_type"`
	Data        string `json:"data"`
}

func (f *fakePinterest) create(w http.ResponseWriter, r *http.Request) {
	var body struct {
		BoardID     string `json:"board_id"`
		Title       string `json:"title"`
		Description string `json:"description"`
		Link        string `json:"link"`
		AltText     string `json:"alt_text"`
		Media       struct {
			SourceType string `json:"source_type"`
			item
			Items []item `json:"items"`
		} `json:"media_source"`
	}
	if r.Header.Get("Content-Type") != "application/json" || json.NewDecoder(r.Body).Decode(&body) != nil {
		pinError(w, 400, 1, "Invalid request body")
		return
	}
	if !f.boards[body.BoardID] {
		pinError(w, 404, 3, "Board not found.")
		return
	}
	if utf8.RuneCountInString(body.Title) > 100 || utf8.RuneCountInString(body.Description) > 500 || utf8.RuneCountInString(body.AltText) > 500 {
		pinError(w, 400, 1, "Invalid parameters: title, description or alt_text too long")
		return
	}
	st := &stored{board: body.BoardID, title: body.Title, description: body.Description, link: body.Link, alt: body.AltText, created: f.now()}
	var items []item
	switch body.Media.SourceType {
	case "image_base64":
		items = []item{body.Media.item}
	case "multiple_image_base64":
		if len(body.Media.Items) < 2 || len(body.Media.Items) > 5 {
			pinError(w, 400, 1, "Invalid parameters: 2 to 5 items")
			return
		}
		items = body.Media.Items
	default:
		pinError(w, 400, 1, "Invalid media_source")
		return
	}
	for _, it := range items {
		data, err := base64.StdEncoding.DecodeString(it.Data)
		format, ok := resttest.IsImage(data)
		if err != nil || !ok || "image/"+format != it.ContentType {
			pinError(w, 400, 1, "Sorry, we could not fetch the image.")
			return
		}
		st.images, st.types = append(st.images, data), append(st.types, it.ContentType)
	}
	f.mu.Lock()
	f.next += 3
	st.id = strconv.FormatInt(f.next, 10)
	f.pins = append(f.pins, st)
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(201)
	json.NewEncoder(w).Encode(f.json(st))
}

func (f *fakePinterest) json(st *stored) map[string]any {
	return map[string]any{"id": st.id, "created_at": st.created.UTC().Format("2006-01-02T15:04:05"), "board_id": st.board,
		"title": st.title, "description": st.description, "link": st.link, "alt_text": st.alt,
		"media": map[string]any{"media_type": "image"}}
}

func (f *fakePinterest) list(w http.ResponseWriter, r *http.Request, b string) {
	if !f.boards[b] {
		pinError(w, 404, 3, "Board not found.")
		return
	}
	size, err := strconv.Atoi(r.URL.Query().Get("page_size"))
	if err != nil || size < 1 || size > 250 {
		pinError(w, 400, 1, "Invalid page_size")
		return
	}
	start, _ := strconv.Atoi(r.URL.Query().Get("bookmark"))
	f.mu.Lock()
	var all []*stored
	for i := len(f.pins) - 1; i >= 0; i-- {
		if f.pins[i].board == b {
			all = append(all, f.pins[i])
		}
	}
	items := []map[string]any{}
	for i := start; i < len(all) && i < start+size; i++ {
		items = append(items, f.json(all[i]))
	}
	f.mu.Unlock()
	out := map[string]any{"items": items, "bookmark": nil}
	if start+size < len(all) {
		out["bookmark"] = fmt.Sprint(start + size)
	}
	json.NewEncoder(w).Encode(out)
}

// listBoards answers GET /v5/boards: {"items": [...], "bookmark": ...},
// the bookmark null on the last page.
func (f *fakePinterest) listBoards(w http.ResponseWriter, r *http.Request) {
	size := 25
	if s := r.URL.Query().Get("page_size"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 250 {
			pinError(w, 400, 1, "Invalid page_size")
			return
		}
		size = n
	}
	start := 0
	if b := r.URL.Query().Get("bookmark"); b != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(b, "bm-"))
		if err != nil || !strings.HasPrefix(b, "bm-") {
			pinError(w, 400, 1, "Invalid bookmark")
			return
		}
		start = n
	}
	f.mu.Lock()
	items := []map[string]any{}
	for i := start; i < len(f.listed) && i < start+size; i++ {
		b := f.listed[i]
		items = append(items, map[string]any{"id": b.id, "name": b.name, "description": "", "privacy": b.privacy,
			"owner": map[string]any{"username": "relais"}})
	}
	out := map[string]any{"items": items, "bookmark": nil}
	if start+size < len(f.listed) {
		out["bookmark"] = fmt.Sprintf("bm-%d", start+size)
	}
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(out)
}

func (f *fakePinterest) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.pins)
}
