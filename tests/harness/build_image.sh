#!/usr/bin/env bash
# Build the local systemd base image for the Molecule scenarios, once.
#   build_image.sh [DISTRO]   (bookworm | trixie; default $MOLECULE_DISTRO or bookworm)
# The image is tagged localhost/voipsec-debian:DISTRO and labelled with a
# digest of this recipe; it is rebuilt only when the recipe changes.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
distro=${1:-${MOLECULE_DISTRO:-bookworm}}
image=localhost/voipsec-debian:${distro}
packages=python3,systemd,systemd-sysv,ca-certificates,iproute2,sudo
export CONTAINERS_CONF=${CONTAINERS_CONF:-$here/containers.conf}
recipe=$( (cat "$0"; echo "$distro $packages") | sha256sum | cut -c1-16)

case $distro in
  bookworm|trixie) ;;
  *) echo "unsupported distro: $distro" >&2; exit 2 ;;
esac

if podman image exists "$image" &&
   [ "$(podman image inspect --format '{{ index .Labels "voipsec.recipe" }}' "$image")" = "$recipe" ]; then
  echo "image $image is current (recipe $recipe)"
  exit 0
fi

work=$(mktemp -d /var/tmp/voipsec-rootfs.XXXXXX)
trap 'rm -rf "$work"' EXIT
echo "bootstrapping $distro into $work"
for attempt in 1 2 3; do
  if debootstrap --variant=minbase --include="$packages" "$distro" "$work/root" >"$work/debootstrap.log" 2>&1; then
    break
  fi
  tail -5 "$work/debootstrap.log" >&2
  [ "$attempt" = 3 ] && { echo "debootstrap failed" >&2; exit 1; }
  rm -rf "$work/root"; sleep 5
done
# Containers must be able to boot systemd without a console or hardware.
rm -f "$work/root/etc/machine-id" && : > "$work/root/etc/machine-id"
tar -C "$work/root" -c . | podman import \
  --change 'CMD ["/sbin/init"]' \
  --change 'STOPSIGNAL SIGRTMIN+3' \
  --change "LABEL voipsec.recipe=$recipe" \
  - "$image"
echo "built $image (recipe $recipe)"
