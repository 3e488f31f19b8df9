#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# make demo: tapctl's main job end to end, in a scratch network namespace
# that this script makes and always deletes. Nothing in the host's own
# namespace is created, changed or deleted.
set -euo pipefail

TAPCTL=${TAPCTL:-$(dirname "$0")/../tapctl}
TAPCTL=$(readlink -f "$TAPCTL")
NS=tapctl-demo-$$
TMP=$(mktemp -d)

cleanup() {
	local pid
	for pid in $(ip netns pids "$NS" 2>/dev/null); do
		kill "$pid" 2>/dev/null || true
	done
	ip netns del "$NS" 2>/dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT

[ "$(id -u)" -eq 0 ] || { echo "make demo: run as root" >&2; exit 1; }

step() { printf '\n\033[1m## %s\033[0m\n' "$*"; }
run() {
	printf '$ %s\n' "$*" >&2
	"$@"
}
# tapctl inside the scratch namespace, shown as the user would type it
t() {
	printf '$ tapctl %s\n' "$*" >&2
	ip netns exec "$NS" "$TAPCTL" "$@"
}

ip netns add "$NS"
ip -n "$NS" link set lo up
ip -n "$NS" link add br0 type bridge
ip -n "$NS" link set br0 mtu 1400 up
echo "scratch namespace $NS with bridge br0 (mtu 1400)"

step "Precreate an unmanaged tap for an unprivileged libvirt/QEMU"
t add vm0 --user nobody --mac 52:54:00:12:34:56 --vnet-hdr --bridge br0
t list
run ip -n "$NS" -d -j link show dev vm0 | jq -c '.[0] | {ifname, mtu, master, operstate, address,
	tun: .linkinfo.info_data}'

step "JSON for scripts"
t -j list vm0 | jq .

step "Change it: set never touches flags it was not asked to change"
t set vm0 --mtu 1300 --txqueuelen 2000
t list vm0

step "A template name and a tun device"
t add 'lab%d' --tun --multi-queue
t list

step "Open the tap and exec a program with the descriptor inherited"
# shellcheck disable=SC2016 # expanded by the child's shell
t exec vm0 -- sh -c 'echo "child: TAPCTL_FD=$TAPCTL_FD TAPCTL_IFNAME=$TAPCTL_IFNAME TAPCTL_MAC=$TAPCTL_MAC fd={fd}"; ls -l /proc/self/fd | sed -n "/ 3 ->/p"'

if command -v qemu-system-x86_64 >/dev/null; then
	step "The same with QEMU (TCG, paused): -netdev tap,fd={fd}"
	printf 'info network\nquit\n' | t exec vm0 -- qemu-system-x86_64 -M q35 -nodefaults -S \
		-display none -monitor stdio -netdev 'tap,id=n0,fd={fd}' \
		-device 'virtio-net-pci,netdev=n0,mac={mac}' | grep -E 'n0|virtio' || true
fi

if command -v qemu-system-x86_64 >/dev/null; then
	step "QEMU's hooks: script= (tapctl as qemu-ifup) and helper= (as qemu-bridge-helper)"
	for l in qemu-ifup qemu-ifdown qemu-bridge-helper; do ln -s "$TAPCTL" "$TMP/$l"; done
	echo 'allow br0' > "$TMP/bridge.conf"
	echo "bridge.conf: allow br0; links in $TMP"
	{
		printf 'info network\n'
		sleep 2
		echo "--- ports of br0 while QEMU runs:" >&2
		ip -n "$NS" -br link show master br0 >&2
		printf 'quit\n'
	} | TAPCTL_BRIDGE=br0 TAPCTL_BRIDGE_CONF=$TMP/bridge.conf ip netns exec "$NS" \
		qemu-system-x86_64 -M q35 -nodefaults -S -display none -monitor stdio \
		-netdev "tap,id=n0,ifname=qtap0,script=$TMP/qemu-ifup,downscript=$TMP/qemu-ifdown" \
		-device virtio-net-pci,netdev=n0 \
		-netdev "bridge,id=n1,br=br0,helper=$TMP/qemu-bridge-helper" \
		-device virtio-net-pci,netdev=n1 | grep -E '^ \\ ' || true
	echo "--- after QEMU quits:"
	run ip -n "$NS" -br link show master br0
fi

step "macvtap on a veth, with its character device given to a user"
ip -n "$NS" link add veth0 type veth peer name veth1
ip -n "$NS" link set veth0 up
t add mvt0 --macvtap veth0 --mode bridge --user nobody --up
t list mvt0
t -j list mvt0 | jq -c '.[0] | {ifname, link, mode, chardev, mac}'

step "tunctl compatibility"
t tunctl -u 1000 -t oldtap
t tunctl -d oldtap

step "Batch: many commands, one process, one netlink socket"
printf 'add b0\nadd b1 --mtu 9000\n# a comment\ndel b0 b1\n' > "$TMP/batch"
cat "$TMP/batch"
t -b "$TMP/batch"

step "Declarations: apply makes them true, a second apply changes nothing"
cat > "$TMP/devices.conf" <<'CONF'
# what /etc/tapctl/devices.conf could hold (tapctl.service applies it at boot)
vm1  --user nobody --vnet-hdr --bridge br0
vm2  --tun --mtu 9000
CONF
cat "$TMP/devices.conf"
t apply "$TMP/devices.conf"
t apply "$TMP/devices.conf"
ip -n "$NS" link set vm1 mtu 1280 nomaster
echo "(ip took vm1 out of br0 and changed its MTU)"
t apply --dry-run "$TMP/devices.conf"
t apply "$TMP/devices.conf"
echo "vm2 --tun --mtu 1500" > "$TMP/devices.conf"
t apply --prune "$TMP/devices.conf"

step "Mistakes are refused before anything changes"
t add 'bad/name' || echo "exit status $?"
t set vm0 --mac 01:00:5e:00:00:01 || echo "exit status $?"
t del br0 || echo "exit status $?"
t list

step "Clean up"
t del vm0 lab0 mvt0 vm2
t list
echo
echo "demo done; namespace $NS is deleted on exit"
