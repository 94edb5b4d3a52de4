#!/usr/bin/env bash
# The test command: set up, then formatting, vet, and every test under the
# race detector, against real loopback servers, real libmpv and real nginx.
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
go test -race -count=1 -timeout 30m "$@" ./...
