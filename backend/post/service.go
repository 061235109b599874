package post

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"relais/backend/account"
	"relais/backend/network"
	"relais/backend/store"
	"relais/backend/workspace"
)

// Workspaces is what posts need of package workspace.
type Workspaces interface {
	Get(ctx context.Context, id string) (workspace.Workspace, error)
}

// Accounts is what posts need of package account.
type Accounts interface {
	Get(ctx context.Context, id string) (account.Account, error)
	List(ctx context.Context, workspaceID string) ([]account.Account, error)
}

var (
	_ Workspaces = (*workspace.Service)(nil)
	_ Accounts   = (*account.Service)(nil)
)

// Visual is what validation needs to know of a library visual.
type Visual struct {
	ID          string
	WorkspaceID string
	Width       int
	Height      int
	Format      string // "jpeg", "png", "gif", "webp"
	// Renditions are the presets the library can make of it, each with
	// its output size.
	Renditions []Rendition
}

// Rendition is one preset of a visual.
type Rendition struct {
	PresetID string
	Network  network.Name // the network the preset is for; "" = any
	Width    int
	Height   int
}

// Visuals looks up library visuals (package library, wired by app). A nil
// Visuals skips the checks that need pixel sizes.
type Visuals interface {
	Visual(ctx context.Context, id string) (Visual, error)
}

// UsageMarker is told which visuals a post uses after every save and
// delete (an empty list on delete), and whether the post is scheduled, so
// the library can say where a visual is used and ask before deleting one
// a scheduled post needs.
type UsageMarker interface {
	MarkUsed(ctx context.Context, postID string, assetIDs []string, scheduled bool) error
}

// FileImporter brings a visual file named in a CSV import into the
// library and returns its asset id.
type FileImporter interface {
	ImportFile(ctx context.Context, workspaceID, path, alt string) (assetID string, err error)
}

// Service manages posts, campaigns, hashtag groups, snippets and slots.
type Service struct {
	db         *store.Store
	workspaces Workspaces
	accounts   Accounts
	now        func() time.Time

	libMu    sync.RWMutex
	visuals  Visuals
	usage    UsageMarker
	importer FileImporter

	importMu sync.Mutex
	imports  map[string]*pendingImport

	obsMu    sync.RWMutex
	observer Observer
}

// Observer is told about every stored change of a post, after it is
// committed: before is the post as it was (nil when it was created), after
// as it is (nil once deleted). The scheduler's jobs follow the plan
// through it. It runs on the caller's goroutine.
type Observer func(ctx context.Context, before, after *Post)

// SetObserver sets the one observer (nil: none).
func (s *Service) SetObserver(o Observer) {
	s.obsMu.Lock()
	defer s.obsMu.Unlock()
	s.observer = o
}

func (s *Service) changed(ctx context.Context, before, after *Post) {
	s.obsMu.RLock()
	o := s.observer
	s.obsMu.RUnlock()
	if o != nil {
		o(ctx, before, after)
	}
}

// New returns a Service over db.
func New(db *store.Store, ws Workspaces, acc Accounts) *Service {
	return &Service{db: db, workspaces: ws, accounts: acc, now: time.Now, imports: map[string]*pendingImport{}}
}

// SetClock replaces the clock (tests).
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// SetLibrary wires the visual library's hooks; any may be nil.
func (s *Service) SetLibrary(v Visuals, u UsageMarker, f FileImporter) {
	s.libMu.Lock()
	defer s.libMu.Unlock()
	s.visuals, s.usage, s.importer = v, u, f
}

func (s *Service) lib() (Visuals, UsageMarker, FileImporter) {
	s.libMu.RLock()
	defer s.libMu.RUnlock()
	return s.visuals, s.usage, s.importer
}

func newID() string { return uuid.Must(uuid.NewV7()).String() }

func recKey(id string) []byte { return store.Key(store.TablePost, []byte(id)) }

func wsPrefix(table byte, ws string) []byte { return store.Key(table, []byte(ws), []byte{0}) }

// unscheduled is the due part of the entry key of a post without a due
// time: it sorts before every real instant.
var unscheduled = make([]byte, 8)

func dueBytes(due time.Time) []byte {
	if due.IsZero() {
		return unscheduled
	}
	return store.TimeKey(due)
}

func entryKey(ws string, due time.Time, id string) []byte {
	return store.Key(store.TablePostEntry, []byte(ws), []byte{0}, dueBytes(due), []byte(id))
}

func dueAllKey(ws string, due time.Time, id string) []byte {
	return store.Key(store.IndexPostDueAll, store.TimeKey(due), []byte(ws), []byte{0}, []byte(id))
}

func labelKey(ws, label, id string) []byte {
	return store.Key(store.IndexPostLabel, []byte(ws), []byte{0}, []byte(label), []byte{0}, []byte(id))
}

// indexKeys are every key p has beside its record, its entry included.
func indexKeys(p *Post) [][]byte {
	keys := [][]byte{entryKey(p.WorkspaceID, p.Due, p.ID)}
	if !p.Due.IsZero() {
		keys = append(keys, dueAllKey(p.WorkspaceID, p.Due, p.ID))
	}
	for _, l := range p.Labels {
		keys = append(keys, labelKey(p.WorkspaceID, l, p.ID))
	}
	return keys
}

// Get returns a post, validated.
func (s *Service) Get(ctx context.Context, id string) (Post, error) {
	p, err := s.load(ctx, id)
	if err != nil {
		return Post{}, err
	}
	return s.Validate(ctx, p)
}

func (s *Service) load(ctx context.Context, id string) (Post, error) {
	var p Post
	err := s.db.View(ctx, func(t *store.Txn) error { return getTx(t, id, &p) })
	return p, err
}

func getTx(t *store.Txn, id string, p *Post) error {
	err := t.Get(recKey(id), p)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	return err
}

// Create stores a new post from d: one variant per account, each with
// d's visuals.
func (s *Service) Create(ctx context.Context, workspaceID string, d Draft) (Post, error) {
	if d.Status == "" {
		d.Status = StatusDraft
	}
	now := s.now().UTC()
	p := Post{ID: newID(), WorkspaceID: workspaceID, Status: d.Status, Text: d.Text, Due: d.Due,
		CreatedAt: now, Labels: []string{}}
	for _, acc := range d.AccountIDs {
		v := Variant{AccountID: acc, Assets: []AssetRef{}}
		for _, a := range d.AssetIDs {
			v.Assets = append(v.Assets, AssetRef{AssetID: a})
		}
		p.Variants = append(p.Variants, v)
	}
	return s.write(ctx, p, true)
}

// Save replaces a post with p, whose Version must be the stored one, and
// returns it validated with its new version. A post moved to scheduled
// must have a due time and no problem (ErrNeedsDue, ErrHasProblems); a
// post already scheduled that an edit gives problems is saved and goes
// back to approved.
func (s *Service) Save(ctx context.Context, p Post) (Post, error) {
	return s.write(ctx, p, false)
}

// write normalises p, checks its version against the stored post (unless
// create) and stores it with its entry and index keys.
func (s *Service) write(ctx context.Context, p Post, create bool) (Post, error) {
	ws, err := s.workspaces.Get(ctx, p.WorkspaceID)
	if errors.Is(err, workspace.ErrNotFound) {
		return Post{}, fmt.Errorf("%w: %s", ErrNoWorkspace, p.WorkspaceID)
	}
	if err != nil {
		return Post{}, err
	}
	if err := s.normalize(ctx, &p, ws); err != nil {
		return Post{}, err
	}
	p, err = s.Validate(ctx, p)
	if err != nil {
		return Post{}, err
	}
	var schedErr error
	if p.Status == StatusScheduled {
		schedErr = schedulable(p)
	}
	var saved Post
	var before *Post
	err = s.db.Update(ctx, func(t *store.Txn) error {
		var old *Post
		before = nil
		if !create {
			var cur Post
			if err := getTx(t, p.ID, &cur); err != nil {
				return err
			}
			before = &cur
			if cur.Version != p.Version || cur.WorkspaceID != p.WorkspaceID {
				return fmt.Errorf("%w: version %d, stored %d", ErrConflict, p.Version, cur.Version)
			}
			old = &cur
			p.CreatedAt = cur.CreatedAt
		}
		saved = p
		if schedErr != nil {
			// Scheduling a post with problems is refused; a scheduled
			// post edited into having problems (autosave while typing)
			// is kept, back to approved, so no edit is ever lost.
			if old == nil || old.Status != StatusScheduled {
				return schedErr
			}
			saved.Status = StatusApproved
		}
		if p.CampaignID != "" {
			var c Campaign
			if err := t.Get(campaignKey(p.CampaignID), &c); err != nil || c.WorkspaceID != p.WorkspaceID {
				return fieldErr("campaignId", ErrUnknownCampaign, map[string]any{"value": p.CampaignID})
			}
		}
		saved.Version = p.Version + 1
		if create {
			saved.Version = 1
		}
		saved.UpdatedAt = s.now().UTC()
		return put(t, old, saved)
	})
	if err != nil {
		return Post{}, err
	}
	s.markUsed(ctx, saved)
	s.changed(ctx, before, &saved)
	return saved, nil
}

// put writes p, its entry and its index keys, removing old's.
func put(t *store.Txn, old *Post, p Post) error {
	if old != nil {
		for _, k := range indexKeys(old) {
			if err := t.Delete(k); err != nil {
				return err
			}
		}
	}
	keys := indexKeys(&p)
	if err := t.Put(keys[0], compact(entryOf(p))); err != nil {
		return err
	}
	for _, k := range keys[1:] {
		if err := t.SetIndex(k); err != nil {
			return err
		}
	}
	return t.Put(recKey(p.ID), stored(p))
}

// stored is p as written: inherited texts and problems are not kept.
func stored(p Post) Post {
	vs := make([]Variant, len(p.Variants))
	for i, v := range p.Variants {
		if !v.OwnText {
			v.Text = ""
		}
		v.Problems = nil
		vs[i] = v
	}
	p.Variants = vs
	return p
}

func (s *Service) markUsed(ctx context.Context, p Post) {
	_, usage, _ := s.lib()
	if usage == nil {
		return
	}
	// The post is saved whatever the library answers; the library can
	// rebuild usage from the posts.
	_ = usage.MarkUsed(ctx, p.ID, assetIDs(p), p.Status == StatusScheduled)
}

func assetIDs(p Post) []string {
	var out []string
	seen := map[string]bool{}
	for _, v := range p.Variants {
		for _, a := range v.Assets {
			if !seen[a.AssetID] {
				seen[a.AssetID] = true
				out = append(out, a.AssetID)
			}
		}
	}
	return out
}

func schedulable(p Post) error {
	if p.Due.IsZero() {
		return fieldErr("due", ErrNeedsDue, nil)
	}
	if n := problemCount(p); n > 0 {
		return fieldErr("variants", ErrHasProblems, map[string]any{"count": n})
	}
	return nil
}

func problemCount(p Post) int {
	n := 0
	for _, v := range p.Variants {
		n += len(v.Problems)
	}
	return n
}

// storedEntry is an Entry as the calendar table keeps it: short keys, and
// nothing its key already says (workspace, due, id), because decoding is
// most of the time a month query takes.
type storedEntry struct {
	S  Status         `json:"s"`
	X  string         `json:"x,omitempty"`
	Z  string         `json:"z,omitempty"`
	N  []network.Name `json:"n,omitempty"`
	A  []string       `json:"a,omitempty"`
	P  string         `json:"p,omitempty"`
	C  string         `json:"c,omitempty"`
	L  []string       `json:"l,omitempty"`
	T  string         `json:"t,omitempty"`
	Pr int            `json:"pr,omitempty"`
}

func compact(e Entry) storedEntry {
	return storedEntry{S: e.Status, X: e.Excerpt, Z: e.Zone, N: e.Networks, A: e.AccountIDs, P: e.Pillar,
		C: e.CampaignID, L: e.Labels, T: e.Thumb, Pr: e.Problems}
}

// entryAt rebuilds an Entry from its calendar key and stored value.
func entryAt(key []byte, se storedEntry) (Entry, error) {
	rest := key[1:]
	i := bytes.IndexByte(rest, 0)
	if i < 0 || len(rest) < i+1+8 {
		return Entry{}, fmt.Errorf("post: malformed calendar key %x", key)
	}
	e := Entry{WorkspaceID: string(rest[:i]), ID: string(rest[i+9:]), Status: se.S, Excerpt: se.X, Zone: se.Z,
		Networks: se.N, AccountIDs: se.A, Pillar: se.P, CampaignID: se.C, Labels: se.L, Thumb: se.T, Problems: se.Pr}
	if due := rest[i+1 : i+9]; !bytes.Equal(due, unscheduled) {
		e.Due, _ = store.ParseTimeKey(due)
	}
	if e.Networks == nil {
		e.Networks = []network.Name{}
	}
	if e.AccountIDs == nil {
		e.AccountIDs = []string{}
	}
	if e.Labels == nil {
		e.Labels = []string{}
	}
	return e, nil
}

func readEntry(key []byte, decode func(any) error) (Entry, error) {
	var se storedEntry
	if err := decode(&se); err != nil {
		return Entry{}, err
	}
	return entryAt(key, se)
}

// ExcerptLen is how many characters of the master text an Entry shows.
const ExcerptLen = 120

func entryOf(p Post) Entry {
	e := Entry{ID: p.ID, WorkspaceID: p.WorkspaceID, Status: p.Status, Due: p.Due, Zone: p.Zone,
		Pillar: p.Pillar, CampaignID: p.CampaignID, Labels: p.Labels, Problems: problemCount(p),
		Networks: []network.Name{}, AccountIDs: []string{}}
	text := p.Text
	seen := map[network.Name]bool{}
	for _, v := range p.Variants {
		e.AccountIDs = append(e.AccountIDs, v.AccountID)
		if !seen[v.Network] && v.Network != "" {
			seen[v.Network] = true
			e.Networks = append(e.Networks, v.Network)
		}
		if e.Thumb == "" && len(v.Assets) > 0 {
			e.Thumb = v.Assets[0].AssetID
		}
		if strings.TrimSpace(text) == "" && v.OwnText {
			text = v.Text
		}
	}
	e.Excerpt = excerpt(text, ExcerptLen)
	if e.Labels == nil {
		e.Labels = []string{}
	}
	return e
}

func excerpt(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// normalize checks and tidies p before it is stored.
func (s *Service) normalize(ctx context.Context, p *Post, ws workspace.Workspace) error {
	p.Zone = ws.Timezone
	if p.Status == "" {
		p.Status = StatusDraft
	}
	if !p.Status.Valid() {
		return fieldErr("status", ErrUnknownStatus, map[string]any{"value": string(p.Status)})
	}
	if !p.Due.IsZero() {
		p.Due = p.Due.UTC().Truncate(time.Second)
	}
	if utf8.RuneCountInString(p.Text) > MaxTextLen {
		return fieldErr("text", ErrTooLong, map[string]any{"max": MaxTextLen})
	}
	if err := checkLen("notes", p.Notes, MaxTextLen); err != nil {
		return err
	}
	if err := p.Brief.normalize("brief"); err != nil {
		return err
	}
	if p.Brief != nil && *p.Brief == (Brief{}) {
		p.Brief = nil
	}
	labels, err := cleanList("labels", p.Labels, MaxLabels, nil)
	if err != nil {
		return err
	}
	p.Labels = labels
	if p.Pillar != "" {
		id, ok := pillarID(ws, p.Pillar)
		if !ok {
			return fieldErr("pillar", ErrUnknownPillar, map[string]any{"value": p.Pillar})
		}
		p.Pillar = id
	}
	if len(p.Variants) > MaxVariants {
		return fieldErr("variants", workspace.ErrTooMany, map[string]any{"max": MaxVariants})
	}
	seen := map[string]bool{}
	vs := p.Variants[:0:0]
	for i, v := range p.Variants {
		field := fmt.Sprintf("variants.%d", i)
		if seen[v.AccountID] {
			continue
		}
		seen[v.AccountID] = true
		acc, err := s.accounts.Get(ctx, v.AccountID)
		switch {
		case err == nil && acc.WorkspaceID == p.WorkspaceID:
			v.Network = acc.Network
		case errors.Is(err, account.ErrNotFound) && v.ID != "":
			// A stored variant whose account was disconnected since: kept
			// (Validate reports accountMissing, which blocks scheduling),
			// so the post can still be moved or edited.
		default:
			return fieldErr(field+".accountId", ErrUnknownAccount, map[string]any{"value": v.AccountID})
		}
		if v.ID == "" {
			v.ID = newID()
		}
		if v.Assets == nil {
			v.Assets = []AssetRef{}
		}
		if len(v.Assets) > MaxAssets {
			return fieldErr(field+".assets", workspace.ErrTooMany, map[string]any{"max": MaxAssets})
		}
		if utf8.RuneCountInString(v.Text) > MaxTextLen || utf8.RuneCountInString(v.FirstComment) > MaxTextLen {
			return fieldErr(field+".text", ErrTooLong, map[string]any{"max": MaxTextLen})
		}
		for _, f := range []struct{ name, v string }{{"title", v.Title}, {"link", v.Link}, {"board", v.Board}} {
			if err := checkLen(field+"."+f.name, f.v, MaxShortLen); err != nil {
				return err
			}
		}
		v.Title, v.Link, v.Board = strings.TrimSpace(v.Title), strings.TrimSpace(v.Link), strings.TrimSpace(v.Board)
		if r, ok := network.RulesFor(v.Network); !ok || !r.HandOff {
			v.HandOff = false
		}
		vs = append(vs, v)
	}
	p.Variants = vs
	return nil
}

func (b *Brief) normalize(field string) error {
	if b == nil {
		return nil
	}
	for _, f := range []*string{&b.Objective, &b.Audience, &b.KeyMessage, &b.CallToAction, &b.Format, &b.Deadline, &b.VisualsRequested} {
		*f = strings.TrimSpace(*f)
		if err := checkLen(field, *f, MaxShortLen); err != nil {
			return err
		}
	}
	if b.Deadline != "" {
		if _, err := time.Parse(time.DateOnly, b.Deadline); err != nil {
			if _, err := time.Parse(time.RFC3339, b.Deadline); err != nil {
				return fieldErr(field+".deadline", ErrBadTime, map[string]any{"value": b.Deadline})
			}
		}
	}
	return nil
}

func pillarID(ws workspace.Workspace, v string) (string, bool) {
	for _, p := range ws.Pillars {
		if p.ID == v {
			return p.ID, true
		}
	}
	for _, p := range ws.Pillars {
		if strings.EqualFold(strings.TrimSpace(v), p.Name) {
			return p.ID, true
		}
	}
	return "", false
}

func checkLen(field, s string, max int) error {
	if utf8.RuneCountInString(s) > max {
		return fieldErr(field, ErrTooLong, map[string]any{"max": max})
	}
	return nil
}

// cleanList trims entries and drops empty ones and case-insensitive
// duplicates, keeping the user's order.
func cleanList(field string, in []string, max int, each func(string) string) ([]string, error) {
	out := []string{}
	seen := map[string]bool{}
	for _, v := range in {
		v = strings.Join(strings.Fields(v), " ")
		if each != nil {
			v = each(v)
		}
		if v == "" || strings.ContainsRune(v, 0) {
			continue
		}
		if err := checkLen(field, v, MaxNameLen); err != nil {
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
		return nil, fieldErr(field, workspace.ErrTooMany, map[string]any{"max": max})
	}
	return out, nil
}

// Delete removes a post and its index entries.
func (s *Service) Delete(ctx context.Context, id string) (Post, error) {
	var p Post
	err := s.db.Update(ctx, func(t *store.Txn) error {
		if err := getTx(t, id, &p); err != nil {
			return err
		}
		for _, k := range indexKeys(&p) {
			if err := t.Delete(k); err != nil {
				return err
			}
		}
		return t.Delete(recKey(id))
	})
	if err != nil {
		return Post{}, err
	}
	if _, usage, _ := s.lib(); usage != nil {
		_ = usage.MarkUsed(ctx, id, nil, false)
	}
	s.changed(ctx, &p, nil)
	return p, nil
}

// modify loads a post, lets fn change it and saves it; a concurrent save
// between the load and the write makes it start again (a few times).
func (s *Service) modify(ctx context.Context, id string, fn func(*Post) error) (Post, error) {
	for try := 0; ; try++ {
		p, err := s.load(ctx, id)
		if err != nil {
			return Post{}, err
		}
		p = inherit(p)
		if err := fn(&p); err != nil {
			return Post{}, err
		}
		saved, err := s.Save(ctx, p)
		if errors.Is(err, ErrConflict) && try < 3 {
			continue
		}
		return saved, err
	}
}

// inherit fills inherited variant texts from the master text.
func inherit(p Post) Post {
	vs := make([]Variant, len(p.Variants))
	for i, v := range p.Variants {
		if !v.OwnText {
			v.Text = p.Text
		}
		vs[i] = v
	}
	p.Variants = vs
	return p
}

// SetStatus moves a post to status. Scheduling needs a due time and no
// problem left.
func (s *Service) SetStatus(ctx context.Context, id string, status Status) (Post, error) {
	if !status.Valid() {
		return Post{}, fieldErr("status", ErrUnknownStatus, map[string]any{"value": string(status)})
	}
	return s.modify(ctx, id, func(p *Post) error { p.Status = status; return nil })
}

// SetHandOff asks (on) or stops asking the network to hold one variant
// of a post until its time; networks that cannot keep it off.
func (s *Service) SetHandOff(ctx context.Context, id, variantID string, on bool) (Post, error) {
	return s.modify(ctx, id, func(p *Post) error {
		for i := range p.Variants {
			if p.Variants[i].ID == variantID {
				p.Variants[i].HandOff = on
				return nil
			}
		}
		return fmt.Errorf("%w: variant %s", ErrNotFound, variantID)
	})
}

// Move gives a post a new due time; a zero due puts it back in the tray
// (a scheduled post then goes back to approved).
func (s *Service) Move(ctx context.Context, id string, due time.Time) (Entry, error) {
	p, err := s.modify(ctx, id, func(p *Post) error {
		p.Due = due
		if due.IsZero() && p.Status == StatusScheduled {
			p.Status = StatusApproved
		}
		return nil
	})
	return entryOf(p), err
}

// Duplicate copies a post (new ids, same texts, visuals and fields) to due,
// or to the tray when due is zero. A copy of a scheduled, published or
// failed post is a draft.
func (s *Service) Duplicate(ctx context.Context, id string, due time.Time) (Entry, error) {
	p, err := s.load(ctx, id)
	if err != nil {
		return Entry{}, err
	}
	p = inherit(p)
	p.ID, p.Due, p.Version, p.CreatedAt = newID(), due, 0, s.now().UTC()
	switch p.Status {
	case StatusScheduled, StatusPublished, StatusFailed:
		p.Status = StatusDraft
	}
	vs := make([]Variant, len(p.Variants))
	for i, v := range p.Variants {
		v.ID = ""
		v.Assets = append([]AssetRef{}, v.Assets...)
		vs[i] = v
	}
	p.Variants = vs
	p.Labels = append([]string{}, p.Labels...)
	saved, err := s.write(ctx, p, true)
	return entryOf(saved), err
}

// Range lists the posts due in [from, to) of one workspace, or of every
// workspace when workspaceID is "", by due time. A zero from or to leaves
// that side open.
func (s *Service) Range(ctx context.Context, workspaceID string, from, to time.Time) ([]Entry, error) {
	out := []Entry{}
	// Instants a TimeKey can hold, and never the unscheduled sentinel.
	minT, maxT := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
	if from.Before(minT) { // the zero time included: from the start
		from = minT
	}
	if to.IsZero() || to.After(maxT) {
		to = maxT
	}
	if !from.Before(to) {
		return out, nil
	}
	err := s.db.View(ctx, func(t *store.Txn) error {
		if workspaceID == "" {
			prefix := []byte{store.IndexPostDueAll}
			start, end := store.Key(store.IndexPostDueAll, store.TimeKey(from)), store.Key(store.IndexPostDueAll, store.TimeKey(to))
			return t.ScanKeysRange(prefix, start, end, func(k []byte) error {
				due, _ := store.ParseTimeKey(k[1:9])
				ws, id, _ := strings.Cut(string(k[9:]), "\x00")
				key := entryKey(ws, due, id)
				e, err := readEntry(key, func(v any) error { return t.Get(key, v) })
				if err != nil {
					return err
				}
				out = append(out, e)
				return nil
			})
		}
		prefix := wsPrefix(store.TablePostEntry, workspaceID)
		start, end := append(prefix[:len(prefix):len(prefix)], store.TimeKey(from)...), append(prefix[:len(prefix):len(prefix)], store.TimeKey(to)...)
		return t.ScanRange(prefix, start, end, func(k []byte, decode func(any) error) error {
			e, err := readEntry(k, decode)
			if err != nil {
				return err
			}
			out = append(out, e)
			return nil
		})
	})
	return out, err
}

// Unscheduled lists a workspace's posts without a due time (the tray),
// newest first.
func (s *Service) Unscheduled(ctx context.Context, workspaceID string) ([]Entry, error) {
	out := []Entry{}
	err := s.db.View(ctx, func(t *store.Txn) error {
		prefix := append(wsPrefix(store.TablePostEntry, workspaceID), unscheduled...)
		return t.Scan(prefix, func(k []byte, decode func(any) error) error {
			e, err := readEntry(k, decode)
			if err != nil {
				return err
			}
			out = append(out, e)
			return nil
		})
	})
	// Ids are UUIDv7: they sort by creation time.
	sort.SliceStable(out, func(i, j int) bool { return out[i].ID > out[j].ID })
	return out, err
}

// RemoveWorkspace deletes every post, campaign, hashtag group, snippet
// and slot of a deleted workspace, in one transaction per kind of record.
func (s *Service) RemoveWorkspace(ctx context.Context, workspaceID string) error {
	var posts []Post
	err := s.db.View(ctx, func(t *store.Txn) error {
		return t.ScanKeys(wsPrefix(store.TablePostEntry, workspaceID), func(k []byte) error {
			e, err := entryAt(k, storedEntry{})
			if err != nil {
				return err
			}
			var p Post
			if err := getTx(t, e.ID, &p); err != nil {
				return err
			}
			posts = append(posts, p)
			return nil
		})
	})
	if err != nil {
		return err
	}
	// Batches keep each transaction well under Badger's size limit.
	for len(posts) > 0 {
		batch := posts[:min(len(posts), 500)]
		posts = posts[len(batch):]
		err := s.db.Update(ctx, func(t *store.Txn) error {
			for _, p := range batch {
				for _, k := range indexKeys(&p) {
					if err := t.Delete(k); err != nil {
						return err
					}
				}
				if err := t.Delete(recKey(p.ID)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		if _, usage, _ := s.lib(); usage != nil {
			for _, p := range batch {
				_ = usage.MarkUsed(ctx, p.ID, nil, false)
			}
		}
		for i := range batch {
			s.changed(ctx, &batch[i], nil)
		}
	}
	return s.db.Update(ctx, func(t *store.Txn) error {
		for _, table := range []byte{store.TableCampaign, store.TableHashtagGroup, store.TableSnippet} {
			var keys [][]byte
			err := t.Scan([]byte{table}, func(k []byte, decode func(any) error) error {
				var rec struct {
					WorkspaceID string `json:"workspaceId"`
				}
				if err := decode(&rec); err != nil {
					return err
				}
				if rec.WorkspaceID == workspaceID {
					keys = append(keys, k)
				}
				return nil
			})
			if err != nil {
				return err
			}
			for _, k := range keys {
				if err := t.Delete(k); err != nil {
					return err
				}
			}
		}
		return t.Delete(slotsKey(workspaceID))
	})
}

// Labels lists the labels a workspace's posts use, sorted.
func (s *Service) Labels(ctx context.Context, workspaceID string) ([]string, error) {
	out := []string{}
	err := s.db.View(ctx, func(t *store.Txn) error {
		prefix := wsPrefix(store.IndexPostLabel, workspaceID)
		seen := map[string]bool{}
		return t.ScanKeys(prefix, func(k []byte) error {
			rest := string(k[len(prefix):])
			i := strings.LastIndexByte(rest, 0)
			if i < 0 {
				return nil
			}
			if l := rest[:i]; !seen[l] {
				seen[l] = true
				out = append(out, l)
			}
			return nil
		})
	})
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i]) < strings.ToLower(out[j]) })
	return out, err
}
