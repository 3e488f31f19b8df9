#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Bridge port isolation (--isolated / --no-isolated) and a source-mode
# macvtap's MAC list (--source-mac): both run on any kernel with a
# bridge and macvlan, so on this one. VLANs need a kernel built with
# CONFIG_BRIDGE_VLAN_FILTERING: tests/86-vlan.bats (make check-vm).
#
# Frames: helpers/frame writes broadcast frames of type 88b5 from
# 02:00:00:00:00:01 into a descriptor (exec), and reads them from one.

load test_helper/common

FRAME=$BATS_TEST_DIRNAME/helpers/frame
ETHERTYPE=88b5

setup() {
	common_setup
	[[ -x $FRAME ]] || fail "tests/helpers not built: run make check"
}

# Polls (10 s at most) until CMD succeeds.
bridge_up() {
	ip -n "$NS" link add "$1" type bridge
	ip -n "$NS" link set "$1" up
}

port_forwarding() {
	[[ $(bridge -n "$NS" -j link show dev "$1" | jq -r '.[0].state') == forwarding ]]
}

# Reads tap $1's descriptor for $2 seconds in the background: the first
# frame into $BATS_TEST_TMPDIR/$1, LPID its reader. Returns once the
# bridge forwards to it (a port forwards only while its tap is open).
listen() {
	bg_tpc exec "$1" -- "$FRAME" read '{fd}' "$ETHERTYPE" "$2" \
		> "$BATS_TEST_TMPDIR/$1"
	LPID=$BGPID
	wait_for grep -q ready "$BATS_TEST_TMPDIR/$1"
	wait_for port_forwarding "$1"
}

# A frame with payload $2 into the bridge through tap $1's descriptor,
# once its port forwards (it forwards from when the descriptor opens).
send_from() {
	# shellcheck disable=SC2016 # expanded by the inner shell
	tpc exec "$1" -- sh -c 'i=0
		until bridge -j link show dev "$TAPCTL_IFNAME" | grep -q "\"state\":\"forwarding\""; do
			i=$((i + 1)); [ $i -lt 100 ] || exit 1; sleep 0.1
		done
		exec "$0" write "$TAPCTL_FD" "$1" "$2"' "$FRAME" "$ETHERTYPE" "$2"
}

# $NS holds exactly lo and the links named.
assert_only_lo_and() {
	local links
	links=$(ip -n "$NS" -j link show | jq -r '[.[].ifname] | sort | join(" ")')
	assert_equal "$links" "$(printf '%s\n' lo "$@" | sort | paste -sd ' ')"
}

# The background reader $1 ended with status 1: it read no frame in time.
assert_timed_out() {
	local rc=0
	wait "$1" || rc=$?
	assert_equal "$rc" 1
}

isolated() { link_field "$1" .linkinfo.info_slave_data.isolated; }

# ------------------------------------------------------------- isolation

@test "--isolated: two isolated ports cannot reach each other, each reaches a non-isolated one" {
	bridge_up br0
	run -0 tpc add a --bridge br0 --isolated
	run -0 tpc add b --bridge br0 --isolated
	run -0 tpc add c --bridge br0
	assert_equal "$(isolated a) $(isolated b) $(isolated c)" "true true false"

	# a -> c arrives; a -> b does not.
	listen b 3
	local pb=$LPID
	listen c 10
	local pc=$LPID
	send_from a from-a
	wait "$pc"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/c")" $'ready\nfrom-a'
	assert_timed_out "$pb"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/b")" ready

	# b -> c arrives; b -> a does not.
	listen a 3
	local pa=$LPID
	listen c 10
	pc=$LPID
	send_from b from-b
	wait "$pc"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/c")" $'ready\nfrom-b'
	assert_timed_out "$pa"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/a")" ready
}

@test "set --no-isolated: the port reaches isolated ones again; set --isolated isolates it" {
	bridge_up br0
	tpc add a --bridge br0 --isolated
	tpc add b --bridge br0 --isolated
	run -0 tpc set b --no-isolated
	assert_equal "$(isolated b)" false
	listen b 10
	local pb=$LPID
	send_from a after-no-isolated
	wait "$pb"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/b")" $'ready\nafter-no-isolated'

	run -0 tpc set b --isolated
	assert_equal "$(isolated b)" true
	listen b 3
	pb=$LPID
	send_from a after-isolated
	assert_timed_out "$pb"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/b")" ready
}

@test "set --isolated with other settings: one command, all of them" {
	bridge_up br0
	tpc add a --bridge br0
	run -0 tpc set a --isolated --mtu 1400 --txqueuelen 77
	assert_equal "$(isolated a)" true
	assert_equal "$(link_field a .mtu) $(link_field a .txqlen)" "1400 77"
	# Joining another bridge: the new port is isolated, not the old one.
	bridge_up br1
	tpc add b --bridge br0
	run -0 tpc set b --bridge br1 --isolated
	assert_equal "$(link_field b .master) $(isolated b)" "br1 true"
}

@test "set --bridge to a full bridge from an isolated port: back in its bridge, still isolated" {
	bridge_up br0
	ip -n "$NS" link add brf type bridge
	for i in $(seq 1 1023); do
		echo "link add p$i master brf type veth peer name q$i"
	done | ip -n "$NS" -batch -
	tpc add a --bridge br0 --isolated
	# Up, so the kernel tries: it leaves br0, then brf refuses it.
	run -1 --separate-stderr tpc set a --bridge brf
	assert_equal "$stderr" "tapctl: set a: attach to bridge brf: the bridge is full (a bridge has at most 1023 ports)"
	assert_equal "$(link_field a .master) $(isolated a)" "br0 true"
}

@test "exec --create --bridge --isolated: the transient tap is an isolated port" {
	bridge_up br0
	run -0 tpc exec --create t0 --bridge br0 --isolated -- \
		sh -c 'ip -d -j link show dev "$TAPCTL_IFNAME"'
	assert_equal "$(jq -r '.[0].master, .[0].linkinfo.info_slave_data.isolated' <<< "$output" | paste -sd ' ')" "br0 true"
	assert_only_lo_and br0
}

@test "ifup --bridge --isolated: the tap joins isolated; without a bridge found, exit 2" {
	bridge_up br0
	tpc add t0
	run -0 tpc ifup --bridge br0 --isolated t0
	assert_equal "$(link_field t0 .master) $(isolated t0)" "br0 true"
	tpc add t1
	# No --bridge, no TAPCTL_BRIDGE, no default route: no bridge to be found.
	run -2 --separate-stderr env -u TAPCTL_BRIDGE ip netns exec "$NS" "$TAPCTL" -q ifup --isolated t1
	assert_equal "$stderr" "tapctl: ifup t1: --isolated: not a bridge port (give --bridge BR)"
	assert_equal "$(link_field t1 .master)" null
	run -2 --separate-stderr tpc ifup --bridge br0 --pvid 0 t1
	assert_equal "$stderr" 'tapctl: ifup t1: --pvid: "0": VLAN IDs are 1-4094'
	assert_equal "$(link_field t1 .master)" null
}

@test "--isolated / --no-isolated without a bridge, or both: exit 2, nothing changed" {
	run -2 --separate-stderr tpc add t0 --isolated
	assert_equal "$stderr" "tapctl: add t0: --isolated: not a bridge port (give --bridge BR)"
	assert_only_lo
	tpc add t0
	run -2 --separate-stderr tpc set t0 --no-isolated
	assert_equal "$stderr" "tapctl: set t0: --no-isolated: not a bridge port (give --bridge BR)"
	bridge_up br0
	run -2 --separate-stderr tpc set t0 --bridge br0 --isolated --no-isolated
	assert_equal "$stderr" "tapctl: set t0: --isolated and --no-isolated exclude each other"
	run -2 --separate-stderr tpc set t0 --nobridge --isolated
	assert_equal "$stderr" "tapctl: set t0: --nobridge excludes --pvid, --vlan, --novlan, --isolated and --no-isolated"
	assert_equal "$(link_field t0 .master)" null
}

@test "list -j: isolated, pvid and vlans of a bridge port; null for a device in no bridge" {
	bridge_up br0
	tpc add a --bridge br0 --isolated
	tpc add b --bridge br0
	tpc add c
	run -0 tpc -j list
	assert_equal "$(jq -c '[.[] | {ifname, isolated}]' <<< "$output")" \
		'[{"ifname":"a","isolated":true},{"ifname":"b","isolated":false},{"ifname":"c","isolated":null}]'
	assert_equal "$(jq -c '.[] | select(.ifname == "c") | [.pvid, .vlans]' <<< "$output")" '[null,null]'
	# The VLANs are what the kernel reports: none without VLAN filtering,
	# else the bridge's default VLAN 1, untagged.
	local want='[null,[]]'
	[[ $(ip -n "$NS" -d -j link show dev br0 | jq '.[0].linkinfo.info_data.vlan_default_pvid') == null ]] ||
		want='[1,[]]'
	assert_equal "$(jq -c '.[] | select(.ifname == "a") | [.pvid, .vlans]' <<< "$output")" "$want"
	# -d shows it in words.
	run -0 tpc list -d a
	assert_line --regexp '^    bridge port: .*isolated$'
}

# -------------------------------------------------- VLANs, natively
# Whatever the kernel: what needs no VLAN filtering to be refused.

@test "--pvid, --vlan, --novlan without a bridge: exit 2, nothing changed" {
	run -2 --separate-stderr tpc add t0 --pvid 20
	assert_equal "$stderr" "tapctl: add t0: --pvid: not a bridge port (give --bridge BR)"
	assert_only_lo
	tpc add t0
	run -2 --separate-stderr tpc set t0 --vlan 20,30
	assert_equal "$stderr" "tapctl: set t0: --vlan: not a bridge port (give --bridge BR)"
	run -2 --separate-stderr tpc set t0 --novlan
	assert_equal "$stderr" "tapctl: set t0: --novlan: not a bridge port (give --bridge BR)"
	run -2 --separate-stderr tpc add t1 --tun --pvid 20
	assert_equal "$stderr" "tapctl: add t1: --pvid: not a bridge port (give --bridge BR)"
	assert_no_link t1
}

@test "--pvid, --vlan: a bridge that does not filter VLANs: exit 1, nothing changed" {
	# No vlan_filtering argument: a kernel without the option refuses it.
	ip -n "$NS" link add br0 type bridge
	run -1 --separate-stderr tpc add t0 --bridge br0 --pvid 20
	assert_regex "$stderr" '^tapctl: add t0: --pvid: (bridge br0 does not filter VLANs \(vlan_filtering 0\)|this kernel.s bridges cannot filter VLANs \(it is built without CONFIG_BRIDGE_VLAN_FILTERING\))$'
	assert_only_lo_and br0
	tpc add t0 --bridge br0
	local before
	before=$(link_json t0 | jq -c '{address, mtu, master, flags}')
	run -1 --separate-stderr tpc set t0 --vlan 30 --mtu 1400
	assert_regex "$stderr" '^tapctl: set t0: --vlan: '
	assert_equal "$(link_json t0 | jq -c '{address, mtu, master, flags}')" "$before"
}

@test "bad VLAN values: exit 2 with the reason, nothing changed" {
	local v
	for v in 0 4095 abc 10-5 '10,' '' 1.5; do
		run -2 --separate-stderr tpc add t0 --pvid "$v"
		assert_regex "$stderr" "^tapctl: add t0: --pvid: "
	done
	run -2 --separate-stderr tpc add t0 --pvid 4095
	assert_equal "$stderr" 'tapctl: add t0: --pvid: "4095": VLAN IDs are 1-4094'
	run -2 --separate-stderr tpc add t0 --vlan 10-5
	assert_equal "$stderr" 'tapctl: add t0: --vlan: "10-5": a range goes from the lower VID to the higher'
	run -2 --separate-stderr tpc add t0 --vlan 10,abc,20
	assert_equal "$stderr" 'tapctl: add t0: --vlan: "10,abc,20": "abc": not a VLAN ID (a decimal number 1-4094)'
	run -2 --separate-stderr tpc add t0 --vlan 0
	assert_equal "$stderr" 'tapctl: add t0: --vlan: "0": VLAN IDs are 1-4094'
	run -2 --separate-stderr tpc add t0 --pvid 20 --vlan 10,20
	assert_equal "$stderr" 'tapctl: add t0: --pvid 20 is also in --vlan: a VLAN leaves the port either untagged (--pvid) or tagged (--vlan)'
	assert_only_lo
	tpc add t0
	run -2 --separate-stderr tpc set t0 --novlan --vlan 20
	assert_equal "$stderr" 'tapctl: set t0: --novlan excludes --pvid and --vlan'
	run -2 --separate-stderr tpc add t1 --novlan
	assert_equal "$stderr" 'tapctl: add: --novlan: unknown option'
	assert_no_link t1
}

# ------------------------------------------------------------ source MACs

add_lower() {
	ip -n "$NS" link add "$1" type veth peer name "$1p"
	ip -n "$NS" link set "$1" up
	ip -n "$NS" link set "$1p" up
}

srcmacs() { link_field "$1" '[.linkinfo.info_data.macaddr_data // [] | .[]] | sort | join(" ")'; }

# Reads macvtap $1's queue for $2 seconds in the background (LPID).
listen_mvt() {
	bg_tpc exec "$1" -- "$FRAME" read '{fd}' "$ETHERTYPE" "$2" \
		> "$BATS_TEST_TMPDIR/$1"
	LPID=$BGPID
	wait_for grep -q ready "$BATS_TEST_TMPDIR/$1"
}

@test "--mode source --source-mac: frames from a listed MAC reach the macvtap, others do not" {
	add_lower v0
	run -0 tpc add mvt0 --macvtap v0 --mode source --up \
		--source-mac 02:00:00:00:00:01 --source-mac 02:00:00:00:00:02
	assert_equal "$(link_field mvt0 .linkinfo.info_data.mode)" source
	assert_equal "$(srcmacs mvt0)" "02:00:00:00:00:01 02:00:00:00:00:02"
	# helpers/frame sends from 02:00:00:00:00:01: listed.
	listen_mvt mvt0 10
	local p=$LPID
	nsx "$FRAME" send v0p "$ETHERTYPE" from-listed
	wait "$p"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/mvt0")" $'ready\nfrom-listed'

	# set replaces the list as a whole: 02:00:00:00:00:01 is out.
	run -0 tpc set mvt0 --source-mac 02:00:00:00:00:99
	assert_equal "$(srcmacs mvt0)" "02:00:00:00:00:99"
	listen_mvt mvt0 3
	p=$LPID
	nsx "$FRAME" send v0p "$ETHERTYPE" from-unlisted
	assert_timed_out "$p"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/mvt0")" ready
}

@test "list -j: source_macs of a macvtap (empty unless mode source)" {
	add_lower v0
	tpc add mvt0 --macvtap v0 --mode source --source-mac 02:00:00:00:00:0a \
		--source-mac 02:00:00:00:00:0b --source-mac 02:00:00:00:00:0a
	tpc add mvt1 --macvtap v0
	tpc add t0
	run -0 tpc -j list
	assert_equal "$(jq -c '[.[] | {ifname, source_macs}]' <<< "$output")" \
		'[{"ifname":"mvt0","source_macs":["02:00:00:00:00:0a","02:00:00:00:00:0b"]},{"ifname":"mvt1","source_macs":[]},{"ifname":"t0","source_macs":null}]'
	run -0 tpc list -d mvt0
	assert_line '    source MACs: 02:00:00:00:00:0a 02:00:00:00:00:0b'
}

@test "set --mode bridge on a source macvtap drops its list; --mode source --source-mac makes one" {
	add_lower v0
	tpc add mvt0 --macvtap v0 --mode source --source-mac 02:00:00:00:00:0a
	run -0 tpc set mvt0 --mode bridge
	assert_equal "$(srcmacs mvt0)" ""
	run -0 tpc set mvt0 --mode source --source-mac 02:00:00:00:00:0c
	assert_equal "$(link_field mvt0 .linkinfo.info_data.mode) $(srcmacs mvt0)" \
		"source 02:00:00:00:00:0c"
}

@test "--source-mac without --mode source, or on a tap, or bad: exit 2, nothing changed" {
	add_lower v0
	run -2 --separate-stderr tpc add mvt0 --macvtap v0 --source-mac 02:00:00:00:00:01
	assert_equal "$stderr" "tapctl: add mvt0: --source-mac: only for a macvtap in source mode (--mode source)"
	run -2 --separate-stderr tpc add mvt0 --macvtap v0 --mode vepa --source-mac 02:00:00:00:00:01
	assert_equal "$stderr" "tapctl: add mvt0: --source-mac: only for a macvtap in source mode (--mode source)"
	run -2 --separate-stderr tpc add t0 --source-mac 02:00:00:00:00:01
	assert_equal "$stderr" "tapctl: add t0: --source-mac: only for a macvtap in source mode (--mode source)"
	run -2 --separate-stderr tpc add mvt0 --macvtap v0 --mode source --source-mac 01:00:5e:00:00:01
	assert_equal "$stderr" 'tapctl: add mvt0: --source-mac: "01:00:5e:00:00:01": a multicast MAC address cannot be assigned to an interface'
	assert_no_link mvt0
	tpc add mvt0 --macvtap v0
	run -2 --separate-stderr tpc set mvt0 --source-mac 02:00:00:00:00:01
	assert_equal "$stderr" "tapctl: set mvt0: --source-mac: only for a macvtap in source mode (--mode source)"
	tpc add mvs --macvtap v0 --mode source --source-mac 02:00:00:00:00:05
	run -2 --separate-stderr tpc set mvs --mode private --source-mac 02:00:00:00:00:06
	assert_equal "$stderr" "tapctl: set mvs: --source-mac: only for a macvtap in source mode (--mode source)"
	assert_equal "$(link_field mvs .linkinfo.info_data.mode) $(srcmacs mvs)" \
		"source 02:00:00:00:00:05"
}

# ------------------------------------------------------------------ apply

@test "apply: --isolated and --source-mac are declared, compared and reported" {
	bridge_up br0
	add_lower v0
	local conf=$BATS_TEST_TMPDIR/devices.conf
	printf '%s\n' "a --bridge br0 --isolated" \
		"mvt0 --macvtap v0 --mode source --source-mac 02:00:00:00:00:0b --source-mac 02:00:00:00:00:0a" \
		> "$conf"
	run -0 tpc apply "$conf"
	assert_equal "$(isolated a) $(srcmacs mvt0)" "true 02:00:00:00:00:0a 02:00:00:00:00:0b"
	run -0 tpc apply "$conf"
	assert_equal "$output" $'unchanged a\nunchanged mvt0'
	tpc set a --no-isolated
	tpc set mvt0 --source-mac 02:00:00:00:00:0a
	run -0 tpc -j apply "$conf"
	assert_equal "$(jq -c '.[] | [.ifname, .changes]' <<< "$output")" \
'["a",["isolated"]]
["mvt0",["source_macs"]]'
	assert_equal "$(isolated a) $(srcmacs mvt0)" "true 02:00:00:00:00:0a 02:00:00:00:00:0b"
}
