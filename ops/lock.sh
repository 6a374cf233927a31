#!/bin/sh
# Write ops/requirements.lock: every package the virtual environment holds (Siaran's
# dependencies, its test tools, pip), pinned with the SHA-256 of every file PyPI offers
# for it, for every platform and Python >= 3.11. ops/bootstrap.sh installs from it with
# --require-hashes. Run after changing dependencies in pyproject.toml; needs uv
# (https://docs.astral.sh/uv/, e.g. `pipx install uv`).
set -eu
cd "$(dirname "$0")/.."
uv pip compile pyproject.toml ops/tools.in --extra test --universal --python-version 3.11 \
    --generate-hashes --no-header \
    --output-file ops/requirements.lock "$@"
sed -i '1i # Every package of the virtual environment, with hashes: written by ops/lock.sh, installed\n# by ops/bootstrap.sh (pip --require-hashes). Do not edit by hand.' ops/requirements.lock
