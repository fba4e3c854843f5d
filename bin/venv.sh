# Sourced by bin/demo and bin/test: create .venv with the Python 3.11+ found on PATH
# and install the requirements file given as $1 whenever it (or what it includes)
# has changed since the last install.
set -euo pipefail
requirements_file="$1"
python_bin="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$python_bin" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
    || { echo "Python 3.11 or newer is required; set PYTHON to its path." >&2; exit 1; }
  "$python_bin" -m venv .venv
fi
# The stamp names the file by its path: requirements.txt and bench/requirements.txt differ.
stamp=".venv/.installed-$(cat requirements*.txt bench/requirements.txt | sha256sum | cut -c1-16)-$(echo "$requirements_file" | tr / _)"
if [ ! -e "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -r "$requirements_file"
  touch "$stamp"
fi
