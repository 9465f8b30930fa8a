#!/usr/bin/env bash
# Builds actionlint (github.com/rhysd/actionlint/cmd/actionlint) at the version pinned below, from its
# Go module, into ${M365_LICENSES_ACTIONLINT_CACHE:-$HOME/.cache/m365-licenses/actionlint}/vX.Y.Z/bin,
# outside the repository, for test/pulumi/github-workflows.test.ts. As for scripts/install-pulumi.sh:
# nothing prebuilt is downloaded, only the Go module through the configured module proxy and checksum
# database, never a Go toolchain (GOTOOLCHAIN=local); a second run finds the binary and returns at
# once. Progress goes to stderr; the last line on stdout is the bin folder, so that
# `PATH="$(scripts/install-actionlint.sh | tail -n1):$PATH"` works.
set -euo pipefail

# The release the example workflows were last checked with (rhysd/actionlint tags; `go install
# ...@vX.Y.Z` is its documented way to build from source).
tag="v1.7.12"

say() { echo "install-actionlint: $*" >&2; }
die() { say "error: $*"; exit 1; }

command -v go >/dev/null || die "go is not on PATH (actionlint is built from its Go module)"

cache="${M365_LICENSES_ACTIONLINT_CACHE:-$HOME/.cache/m365-licenses/actionlint}/$tag"
bin="$cache/bin"

# `actionlint -version` prints the version on its first line.
answers() { [ "$("$1/actionlint" -version 2>/dev/null | head -n1)" = "$tag" ]; }
if answers "$bin"; then
  say "actionlint $tag already built"
  echo "$bin"
  exit 0
fi

started=$SECONDS
say "building actionlint $tag with $(go version | cut -d' ' -f3) into $cache"
out="$cache/bin.partial.$$"
rm -rf "$out" && mkdir -p "$out"
trap 'rm -rf "$out"' EXIT # a failed build leaves no half-filled folder behind
# The version stamped as upstream's release build does (.goreleaser.yaml at the tag), with the v.
GOBIN="$out" GOTOOLCHAIN=local CGO_ENABLED=0 GOWORK=off GOFLAGS="-buildvcs=false" \
  go install -trimpath -ldflags "-s -w -X github.com/rhysd/actionlint.version=$tag" \
  "github.com/rhysd/actionlint/cmd/actionlint@$tag" || die "go install of actionlint $tag failed"
answers "$out" || die "the binary built in $out does not answer with $tag"

rm -rf "$bin" && mv "$out" "$bin"
say "built actionlint $tag in $((SECONDS - started)) s"
echo "$bin"
