# Sourced by bin/demo, bin/test and .ci/run: install the Debian packages whose
# programs are missing. Usage: ensure_debian_packages COMMAND:PACKAGE ...
# As root it runs apt-get; otherwise it uses sudo when that needs no password,
# and else stops with the command to run.
ensure_debian_packages() {
  local missing=() pair
  for pair in "$@"; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local runner=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      runner=(sudo -n)
    else
      echo "Missing system packages: ${missing[*]}. Install them with: sudo apt-get install ${missing[*]}" >&2
      return 1
    fi
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "Missing system packages: ${missing[*]}; install them with your package manager." >&2
    return 1
  fi
  echo "Installing system packages: ${missing[*]}"
  "${runner[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${runner[@]}" apt-get install -y -qq "${missing[@]}"
}
