package mastodontest

import (
	"encoding/json"
	"fmt"
	"html"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The publishing half of the fake: statuses, media and scheduled
// statuses, with the checks a real instance makes (text length, media
// type and size, scheduled_at at least 5 minutes ahead) and its
// idempotency: a POST /api/v1/statuses repeating an Idempotency-Key the
// same account used within the last hour returns the first status
// instead of making a second one (Mastodon keeps the key in Redis for
// 3600 s, only once the status was made).

// Status is a status as the fake keeps it.
type Status struct {
	ID          string    `json:"id"`
	CreatedAt   time.Time `json:"created_at"`
	Content     string    `json:"content"`
	Text        string    `json:"-"`
	Language    string    `json:"language,omitempty"`
	InReplyToID *string   `json:"in_reply_to_id"`
	URL         string    `json:"url"`
	URI         string    `json:"uri"`
	Visibility  string    `json:"visibility"`
	Media       []Media   `json:"media_attachments"`
	Account     struct {
		ID string `json:"id"`
	} `json:"account"`
}

// Media is an uploaded attachment.
type Media struct {
	ID          string  `json:"id"`
	Type        string  `json:"type"`
	URL         *string `json:"url"`
	Description string  `json:"description"`
	Size        int     `json:"-"`
	MIME        string  `json:"-"`
	polls       int     // GETs left before it is processed
	attached    bool
}

// Scheduled is a scheduled status.
type Scheduled struct {
	ID          string    `json:"id"`
	ScheduledAt time.Time `json:"scheduled_at"`
	Params      struct {
		Text        string   `json:"text"`
		MediaIDs    []string `json:"media_ids"`
		Language    string   `json:"language,omitempty"`
		InReplyToID *string  `json:"in_reply_to_id"`
	} `json:"params"`
	Media []Media `json:"media_attachments"`
	owner string
}

type idem struct {
	status string // status or scheduled status id
	sched  bool
	at     time.Time
}

// posts is the fake's publishing state; guarded by Fake.mu.
type posts struct {
	seq       int
	statuses  []*Status // oldest first
	media     map[string]*Media
	scheduled map[string]*Scheduled
	keys      map[string]idem   // token + key -> what it made
	owners    map[string]string // token -> account id (NewAccount); others: AccountID
	created   int               // statuses made (replays excluded)
	replays   int               // requests answered from an Idempotency-Key
}

// Options tunes the fake's publishing API.
type Options struct {
	// ProcessPolls, when set before an upload, is how many GET
	// /api/v1/media/:id answer 206 (still processing) before the media
	// is ready; the upload answers 202 meanwhile.
	ProcessPolls int
	// Hook, when set, may answer a publishing request itself (to inject
	// 429, 503…): it returns true when it did.
	Hook func(w http.ResponseWriter, r *http.Request) bool
	// IgnoreIdempotencyKey makes the instance forget keys, as one would
	// after an hour (tests of the client's own look-up).
	IgnoreIdempotencyKey bool
	// Latency delays every publishing answer after the request was
	// handled (a window in which the post exists but the client does
	// not know yet).
	Latency time.Duration
	// Now is the instance's clock; nil: time.Now.
	Now func() time.Time
}

func (f *Fake) now() time.Time {
	if f.Opts.Now != nil {
		return f.Opts.Now().UTC()
	}
	return time.Now().UTC()
}

// NewToken makes a live access token, as a finished authorization would.
func (f *Fake) NewToken() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	tok := fmt.Sprintf("access-direct-%d", len(f.tokens)+1)
	for f.tokens[tok] {
		tok += "x"
	}
	f.tokens[tok] = true
	return tok
}

// AccountID is the id of the account tokens act for, unless made by
// NewAccount.
const AccountID = "109"

// NewAccount makes another account on the instance and a live token for
// it; it returns both.
func (f *Fake) NewAccount() (token, id string) {
	tok := f.NewToken()
	f.mu.Lock()
	defer f.mu.Unlock()
	id = strconv.Itoa(200 + len(f.posts.owners))
	f.posts.owners[tok] = id
	return tok, id
}

// owner is the account a token acts for; f.mu is held.
func (f *Fake) owner(tok string) string {
	if id, ok := f.posts.owners[tok]; ok {
		return id
	}
	return AccountID
}

func (f *Fake) routePosts(mux *http.ServeMux) {
	f.posts = posts{media: map[string]*Media{}, scheduled: map[string]*Scheduled{}, keys: map[string]idem{}, owners: map[string]string{}}
	mux.HandleFunc("POST /api/v1/statuses", f.authed(f.postStatus))
	mux.HandleFunc("GET /api/v1/statuses/{id}", f.authed(f.getStatus))
	mux.HandleFunc("GET /api/v1/accounts/{id}/statuses", f.authed(f.accountStatuses))
	mux.HandleFunc("POST /api/v2/media", f.authed(f.postMedia))
	mux.HandleFunc("GET /api/v1/media/{id}", f.authed(f.getMedia))
	mux.HandleFunc("GET /api/v1/scheduled_statuses/{id}", f.authed(f.getScheduled))
	mux.HandleFunc("PUT /api/v1/scheduled_statuses/{id}", f.authed(f.putScheduled))
	mux.HandleFunc("DELETE /api/v1/scheduled_statuses/{id}", f.authed(f.deleteScheduled))
}

func (f *Fake) authed(h func(w http.ResponseWriter, r *http.Request, tok string)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if f.Opts.Hook != nil && f.Opts.Hook(w, r) {
			return
		}
		tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		f.mu.Lock()
		ok := f.tokens[tok]
		f.mu.Unlock()
		if !ok {
			writeErr(w, 401, "The access token is invalid")
			return
		}
		h(w, r, tok)
		if f.Opts.Latency > 0 {
			time.Sleep(f.Opts.Latency) // the answer is flushed when the handler returns
		}
	}
}

func (f *Fake) nextID() string {
	f.posts.seq++
	return strconv.Itoa(110000000000 + f.posts.seq)
}

func render(text string) string {
	var b strings.Builder
	for _, para := range strings.Split(text, "\n\n") {
		b.WriteString("<p>" + strings.ReplaceAll(html.EscapeString(para), "\n", "<br />") + "</p>")
	}
	return b.String()
}

func (f *Fake) maxChars() int {
	if c, ok := f.Instance["configuration"].(map[string]any); ok {
		if s, ok := c["statuses"].(map[string]any); ok {
			if n, ok := s["max_characters"].(int); ok {
				return n
			}
		}
	}
	return 500
}

func (f *Fake) postStatus(w http.ResponseWriter, r *http.Request, tok string) {
	if err := r.ParseMultipartForm(1 << 20); err != nil && err != http.ErrNotMultipart {
		writeErr(w, 400, "bad request")
		return
	}
	text := r.Form.Get("status")
	mediaIDs := r.Form["media_ids[]"]
	reply := r.Form.Get("in_reply_to_id")
	key := r.Header.Get("Idempotency-Key")
	if f.Opts.IgnoreIdempotencyKey {
		key = ""
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.now()
	if key != "" {
		if k, ok := f.posts.keys[tok+"\x00"+key]; ok && now.Sub(k.at) < time.Hour {
			f.posts.replays++
			if k.sched {
				json.NewEncoder(w).Encode(f.posts.scheduled[k.status])
			} else {
				json.NewEncoder(w).Encode(f.status(k.status))
			}
			return
		}
	}
	switch {
	case strings.TrimSpace(text) == "" && len(mediaIDs) == 0:
		writeErr(w, 422, "Validation failed: Text can't be blank")
		return
	case utf8.RuneCountInString(text) > f.maxChars():
		writeErr(w, 422, fmt.Sprintf("Validation failed: Text character limit of %d exceeded", f.maxChars()))
		return
	case len(mediaIDs) > 4:
		writeErr(w, 422, "Validation failed: Media attachments exceed the limit of 4")
		return
	case reply != "" && f.status(reply) == nil:
		writeErr(w, 404, "Record not found")
		return
	}
	var media []Media
	for _, id := range mediaIDs {
		m := f.posts.media[id]
		if m == nil || m.attached {
			writeErr(w, 422, "Validation failed: Media attachments are invalid")
			return
		}
		if m.URL == nil {
			writeErr(w, 422, "Cannot attach files that have not finished processing. Try again in a moment!")
			return
		}
		media = append(media, *m)
	}
	if at := r.Form.Get("scheduled_at"); at != "" {
		t, err := time.Parse(time.RFC3339, at)
		if err != nil || t.Before(now.Add(5*time.Minute)) {
			writeErr(w, 422, "Validation failed: Scheduled at The scheduled date must be in the future")
			return
		}
		s := &Scheduled{ID: f.nextID(), ScheduledAt: t.UTC(), Media: media, owner: f.owner(tok)}
		s.Params.Text, s.Params.MediaIDs, s.Params.Language = text, mediaIDs, r.Form.Get("language")
		for _, id := range mediaIDs {
			f.posts.media[id].attached = true
		}
		f.posts.scheduled[s.ID] = s
		if key != "" {
			f.posts.keys[tok+"\x00"+key] = idem{status: s.ID, sched: true, at: now}
		}
		json.NewEncoder(w).Encode(s)
		return
	}
	st := f.publish(f.owner(tok), text, r.Form.Get("language"), reply, media, now)
	for _, id := range mediaIDs {
		f.posts.media[id].attached = true
	}
	if key != "" {
		f.posts.keys[tok+"\x00"+key] = idem{status: st.ID, at: now}
	}
	json.NewEncoder(w).Encode(st)
}

// publish makes a status; f.mu is held.
func (f *Fake) publish(owner, text, lang, reply string, media []Media, now time.Time) *Status {
	st := &Status{ID: f.nextID(), CreatedAt: now, Content: render(text), Text: text, Language: lang,
		Visibility: "public", Media: media}
	if media == nil {
		st.Media = []Media{}
	}
	if reply != "" {
		st.InReplyToID = &reply
	}
	st.URL = f.URL + "/@cafe/" + st.ID
	st.URI = f.URL + "/users/cafe/statuses/" + st.ID
	st.Account.ID = owner
	f.posts.statuses = append(f.posts.statuses, st)
	f.posts.created++
	return st
}

func (f *Fake) status(id string) *Status {
	for _, s := range f.posts.statuses {
		if s.ID == id {
			return s
		}
	}
	return nil
}

func (f *Fake) getStatus(w http.ResponseWriter, r *http.Request, _ string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.status(r.PathValue("id"))
	if s == nil {
		writeErr(w, 404, "Record not found")
		return
	}
	json.NewEncoder(w).Encode(s)
}

func (f *Fake) accountStatuses(w http.ResponseWriter, r *http.Request, _ string) {
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	if limit <= 0 || limit > 40 {
		limit = 20
	}
	maxID := r.URL.Query().Get("max_id")
	f.mu.Lock()
	defer f.mu.Unlock()
	id := r.PathValue("id")
	known := id == AccountID
	for _, o := range f.posts.owners {
		known = known || o == id
	}
	if !known {
		writeErr(w, 404, "Record not found")
		return
	}
	out := []*Status{}
	for i := len(f.posts.statuses) - 1; i >= 0 && len(out) < limit; i-- {
		s := f.posts.statuses[i]
		if s.Account.ID != id || (maxID != "" && !idLess(s.ID, maxID)) {
			continue
		}
		out = append(out, s)
	}
	json.NewEncoder(w).Encode(out)
}

func idLess(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

func (f *Fake) mediaLimits() (int64, []string) {
	limit, types := int64(16<<20), []string{"image/jpeg", "image/png", "image/gif", "image/webp"}
	if c, ok := f.Instance["configuration"].(map[string]any); ok {
		if m, ok := c["media_attachments"].(map[string]any); ok {
			if n, ok := m["image_size_limit"].(int); ok {
				limit = int64(n)
			}
			if t, ok := m["supported_mime_types"].([]string); ok {
				types = t
			}
		}
	}
	return limit, types
}

func (f *Fake) postMedia(w http.ResponseWriter, r *http.Request, _ string) {
	limit, types := f.mediaLimits()
	if err := r.ParseMultipartForm(32 << 20); err != nil {
		writeErr(w, 422, "Validation failed: File can't be blank")
		return
	}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		writeErr(w, 422, "Validation failed: File can't be blank")
		return
	}
	defer file.Close()
	data, _ := io.ReadAll(file)
	ct, _, _ := mime.ParseMediaType(hdr.Header.Get("Content-Type"))
	sniffed := http.DetectContentType(data)
	ok := false
	for _, t := range types {
		ok = ok || (t == ct && t == sniffed)
	}
	if !ok {
		writeErr(w, 422, "Validation failed: File content type is invalid")
		return
	}
	if int64(len(data)) > limit {
		writeErr(w, 422, fmt.Sprintf("Validation failed: File file size must be less than %d MB", limit>>20))
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	m := &Media{ID: f.nextID(), Type: "image", Description: r.FormValue("description"), Size: len(data), MIME: ct, polls: f.Opts.ProcessPolls}
	if m.polls == 0 {
		u := f.URL + "/system/media/" + m.ID
		m.URL = &u
	}
	f.posts.media[m.ID] = m
	if m.polls > 0 {
		w.WriteHeader(http.StatusAccepted)
	}
	json.NewEncoder(w).Encode(m)
}

func (f *Fake) getMedia(w http.ResponseWriter, r *http.Request, _ string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	m := f.posts.media[r.PathValue("id")]
	if m == nil {
		writeErr(w, 404, "Record not found")
		return
	}
	if m.polls > 0 {
		m.polls--
		w.WriteHeader(http.StatusPartialContent)
		json.NewEncoder(w).Encode(m)
		return
	}
	if m.URL == nil {
		u := f.URL + "/system/media/" + m.ID
		m.URL = &u
	}
	json.NewEncoder(w).Encode(m)
}

func (f *Fake) getScheduled(w http.ResponseWriter, r *http.Request, _ string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.posts.scheduled[r.PathValue("id")]
	if s == nil {
		writeErr(w, 404, "Record not found")
		return
	}
	json.NewEncoder(w).Encode(s)
}

func (f *Fake) putScheduled(w http.ResponseWriter, r *http.Request, _ string) {
	r.ParseForm()
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.posts.scheduled[r.PathValue("id")]
	if s == nil {
		writeErr(w, 404, "Record not found")
		return
	}
	t, err := time.Parse(time.RFC3339, r.Form.Get("scheduled_at"))
	if err != nil || t.Before(f.now().Add(5*time.Minute)) {
		writeErr(w, 422, "Validation failed: Scheduled at The scheduled date must be in the future")
		return
	}
	s.ScheduledAt = t.UTC()
	json.NewEncoder(w).Encode(s)
}

func (f *Fake) deleteScheduled(w http.ResponseWriter, r *http.Request, _ string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.posts.scheduled[r.PathValue("id")] == nil {
		writeErr(w, 404, "Record not found")
		return
	}
	delete(f.posts.scheduled, r.PathValue("id"))
	w.Write([]byte("{}"))
}

// RunScheduled publishes the scheduled statuses that are due, as the
// instance's scheduler does, and returns how many.
func (f *Fake) RunScheduled() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.now()
	n := 0
	for id, s := range f.posts.scheduled {
		if s.ScheduledAt.After(now) {
			continue
		}
		f.publish(s.owner, s.Params.Text, s.Params.Language, "", s.Media, s.ScheduledAt)
		delete(f.posts.scheduled, id)
		n++
	}
	return n
}

// Statuses returns a copy of the statuses made, oldest first.
func (f *Fake) Statuses() []Status {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]Status, len(f.posts.statuses))
	for i, s := range f.posts.statuses {
		out[i] = *s
	}
	return out
}

// ScheduledStatuses returns a copy of the statuses waiting at the
// instance.
func (f *Fake) ScheduledStatuses() []Scheduled {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Scheduled
	for _, s := range f.posts.scheduled {
		out = append(out, *s)
	}
	return out
}

// MediaItem returns an uploaded attachment.
func (f *Fake) MediaItem(id string) (Media, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	m, ok := f.posts.media[id]
	if !ok {
		return Media{}, false
	}
	return *m, true
}

// Counts reports how many statuses were made and how many requests were
// answered from an Idempotency-Key instead.
func (f *Fake) Counts() (created, replays int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.posts.created, f.posts.replays
}
