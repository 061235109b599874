package workspace

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"relais/backend/blob"
	"relais/backend/store"
)

func newService(t testing.TB) (*Service, *store.Store) {
	t.Helper()
	db, err := store.Open(context.Background(), t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	s := New(db, blob.New(db.BlobDir()))
	s.zone = func() string { return "Europe/Paris" }
	return s, db
}

func mustCreate(t *testing.T, s *Service, name string) Workspace {
	t.Helper()
	w, err := s.Create(context.Background(), Settings{Name: name})
	if err != nil {
		t.Fatalf("Create(%q) = %v", name, err)
	}
	return w
}

func TestCreateDefaultsAndNormalises(t *testing.T) {
	s, _ := newService(t)
	w, err := s.Create(context.Background(), Settings{
		Name:  "  Café   Lumière ",
		Color: "#ABC",
		BrandKit: BrandKit{
			Colors:   []string{"#112233", " ", "#112233", "FFAA00"},
			Hashtags: []string{"lumiere", "#Lumiere", "##café crème", ""},
			Tone:     "  warm, never pushy ",
		},
		Pillars: []Pillar{{Name: " Coulisses ", Target: 40}, {Name: "Produits", Color: "#00ff00", Target: 60}},
		Charter: Charter{Text: "Be kind", BannedWords: []string{"arnaque", " Arnaque ", "nul  à chier"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"name", w.Name, "Café Lumière"},
		{"color", w.Color, "#aabbcc"},
		{"timezone", w.Timezone, "Europe/Paris"},
		{"language", w.Language, "fr"},
		{"brand colors", w.BrandKit.Colors, []string{"#112233", "#ffaa00"}},
		{"hashtags", w.BrandKit.Hashtags, []string{"#lumiere", "#cafécrème"}},
		{"tone", w.BrandKit.Tone, "warm, never pushy"},
		{"pillar name", w.Pillars[0].Name, "Coulisses"},
		{"pillar default color", w.Pillars[0].Color, "#64748b"},
		{"banned", w.Charter.BannedWords, []string{"arnaque", "nul à chier"}},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %#v; want %#v", c.name, c.got, c.want)
		}
	}
	if w.ID == "" || w.Pillars[0].ID == "" || w.Pillars[0].ID == w.Pillars[1].ID {
		t.Errorf("ids not assigned: workspace %q, pillars %q %q", w.ID, w.Pillars[0].ID, w.Pillars[1].ID)
	}
	got, err := s.Get(context.Background(), w.ID)
	if err != nil || !reflect.DeepEqual(got, w) {
		t.Errorf("Get(%q) = %+v, %v; want %+v", w.ID, got, err, w)
	}
}

func TestBadInputChangesNothing(t *testing.T) {
	big := strings.Repeat("x", MaxNameLen+1)
	tests := []struct {
		name  string
		set   Settings
		want  error
		field string
	}{
		{"empty name", Settings{Name: "   "}, ErrNameEmpty, "name"},
		{"long name", Settings{Name: big}, ErrTooLong, "name"},
		{"duplicate name", Settings{Name: "ACME"}, ErrNameTaken, "name"},
		{"duplicate name, accents and case", Settings{Name: "  Café   lumiere"}, ErrNameTaken, "name"},
		{"unknown timezone", Settings{Name: "N", Timezone: "Europe/Lutece"}, ErrUnknownTimezone, "timezone"},
		{"Local is not a zone", Settings{Name: "N", Timezone: "Local"}, ErrUnknownTimezone, "timezone"},
		{"invalid colour", Settings{Name: "N", Color: "red"}, ErrInvalidColor, "color"},
		{"invalid brand colour", Settings{Name: "N", BrandKit: BrandKit{Colors: []string{"#12345g"}}}, ErrInvalidColor, "brandKit.colors"},
		{"unknown language", Settings{Name: "N", Language: "klingon"}, ErrUnknownLanguage, "language"},
		{"pillar without name", Settings{Name: "N", Pillars: []Pillar{{Name: "A"}, {Name: " "}}}, ErrPillarNameEmpty, "pillars.1.name"},
		{"pillar twice", Settings{Name: "N", Pillars: []Pillar{{Name: "A"}, {Name: "a"}}}, ErrPillarNameTaken, "pillars.1.name"},
		{"negative share", Settings{Name: "N", Pillars: []Pillar{{Name: "A", Target: -1}}}, ErrPillarShare, "pillars.0.target"},
		{"shares over 100", Settings{Name: "N", Pillars: []Pillar{{Name: "A", Target: 70}, {Name: "B", Target: 31}}}, ErrPillarSharesOver, "pillars"},
		{"invalid pillar colour", Settings{Name: "N", Pillars: []Pillar{{Name: "A", Color: "#zzzzzz"}}}, ErrInvalidColor, "pillars.0.color"},
		{"charter too long", Settings{Name: "N", Charter: Charter{Text: strings.Repeat("é", MaxNoteLen+1)}}, ErrTooLong, "charter.text"},
		{"too many hashtags", Settings{Name: "N", BrandKit: BrandKit{Hashtags: manyTags(MaxListLen + 1)}}, ErrTooMany, "brandKit.hashtags"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newService(t)
			mustCreate(t, s, "ACME")
			mustCreate(t, s, "Café Lumière")
			mustCreate(t, s, "Zeta")
			before, _ := s.List(context.Background())
			_, err := s.Create(context.Background(), tt.set)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Create(%+v) = %v; want %v", tt.set, err, tt.want)
			}
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != tt.field {
				t.Errorf("Create(%+v) field = %v; want %q", tt.set, err, tt.field)
			}
			after, _ := s.List(context.Background())
			if !reflect.DeepEqual(before, after) {
				t.Errorf("workspaces changed after a refused Create:\n%+v\n%+v", before, after)
			}
			// The same input through Update must leave the workspace as it was.
			zeta := before[2]
			if _, err := s.Update(context.Background(), zeta.ID, tt.set); !errors.Is(err, tt.want) {
				t.Errorf("Update(%+v) = %v; want %v", tt.set, err, tt.want)
			}
			got, _ := s.Get(context.Background(), zeta.ID)
			if !reflect.DeepEqual(got, zeta) {
				t.Errorf("workspace changed after a refused Update:\n%+v\n%+v", zeta, got)
			}
		})
	}
}

func manyTags(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = "tag" + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + strings.Repeat("y", i/26)
	}
	return out
}

func TestRenameKeepsIndexInStep(t *testing.T) {
	ctx := context.Background()
	s, _ := newService(t)
	a := mustCreate(t, s, "Alpha")
	b := mustCreate(t, s, "Beta")
	if _, err := s.Rename(ctx, a.ID, "beta"); !errors.Is(err, ErrNameTaken) {
		t.Fatalf("Rename to a taken name = %v; want ErrNameTaken", err)
	}
	// Changing only the case of one's own name is allowed.
	if w, err := s.Rename(ctx, a.ID, "ALPHA"); err != nil || w.Name != "ALPHA" {
		t.Fatalf("Rename(ALPHA) = %v, %v", w.Name, err)
	}
	if _, err := s.Rename(ctx, a.ID, "Gamma"); err != nil {
		t.Fatal(err)
	}
	// The old name is free again, the new one is taken.
	if _, err := s.Create(ctx, Settings{Name: "alpha"}); err != nil {
		t.Errorf("Create(alpha) after rename = %v; want nil", err)
	}
	if _, err := s.Create(ctx, Settings{Name: "gamma"}); !errors.Is(err, ErrNameTaken) {
		t.Errorf("Create(gamma) = %v; want ErrNameTaken", err)
	}
	if _, err := s.Rename(ctx, "nope", "X"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Rename(unknown) = %v; want ErrNotFound", err)
	}
	_ = b
}

func TestArchiveRestoreAndList(t *testing.T) {
	ctx := context.Background()
	s, _ := newService(t)
	z := mustCreate(t, s, "zèbre")
	a := mustCreate(t, s, "Abeille")
	w, err := s.Archive(ctx, z.ID)
	if err != nil || !w.Archived {
		t.Fatalf("Archive = %+v, %v", w, err)
	}
	// An archived workspace still holds its name.
	if _, err := s.Create(ctx, Settings{Name: "Zebre"}); !errors.Is(err, ErrNameTaken) {
		t.Errorf("Create(Zebre) while archived = %v; want ErrNameTaken", err)
	}
	list, _ := s.List(ctx)
	if len(list) != 2 || list[0].ID != a.ID || list[1].ID != z.ID || !list[1].Archived {
		t.Errorf("List = %+v; want Abeille then archived zèbre", list)
	}
	w, err = s.Unarchive(ctx, z.ID)
	if err != nil || w.Archived {
		t.Fatalf("Unarchive = %+v, %v", w, err)
	}
}

func TestDeleteNeedsConfirmationAndBacksUpFirst(t *testing.T) {
	ctx := context.Background()
	s, db := newService(t)
	w := mustCreate(t, s, "Boulangerie Martin")
	if _, err := s.Delete(ctx, w.ID, "Boulangerie"); !errors.Is(err, ErrConfirmationNeeded) {
		t.Fatalf("Delete with a wrong confirmation = %v; want ErrConfirmationNeeded", err)
	}
	if _, err := s.Get(ctx, w.ID); err != nil {
		t.Fatalf("workspace gone after a refused delete: %v", err)
	}
	backup, err := s.Delete(ctx, w.ID, " boulangerie   MARTIN ")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, w.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get after Delete = %v; want ErrNotFound", err)
	}
	if _, err := s.Create(ctx, Settings{Name: "Boulangerie Martin"}); err != nil {
		t.Errorf("name not freed by Delete: %v", err)
	}
	// The backup holds the deleted workspace: restoring it brings it back.
	f, err := os.Open(backup)
	if err != nil {
		t.Fatalf("backup %q: %v", backup, err)
	}
	defer f.Close()
	if err := db.Restore(ctx, f); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(ctx, w.ID)
	if err != nil || got.Name != w.Name {
		t.Errorf("after restoring the pre-delete backup: %+v, %v", got, err)
	}
}

func TestLogo(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		file         string
		want         error
		format       string
		wantW, wantH int
	}{
		{file: "logo-alpha.png", format: "png", wantW: 300, wantH: 200},
		{file: "photo.jpg", format: "jpeg", wantW: 400, wantH: 240},
		{file: "cmyk.jpg", format: "jpeg", wantW: 200, wantH: 200},
		{file: "anim.gif", format: "gif", wantW: 64, wantH: 64},
		{file: "logo.webp", format: "webp", wantW: 120, wantH: 80},
		{file: "not-image.png", want: ErrLogoNotImage},
		{file: "truncated.png", want: ErrLogoNotImage},
		{file: "bomb.png", want: ErrLogoTooManyPixels},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			s, db := newService(t)
			w := mustCreate(t, s, "Brand")
			data, err := os.ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			got, err := s.SetLogo(ctx, w.ID, "/home/u/Images/"+tt.file, data)
			if tt.want != nil {
				if !errors.Is(err, tt.want) {
					t.Fatalf("SetLogo(%s) = %v; want %v", tt.file, err, tt.want)
				}
				var fe *FieldError
				if !errors.As(err, &fe) || fe.Info["file"] != tt.file {
					t.Errorf("SetLogo(%s) error does not name the file: %v", tt.file, err)
				}
				if cur, _ := s.Get(ctx, w.ID); cur.Logo != nil {
					t.Errorf("logo set after a refused SetLogo(%s)", tt.file)
				}
				if n := countBlobs(t, db.BlobDir()); n != 0 {
					t.Errorf("%d blobs stored after a refused SetLogo(%s)", n, tt.file)
				}
				return
			}
			if err != nil {
				t.Fatalf("SetLogo(%s) = %v", tt.file, err)
			}
			l := got.Logo
			if l == nil || l.Format != tt.format || l.Width != tt.wantW || l.Height != tt.wantH || l.Name != tt.file {
				t.Fatalf("SetLogo(%s) logo = %+v; want %s %dx%d", tt.file, l, tt.format, tt.wantW, tt.wantH)
			}
			if !bytes.HasPrefix(l.Thumb, []byte("\x89PNG")) {
				t.Errorf("thumbnail is not a PNG")
			}
			f, err := blob.New(db.BlobDir()).Open(l.Blob)
			if err != nil {
				t.Fatalf("logo blob: %v", err)
			}
			stored := new(bytes.Buffer)
			stored.ReadFrom(f)
			f.Close()
			if !bytes.Equal(stored.Bytes(), data) {
				t.Errorf("blob differs from the original file")
			}
			if got, _ := s.RemoveLogo(ctx, w.ID); got.Logo != nil {
				t.Errorf("RemoveLogo left %+v", got.Logo)
			}
		})
	}
}

func TestLogoTooLarge(t *testing.T) {
	s, db := newService(t)
	w := mustCreate(t, s, "Brand")
	data := make([]byte, MaxLogoBytes+1)
	copy(data, "\x89PNG\r\n\x1a\n")
	if _, err := s.SetLogo(context.Background(), w.ID, "huge.png", data); !errors.Is(err, ErrLogoTooLarge) {
		t.Fatalf("SetLogo(huge) = %v; want ErrLogoTooLarge", err)
	}
	if n := countBlobs(t, db.BlobDir()); n != 0 {
		t.Errorf("%d blobs after a refused logo", n)
	}
}

func TestSameLogoStoredOnce(t *testing.T) {
	ctx := context.Background()
	s, db := newService(t)
	data, _ := os.ReadFile("testdata/logo-alpha.png")
	a := mustCreate(t, s, "A")
	b := mustCreate(t, s, "B")
	wa, err := s.SetLogo(ctx, a.ID, "a.png", data)
	if err != nil {
		t.Fatal(err)
	}
	wb, err := s.SetLogo(ctx, b.ID, "other-name.png", data)
	if err != nil {
		t.Fatal(err)
	}
	if wa.Logo.Blob != wb.Logo.Blob || countBlobs(t, db.BlobDir()) != 1 {
		t.Errorf("same bytes stored as %s and %s (%d blobs)", wa.Logo.Blob, wb.Logo.Blob, countBlobs(t, db.BlobDir()))
	}
}

func countBlobs(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return nil
	})
	return n
}

func TestSurvivesReopen(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := store.Open(ctx, dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := New(db, blob.New(db.BlobDir()))
	clock := time.Date(2027, 3, 28, 1, 30, 0, 0, time.UTC)
	s.SetClock(func() time.Time { return clock })
	w, err := s.Create(ctx, Settings{Name: "Persist", Timezone: "America/New_York", Language: "en",
		Charter: Charter{Text: "No insults.", BannedWords: []string{"idiot"}}})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = store.Open(ctx, dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	got, err := New(db, blob.New(db.BlobDir())).Get(ctx, w.ID)
	if err != nil || !reflect.DeepEqual(got, w) {
		t.Errorf("after reopen Get = %+v, %v; want %+v", got, err, w)
	}
	if !got.CreatedAt.Equal(clock) {
		t.Errorf("CreatedAt = %v; want %v", got.CreatedAt, clock)
	}
}

func TestMachineZoneIsValid(t *testing.T) {
	t.Setenv("TZ", "Asia/Tokyo")
	if z := MachineZone(); z != "Asia/Tokyo" {
		t.Errorf("MachineZone() with TZ=Asia/Tokyo = %q", z)
	}
	t.Setenv("TZ", "Not/AZone")
	if z := MachineZone(); checkZone(z) != nil {
		t.Errorf("MachineZone() = %q, not a loadable zone", z)
	}
}

// TestListWhileCreating lists while clients are being created, as the UI
// does when each creation's event makes it reload the list. Names were once
// folded through one shared transformer: under this load it corrupted
// itself and every later Create and List panicked (the e2e's forty
// clients hung on it).
func TestListWhileCreating(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	done := make(chan struct{})
	listed := make(chan error, 1)
	go func() {
		defer close(listed)
		for {
			select {
			case <-done:
				return
			default:
			}
			if _, err := s.List(ctx); err != nil {
				listed <- err
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				if _, err := s.Create(ctx, Settings{Name: fmt.Sprintf("Clïent %d-%02d", g, i)}); err != nil {
					t.Error(err)
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(done)
	if err := <-listed; err != nil {
		t.Fatal(err)
	}
	list, err := s.List(ctx)
	if err != nil || len(list) != 40 {
		t.Fatalf("List = %d workspaces, %v; want 40", len(list), err)
	}
	if _, err := s.Create(ctx, Settings{Name: "CLIENT 2-07"}); !errors.Is(err, ErrNameTaken) {
		t.Fatalf("a name differing only by case and accent: %v, want ErrNameTaken", err)
	}
}
