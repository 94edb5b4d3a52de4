#!/usr/bin/env bash
# The test command: set up, then formatting, vet, builds for the other
# systems clusterplay runs on, and every test under the race detector,
# against real loopback servers, real libmpv and real nginx.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
[ -x /usr/local/go/bin/go ] && export PATH="/usr/local/go/bin:$PATH"

unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
  echo "gofmt would change:" $unformatted >&2
  exit 1
fi
go vet ./...

# People run clusterplay on arm64 Linux boards and on macOS with mpv from
# Homebrew (and the pure-Go build on Windows), where no test runs: build the
# program for each without cgo, so a system call one of them lacks fails
# here rather than on a user's machine.
failed=()
for target in linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64; do
  CGO_ENABLED=0 GOOS=${target%/*} GOARCH=${target#*/} go build -o /dev/null . || failed+=("$target")
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "CGO_ENABLED=0 go build failed for: ${failed[*]}" >&2
  exit 1
fi
# The unit tier first: it needs no libmpv, nginx, tmux or ffmpeg, and must
# pass without cgo, as it does on a contributor's laptop.
CGO_ENABLED=0 go test -short -count=1 "$@" ./...
# Then everything, the end-to-end tier included, under the race detector.
go test -race -count=1 -timeout 30m "$@" ./...
