// Package workspace holds Relais's client workspaces: one per client brand,
// with its timezone, language, brand kit, content pillars and moderation
// charter.
//
// # Model
//
// A Workspace is stored as one versioned JSON record under
// store.TableWorkspace+<id>. Names are unique among all workspaces, archived
// ones included, compared case- and accent-insensitively through the
// key-only index store.IndexWorkspaceName+<folded name>+0x00+<id>; the index
// entry is written in the same transaction as the record, so the two never
// disagree.
//
// # Promises
//
// Every write validates the whole workspace first and changes nothing when
// validation fails; each failure wraps one of the Err… sentinels below so
// the UI can say what is wrong in the user's language. Delete takes a full
// backup of the store before removing anything.
package workspace

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Validation and lookup errors. Each is wrapped with details; test with
// errors.Is.
var (
	ErrNotFound           = errors.New("workspace: not found")
	ErrNameEmpty          = errors.New("workspace: name is empty")
	ErrNameTaken          = errors.New("workspace: name already used")
	ErrTooLong            = errors.New("workspace: text too long")
	ErrUnknownTimezone    = errors.New("workspace: unknown timezone")
	ErrInvalidColor       = errors.New("workspace: invalid colour")
	ErrUnknownLanguage    = errors.New("workspace: unknown language")
	ErrPillarNameEmpty    = errors.New("workspace: pillar name is empty")
	ErrPillarNameTaken    = errors.New("workspace: two pillars share a name")
	ErrPillarShare        = errors.New("workspace: pillar share out of range")
	ErrPillarSharesOver   = errors.New("workspace: pillar shares add up to more than 100%")
	ErrTooMany            = errors.New("workspace: too many entries")
	ErrLogoNotImage       = errors.New("workspace: logo is not an image")
	ErrLogoTooLarge       = errors.New("workspace: logo file too large")
	ErrLogoTooManyPixels  = errors.New("workspace: logo has too many pixels")
	ErrConfirmationNeeded = errors.New("workspace: deletion not confirmed")
	ErrArchived           = errors.New("workspace: archived")
)

// Limits on user input. They are generous; their job is to stop a paste
// accident from writing megabytes into a record.
const (
	MaxNameLen      = 80
	MaxNoteLen      = 20000 // tone-of-voice notes, charter text
	MaxShortLen     = 500   // signature, a banned phrase, a hashtag
	MaxListLen      = 200   // hashtags, banned words, brand colours
	MaxPillars      = 30
	MaxLogoBytes    = 10 << 20
	MaxLogoPixels   = 40_000_000
	LogoThumbPixels = 128
)

// Workspace is one client brand.
type Workspace struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Color     string    `json:"color"`    // #rrggbb
	Timezone  string    `json:"timezone"` // IANA name
	Language  string    `json:"language"` // BCP 47 tag of the brand's posts
	Logo      *Logo     `json:"logo,omitempty"`
	BrandKit  BrandKit  `json:"brandKit"`
	Pillars   []Pillar  `json:"pillars"`
	Charter   Charter   `json:"charter"`
	Archived  bool      `json:"archived"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// Logo is a workspace's logo: the original is a blob; Thumb is a small PNG
// for the UI.
type Logo struct {
	Blob   string `json:"blob"` // SHA-256 of the original file
	Name   string `json:"name"` // the file's name when imported
	Format string `json:"format"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
	Thumb  []byte `json:"thumb"` // PNG, at most LogoThumbPixels on a side
}

// BrandKit is what a post for this brand should look and sound like.
type BrandKit struct {
	Colors    []string `json:"colors"`
	Tone      string   `json:"tone"`
	Hashtags  []string `json:"hashtags"`
	Signature string   `json:"signature"`
}

// Pillar is a content theme and the share of posts it should get.
type Pillar struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Color  string `json:"color"`
	Target int    `json:"target"` // percent of posts, 0–100
}

// Charter is the brand's netiquette and moderation rules.
type Charter struct {
	Text        string   `json:"text"`
	BannedWords []string `json:"bannedWords"`
}

// Settings is everything the user edits about a workspace, without its
// identity, logo and lifecycle.
type Settings struct {
	Name     string   `json:"name"`
	Color    string   `json:"color"`
	Timezone string   `json:"timezone"`
	Language string   `json:"language"`
	BrandKit BrandKit `json:"brandKit"`
	Pillars  []Pillar `json:"pillars"`
	Charter  Charter  `json:"charter"`
}

// Settings returns w's editable settings.
func (w Workspace) Settings() Settings {
	return Settings{Name: w.Name, Color: w.Color, Timezone: w.Timezone, Language: w.Language,
		BrandKit: w.BrandKit, Pillars: w.Pillars, Charter: w.Charter}
}

// FieldError says which field a validation error is about; it wraps the
// sentinel.
type FieldError struct {
	Field string // e.g. "name", "pillars[2].target"
	Err   error
	Info  map[string]any // values the message may show (limit, value)
}

func (e *FieldError) Error() string { return e.Err.Error() + " (" + e.Field + ")" }
func (e *FieldError) Unwrap() error { return e.Err }

func fieldErr(field string, err error, info map[string]any) error {
	return &FieldError{Field: field, Err: err, Info: info}
}

var colorRE = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// Languages lists the post languages a brand can pick.
var Languages = []string{"fr", "en", "de", "es", "it", "nl", "pt", "ca", "eu", "br", "oc", "ar", "pl", "ro", "sv", "da", "nb", "fi", "ja", "zh"}

// normalize trims and canonicalises s in place and validates it. It fills
// defaults (colour, timezone, language) the user left empty.
func (s *Settings) normalize(defaultZone string) error {
	s.Name = strings.Join(strings.Fields(s.Name), " ")
	if s.Name == "" {
		return fieldErr("name", ErrNameEmpty, nil)
	}
	if utf8.RuneCountInString(s.Name) > MaxNameLen {
		return fieldErr("name", ErrTooLong, map[string]any{"max": MaxNameLen})
	}
	if s.Color == "" {
		s.Color = "#4f46e5"
	}
	c, err := normColor("color", s.Color)
	if err != nil {
		return err
	}
	s.Color = c
	if s.Timezone == "" {
		s.Timezone = defaultZone
	}
	if err := checkZone(s.Timezone); err != nil {
		return err
	}
	if s.Language == "" {
		s.Language = "fr"
	}
	if !knownLanguage(s.Language) {
		return fieldErr("language", ErrUnknownLanguage, map[string]any{"value": s.Language})
	}
	if err := s.BrandKit.normalize(); err != nil {
		return err
	}
	if err := normPillars(s.Pillars); err != nil {
		return err
	}
	return s.Charter.normalize()
}

func knownLanguage(l string) bool {
	for _, k := range Languages {
		if k == l {
			return true
		}
	}
	return false
}

func normColor(field, c string) (string, error) {
	c = strings.TrimSpace(c)
	if !strings.HasPrefix(c, "#") {
		c = "#" + c
	}
	if len(c) == 4 { // #abc -> #aabbcc
		c = "#" + strings.Repeat(c[1:2], 2) + strings.Repeat(c[2:3], 2) + strings.Repeat(c[3:4], 2)
	}
	if !colorRE.MatchString(c) {
		return "", fieldErr(field, ErrInvalidColor, map[string]any{"value": c})
	}
	return strings.ToLower(c), nil
}

func checkZone(z string) error {
	if z == "Local" || z == "" {
		return fieldErr("timezone", ErrUnknownTimezone, map[string]any{"value": z})
	}
	if _, err := time.LoadLocation(z); err != nil {
		return fieldErr("timezone", ErrUnknownTimezone, map[string]any{"value": z})
	}
	return nil
}

func checkLen(field, s string, max int) error {
	if utf8.RuneCountInString(s) > max {
		return fieldErr(field, ErrTooLong, map[string]any{"max": max})
	}
	return nil
}

// cleanList trims entries, drops empty ones and case-insensitive duplicates,
// keeping the first spelling and the user's order.
func cleanList(field string, in []string, max int, each func(string) string) ([]string, error) {
	out := make([]string, 0, len(in))
	seen := map[string]bool{}
	for _, v := range in {
		v = strings.TrimSpace(v)
		if each != nil {
			v = each(v)
		}
		if v == "" {
			continue
		}
		if err := checkLen(field, v, MaxShortLen); err != nil {
			return nil, err
		}
		k := strings.ToLower(v)
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, v)
	}
	if len(out) > max {
		return nil, fieldErr(field, ErrTooMany, map[string]any{"max": max})
	}
	return out, nil
}

func (b *BrandKit) normalize() error {
	colors := make([]string, 0, len(b.Colors))
	for i, c := range b.Colors {
		if strings.TrimSpace(c) == "" {
			continue
		}
		n, err := normColor("brandKit.colors", c)
		if err != nil {
			err.(*FieldError).Info["index"] = i
			return err
		}
		colors = append(colors, n)
	}
	var err error
	if b.Colors, err = cleanList("brandKit.colors", colors, MaxListLen, nil); err != nil {
		return err
	}
	b.Hashtags, err = cleanList("brandKit.hashtags", b.Hashtags, MaxListLen, func(h string) string {
		h = strings.TrimLeft(h, "#＃")
		if h == "" {
			return ""
		}
		return "#" + strings.Join(strings.Fields(h), "")
	})
	if err != nil {
		return err
	}
	b.Tone = strings.TrimSpace(b.Tone)
	if err := checkLen("brandKit.tone", b.Tone, MaxNoteLen); err != nil {
		return err
	}
	b.Signature = strings.TrimSpace(b.Signature)
	return checkLen("brandKit.signature", b.Signature, MaxShortLen)
}

func normPillars(ps []Pillar) error {
	if len(ps) > MaxPillars {
		return fieldErr("pillars", ErrTooMany, map[string]any{"max": MaxPillars})
	}
	total := 0
	seen := map[string]bool{}
	for i := range ps {
		p := &ps[i]
		field := "pillars." + strconv.Itoa(i)
		p.Name = strings.Join(strings.Fields(p.Name), " ")
		if p.Name == "" {
			return fieldErr(field+".name", ErrPillarNameEmpty, map[string]any{"index": i + 1})
		}
		if err := checkLen(field+".name", p.Name, MaxNameLen); err != nil {
			return err
		}
		k := fold(p.Name)
		if seen[k] {
			return fieldErr(field+".name", ErrPillarNameTaken, map[string]any{"name": p.Name})
		}
		seen[k] = true
		if p.Color == "" {
			p.Color = "#64748b"
		}
		c, err := normColor(field+".color", p.Color)
		if err != nil {
			return err
		}
		p.Color = c
		if p.Target < 0 || p.Target > 100 {
			return fieldErr(field+".target", ErrPillarShare, map[string]any{"name": p.Name, "value": p.Target})
		}
		total += p.Target
		if p.ID == "" {
			p.ID = newID()
		}
	}
	if total > 100 {
		return fieldErr("pillars", ErrPillarSharesOver, map[string]any{"total": total})
	}
	return nil
}

func (c *Charter) normalize() error {
	c.Text = strings.TrimSpace(c.Text)
	if err := checkLen("charter.text", c.Text, MaxNoteLen); err != nil {
		return err
	}
	var err error
	c.BannedWords, err = cleanList("charter.bannedWords", c.BannedWords, MaxListLen*5, func(w string) string {
		return strings.Join(strings.Fields(w), " ")
	})
	return err
}
