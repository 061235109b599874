package facebook_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"relais/backend/network/internal/resttest"
)

// fakeGraph speaks the Graph API calls the publisher makes on a Page:
// unpublished photo upload, feed post with attached_media, comments,
// published_posts and comments listings; with Graph's error bodies.
type fakeGraph struct {
	t      *testing.T
	srv    *httptest.Server
	base   string // srv.URL + "/v26.0"
	pageID string
	token  string
	now    func() time.Time
	log    resttest.Log
	faults resttest.Faults

	mu       sync.Mutex
	next     int
	photos   map[string]*photo
	posts    []*fbPost
	comments map[string][]fbComment
}

type photo struct {
	data      []byte
	alt       string
	published string
}

type fbPost struct {
	id, message, link string
	created           time.Time
	photos            []string
}

type fbComment struct{ id, message, from string }

const version = "/v26.0"

func newFake(t *testing.T, now func() time.Time) *fakeGraph {
	f := &fakeGraph{t: t, pageID: "104501234567890", token: "EAAPageToken", now: now, photos: map[string]*photo{},
		comments: map[string][]fbComment{}}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.log.Add(r)
		f.faults.Serve(w, r, f.handle)
	}))
	f.base = f.srv.URL + version
	t.Cleanup(f.srv.Close)
	return f
}

func graphError(w http.ResponseWriter, status, code, sub int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	e := map[string]any{"message": msg, "type": "OAuthException", "code": code, "fbtrace_id": "AbCdEf123"}
	if sub != 0 {
		e["error_subcode"] = sub
	}
	json.NewEncoder(w).Encode(map[string]any{"error": e})
}

func (f *fakeGraph) handle(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.URL.Path, version+"/") {
		graphError(w, 400, 2635, 0, "unversioned call")
		return
	}
	path := strings.Split(strings.TrimPrefix(r.URL.Path, version+"/"), "/")
	if r.Method == "POST" {
		if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
			r.ParseMultipartForm(32 << 20)
		} else {
			r.ParseForm()
		}
	}
	tok := r.URL.Query().Get("access_token")
	if r.Method == "POST" {
		tok = r.PostFormValue("access_token")
		if r.URL.Query().Get("access_token") != "" {
			graphError(w, 400, 100, 0, "(#100) the token belongs in the body")
			return
		}
	}
	if tok != f.token {
		graphError(w, 400, 190, 460, "Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.")
		return
	}
	switch {
	case r.Method == "POST" && len(path) == 2 && path[0] == f.pageID && path[1] == "photos":
		f.upload(w, r)
	case r.Method == "POST" && len(path) == 2 && path[0] == f.pageID && path[1] == "feed":
		f.feed(w, r)
	case r.Method == "GET" && len(path) == 2 && path[0] == f.pageID && path[1] == "published_posts":
		f.list(w, r)
	case len(path) == 2 && path[1] == "comments":
		if r.Method == "POST" {
			f.comment(w, r, path[0])
		} else {
			f.listComments(w, r, path[0])
		}
	default:
		graphError(w, 400, 100, 33, "Unsupported request - method type: "+strings.ToLower(r.Method))
	}
}

func (f *fakeGraph) upload(w http.ResponseWriter, r *http.Request) {
	file, _, err := r.FormFile("source")
	if err != nil {
		graphError(w, 400, 324, 0, "(#324) Requires upload file")
		return
	}
	data, _ := io.ReadAll(file)
	if _, ok := resttest.IsImage(data); !ok {
		graphError(w, 400, 324, 2069019, "(#324) Missing or invalid image file")
		return
	}
	f.mu.Lock()
	f.next++
	id := fmt.Sprintf("9%014d", f.next)
	f.photos[id] = &photo{data: data, alt: r.FormValue("alt_text_custom"), published: r.FormValue("published")}
	f.mu.Unlock()
	json.NewEncoder(w).Encode(map[string]string{"id": id})
}

func (f *fakeGraph) feed(w http.ResponseWriter, r *http.Request) {
	msg := r.PostFormValue("message")
	if utf8.RuneCountInString(msg) > 63206 {
		graphError(w, 400, 100, 0, "(#100) The message is too long")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	p := &fbPost{message: msg, link: r.PostFormValue("link"), created: f.now()}
	for i := 0; ; i++ {
		v := r.PostFormValue("attached_media[" + strconv.Itoa(i) + "]")
		if v == "" {
			break
		}
		var am struct {
			ID string `json:"media_fbid"`
		}
		if json.Unmarshal([]byte(v), &am) != nil || f.photos[am.ID] == nil || f.photos[am.ID].published != "false" {
			graphError(w, 400, 100, 0, "(#100) Invalid attached_media")
			return
		}
		p.photos = append(p.photos, am.ID)
	}
	for _, o := range f.posts {
		if o.message == msg {
			graphError(w, 400, 506, 0, "(#506) Duplicate status message")
			return
		}
	}
	f.next++
	p.id = fmt.Sprintf("%s_%d", f.pageID, 1000+f.next)
	f.posts = append(f.posts, p)
	json.NewEncoder(w).Encode(map[string]string{"id": p.id})
}

func (f *fakeGraph) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	since, err := strconv.ParseInt(q.Get("since"), 10, 64)
	if err != nil {
		graphError(w, 400, 100, 0, "(#100) since")
		return
	}
	limit, _ := strconv.Atoi(q.Get("limit"))
	if limit <= 0 {
		limit = 25
	}
	start, _ := strconv.Atoi(q.Get("after"))
	f.mu.Lock()
	var list []*fbPost
	for _, p := range f.posts {
		if p.created.Unix() >= since {
			list = append(list, p)
		}
	}
	f.mu.Unlock()
	sort.SliceStable(list, func(i, j int) bool { return list[i].created.After(list[j].created) })
	data := []map[string]any{}
	for i := start; i < len(list) && i < start+limit; i++ {
		data = append(data, map[string]any{"id": list[i].id, "message": list[i].message, "created_time": list[i].created.UTC().Format("2006-01-02T15:04:05-0700")})
	}
	out := map[string]any{"data": data}
	if start+limit < len(list) {
		out["paging"] = map[string]any{"cursors": map[string]string{"after": strconv.Itoa(start + limit)}, "next": f.base + "/next"}
	}
	json.NewEncoder(w).Encode(out)
}

func (f *fakeGraph) comment(w http.ResponseWriter, r *http.Request, postID string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	found := false
	for _, p := range f.posts {
		found = found || p.id == postID
	}
	msg := r.PostFormValue("message")
	if !found || msg == "" {
		graphError(w, 400, 100, 33, "Unsupported post request.")
		return
	}
	f.next++
	c := fbComment{id: fmt.Sprintf("%s_%d", strings.Split(postID, "_")[1], 5000+f.next), message: msg, from: f.pageID}
	f.comments[postID] = append(f.comments[postID], c)
	json.NewEncoder(w).Encode(map[string]string{"id": c.id})
}

func (f *fakeGraph) listComments(w http.ResponseWriter, r *http.Request, postID string) {
	f.mu.Lock()
	data := []map[string]any{}
	for _, c := range f.comments[postID] {
		data = append(data, map[string]any{"id": c.id, "message": c.message, "from": map[string]string{"id": c.from, "name": "Le Bistrot"}})
	}
	f.mu.Unlock()
	json.NewEncoder(w).Encode(map[string]any{"data": data})
}

func (f *fakeGraph) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.posts)
}
