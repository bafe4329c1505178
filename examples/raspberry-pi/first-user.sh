#!/bin/sh
# Runs inside the `lite` tree: the first user, as pi-gen creates it, with no password set; log in
# with an SSH key added to ~pi/.ssh/authorized_keys or set a password on first boot.
set -eu
useradd --create-home --shell /bin/bash --groups sudo pi
passwd --lock pi
