#!/usr/bin/env bash
# Installs the Debian tools obsgen verifies and tests with, when they are missing.
# Idempotent: a second run with everything present does nothing and prints one line.
# Where it cannot install (no apt-get, e.g. macOS, or not root) it says which tools are missing
# and exits 0: obsgen's in-process engine and checks stand in for promtool and amtool, and the
# tests that compare with the real tools are left out (test/real-tools.json). Extra packages
# named on the command line are required: without them it fails.
# Usage: scripts/install-tools.sh [extra-debian-package ...]
#   e.g. scripts/install-tools.sh chromium   (only `obsgen preview` and its test need it)
set -euo pipefail

declare -A need=(
  [promtool]=prometheus
  [prometheus]=prometheus
  [amtool]=prometheus-alertmanager
  [prometheus-alertmanager]=prometheus-alertmanager
  [docker-compose]=docker-compose
  [prometheus-node-exporter]=prometheus-node-exporter
  [prometheus-blackbox-exporter]=prometheus-blackbox-exporter
  # HA / scale-out (docs/ha.md): the long-term store, and vmalert for sharded stacks' rules and `vmalert -dryRun`.
  [victoria-metrics]=victoria-metrics
  [vmalert]=victoria-metrics
  # `kubectl kustomize` renders the Kubernetes target's kustomization in its test (docs/kubernetes.md).
  [kubectl]=kubernetes-client
)

missing=()
for bin in "${!need[@]}"; do
  command -v "$bin" >/dev/null 2>&1 || missing+=("${need[$bin]}")
done
# Packages asked for by name (e2e, preview) are needed by what asked: failing to install them fails.
extra=()
for pkg in "$@"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || extra+=("$pkg")
done

if [ ${#missing[@]} -eq 0 ] && [ ${#extra[@]} -eq 0 ]; then
  echo "install-tools: all tools present"
  exit 0
fi

# Deduplicate while keeping order stable.
mapfile -t pkgs < <(printf '%s\n' "${missing[@]}" "${extra[@]}" | sed '/^$/d' | sort -u)

if ! command -v apt-get >/dev/null 2>&1 || [ "$(id -u)" -ne 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then how="run as root, or: sudo apt-get install -y ${pkgs[*]}"; else how="apt-get is not available here (not Debian/Ubuntu)"; fi
  if [ ${#extra[@]} -gt 0 ]; then
    echo "install-tools: missing packages: ${pkgs[*]}; $how" >&2
    exit 1
  fi
  # The default tools are optional: obsgen's in-process engine and checks stand in for them.
  echo "install-tools: not installed: ${pkgs[*]} ($how)." >&2
  echo "install-tools: obsgen's in-process PromQL engine runs the rule tests and checks the rules, and its own Alertmanager validation checks the config;" >&2
  echo "install-tools: the tests that compare obsgen with the real promtool/amtool (test/real-tools.json) are left out, and the build reports those tools as missing." >&2
  exit 0
fi

echo "install-tools: installing ${pkgs[*]}"
# Packages must not start their daemons here: tests start their own on 127.0.0.1.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy"
  chmod +x "$policy"
  created_policy=1
fi
trap '[ "$created_policy" = 1 ] && rm -f "$policy"' EXIT

export DEBIAN_FRONTEND=noninteractive
# Refresh the package lists when they are missing or older than a day.
if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mmin -1440 2>/dev/null | head -1)" ]; then
  apt-get update -q >/dev/null
fi
apt-get install -y -q --no-install-recommends "${pkgs[@]}" >/dev/null
echo "install-tools: done"
