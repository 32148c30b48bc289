#!/usr/bin/env bash
# Installs the Debian packages the tests use, if missing: kcat (a second, non-.NET Kafka client), redis-server (typing between
# edges), clickhouse-server (the analytics store's tests start their own server; they fail, naming the package, without it) and
# chromium (the browser tests drive Debian's /usr/bin/chromium through Playwright — never a downloaded browser — with
# fonts-noto-color-emoji so reactions and icons render in their screenshots).
# Needs root for apt-get; otherwise it says what to install and carries on (the tests that need it then fail clearly).
set -uo pipefail
need=()
command -v kcat >/dev/null || need+=(kcat)
command -v redis-server >/dev/null || need+=(redis-server)
# Debian installs the server in /usr/sbin, which a non-root PATH may lack.
{ command -v clickhouse-server >/dev/null || [ -x /usr/sbin/clickhouse-server ]; } || need+=(clickhouse-server clickhouse-client)
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -e /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || need+=(fonts-noto-color-emoji)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null
else
  echo "warning: missing test tools: ${need[*]} (install with: sudo apt-get install -y ${need[*]})" >&2
fi
