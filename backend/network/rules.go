package network

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rivo/uniseg"
	"golang.org/x/net/idna"
	"golang.org/x/text/unicode/norm"
)

// Publishing rules, as data.
//
// One table (rules, below) holds what each network accepts in a post: how
// long its text may be and how that length is counted, how many images,
// which aspect ratios, and which fields a post must have. Validation,
// previews and the editor's counters all read it, so one edit here
// updates them together. Each row carries the date its values were last
// checked against the network's own documentation (shared/NETWORKS.md).

// Counting is how a network measures a text's length.
type Counting string

// The ways networks count text.
const (
	// CountGraphemes counts user-perceived characters (extended grapheme
	// clusters, UAX #29): Bluesky.
	CountGraphemes Counting = "graphemes"
	// CountWeighted is twitter-text v3's weighted length: X.
	CountWeighted Counting = "weighted"
	// CountChars counts Unicode code points of the NFC text, with URLs
	// at a fixed length when URLLength is set: Mastodon and the rest.
	CountChars Counting = "chars"
)

// Rules is what one network accepts in a post.
type Rules struct {
	Network  Name     `json:"network"`
	MaxChars int      `json:"maxChars"` // the text (caption, description) limit
	Counting Counting `json:"counting"`
	// MaxBytes caps the UTF-8 size of the text too (Bluesky); 0: none.
	MaxBytes int `json:"maxBytes"`
	// URLLength is what every link counts for; 0: links count as written.
	URLLength int `json:"urlLength"`
	// MaxHashtags caps #hashtags in the text; 0: no cap.
	MaxHashtags int `json:"maxHashtags"`
	MaxImages   int `json:"maxImages"`
	// MinAspect and MaxAspect bound an image's width/height; 0: any.
	MinAspect float64 `json:"minAspect"`
	MaxAspect float64 `json:"maxAspect"`
	// ImageTypes lists the formats the API takes ("jpeg", "png", "gif",
	// "webp"); empty: any of them.
	ImageTypes    []string `json:"imageTypes"`
	MaxImageBytes int64    `json:"maxImageBytes"`
	NeedsTitle    bool     `json:"needsTitle"`
	NeedsLink     bool     `json:"needsLink"`
	NeedsMedia    bool     `json:"needsMedia"`
	// NeedsBoard says a post goes to a board the user picks
	// (post.Variant.Board): Pinterest creates every Pin on a board.
	NeedsBoard bool `json:"needsBoard"`
	// TitleMax is the title limit where the network has a title
	// (Pinterest, YouTube); 0: no title field.
	TitleMax int `json:"titleMax"`
	// HasLink says the network has a separate destination-link field
	// (Pinterest).
	HasLink bool `json:"hasLink"`
	// FirstComment says a first comment can be posted with the post.
	FirstComment bool `json:"firstComment"`
	// HandOff says the network can hold a post until its time
	// (Mastodon's scheduled_at), so it goes out with Relais closed.
	HandOff bool `json:"handOff"`
	// Checked is when these values were last compared with the
	// network's documentation (YYYY-MM-DD).
	Checked string `json:"checked"`
}

const checked = "2026-11-23"

// twitter-text v3 configuration (config/v3.json in twitter/twitter-text):
// weights are in hundredths of a character.
const (
	xScale         = 100
	xDefaultWeight = 200
	xURLLength     = 23
)

// xRanges are twitter-text v3's ranges of weight 100 (Latin, Greek,
// Cyrillic, Hebrew, Arabic, Indic scripts… and some punctuation); every
// other code point weighs 200.
var xRanges = []struct{ lo, hi rune }{
	{0x0000, 0x10FF},
	{0x2000, 0x200D},
	{0x2010, 0x201F},
	{0x2032, 0x2037},
}

var rules = []Rules{
	{Network: Mastodon, MaxChars: 500, Counting: CountChars, URLLength: 23, MaxImages: 4, MaxImageBytes: 16 << 20, FirstComment: true, HandOff: true, Checked: checked},
	{Network: Bluesky, MaxChars: 300, Counting: CountGraphemes, MaxBytes: 3000, MaxImages: 4,
		ImageTypes: []string{"jpeg", "png", "webp"}, MaxImageBytes: 2 << 20, FirstComment: true, Checked: checked},
	{Network: X, MaxChars: 280, Counting: CountWeighted, URLLength: xURLLength, MaxImages: 4, MaxImageBytes: 5 << 20, FirstComment: true, Checked: checked},
	{Network: LinkedIn, MaxChars: 3000, Counting: CountChars, MaxImages: 20, MaxImageBytes: 8 << 20, FirstComment: true, Checked: checked},
	{Network: LinkedInPage, MaxChars: 3000, Counting: CountChars, MaxImages: 20, MaxImageBytes: 8 << 20, FirstComment: true, Checked: checked},
	{Network: Facebook, MaxChars: 63206, Counting: CountChars, MaxImages: 10, FirstComment: true, Checked: checked},
	{Network: Instagram, MaxChars: 2200, Counting: CountChars, MaxHashtags: 30, MaxImages: 10, MinAspect: 0.8, MaxAspect: 1.91,
		ImageTypes: []string{"jpeg"}, MaxImageBytes: 8 << 20, NeedsMedia: true, FirstComment: true, Checked: checked},
	{Network: Threads, MaxChars: 500, Counting: CountChars, MaxImages: 10, ImageTypes: []string{"jpeg", "png"}, MaxImageBytes: 8 << 20,
		FirstComment: true, Checked: checked},
	{Network: Pinterest, MaxChars: 500, Counting: CountChars, MaxImages: 5, MaxImageBytes: 20 << 20, NeedsMedia: true,
		NeedsBoard: true, TitleMax: 100, HasLink: true, Checked: checked},
	{Network: YouTube, MaxChars: 5000, Counting: CountChars, MaxImages: 1, MaxImageBytes: 2 << 20, NeedsTitle: true, NeedsMedia: true,
		TitleMax: 100, Checked: checked},
	{Network: TikTok, MaxChars: 2200, Counting: CountChars, MaxImages: 35, NeedsMedia: true, Checked: checked},
	{Network: GoogleBusiness, MaxChars: 1500, Counting: CountChars, MaxImages: 1, MaxImageBytes: 5 << 20, Checked: checked},
}

// AllRules returns every network's rules in All order. The slice is a copy.
func AllRules() []Rules {
	out := make([]Rules, len(rules))
	copy(out, rules)
	for i := range out {
		if out[i].ImageTypes == nil {
			out[i].ImageTypes = []string{}
		}
	}
	return out
}

// RulesFor returns n's rules; ok is false for a network Relais does not know.
func RulesFor(n Name) (r Rules, ok bool) {
	for _, r := range rules {
		if r.Network == n {
			return r, true
		}
	}
	return Rules{}, false
}

// WithLimits returns r adjusted to a server's own limits (a Mastodon
// instance's configuration, read at connect); zero fields keep r's values.
func (r Rules) WithLimits(l *Limits) Rules {
	if l == nil {
		return r
	}
	if l.MaxChars > 0 {
		r.MaxChars = l.MaxChars
	}
	if l.MaxMedia > 0 {
		r.MaxImages = l.MaxMedia
	}
	if l.CharsPerURL > 0 {
		r.URLLength = l.CharsPerURL
	}
	if l.MaxImageBytes > 0 {
		r.MaxImageBytes = l.MaxImageBytes
	}
	return r
}

// Length is text's length as r's network counts it.
func (r Rules) Length(text string) int {
	switch r.Counting {
	case CountWeighted:
		return WeightedLength(text)
	case CountGraphemes:
		return Graphemes(text)
	}
	return Chars(text, r.URLLength, r.Network == Mastodon)
}

// TextProblem is one way a text breaks a network's rules.
type TextProblem struct {
	Code string         // tooLong, tooManyBytes, tooManyHashtags, titleTooLong
	Info map[string]any // the figures the sentence shows
}

// CheckText lists how text breaks r: too long (by how much, in the
// network's unit), too many bytes, too many hashtags.
func (r Rules) CheckText(text string) []TextProblem {
	var out []TextProblem
	if r.MaxChars > 0 {
		if n := r.Length(text); n > r.MaxChars {
			out = append(out, TextProblem{"tooLong", map[string]any{"over": n - r.MaxChars, "limit": r.MaxChars, "length": n, "unit": string(r.Counting)}})
		}
	}
	if r.MaxBytes > 0 {
		if n := len(norm.NFC.String(text)); n > r.MaxBytes {
			out = append(out, TextProblem{"tooManyBytes", map[string]any{"over": n - r.MaxBytes, "limit": r.MaxBytes}})
		}
	}
	if r.MaxHashtags > 0 {
		if n := len(Hashtags(text)); n > r.MaxHashtags {
			out = append(out, TextProblem{"tooManyHashtags", map[string]any{"count": n, "limit": r.MaxHashtags}})
		}
	}
	return out
}

// Graphemes counts text's user-perceived characters (UAX #29 extended
// grapheme clusters, as Bluesky counts them) after NFC normalisation.
func Graphemes(text string) int {
	return uniseg.GraphemeClusterCount(norm.NFC.String(text))
}

// Chars counts the code points of NFC text, every link counting urlLength
// when urlLength > 0. With mastodon set, only links with a scheme are
// links (Mastodon's own counter), and a remote mention @user@domain counts
// as @user.
func Chars(text string, urlLength int, mastodon bool) int {
	text = norm.NFC.String(text)
	n := 0
	if mastodon {
		text = remoteMention.ReplaceAllString(text, "$1")
	}
	last := 0
	if urlLength > 0 {
		for _, u := range URLs(text, !mastodon) {
			n += utf8.RuneCountInString(text[last:u[0]]) + urlLength
			last = u[1]
		}
	}
	return n + utf8.RuneCountInString(text[last:])
}

var remoteMention = regexp.MustCompile(`(@[\p{L}\p{N}_]+)@[\p{L}\p{N}.-]+\.[\p{L}]{2,}`)

// WeightedLength is text's length as X counts it: twitter-text v3's
// parseTweet. The text is NFC-normalised; each link counts 23; each emoji
// sequence (skin tones, ZWJ families, flags, keycaps) counts 2; any other
// code point counts 1 inside the v3 light ranges and 2 outside them (CJK,
// most symbols).
func WeightedLength(text string) int {
	text = norm.NFC.String(text)
	w := 0
	last := 0
	for _, u := range URLs(text, true) {
		w += weighRun(text[last:u[0]]) + xURLLength*xScale
		last = u[1]
	}
	w += weighRun(text[last:])
	return (w + xScale - 1) / xScale
}

func weighRun(s string) int {
	w := 0
	state := -1
	var cluster string
	for len(s) > 0 {
		cluster, s, _, state = uniseg.FirstGraphemeClusterInString(s, state)
		if isEmoji(cluster) {
			w += xDefaultWeight
			continue
		}
		for _, r := range cluster {
			w += xWeight(r)
		}
	}
	return w
}

func xWeight(r rune) int {
	for _, rg := range xRanges {
		if r >= rg.lo && r <= rg.hi {
			return xScale
		}
	}
	return xDefaultWeight
}

// isEmoji tells whether a grapheme cluster is an emoji as twitter-text's
// emoji regex sees it: a pictograph on its own, or any sequence built on
// one (emoji presentation selector, skin tone, ZWJ, keycap, flag pair,
// tag sequence). A lone © or ® (text presentation) is not.
func isEmoji(c string) bool {
	first, size := utf8.DecodeRuneInString(c)
	if size == len(c) { // one code point
		return first >= 0x1F000 && isPictographic(first)
	}
	if first >= 0x1F1E6 && first <= 0x1F1FF { // regional indicator pair
		return true
	}
	hasMark := false
	for _, r := range c[size:] {
		switch {
		case r == 0xFE0F, r == 0x20E3, r == 0x200D, r >= 0x1F3FB && r <= 0x1F3FF, r >= 0xE0020 && r <= 0xE007F:
			hasMark = true
		}
	}
	if !hasMark {
		return false
	}
	return isPictographic(first) || strings.ContainsRune("#*0123456789", first)
}

// isPictographic approximates Unicode's Extended_Pictographic property
// (emoji-data.txt) with its blocks.
func isPictographic(r rune) bool {
	switch {
	case r == 0xA9, r == 0xAE, r == 0x203C, r == 0x2049, r == 0x2122, r == 0x2139,
		r == 0x3030, r == 0x303D, r == 0x3297, r == 0x3299:
		return true
	case r >= 0x2190 && r <= 0x21FF, r >= 0x2300 && r <= 0x23FF, r >= 0x24C2 && r <= 0x24C2,
		r >= 0x25A0 && r <= 0x27BF, r >= 0x2900 && r <= 0x297F, r >= 0x2B00 && r <= 0x2BFF:
		return true
	case r >= 0x1F000 && r <= 0x1FAFF:
		return true
	}
	return false
}

// urlRE finds links: with a scheme, or bare (www.… or a domain under a
// common top-level domain), as twitter-text extracts them.
var urlRE = regexp.MustCompile(`(?i)\bhttps?://[^\s\p{Z}<>"\p{Cf}]+|\bwww\.[^\s\p{Z}<>"\p{Cf}]+|\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:com|org|net|fr|io|co|eu|be|ch|ca|de|uk|es|it|nl|app|dev|info|biz|me|tv|ly|gl|gov|edu|paris|bzh)\b(?:/[^\s\p{Z}<>"\p{Cf}]*)?`)

// URLs returns the byte spans of the links in text. Without bare, only
// links with an http(s) scheme count. Trailing punctuation is not part of
// a link; an e-mail address is not a link.
func URLs(text string, bare bool) [][2]int {
	var out [][2]int
	for _, m := range urlRE.FindAllStringIndex(text, -1) {
		s, e := m[0], m[1]
		lower := strings.ToLower(text[s:e])
		scheme := strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://")
		if !scheme && !bare {
			continue
		}
		if !scheme && s > 0 {
			prev, _ := utf8.DecodeLastRuneInString(text[:s])
			if prev == '@' || prev == '.' || prev == '/' || unicode.IsLetter(prev) || unicode.IsDigit(prev) {
				continue
			}
		}
		for e > s {
			r, size := utf8.DecodeLastRuneInString(text[s:e])
			if strings.ContainsRune(".,;:!?'\"»)]}…", r) && !(r == ')' && strings.Count(text[s:e], "(") >= strings.Count(text[s:e], ")")) {
				e -= size
				continue
			}
			break
		}
		if scheme && e-s <= len("https://") {
			continue
		}
		if !validHost(text[s:e], scheme) {
			continue
		}
		out = append(out, [2]int{s, e})
	}
	return out
}

// validHost reports whether a link's host is one a browser could reach:
// every label at most 63 characters once punycode-encoded (RFC 1035), as
// twitter-text checks before counting a link as 23.
func validHost(link string, scheme bool) bool {
	if scheme {
		link = link[strings.Index(link, "//")+2:]
	}
	if i := strings.IndexAny(link, "/?#:"); i >= 0 {
		link = link[:i]
	}
	for _, label := range strings.Split(link, ".") {
		a, err := idna.Punycode.ToASCII(label)
		if err != nil || len(a) > 63 || a == "" {
			return false
		}
	}
	return true
}

var hashtagRE = regexp.MustCompile(`(?:^|[^\p{L}\p{N}_&/#＃])[#＃]([\p{L}\p{M}\p{N}_]*[\p{L}\p{M}][\p{L}\p{M}\p{N}_]*)`)

// Hashtags returns the hashtags in text, without their #, in order. A tag
// needs at least one letter (#2026 is not one) and cannot follow a letter
// (an anchor like page#top is not one).
func Hashtags(text string) []string {
	text = norm.NFC.String(text)
	var out []string
	for _, m := range hashtagRE.FindAllStringSubmatch(text, -1) {
		out = append(out, m[1])
	}
	return out
}
