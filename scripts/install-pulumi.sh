#!/usr/bin/env bash
# Builds the Pulumi engine from its Go modules, at the version of @pulumi/pulumi in package-lock.json:
#   pulumi                         the CLI            (github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
#   pulumi-language-nodejs         the Node.js language host (scripts/pulumi-language-nodejs, see UPSTREAM.md)
#   pulumi-resource-pulumi-nodejs  the dynamic-provider launcher (a shell script in the sdk/v3 module)
# into ${M365_LICENSES_PULUMI_CACHE:-$HOME/.cache/m365-licenses/pulumi}/vX.Y.Z/bin, outside the repository.
# Nothing prebuilt is downloaded: only Go modules, through the configured module proxy and checksum
# database, and never a Go toolchain (GOTOOLCHAIN=local). Runs again in well under a second once that
# version's binaries are there and answer with it. Progress goes to stderr; the last line printed, on
# stdout, is the bin folder, so that `PATH="$(scripts/install-pulumi.sh | tail -n1):$PATH"` works.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
host_src="$repo/scripts/pulumi-language-nodejs"
say() { echo "install-pulumi: $*" >&2; }
die() { say "error: $*"; exit 1; }

command -v go >/dev/null || die "go is not on PATH (the engine is built from Go modules)"
command -v node >/dev/null || die "node is not on PATH (it reads the version from package-lock.json)"

version="$(node -e 'const v = require(process.argv[1]).packages["node_modules/@pulumi/pulumi"]?.version; if (!v) process.exit(1); console.log(v)' "$repo/package-lock.json")" ||
  die "package-lock.json has no node_modules/@pulumi/pulumi entry"
tag="v$version"
host_tag="$(sed -n 's/^version: *//p' "$host_src/UPSTREAM.md")"
[ "$host_tag" = "$tag" ] ||
  die "package-lock.json has @pulumi/pulumi $version but scripts/pulumi-language-nodejs holds the language host of $host_tag; copy it from the $tag tag (see its UPSTREAM.md)"

cache="${M365_LICENSES_PULUMI_CACHE:-$HOME/.cache/m365-licenses/pulumi}/$tag"
bin="$cache/bin"

# The binaries of this version are there and run: nothing to do. (`pulumi version` creates its
# PULUMI_HOME: one in the cache, not the user's ~/.pulumi.)
answers() {
  [ "$(PULUMI_HOME="$cache/pulumi-home" PULUMI_SKIP_UPDATE_CHECK=true "$1/pulumi" version 2>/dev/null)" = "$tag" ] &&
    [ "$("$1/pulumi-language-nodejs" -version 2>/dev/null)" = "$tag" ] && [ -x "$1/pulumi-resource-pulumi-nodejs" ]
}
if answers "$bin"; then
  say "pulumi $tag already built"
  echo "$bin"
  exit 0
fi

export GOFLAGS="-mod=mod -buildvcs=false" GOTOOLCHAIN=local CGO_ENABLED=0 GOWORK=off
started=$SECONDS
say "building pulumi $tag with $(go version | cut -d' ' -f3) into $cache (a first build takes minutes)"

# A wrapper module: upstream pkg/v3's go.mod with its requirements as they are (the versions that
# upstream builds the CLI with, pinned by its go.sum), its `replace sdk => ../sdk` turned into a
# requirement of sdk/v3 at the same version, and its other replace directive kept as it is.
src="$cache/src"
rm -rf "$src" && mkdir -p "$src/cmd/pulumi-language-nodejs"
mod_dir() { (cd "$src" && go mod download -json "$1@$tag") | node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => { const m = JSON.parse(s); if (m.Error || !m.Dir) { console.error(m.Error ?? "no Dir"); process.exit(1); } console.log(m.Dir); })'; }
pkg_dir="$(mod_dir github.com/pulumi/pulumi/pkg/v3)" || die "could not download github.com/pulumi/pulumi/pkg/v3@$tag"
sdk_dir="$(mod_dir github.com/pulumi/pulumi/sdk/v3)" || die "could not download github.com/pulumi/pulumi/sdk/v3@$tag"
sed '1s#^module .*#module m365-licenses.local/pulumi-engine#' "$pkg_dir/go.mod" >"$src/go.mod"
cp "$pkg_dir/go.sum" "$src/go.sum"
chmod u+w "$src/go.mod" "$src/go.sum"
(
  cd "$src"
  go mod edit -dropreplace=github.com/pulumi/pulumi/sdk/v3 \
    -require="github.com/pulumi/pulumi/sdk/v3@$tag" -require="github.com/pulumi/pulumi/pkg/v3@$tag"
  grep -q '^replace github.com/pulumi/pulumi/sdk/v3' go.mod && die "the sdk/v3 replace directive is still in the wrapper go.mod"
  true
)
cp "$host_src"/*.go "$src/cmd/pulumi-language-nodejs/"

# The flags of upstream's release build (.goreleaser.yml at the tag): static, trimmed paths, the
# version stamped into both binaries.
out="$cache/bin.partial.$$"
rm -rf "$out" && mkdir -p "$out"
build() { (cd "$src" && go build -trimpath -tags osusergo,grpcnotrace -ldflags "-w -s -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$tag" -o "$out/$1" "$2"); }
build pulumi github.com/pulumi/pulumi/pkg/v3/cmd/pulumi || die "go build of the pulumi CLI failed"
build pulumi-language-nodejs ./cmd/pulumi-language-nodejs || die "go build of pulumi-language-nodejs failed"
cp "$sdk_dir/nodejs/dist/pulumi-resource-pulumi-nodejs" "$out/"
chmod 755 "$out/pulumi-resource-pulumi-nodejs"
answers "$out" || die "the binaries built in $out do not answer with $tag"

rm -rf "$bin" && mv "$out" "$bin"
say "built pulumi $tag in $((SECONDS - started)) s"
echo "$bin"
