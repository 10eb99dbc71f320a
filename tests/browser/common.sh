# Set-up shared by the browser tests (run.sh, review.sh), sourced after
# each has set HERE (its own folder): the folders, the programs, chromium,
# a scratch folder W removed at exit (with the server SRV_PID, if one was
# started), and fail.
ROOT=$(cd "$HERE/../.." && pwd)
BIN=$(cd "${1:-$ROOT/bin}" && pwd)
OUT=${KZ_BROWSER_OUT:-$ROOT/build/browser}
FIX="$ROOT/tests/e2e/fixtures"
export KZ_DATA="${KZ_DATA:-$ROOT}"

if ! command -v chromium > /dev/null 2>&1; then
	echo "browser-test: chromium is not installed (apt-get install -y chromium)" >&2
	exit 1
fi
W=$(mktemp -d)
SRV_PID=
trap '[ -n "$SRV_PID" ] && kill "$SRV_PID" 2>/dev/null; rm -rf "$W"' EXIT
mkdir -p "$OUT"

fail() {
	echo "browser-test: FAIL: $*" >&2
	exit 1
}
