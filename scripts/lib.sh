# shellcheck shell=bash
# shellcheck disable=SC2034 # variables used by the scripts that source this
# Shared helpers for scripts/setup, run, test, check-window, measure-start.
# Source it; it sets ROOT and cds there.

set -Eeuo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

BIN="$ROOT/build/bin/relais"
CACHE="$ROOT/.cache/build" # gitignored: stamps and helper binaries
SHOTS="${RELAIS_SCREENSHOTS:-$ROOT/e2e/screenshots}"
mkdir -p "$CACHE"

# System packages. Build: what compiles the app (WebKitGTK 4.1, GTK 3, cgo).
# Test: what the test command also needs (Xvfb, a session D-Bus, a real
# keyring, Chromium for the browser tests, screenshot and window tools,
# NSIS for the Windows installer, and what scripts/pds needs to build and
# run the Bluesky server: python3 for node-gyp, openssl and xxd for keys).
BUILD_PKGS=(libwebkit2gtk-4.1-dev build-essential pkg-config)
TEST_PKGS=(xvfb xauth dbus dbus-x11 x11-utils xdotool imagemagick file nsis
	fonts-noto-color-emoji gnome-keyring chromium python3 openssl xxd)

if [[ -t 1 ]]; then B=$'\e[1m' R=$'\e[31m' G=$'\e[32m' Y=$'\e[33m' N=$'\e[0m'; else B='' R='' G='' Y='' N=''; fi
say() { printf '%s==> %s%s\n' "$B" "$*" "$N" >&2; }
warn() { printf '%swarning: %s%s\n' "$Y" "$*" "$N" >&2; }
die() { printf '%serror: %s%s\n' "$R" "$*" "$N" >&2; exit 1; }

need() {
	command -v "$1" >/dev/null 2>&1 || die "$1 is not installed. $2"
}

# check_toolchain: Go and Node must be there (the README's only prerequisites
# besides git); Vite 8 needs Node >= 20.19.
check_toolchain() {
	need git "Install git first."
	need go "Install Go 1.26 or newer from https://go.dev/dl/ and put it on PATH."
	need node "Install Node.js 22 (or 20.19+) from https://nodejs.org/."
	need npm "Install Node.js 22 (or 20.19+) from https://nodejs.org/ (it includes npm)."
	local v; v="$(node -p 'process.versions.node')"
	local maj="${v%%.*}" rest="${v#*.}"; local min="${rest%%.*}"
	if (( maj < 20 || (maj == 20 && min < 19) || (maj == 21) )); then
		die "Node $v is too old for Vite 8: install Node 22 (or 20.19+)."
	fi
}

# apt_ensure PKG...: installs the packages that dpkg does not list as
# installed, through sudo when not root. A machine without apt gets a list.
apt_ensure() {
	local missing=() p
	for p in "$@"; do
		if [[ $p == chromium ]] && chromium_bin >/dev/null; then continue; fi
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
	done
	((${#missing[@]})) || return 0
	command -v apt-get >/dev/null 2>&1 ||
		die "not a Debian/Ubuntu system: install the equivalents of: ${missing[*]}"
	local sudo=()
	if ((EUID != 0)); then
		command -v sudo >/dev/null 2>&1 || die "run as root or install sudo; missing packages: ${missing[*]}"
		sudo=(sudo)
	fi
	say "installing system packages: ${missing[*]}"
	"${sudo[@]}" apt-get update -qq
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# chromium_bin prints the Chromium the browser tests use: $RELAIS_CHROMIUM,
# Debian's chromium, or a chromium/chrome already on the machine (Ubuntu's
# apt chromium is a snap stub; GitHub's Ubuntu runners ship one).
chromium_bin() {
	local c
	for c in "${RELAIS_CHROMIUM:-}" /usr/bin/chromium "$(command -v chromium 2>/dev/null)" \
		"$(command -v chromium-browser 2>/dev/null)" "$(command -v google-chrome 2>/dev/null)"; do
		[[ -n $c && -x $c ]] && { echo "$c"; return 0; }
	done
	return 1
}

# npm_ensure DIR: `npm install` (never `npm ci`: the registry here lacks
# rollup's other-platform optional packages) when node_modules is missing or
# package.json / package-lock.json / the Node version changed since the last
# install.
npm_ensure() {
	local dir="$1" stamp
	[[ -f $dir/package.json ]] || die "$dir/package.json is missing"
	stamp="$(cat "$dir/package.json" "$dir/package-lock.json" 2>/dev/null | sha256sum | cut -c1-16)-$(node --version)"
	if [[ -d $dir/node_modules && "$(cat "$dir/node_modules/.relais-stamp" 2>/dev/null)" == "$stamp" ]]; then
		return 0
	fi
	say "npm install in ${dir#"$ROOT"/}"
	(cd "$dir" && npm install --no-audit --no-fund --loglevel=error) || die "npm install failed in $dir"
	# npm install may rewrite the lockfile: stamp what is there now.
	stamp="$(cat "$dir/package.json" "$dir/package-lock.json" 2>/dev/null | sha256sum | cut -c1-16)-$(node --version)"
	echo "$stamp" >"$dir/node_modules/.relais-stamp"
}

# newer_than STAMP PATH...: true when STAMP is missing or a file under the
# paths (node_modules excluded) is newer.
newer_than() {
	local stamp="$1"; shift
	[[ -e $stamp ]] || return 0
	[[ -n "$(find "$@" -name node_modules -prune -o -newer "$stamp" -print -quit 2>/dev/null)" ]]
}

GO_SOURCES=(main.go go.mod go.sum app backend)

# gen_bindings: regenerate frontend/wailsjs from the bound Go methods
# (what `wails generate module` does, without the CLI and without a
# display). //go:embed needs a file in frontend/dist: .gitkeep is tracked.
gen_bindings() {
	if [[ -d frontend/wailsjs/go ]] && ! newer_than "$CACHE/bindings.stamp" "${GO_SOURCES[@]}"; then
		return 0
	fi
	say "generating Wails bindings (frontend/wailsjs)"
	mkdir -p frontend/dist
	[[ -n "$(ls -A frontend/dist)" ]] || touch frontend/dist/.gitkeep
	go build -tags bindings,webkit2_41 -o "$CACHE/relais-bindings" . || die "building the bindings generator failed"
	"$CACHE/relais-bindings" >/dev/null || die "generating the bindings failed"
	touch "$CACHE/bindings.stamp"
}

# build_frontend: npm run build into frontend/dist when the sources changed.
build_frontend() {
	local srcs=() f
	for f in frontend/* frontend/.[!.]*; do
		case $f in frontend/dist | frontend/node_modules) ;; *) [[ -e $f ]] && srcs+=("$f") ;; esac
	done
	if [[ -f frontend/dist/index.html ]] && ! newer_than "$CACHE/frontend.stamp" "${srcs[@]}"; then
		return 0
	fi
	say "building the frontend (npm run build)"
	(cd frontend && npm run build --silent) || die "the frontend build failed"
	[[ -f frontend/dist/index.html ]] || die "npm run build made no frontend/dist/index.html"
	touch "$CACHE/frontend.stamp"
}

version() {
	git describe --tags --always --dirty 2>/dev/null || echo dev
}

# wails_modfile: prints the -modfile flag that builds against Relais's
# patched Wails Linux window (build/linux/wails-window: no flash before the
# window is placed). Go refuses overlays of files in the module cache, so
# the module is copied into .cache once, patched there, and an alternate
# go.mod replaces Wails with the copy; the repository's go.mod is left as
# it is. The upstream file must be the one the patch was made from.
wails_modfile() {
	local dir ver up want got copy
	dir="$(go list -m -f '{{.Dir}}' github.com/wailsapp/wails/v2)" || die "go list could not find the Wails module"
	ver="$(go list -m -f '{{.Version}}' github.com/wailsapp/wails/v2)"
	up="$dir/internal/frontend/desktop/linux/window.go"
	want="$(cat build/linux/wails-window/upstream.sha256)"
	got="$(sha256sum "$up" | cut -d' ' -f1)"
	[[ $got == "$want" ]] || die "Wails $ver's linux/window.go is not the one build/linux/wails-window patches (was Wails upgraded?)"
	copy="$CACHE/wails-$ver-relais"
	if [[ ! -f $copy/.relais-patched ]] || [[ build/linux/wails-window/window.go.patched -nt $copy/.relais-patched ]]; then
		rm -rf "$copy"
		mkdir -p "$CACHE"
		cp -r "$dir" "$copy" && chmod -R u+w "$copy" || die "copying the Wails module failed"
		cp build/linux/wails-window/window.go.patched "$copy/internal/frontend/desktop/linux/window.go"
		touch "$copy/.relais-patched"
	fi
	cp go.mod "$CACHE/go.linux.mod"
	cp go.sum "$CACHE/go.linux.sum"
	printf '\nreplace github.com/wailsapp/wails/v2 => %s\n' "$copy" >>"$CACHE/go.linux.mod"
	echo "-modfile=$CACHE/go.linux.mod"
}

# build_release: the Linux release binary, build/bin/relais. Go's build
# cache makes this a relink at most when nothing changed.
build_release() {
	[[ -f frontend/dist/index.html ]] || die "frontend/dist/index.html is missing: run scripts/setup first"
	local v; v="$(version)"
	if [[ -x $BIN && "$(cat "$CACHE/release.version" 2>/dev/null)" == "$v" ]] &&
		! newer_than "$BIN" "${GO_SOURCES[@]}" build/appicon.png build/linux/wails-window frontend/dist; then
		return 0
	fi
	say "building the release binary build/bin/relais ($v)"
	mkdir -p build/bin
	local modfile; modfile="$(wails_modfile)" || die "the Wails window patch does not apply"
	go build "$modfile" -tags desktop,production,webkit2_41 -trimpath \
		-ldflags "-w -s -X relais/app.Version=$v" -o "$BIN" . || die "the release build failed"
	echo "$v" >"$CACHE/release.version"
}

# product_version: the x.y.z version in wails.json (Windows resources).
product_version() {
	node -p "require('./wails.json').info.productVersion"
}

# build_windows: the Windows release binary, cross-compiled without cgo
# (WebView2 is loaded at run time), with its icon, manifest (per-monitor
# DPI awareness, common controls v6) and version info compiled into a .syso
# by go-winres; then, when makensis is there, the installer.
build_windows() {
	local v pv syso="$ROOT/rsrc_windows_amd64.syso"
	v="$(version)" pv="$(product_version)"
	mkdir -p build/bin
	go run github.com/tc-hib/go-winres@v0.3.3 make --in build/windows/winres.json --arch amd64 \
		--out "$ROOT/rsrc" --product-version "$pv.0" --file-version "$pv.0" ||
		die "go-winres failed"
	local rc=0
	GOOS=windows GOARCH=amd64 CGO_ENABLED=0 go build -tags desktop,production -trimpath \
		-ldflags "-w -s -H windowsgui -X relais/app.Version=$v" -o build/bin/relais.exe . || rc=$?
	rm -f "$syso" # only the Windows build may see it
	((rc == 0)) || die "the Windows build failed"
	if command -v makensis >/dev/null 2>&1; then
		(cd build/windows/installer && makensis -V2 -DVERSION="$pv" -DEXE="$ROOT/build/bin/relais.exe" \
			-DOUTFILE="$ROOT/build/bin/relais-$pv-windows-amd64-installer.exe" relais.nsi) ||
			die "makensis failed"
	fi
}

# go_tool NAME: builds scripts/cmd/NAME into .cache/build/NAME and prints
# its path. startmeter is its own module (it needs an X11 client library
# the app does not).
go_tool() {
	local name="$1" out="$CACHE/$1"
	if [[ -f scripts/cmd/$name/go.mod ]]; then
		(cd "scripts/cmd/$name" && go build -o "$out" .) >&2 || die "building scripts/cmd/$name failed"
	else
		go build -o "$out" "./scripts/cmd/$name" >&2 || die "building scripts/cmd/$name failed"
	fi
	echo "$out"
}

X_PKGS=(xvfb xauth dbus x11-utils xdotool imagemagick)

# prepare [PKG...]: everything the release build needs (plus the extra
# system packages named), each step skipped when already done.
prepare() {
	check_toolchain
	apt_ensure "${BUILD_PKGS[@]}" "$@"
	npm_ensure "$ROOT/frontend"
	gen_bindings
	build_frontend
}

now_ms() { date +%s%3N; }
