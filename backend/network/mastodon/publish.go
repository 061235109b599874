package mastodon

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"relais/backend/network"
	"relais/backend/schedule"
)

// Publisher publishes statuses for the scheduler.
//
// Media go up through POST /api/v2/media with their alt text as
// description; an answer of 202 means the instance is still processing
// them, and GET /api/v1/media/:id is polled until it answers 200. The
// status goes through POST /api/v1/statuses with an Idempotency-Key
// header (the job's key): Mastodon answers a repeated key, for an hour,
// with the status the first request made. A first comment is a reply with
// its own derived key.
//
// Verify looks for the status among the account's recent statuses (GET
// /api/v1/accounts/:id/statuses), matching its text and alt texts, back
// to a little before the first attempt. Publish does the same look-up
// first when the first attempt is close to an hour old, so a retry past
// the instance's idempotency window still makes no second status.
type Publisher struct {
	// HTTP is the client requests go through; nil: a 60 s timeout.
	HTTP *http.Client
	// PollInterval and PollTimeout govern the wait for media processing;
	// 0: 500 ms and 2 min.
	PollInterval, PollTimeout time.Duration
	// Now is the clock; nil: time.Now.
	Now func() time.Time
}

var (
	_ schedule.Publisher = (*Publisher)(nil)
	_ schedule.HandOffer = (*Publisher)(nil)
)

// idemWindow is how long Mastodon honours an Idempotency-Key (1 h), less
// a margin for clock differences.
const idemWindow = 50 * time.Minute

// getTries is how many times a GET is tried on transport errors.
const getTries = 5

// verifySlack is how far before the first attempt a look-up still
// accepts a status (clock differences between Relais and the instance).
const verifySlack = 10 * time.Minute

func (p *Publisher) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

func (p *Publisher) http() *http.Client {
	if p.HTTP != nil {
		return p.HTTP
	}
	return publishHTTP
}

var publishHTTP = &http.Client{Timeout: 60 * time.Second}

type status struct {
	ID          string    `json:"id"`
	CreatedAt   time.Time `json:"created_at"`
	Content     string    `json:"content"`
	URL         string    `json:"url"`
	URI         string    `json:"uri"`
	InReplyToID *string   `json:"in_reply_to_id"`
	Media       []struct {
		Description string `json:"description"`
	} `json:"media_attachments"`
}

type media struct {
	ID  string  `json:"id"`
	URL *string `json:"url"`
}

// ScheduledStatus is a status the instance holds until ScheduledAt.
type ScheduledStatus struct {
	ID          string    `json:"id"`
	ScheduledAt time.Time `json:"scheduled_at"`
}

// Publish implements schedule.Publisher.
func (p *Publisher) Publish(ctx context.Context, a schedule.Account, pl schedule.Payload, key schedule.Key) (schedule.Result, error) {
	var main *status
	lookFirst := key.Retry || (!key.Since.IsZero() && p.now().Sub(key.Since) > idemWindow)
	if lookFirst {
		// An earlier attempt may have made it, and the instance may have
		// forgotten the key (after an hour, or a Redis flush): look first.
		st, err := p.find(ctx, a, pl.Text, alts(pl), "", key.Since)
		if err != nil {
			return schedule.Result{}, err
		}
		main = st
	}
	if main == nil {
		ids, err := p.upload(ctx, a, pl.Media)
		if err != nil {
			return schedule.Result{}, err
		}
		form := url.Values{"status": {pl.Text}, "media_ids[]": ids}
		if pl.Lang != "" {
			form.Set("language", pl.Lang)
		}
		var st status
		if err := p.send(ctx, a, http.MethodPost, "/api/v1/statuses", key.ID, form, &st, network.ErrInvalidContent); err != nil {
			return schedule.Result{}, err
		}
		if st.ID == "" {
			return schedule.Result{}, fmt.Errorf("%w: status without id", network.ErrProtocol)
		}
		main = &st
	}
	res := schedule.Result{RemoteID: main.ID, URL: firstNonEmpty(main.URL, main.URI)}
	if pl.FirstComment == "" {
		return res, nil
	}
	ckey := schedule.KeyAfter(key.ID)
	if lookFirst {
		c, err := p.find(ctx, a, pl.FirstComment, nil, main.ID, key.Since)
		if err != nil {
			return res, err
		}
		if c != nil {
			res.CommentID = c.ID
			return res, nil
		}
	}
	form := url.Values{"status": {pl.FirstComment}, "in_reply_to_id": {main.ID}}
	if pl.Lang != "" {
		form.Set("language", pl.Lang)
	}
	var c status
	if err := p.send(ctx, a, http.MethodPost, "/api/v1/statuses", ckey, form, &c, network.ErrInvalidContent); err != nil {
		return res, err
	}
	res.CommentID = c.ID
	return res, nil
}

// Verify implements schedule.Publisher.
func (p *Publisher) Verify(ctx context.Context, a schedule.Account, pl schedule.Payload, key schedule.Key) (schedule.Result, bool, error) {
	st, err := p.find(ctx, a, pl.Text, alts(pl), "", key.Since)
	if err != nil || st == nil {
		return schedule.Result{}, false, err
	}
	res := schedule.Result{RemoteID: st.ID, URL: firstNonEmpty(st.URL, st.URI)}
	if pl.FirstComment == "" {
		return res, true, nil
	}
	c, err := p.find(ctx, a, pl.FirstComment, nil, st.ID, key.Since)
	if err != nil || c == nil {
		return res, false, err
	}
	res.CommentID = c.ID
	return res, true, nil
}

// HandOff gives the post to the instance to publish at at (scheduled_at,
// at least 5 minutes ahead), so it goes out with Relais closed. A first
// comment cannot be handed off (it replies to a status that does not
// exist yet). It returns the scheduled status's id.
func (p *Publisher) HandOff(ctx context.Context, a schedule.Account, pl schedule.Payload, key schedule.Key, at time.Time) (string, error) {
	s, err := p.Scheduled(ctx, a, pl, key, at)
	return s.ID, err
}

// Scheduled is HandOff returning the whole scheduled status.
func (p *Publisher) Scheduled(ctx context.Context, a schedule.Account, pl schedule.Payload, key schedule.Key, at time.Time) (ScheduledStatus, error) {
	ids, err := p.upload(ctx, a, pl.Media)
	if err != nil {
		return ScheduledStatus{}, err
	}
	form := url.Values{"status": {pl.Text}, "media_ids[]": ids, "scheduled_at": {at.UTC().Format(time.RFC3339)}}
	if pl.Lang != "" {
		form.Set("language", pl.Lang)
	}
	var s ScheduledStatus
	if err = p.send(ctx, a, http.MethodPost, "/api/v1/statuses", key.ID, form, &s, network.ErrInvalidContent); err == nil && s.ID == "" {
		err = fmt.Errorf("%w: scheduled status without id", network.ErrProtocol)
	}
	return s, err
}

// MoveHandOff changes when the instance publishes a handed-off status.
func (p *Publisher) MoveHandOff(ctx context.Context, a schedule.Account, id string, at time.Time) error {
	return p.send(ctx, a, http.MethodPut, "/api/v1/scheduled_statuses/"+url.PathEscape(id), "",
		url.Values{"scheduled_at": {at.UTC().Format(time.RFC3339)}}, nil, network.ErrInvalidContent)
}

// CancelHandOff deletes a handed-off status before it goes out; one the
// instance no longer holds (already published or deleted) is not an
// error: found says which.
func (p *Publisher) CancelHandOff(ctx context.Context, a schedule.Account, id string) (found bool, err error) {
	err = p.send(ctx, a, http.MethodDelete, "/api/v1/scheduled_statuses/"+url.PathEscape(id), "", nil, nil, network.ErrProtocol)
	var se *network.StatusError
	if errors.As(err, &se) && se.Status == http.StatusNotFound {
		return false, nil
	}
	return err == nil, err
}

// HandedOff reports whether the instance still holds a scheduled status.
func (p *Publisher) HandedOff(ctx context.Context, a schedule.Account, id string) (bool, error) {
	err := p.send(ctx, a, http.MethodGet, "/api/v1/scheduled_statuses/"+url.PathEscape(id), "", nil, nil, network.ErrProtocol)
	var se *network.StatusError
	if errors.As(err, &se) && se.Status == http.StatusNotFound {
		return false, nil
	}
	return err == nil, err
}

func alts(pl schedule.Payload) []string {
	out := make([]string, 0, len(pl.Media))
	for _, m := range pl.Media {
		out = append(out, m.Alt)
	}
	return out
}

// upload sends each image and waits until the instance has processed it.
func (p *Publisher) upload(ctx context.Context, a schedule.Account, ms []schedule.Media) ([]string, error) {
	var ids []string
	for i, m := range ms {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename="image-%d%s"`, i+1, ext(m.MIME)))
		h.Set("Content-Type", m.MIME)
		w, _ := mw.CreatePart(h)
		w.Write(m.Data)
		if m.Alt != "" {
			mw.WriteField("description", m.Alt)
		}
		mw.Close()
		var up media
		status, err := p.raw(ctx, a, http.MethodPost, "/api/v2/media", "", mw.FormDataContentType(), &body, &up, network.ErrMediaRejected)
		if err != nil {
			return nil, err
		}
		if up.ID == "" {
			return nil, fmt.Errorf("%w: media without id", network.ErrProtocol)
		}
		if status == http.StatusAccepted || up.URL == nil {
			if err := p.waitProcessed(ctx, a, up.ID); err != nil {
				return nil, err
			}
		}
		ids = append(ids, up.ID)
	}
	return ids, nil
}

func ext(mime string) string {
	switch mime {
	case "image/jpeg":
		return ".jpg"
	case "image/png":
		return ".png"
	case "image/gif":
		return ".gif"
	case "image/webp":
		return ".webp"
	}
	return ""
}

// waitProcessed polls GET /api/v1/media/:id until it answers 200 with a
// URL (206 means still processing).
func (p *Publisher) waitProcessed(ctx context.Context, a schedule.Account, id string) error {
	interval, timeout := p.PollInterval, p.PollTimeout
	if interval <= 0 {
		interval = 500 * time.Millisecond
	}
	if timeout <= 0 {
		timeout = 2 * time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for {
		var m media
		status, err := p.raw(ctx, a, http.MethodGet, "/api/v1/media/"+url.PathEscape(id), "", "", nil, &m, network.ErrMediaRejected)
		if err != nil {
			return err
		}
		if status == http.StatusOK && m.URL != nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return &network.StatusError{Status: http.StatusPartialContent, Reason: "media still processing", Err: network.ErrUnreachable}
		case <-time.After(interval):
		}
	}
}

// find looks for a status of the account with text (and alt texts when
// alts is not nil), replying to replyTo when set, made since since (less
// verifySlack). It returns nil when there is none.
func (p *Publisher) find(ctx context.Context, a schedule.Account, text string, alts []string, replyTo string, since time.Time) (*status, error) {
	want := squash(text)
	maxID := ""
	for page := 0; page < 25; page++ {
		q := url.Values{"limit": {"40"}}
		if maxID != "" {
			q.Set("max_id", maxID)
		}
		var sts []status
		if err := p.send(ctx, a, http.MethodGet, "/api/v1/accounts/"+url.PathEscape(a.RemoteID)+"/statuses?"+q.Encode(), "", nil, &sts, network.ErrProtocol); err != nil {
			return nil, err
		}
		for i := range sts {
			s := &sts[i]
			if !since.IsZero() && s.CreatedAt.Before(since.Add(-verifySlack)) {
				return nil, nil
			}
			if replyTo != "" && (s.InReplyToID == nil || *s.InReplyToID != replyTo) {
				continue
			}
			if replyTo == "" && s.InReplyToID != nil {
				continue
			}
			if squash(plain(s.Content)) != want {
				continue
			}
			if alts != nil && !sameAlts(s, alts) {
				continue
			}
			return s, nil
		}
		if len(sts) == 0 {
			return nil, nil
		}
		maxID = sts[len(sts)-1].ID
	}
	return nil, nil
}

func sameAlts(s *status, alts []string) bool {
	if len(s.Media) != len(alts) {
		return false
	}
	for i, m := range s.Media {
		if squash(m.Description) != squash(alts[i]) {
			return false
		}
	}
	return true
}

var tags = regexp.MustCompile(`<[^>]*>`)

// plain turns a status's HTML content back into its text: Mastodon
// wraps paragraphs, line breaks, links, mentions and hashtags in tags but
// keeps every character of the text in the content.
func plain(content string) string {
	content = strings.NewReplacer("<br />", "\n", "<br>", "\n", "</p><p>", "\n\n").Replace(content)
	return html.UnescapeString(tags.ReplaceAllString(content, ""))
}

// squash drops white space, so rendering differences do not matter.
func squash(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// send makes a form (or bodiless) call and decodes the JSON answer.
// refused is the sentinel a 422 maps to.
func (p *Publisher) send(ctx context.Context, a schedule.Account, method, path, idemKey string, form url.Values, out any, refused error) error {
	var body io.Reader
	ct := ""
	if form != nil {
		body, ct = strings.NewReader(form.Encode()), "application/x-www-form-urlencoded"
	}
	_, err := p.raw(ctx, a, method, path, idemKey, ct, body, out, refused)
	return err
}

// raw makes one call. Transport failures wrap network.ErrUnreachable,
// and network.ErrNotSent when no connection was made; 422 and 413 wrap
// refused; 429 and 503 carry Retry-After.
func (p *Publisher) raw(ctx context.Context, a schedule.Account, method, path, idemKey, ct string, body io.Reader, out any, refused error) (int, error) {
	server := strings.TrimRight(a.Server, "/")
	req, err := http.NewRequestWithContext(ctx, method, server+path, body)
	if err != nil {
		return 0, fmt.Errorf("%w: %v", network.ErrProtocol, err)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", "Bearer "+a.Token.Access)
	if idemKey != "" {
		req.Header.Set("Idempotency-Key", idemKey)
	}
	resp, err := p.http().Do(req)
	// A read is safe to repeat: a look-up is not abandoned for one lost
	// connection.
	for try := 1; err != nil && method == http.MethodGet && try < getTries && ctx.Err() == nil; try++ {
		select {
		case <-ctx.Done():
		case <-time.After(time.Duration(try*try) * 50 * time.Millisecond):
		}
		req = req.Clone(ctx)
		resp, err = p.http().Do(req)
	}
	if err != nil {
		if ctx.Err() != nil && !network.Unsent(err) {
			return 0, fmt.Errorf("%w: %s: %w", network.ErrUnreachable, req.URL.Host, ctx.Err())
		}
		return 0, network.TransportError(req.URL.Host, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return resp.StatusCode, fmt.Errorf("%w: reading %s: %v", network.ErrUnreachable, req.URL.Host, err)
	}
	if resp.StatusCode >= 300 {
		var ae apiError
		json.Unmarshal(b, &ae)
		reason := ae.Error
		if len(reason) > 200 {
			reason = reason[:200]
		}
		se := &network.StatusError{Status: resp.StatusCode, Reason: reason, Err: network.Classify(resp.StatusCode)}
		switch resp.StatusCode {
		case http.StatusUnprocessableEntity, http.StatusRequestEntityTooLarge:
			se.Err = refused
		case http.StatusTooManyRequests, http.StatusServiceUnavailable:
			se.RetryAfter = retryAfter(resp.Header, p.now())
		}
		return resp.StatusCode, se
	}
	if out == nil {
		return resp.StatusCode, nil
	}
	if err := json.Unmarshal(b, out); err != nil {
		return resp.StatusCode, fmt.Errorf("%w: %s answered something that is not JSON", network.ErrProtocol, req.URL.Host)
	}
	return resp.StatusCode, nil
}

// retryAfter reads Retry-After (seconds or an HTTP date), else
// Mastodon's X-RateLimit-Reset (an ISO 8601 time).
func retryAfter(h http.Header, now time.Time) time.Duration {
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n >= 0 {
			return time.Duration(n) * time.Second
		}
		if t, err := http.ParseTime(v); err == nil {
			return max(t.Sub(now), 0)
		}
	}
	if v := strings.TrimSpace(h.Get("X-RateLimit-Reset")); v != "" {
		if t, err := time.Parse(time.RFC3339, v); err == nil {
			return max(t.Sub(now), 0)
		}
	}
	return 0
}
