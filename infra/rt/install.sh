#!/bin/bash
# Debian's Request Tracker 5 with SQLite and its standalone server, for the importer's tests
# (`make test` runs this when RT is missing). Non-interactive: the answers are preseed.txt's
# (root's password: "password"; a test instance, on loopback only).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
if [ ! -x /usr/share/request-tracker5/libexec/rt-server ]; then
  $SUDO debconf-set-selections < "$HERE/preseed.txt"
  install() {
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends \
      request-tracker5 rt5-db-sqlite rt5-standalone
  }
  install || ($SUDO apt-get update -q && install)
fi
$SUDO install -m 0644 "$HERE/99-rtflow-tests.pm" /etc/request-tracker5/RT_SiteConfig.d/99-rtflow-tests.pm
