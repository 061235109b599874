package x_test

import (
	"encoding/json"
	"fmt"
	"html"
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
)

// fakeX speaks the parts of the X API v2 the publisher uses, as
// documented: simple media upload, media metadata, create post, user
// timeline; with X's problem answers for errors.
type fakeX struct {
	t      *testing.T
	srv    *httptest.Server
	token  string
	userID string
	now    func() time.Time
	log    resttest.Log
	faults resttest.Faults

	mu     sync.Mutex
	nextID int64
	media  map[string]*media
	tweets []*stored
}

type media struct {
	data     []byte
	mime     string
	category string
	alt      string
}

type stored struct {
	id, text, sent string
	created        time.Time
	mediaIDs       []string
	replyTo        string
	urls           []map[string]any
}

func newFakeX(t *testing.T, now func() time.Time) *fakeX {
	f := &fakeX{t: t, token: "user-token", userID: "1700000000000000001", now: now, nextID: 1860000000000000000,
		media: map[string]*media{}}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.log.Add(r)
		f.faults.Serve(w, r, f.handle)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func problem(w http.ResponseWriter, status int, title, detail string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"title": title, "detail": detail, "type": "about:blank", "status": status})
}

func (f *fakeX) id() string {
	f.nextID += 7
	return strconv.FormatInt(f.nextID, 10)
}

func (f *fakeX) handle(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Bearer "+f.token {
		problem(w, 401, "Unauthorized", "Unauthorized")
		return
	}
	switch {
	case r.Method == "POST" && r.URL.Path == "/2/media/upload":
		f.upload(w, r)
	case r.Method == "POST" && r.URL.Path == "/2/media/metadata":
		f.metadata(w, r)
	case r.Method == "POST" && r.URL.Path == "/2/tweets":
		f.create(w, r)
	case r.Method == "GET" && r.URL.Path == "/2/users/"+f.userID+"/tweets":
		f.timeline(w, r)
	default:
		problem(w, 404, "Not Found Error", "no such route")
	}
}

func (f *fakeX) upload(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		problem(w, 400, "Invalid Request", "not multipart")
		return
	}
	file, hdr, err := r.FormFile("media")
	if err != nil {
		problem(w, 400, "Invalid Request", "One or more parameters to your request was invalid.")
		return
	}
	data, _ := io.ReadAll(file)
	cat := r.FormValue("media_category")
	if cat != "tweet_image" {
		problem(w, 400, "Invalid Request", "media_category must be tweet_image")
		return
	}
	if _, ok := resttest.IsImage(data); !ok || len(data) > 5<<20 {
		problem(w, 400, "Invalid Request", "InvalidMedia: media type unrecognized.")
		return
	}
	f.mu.Lock()
	id := f.id()
	f.media[id] = &media{data: data, mime: hdr.Header.Get("Content-Type"), category: cat}
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"data": map[string]any{"id": id, "media_key": "3_" + id, "size": len(data), "expires_after_secs": 86400}})
}

func (f *fakeX) metadata(w http.ResponseWriter, r *http.Request) {
	var body struct {
		ID       string `json:"id"`
		Metadata struct {
			AltText struct {
				Text string `json:"text"`
			} `json:"alt_text"`
		} `json:"metadata"`
	}
	if r.Header.Get("Content-Type") != "application/json" || json.NewDecoder(r.Body).Decode(&body) != nil {
		problem(w, 400, "Invalid Request", "bad JSON")
		return
	}
	f.mu.Lock()
	m := f.media[body.ID]
	if m != nil {
		m.alt = body.Metadata.AltText.Text
	}
	f.mu.Unlock()
	if m == nil || utf8.RuneCountInString(body.Metadata.AltText.Text) > 1000 {
		problem(w, 400, "Invalid Request", "One or more parameters to your request was invalid.")
		return
	}
	json.NewEncoder(w).Encode(map[string]any{"data": map[string]any{"associated_metadata": body.Metadata, "id": body.ID}})
}

var linkRE = regexp.MustCompile(`https?://\S+`)

func (f *fakeX) create(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Text  string `json:"text"`
		Media *struct {
			MediaIDs []string `json:"media_ids"`
		} `json:"media"`
		Reply *struct {
			InReplyTo string `json:"in_reply_to_tweet_id"`
		} `json:"reply"`
	}
	if r.Header.Get("Content-Type") != "application/json" || json.NewDecoder(r.Body).Decode(&body) != nil {
		problem(w, 400, "Invalid Request", "bad JSON")
		return
	}
	if utf8.RuneCountInString(body.Text) > 280 {
		problem(w, 400, "Bad Request", "Your Tweet text is too long. For more information on how Twitter determines text length see https://github.com/twitter/twitter-text.")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, t := range f.tweets {
		if t.sent == body.Text {
			problem(w, 403, "Forbidden", "You are not allowed to create a Tweet with duplicate content.")
			return
		}
	}
	st := &stored{id: f.id(), sent: body.Text, created: f.now().UTC()}
	if body.Media != nil {
		for _, id := range body.Media.MediaIDs {
			if f.media[id] == nil {
				problem(w, 400, "Invalid Request", "Your media IDs are invalid.")
				return
			}
		}
		st.mediaIDs = body.Media.MediaIDs
	}
	if body.Reply != nil {
		st.replyTo = body.Reply.InReplyTo
	}
	// X stores links as t.co links, escapes & < >, and appends the
	// photo's link.
	n := 0
	text := linkRE.ReplaceAllStringFunc(html.EscapeString(body.Text), func(u string) string {
		n++
		short := fmt.Sprintf("https://t.co/L%s%d", st.id[len(st.id)-4:], n)
		st.urls = append(st.urls, map[string]any{"url": short, "expanded_url": html.UnescapeString(u), "display_url": strings.TrimPrefix(u, "https://")})
		return short
	})
	if len(st.mediaIDs) > 0 {
		short := "https://t.co/P" + st.id[len(st.id)-4:]
		text += " " + short
		st.urls = append(st.urls, map[string]any{"url": short, "expanded_url": "https://x.com/relais/status/" + st.id + "/photo/1",
			"display_url": "pic.x.com/P", "media_key": "3_" + st.mediaIDs[0]})
	}
	st.text = text
	f.tweets = append(f.tweets, st)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(201)
	json.NewEncoder(w).Encode(map[string]any{"data": map[string]any{"id": st.id, "text": st.text, "edit_history_tweet_ids": []string{st.id}}})
}

func (f *fakeX) timeline(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	max, err := strconv.Atoi(q.Get("max_results"))
	if err != nil || max < 5 || max > 100 {
		problem(w, 400, "Invalid Request", "max_results")
		return
	}
	var from time.Time
	if s := q.Get("start_time"); s != "" {
		if from, err = time.Parse(time.RFC3339, s); err != nil {
			problem(w, 400, "Invalid Request", "start_time")
			return
		}
	}
	f.mu.Lock()
	var list []*stored
	for _, t := range f.tweets {
		if !t.created.Before(from) {
			list = append(list, t)
		}
	}
	f.mu.Unlock()
	sort.SliceStable(list, func(i, j int) bool { return list[i].id > list[j].id })
	start, _ := strconv.Atoi(q.Get("pagination_token"))
	end := min(start+max, len(list))
	var data []map[string]any
	for _, t := range list[start:end] {
		d := map[string]any{"id": t.id, "text": t.text, "created_at": t.created.Format("2006-01-02T15:04:05.000Z"),
			"edit_history_tweet_ids": []string{t.id}}
		if len(t.urls) > 0 {
			d["entities"] = map[string]any{"urls": t.urls}
		}
		if len(t.mediaIDs) > 0 {
			keys := []string{}
			for _, id := range t.mediaIDs {
				keys = append(keys, "3_"+id)
			}
			d["attachments"] = map[string]any{"media_keys": keys}
		}
		if t.replyTo != "" {
			d["referenced_tweets"] = []map[string]string{{"type": "replied_to", "id": t.replyTo}}
		}
		data = append(data, d)
	}
	meta := map[string]any{"result_count": len(data)}
	if end < len(list) {
		meta["next_token"] = strconv.Itoa(end)
	}
	out := map[string]any{"meta": meta}
	if len(data) > 0 {
		out["data"] = data
	}
	json.NewEncoder(w).Encode(out)
}

func (f *fakeX) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.tweets)
}
