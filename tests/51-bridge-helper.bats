#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bridge-helper: qemu-bridge-helper's protocol, messages and ACL file.
# tests/helpers/helper-client plays QEMU's part (socketpair, fork/exec,
# recvmsg of one byte and one SCM_RIGHTS descriptor). The expected
# messages are those of QEMU 7.2's own helper for the same situations.

load test_helper/common

CLIENT=$BATS_TEST_DIRNAME/helpers/helper-client

setup() {
	common_setup
	[[ -x $CLIENT ]] || fail "$CLIENT is not built: run make check"
	ip -n "$NS" link add br0 type bridge
	ip -n "$NS" link set br0 mtu 1400 up
	BIN=$BATS_TEST_TMPDIR/bin
	mkdir -p "$BIN"
	HELPER=$BIN/qemu-bridge-helper
	ln -s "$TAPCTL" "$HELPER"
	# The ACL file for this test, instead of /etc/qemu/bridge.conf: an
	# unprivileged tapctl honours TAPCTL_BRIDGE_CONF (the host's file is
	# never read or touched).
	CONF=$BATS_TEST_TMPDIR/bridge.conf
	export TAPCTL_BRIDGE_CONF=$CONF
	printf 'allow br0\n' > "$CONF"
}

teardown() { common_teardown; }

# No tun/tap device exists in $NS.
assert_no_tap() {
	assert_equal "$(ip -n "$NS" -j link show type tun | jq -r '[.[].ifname] | join(" ")')" ""
}

# The client's report of a failed run: helper status 1, no descriptor.
assert_refused() {
	assert_equal "$stderr" "$1"
	assert_equal "$output" $'status=1\nfd=none'
	assert_no_tap
}

# What `ip` says about the tap while the client holds its descriptor.
HOLD='ip -d -j link show dev "$TAP_IFNAME" | jq -c ".[0] | {master, mtu, mac: .address[0:3], up: (.flags | index(\"UP\") != null), persist: .linkinfo.info_data.persist, vnet_hdr: .linkinfo.info_data.vnet_hdr}"'

@test "bridge-helper: a tap in the bridge, sent with one 0x00 byte, gone with the descriptor" {
	run -0 --separate-stderr nsx "$CLIENT" --hold "$HOLD" "$HELPER" --use-vnet --fd=%fd --br=br0
	assert_equal "$stderr" ""
	assert_line --index 0 "status=0"
	# IFF_TAP | IFF_NO_PI | IFF_VNET_HDR
	assert_line --index 1 "fd=yes byte=0x00 ifname=tap0 flags=0x5002"
	assert_line --index 2 '{"master":"br0","mtu":1400,"mac":"fe:","up":true,"persist":false,"vnet_hdr":true}'
	assert_line --index 3 "hold=0"
	assert_no_tap
	assert_equal "$(ip -n "$NS" -j link show master br0 | jq length)" 0
}

@test "bridge-helper: without --use-vnet, no vnet header" {
	run -0 --separate-stderr nsx "$CLIENT" --hold "$HOLD" "$HELPER" --fd=%fd --br=br0
	assert_line --index 1 "fd=yes byte=0x00 ifname=tap0 flags=0x1002"
	assert_line --index 2 '{"master":"br0","mtu":1400,"mac":"fe:","up":true,"persist":false,"vnet_hdr":false}'
	assert_no_tap
}

@test "bridge-helper: arguments in any order; as tapctl bridge-helper too" {
	run -0 --separate-stderr nsx "$CLIENT" "$HELPER" --br=br0 --fd=%fd --use-vnet
	assert_line --index 1 "fd=yes byte=0x00 ifname=tap0 flags=0x5002"
	run -0 --separate-stderr nsx "$CLIENT" "$TAPCTL" bridge-helper --fd=%fd --br=br1 --use-vnet --br=br0
	assert_equal "$stderr" ""
	assert_line --index 1 "fd=yes byte=0x00 ifname=tap0 flags=0x5002"
	assert_no_tap
}

@test "bridge-helper: a tap numbered past existing ones" {
	run -0 tpc add tap0
	run -0 nsx "$CLIENT" --hold "$HOLD" "$HELPER" --use-vnet --fd=%fd --br=br0
	assert_line --index 1 "fd=yes byte=0x00 ifname=tap1 flags=0x5002"
	assert_equal "$(ip -n "$NS" -j link show type tun | jq -r '[.[].ifname] | join(" ")')" "tap0"
}

@test "bridge-helper: denied by the ACL file" {
	printf 'allow br1\n' > "$CONF"
	run -1 --separate-stderr nsx "$CLIENT" "$HELPER" --use-vnet --fd=%fd --br=br0
	assert_refused "access denied by acl file"
}

@test "bridge-helper: deny wins over allow, in either order" {
	printf 'allow all\ndeny br0\n' > "$CONF"
	run -1 --separate-stderr nsx "$CLIENT" "$HELPER" --use-vnet --fd=%fd --br=br0
	assert_refused "access denied by acl file"
	printf 'deny br0\nallow br0\n' > "$CONF"
	run -1 --separate-stderr nsx "$CLIENT" "$HELPER" --use-vnet --fd=%fd --br=br0
	assert_refused "access denied by acl file"
	ip -n "$NS" link add br1 type bridge
	printf 'deny br0\nallow all\n' > "$CONF"
	run -0 nsx "$CLIENT" "$HELPER" --use-vnet --fd=%fd --br=br1
	assert_line --index 1 "fd=yes byte=0x00 ifname=tap0 flags=0x5002"
}

@test "bridge-helper: an empty ACL file denies; root is bound too" {
	: > "$CONF"
	run -1 --separate-stderr nsx "$CLIENT" "$HELPER" --use-vnet --fd=%fd --br=br0
	assert_refused "access denied by acl file"
}

@test "bridge-helper: a missing ACL file is an error" {
	rm "$CONF"
	run -1 --separate-stderr nsx "$CLIENT" "$HELPER" --use-vnet --fd=%fd --br=br0
	assert_refused "failed to parse default acl file \`$CONF'"
}

@test "bridge-helper: an error in the ACL file is fatal, with upstream's messages" {
	printf 'allow br0\nallow\n' > "$CONF"
	run -1 --separate-stderr nsx "$CLIENT" "$HELPER" --use-vnet --fd=%fd --br=br0
	assert_refused "$(printf 'Invalid config line:\n  allow\n\nfailed to parse default acl file `%s'"'" "$CONF")"
	printf '\tallow\tbr0  \n' > "$CONF"
	run -1 --separate-stderr nsx "$CLIENT" "$HELPER" --use-vnet --fd=%fd --br=br0
	assert_refused "$(printf 'Unknown command `allow\tbr0'"'"'\nfailed to parse default acl file `%s'"'" "$CONF")"
	printf 'allow abcdefghijklmnop\n' > "$CONF"
	run -1 --separate-stderr nsx "$CLIENT" "$HELPER" --use-vnet --fd=%fd --br=br0
	assert_refused "$(printf "name \`abcdefghijklmnop' too long: 16\nfailed to parse default acl file \`%s'" "$CONF")"
}

@test "bridge-helper: includes; errors inside them are printed and ignored" {
	printf 'allow br0\n' > "$BATS_TEST_TMPDIR/inc"
	printf 'include %s\ninclude %s/missing\n' "$BATS_TEST_TMPDIR/inc" "$BATS_TEST_TMPDIR" > "$CONF"
	run -0 --separate-stderr nsx "$CLIENT" "$HELPER" --use-vnet --fd=%fd --br=br0
	assert_equal "$stderr" ""
	assert_line --index 1 "fd=yes byte=0x00 ifname=tap0 flags=0x5002"
	printf 'frob x\n' > "$BATS_TEST_TMPDIR/bad"
	printf 'include %s\nallow br0\n' "$BATS_TEST_TMPDIR/bad" > "$CONF"
	run -0 --separate-stderr nsx "$CLIENT" "$HELPER" --use-vnet --fd=%fd --br=br0
	assert_equal "$stderr" "Unknown command \`frob'"
	assert_line --index 1 "fd=yes byte=0x00 ifname=tap0 flags=0x5002"
	# A loop, which crashes qemu-bridge-helper, is read once.
	printf 'include %s\nallow br0\n' "$CONF" > "$CONF"
	run -0 --separate-stderr nsx "$CLIENT" "$HELPER" --use-vnet --fd=%fd --br=br0
	assert_equal "$stderr" ""
	assert_no_tap
}

@test "bridge-helper: a bridge that does not exist" {
	printf 'allow all\n' > "$CONF"
	run -1 --separate-stderr nsx "$CLIENT" "$HELPER" --use-vnet --fd=%fd --br=nosuch
	assert_refused "failed to get mtu of bridge \`nosuch': No such device"
	run -1 --separate-stderr nsx "$CLIENT" "$HELPER" --use-vnet --fd=%fd --br=
	assert_refused "failed to get mtu of bridge \`': No such device"
}

@test "bridge-helper: a link that is not a bridge is left alone" {
	printf 'allow all\n' > "$CONF"
	ip -n "$NS" link add veth0 type veth peer name veth1
	run -1 --separate-stderr nsx "$CLIENT" "$HELPER" --use-vnet --fd=%fd --br=veth0
	assert_refused "failed to add interface \`tap0' to bridge \`veth0': Operation not supported"
	assert_equal "$(ip -n "$NS" -j link show master veth0 | jq length)" 0
	assert_equal "$(link_field veth0 .mtu)" 1500
}

@test "bridge-helper: bad command lines print upstream's usage and exit 1" {
	local usage="Usage: qemu-bridge-helper [--use-vnet] --br=bridge --fd=unixfd"
	run -1 --separate-stderr nsx "$CLIENT" "$HELPER"
	assert_refused "$usage"
	run -1 --separate-stderr nsx "$CLIENT" "$HELPER" --use-vnet --fd=%fd
	assert_refused "$usage"
	run -1 --separate-stderr nsx "$CLIENT" "$HELPER" --use-vnet --br=br0
	assert_refused "$usage"
	run -1 --separate-stderr nsx "$CLIENT" "$HELPER" --use-vnet --br=br0 --fd=-1
	assert_refused "$usage"
	run -1 --separate-stderr nsx "$CLIENT" "$HELPER" --use-vnet --fd=%fd --br=br0 --help
	assert_refused "$usage"
	run -1 --separate-stderr nsx "$CLIENT" "$HELPER" --use-vnet --fd %fd --br=br0
	assert_refused "$usage"
	run -1 --separate-stderr nsx "$CLIENT" "$TAPCTL" bridge-helper --vnet --fd=%fd --br=br0
	assert_refused "$usage"
}

@test "bridge-helper: a bridge name of 16 bytes or more" {
	run -1 --separate-stderr nsx "$CLIENT" "$HELPER" --use-vnet --fd=%fd --br=abcdefghijklmnopq
	assert_refused "name \`abcdefghijklmnopq' too long: 17"
}

@test "bridge-helper: --fd=x is atoi's 0, not a socket: nothing sent, no tap left" {
	run -1 --separate-stderr nsx "$CLIENT" "$HELPER" --use-vnet --fd=x --br=br0 < /dev/null
	assert_refused "failed to write fd to unix socket: Socket operation on non-socket"
}

@test "bridge-helper: without /dev/net/tun access" {
	# Everything uid 65534 needs, where it can read it.
	local d
	d=$(mktemp -d /tmp/tapctl-nobody.XXXXXX)
	defer rm -rf "$d"
	chmod 0755 "$d"
	printf 'allow br0\n' > "$d/bridge.conf"
	chmod 0644 "$d/bridge.conf"
	cp "$(readlink -f "$TAPCTL")" "$d/qemu-bridge-helper"
	tun_mode 0600
	TAPCTL_BRIDGE_CONF=$d/bridge.conf run -1 --separate-stderr \
		nsx_as_uid 65534 "$CLIENT" "$d/qemu-bridge-helper" --use-vnet --fd=%fd --br=br0
	assert_refused "failed to open /dev/net/tun: Permission denied"
}

@test "bridge-helper: not in batch mode" {
	printf 'bridge-helper --br=br0 --fd=1\n' > "$BATS_TEST_TMPDIR/batch"
	run -2 --separate-stderr tpc -b "$BATS_TEST_TMPDIR/batch"
	assert_equal "$stderr" "tapctl: $BATS_TEST_TMPDIR/batch:1: bridge-helper: not available in batch mode"
	assert_no_tap
}

# ------------------------------------------------------------- real QEMU

@test "QEMU -netdev bridge,helper=: QEMU gets a tap in the bridge, gone when QEMU quits" {
	need_cmd qemu-system-x86_64
	qemu_start "bridge,id=n0,br=br0,helper=$HELPER"
	assert_success
	[[ -n $QPID ]] || fail "no QEMU pid"
	local j
	j=$(ip -n "$NS" -d -j link show master br0 | jq -c '[.[] | {ifname, mtu, mac: .address[0:3], up: (.flags | index("UP") != null), persist: .linkinfo.info_data.persist, vnet_hdr: .linkinfo.info_data.vnet_hdr}]')
	assert_equal "$j" '[{"ifname":"tap0","mtu":1400,"mac":"fe:","up":true,"persist":false,"vnet_hdr":true}]'
	# QEMU, and only QEMU, holds it.
	run -0 bash -c "ls -l /proc/$QPID/fd | grep -c /dev/net/tun"
	assert_output 1
	qemu_quit
	assert_no_tap
}

@test "QEMU -netdev tap,helper=: the same through the tap netdev" {
	need_cmd qemu-system-x86_64
	qemu_start "tap,id=n0,br=br0,helper=$HELPER"
	assert_success
	assert_equal "$(ip -n "$NS" -j link show master br0 | jq -r '.[].ifname')" tap0
	qemu_quit
	assert_no_tap
}

@test "QEMU -netdev bridge: an ACL denial fails the netdev, with the helper's message" {
	need_cmd qemu-system-x86_64
	printf 'deny all\n' > "$CONF"
	qemu_start "bridge,id=n0,br=br0,helper=$HELPER"
	assert_failure
	assert_equal "$QPID" ""
	assert_line --index 0 "access denied by acl file"
	assert_output --partial "bridge helper failed"
	assert_no_tap
}

# ------------------------------------------------ setuid root, as shipped

# A setuid-root copy of tapctl named qemu-bridge-helper, run by uid 65534
# in a private mount namespace whose /etc/qemu is $ACL (bind-mounted; an
# overlay on /etc only makes sure the mount point exists). The host's
# /etc is never touched.
suid_setup() {
	SUID=$(mktemp -d /tmp/tapctl-suid.XXXXXX)
	defer rm -rf "$SUID"
	chmod 0755 "$SUID"
	install -m 4755 -o root -g root "$TAPCTL" "$SUID/qemu-bridge-helper"
	install -m 0755 "$CLIENT" "$SUID/helper-client"
	mkdir -p "$SUID/up" "$SUID/work" "$SUID/acl"
	ACL=$SUID/acl
	tun_open_for_all
}

suid_run() {
	run --separate-stderr unshare -m --propagation private bash -c '
		set -e
		mount -t overlay overlay -o "lowerdir=/etc,upperdir=$1/up,workdir=$1/work" /etc
		mkdir -p /etc/qemu
		mount --bind "$1/acl" /etc/qemu
		set +e
		ip netns exec "$2" setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all -- \
			"$1/helper-client" --hold "$3" "$1/qemu-bridge-helper" --use-vnet --fd=%fd --br=br0
	' _ "$SUID" "$NS" "$HOLD"
}

@test "setuid: runs for an unprivileged user, reads ACLs as that user, ignores TAPCTL_BRIDGE_CONF" {
	suid_setup
	# The include only root may read denies br0: as qemu-bridge-helper,
	# the helper reads its ACLs as the caller, so it does not count.
	printf 'allow br0\ninclude /etc/qemu/root-only.conf\n' > "$ACL/bridge.conf"
	printf 'deny br0\n' > "$ACL/root-only.conf"
	chmod 0600 "$ACL/root-only.conf"
	printf 'deny all\n' > "$CONF"
	suid_run
	assert_success
	assert_equal "$stderr" ""
	assert_line --index 1 "fd=yes byte=0x00 ifname=tap0 flags=0x5002"
	assert_line --index 2 '{"master":"br0","mtu":1400,"mac":"fe:","up":true,"persist":false,"vnet_hdr":true}'
	assert_no_tap
}

@test "setuid: the default ACL file binds, and its absence denies" {
	suid_setup
	printf 'allow all\n' > "$CONF"
	suid_run
	assert_failure
	assert_equal "$stderr" "failed to parse default acl file \`/etc/qemu/bridge.conf'"
	assert_equal "$output" $'status=1\nfd=none'
	printf 'allow br1\n' > "$ACL/bridge.conf"
	suid_run
	assert_failure
	assert_equal "$stderr" "access denied by acl file"
	assert_no_tap
}
