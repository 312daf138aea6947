#!/usr/bin/env bash
# Our moderation path and the Python peer side by side, over the same segment files, at 720p and
# 1080p: segments/s per core, CPU-ms per segment and how their scores agree, as one table.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: peer/compare.sh [options]

For each size: writes synthetic H.264 MPEG-TS segments (2 s, 30 fps, one key frame a second)
with our encoder, moderates them with ours (PeerComparison run: our decoder and ONNX Runtime
engine, one thread per core) and with the peer (peer/python/moderate.py: PyAV and cv2.dnn, one
process per core), then prints one table row per size. Installs the peer's Debian packages
first (peer/setup.sh). Needs cli/target/moderation.jar (mvn -B -DskipTests package).

  --sizes LIST          sizes to run, WxH comma-separated (default 1280x720,1920x1080)
  --count N             segments per size (default 60)
  --workers N           worker threads (ours) and processes (peer) (default: nproc)
  --passes N            measured passes over the segments, each side (default 10)
  --warmup-passes N     unmeasured passes first, each side (default 1)
  --max-frames N        sampled key frames per segment at most (default 1, as the bench)
  --out DIR             where segments, scores, summaries and the table go (default target/peer)
  -h, --help            this text

Writes DIR/table.md (the table), DIR/rows.jsonl (one JSON line per size with every figure and the
per-label score differences) and, per size, DIR/<size>/{ours,peer}.{json,jsonl,log}.
USAGE
}

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR="$ROOT/cli/target/moderation.jar"
PYTHON=/usr/bin/python3
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

sizes=1280x720,1920x1080
count=60
workers=$(nproc)
passes=10
warmup=1
max_frames=1
out="$ROOT/target/peer"

while (($# > 0)); do
  case "$1" in
    --sizes) sizes="$2"; shift 2 ;;
    --count) count="$2"; shift 2 ;;
    --workers) workers="$2"; shift 2 ;;
    --passes) passes="$2"; shift 2 ;;
    --warmup-passes) warmup="$2"; shift 2 ;;
    --max-frames) max_frames="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "compare.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done

if [[ ! -f "$JAR" ]]; then
  echo "compare.sh: $JAR is missing. Build it first, from $ROOT:" >&2
  echo "  mvn -B -DskipTests package" >&2
  exit 2
fi

ours() {
  "$JAVA" ${JAVA_OPTS:--Xmx2g} -cp "$JAR" dev.streammod.cli.peer.PeerComparison "$@"
}

"$ROOT/peer/setup.sh"

mkdir -p "$out"
out="$(cd "$out" && pwd)"
model="$(ours model)"
echo "model   : $model" >&2
echo "machine : $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')" >&2
echo "run     : $count segments per size, $workers workers each side, $warmup warm-up + $passes measured passes, max $max_frames frames per segment" >&2

table="$out/table.md"
rows="$out/rows.jsonl"
: >"$rows"
header=--header
: >"$table"
IFS=, read -r -a size_list <<<"$sizes"
for size in "${size_list[@]}"; do
  label="${size#*x}p"
  dir="$out/$label"
  rm -rf "$dir"
  mkdir -p "$dir"
  ours segments --out "$dir/segments" --count "$count" --size "$size" --threads "$workers"

  echo "$label   : ours ..." >&2
  ours run "$dir/segments" --workers "$workers" --max-frames "$max_frames" \
    --warmup-passes "$warmup" --passes "$passes" \
    --scores "$dir/ours.jsonl" --summary "$dir/ours.json" 2>"$dir/ours.log" >/dev/null \
    || { cat "$dir/ours.log" >&2; echo "compare.sh: ours failed at $label (log: $dir/ours.log)" >&2; exit 1; }
  cat "$dir/ours.json" >&2

  echo "$label   : peer ..." >&2
  "$PYTHON" "$ROOT/peer/python/moderate.py" "$dir/segments" --model "$model" \
    --processes "$workers" --max-frames "$max_frames" \
    --warmup-passes "$warmup" --passes "$passes" \
    --scores "$dir/peer.jsonl" --summary "$dir/peer.json" 2>"$dir/peer.log" >/dev/null \
    || { cat "$dir/peer.log" >&2; echo "compare.sh: the peer failed at $label (log: $dir/peer.log)" >&2; exit 1; }
  cat "$dir/peer.json" >&2

  ours compare $header --label "$label" \
    --ours-summary "$dir/ours.json" --peer-summary "$dir/peer.json" \
    --ours-scores "$dir/ours.jsonl" --peer-scores "$dir/peer.jsonl" \
    --json "$rows" >>"$table"
  header=
done

echo >&2
echo "ratio: ours over the peer in segments/s per core; CPU-ms/seg: CPU time of the whole process(es) over the measured passes per segment" >&2
cat "$table"
echo "(table: $table; details: $rows)" >&2
