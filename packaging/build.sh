#!/usr/bin/env bash
# Build the one-folder bundle with PyInstaller and, on Linux, the .tar.gz users install.
#   packaging/build.sh [--check]
# --check: run the built program's --self-test off screen and, under Xvfb, in a real
# window (xcb); the build fails if either fails.
# Uses the Python of the environment it is run from (./dev package runs it in .venv).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python}
OUT=build
NAME=$("$PYTHON" -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["name"])')
VERSION=$("$PYTHON" -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')

"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath "$OUT/dist" --workpath "$OUT/work" packaging/onproduct.spec
BUNDLE="$OUT/dist/$NAME"
if [ "$(uname -s)" = Linux ] && [ "${ONPRODUCT_NO_EXCLUDES:-}" != 1 ]; then
  # Python's own library and extension modules carry debug symbols (24 MB). PyInstaller's
  # strip option would strip everything, which breaks numpy's OpenBLAS; these are safe.
  strip --strip-unneeded "$BUNDLE"/_internal/libpython3*.so* \
    "$BUNDLE"/_internal/python3*/lib-dynload/*.so
fi
echo "build: $BUNDLE ($(du -sh --apparent-size "$BUNDLE" | cut -f1))"

if [ "${1:-}" = "--check" ]; then
  SCRATCH=$(mktemp -d)
  trap 'rm -rf "$SCRATCH"' EXIT
  touch "$SCRATCH/before-checks"
  echo "build: --self-test of the built program, off screen"
  QT_QPA_PLATFORM=offscreen "$BUNDLE/$NAME" --self-test
  [ "$("$BUNDLE/$NAME" --version)" = "$NAME $VERSION" ] || { echo "build: wrong --version" >&2; exit 1; }
  # It opens the plan it is given, and the sample plan in the user's data folder
  # (QStandardPaths), never inside the bundle, when it is given none.
  HOME="$SCRATCH" XDG_DATA_HOME="$SCRATCH/given" XDG_CONFIG_HOME="$SCRATCH/given" \
    QT_QPA_PLATFORM=offscreen timeout 6 "$BUNDLE/$NAME" "$SCRATCH/Given.onproduct" || true
  HOME="$SCRATCH" XDG_DATA_HOME="$SCRATCH/data" XDG_CONFIG_HOME="$SCRATCH/config" \
    QT_QPA_PLATFORM=offscreen timeout 6 "$BUNDLE/$NAME" || true  # a first start
  for plan in "$SCRATCH/Given.onproduct" "$SCRATCH/data/Onproduct/Sample plan.onproduct"; do
    [ "$(head -c 15 "$plan" 2>/dev/null)" = "SQLite format 3" ] \
      || { echo "build: the built program did not open $plan" >&2; exit 1; }
  done
  [ -z "$(find "$BUNDLE" -newer "$SCRATCH/before-checks")" ] \
    || { echo "build: the built program wrote into its own folder" >&2; exit 1; }
  echo "build: the built program opened a given plan and the sample plan in the data folder"
  # Team plans: a PostgreSQL server of the check's own (tests/pgserver.py), the sample
  # plan published there by the built program, the same figures from both, and the
  # self-test on a scratch team plan.
  echo "build: the built program on a team plan"
  PG_DIR=$(mktemp -d)  # its own folder: the server runs as another user when we are root
  SECRET=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
  trap '"$PYTHON" -m tests.pgserver stop "$PG_DIR" >/dev/null 2>&1 || true; rm -rf "$SCRATCH" "$PG_DIR"' EXIT
  PG_URL=$("$PYTHON" -m tests.pgserver start "$PG_DIR" packer "$SECRET")
  SAMPLE="$SCRATCH/data/Onproduct/Sample plan.onproduct"
  "$BUNDLE/$NAME" publish "$SAMPLE" "$PG_URL" --plan "Bundle check"
  TEAM_URL="$PG_URL?plan=Bundle%20check"
  [ "$("$BUNDLE/$NAME" metrics "$SAMPLE" --json)" = "$("$BUNDLE/$NAME" metrics "$TEAM_URL" --json)" ] \
    || { echo "build: metrics of the team plan differ from the plan file's" >&2; exit 1; }
  QT_QPA_PLATFORM=offscreen "$BUNDLE/$NAME" --self-test "$PG_URL" >"$SCRATCH/team-self-test" \
    || { cat "$SCRATCH/team-self-test"; echo "build: the self-test on a team plan failed" >&2; exit 1; }
  echo "build: the built program published a plan, read its figures and self-tested on a team plan"
  if command -v xvfb-run >/dev/null; then
    echo "build: --self-test of the built program in a window under Xvfb (xcb)"
    QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1600x1000x24" "$BUNDLE/$NAME" --self-test
  else
    echo "build: xvfb-run is missing (package xvfb); the windowed check cannot run" >&2
    exit 1
  fi
fi

if [ "$(uname -s)" = Linux ]; then
  STAGE=$(packaging/linux/stage.sh "$BUNDLE" "$OUT/stage" "$VERSION")
  tar -C "$(dirname "$STAGE")" -czf "$OUT/$(basename "$STAGE").tar.gz" "$(basename "$STAGE")"
  echo "build: $OUT/$(basename "$STAGE").tar.gz ($(du -h "$OUT/$(basename "$STAGE").tar.gz" | cut -f1))"
  if [ "${1:-}" = "--check" ]; then
    # Install the download the way a user does, run the installed program, uninstall.
    mkdir "$SCRATCH/unpacked" "$SCRATCH/home"
    tar -C "$SCRATCH/unpacked" -xzf "$OUT/$(basename "$STAGE").tar.gz"
    USER_ENV=(env -u XDG_DATA_HOME -u XDG_CONFIG_HOME HOME="$SCRATCH/home")
    "${USER_ENV[@]}" "$SCRATCH/unpacked/$(basename "$STAGE")/install.sh" >/dev/null
    [ "$("${USER_ENV[@]}" "$SCRATCH/home/.local/bin/onproduct" --version)" = "$NAME $VERSION" ] \
      || { echo "build: the installed program does not run" >&2; exit 1; }
    "${USER_ENV[@]}" "$SCRATCH/unpacked/$(basename "$STAGE")/uninstall.sh" >/dev/null
    echo "build: the download installs, runs and uninstalls"
  fi
fi
