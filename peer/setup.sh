#!/usr/bin/env bash
# Installs the Debian packages the Python peer needs, when they are missing. Idempotent: a second
# run installs nothing. Needs root (or sudo) and Debian's package archive.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: peer/setup.sh [--check]

Installs python3-av (FFmpeg), python3-opencv (cv2.dnn), python3-onnx (the model rewrite),
python3-numpy and python3-yaml (the model's config.yaml) with apt-get when any is missing, then
checks that Debian's python3 (/usr/bin/python3) imports them.

  --check   only report what is missing; exit 1 when something is
USAGE
}

PACKAGES=(python3-av python3-opencv python3-onnx python3-numpy python3-yaml)
# Debian's interpreter, not whatever python3 comes first on PATH: the packages install for it.
PYTHON=/usr/bin/python3

check_only=false
case "${1:-}" in
  "") ;;
  --check) check_only=true ;;
  -h | --help) usage; exit 0 ;;
  *) usage >&2; exit 2 ;;
esac

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} > 0)); then
  if $check_only; then
    echo "missing Debian packages: ${missing[*]}" >&2
    exit 1
  fi
  if ! command -v apt-get >/dev/null; then
    echo "peer/setup.sh: apt-get not found; the peer needs Debian's ${missing[*]}" >&2
    exit 1
  fi
  sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    sudo=(sudo)
  fi
  echo "installing ${missing[*]} ..." >&2
  export DEBIAN_FRONTEND=noninteractive
  # The package lists may be missing or old on a fresh machine.
  if ! apt-get install -y -q --no-install-recommends --dry-run "${missing[@]}" >/dev/null 2>&1; then
    "${sudo[@]}" apt-get update -q >&2
  fi
  "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
fi

if ! "$PYTHON" -c 'import av, cv2, onnx, numpy, yaml' 2>/dev/null; then
  echo "peer/setup.sh: $PYTHON cannot import av, cv2, onnx, numpy and yaml although ${PACKAGES[*]} are installed" >&2
  "$PYTHON" -c 'import av, cv2, onnx, numpy, yaml' >&2 || true
  exit 1
fi
if ! $check_only; then
  "$PYTHON" -c 'import av, cv2, onnx, numpy; print("peer packages: PyAV %s (libavcodec %s), OpenCV %s, onnx %s, numpy %s" % (av.__version__, ".".join(map(str, av.library_versions["libavcodec"])), cv2.__version__, onnx.__version__, numpy.__version__))' >&2
fi
