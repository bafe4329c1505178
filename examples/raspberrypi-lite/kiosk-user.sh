#!/bin/sh
# Runs inside the `app` tree: the unprivileged user the kiosk's player runs as.
set -eu
useradd --system --create-home --home-dir /var/lib/kiosk --shell /usr/sbin/nologin kiosk
for group in video render audio input; do
  getent group "$group" >/dev/null && usermod --append --groups "$group" kiosk
done
