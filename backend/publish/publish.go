// Package publish joins the editorial plan to the scheduler.
//
// # Model
//
// A post that is scheduled, with a due time, has one scheduler job per
// variant; the job's id is the variant's id, so planning the same post
// again updates its jobs instead of adding new ones, and a job never
// outlives its variant. Any other status (an idea, a draft taken back from
// the plan) has no job waiting. Sync keeps that true after every change of
// a post (save, move, status, delete); it never touches a job that has
// started or gone out (the scheduler refuses, and publish leaves those to
// the scheduler's own verification).
//
// Content is what the scheduler calls when a job is due: it reads the
// variant at that moment (so the last edit is what goes out) and renders
// its visuals for the network through the library — re-encoded, so the
// picture's metadata (GPS included) never leaves the machine, and within
// the network's size budget.
package publish

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"

	"relais/backend/library"
	"relais/backend/post"
	"relais/backend/rendition"
	"relais/backend/schedule"
	"relais/backend/workspace"
)

// Posts reads posts (post.Service is one).
type Posts interface {
	Get(ctx context.Context, id string) (post.Post, error)
}

// Visuals renders library visuals (library.Library is one).
type Visuals interface {
	Get(ctx context.Context, id string) (library.Asset, error)
	Renditions(ctx context.Context, id string, presets []string, background string) ([]library.Rendition, error)
	OpenBlob(hash string) (*os.File, error)
}

// Workspaces gives a post's workspace (workspace.Service is one).
type Workspaces interface {
	Get(ctx context.Context, id string) (workspace.Workspace, error)
}

// Content implements schedule.Content over posts and the library.
type Content struct {
	posts   Posts
	visuals Visuals
	spaces  Workspaces
}

var _ schedule.Content = (*Content)(nil)

// NewContent returns the scheduler's view of the plan. visuals may be nil
// (no library): a variant with visuals then fails to load.
func NewContent(posts Posts, visuals Visuals, spaces Workspaces) *Content {
	return &Content{posts: posts, visuals: visuals, spaces: spaces}
}

// ErrNoVisuals means a variant names visuals but no library is there.
var ErrNoVisuals = errors.New("publish: the visual library is not available")

// Load returns what a variant publishes now. A post or variant that no
// longer exists, or that is no longer scheduled, is ErrGone for the
// scheduler (the job is cancelled).
func (c *Content) Load(ctx context.Context, postID, variantID string) (schedule.Payload, error) {
	p, err := c.posts.Get(ctx, postID)
	if errors.Is(err, post.ErrNotFound) {
		return schedule.Payload{}, fmt.Errorf("%w: post %s", schedule.ErrGone, postID)
	}
	if err != nil {
		return schedule.Payload{}, err
	}
	if p.Status != post.StatusScheduled && p.Status != post.StatusFailed && p.Status != post.StatusPublished {
		return schedule.Payload{}, fmt.Errorf("%w: post %s is %s", schedule.ErrGone, postID, p.Status)
	}
	v, ok := variantOf(p, variantID)
	if !ok {
		return schedule.Payload{}, fmt.Errorf("%w: variant %s", schedule.ErrGone, variantID)
	}
	pl := schedule.Payload{Text: p.Text, FirstComment: v.FirstComment, Title: v.Title, Link: v.Link, Board: v.Board}
	if v.OwnText {
		pl.Text = v.Text
	}
	if ws, err := c.spaces.Get(ctx, p.WorkspaceID); err == nil {
		pl.Lang = ws.Language
	}
	for _, ref := range v.Assets {
		m, err := c.media(ctx, string(v.Network), ref)
		if err != nil {
			return schedule.Payload{}, err
		}
		pl.Media = append(pl.Media, m)
	}
	return pl, nil
}

func variantOf(p post.Post, id string) (post.Variant, bool) {
	for _, v := range p.Variants {
		if v.ID == id {
			return v, true
		}
	}
	return post.Variant{}, false
}

// media renders one visual for a network: the preset the variant chose,
// or, for "the original", the network's preset closest to the picture's
// own shape (a re-encode is what strips its metadata and keeps it within
// the network's budget).
func (c *Content) media(ctx context.Context, net string, ref post.AssetRef) (schedule.Media, error) {
	if c.visuals == nil {
		return schedule.Media{}, ErrNoVisuals
	}
	a, err := c.visuals.Get(ctx, ref.AssetID)
	if errors.Is(err, library.ErrNotFound) {
		return schedule.Media{}, fmt.Errorf("publish: visual %s: %w", ref.AssetID, schedule.ErrVisualGone)
	}
	if err != nil {
		return schedule.Media{}, fmt.Errorf("publish: visual %s: %w", ref.AssetID, err)
	}
	preset := ref.PresetID
	if preset == "" {
		preset = closestPreset(net, a.Width, a.Height)
	}
	if preset == "" {
		return schedule.Media{}, fmt.Errorf("publish: no image size for %s: %w", net, library.ErrUnknownPreset)
	}
	rs, err := c.visuals.Renditions(ctx, a.ID, []string{preset}, "")
	if err != nil {
		return schedule.Media{}, fmt.Errorf("publish: rendering %s for %s: %w", a.Name, preset, err)
	}
	if len(rs) != 1 || rs[0].Blob == "" {
		return schedule.Media{}, fmt.Errorf("publish: rendering %s for %s: %w", a.Name, preset, io.ErrUnexpectedEOF)
	}
	data, err := readAll(c.visuals, rs[0].Blob)
	if err != nil {
		return schedule.Media{}, fmt.Errorf("publish: reading the rendition of %s: %w", a.Name, err)
	}
	alt := ref.Alt
	if alt == "" {
		alt = a.Alt
	}
	return schedule.Media{Data: data, MIME: "image/jpeg", Alt: alt, Width: rs[0].Width, Height: rs[0].Height}, nil
}

// closestPreset returns the id of net's preset whose aspect ratio is
// nearest to w×h (compared on a log scale, so 2:1 and 1:2 are as far from
// square), or "" when net has none.
func closestPreset(net string, w, h int) string {
	if w <= 0 || h <= 0 {
		return ""
	}
	want := math.Log(float64(w) / float64(h))
	best, bestD := "", math.Inf(1)
	for _, p := range rendition.ForNetwork(net) {
		d := math.Abs(math.Log(float64(p.Width)/float64(p.Height)) - want)
		if d < bestD {
			best, bestD = p.ID, d
		}
	}
	return best
}

func readAll(v Visuals, hash string) ([]byte, error) {
	f, err := v.OpenBlob(hash)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}
