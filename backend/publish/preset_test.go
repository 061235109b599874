package publish

import "testing"

// "The original" goes out at the network's preset closest to the picture's
// shape, found by the network's own name, including networks that share
// another's presets.
func TestClosestPreset(t *testing.T) {
	cases := []struct {
		net  string
		w, h int
		want string
	}{
		{"instagram", 3000, 4000, "instagram-portrait"},
		{"instagram", 4000, 2000, "instagram-landscape"},
		{"instagram", 1000, 1000, "instagram-square"},
		{"linkedin", 1000, 1000, "linkedin-square"},
		{"linkedin_page", 1000, 1000, "linkedin-square"},
		{"linkedin_page", 4000, 2000, "linkedin"},
		{"google_business", 4000, 3000, "google-business"},
		{"bluesky", 500, 2000, "bluesky"},
		{"tiktok", 1080, 1920, ""},
		{"bluesky", 0, 100, ""},
	}
	for _, c := range cases {
		if got := closestPreset(c.net, c.w, c.h); got != c.want {
			t.Errorf("closestPreset(%s, %dx%d) = %q, want %q", c.net, c.w, c.h, got, c.want)
		}
	}
}
