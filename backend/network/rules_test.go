package network

import (
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"
)

const (
	family    = "👨‍👩‍👧‍👦"                // man ZWJ woman ZWJ girl ZWJ boy: 7 code points, 25 bytes
	thumbTone = "👍🏽"                     // thumbs up + medium skin tone
	flagFR    = "🇫🇷"                     // two regional indicators
	keycap    = "1\uFE0F\u20E3"          // keycap 1
	heart     = "\u2764\uFE0F"           // red heart with emoji presentation
	cafeNFD   = "Cafe\u0301 cre\u0300me" // decomposed accents
	cjk       = "こんにちは世界"
)

// Expected values follow twitter-text v3's conformance cases (tlds,
// emoji, weighting): CJK weighs 2, Latin 1, every emoji sequence 2, every
// link 23.
func TestWeightedLength(t *testing.T) {
	tests := []struct {
		text string
		want int
	}{
		{"", 0},
		{"Hello", 5},
		{strings.Repeat("a", 280), 280},
		{cjk, 14},
		{thumbTone, 2},
		{family, 2},
		{flagFR, 2},
		{flagFR + "🇧🇪", 4},
		{keycap, 2},
		{heart, 2},
		{"\u2764", 2},      // outside the light ranges
		{"©", 1},           // text presentation, in the light range
		{cafeNFD, 10},      // NFC first: "Café crème"
		{"Café crème", 10}, // precomposed
		{"“Bonjour”", 9},   // U+201C/D are light
		{"Attendez…", 10},  // U+2026 is not
		{"https://example.com/a/very/long/path?with=query&and=more", 23},
		{"Voir https://relais.app/x.", 5 + 23 + 1},
		{"Site : relais.fr !", 7 + 23 + 2},
		{"écrire à contact@relais.fr", 26}, // an e-mail is not a link
		{"Nouveau " + thumbTone + " " + family + " à Paris " + flagFR, 8 + 2 + 1 + 2 + 9 + 2},
		{"日本 https://例え.jp", 4 + 1 + 23},
		{"𠀋", 2}, // supplementary CJK
	}
	for _, tt := range tests {
		if got := WeightedLength(tt.text); got != tt.want {
			t.Errorf("WeightedLength(%q) = %d; want %d", tt.text, got, tt.want)
		}
	}
}

func TestGraphemes(t *testing.T) {
	tests := []struct {
		text string
		want int
	}{
		{"", 0},
		{family, 1},
		{thumbTone, 1},
		{flagFR + "🇧🇪", 2},
		{keycap, 1},
		{cafeNFD, 10},
		{cjk, 7},
		{"नमस्ते", 4}, // Devanagari: Unicode 15.0 rules (uniseg), no conjunct rule GB9c yet
		{"e\u0301\u0302", 1},
	}
	for _, tt := range tests {
		if got := Graphemes(tt.text); got != tt.want {
			t.Errorf("Graphemes(%q) = %d; want %d", tt.text, got, tt.want)
		}
	}
}

func TestChars(t *testing.T) {
	tests := []struct {
		text     string
		url      int
		mastodon bool
		want     int
	}{
		{cafeNFD, 0, false, 10},
		{family, 0, false, 7},
		{"Voir https://example.com/a/very/long/path", 23, true, 5 + 23},
		{"Voir example.com/path", 23, true, 21}, // Mastodon links need a scheme
		{"Voir example.com/path", 23, false, 5 + 23},
		{"Merci @alice@mastodon.social !", 23, true, len("Merci @alice !")},
		{"https://a.example/x https://b.example/y", 23, true, 23 + 1 + 23},
	}
	for _, tt := range tests {
		if got := Chars(tt.text, tt.url, tt.mastodon); got != tt.want {
			t.Errorf("Chars(%q, %d, %v) = %d; want %d", tt.text, tt.url, tt.mastodon, got, tt.want)
		}
	}
}

func TestHashtags(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"#café #Été2026 #2026 page#top ＃全角 #a_b", []string{"café", "Été2026", "全角", "a_b"}},
		{"Cafe\u0301 #cre\u0300me", []string{"crème"}},
		{"no tags here", nil},
		{"#one#two", []string{"one"}},
	}
	for _, tt := range tests {
		if got := Hashtags(tt.text); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Hashtags(%q) = %q; want %q", tt.text, got, tt.want)
		}
	}
}

func TestURLs(t *testing.T) {
	tests := []struct {
		text string
		bare bool
		want []string
	}{
		{"(see https://example.com/a_(b)) and www.relais.fr.", true, []string{"https://example.com/a_(b)", "www.relais.fr"}},
		{"« https://exemple.fr/été »", true, []string{"https://exemple.fr/été"}},
		{"mail me: a@b.com", true, nil},
		{"https:// alone", true, nil},
		{"relais.app and https://x.org", false, []string{"https://x.org"}},
	}
	for _, tt := range tests {
		var got []string
		for _, s := range URLs(tt.text, tt.bare) {
			got = append(got, tt.text[s[0]:s[1]])
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("URLs(%q, %v) = %q; want %q", tt.text, tt.bare, got, tt.want)
		}
	}
}

func TestCheckText(t *testing.T) {
	bsky, _ := RulesFor(Bluesky)
	insta, _ := RulesFor(Instagram)
	x, _ := RulesFor(X)
	tests := []struct {
		name  string
		rules Rules
		text  string
		want  []string // codes
		info  map[string]any
	}{
		{"bluesky fits", bsky, strings.Repeat("é", 300), nil, nil},
		{"bluesky too long", bsky, strings.Repeat("é", 302), []string{"tooLong"}, map[string]any{"over": 2, "limit": 300, "unit": "graphemes"}},
		// 300 family emoji: 300 graphemes but 7,500 bytes.
		{"bluesky bytes", bsky, strings.Repeat(family, 300), []string{"tooManyBytes"}, map[string]any{"over": 7500 - 3000, "limit": 3000}},
		{"instagram hashtags", insta, strings.Repeat("#tag ", 31), []string{"tooManyHashtags"}, map[string]any{"count": 31, "limit": 30}},
		{"x cjk", x, strings.Repeat("日", 141), []string{"tooLong"}, map[string]any{"over": 2, "limit": 280}},
	}
	for _, tt := range tests {
		got := tt.rules.CheckText(tt.text)
		var codes []string
		for _, p := range got {
			codes = append(codes, p.Code)
		}
		if !reflect.DeepEqual(codes, tt.want) {
			t.Errorf("%s: CheckText codes = %v; want %v", tt.name, codes, tt.want)
			continue
		}
		for k, v := range tt.info {
			if got[0].Info[k] != v {
				t.Errorf("%s: info[%s] = %v; want %v", tt.name, k, got[0].Info[k], v)
			}
		}
	}
}

func TestRulesTable(t *testing.T) {
	seen := map[Name]bool{}
	for _, r := range AllRules() {
		if seen[r.Network] {
			t.Errorf("%s listed twice", r.Network)
		}
		seen[r.Network] = true
		if r.MaxChars <= 0 || r.Checked == "" || r.MaxImages <= 0 {
			t.Errorf("%s: incomplete rules %+v", r.Network, r)
		}
	}
	for _, n := range All {
		if !seen[n] {
			t.Errorf("no rules for %s", n)
		}
	}
	want := map[Name]int{Bluesky: 300, X: 280, Mastodon: 500, Instagram: 2200, LinkedIn: 3000, Threads: 500,
		Facebook: 63206, Pinterest: 500, YouTube: 5000, TikTok: 2200, GoogleBusiness: 1500}
	for n, max := range want {
		if r, _ := RulesFor(n); r.MaxChars != max {
			t.Errorf("%s MaxChars = %d; want %d", n, r.MaxChars, max)
		}
	}
	m, _ := RulesFor(Mastodon)
	m = m.WithLimits(&Limits{MaxChars: 5000, CharsPerURL: 30})
	if m.MaxChars != 5000 || m.URLLength != 30 || m.MaxImages != 4 {
		t.Errorf("WithLimits = %+v", m)
	}
	if got := m.Length("https://example.com"); got != 30 {
		t.Errorf("instance URL length: %d; want 30", got)
	}
}

func FuzzWeightedLength(f *testing.F) {
	for _, s := range []string{family, cafeNFD, "https://x.org", cjk, "#tag"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if n := WeightedLength(s); n < 0 || n > 2*len(s)+23 {
			t.Errorf("WeightedLength(%q) = %d", s, n)
		}
		_ = Graphemes(s)
		_ = Hashtags(s)
	})
}

// The published twitter-text v3 conformance cases (testdata, converted
// from twitter/twitter-text's conformance/validate.yml).
func TestWeightedLengthConformance(t *testing.T) {
	b, err := os.ReadFile("testdata/twitter-text-v3.json")
	if err != nil {
		t.Fatal(err)
	}
	var suite struct {
		Cases []struct {
			Description    string `json:"description"`
			Text           string `json:"text"`
			WeightedLength int    `json:"weightedLength"`
		} `json:"cases"`
	}
	if err := json.Unmarshal(b, &suite); err != nil {
		t.Fatal(err)
	}
	if len(suite.Cases) < 20 {
		t.Fatalf("only %d cases", len(suite.Cases))
	}
	for _, c := range suite.Cases {
		if got := WeightedLength(c.Text); got != c.WeightedLength {
			t.Errorf("%s: WeightedLength = %d; want %d", c.Description, got, c.WeightedLength)
		}
	}
}

// A link ends at a non-breaking space (French typography puts one before
// « ! » and « ? »): it is not part of the link.
func TestLinkEndsAtNoBreakSpace(t *testing.T) {
	got := Chars("https://x.fr\u00a0!", 23, true)
	want := Chars("https://x.fr !", 23, true)
	if got != want || got != 25 {
		t.Fatalf("with a no-break space: %d, with a space: %d", got, want)
	}
}
