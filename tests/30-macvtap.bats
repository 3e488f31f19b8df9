#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# macvtap links and their character devices. Every test has its own
# namespace $NS with a veth pair v0/v1 to carry the macvtaps.
#
# /dev is devtmpfs, shared with the host and with every other test run
# at the same moment, and macvtaps in fresh namespaces all get small
# ifindexes: /dev/tapN may belong to someone else's link at any time.
# Tests that need a known /dev run tapctl in a private mount namespace
# with a tmpfs on /dev; the others check that the node tapctl reports
# is the right one, whichever it is. No test removes a /dev/tapN.

load test_helper/common

MVT_OPEN=$BATS_TEST_DIRNAME/helpers/mvt-open
NETNS_COOKIE=$BATS_TEST_DIRNAME/helpers/netns-cookie

setup_file() {
	common_setup_file
}

setup() {
	common_setup
	[[ -x $MVT_OPEN && -x $NETNS_COOKIE ]] ||
		fail "tests/helpers not built: run make check"
	ip -n "$NS" link add v0 type veth peer name v1
	# Shell text for a private mount namespace: a /dev of its own,
	# without any /dev/tapN. Where /run is mounted nodev tapctl's private
	# nodes go under /dev/tapctl: the host's stays visible there, so that
	# the test finds them afterwards.
	DEV_TMPFS='mount -t tmpfs tmpfs /dev || exit 9'
	if [[ $(private_root) == /dev/tapctl ]]; then
		mkdir -p -m 0711 /dev/tapctl "$BATS_TEST_TMPDIR/devtapctl"
		printf -v DEV_TMPFS 'mount --bind /dev/tapctl %q && %s && mkdir /dev/tapctl && mount --move %q /dev/tapctl || exit 9' \
			"$BATS_TEST_TMPDIR/devtapctl" "${DEV_TMPFS% || exit 9}" \
			"$BATS_TEST_TMPDIR/devtapctl"
	fi
}

teardown() {
	# Private nodes of a test that failed before its del.
	[[ -z ${NS:-} ]] || rm -rf "$(private_dir "$NS")"
	common_teardown
}

# Where tapctl makes private nodes: /run/tapctl, or /dev/tapctl when
# /run/tapctl (before it exists: /run) is mounted nodev.
private_root() {
	local d=/run/tapctl
	[[ -e $d ]] || d=/run
	if [[ ,$(findmnt -no OPTIONS -T "$d"), == *,nodev,* ]]; then
		echo /dev/tapctl
	else
		echo /run/tapctl
	fi
}

# Where tapctl keeps the private nodes of namespace $1 (by its cookie).
private_dir() {
	[[ -e /run/netns/$1 ]] || return 0
	echo "$(private_root)/netns-$(ip netns exec "$1" "$NETNS_COOKIE")"
}

# A second namespace with its own veth pair; gone in teardown.
add_ns2() {
	NS2=$(new_ns)
	defer rm -rf "$(private_dir "$NS2")"
	ip -n "$NS2" link add v0 type veth peer name v1
}

# major:minor of macvtap $1's device from the sysfs of its namespace ($2).
sys_dev() {
	ip netns exec "${2:-$NS}" sh -c \
		'cat "/sys/class/net/$1/macvtap/tap$(cat "/sys/class/net/$1/ifindex")/dev"' \
		sh "$1"
}

node_dev() { stat -L -c '%Hr:%Lr' "$1"; }

chardev() {
	ip netns exec "${2:-$NS}" "$TAPCTL" -j list "$1" | jq -r '.[0].chardev'
}

# The node is the device's, and it opens the link $1 (TUNGETIFF).
assert_node_is() {
	local name=$1 node=$2 ns=${3:-$NS}
	[[ -c $node ]] || fail "$node is not a character device"
	assert_equal "$(node_dev "$node")" "$(sys_dev "$name" "$ns")"
	run -0 ip netns exec "$ns" "$MVT_OPEN" "$node"
	assert_output "$name"
}

# Links other than the setup's: none.
assert_only_setup() {
	local links
	links=$(ip -n "$NS" -j link show | jq -r '[.[].ifname] | sort | join(" ")')
	assert_equal "$links" "lo v0 v1"
}

check_mode() {
	run -0 tpc add mvt0 --macvtap v0 --mode "$1"
	assert_output mvt0
	assert_equal "$(link_field mvt0 .linkinfo.info_kind)" macvtap
	assert_equal "$(link_field mvt0 .linkinfo.info_data.mode)" "$1"
	assert_equal "$(link_field mvt0 .link)" v0
	run -0 tpc -j list mvt0
	assert_equal "$(jq -r '.[0].mode' <<< "$output")" "$1"
}

# ------------------------------------------------------------------ add

@test "add --macvtap: default mode is bridge (not the kernel's vepa)" {
	run -0 tpc add mvt0 --macvtap v0
	assert_output mvt0
	assert_equal "$(link_field mvt0 .linkinfo.info_data.mode)" bridge
	assert_node_is mvt0 "$(chardev mvt0)"
}

@test "add --macvtap --mode bridge" { check_mode bridge; }
@test "add --macvtap --mode vepa" { check_mode vepa; }
@test "add --macvtap --mode private" { check_mode private; }
@test "add --macvtap --mode passthru" { check_mode passthru; }
@test "add --macvtap --mode source" { check_mode source; }

@test "add --macvtap: %d template, --mac, --mtu, --txqueuelen, --up" {
	ip -n "$NS" link set v0 up
	run -0 tpc add 'mvt%d' --macvtap v0 --mac 02:11:22:33:44:55 \
		--mtu 1400 --txqueuelen 321 --up
	assert_output mvt0
	assert_equal "$(link_field mvt0 .address)" 02:11:22:33:44:55
	assert_equal "$(link_field mvt0 .mtu)" 1400
	assert_equal "$(link_field mvt0 .txqlen)" 321
	assert_equal "$(link_field mvt0 '.flags | any(. == "UP")')" true
	run -0 tpc add 'mvt%d' --macvtap v0
	assert_output mvt1
}

@test "add --macvtap -u: only that user can open the node" {
	run -0 tpc add mvt0 --macvtap v0 --user 65534
	node=$(chardev mvt0)
	assert_node_is mvt0 "$node"
	assert_equal "$(stat -L -c '%u %a' "$node")" "65534 600"
	run -0 nsx_as_uid 65534 "$MVT_OPEN" "$node"
	assert_output mvt0
	run -1 nsx_as_uid 65533 "$MVT_OPEN" "$node"
	assert_output "mvt-open: $node: Permission denied"
	run -0 tpc -j list mvt0
	assert_equal "$(jq -c '.[0] | [.owner, .group]' <<< "$output")" '[65534,null]'
}

@test "add --macvtap -g: members of the group can open the node (0660)" {
	run -0 tpc add mvt0 --macvtap v0 --group 100
	node=$(chardev mvt0)
	assert_equal "$(stat -L -c '%u %g %a' "$node")" "0 100 660"
	run -0 nsx setpriv --reuid=65533 --regid=65533 --groups=100 \
		--inh-caps=-all --bounding-set=-all -- "$(reachable "$MVT_OPEN")" "$node"
	assert_output mvt0
	run -1 nsx_as_uid 65533 "$MVT_OPEN" "$node"
	assert_output "mvt-open: $node: Permission denied"
	run -0 tpc -j list mvt0
	assert_equal "$(jq -c '.[0] | [.owner, .group]' <<< "$output")" '[null,100]'
}

@test "add --macvtap: /dev/tapN is used only when it has the device's major:minor" {
	run -0 tpc add mvt0 --macvtap v0
	node=$(chardev mvt0)
	ifindex=$(link_field mvt0 .ifindex)
	assert_node_is mvt0 "$node"
	# Another run's macvtap may own /dev/tapN: then the private node.
	if [[ -c /dev/tap$ifindex && $(node_dev /dev/tap$ifindex) == "$(sys_dev mvt0)" ]]; then
		assert_equal "$node" "/dev/tap$ifindex"
	else
		assert_equal "$node" "$(private_dir "$NS")/tap$ifindex"
	fi
}

@test "add --macvtap: waits for a node that appears late (udev)" {
	# A /dev of our own where the node comes only after the link, as
	# udev would make it; tapctl must wait for it, not make its own.
	run -0 nsx unshare -m sh -c '
		'"$DEV_TMPFS"'
		mknod /dev/null c 1 3 || exit 9
		(
			i=0
			while [ ! -e /sys/class/net/mvt0/macvtap ] && [ $i -lt 200 ]; do
				sleep 0.01; i=$((i + 1))
			done
			n=$(cat /sys/class/net/mvt0/ifindex)
			d=$(cat /sys/class/net/mvt0/macvtap/tap$n/dev)
			mknod /dev/tap$n c "${d%:*}" "${d#*:}"
		) &
		"$1" -j add mvt0 --macvtap v0 || exit 8
		wait
		stat -c %Hr:%Lr /dev/tap*' sh "$TAPCTL"
	ifindex=$(link_field mvt0 .ifindex)
	assert_equal "$(jq -r .chardev <<< "${lines[0]}")" "/dev/tap$ifindex"
	assert_equal "${lines[1]}" "$(sys_dev mvt0)"
	[[ ! -e $(private_dir "$NS") ]]
}

@test "add --macvtap: a /dev/tapN of another device gives a private node" {
	run -0 nsx unshare -m sh -c '
		'"$DEV_TMPFS"'
		for i in 2 3 4 5 6 7 8 9; do mknod /dev/tap$i c 1 3; done
		"$1" -j add mvt0 --macvtap v0 --user 65534 || exit 8
		"$1" del mvt0 || exit 7
		stat -c %Hr:%Lr /dev/tap4' sh "$TAPCTL"
	dir=$(private_dir "$NS")
	assert_equal "$(jq -r .ifindex <<< "${lines[0]}")" 4
	assert_equal "$(jq -r .chardev <<< "${lines[0]}")" "$dir/tap4"
	assert_equal "$(jq -r .owner <<< "${lines[0]}")" 65534
	# del removed its own node and left /dev's alone.
	assert_equal "${lines[1]}" 1:3
	[[ ! -e $dir ]]
	assert_only_setup
}

@test "add --macvtap: no /dev node at all gives a private node that works" {
	# list, with and without -n, in the same /dev-less mount namespace.
	run -0 nsx unshare -m sh -c '
		'"$DEV_TMPFS"'
		"$1" -j add mvt0 --macvtap v0 --user 65534 --group 100 || exit 8
		"$1" -j list mvt0 || exit 7
		"$1" -n "$2" -j list mvt0' sh "$TAPCTL" "$NS"
	dir=$(private_dir "$NS")
	ifindex=$(link_field mvt0 .ifindex)
	node=$dir/tap$ifindex
	assert_equal "$(jq -r .chardev <<< "${lines[0]}")" "$node"
	assert_equal "$(jq -r '.[0].chardev' <<< "${lines[1]}")" "$node"
	assert_equal "$(jq -r '.[0].chardev' <<< "${lines[2]}")" "$node"
	assert_equal "$(stat -c '%u %g %a' "$dir" "$node")" \
		"$(printf '0 0 711\n65534 100 660')"
	assert_equal "$(stat -c '%u %g %a' "$(private_root)")" "0 0 711"
	assert_node_is mvt0 "$node"
	run -0 nsx_as_uid 65534 "$MVT_OPEN" "$node"
	assert_output mvt0
	run -0 tpc del mvt0
	[[ ! -e $node && ! -e $dir ]]
	assert_only_setup
}

# Stock Debian mounts /run as a tmpfs with nodev: a node there cannot be
# opened. Here, a mount namespace with such a /run (the netns names kept,
# for -n) and a /dev of its own without /dev/tapN: the private node must
# go where nodes work, and be gone with the link.
@test "a /run mounted nodev: the private node goes under /dev/tapctl and works" {
	local open keep=$BATS_TEST_TMPDIR/netns
	open=$(reachable "$MVT_OPEN")
	mkdir "$keep"
	run -0 --separate-stderr nsx unshare -m sh -c '
		mount --rbind /run/netns "$4" &&
		mount -t tmpfs -o nodev tmpfs /run && mkdir /run/netns &&
		mount --move "$4" /run/netns &&
		mount -t tmpfs tmpfs /dev || exit 9
		"$1" -j add mvt0 --macvtap v0 --user 65534 || exit 8
		n=$(cat /sys/class/net/mvt0/ifindex)
		node=$(echo /dev/tapctl/netns-*/tap$n)
		echo "$node"
		stat -c "%u %g %a %F" /dev/tapctl /dev/tapctl/netns-* "$node"
		setpriv --reuid=65534 --regid=65534 --clear-groups \
			--inh-caps=-all --bounding-set=-all -- "$3" "$node" || exit 7
		"$1" set mvt0 --user 65533 --group 100 || exit 6
		stat -c "%u %g %a" "$node"
		"$1" -n "$2" -j list mvt0 || exit 5
		"$1" -n "$2" del mvt0 || exit 4
		echo "left: $(ls -A /dev/tapctl)"
		[ ! -e /run/tapctl ] || echo "/run/tapctl made"' \
		sh "$TAPCTL" "$NS" "$open" "$keep"
	assert_equal "${#lines[@]}" 9
	node=${lines[1]}
	[[ $node == /dev/tapctl/netns-*/tap* ]] || fail "node $node"
	assert_equal "$(jq -r .chardev <<< "${lines[0]}")" "$node"
	assert_equal "${lines[2]}" "0 0 711 directory"
	assert_equal "${lines[3]}" "0 0 711 directory"
	assert_equal "${lines[4]}" "65534 0 600 character special file"
	assert_equal "${lines[5]}" mvt0
	assert_equal "${lines[6]}" "65533 100 660"
	assert_equal "$(jq -r '.[0].chardev' <<< "${lines[7]}")" "$node"
	# The node and its directory gone, nothing made under /run.
	assert_equal "${lines[8]}" "left: "
	assert_only_setup
}

@test "/run and /dev both mounted nodev: the private node cannot be made, the link goes" {
	run -1 --separate-stderr nsx unshare -m sh -c '
		mount -t tmpfs -o nodev tmpfs /dev &&
		mount -t tmpfs -o nodev tmpfs /run || exit 9
		exec "$1" add mvt0 --macvtap v0' sh "$TAPCTL"
	assert_equal "$stderr" 'tapctl: add mvt0: no character device: /dev/tap4 did not appear, and a private node could not be made: /run/tapctl and /dev/tapctl are on filesystems mounted nodev'
	assert_output ""
	assert_only_setup
}

@test "a private node left by a link deleted without tapctl is swept" {
	run -0 nsx unshare -m sh -c '
		'"$DEV_TMPFS"'
		exec "$1" -j add mvt0 --macvtap v0 --user 65534' sh "$TAPCTL"
	old=$(jq -r .chardev <<< "$output")
	[[ $old == "$(private_dir "$NS")"/* && -c $old ]]
	# Its minor goes back to the kernel, for the next macvtap anywhere.
	ip -n "$NS" link del mvt0
	run -0 tpc add mvt1 --macvtap v0
	[[ ! -e $old ]] || fail "stale $old ($(stat -c '%u %Hr:%Lr' "$old")) left"
	assert_node_is mvt1 "$(chardev mvt1)"
}

@test "add -n NS --macvtap: major:minor from the namespace's own sysfs" {
	run -0 tpcn -j add mvt0 --macvtap v0
	node=$(jq -r .chardev <<< "$output")
	assert_node_is mvt0 "$node"
}

@test "a /sys of another namespace is detected, not trusted" {
	add_ns2
	# tapctl runs in NS but sees NS2's /sys (nsenter --net does not
	# remount it). There, mvt0 is another macvtap of the same name and
	# ifindex: only its MAC tells it apart.
	run -0 ip netns exec "$NS2" "$TAPCTL" add mvt0 --macvtap v0
	theirs=$(sys_dev mvt0 "$NS2")
	run -0 ip netns exec "$NS2" nsenter --net="/run/netns/$NS" \
		"$TAPCTL" -j add mvt0 --macvtap v0
	node=$(jq -r .chardev <<< "$output")
	assert_equal "$(link_field mvt0 .ifindex)" \
		"$(ip -n "$NS2" -j link show dev mvt0 | jq -r '.[0].ifindex')"
	assert_not_equal "$(sys_dev mvt0)" "$theirs"
	assert_node_is mvt0 "$node"
	run -0 ip netns exec "$NS2" nsenter --net="/run/netns/$NS" \
		"$TAPCTL" -j list mvt0
	assert_equal "$(jq -r '.[0].chardev' <<< "$output")" "$node"
	# A name that NS2's /sys does not have at all.
	run -0 ip netns exec "$NS2" nsenter --net="/run/netns/$NS" \
		"$TAPCTL" -j add mvt1 --macvtap v0
	assert_node_is mvt1 "$(jq -r .chardev <<< "$output")"
}

@test "the same ifindex in two namespaces: each gets its own device" {
	add_ns2
	run -0 tpc add mvtA --macvtap v0 --user 65534
	run -0 ip netns exec "$NS2" "$TAPCTL" add mvtB --macvtap v0
	ia=$(link_field mvtA .ifindex)
	ib=$(ip -n "$NS2" -j link show dev mvtB | jq -r '.[0].ifindex')
	assert_equal "$ia" "$ib"
	# One /dev/tapN for two devices (kernel §7.6): they cannot both use it.
	na=$(chardev mvtA)
	nb=$(chardev mvtB "$NS2")
	assert_not_equal "$na" "$nb"
	assert_node_is mvtA "$na"
	assert_node_is mvtB "$nb" "$NS2"
	# The node of B is /dev/tapN only if /dev/tapN is B's device.
	if [[ $(node_dev "/dev/tap$ia" 2>/dev/null) == "$(sys_dev mvtB "$NS2")" ]]; then
		assert_equal "$nb" "/dev/tap$ia"
	else
		assert_equal "$nb" "$(private_dir "$NS2")/tap$ia"
	fi
	# B's -u goes to B's node only.
	run -0 ip netns exec "$NS2" "$TAPCTL" set mvtB --user 65533
	assert_equal "$(stat -L -c %u "$nb")" 65533
	assert_equal "$(stat -L -c %u "$na")" 65534
	# A gone (and /dev/tapN with it if it was A's): B still works.
	run -0 tpc del mvtA
	assert_equal "$(chardev mvtB "$NS2")" "$nb"
	assert_node_is mvtB "$nb" "$NS2"
	run -0 "$TAPCTL" -n "$NS2" del mvtB
	[[ ! -e $(private_dir "$NS2") ]]
}

# ------------------------------------------------------------ add fails

@test "add --macvtap: missing lower link" {
	run -1 --separate-stderr tpc add mvt0 --macvtap nope
	assert_equal "$stderr" 'tapctl: add mvt0: --macvtap: no such link "nope"'
	assert_output ""
	assert_only_setup
}

@test "add --macvtap: lo cannot carry a macvtap" {
	run -1 --separate-stderr tpc add mvt0 --macvtap lo
	assert_equal "$stderr" 'tapctl: add mvt0: --macvtap: "lo" cannot carry a macvtap: it is a loopback device'
	assert_only_setup
}

@test "add --macvtap: a tun device cannot carry a macvtap" {
	ip -n "$NS" tuntap add t0 mode tun
	run -1 --separate-stderr tpc add mvt0 --macvtap t0
	assert_equal "$stderr" 'tapctl: add mvt0: --macvtap: "t0" cannot carry a macvtap: it is a tun device, which carries no Ethernet frames (a tap does)'
	assert_no_link mvt0
}

@test "add --macvtap: a bridge port cannot carry a macvtap" {
	ip -n "$NS" link add br0 type bridge
	ip -n "$NS" link set v0 master br0
	run -1 --separate-stderr tpc add mvt0 --macvtap v0
	assert_equal "$stderr" 'tapctl: add mvt0: --macvtap: "v0" cannot carry a macvtap: another driver takes its frames (is it a bridge or bond port?)'
	assert_no_link mvt0
}

@test "add --macvtap: invalid mode" {
	run -2 --separate-stderr tpc add mvt0 --macvtap v0 --mode bogus
	assert_equal "$stderr" 'tapctl: add mvt0: --mode: "bogus" is not one of bridge, vepa, private, passthru, source'
	assert_only_setup
}

@test "add --macvtap: --mtu above the lower link's" {
	ip -n "$NS" link set v0 mtu 1400
	run -1 --separate-stderr tpc add mvt0 --macvtap v0 --mtu 1401
	assert_equal "$stderr" 'tapctl: add mvt0: --mtu: 1401 is above the MTU of the lower link "v0" (1400)'
	assert_only_setup
}

@test "a batch sees each line's lower as it is then: replaced, or its MTU lowered" {
	local fifo=$BATS_TEST_TMPDIR/lines st=0
	mkfifo "$fifo"
	nsx "$TAPCTL" -b "$fifo" >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" 3>&- &
	local pid=$!
	defer kill "$pid"
	# Read-write: never blocks, whether or not tapctl has it open yet.
	exec 5<>"$fifo"
	echo "add m1 --macvtap v0" >&5
	wait_for nsx ip link show m1
	# The same name, another link: no longer one that can carry it.
	ip -n "$NS" link del v0
	ip -n "$NS" tuntap add dev v0 mode tun
	echo "add m2 --macvtap v0" >&5
	exec 5>&-
	wait "$pid" || st=$?
	assert_equal "$st" 1
	assert_equal "$(cat "$BATS_TEST_TMPDIR/err")" \
		"tapctl: $fifo:2: add m2: --macvtap: \"v0\" cannot carry a macvtap: it is a tun device, which carries no Ethernet frames (a tap does)"
	assert_no_link m2
	# The lower's MTU lowered between two lines: --mtu is checked anew.
	ip -n "$NS" link add v2 type veth peer name v3
	nsx "$TAPCTL" -b "$fifo" >/dev/null 2>"$BATS_TEST_TMPDIR/err" 3>&- &
	pid=$!
	defer kill "$pid"
	# Read-write: never blocks, whether or not tapctl has it open yet.
	exec 5<>"$fifo"
	echo "add m3 --macvtap v2 --mtu 1500" >&5
	wait_for nsx ip link show m3
	ip -n "$NS" link set v2 mtu 1400
	echo "add m4 --macvtap v2 --mtu 1500" >&5
	exec 5>&-
	st=0
	wait "$pid" || st=$?
	assert_equal "$st" 1
	assert_equal "$(cat "$BATS_TEST_TMPDIR/err")" \
		"tapctl: $fifo:2: add m4: --mtu: 1500 is above the MTU of the lower link \"v2\" (1400)"
	assert_no_link m4
}

@test "add --macvtap: passthru needs a lower of its own, and keeps it" {
	run -0 tpc add mvt0 --macvtap v0
	run -1 --separate-stderr tpc add mvt1 --macvtap v0 --mode passthru
	assert_equal "$stderr" 'tapctl: add mvt1: --mode passthru: "v0" already carries "mvt0"; passthru needs a lower link of its own'
	assert_no_link mvt1
	run -0 tpc add mvt2 --macvtap v1 --mode passthru
	run -1 --separate-stderr tpc add mvt3 --macvtap v1
	assert_equal "$stderr" 'tapctl: add mvt3: --macvtap: "v1" is taken whole by "mvt2" (passthru mode)'
	assert_no_link mvt3
}

@test "add --macvtap: refuses --bridge and tun/tap flags" {
	ip -n "$NS" link add br0 type bridge
	run -2 --separate-stderr tpc add mvt0 --macvtap v0 --bridge br0
	assert_equal "$stderr" 'tapctl: add mvt0: --bridge: a macvtap link cannot join a bridge (make it on top of the bridge with --macvtap BR, or use a tap)'
	run -2 --separate-stderr tpc add mvt0 --macvtap v0 --vnet-hdr
	assert_equal "$stderr" 'tapctl: add mvt0: --vnet-hdr, --multi-queue and --pi are tun/tap flags (a macvtap takes them per descriptor: see exec)'
	assert_no_link mvt0
}

@test "add --macvtap: an existing name is not taken over" {
	run -0 tpc add mvt0 --macvtap v0 --mode vepa
	before=$(link_json mvt0)
	run -1 --separate-stderr tpc add mvt0 --macvtap v1 --mode private
	assert_equal "$stderr" 'tapctl: add mvt0: a device of this name already exists'
	assert_equal "$(link_json mvt0)" "$before"
}

@test "add --macvtap: a node that cannot be made deletes the link again" {
	# No /dev/tapN ever, and nowhere to make one.
	run -1 --separate-stderr nsx unshare -m sh -c '
		'"$DEV_TMPFS"'
		mount -t tmpfs -o ro tmpfs /run || exit 9
		exec "$1" add mvt0 --macvtap v0 --user 65534' sh "$TAPCTL"
	assert_equal "$stderr" 'tapctl: add mvt0: no character device: /dev/tap4 did not appear, and a private node could not be made: mkdir /run/tapctl: Read-only file system'
	assert_output ""
	assert_only_setup
}

# ------------------------------------------------------------------ set

@test "set on a macvtap: --mode, --mac, --mtu, --up, --down" {
	run -0 tpc add mvt0 --macvtap v0
	run -0 tpc set mvt0 --mode vepa --mac 02:00:00:00:00:01 --mtu 1300 --up
	assert_equal "$(link_field mvt0 .linkinfo.info_data.mode)" vepa
	assert_equal "$(link_field mvt0 .address)" 02:00:00:00:00:01
	assert_equal "$(link_field mvt0 .mtu)" 1300
	assert_equal "$(link_field mvt0 '.flags | any(. == "UP")')" true
	run -0 tpc set mvt0 --mode private --down
	assert_equal "$(link_field mvt0 .linkinfo.info_data.mode)" private
	assert_equal "$(link_field mvt0 '.flags | any(. == "UP")')" false
	run -0 tpcn set mvt0 --mode source
	assert_equal "$(link_field mvt0 .linkinfo.info_data.mode)" source
}

@test "set on a macvtap: -u and -g go to its node" {
	run -0 tpc add mvt0 --macvtap v0
	node=$(chardev mvt0)
	assert_equal "$(stat -L -c '%u %g %a' "$node")" "0 0 600"
	run -0 tpc set mvt0 --user 65534
	assert_equal "$(stat -L -c '%u %g %a' "$node")" "65534 0 600"
	run -0 tpc set mvt0 --group 100
	assert_equal "$(stat -L -c '%u %g %a' "$node")" "65534 100 660"
	# a later -u keeps the group's access
	run -0 tpc set mvt0 --user 65533
	assert_equal "$(stat -L -c '%u %g %a' "$node")" "65533 100 660"
	run -0 nsx_as_uid 65533 "$MVT_OPEN" "$node"
	assert_output mvt0
}

@test "set on a macvtap: --mac with -u, inside ip netns exec" {
	# The node is found by the link's new MAC, not the one it had.
	run -0 tpc add mvt0 --macvtap v0
	node=$(chardev mvt0)
	run -0 tpc set mvt0 --mac 02:00:00:00:00:05 -u 1002 -g 100
	assert_equal "$(link_field mvt0 .address)" 02:00:00:00:00:05
	assert_equal "$(stat -L -c '%u %g %a' "$node")" "1002 100 660"
	assert_node_is mvt0 "$node"
}

@test "set on a macvtap: a node that cannot be owned puts mode, MAC and MTU back" {
	run -0 tpc add mvt0 --macvtap v0 --mtu 1400
	before=$(link_json mvt0)
	# No /dev/tapN, and nowhere to make a private node.
	run -1 --separate-stderr nsx unshare -m sh -c '
		mount -t tmpfs tmpfs /dev && mount -t tmpfs -o ro tmpfs /run || exit 9
		exec "$1" set mvt0 --mode vepa --mac 02:00:00:00:00:06 --mtu 1300 --up -u 65534' \
		sh "$TAPCTL"
	assert_equal "$stderr" "tapctl: set mvt0: no character device: /dev/tap$(link_field mvt0 .ifindex) did not appear, and a private node could not be made: mkdir /run/tapctl: Read-only file system"
	assert_equal "$(link_json mvt0 | jq -S 'del(.operstate, .qdisc)')" \
		"$(jq -S 'del(.operstate, .qdisc)' <<< "$before")"
}

@test "add --macvtap: a device that cannot be written to stdout goes again" {
	run -1 --separate-stderr nsx sh -c 'exec "$1" -j add mvt0 --macvtap v0 > /dev/full' sh "$TAPCTL"
	assert_equal "$stderr" "tapctl: add mvt0: write the name to standard output: No space left on device"
	assert_only_setup
}

@test "set on a macvtap: refusals change nothing" {
	run -0 tpc add mvt0 --macvtap v0 --mtu 1400
	ip -n "$NS" link add br0 type bridge
	before=$(link_json mvt0)
	node=$(chardev mvt0)
	run -1 --separate-stderr tpc set mvt0 --mode passthru --user 65534
	assert_equal "$stderr" 'tapctl: set mvt0: --mode: a macvtap cannot change to or from passthru mode (delete it and add it again)'
	run -1 --separate-stderr tpc set mvt0 --mtu 1501 --mac 02:00:00:00:00:02
	assert_equal "$stderr" 'tapctl: set mvt0: --mtu: 1501 is above the MTU of the lower link "v0" (1500)'
	run -2 --separate-stderr tpc set mvt0 --bridge br0
	assert_equal "$stderr" 'tapctl: set mvt0: --bridge: a macvtap link cannot join a bridge (make it on top of the bridge with --macvtap BR, or use a tap)'
	run -2 --separate-stderr tpc set mvt0 --mode bogus
	assert_equal "$stderr" 'tapctl: set mvt0: --mode: "bogus" is not one of bridge, vepa, private, passthru, source'
	run -2 --separate-stderr tpc set mvt0 --persist
	assert_equal "$stderr" 'tapctl: set mvt0: --persist, --no-persist: a macvtap link lasts until it is deleted'
	assert_equal "$(link_json mvt0)" "$before"
	assert_equal "$(stat -L -c '%u %g %a' "$node")" "0 0 600"
}

# ------------------------------------------------------------- del, list

@test "del of macvtaps removes their private nodes, then the directory" {
	# No /dev/tapN in this mount namespace: private nodes for both.
	run -0 nsx unshare -m sh -c '
		'"$DEV_TMPFS"'
		"$1" add mvt0 --macvtap v0 && "$1" add mvt1 --macvtap v0 &&
		"$1" -j list' sh "$TAPCTL"
	dir=$(private_dir "$NS")
	i0=$(link_field mvt0 .ifindex)
	i1=$(link_field mvt1 .ifindex)
	assert_equal "$(jq -c '[.[].chardev]' <<< "${lines[2]}")" \
		"[\"$dir/tap$i0\",\"$dir/tap$i1\"]"
	run -0 tpc del mvt0
	[[ ! -e $dir/tap$i0 ]] || fail "$dir/tap$i0 left behind"
	assert_node_is mvt1 "$dir/tap$i1"
	run -0 tpcn del mvt1
	[[ ! -e $dir ]] || fail "$dir left behind"
	assert_only_setup
}

@test "list: macvtap rows show LINK, MODE and the node; -j the keys" {
	run -0 tpc add mvt0 --macvtap v0 --mode vepa --mac 02:00:00:00:00:03
	node=$(chardev mvt0)
	ifindex=$(link_field mvt0 .ifindex)
	run -0 tpc list
	assert_line --index 0 --regexp '^NAME +TYPE +OWNER +GROUP +FLAGS +MAC +MTU +STATE +MASTER$'
	assert_line --index 1 --regexp "^mvt0 +macvtap +v0 +vepa +persist +02:00:00:00:00:03 +1500 +down +- $node\$"
	run -0 tpc -j list
	assert_equal "$(jq -c '.[0] | {ifname, ifindex, kind, link, mode, chardev, mac, owner, group}' <<< "$output")" \
		"{\"ifname\":\"mvt0\",\"ifindex\":$ifindex,\"kind\":\"macvtap\",\"link\":\"v0\",\"mode\":\"vepa\",\"chardev\":\"$node\",\"mac\":\"02:00:00:00:00:03\",\"owner\":null,\"group\":null}"
}

@test "list -d: processes that hold a macvtap's node" {
	run -0 tpc add mvt0 --macvtap v0
	run -0 tpc add mvt1 --macvtap v0
	node=$(chardev mvt0)
	pidfile=$BATS_TEST_TMPDIR/holder.pid
	nsx sh -c 'exec 3<>"$1"; echo $$ > "$2"; exec sleep 60' \
		sh "$node" "$pidfile" >/dev/null 2>&1 3>&- &
	for ((i = 0; i < 100; i++)); do
		[[ -s $pidfile ]] && holder=$(<"$pidfile") &&
			[[ $(cat "/proc/$holder/comm" 2>/dev/null) == sleep ]] && break
		sleep 0.05
	done
	run -0 tpc -j list -d
	assert_equal "$(jq -c '[.[] | {ifname, holders}]' <<< "$output")" \
		"[{\"ifname\":\"mvt0\",\"holders\":[{\"pid\":$holder,\"comm\":\"sleep\"}]},{\"ifname\":\"mvt1\",\"holders\":[]}]"
	run -0 tpc list -d mvt0
	assert_line --index 2 "    held by: sleep($holder)"
}
