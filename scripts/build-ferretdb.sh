#!/usr/bin/env bash
# Builds FerretDB v1.24 (the MongoDB-wire server the mongo adapter is tested against, DESIGN §4) into a
# cache folder outside the repo, only when it is missing. Prints the binary's path on stdout.
#
# Why not plain `go install ...@v1.24.0`: the module proxy here refuses the module's version *list*
# (403, read by go install for its deprecation check), and the module zip lacks build/version/version.txt,
# which FerretDB embeds and panics without. So: a throwaway module that requires v1.24.0, `go mod vendor`,
# write version.txt, build with -mod=vendor.
set -euo pipefail
VERSION=v1.24.0
CACHE="${IAMGW_CACHE:-$HOME/.cache/iam-gateway}/ferretdb-$VERSION"
BIN="$CACHE/bin/ferretdb"
if [ -x "$BIN" ] && "$BIN" --version 2>/dev/null | grep -q "$VERSION"; then echo "$BIN"; exit 0; fi
command -v go >/dev/null || { echo "build-ferretdb: go is not installed" >&2; exit 1; }
mkdir -p "$CACHE/src" "$CACHE/bin"
cd "$CACHE/src"
cat > go.mod <<MOD
module ferretdbbuild

go 1.22

require github.com/FerretDB/FerretDB $VERSION
MOD
cat > tools.go <<'SRC'
//go:build tools

package tools

import _ "github.com/FerretDB/FerretDB/cmd/ferretdb"
SRC
start=$(date +%s)
go mod tidy >&2
go mod vendor >&2
echo "$VERSION" > vendor/github.com/FerretDB/FerretDB/build/version/version.txt
go build -mod=vendor -o "$BIN" github.com/FerretDB/FerretDB/cmd/ferretdb >&2
echo "build-ferretdb: built $VERSION in $(( $(date +%s) - start ))s" >&2
echo "$BIN"
