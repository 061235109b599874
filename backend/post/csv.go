package post

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"relais/backend/account"
	"relais/backend/network"
	"relais/backend/store"
	"relais/backend/textfold"
	"relais/backend/workspace"
)

// CSV import and export of a plan.
//
// A file is UTF-8 (with or without a byte-order mark) or Windows-1252,
// which French Excel writes by default and which is transcoded; UTF-16
// and binary files are refused. The delimiter is a comma or a semicolon,
// whichever the header line uses. Columns are found by their header, in
// English or French, in any order:
//
//	date        date and time in the workspace's zone ("2027-03-02 18:00",
//	            "02/03/2027 18:00") or with an offset (RFC 3339); empty:
//	            the next free posting slot
//	accounts    accounts, separated by | , ; or spaces: "network:@handle",
//	            "@handle", a network name (all its accounts) or an id
//	text        the master text
//	first comment, visuals (file paths, or asset:<id>), alt text,
//	pillar (name), campaign (name), labels (separated by |)
//
// ImportPreview reads the whole file and changes nothing; ImportConfirm
// stores every post of a preview without errors in one transaction, so a
// bad file never leaves half a plan behind.

// Import errors.
var (
	ErrCSVEncoding   = errors.New("post: the file is not UTF-8 or Windows-1252 text")
	ErrCSVMalformed  = errors.New("post: the file is not valid CSV")
	ErrCSVHeader     = errors.New("post: the file's header lacks required columns")
	ErrCSVEmpty      = errors.New("post: the file has no rows")
	ErrCSVTooBig     = errors.New("post: the file has too many rows")
	ErrImportExpired = errors.New("post: this import preview has expired")
	ErrImportErrors  = errors.New("post: some rows have errors")
)

// Import limits.
const (
	MaxImportRows  = 2000
	MaxImportBytes = 20 << 20
	importTTL      = 30 * time.Minute
	maxPending     = 16 // previews kept at once
)

// Column names as the export writes them.
const (
	ColDue          = "date"
	ColAccounts     = "accounts"
	ColText         = "text"
	ColFirstComment = "first comment"
	ColVisuals      = "visuals"
	ColAlt          = "alt text"
	ColPillar       = "pillar"
	ColCampaign     = "campaign"
	ColLabels       = "labels"
)

var columns = []string{ColDue, ColAccounts, ColText, ColFirstComment, ColVisuals, ColAlt, ColPillar, ColCampaign, ColLabels}

// headerNames maps a folded header (lower case, no accents, letters only)
// to its column.
var headerNames = map[string]string{
	"date": ColDue, "datetime": ColDue, "dateheure": ColDue, "dateetheure": ColDue, "due": ColDue, "when": ColDue, "quand": ColDue,
	"accounts": ColAccounts, "account": ColAccounts, "networks": ColAccounts, "network": ColAccounts,
	"comptes": ColAccounts, "compte": ColAccounts, "reseaux": ColAccounts, "reseau": ColAccounts,
	"text": ColText, "texte": ColText, "message": ColText,
	"firstcomment": ColFirstComment, "premiercommentaire": ColFirstComment,
	"visuals": ColVisuals, "visual": ColVisuals, "files": ColVisuals, "images": ColVisuals, "visuels": ColVisuals,
	"visuel": ColVisuals, "fichiers": ColVisuals, "visualfilepaths": ColVisuals,
	"alt": ColAlt, "alttext": ColAlt, "textealternatif": ColAlt,
	"pillar": ColPillar, "pilier": ColPillar,
	"campaign": ColCampaign, "campagne": ColCampaign,
	"labels": ColLabels, "label": ColLabels, "etiquettes": ColLabels, "etiquette": ColLabels,
}

var required = []string{ColDue, ColAccounts, ColText}

// RowError is what is wrong with one cell of an import.
type RowError struct {
	Column string         `json:"column"`
	Code   string         `json:"code"` // badDate, unknownAccount, noAccount, emptyText, fileNotFound, noLibrary, unknownPillar, unknownCampaign, noFreeSlot, tooLong, fieldCount, tooLongFor
	Info   map[string]any `json:"info"`
}

// ImportRow is one row of a preview.
type ImportRow struct {
	Line     int       `json:"line"`
	Due      time.Time `json:"due"`
	Accounts []string  `json:"accounts"` // account ids
	// AccountNames are the same accounts as people read them,
	// "network:@handle".
	AccountNames []string   `json:"accountNames"`
	Text         string     `json:"text"`
	Errors       []RowError `json:"errors"`
}

// ImportPreview is what ImportConfirm would store.
type ImportPreview struct {
	Token     string      `json:"token"`
	Rows      []ImportRow `json:"rows"`
	OK        bool        `json:"ok"`
	Encoding  string      `json:"encoding"`  // "utf-8" or "windows-1252"
	Delimiter string      `json:"delimiter"` // "," or ";"
}

type pendingImport struct {
	workspaceID string
	posts       []Post
	files       [][]fileRef // per post: files to bring into the library
	created     time.Time
	ok          bool
}

type fileRef struct{ path, alt string }

func fileErr(err error, info map[string]any) error { return fieldErr("file", err, info) }

// decodeText returns data as UTF-8 text and the encoding it was in.
func decodeText(data []byte) (string, string, error) {
	if bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		return "", "", fileErr(ErrCSVEncoding, map[string]any{"encoding": "utf-16"})
	}
	data = bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF})
	if bytes.IndexByte(data, 0) >= 0 {
		return "", "", fileErr(ErrCSVEncoding, map[string]any{"encoding": "binary"})
	}
	if utf8.Valid(data) {
		return string(data), "utf-8", nil
	}
	// Bytes Windows-1252 leaves undefined mean this is something else.
	for _, b := range data {
		if b == 0x81 || b == 0x8D || b == 0x8F || b == 0x90 || b == 0x9D {
			return "", "", fileErr(ErrCSVEncoding, map[string]any{"encoding": "unknown"})
		}
	}
	out, err := charmap.Windows1252.NewDecoder().Bytes(data)
	if err != nil {
		return "", "", fileErr(ErrCSVEncoding, map[string]any{"encoding": "unknown"})
	}
	return string(out), "windows-1252", nil
}

// sniffDelimiter picks , or ; from the header line (outside quotes).
func sniffDelimiter(text string) rune {
	commas, semis, quoted := 0, 0, false
	for _, r := range text {
		if r == '"' {
			quoted = !quoted
		}
		if quoted {
			continue
		}
		if r == '\n' {
			break
		}
		switch r {
		case ',':
			commas++
		case ';':
			semis++
		}
	}
	if semis > commas {
		return ';'
	}
	return ','
}

func foldHeader(h string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(textfold.StripMarks(h)) {
		if unicode.IsLetter(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func foldName(s string) string { return textfold.Fold(s) }

// ImportPreview reads a CSV plan for a workspace and says what importing
// it would store, row by row. Nothing is stored; the preview is kept
// importTTL for ImportConfirm.
func (s *Service) ImportPreview(ctx context.Context, workspaceID, name string, data []byte) (ImportPreview, error) {
	if len(data) > MaxImportBytes {
		return ImportPreview{}, fileErr(ErrCSVTooBig, map[string]any{"file": name, "max": MaxImportRows})
	}
	ws, err := s.workspaces.Get(ctx, workspaceID)
	if err != nil {
		return ImportPreview{}, fmt.Errorf("%w: %w", ErrNoWorkspace, err)
	}
	loc, err := time.LoadLocation(ws.Timezone)
	if err != nil {
		return ImportPreview{}, err
	}
	text, enc, err := decodeText(data)
	if err != nil {
		var fe *workspace.FieldError
		if errors.As(err, &fe) {
			fe.Info["file"] = name
		}
		return ImportPreview{}, err
	}
	delim := sniffDelimiter(text)
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = delim
	r.FieldsPerRecord = -1
	r.LazyQuotes = false
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return ImportPreview{}, fileErr(ErrCSVEmpty, map[string]any{"file": name})
	}
	if err != nil {
		return ImportPreview{}, malformed(name, err)
	}
	col := map[string]int{}
	for i, h := range header {
		if c, ok := headerNames[foldHeader(h)]; ok {
			if _, dup := col[c]; !dup {
				col[c] = i
			}
		}
	}
	var missing []string
	for _, c := range required {
		if _, ok := col[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return ImportPreview{}, fileErr(ErrCSVHeader, map[string]any{"file": name, "missing": strings.Join(missing, ", "),
			"delimiter": string(delim), "found": strings.Join(header, string(delim))})
	}
	var records [][]string
	var lines []int
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return ImportPreview{}, malformed(name, err)
		}
		line, _ := r.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // blank line
		}
		records = append(records, rec)
		lines = append(lines, line)
		if len(records) > MaxImportRows {
			return ImportPreview{}, fileErr(ErrCSVTooBig, map[string]any{"file": name, "max": MaxImportRows})
		}
	}
	if len(records) == 0 {
		return ImportPreview{}, fileErr(ErrCSVEmpty, map[string]any{"file": name})
	}

	accs, err := s.accounts.List(ctx, workspaceID)
	if err != nil {
		return ImportPreview{}, err
	}
	camps, err := s.Campaigns(ctx, workspaceID)
	if err != nil {
		return ImportPreview{}, err
	}
	_, _, importer := s.lib()

	pending := &pendingImport{workspaceID: workspaceID, created: s.now(), ok: true}
	preview := ImportPreview{Rows: []ImportRow{}, Encoding: enc, Delimiter: string(delim), OK: true}
	taken := map[string]map[time.Time]bool{}
	now := s.now().UTC()
	for i, rec := range records {
		cell := func(c string) string {
			if j, ok := col[c]; ok && j < len(rec) {
				return strings.TrimSpace(rec[j])
			}
			return ""
		}
		row := ImportRow{Line: lines[i], Accounts: []string{}, Errors: []RowError{}, Text: cell(ColText)}
		bad := func(c, code string, info map[string]any) {
			if info == nil {
				info = map[string]any{}
			}
			row.Errors = append(row.Errors, RowError{Column: c, Code: code, Info: info})
		}
		if len(rec) != len(header) {
			bad("", "fieldCount", map[string]any{"count": len(rec), "want": len(header)})
		}
		p := Post{ID: newID(), WorkspaceID: workspaceID, Status: StatusDraft, Text: row.Text, Zone: ws.Timezone,
			Labels: []string{}, CreatedAt: now}
		if row.Text == "" {
			bad(ColText, "emptyText", nil)
		} else if utf8.RuneCountInString(row.Text) > MaxTextLen {
			bad(ColText, "tooLong", map[string]any{"max": MaxTextLen})
		}
		ids, unknown := matchAccounts(cell(ColAccounts), accs)
		for _, u := range unknown {
			bad(ColAccounts, "unknownAccount", map[string]any{"value": u})
		}
		if len(ids) == 0 && len(unknown) == 0 {
			bad(ColAccounts, "noAccount", nil)
		}
		row.Accounts = ids
		row.AccountNames = []string{}
		for _, id := range ids {
			for _, a := range accs {
				if a.ID == id {
					row.AccountNames = append(row.AccountNames, accountName(a))
				}
			}
		}
		var files []fileRef
		var assets []AssetRef
		alts := splitList(cell(ColAlt), "|")
		for k, f := range splitList(cell(ColVisuals), "|") {
			alt := ""
			if k < len(alts) {
				alt = alts[k]
			}
			if id, ok := strings.CutPrefix(f, "asset:"); ok {
				assets = append(assets, AssetRef{AssetID: id, Alt: alt})
				continue
			}
			if st, err := os.Stat(f); err != nil || st.IsDir() {
				bad(ColVisuals, "fileNotFound", map[string]any{"value": f})
				continue
			}
			if importer == nil {
				bad(ColVisuals, "noLibrary", map[string]any{"value": f})
				continue
			}
			files = append(files, fileRef{f, alt})
		}
		for _, id := range ids {
			p.Variants = append(p.Variants, Variant{ID: newID(), AccountID: id, FirstComment: cell(ColFirstComment),
				Assets: append([]AssetRef{}, assets...)})
		}
		if v := cell(ColPillar); v != "" {
			if id, ok := pillarID(ws, v); ok {
				p.Pillar = id
			} else {
				bad(ColPillar, "unknownPillar", map[string]any{"value": v})
			}
		}
		if v := cell(ColCampaign); v != "" {
			found := false
			for _, c := range camps {
				if foldName(c.Name) == foldName(v) {
					p.CampaignID, found = c.ID, true
				}
			}
			if !found {
				bad(ColCampaign, "unknownCampaign", map[string]any{"value": v})
			}
		}
		if labels, err := cleanList("labels", splitList(cell(ColLabels), "|,;"), MaxLabels, nil); err == nil {
			p.Labels = labels
		} else {
			bad(ColLabels, "tooMany", map[string]any{"max": MaxLabels})
		}
		if v := cell(ColDue); v != "" {
			due, err := parseDue(v, loc)
			if err != nil {
				bad(ColDue, "badDate", map[string]any{"value": v})
			}
			p.Due = due
		} else if len(ids) > 0 {
			due, err := s.nextFree(ctx, workspaceID, ids, "", taken)
			if err != nil {
				bad(ColDue, "noFreeSlot", nil)
			}
			p.Due = due
		}
		if !p.Due.IsZero() {
			for _, id := range ids {
				if taken[id] == nil {
					taken[id] = map[time.Time]bool{}
				}
				taken[id][p.Due] = true
			}
		}
		row.Due = p.Due
		if len(row.Errors) > 0 {
			preview.OK = false
		} else if vp, err := s.Validate(ctx, p); err == nil {
			p = vp
		}
		preview.Rows = append(preview.Rows, row)
		pending.posts = append(pending.posts, p)
		pending.files = append(pending.files, files)
	}
	pending.ok = preview.OK
	preview.Token = s.keep(pending)
	return preview, nil
}

func malformed(name string, err error) error {
	info := map[string]any{"file": name}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		info["line"], info["column"] = pe.Line, pe.Column
	}
	return fileErr(fmt.Errorf("%w: %v", ErrCSVMalformed, err), info)
}

func (s *Service) keep(p *pendingImport) string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	tok := hex.EncodeToString(b[:])
	s.importMu.Lock()
	defer s.importMu.Unlock()
	oldest := ""
	for k, v := range s.imports {
		if s.now().Sub(v.created) > importTTL {
			delete(s.imports, k)
		} else if oldest == "" || v.created.Before(s.imports[oldest].created) {
			oldest = k
		}
	}
	if len(s.imports) >= maxPending { // previews nobody confirmed
		delete(s.imports, oldest)
	}
	s.imports[tok] = p
	return tok
}

// ImportConfirm stores the posts of a preview in one transaction and
// returns how many. A preview with errors, or one already confirmed or
// expired, stores nothing.
func (s *Service) ImportConfirm(ctx context.Context, token string) (int, error) {
	_, n, err := s.ImportConfirmWorkspace(ctx, token)
	return n, err
}

// ImportConfirmWorkspace is ImportConfirm that also says which workspace
// the posts went to.
func (s *Service) ImportConfirmWorkspace(ctx context.Context, token string) (workspaceID string, n int, err error) {
	s.importMu.Lock()
	p, ok := s.imports[token]
	if ok && s.now().Sub(p.created) > importTTL {
		delete(s.imports, token)
		ok = false
	}
	if ok && p.ok {
		delete(s.imports, token) // one confirm per preview
	}
	s.importMu.Unlock()
	if !ok {
		return "", 0, ErrImportExpired
	}
	if !p.ok {
		return "", 0, ErrImportErrors
	}
	_, _, importer := s.lib()
	posts := make([]Post, len(p.posts))
	for i, post := range p.posts {
		for _, f := range p.files[i] {
			if importer == nil {
				return "", 0, ErrImportErrors
			}
			id, err := importer.ImportFile(ctx, p.workspaceID, f.path, f.alt)
			if err != nil {
				return "", 0, fmt.Errorf("post: importing %s: %w", f.path, err)
			}
			for j := range post.Variants {
				post.Variants[j].Assets = append(post.Variants[j].Assets, AssetRef{AssetID: id, Alt: f.alt})
			}
		}
		post.Version = 1
		post.UpdatedAt = s.now().UTC()
		posts[i] = post
	}
	err = s.db.Update(ctx, func(t *store.Txn) error {
		for _, post := range posts {
			if err := put(t, nil, post); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return "", 0, err
	}
	for _, post := range posts {
		s.markUsed(ctx, post)
		s.changed(ctx, nil, &post)
	}
	return p.workspaceID, len(posts), nil
}

// accountName is how a plan names an account: "network:@handle".
func accountName(a account.Account) string {
	return string(a.Network) + ":@" + strings.TrimPrefix(a.Profile.Handle, "@")
}

func splitList(s, seps string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(seps, r) }) {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// matchAccounts resolves the tokens of an accounts cell.
func matchAccounts(cell string, accs []account.Account) (ids, unknown []string) {
	ids = []string{}
	seen := map[string]bool{}
	add := func(id string) {
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	norm := func(h string) string { return strings.ToLower(strings.TrimPrefix(strings.TrimSpace(h), "@")) }
	for _, tok := range strings.FieldsFunc(cell, func(r rune) bool { return r == '|' || r == ',' || r == ';' || unicode.IsSpace(r) }) {
		matched := false
		netName, handle, hasNet := strings.Cut(tok, ":")
		for _, a := range accs {
			switch {
			case a.ID == tok,
				hasNet && network.Name(strings.ToLower(netName)) == a.Network && norm(handle) == norm(a.Profile.Handle),
				!hasNet && strings.HasPrefix(tok, "@") && norm(tok) == norm(a.Profile.Handle),
				!hasNet && network.Name(strings.ToLower(tok)) == a.Network,
				!hasNet && norm(tok) == norm(a.Profile.Handle):
				add(a.ID)
				matched = true
			}
		}
		if !matched {
			unknown = append(unknown, tok)
		}
	}
	return ids, unknown
}

var frDate = regexp.MustCompile(`^(\d{1,2})/(\d{1,2})/(\d{4})[ T]+(\d{1,2})[:hH](\d{2})$`)

// parseDue reads a date and time: with an offset it is that instant,
// without one it is a wall-clock time in loc.
func parseDue(v string, loc *time.Location) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t.UTC(), nil
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02T15:04:05"} {
		if t, err := time.Parse(layout, v); err == nil {
			return WallClock(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), loc), nil
		}
	}
	if m := frDate.FindStringSubmatch(v); m != nil {
		t, err := time.Parse("2/1/2006 15:04", m[1]+"/"+m[2]+"/"+m[3]+" "+m[4]+":"+m[5])
		if err == nil {
			return WallClock(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), loc), nil
		}
	}
	return time.Time{}, ErrBadTime
}

// ExportCSV writes a workspace's posts due in [from, to) as CSV (UTF-8
// with a byte-order mark, so spreadsheets read the accents), in the
// columns ImportPreview reads back. Visuals are written as asset:<id>.
func (s *Service) ExportCSV(ctx context.Context, workspaceID string, from, to time.Time, w io.Writer) (int, error) {
	ws, err := s.workspaces.Get(ctx, workspaceID)
	if err != nil {
		return 0, fmt.Errorf("%w: %w", ErrNoWorkspace, err)
	}
	loc, err := time.LoadLocation(ws.Timezone)
	if err != nil {
		return 0, err
	}
	entries, err := s.Range(ctx, workspaceID, from, to)
	if err != nil {
		return 0, err
	}
	accs, err := s.accounts.List(ctx, workspaceID)
	if err != nil {
		return 0, err
	}
	accName := map[string]string{}
	for _, a := range accs {
		accName[a.ID] = accountName(a)
	}
	camps, _ := s.Campaigns(ctx, workspaceID)
	campName := map[string]string{}
	for _, c := range camps {
		campName[c.ID] = c.Name
	}
	pillarName := map[string]string{}
	for _, p := range ws.Pillars {
		pillarName[p.ID] = p.Name
	}
	if _, err := w.Write([]byte{0xEF, 0xBB, 0xBF}); err != nil {
		return 0, err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(columns); err != nil {
		return 0, err
	}
	for _, e := range entries {
		p, err := s.load(ctx, e.ID)
		if err != nil {
			return 0, err
		}
		var names, visuals, alts []string
		first := ""
		for _, v := range p.Variants {
			if n, ok := accName[v.AccountID]; ok {
				names = append(names, n)
			} else {
				names = append(names, v.AccountID)
			}
			if first == "" {
				first = v.FirstComment
			}
		}
		if len(p.Variants) > 0 {
			for _, a := range p.Variants[0].Assets {
				visuals = append(visuals, "asset:"+a.AssetID)
				alts = append(alts, strings.ReplaceAll(a.Alt, "|", "/"))
			}
		}
		rec := []string{p.Due.In(loc).Format("2006-01-02 15:04"), strings.Join(names, " | "), p.Text, first,
			strings.Join(visuals, " | "), strings.Join(alts, " | "), pillarName[p.Pillar], campName[p.CampaignID],
			strings.Join(p.Labels, " | ")}
		if err := cw.Write(rec); err != nil {
			return 0, err
		}
	}
	cw.Flush()
	return len(entries), cw.Error()
}
