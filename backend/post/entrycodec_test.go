package post

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"relais/backend/network"
	"relais/backend/store"
)

// storedSamples are stored entries as Encode writes them, and hand-written
// variations of them.
func storedSamples(t testing.TB) [][]byte {
	entries := []Entry{
		{},
		{Status: StatusDraft},
		{Status: StatusIdea, Excerpt: "Nouveau menu de printemps au Café Lumière : tartes & cafés", Zone: "Europe/Paris",
			Networks: []network.Name{network.X, network.Instagram}, AccountIDs: []string{"a1", "a2"}, Pillar: "p1",
			CampaignID: "c1", Labels: []string{"menu", "été"}, Thumb: "asset", Problems: 3},
		{Status: "custom", Excerpt: `Il a dit « oui » et "non", \ puis <b>rien</b>` + "\n\t\u2028 🥐 \x01"},
		{Status: StatusPublished, Excerpt: "\xff\xfe invalide", Labels: []string{}, Networks: []network.Name{}, Problems: -2},
	}
	var out [][]byte
	for _, e := range entries {
		b, err := store.Encode(compact(e))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b[1:])
	}
	for _, s := range []string{
		` { "s" : "draft" , "x" : "a" , "n" : [ "x" , "bluesky" ] , "pr" : 0 } `,
		`{"s":"draft","s":"idea","l":["a"],"l":["b","c"]}`,
		`{"S":"draft"}`, `{"s":null}`, `{"n":null}`, `{"x":"a","other":{"k":[1,2]}}`,
		`{"pr":1.5}`, `{"pr":1e3}`, `{"pr":01}`, `{"pr":-0}`, `{"pr":99999999999999999999}`, `{"pr":"1"}`,
		`{"\u0073":"review"}`, `{"x":"\u00e9\ud83e\udd50"}`, `{"x":"\q"}`, `{"x":"a` + "\x00" + `"}`,
		`{"s":"draft",}`, `{"s":"draft"} x`, `{"s" "draft"}`, `{"a":["x",]}`, `{"a":["x" "y"]}`, `{"a":[1]}`,
		`{}`, ` {} `, `{`, `}`, ``, `[]`, `null`, `"s"`, `{"x":"unterminated`, `{"a":["x"`,
	} {
		out = append(out, []byte(s))
	}
	return out
}

// TestStoredEntryDecode: the fast path reads what json.Unmarshal reads,
// and refuses what it refuses.
func TestStoredEntryDecode(t *testing.T) {
	for _, b := range storedSamples(t) {
		checkStoredDecode(t, b)
	}
}

func FuzzStoredEntry(f *testing.F) {
	for _, b := range storedSamples(f) {
		f.Add(b)
	}
	f.Fuzz(checkStoredDecode)
}

func checkStoredDecode(t *testing.T, b []byte) {
	var want, got storedEntry
	wantErr := json.Unmarshal(b, &want)
	gotErr := got.UnmarshalStored(b)
	if (wantErr == nil) != (gotErr == nil) {
		t.Fatalf("%q: UnmarshalStored error %v; json.Unmarshal %v", b, gotErr, wantErr)
	}
	if wantErr == nil && !reflect.DeepEqual(got, want) {
		t.Fatalf("%q: UnmarshalStored = %#v; json.Unmarshal = %#v", b, got, want)
	}
}

// TestStoredEntryFastPath: what Encode writes for ordinary posts takes the
// fast path (the fallback would be correct, but slow).
func TestStoredEntryFastPath(t *testing.T) {
	e := Entry{Status: StatusReview, Excerpt: "Nouveau menu de printemps au Café Lumière, l'été", Zone: "Europe/Paris",
		Networks: []network.Name{network.Mastodon}, AccountIDs: []string{"a1"}, Labels: []string{"menu"}, Problems: 1}
	b, err := store.Encode(compact(e))
	if err != nil {
		t.Fatal(err)
	}
	var se storedEntry
	if !se.fast(b[1:]) || !reflect.DeepEqual(se, compact(e)) {
		t.Fatalf("fast(%s) = %#v", b[1:], se)
	}
	if !strings.Contains(string(b), "Café") {
		t.Fatalf("stored %s; want the excerpt unescaped", b)
	}
}
