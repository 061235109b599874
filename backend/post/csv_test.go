package post_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"relais/backend/post"
	"relais/backend/workspace"
)

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs("testdata")
	return bytes.ReplaceAll(b, []byte("{testdata}"), []byte(abs))
}

func countPosts(t testing.TB, e *env) int {
	t.Helper()
	es, err := e.svc.Range(context.Background(), e.w.ID, time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	tray, _ := e.svc.Unscheduled(context.Background(), e.w.ID)
	return len(es) + len(tray)
}

func importEnv(t testing.TB) *env {
	e := newEnv(t, "Europe/Paris")
	ctx := context.Background()
	if _, err := e.svc.SaveCampaign(ctx, post.Campaign{WorkspaceID: e.w.ID, Name: "Printemps 2027"}); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.SetSlots(ctx, e.w.ID, []post.Slot{{AccountID: e.x.ID, Weekday: 3, Time: "12:00"}}); err != nil {
		t.Fatal(err)
	}
	return e
}

func TestImportGood(t *testing.T) {
	e := importEnv(t)
	ctx := context.Background()
	pv, err := e.svc.ImportPreview(ctx, e.w.ID, "plan.csv", fixture(t, "plan-good.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if !pv.OK || len(pv.Rows) != 3 || pv.Delimiter != "," || pv.Encoding != "utf-8" {
		t.Fatalf("preview = %+v", pv)
	}
	paris := mustLoad(t, "Europe/Paris")
	wantDue := []string{"2027-03-02 18:00", "2027-03-02 09:30", "2027-03-03 12:00"} // the last: Wednesday's slot
	for i, r := range pv.Rows {
		if got := r.Due.In(paris).Format("2006-01-02 15:04"); got != wantDue[i] {
			t.Errorf("row %d due = %s; want %s", r.Line, got, wantDue[i])
		}
	}
	if strings.Join(pv.Rows[0].AccountNames, " ") != "x:@cafelumiere bluesky:@cafe.bsky.social" || pv.Rows[0].Line != 2 || pv.Rows[2].Line != 4 {
		t.Errorf("rows = %+v", pv.Rows)
	}
	if n := countPosts(t, e); n != 0 {
		t.Fatalf("preview stored %d posts", n)
	}
	n, err := e.svc.ImportConfirm(ctx, pv.Token)
	if err != nil || n != 3 {
		t.Fatalf("ImportConfirm = %d, %v", n, err)
	}
	if n := countPosts(t, e); n != 3 {
		t.Errorf("%d posts stored; want 3", n)
	}
	if len(e.lib.imported) != 1 || !strings.HasSuffix(e.lib.imported[0], "visual1.jpg") {
		t.Errorf("library imported %v", e.lib.imported)
	}
	if _, err := e.svc.ImportConfirm(ctx, pv.Token); !errors.Is(err, post.ErrImportExpired) {
		t.Errorf("second confirm = %v; want ErrImportExpired", err)
	}
	es, _ := e.svc.Range(ctx, e.w.ID, time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 4, 1, 0, 0, 0, 0, time.UTC))
	if es[0].Thumb != "asset-visual1.jpg" || es[0].Pillar != e.w.Pillars[0].ID || es[1].CampaignID == "" {
		t.Errorf("entries = %+v", es)
	}

	// Export, then import the export: the same plan comes back.
	var buf bytes.Buffer
	if n, err := e.svc.ExportCSV(ctx, e.w.ID, time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 4, 1, 0, 0, 0, 0, time.UTC), &buf); err != nil || n != 3 {
		t.Fatalf("ExportCSV = %d, %v", n, err)
	}
	again, err := e.svc.ImportPreview(ctx, e.w.ID, "export.csv", buf.Bytes())
	if err != nil || !again.OK || len(again.Rows) != 3 {
		t.Fatalf("re-import = %+v, %v\n%s", again, err, buf.String())
	}
	byDue := func(rows []post.ImportRow) {
		sort.Slice(rows, func(i, j int) bool { return rows[i].Due.Before(rows[j].Due) })
	}
	byDue(again.Rows)
	byDue(pv.Rows)
	for i := range again.Rows {
		if !again.Rows[i].Due.Equal(pv.Rows[i].Due) || again.Rows[i].Text != pv.Rows[i].Text || len(again.Rows[i].Accounts) != len(pv.Rows[i].Accounts) {
			t.Errorf("row %d: re-imported %+v; exported %+v", i, again.Rows[i], pv.Rows[i])
		}
	}
}

func TestImportWindows1252Semicolon(t *testing.T) {
	e := importEnv(t)
	pv, err := e.svc.ImportPreview(context.Background(), e.w.ID, "excel.csv", fixture(t, "plan-semicolon-1252.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if !pv.OK || pv.Delimiter != ";" || pv.Encoding != "windows-1252" || pv.Rows[0].Text != "Café crème à 2 € ; offre spéciale" {
		t.Errorf("preview = %+v", pv)
	}
}

func TestImportBadRows(t *testing.T) {
	e := importEnv(t)
	ctx := context.Background()
	pv, err := e.svc.ImportPreview(ctx, e.w.ID, "bad.csv", fixture(t, "plan-bad-rows.csv"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"date:badDate", "accounts:unknownAccount", "text:emptyText", "pillar:unknownPillar campaign:unknownCampaign", "visuals:fileNotFound"}
	if pv.OK || len(pv.Rows) != len(want) {
		t.Fatalf("preview = %+v", pv)
	}
	for i, r := range pv.Rows {
		var got []string
		for _, e := range r.Errors {
			got = append(got, e.Column+":"+e.Code)
		}
		if strings.Join(got, " ") != want[i] {
			t.Errorf("line %d errors = %v; want %s", r.Line, got, want[i])
		}
	}
	if n, err := e.svc.ImportConfirm(ctx, pv.Token); !errors.Is(err, post.ErrImportErrors) || n != 0 {
		t.Errorf("ImportConfirm with errors = %d, %v", n, err)
	}
	if n := countPosts(t, e); n != 0 {
		t.Errorf("%d posts stored from a file with errors", n)
	}
}

func TestImportBadFiles(t *testing.T) {
	e := importEnv(t)
	tests := []struct {
		file string
		want error
	}{
		{"plan-malformed.csv", post.ErrCSVMalformed},
		{"plan-tabs.csv", post.ErrCSVHeader},
		{"plan-utf16.csv", post.ErrCSVEncoding},
	}
	for _, tt := range tests {
		_, err := e.svc.ImportPreview(context.Background(), e.w.ID, tt.file, fixture(t, tt.file))
		if !errors.Is(err, tt.want) {
			t.Errorf("ImportPreview(%s) = %v; want %v", tt.file, err, tt.want)
		}
		var fe *workspace.FieldError
		if errors.As(err, &fe) && fe.Info["file"] != tt.file {
			t.Errorf("ImportPreview(%s) info = %v", tt.file, fe.Info)
		}
	}
	if _, err := e.svc.ImportPreview(context.Background(), e.w.ID, "empty.csv", []byte("\xef\xbb\xbf")); !errors.Is(err, post.ErrCSVEmpty) {
		t.Errorf("empty file = %v", err)
	}
	if _, err := e.svc.ImportPreview(context.Background(), e.w.ID, "bin.csv", []byte{0x81, 0x8d, 'a'}); !errors.Is(err, post.ErrCSVEncoding) {
		t.Errorf("undefined Windows-1252 bytes = %v", err)
	}
	if n := countPosts(t, e); n != 0 {
		t.Errorf("%d posts stored", n)
	}
}

func TestExportICS(t *testing.T) {
	e := importEnv(t)
	ctx := context.Background()
	due := time.Date(2027, 3, 2, 17, 0, 0, 0, time.UTC)
	p, err := e.svc.Create(ctx, e.w.ID, post.Draft{Text: "Menu de printemps, à découvrir ; « bientôt » ☕", Due: due, AccountIDs: []string{e.x.ID, e.ig.ID}})
	if err != nil {
		t.Fatal(err)
	}
	e.svc.Create(ctx, e.w.ID, post.Draft{Text: "idée sans date", AccountIDs: []string{e.x.ID}})
	var buf bytes.Buffer
	n, err := e.svc.ExportICS(ctx, e.w.ID, &buf)
	if err != nil || n != 1 {
		t.Fatalf("ExportICS = %d, %v", n, err)
	}
	cal, err := ics.ParseCalendar(&buf)
	if err != nil {
		t.Fatal(err)
	}
	evs := cal.Events()
	if len(evs) != 1 || evs[0].Id() != p.ID+"@relais" {
		t.Fatalf("events = %v", evs)
	}
	start, err := evs[0].GetStartAt()
	if err != nil || !start.Equal(due) {
		t.Errorf("DTSTART = %v, %v; want %v", start, err, due)
	}
	if d := evs[0].GetProperty(ics.ComponentPropertyDescription); d == nil || d.Value != p.Text {
		t.Errorf("DESCRIPTION = %+v; want %q", d, p.Text)
	}
	if s := evs[0].GetProperty(ics.ComponentPropertySummary); s == nil || !strings.HasPrefix(s.Value, "[x, instagram] Menu") {
		t.Errorf("SUMMARY = %+v", s)
	}
}

func FuzzImportPreview(f *testing.F) {
	for _, name := range []string{"plan-good.csv", "plan-bad-rows.csv", "plan-malformed.csv", "plan-semicolon-1252.csv"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	e := importEnv(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		pv, err := e.svc.ImportPreview(context.Background(), e.w.ID, "f.csv", data)
		if err == nil && pv.Token == "" {
			t.Error("preview without a token")
		}
	})
}
