#!/usr/bin/env bash
# viewers.sh N OUTDIR [clusterplay flags...] CLIP
#
# Runs N headless clusterplay viewers at once on this machine, each with
# its own state directory and its own report OUTDIR/viewer-I.json, waits
# for them all, and prints their reports merged (clusterplay report) on
# stdout. The exit code is the worst of the viewers' (0 when every one
# passed). Across machines, run this (or one viewer) on each under
# whatever runs your jobs, collect the OUTDIRs in one place and merge
# them: clusterplay report ALL/*.json.
#
# CLUSTERPLAY names the binary (default: clusterplay on the PATH).
set -u
if [ $# -lt 3 ]; then
	echo "usage: $0 N OUTDIR [clusterplay flags...] CLIP" >&2
	exit 2
fi
n=$1 out=$2
shift 2
bin=${CLUSTERPLAY:-clusterplay}
mkdir -p "$out" || exit 2
pids=()
for i in $(seq 1 "$n"); do
	mkdir -p "$out/state-$i"
	"$bin" --no-video --no-tui --quiet --state-dir "$out/state-$i" \
		--report "$out/viewer-$i.json" "$@" &
	pids+=($!)
done
worst=0
for pid in "${pids[@]}"; do
	wait "$pid"
	code=$?
	[ "$code" -gt "$worst" ] && worst=$code
done
"$bin" report "$out" || exit 2
exit "$worst"
