// Package rendition turns one decoded picture into the images each network
// wants: a table of presets (network image sizes, kept as data with the
// date they were checked), crops placed around a focal point or set by
// hand, and JPEG output that meets a file-size budget.
//
// # Pipeline
//
// A picture is decoded once, and already reduced while decoding when it
// is a JPEG: internal/jpeg (the standard decoder plus scaled inverse DCTs,
// as libjpeg does) makes 1/2, 1/4 or 1/8 of the picture straight from the
// DCT coefficients. What is left of the integer shrink is a box filter
// straight from the decoder's planes (YCbCr is averaged before conversion,
// alpha is flattened onto the background at the same time), keeping enough
// pixels for the largest crop (a 9:16 story from a 6000×4000 photo keeps
// its 1920 rows). Only the last step to each preset's exact size uses a
// Catmull-Rom kernel, on a window of the shrunk picture (no per-rendition
// copy of the full image); presets that need far fewer pixels read a
// further halved copy, so that step reduces by less than 2. Renditions are
// then spread over the cores, each one single-threaded, so no parallel
// loop runs inside another.
//
// # Output
//
// Every rendition is a baseline JPEG: Instagram accepts only JPEG and every
// other network accepts it. Re-encoding drops all metadata (EXIF, GPS, ICC),
// so a location never leaves the machine. When a preset has a byte budget,
// the highest quality that fits is found by binary search.
package rendition

// CheckedOn is when the preset table was last compared with the networks'
// documentation (shared/NETWORKS.md).
const CheckedOn = "2026-11-23"

// Preset is one network's image size and rules.
type Preset struct {
	ID       string `json:"id"`
	Network  string `json:"network"`
	Label    string `json:"label"` // English label; the UI translates by id
	Width    int    `json:"width"`
	Height   int    `json:"height"`
	Format   string `json:"format"`   // always "jpeg" today
	MaxBytes int64  `json:"maxBytes"` // 0: no budget
	Checked  string `json:"checked"`  // date the values were checked
}

const mb = 1 << 20

// Presets is the table of network image presets, in display order.
var Presets = []Preset{
	{ID: "instagram-portrait", Network: "instagram", Label: "Instagram feed 4:5", Width: 1080, Height: 1350, MaxBytes: 8 * mb},
	{ID: "instagram-square", Network: "instagram", Label: "Instagram square", Width: 1080, Height: 1080, MaxBytes: 8 * mb},
	{ID: "instagram-landscape", Network: "instagram", Label: "Instagram landscape", Width: 1080, Height: 566, MaxBytes: 8 * mb},
	{ID: "instagram-story", Network: "instagram", Label: "Instagram story / reel 9:16", Width: 1080, Height: 1920, MaxBytes: 8 * mb},
	{ID: "x", Network: "x", Label: "X 16:9", Width: 1200, Height: 675, MaxBytes: 5 * mb},
	{ID: "linkedin", Network: "linkedin", Label: "LinkedIn landscape", Width: 1200, Height: 627, MaxBytes: 5 * mb},
	{ID: "linkedin-square", Network: "linkedin", Label: "LinkedIn square", Width: 1080, Height: 1080, MaxBytes: 5 * mb},
	{ID: "facebook", Network: "facebook", Label: "Facebook", Width: 1200, Height: 630, MaxBytes: 8 * mb},
	{ID: "pinterest", Network: "pinterest", Label: "Pinterest 2:3", Width: 1000, Height: 1500, MaxBytes: 20 * mb},
	{ID: "bluesky", Network: "bluesky", Label: "Bluesky", Width: 1200, Height: 675, MaxBytes: 2 * mb},
	{ID: "mastodon", Network: "mastodon", Label: "Mastodon", Width: 1200, Height: 675, MaxBytes: 8 * mb}, // instances differ; 8 MB fits all 4.x
	{ID: "youtube-thumbnail", Network: "youtube", Label: "YouTube thumbnail", Width: 1280, Height: 720, MaxBytes: 2 * mb},
	{ID: "google-business", Network: "google_business", Label: "Google Business Profile", Width: 1200, Height: 900, MaxBytes: 5 * mb},
}

// Main lists the eight presets a visual is usually prepared for; the
// benchmark and scripts/bench-renditions make these.
var Main = []string{"instagram-portrait", "instagram-square", "instagram-landscape", "instagram-story", "x", "linkedin", "facebook", "pinterest"}

func init() {
	for i := range Presets {
		Presets[i].Format = "jpeg"
		Presets[i].Checked = CheckedOn
	}
}

// sharesPresets names the networks that publish with another network's
// presets: a LinkedIn Page shows pictures as a member's profile does.
var sharesPresets = map[string]string{"linkedin_page": "linkedin"}

// ForNetwork returns the presets a network publishes with, by its name in
// backend/network ("bluesky", "linkedin_page", "google_business"…), in
// display order; none for a network without image presets.
func ForNetwork(name string) []Preset {
	if other, ok := sharesPresets[name]; ok {
		name = other
	}
	var out []Preset
	for _, p := range Presets {
		if p.Network == name {
			out = append(out, p)
		}
	}
	return out
}

// Lookup returns the preset with id.
func Lookup(id string) (Preset, bool) {
	for _, p := range Presets {
		if p.ID == id {
			return p, true
		}
	}
	return Preset{}, false
}
