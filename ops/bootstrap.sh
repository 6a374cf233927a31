#!/bin/sh
# Create the virtual environment and install Siaran with its test tools.
# On Debian, installs python3-venv first when the interpreter cannot make a venv.
# Every package comes from ops/requirements.lock, checked against its SHA-256
# (pip --require-hashes); Siaran itself is then installed editable, adding nothing else.
set -eu
python=${1:-python3}
venv=${2:-.venv}
lock=ops/requirements.lock
if ! "$python" -m venv --help >/dev/null 2>&1 || ! "$python" -c "import ensurepip" 2>/dev/null; then
    if command -v apt-get >/dev/null 2>&1; then
        echo "installing python3-venv (Debian package)"
        apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
    fi
fi
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
pip="$venv/bin/python -m pip --disable-pip-version-check -q"
$pip install --require-hashes --only-binary :all: -r "$lock"
$pip install --no-deps --no-build-isolation -e .
