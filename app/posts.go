package app

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"relais/backend/account"
	"relais/backend/library"
	"relais/backend/network"
	"relais/backend/post"
	"relais/backend/rendition"
	"relais/backend/schedule"
	"relais/backend/workspace"
)

// Posts is the bound facade for posts, the editorial calendar, campaigns,
// hashtag groups, snippets, posting slots, network rules and plan
// import/export. Every change emits posts:changed {workspaceId}.
type Posts struct {
	a *App

	// saveDialog replaces the native save dialog in tests.
	saveDialog func(name, pattern string) (string, error)
}

// Post is a post as the UI edits it. Times are RFC 3339 in UTC, "" when
// none; Zone is the workspace's IANA zone the UI shows them in.
type Post struct {
	ID          string         `json:"id"`
	WorkspaceID string         `json:"workspaceId"`
	Status      string         `json:"status"`
	Text        string         `json:"text"`
	Due         string         `json:"due"`
	Zone        string         `json:"zone"`
	CampaignID  string         `json:"campaignId"`
	Pillar      string         `json:"pillar"` // a workspace pillar's id
	Labels      []string       `json:"labels"`
	Notes       string         `json:"notes"`
	Brief       *post.Brief    `json:"brief"`
	Variants    []post.Variant `json:"variants"`
	CreatedAt   string         `json:"createdAt"`
	UpdatedAt   string         `json:"updatedAt"`
	Version     int            `json:"version"`
}

// Entry is a post as the calendar and the tray list it. A busy month is a
// thousand of them in one message, so fields left empty are omitted (the
// UI reads a missing field as empty): the message is a quarter smaller and
// its round trip a fifth shorter (scripts/bench-calendar).
type Entry struct {
	ID          string   `json:"id"`
	WorkspaceID string   `json:"workspaceId"`
	Status      string   `json:"status"`
	Excerpt     string   `json:"excerpt,omitempty"`
	Due         string   `json:"due,omitempty"`
	Zone        string   `json:"zone"`
	Networks    []string `json:"networks,omitempty"`
	AccountIDs  []string `json:"accountIds,omitempty"`
	Pillar      string   `json:"pillar,omitempty"`
	CampaignID  string   `json:"campaignId,omitempty"`
	Labels      []string `json:"labels,omitempty"`
	Thumb       string   `json:"thumb,omitempty"` // "/library/thumb/<asset id>" or ""
	Problems    int      `json:"problems,omitempty"`
}

// Draft is what a new post starts from.
type Draft struct {
	Text       string   `json:"text"`
	Due        string   `json:"due"` // RFC 3339 or ""
	Status     string   `json:"status"`
	AccountIDs []string `json:"accountIds"`
	AssetIDs   []string `json:"assetIds"`
}

// Campaign is a campaign as the UI edits it. Start and End are the first
// and last days, each as the instant it starts in the workspace's zone.
type Campaign struct {
	ID          string      `json:"id"`
	WorkspaceID string      `json:"workspaceId"`
	Name        string      `json:"name"`
	Color       string      `json:"color"`
	Start       string      `json:"start"` // RFC 3339 or ""
	End         string      `json:"end"`
	Brief       *post.Brief `json:"brief"`
	// Posts is how many posts are in it: Campaigns fills it, so the list
	// and the delete confirmation need no second call; saving ignores it.
	Posts int `json:"posts"`
}

// ImportRow is one row of an import preview.
type ImportRow struct {
	Line     int      `json:"line"`
	Due      string   `json:"due"`
	Accounts []string `json:"accounts"` // account ids
	// AccountNames are the same accounts as "network:@handle".
	AccountNames []string        `json:"accountNames"`
	Text         string          `json:"text"`
	Errors       []post.RowError `json:"errors"`
}

// ImportPreview is what confirming an import would store.
type ImportPreview struct {
	Token     string      `json:"token"`
	Rows      []ImportRow `json:"rows"`
	OK        bool        `json:"ok"`
	Encoding  string      `json:"encoding"`  // "utf-8" or "windows-1252"
	Delimiter string      `json:"delimiter"` // "," or ";"
}

func (a *App) postSvc() (*post.Service, error) {
	if _, _, _, err := a.services(); err != nil {
		return nil, err
	}
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.posts, nil
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(rfc3339)
}

func parseTime(field, s string) (time.Time, error) {
	if strings.TrimSpace(s) == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, &workspace.FieldError{Field: field, Err: post.ErrBadTime, Info: map[string]any{"value": s}}
	}
	return t.UTC(), nil
}

func toPost(p post.Post) Post {
	d := Post{ID: p.ID, WorkspaceID: p.WorkspaceID, Status: string(p.Status), Text: p.Text, Due: formatTime(p.Due),
		Zone: p.Zone, CampaignID: p.CampaignID, Pillar: p.Pillar, Labels: p.Labels, Notes: p.Notes, Brief: p.Brief,
		Variants: p.Variants, CreatedAt: formatTime(p.CreatedAt), UpdatedAt: formatTime(p.UpdatedAt), Version: p.Version}
	if d.Labels == nil {
		d.Labels = []string{}
	}
	if d.Variants == nil {
		d.Variants = []post.Variant{}
	}
	return d
}

func fromPost(d Post) (post.Post, error) {
	due, err := parseTime("due", d.Due)
	if err != nil {
		return post.Post{}, err
	}
	created, _ := parseTime("createdAt", d.CreatedAt)
	return post.Post{ID: d.ID, WorkspaceID: d.WorkspaceID, Status: post.Status(d.Status), Text: d.Text, Due: due,
		Zone: d.Zone, CampaignID: d.CampaignID, Pillar: d.Pillar, Labels: d.Labels, Notes: d.Notes, Brief: d.Brief,
		Variants: d.Variants, CreatedAt: created, Version: d.Version}, nil
}

func toEntry(e post.Entry) Entry {
	d := Entry{ID: e.ID, WorkspaceID: e.WorkspaceID, Status: string(e.Status), Excerpt: e.Excerpt, Due: formatTime(e.Due),
		Zone: e.Zone, Networks: make([]string, len(e.Networks)), AccountIDs: e.AccountIDs, Pillar: e.Pillar,
		CampaignID: e.CampaignID, Labels: e.Labels, Problems: e.Problems}
	for i, n := range e.Networks {
		d.Networks[i] = string(n)
	}
	if e.Thumb != "" {
		d.Thumb = "/library/thumb/" + e.Thumb
	}
	if d.AccountIDs == nil {
		d.AccountIDs = []string{}
	}
	if d.Labels == nil {
		d.Labels = []string{}
	}
	return d
}

func toEntries(list []post.Entry, err error) ([]Entry, error) {
	if err != nil {
		return nil, err
	}
	out := make([]Entry, len(list))
	for i, e := range list {
		out[i] = toEntry(e)
	}
	return out, nil
}

func toCampaign(c post.Campaign) Campaign {
	return Campaign{ID: c.ID, WorkspaceID: c.WorkspaceID, Name: c.Name, Color: c.Color, Start: formatTime(c.Start),
		End: formatTime(c.End), Brief: c.Brief}
}

// changed tells the UI a workspace's plan changed.
func (f *Posts) changed(workspaceID string) {
	f.a.emit("posts:changed", map[string]string{"workspaceId": workspaceID})
}

func (f *Posts) onePost(p post.Post, err error) (Post, error) {
	if err != nil {
		return Post{}, err
	}
	f.changed(p.WorkspaceID)
	return toPost(p), nil
}

func (f *Posts) oneEntry(e post.Entry, err error) (Entry, error) {
	if err != nil {
		return Entry{}, err
	}
	f.changed(e.WorkspaceID)
	return toEntry(e), nil
}

// Create starts a post in a workspace: one variant per account, each with
// the given visuals.
func (f *Posts) Create(workspaceID string, d Draft) (Post, error) {
	svc, err := f.a.postSvc()
	if err != nil {
		return Post{}, err
	}
	due, err := parseTime("due", d.Due)
	if err != nil {
		return Post{}, err
	}
	return f.onePost(svc.Create(f.a.context(), workspaceID, post.Draft{Text: d.Text, Due: due, Status: post.Status(d.Status),
		AccountIDs: d.AccountIDs, AssetIDs: d.AssetIDs}))
}

// Get returns a post with each variant's problems.
func (f *Posts) Get(id string) (Post, error) {
	svc, err := f.a.postSvc()
	if err != nil {
		return Post{}, err
	}
	p, err := svc.Get(f.a.context(), id)
	if err != nil {
		return Post{}, err
	}
	return toPost(p), nil
}

// Save stores the whole post, whose version must be the stored one
// (post.conflict otherwise), and returns it validated with its new version.
func (f *Posts) Save(p Post) (Post, error) {
	svc, err := f.a.postSvc()
	if err != nil {
		return Post{}, err
	}
	bp, err := fromPost(p)
	if err != nil {
		return Post{}, err
	}
	return f.onePost(svc.Save(f.a.context(), bp))
}

// Validate returns p with each variant's problems, saving nothing: the
// editor calls it as the user types.
func (f *Posts) Validate(p Post) (Post, error) {
	svc, err := f.a.postSvc()
	if err != nil {
		return Post{}, err
	}
	bp, err := fromPost(p)
	if err != nil {
		return Post{}, err
	}
	v, err := svc.Validate(f.a.context(), bp)
	if err != nil {
		return Post{}, err
	}
	return toPost(v), nil
}

// Delete removes a post.
func (f *Posts) Delete(id string) error {
	svc, err := f.a.postSvc()
	if err != nil {
		return err
	}
	p, err := svc.Delete(f.a.context(), id)
	if err != nil {
		return err
	}
	f.changed(p.WorkspaceID)
	return nil
}

// SetStatus moves a post along its workflow; scheduling needs a due time
// and no problem left.
func (f *Posts) SetStatus(id, status string) (Post, error) {
	svc, err := f.a.postSvc()
	if err != nil {
		return Post{}, err
	}
	return f.onePost(svc.SetStatus(f.a.context(), id, post.Status(status)))
}

// Range lists the posts due in [from, to) of a workspace, or of every
// workspace when workspaceID is "". An empty from or to leaves that side
// open.
func (f *Posts) Range(workspaceID, from, to string) ([]Entry, error) {
	svc, err := f.a.postSvc()
	if err != nil {
		return nil, err
	}
	tf, err := parseTime("from", from)
	if err != nil {
		return nil, err
	}
	tt, err := parseTime("to", to)
	if err != nil {
		return nil, err
	}
	return toEntries(svc.Range(f.a.context(), workspaceID, tf, tt))
}

// Unscheduled lists a workspace's posts without a due time, newest first.
func (f *Posts) Unscheduled(workspaceID string) ([]Entry, error) {
	svc, err := f.a.postSvc()
	if err != nil {
		return nil, err
	}
	return toEntries(svc.Unscheduled(f.a.context(), workspaceID))
}

// Move gives a post a new due time ("" puts it back in the tray).
func (f *Posts) Move(id, due string) (Entry, error) {
	svc, err := f.a.postSvc()
	if err != nil {
		return Entry{}, err
	}
	t, err := parseTime("due", due)
	if err != nil {
		return Entry{}, err
	}
	return f.oneEntry(svc.Move(f.a.context(), id, t))
}

// Duplicate copies a post to due ("" = the tray).
func (f *Posts) Duplicate(id, due string) (Entry, error) {
	svc, err := f.a.postSvc()
	if err != nil {
		return Entry{}, err
	}
	t, err := parseTime("due", due)
	if err != nil {
		return Entry{}, err
	}
	return f.oneEntry(svc.Duplicate(f.a.context(), id, t))
}

// AddToQueue gives a post the next free posting slot of its accounts.
func (f *Posts) AddToQueue(id string) (Entry, error) {
	svc, err := f.a.postSvc()
	if err != nil {
		return Entry{}, err
	}
	return f.oneEntry(svc.AddToQueue(f.a.context(), id))
}

// Slots returns a workspace's posting slots.
func (f *Posts) Slots(workspaceID string) ([]post.Slot, error) {
	svc, err := f.a.postSvc()
	if err != nil {
		return nil, err
	}
	return svc.Slots(f.a.context(), workspaceID)
}

// SetSlots replaces a workspace's posting slots.
func (f *Posts) SetSlots(workspaceID string, slots []post.Slot) error {
	svc, err := f.a.postSvc()
	if err != nil {
		return err
	}
	if err := svc.SetSlots(f.a.context(), workspaceID, slots); err != nil {
		return err
	}
	f.changed(workspaceID)
	return nil
}

// Campaigns lists a workspace's campaigns, each with its number of posts.
func (f *Posts) Campaigns(workspaceID string) ([]Campaign, error) {
	svc, err := f.a.postSvc()
	if err != nil {
		return nil, err
	}
	list, err := svc.Campaigns(f.a.context(), workspaceID)
	if err != nil {
		return nil, err
	}
	counts, err := svc.CampaignPosts(f.a.context(), workspaceID)
	if err != nil {
		return nil, err
	}
	out := make([]Campaign, len(list))
	for i, c := range list {
		out[i] = toCampaign(c)
		out[i].Posts = counts[c.ID]
	}
	return out, nil
}

// SaveCampaign creates (empty id) or replaces a campaign.
func (f *Posts) SaveCampaign(c Campaign) (Campaign, error) {
	svc, err := f.a.postSvc()
	if err != nil {
		return Campaign{}, err
	}
	start, err := parseTime("start", c.Start)
	if err != nil {
		return Campaign{}, err
	}
	end, err := parseTime("end", c.End)
	if err != nil {
		return Campaign{}, err
	}
	saved, err := svc.SaveCampaign(f.a.context(), post.Campaign{ID: c.ID, WorkspaceID: c.WorkspaceID, Name: c.Name,
		Color: c.Color, Start: start, End: end, Brief: c.Brief})
	if err != nil {
		return Campaign{}, err
	}
	f.changed(saved.WorkspaceID)
	return toCampaign(saved), nil
}

// DeleteCampaign removes a campaign; its posts stay in the plan without
// a campaign.
func (f *Posts) DeleteCampaign(id string) error { return f.remove(id, (*post.Service).DeleteCampaign) }

// remove runs one of the service's deletes, which return the workspace the
// removed item belonged to, and announces the change.
func (f *Posts) remove(id string, del func(*post.Service, context.Context, string) (string, error)) error {
	svc, err := f.a.postSvc()
	if err != nil {
		return err
	}
	ws, err := del(svc, f.a.context(), id)
	if err != nil {
		return err
	}
	f.changed(ws)
	return nil
}

// HashtagGroups lists a workspace's hashtag groups.
func (f *Posts) HashtagGroups(workspaceID string) ([]post.HashtagGroup, error) {
	svc, err := f.a.postSvc()
	if err != nil {
		return nil, err
	}
	return svc.HashtagGroups(f.a.context(), workspaceID)
}

// SaveHashtagGroup creates (empty id) or replaces a hashtag group.
func (f *Posts) SaveHashtagGroup(g post.HashtagGroup) (post.HashtagGroup, error) {
	svc, err := f.a.postSvc()
	if err != nil {
		return post.HashtagGroup{}, err
	}
	saved, err := svc.SaveHashtagGroup(f.a.context(), g)
	if err != nil {
		return post.HashtagGroup{}, err
	}
	f.changed(saved.WorkspaceID)
	return saved, nil
}

// DeleteHashtagGroup removes a hashtag group.
func (f *Posts) DeleteHashtagGroup(id string) error {
	return f.remove(id, (*post.Service).DeleteHashtagGroup)
}

// Snippets lists a workspace's text snippets.
func (f *Posts) Snippets(workspaceID string) ([]post.Snippet, error) {
	svc, err := f.a.postSvc()
	if err != nil {
		return nil, err
	}
	return svc.Snippets(f.a.context(), workspaceID)
}

// SaveSnippet creates (empty id) or replaces a snippet.
func (f *Posts) SaveSnippet(s post.Snippet) (post.Snippet, error) {
	svc, err := f.a.postSvc()
	if err != nil {
		return post.Snippet{}, err
	}
	saved, err := svc.SaveSnippet(f.a.context(), s)
	if err != nil {
		return post.Snippet{}, err
	}
	f.changed(saved.WorkspaceID)
	return saved, nil
}

// DeleteSnippet removes a snippet.
func (f *Posts) DeleteSnippet(id string) error { return f.remove(id, (*post.Service).DeleteSnippet) }

// Labels lists the labels a workspace's posts use.
func (f *Posts) Labels(workspaceID string) ([]string, error) {
	svc, err := f.a.postSvc()
	if err != nil {
		return nil, err
	}
	return svc.Labels(f.a.context(), workspaceID)
}

// Rules returns every network's publishing rules. A Mastodon account's
// own instance limits are in its Account.limits.
func (f *Posts) Rules() []network.Rules { return network.AllRules() }

// Board is a Pinterest board a Pin can go to (its ID is a variant's
// board).
type Board struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Privacy string `json:"privacy"` // PUBLIC, PROTECTED or SECRET
}

// Boards lists a Pinterest account's boards, sorted by name, for the
// editor's board picker. Another network's account is refused
// (account.unknownNetwork); a refused token is network.revoked.
func (f *Posts) Boards(accountID string) ([]Board, error) {
	svc, err := f.a.accountSvc()
	if err != nil {
		return nil, err
	}
	ctx := f.a.ctxOrBackground()
	acc, err := svc.Get(ctx, accountID)
	if err != nil {
		return nil, err
	}
	if acc.Network != network.Pinterest {
		return nil, fmt.Errorf("%w: only Pinterest accounts have boards, not %s", account.ErrUnknownNetwork, acc.Network)
	}
	tok, acc, err := svc.Fresh(ctx, accountID)
	if err != nil {
		return nil, err
	}
	a := schedule.Account{ID: acc.ID, Network: acc.Network, Server: acc.Server, RemoteID: acc.Profile.RemoteID,
		Handle: acc.Profile.Handle, Token: tok}
	list, err := pinterestPublisher().Boards(ctx, a)
	if err != nil {
		return nil, err
	}
	out := make([]Board, len(list))
	for i, b := range list {
		out[i] = Board{ID: b.ID, Name: b.Name, Privacy: b.Privacy}
	}
	return out, nil
}

// ImportPreview reads a CSV plan the user picked and says, row by row,
// what importing it would store. Nothing is stored until ImportConfirm.
func (f *Posts) ImportPreview(workspaceID string, file FileData) (ImportPreview, error) {
	svc, err := f.a.postSvc()
	if err != nil {
		return ImportPreview{}, err
	}
	if len(file.Data) > base64.StdEncoding.EncodedLen(post.MaxImportBytes)+4 {
		return ImportPreview{}, &workspace.FieldError{Field: "file", Err: post.ErrCSVTooBig,
			Info: map[string]any{"file": file.Name, "max": post.MaxImportRows}}
	}
	data, err := base64.StdEncoding.DecodeString(file.Data)
	if err != nil {
		return ImportPreview{}, errBadBase64
	}
	pv, err := svc.ImportPreview(f.a.context(), workspaceID, file.Name, data)
	if err != nil {
		return ImportPreview{}, err
	}
	out := ImportPreview{Token: pv.Token, OK: pv.OK, Encoding: pv.Encoding, Delimiter: pv.Delimiter, Rows: make([]ImportRow, len(pv.Rows))}
	for i, r := range pv.Rows {
		out.Rows[i] = ImportRow{Line: r.Line, Due: formatTime(r.Due), Accounts: r.Accounts,
			AccountNames: r.AccountNames, Text: r.Text, Errors: r.Errors}
	}
	return out, nil
}

// ImportConfirm stores the posts of a preview without errors, all or none,
// and returns how many.
func (f *Posts) ImportConfirm(token string) (int, error) {
	svc, err := f.a.postSvc()
	if err != nil {
		return 0, err
	}
	ws, n, err := svc.ImportConfirmWorkspace(f.a.context(), token)
	if err != nil {
		return 0, err
	}
	f.changed(ws)
	return n, nil
}

// ExportCSV writes a workspace's posts due in [from, to) to a CSV file at
// path, or where the user picks when path is "". It returns the path
// written, or "" when the user cancelled.
func (f *Posts) ExportCSV(workspaceID, from, to, path string) (string, error) {
	svc, err := f.a.postSvc()
	if err != nil {
		return "", err
	}
	tf, err := parseTime("from", from)
	if err != nil {
		return "", err
	}
	tt, err := parseTime("to", to)
	if err != nil {
		return "", err
	}
	// Named after the month in the middle of the range: a month's start in
	// a zone east of UTC is still the previous month in UTC, and a month
	// grid starts in the previous month.
	mid := tf.Add(tt.Sub(tf) / 2)
	return f.export(path, "plan-"+mid.Format("2006-01")+".csv", "*.csv", func(w io.Writer) error {
		_, err := svc.ExportCSV(f.a.context(), workspaceID, tf, tt, w)
		return err
	})
}

// ExportICS writes a workspace's plan as an iCalendar file a client can
// import or subscribe to. Path "" asks the user where.
func (f *Posts) ExportICS(workspaceID, path string) (string, error) {
	svc, err := f.a.postSvc()
	if err != nil {
		return "", err
	}
	return f.export(path, "plan.ics", "*.ics", func(w io.Writer) error {
		_, err := svc.ExportICS(f.a.context(), workspaceID, w)
		return err
	})
}

// export renders a file in memory, then writes it beside its destination
// and renames it into place, so a failed export leaves no half file.
func (f *Posts) export(path, name, pattern string, render func(io.Writer) error) (string, error) {
	var buf bytes.Buffer
	if err := render(&buf); err != nil {
		return "", err
	}
	if path == "" {
		var err error
		if path, err = f.pickSave(name, pattern); err != nil || path == "" {
			return "", err
		}
		if filepath.Ext(path) == "" {
			path += strings.TrimPrefix(pattern, "*")
		}
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".relais-export-*")
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(buf.Bytes()); err != nil {
		tmp.Close()
		return "", err
	}
	if err := tmp.Close(); err != nil {
		return "", err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return "", err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return "", err
	}
	return path, nil
}

func (f *Posts) pickSave(name, pattern string) (string, error) {
	if f.saveDialog != nil {
		return f.saveDialog(name, pattern)
	}
	ctx := f.a.context()
	if ctx == nil {
		return "", errNotReady
	}
	return runtime.SaveFileDialog(ctx, runtime.SaveDialogOptions{DefaultFilename: name,
		Filters: []runtime.FileFilter{{DisplayName: strings.ToUpper(strings.TrimPrefix(pattern, "*.")), Pattern: pattern}}})
}

// postLibrary adapts the visual library to what posts need of it.
type postLibrary struct{ l *library.Library }

var (
	_ post.Visuals      = postLibrary{}
	_ post.UsageMarker  = postLibrary{}
	_ post.FileImporter = postLibrary{}
)

// Visual describes an asset and every preset the library can make of it.
func (p postLibrary) Visual(ctx context.Context, id string) (post.Visual, error) {
	a, err := p.l.Get(ctx, id)
	if err != nil {
		return post.Visual{}, err
	}
	v := post.Visual{ID: a.ID, WorkspaceID: a.Workspace, Width: a.Width, Height: a.Height, Format: a.Format}
	for _, n := range network.All {
		for _, pr := range rendition.ForNetwork(string(n)) {
			v.Renditions = append(v.Renditions, post.Rendition{PresetID: pr.ID, Network: n, Width: pr.Width, Height: pr.Height})
		}
	}
	return v, nil
}

// MarkUsed makes the library's usage of post match assetIDs.
func (p postLibrary) MarkUsed(ctx context.Context, postID string, assetIDs []string, scheduled bool) error {
	old, err := p.l.AssetsOf(ctx, postID)
	if err != nil {
		return err
	}
	for _, a := range old {
		if !slices.Contains(assetIDs, a) {
			if err := p.l.Unmark(ctx, a, postID); err != nil {
				return err
			}
		}
	}
	for _, a := range assetIDs {
		if err := p.l.MarkUsed(ctx, a, postID, scheduled); err != nil {
			return err
		}
	}
	return nil
}

// ImportFile brings one file named in a CSV plan into the library.
func (p postLibrary) ImportFile(ctx context.Context, workspaceID, path, alt string) (string, error) {
	prog, err := p.l.Import(ctx, workspaceID, []library.File{{Name: filepath.Base(path), Path: path}}, nil)
	if err != nil {
		return "", err
	}
	if len(prog.Failed) > 0 {
		return "", prog.Failed[0].Err
	}
	if len(prog.Assets) == 0 {
		return "", fmt.Errorf("%w: %s", library.ErrUnreadable, path)
	}
	id := prog.Assets[0]
	if alt != "" {
		if _, err := p.l.Update(ctx, id, library.Patch{Alt: &alt}); err != nil {
			return "", err
		}
	}
	return id, nil
}
