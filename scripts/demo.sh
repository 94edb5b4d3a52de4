#!/usr/bin/env bash
# The main job: set up, build, and run the embedded demo (three local hosts,
# two failing on purpose) in the terminal UI. No network needed. Where no
# display answers (SSH, a server, a container) the picture plays in a pane
# of the UI, beside the events; v hides and shows it.
# Extra arguments go to clusterplay, e.g. scripts/demo.sh --demo=balance
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
[ -x /usr/local/go/bin/go ] && export PATH="/usr/local/go/bin:$PATH"
mkdir -p bin
go build -o bin/clusterplay .
if [ $# -eq 0 ]; then
  set -- --demo
fi
exec bin/clusterplay "$@"
