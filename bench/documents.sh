#!/usr/bin/env bash
# 1,000 badges (one PDF of A4 sheets) and 1,000 certificates (one PDF each, as they are emailed),
# in release: the figures go to bench/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${HOME}/.cache/guichet/target}"
cargo run --quiet --release -p guichet-documents --example bench -- "${1:-1000}"
