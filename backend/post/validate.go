package post

import (
	"context"
	"math"
	"strings"

	"relais/backend/account"
	"relais/backend/network"
)

// Problem codes, with the Info keys each one carries.
const (
	CodeTooLong             = "tooLong"             // over, limit, length, unit
	CodeTooManyBytes        = "tooManyBytes"        // over, limit
	CodeTooManyHashtags     = "tooManyHashtags"     // count, limit
	CodeTooManyImages       = "tooManyImages"       // count, limit
	CodeWrongAspect         = "wrongAspect"         // assetId, aspect, min, max (+ fix)
	CodeNeedsTitle          = "needsTitle"          // -
	CodeNeedsLink           = "needsLink"           // -
	CodeNeedsMedia          = "needsMedia"          // -
	CodeBoardMissing        = "boardMissing"        // - (a Pin with no board chosen)
	CodeNeedsText           = "needsText"           // - (nothing to say at all)
	CodeTitleTooLong        = "titleTooLong"        // over, limit
	CodeFirstCommentTooLong = "firstCommentTooLong" // over, limit, unit
	CodeAccountMissing      = "accountMissing"      // accountId
	CodeAssetMissing        = "assetMissing"        // assetId
)

// Rules returns the rules a variant on acc must follow: its network's,
// adjusted to the server's own limits (a Mastodon instance's).
func Rules(acc account.Account) network.Rules {
	r, _ := network.RulesFor(acc.Network)
	return r.WithLimits(acc.Limits)
}

// Validate fills each variant's network, effective text and problems. It
// saves nothing, so it can run as the user types.
func (s *Service) Validate(ctx context.Context, p Post) (Post, error) {
	visuals, _, _ := s.lib()
	vs := make([]Variant, len(p.Variants))
	cache := map[string]*Visual{}
	for i, v := range p.Variants {
		if !v.OwnText {
			v.Text = p.Text
		}
		if v.Assets == nil {
			v.Assets = []AssetRef{}
		}
		v.Problems = []Problem{}
		acc, err := s.accounts.Get(ctx, v.AccountID)
		if err != nil || acc.WorkspaceID != p.WorkspaceID {
			v.Problems = append(v.Problems, Problem{Code: CodeAccountMissing, Info: map[string]any{"accountId": v.AccountID}})
			vs[i] = v
			continue
		}
		v.Network = acc.Network
		v.Problems = s.check(ctx, v, Rules(acc), visuals, cache)
		vs[i] = v
	}
	p.Variants = vs
	if p.Labels == nil {
		p.Labels = []string{}
	}
	return p, nil
}

func (s *Service) check(ctx context.Context, v Variant, r network.Rules, visuals Visuals, cache map[string]*Visual) []Problem {
	out := []Problem{}
	for _, tp := range r.CheckText(v.Text) {
		out = append(out, Problem{Code: tp.Code, Info: tp.Info})
	}
	if r.FirstComment && v.FirstComment != "" {
		if n := r.Length(v.FirstComment); r.MaxChars > 0 && n > r.MaxChars {
			out = append(out, Problem{Code: CodeFirstCommentTooLong, Info: map[string]any{"over": n - r.MaxChars, "limit": r.MaxChars, "unit": string(r.Counting)}})
		}
	}
	if strings.TrimSpace(v.Text) == "" && len(v.Assets) == 0 && v.Title == "" {
		out = append(out, Problem{Code: CodeNeedsText, Info: map[string]any{}})
	}
	if r.TitleMax > 0 {
		if n := network.Graphemes(v.Title); n > r.TitleMax {
			out = append(out, Problem{Code: CodeTitleTooLong, Info: map[string]any{"over": n - r.TitleMax, "limit": r.TitleMax}})
		}
	}
	if r.NeedsTitle && strings.TrimSpace(v.Title) == "" {
		out = append(out, Problem{Code: CodeNeedsTitle, Info: map[string]any{}})
	}
	if r.NeedsLink && strings.TrimSpace(v.Link) == "" {
		out = append(out, Problem{Code: CodeNeedsLink, Info: map[string]any{}})
	}
	if r.NeedsBoard && strings.TrimSpace(v.Board) == "" {
		out = append(out, Problem{Code: CodeBoardMissing, Info: map[string]any{}})
	}
	if r.NeedsMedia && len(v.Assets) == 0 {
		out = append(out, Problem{Code: CodeNeedsMedia, Info: map[string]any{}})
	}
	if r.MaxImages > 0 && len(v.Assets) > r.MaxImages {
		out = append(out, Problem{Code: CodeTooManyImages, Info: map[string]any{"count": len(v.Assets), "limit": r.MaxImages}})
	}
	if visuals == nil {
		return out
	}
	for _, a := range v.Assets {
		vis, ok := cache[a.AssetID]
		if !ok {
			got, err := visuals.Visual(ctx, a.AssetID)
			if err == nil {
				vis = &got
			}
			cache[a.AssetID] = vis
		}
		if vis == nil {
			out = append(out, Problem{Code: CodeAssetMissing, Info: map[string]any{"assetId": a.AssetID}})
			continue
		}
		if r.MinAspect == 0 && r.MaxAspect == 0 {
			continue
		}
		w, h := vis.Width, vis.Height
		if a.PresetID != "" {
			for _, rd := range vis.Renditions {
				if rd.PresetID == a.PresetID {
					w, h = rd.Width, rd.Height
				}
			}
		}
		if w <= 0 || h <= 0 {
			continue
		}
		aspect := float64(w) / float64(h)
		if fits(aspect, r) {
			continue
		}
		p := Problem{Code: CodeWrongAspect, Info: map[string]any{"assetId": a.AssetID, "aspect": round2(aspect), "min": r.MinAspect, "max": r.MaxAspect}}
		if preset := bestRendition(*vis, r, aspect); preset != "" {
			p.Fix = &Fix{Kind: "rendition", AssetID: a.AssetID, PresetID: preset}
		}
		out = append(out, p)
	}
	return out
}

func fits(aspect float64, r network.Rules) bool {
	const eps = 0.005 // 1080x566 is 1.908; rounding in a preset's size is not an error
	return (r.MinAspect == 0 || aspect >= r.MinAspect-eps) && (r.MaxAspect == 0 || aspect <= r.MaxAspect+eps)
}

// bestRendition picks the rendition that fits r: one made for r's network
// first, then the one closest to the visual's own shape.
func bestRendition(v Visual, r network.Rules, aspect float64) string {
	best, bestScore := "", math.Inf(1)
	for _, rd := range v.Renditions {
		if rd.Width <= 0 || rd.Height <= 0 {
			continue
		}
		a := float64(rd.Width) / float64(rd.Height)
		if !fits(a, r) {
			continue
		}
		score := math.Abs(math.Log(a / aspect))
		if rd.Network != r.Network {
			score += 10
		}
		if score < bestScore {
			best, bestScore = rd.PresetID, score
		}
	}
	return best
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }
