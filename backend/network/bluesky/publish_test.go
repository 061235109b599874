package bluesky

// Publishing against the real Bluesky server (RELAIS_PDS_URL; see
// pds_test.go).

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"image"
	"image/color"
	"image/png"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"relais/backend/network"
	"relais/backend/network/bluesky/pdstest"
	"relais/backend/schedule"
)

func pngBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		for y := range h {
			img.Set(x, y, color.RGBA{uint8(x * 3), uint8(y * 5), 90, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// publishAccount connects a fresh account on the real server.
func publishAccount(t *testing.T, server string) (pdstest.Account, schedule.Account) {
	t.Helper()
	ta := pdstest.NewAccount(t, server)
	g := connect(t, &Client{}, server, ta.Handle, ta.AppPassword)
	return ta, schedule.Account{ID: "acct-" + ta.Handle, Network: network.Bluesky, Server: server,
		RemoteID: g.Profile.RemoteID, Handle: g.Profile.Handle, Token: g.Token}
}

type record struct {
	URI   string `json:"uri"`
	CID   string `json:"cid"`
	Value struct {
		Text   string   `json:"text"`
		Langs  []string `json:"langs"`
		Facets []struct {
			Index    facetIndex       `json:"index"`
			Features []map[string]any `json:"features"`
		} `json:"facets"`
		Embed struct {
			Type   string `json:"$type"`
			Images []struct {
				Alt   string `json:"alt"`
				Image struct {
					Ref struct {
						Link string `json:"$link"`
					} `json:"ref"`
					Size int `json:"size"`
				} `json:"image"`
				AspectRatio struct {
					Width  int `json:"width"`
					Height int `json:"height"`
				} `json:"aspectRatio"`
			} `json:"images"`
		} `json:"embed"`
		Reply struct {
			Root   strongRef `json:"root"`
			Parent strongRef `json:"parent"`
		} `json:"reply"`
	} `json:"value"`
}

func getRec(t *testing.T, server, did, rkey string) (record, int) {
	t.Helper()
	var r record
	status, _ := pdstest.XRPC(t, server, "GET", "com.atproto.repo.getRecord?"+url.Values{"repo": {did}, "collection": {postCollection}, "rkey": {rkey}}.Encode(), "", nil, &r)
	return r, status
}

func countPosts(t *testing.T, server, did string) int {
	t.Helper()
	var out struct {
		Records []json.RawMessage `json:"records"`
	}
	pdstest.MustXRPC(t, server, "GET", "com.atproto.repo.listRecords?"+url.Values{"repo": {did}, "collection": {postCollection}, "limit": {"100"}}.Encode(), "", nil, &out)
	return len(out.Records)
}

func TestPublishPost(t *testing.T) {
	server := pdstest.Server(t)
	ta, a := publishAccount(t, server)
	friend := pdstest.NewAccount(t, server)
	ctx := context.Background()
	p := &Publisher{}
	img1, img2 := pngBytes(t, 120, 68), pngBytes(t, 50, 50)
	text := "Café ☕ ouvert ! Voir https://example.com/carte?x=1. Merci @" + friend.Handle + " #boulangerie #2027 #pâtisserie!"
	pl := schedule.Payload{Text: text, FirstComment: "Réservations : https://example.com/resa", Lang: "fr",
		Media: []schedule.Media{
			{Data: img1, MIME: "image/png", Alt: "La vitrine", Width: 1200, Height: 675},
			{Data: img2, MIME: "image/png", Alt: "Un croissant", Width: 50, Height: 50},
		}}
	key := schedule.Key{ID: schedule.NewKey(time.Now()), Since: time.Now()}
	res, err := p.Publish(ctx, a, pl, key)
	if err != nil {
		t.Fatal(err)
	}
	if res.RemoteID != "at://"+ta.DID+"/"+postCollection+"/"+key.ID || !strings.HasSuffix(res.URL, "/post/"+key.ID) || res.CommentID == "" {
		t.Errorf("result = %+v", res)
	}
	rec, status := getRec(t, server, ta.DID, key.ID)
	if status != 200 {
		t.Fatalf("getRecord: HTTP %d", status)
	}
	v := rec.Value
	if v.Text != text || len(v.Langs) != 1 || v.Langs[0] != "fr" {
		t.Errorf("record text %q langs %v", v.Text, v.Langs)
	}
	// Facets on UTF-8 byte offsets: the text before them has multi-byte
	// characters (é, ☕).
	want := map[string]string{
		"https://example.com/carte?x=1": "app.bsky.richtext.facet#link",
		"@" + friend.Handle:             "app.bsky.richtext.facet#mention",
		"#boulangerie":                  "app.bsky.richtext.facet#tag",
		"#pâtisserie":                   "app.bsky.richtext.facet#tag",
	}
	if len(v.Facets) != len(want) {
		t.Errorf("%d facets; want %d (not #2027): %+v", len(v.Facets), len(want), v.Facets)
	}
	for _, f := range v.Facets {
		span := []byte(text)[f.Index.ByteStart:f.Index.ByteEnd]
		typ, _ := f.Features[0]["$type"].(string)
		if want[string(span)] != typ {
			t.Errorf("facet %q is %s; want %s", span, typ, want[string(span)])
		}
		if typ == "app.bsky.richtext.facet#mention" && f.Features[0]["did"] != friend.DID {
			t.Errorf("mention did = %v; want %s", f.Features[0]["did"], friend.DID)
		}
		if typ == "app.bsky.richtext.facet#tag" && "#"+f.Features[0]["tag"].(string) != string(span) {
			t.Errorf("tag %v for %q", f.Features[0]["tag"], span)
		}
	}
	if e := v.Embed; e.Type != "app.bsky.embed.images" || len(e.Images) != 2 || e.Images[0].Alt != "La vitrine" ||
		e.Images[0].AspectRatio.Width != 1200 || e.Images[0].AspectRatio.Height != 675 || e.Images[1].Alt != "Un croissant" {
		t.Errorf("embed = %+v", e)
	} else {
		resp, err := http.Get(server + "/xrpc/com.atproto.sync.getBlob?" + url.Values{"did": {ta.DID}, "cid": {e.Images[0].Image.Ref.Link}}.Encode())
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !bytes.Equal(got, img1) {
			t.Errorf("getBlob gave %d bytes; want the %d uploaded", len(got), len(img1))
		}
	}
	comment, status := getRec(t, server, ta.DID, schedule.KeyAfter(key.ID))
	if status != 200 || comment.Value.Text != pl.FirstComment || comment.Value.Reply.Root.URI != rec.URI || comment.Value.Reply.Parent.CID != rec.CID {
		t.Errorf("comment = HTTP %d %+v; want a reply to %s", status, comment.Value, rec.URI)
	}

	// A retry of the same job: no second post, same result.
	again, err := p.Publish(ctx, a, pl, key)
	if err != nil || again != res {
		t.Errorf("retry = %+v, %v; want %+v", again, err, res)
	}
	got, found, err := p.Verify(ctx, a, pl, key)
	if err != nil || !found || got != res {
		t.Errorf("Verify = %+v, %v, %v", got, found, err)
	}
	if n := countPosts(t, server, ta.DID); n != 2 {
		t.Errorf("%d records; want the post and its comment", n)
	}
	if _, found, err := p.Verify(ctx, a, pl, schedule.Key{ID: schedule.NewKey(time.Now())}); err != nil || found {
		t.Errorf("Verify(unknown key) = %v, %v; want not found", found, err)
	}

	// createRecord refused for an existing key (the server answers 500):
	// Publish reads the record back instead of failing.
	ref, err := p.createRecord(ctx, server, a.Token.Access, ta.DID, key.ID, map[string]any{"$type": postCollection, "text": "x", "createdAt": time.Now().UTC().Format(time.RFC3339)})
	if err != nil || ref.URI != rec.URI {
		t.Errorf("createRecord(existing key) = %+v, %v; want the existing record", ref, err)
	}
}

func TestPublishLinkCard(t *testing.T) {
	server := pdstest.Server(t)
	ta, a := publishAccount(t, server)
	key := schedule.Key{ID: schedule.NewKey(time.Now())}
	if _, err := (&Publisher{}).Publish(context.Background(), a, schedule.Payload{Text: "Notre nouvelle carte", Link: "https://example.com/carte", Title: "La carte"}, key); err != nil {
		t.Fatal(err)
	}
	var r struct {
		Value struct {
			Embed struct {
				Type     string            `json:"$type"`
				External map[string]string `json:"external"`
			} `json:"embed"`
		} `json:"value"`
	}
	pdstest.XRPC(t, server, "GET", "com.atproto.repo.getRecord?"+url.Values{"repo": {ta.DID}, "collection": {postCollection}, "rkey": {key.ID}}.Encode(), "", nil, &r)
	if r.Value.Embed.Type != "app.bsky.embed.external" || r.Value.Embed.External["uri"] != "https://example.com/carte" || r.Value.Embed.External["title"] != "La carte" {
		t.Errorf("embed = %+v", r.Value.Embed)
	}
}

func TestPublishErrors(t *testing.T) {
	server := pdstest.Server(t)
	ta, a := publishAccount(t, server)
	ctx := context.Background()
	p := &Publisher{}
	key := func() schedule.Key { return schedule.Key{ID: schedule.NewKey(time.Now())} }

	big := schedule.Payload{Text: "x", Media: []schedule.Media{{Data: make([]byte, MaxImageBytes+1), MIME: "image/png"}}}
	if _, err := p.Publish(ctx, a, big, key()); !errors.Is(err, network.ErrMediaRejected) {
		t.Errorf("image over 2 MB = %v; want ErrMediaRejected", err)
	}
	if _, err := p.Publish(ctx, a, schedule.Payload{Text: strings.Repeat("é", 301)}, key()); !errors.Is(err, network.ErrInvalidContent) || !strings.Contains(err.Error(), "grapheme") {
		t.Errorf("301 graphemes = %v; want ErrInvalidContent saying why", err)
	}
	forged := a
	forged.Token.Access = "forged"
	if _, err := p.Publish(ctx, forged, schedule.Payload{Text: "x"}, key()); !errors.Is(err, network.ErrRevoked) {
		t.Errorf("bad token = %v; want ErrRevoked", err)
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	dead := a
	dead.Server = "http://" + ln.Addr().String()
	ln.Close()
	_, err := p.Publish(ctx, dead, schedule.Payload{Text: "x"}, key())
	if !errors.Is(err, network.ErrNotSent) {
		t.Errorf("server down = %v; want ErrNotSent", err)
	}
	assertNoSecret(t, err, a.Token.Access, a.Token.Refresh)
	if n := countPosts(t, server, ta.DID); n != 0 {
		t.Errorf("%d posts after refusals; want 0", n)
	}
}

func TestFacetsOffsets(t *testing.T) {
	p := &Publisher{}
	text := "🎉 Fête #été, lien (https://a.example/x_(y)) et https://b.example/z#frag."
	fs := p.facets(context.Background(), "http://127.0.0.1:1", text)
	var spans []string
	for _, f := range fs {
		spans = append(spans, text[f.Index.ByteStart:f.Index.ByteEnd])
	}
	want := []string{"https://a.example/x_(y)", "https://b.example/z#frag", "#été"}
	if strings.Join(spans, "|") != strings.Join(want, "|") {
		t.Errorf("facets = %q; want %q", spans, want)
	}
}
