#!/usr/bin/env bash
# Debian packages the UI tests and `npm run web` need (docs: /work/shared/design/ui-testing.md):
#   libkrb5-dev  kerberos headers for code-server's native `kerberos` module
#   ripgrep      VS Code's search binary (its own download has no route from these machines)
#   chromium     the browser playwright-core drives
# Installs only what is missing; runs apt-get as root, or through sudo when that exists.
set -euo pipefail

need=()
dpkg -s libkrb5-dev >/dev/null 2>&1 || need+=(libkrb5-dev)
command -v rg >/dev/null || need+=(ripgrep)
command -v chromium >/dev/null || need+=(chromium)
[ ${#need[@]} -eq 0 ] && exit 0

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "ui-deps: need root to install ${need[*]} (apt-get install -y ${need[*]})" >&2; exit 1; }
  sudo=(sudo)
fi
echo "ui-deps: installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q
"${sudo[@]}" apt-get install -y -q "${need[@]}"
