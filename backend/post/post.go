// Package post holds the editorial plan: posts with one variant per target
// account, campaigns, hashtag groups, text snippets and each workspace's
// posting slots.
//
// # Model
//
// A Post belongs to a workspace. Its master text is what every variant
// says unless the variant has its own (OwnText). A variant targets one
// connected account and carries its own visuals (library asset ids, with
// the rendition preset chosen for that network), a first comment and the
// network's own fields (Pinterest title and link, YouTube title). A post
// moves through statuses idea → draft → review → approved → scheduled →
// published or failed.
//
// # Time
//
// Due is an instant stored in UTC with the workspace's IANA zone beside it
// (Zone). Posting slots ("Tuesday 18:00") are wall-clock times in the
// workspace's zone, turned into instants day by day, so a daylight-saving
// change never shifts them (see Slot.At for the gap and fold rules).
//
// # Storage
//
// Records are versioned JSON under store.TablePost+<id>. Each post's
// calendar summary (Entry, precomputed at save: excerpt, networks, first
// thumbnail, problem count) is stored under
// store.TablePostEntry+<workspace>0x00<due><id>, due big-endian (see
// store.TimeKey) or 8 zero bytes when the post has none: a month of one
// workspace is a single range scan that reads nothing else (measured by
// BenchmarkMonthQuery), and the tray of unscheduled posts is a prefix
// scan. The key-only index store.IndexPostDueAll+<due><workspace>0x00<id>
// serves the all-clients calendar, and store.IndexPostLabel the label
// list. Every key is written in the transaction that writes the record.
//
// # The visual library
//
// Posts name library visuals by asset id. The library is reached through
// three small interfaces app wires (SetLibrary): Visuals gives pixel sizes
// and the renditions a visual can be made into (for the aspect checks and
// their one-click fix), UsageMarker is told after every save and delete
// which visuals a post uses, and FileImporter brings the files a CSV plan
// names into the library. Without them posts still work, minus those.
//
// # Promises
//
// Save is optimistic: a post carries a Version, and saving a stale one
// fails with ErrConflict and changes nothing. Validation never blocks a
// save (a draft may be too long); it returns each variant's problems with
// a code and the figures a sentence needs, and a one-click fix where one
// exists (the rendition whose aspect ratio fits). Scheduling (status
// scheduled) needs a due time and no problem left.
package post

import (
	"errors"
	"time"

	"relais/backend/network"
	"relais/backend/workspace"
)

// Errors. Test with errors.Is.
var (
	ErrNotFound        = errors.New("post: not found")
	ErrConflict        = errors.New("post: changed elsewhere since it was loaded")
	ErrNoWorkspace     = errors.New("post: workspace not found")
	ErrUnknownAccount  = errors.New("post: account not in this workspace")
	ErrUnknownStatus   = errors.New("post: unknown status")
	ErrNeedsDue        = errors.New("post: a scheduled post needs a date and time")
	ErrHasProblems     = errors.New("post: fix the problems before scheduling")
	ErrBadTime         = errors.New("post: invalid date or time")
	ErrTooLong         = errors.New("post: text too long")
	ErrUnknownPillar   = errors.New("post: unknown content pillar")
	ErrUnknownCampaign = errors.New("post: unknown campaign")
	ErrNameEmpty       = errors.New("post: name is empty")
	ErrInvalidColor    = errors.New("post: invalid colour")
	ErrBadSlot         = errors.New("post: invalid posting slot")
	ErrNoSlots         = errors.New("post: no posting slot set for these accounts")
	ErrNoFreeSlot      = errors.New("post: no free slot in the coming weeks")
	ErrCampaignDates   = errors.New("post: campaign ends before it starts")
)

// Limits on user input: generous, they stop a paste accident.
const (
	MaxTextLen   = 100_000 // runes in a master or variant text
	MaxShortLen  = 2_000   // a title, a link, a brief field
	MaxNameLen   = 120
	MaxLabels    = 50
	MaxVariants  = 50
	MaxAssets    = 50
	MaxTags      = 200
	MaxSlots     = 500
	QueueHorizon = 26 * 7 * 24 * time.Hour // how far AddToQueue looks
)

// Status is where a post stands.
type Status string

// Statuses, in workflow order.
const (
	StatusIdea      Status = "idea"
	StatusDraft     Status = "draft"
	StatusReview    Status = "review"
	StatusApproved  Status = "approved"
	StatusScheduled Status = "scheduled"
	StatusPublished Status = "published"
	StatusFailed    Status = "failed"
)

// Statuses lists every status in workflow order.
var Statuses = []Status{StatusIdea, StatusDraft, StatusReview, StatusApproved, StatusScheduled, StatusPublished, StatusFailed}

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	for _, k := range Statuses {
		if k == s {
			return true
		}
	}
	return false
}

// Post is one planned publication, for one or more accounts.
type Post struct {
	ID          string    `json:"id"`
	WorkspaceID string    `json:"workspaceId"`
	Status      Status    `json:"status"`
	Text        string    `json:"text"`
	Due         time.Time `json:"due,omitzero"` // UTC; zero: unscheduled
	Zone        string    `json:"zone"`         // the workspace's IANA zone
	CampaignID  string    `json:"campaignId"`
	Pillar      string    `json:"pillar"` // a workspace.Pillar ID
	Labels      []string  `json:"labels"`
	Notes       string    `json:"notes"`
	Brief       *Brief    `json:"brief"`
	Variants    []Variant `json:"variants"`
	CreatedAt   time.Time `json:"createdAt"`
	UpdatedAt   time.Time `json:"updatedAt"`
	Version     int       `json:"version"`
}

// Variant is what one account publishes.
type Variant struct {
	ID        string       `json:"id"`
	AccountID string       `json:"accountId"`
	Network   network.Name `json:"network"`
	// OwnText: the variant says Text; otherwise it says the post's master
	// text (and Text, as returned, is a copy of it).
	OwnText      bool       `json:"ownText"`
	Text         string     `json:"text"`
	Assets       []AssetRef `json:"assets"`
	FirstComment string     `json:"firstComment"`
	Title        string     `json:"title"` // Pinterest, YouTube
	Link         string     `json:"link"`  // Pinterest destination
	Board        string     `json:"board"` // Pinterest board id
	// HandOff asks the network to hold the post until its time, where
	// it can (network.Rules.HandOff), so it goes out with Relais closed.
	HandOff  bool      `json:"handOff"`
	Problems []Problem `json:"problems"`
}

// AssetRef is a library visual attached to a variant, optionally as one of
// its renditions.
type AssetRef struct {
	AssetID  string `json:"assetId"`
	PresetID string `json:"presetId"` // "" = the original
	Alt      string `json:"alt,omitempty"`
}

// Problem is one way a variant breaks its network's rules.
type Problem struct {
	Code string         `json:"code"`
	Info map[string]any `json:"info"`
	Fix  *Fix           `json:"fix"`
}

// Fix is a one-click correction the UI can offer.
type Fix struct {
	Kind     string `json:"kind"` // "rendition": use PresetID for AssetID
	AssetID  string `json:"assetId"`
	PresetID string `json:"presetId"`
}

// Brief is a creative or technical brief, on a post or a campaign.
type Brief struct {
	Objective        string `json:"objective"`
	Audience         string `json:"audience"`
	KeyMessage       string `json:"keyMessage"`
	CallToAction     string `json:"callToAction"`
	Format           string `json:"format"`
	Deadline         string `json:"deadline"` // YYYY-MM-DD or RFC 3339; "" = none
	VisualsRequested string `json:"visualsRequested"`
}

// Entry is a post as the calendar lists it: small, precomputed at save.
type Entry struct {
	ID          string         `json:"id"`
	WorkspaceID string         `json:"workspaceId"`
	Status      Status         `json:"status"`
	Excerpt     string         `json:"excerpt"`
	Due         time.Time      `json:"due,omitzero"`
	Zone        string         `json:"zone"`
	Networks    []network.Name `json:"networks"`
	AccountIDs  []string       `json:"accountIds"`
	Pillar      string         `json:"pillar"`
	CampaignID  string         `json:"campaignId"`
	Labels      []string       `json:"labels"`
	Thumb       string         `json:"thumb"` // first asset's id, "" when none
	Problems    int            `json:"problems"`
}

// Draft is what a new post starts from.
type Draft struct {
	Text       string    `json:"text"`
	Due        time.Time `json:"due"`
	Status     Status    `json:"status"`
	AccountIDs []string  `json:"accountIds"`
	AssetIDs   []string  `json:"assetIds"`
}

// Campaign groups posts of one workspace over a period.
type Campaign struct {
	ID          string    `json:"id"`
	WorkspaceID string    `json:"workspaceId"`
	Name        string    `json:"name"`
	Color       string    `json:"color"`
	Start       time.Time `json:"start,omitzero"`
	End         time.Time `json:"end,omitzero"`
	Brief       *Brief    `json:"brief"`
}

// HashtagGroup is a named set of hashtags the editor offers.
type HashtagGroup struct {
	ID          string   `json:"id"`
	WorkspaceID string   `json:"workspaceId"`
	Name        string   `json:"name"`
	Tags        []string `json:"tags"`
}

// Snippet is a reusable piece of text.
type Snippet struct {
	ID          string `json:"id"`
	WorkspaceID string `json:"workspaceId"`
	Name        string `json:"name"`
	Text        string `json:"text"`
}

// fieldErr wraps err with the field it concerns and the values its
// sentence shows; the app maps workspace.FieldError for every feature.
func fieldErr(field string, err error, info map[string]any) error {
	return &workspace.FieldError{Field: field, Err: err, Info: info}
}
