package linkedin_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"relais/backend/network/internal/resttest"
	"relais/backend/network/linkedin"
)

// fakeLinkedIn speaks the documented parts of LinkedIn's versioned REST
// API the publisher uses: Images API upload, Posts API create and
// find-by-author, Social Actions comments; with LinkedIn's error bodies.
type fakeLinkedIn struct {
	t       *testing.T
	srv     *httptest.Server
	token   string
	authors map[string]bool // who the token may post as
	now     func() time.Time
	log     resttest.Log
	faults  resttest.Faults

	mu       sync.Mutex
	next     int64
	images   map[string]*image // by URN
	posts    []*stored
	comments map[string][]map[string]any // by post URN
}

type image struct {
	owner string
	data  []byte
	mime  string
}

type stored struct {
	urn, author, commentary, text string
	created                       time.Time
	content                       map[string]any
	raw                           map[string]any
}

const (
	member = "urn:li:person:Ab3dE5fG7h"
	page   = "urn:li:organization:2414183"
)

func newFake(t *testing.T, now func() time.Time) *fakeLinkedIn {
	f := &fakeLinkedIn{t: t, token: "li-token", authors: map[string]bool{member: true, page: true}, now: now,
		next: 7300000000000000000, images: map[string]*image{}, comments: map[string][]map[string]any{}}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.log.Add(r)
		f.faults.Serve(w, r, f.handle)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func liError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"status": status, "code": code, "message": msg, "serviceErrorCode": 100})
}

func (f *fakeLinkedIn) id() string {
	f.next += 13
	return strconv.FormatInt(f.next, 10)
}

var versionRE = regexp.MustCompile(`^20\d{4}$`)

func (f *fakeLinkedIn) handle(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Bearer "+f.token {
		liError(w, 401, "REVOKED_ACCESS_TOKEN", "The token used in the request has been revoked by the user")
		return
	}
	if strings.HasPrefix(r.URL.Path, "/dms-uploads/") && r.Method == "PUT" {
		f.put(w, r)
		return
	}
	if !versionRE.MatchString(r.Header.Get("Linkedin-Version")) {
		liError(w, 400, "VERSION_MISSING", "A version must be present. Please specify a version by adding the LinkedIn-Version header.")
		return
	}
	if r.Header.Get("X-Restli-Protocol-Version") != "2.0.0" {
		liError(w, 400, "INVALID_PROTOCOL", "Rest.li protocol 2.0.0 expected")
		return
	}
	switch {
	case r.Method == "POST" && r.URL.Path == "/rest/images":
		f.initUpload(w, r)
	case r.Method == "POST" && r.URL.Path == "/rest/posts":
		f.create(w, r)
	case r.Method == "GET" && r.URL.Path == "/rest/posts":
		f.list(w, r)
	case strings.HasPrefix(r.URL.Path, "/rest/socialActions/") && strings.HasSuffix(r.URL.Path, "/comments"):
		urn := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/rest/socialActions/"), "/comments")
		if !strings.Contains(r.URL.EscapedPath(), "urn%3Ali%3A") {
			liError(w, 400, "BAD_REQUEST", "the URN must be URL-encoded")
			return
		}
		if r.Method == "POST" {
			f.comment(w, r, urn)
		} else {
			f.listComments(w, r, urn)
		}
	default:
		liError(w, 404, "NOT_FOUND", "Resource not found")
	}
}

func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	if r.Header.Get("Content-Type") != "application/json" || json.NewDecoder(r.Body).Decode(v) != nil {
		liError(w, 400, "BAD_REQUEST", "Unable to parse the body")
		return false
	}
	return true
}

func (f *fakeLinkedIn) initUpload(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("action") != "initializeUpload" {
		liError(w, 400, "BAD_REQUEST", "action")
		return
	}
	var body struct {
		Req struct {
			Owner string `json:"owner"`
		} `json:"initializeUploadRequest"`
	}
	if !decode(w, r, &body) {
		return
	}
	if !f.authors[body.Req.Owner] {
		liError(w, 403, "ACCESS_DENIED", "Not enough permissions")
		return
	}
	f.mu.Lock()
	id := "C4E10AQ" + f.id()
	f.images["urn:li:image:"+id] = &image{owner: body.Req.Owner}
	f.mu.Unlock()
	json.NewEncoder(w).Encode(map[string]any{"value": map[string]any{
		"uploadUrlExpiresAt": f.now().Add(time.Hour).UnixMilli(),
		"uploadUrl":          f.srv.URL + "/dms-uploads/" + id + "/uploadedImage/0?ca=vector_feedshare&cn=uploads",
		"image":              "urn:li:image:" + id,
	}})
}

func (f *fakeLinkedIn) put(w http.ResponseWriter, r *http.Request) {
	id := strings.Split(strings.TrimPrefix(r.URL.Path, "/dms-uploads/"), "/")[0]
	data, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	defer f.mu.Unlock()
	img := f.images["urn:li:image:"+id]
	if img == nil {
		liError(w, 404, "NOT_FOUND", "no upload")
		return
	}
	if _, ok := resttest.IsImage(data); !ok {
		liError(w, 400, "INVALID_MEDIA", "The uploaded file is not a supported image")
		return
	}
	img.data, img.mime = data, r.Header.Get("Content-Type")
	w.WriteHeader(201)
}

func (f *fakeLinkedIn) create(w http.ResponseWriter, r *http.Request) {
	var body map[string]any
	if !decode(w, r, &body) {
		return
	}
	author, _ := body["author"].(string)
	commentary, _ := body["commentary"].(string)
	if !f.authors[author] || body["visibility"] != "PUBLIC" || body["lifecycleState"] != "PUBLISHED" || body["distribution"] == nil {
		liError(w, 422, "UNPROCESSABLE_ENTITY", "ERROR :: /author or /visibility or /lifecycleState :: invalid")
		return
	}
	text := linkedin.Unescape(commentary)
	if utf8.RuneCountInString(text) > 3000 {
		w.WriteHeader(422)
		json.NewEncoder(w).Encode(map[string]any{"errorDetailType": "com.linkedin.common.error.BadRequest", "status": 422,
			"message": "ERROR :: /commentary :: String exceeds 3000 characters",
			"errorDetails": map[string]any{"inputErrors": []any{map[string]any{"description": "Text is too long", "code": "TEXT_TOO_LONG",
				"input": map[string]any{"inputPath": map[string]string{"fieldPath": "/commentary"}}}}}})
		return
	}
	content, _ := body["content"].(map[string]any)
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, urn := range imageURNs(content) {
		if img := f.images[urn]; img == nil || img.data == nil || img.owner != author {
			liError(w, 422, "UNPROCESSABLE_ENTITY", "ERROR :: /content/media/id :: image not uploaded")
			return
		}
	}
	for _, p := range f.posts {
		if p.author == author && p.text == text {
			w.WriteHeader(422)
			w.Write([]byte(`{"errorDetailType":"com.linkedin.common.error.BadRequest","message":"com.linkedin.content.common.exception.BadRequestResponseException: Content is a duplicate of ` + p.urn + `","errorDetails":{"inputErrors":[{"description":"Duplicate post is detected","input":{},"code":"DUPLICATE_POST"}]},"status":422}`))
			return
		}
	}
	st := &stored{urn: "urn:li:share:" + f.id(), author: author, commentary: commentary, text: text, created: f.now(), content: content, raw: body}
	f.posts = append(f.posts, st)
	w.Header().Set("x-restli-id", st.urn)
	w.WriteHeader(201)
}

func imageURNs(content map[string]any) []string {
	var out []string
	if m, ok := content["media"].(map[string]any); ok {
		out = append(out, m["id"].(string))
	}
	if mi, ok := content["multiImage"].(map[string]any); ok {
		for _, i := range mi["images"].([]any) {
			out = append(out, i.(map[string]any)["id"].(string))
		}
	}
	return out
}

func (f *fakeLinkedIn) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("q") != "author" || !f.authors[q.Get("author")] {
		liError(w, 400, "BAD_REQUEST", "finder")
		return
	}
	start, _ := strconv.Atoi(q.Get("start"))
	count, err := strconv.Atoi(q.Get("count"))
	if err != nil || count < 1 || count > 100 {
		count = 10
	}
	f.mu.Lock()
	var list []*stored
	for _, p := range f.posts {
		if p.author == q.Get("author") {
			list = append(list, p)
		}
	}
	f.mu.Unlock()
	sort.SliceStable(list, func(i, j int) bool { return list[i].created.After(list[j].created) })
	els := []map[string]any{}
	for i := start; i < len(list) && i < start+count; i++ {
		p := list[i]
		e := map[string]any{"id": p.urn, "author": p.author, "commentary": p.commentary, "createdAt": p.created.UnixMilli(),
			"publishedAt": p.created.UnixMilli(), "lastModifiedAt": p.created.UnixMilli(), "lifecycleState": "PUBLISHED", "visibility": "PUBLIC"}
		if p.content != nil {
			e["content"] = p.content
		}
		els = append(els, e)
	}
	json.NewEncoder(w).Encode(map[string]any{"elements": els, "paging": map[string]any{"start": start, "count": count, "links": []any{}}})
}

func (f *fakeLinkedIn) comment(w http.ResponseWriter, r *http.Request, urn string) {
	var body struct {
		Actor   string `json:"actor"`
		Object  string `json:"object"`
		Message struct {
			Text string `json:"text"`
		} `json:"message"`
	}
	if !decode(w, r, &body) {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	found := false
	for _, p := range f.posts {
		found = found || p.urn == urn
	}
	if !found || body.Object != urn || !f.authors[body.Actor] || body.Message.Text == "" {
		liError(w, 422, "UNPROCESSABLE_ENTITY", "ERROR :: comment")
		return
	}
	id := f.id()
	c := map[string]any{"actor": body.Actor, "object": urn, "id": id, "message": map[string]any{"text": body.Message.Text},
		"commentUrn": "urn:li:comment:(" + urn + "," + id + ")", "created": map[string]any{"time": f.now().UnixMilli()}}
	f.comments[urn] = append(f.comments[urn], c)
	w.Header().Set("x-restli-id", id)
	w.WriteHeader(201)
	json.NewEncoder(w).Encode(c)
}

func (f *fakeLinkedIn) listComments(w http.ResponseWriter, r *http.Request, urn string) {
	f.mu.Lock()
	els := append([]map[string]any{}, f.comments[urn]...)
	f.mu.Unlock()
	json.NewEncoder(w).Encode(map[string]any{"elements": els, "paging": map[string]any{"start": 0, "count": 10}})
}

func (f *fakeLinkedIn) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.posts)
}
