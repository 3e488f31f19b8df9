#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tapctl add for tun and tap: every option, separately and combined, and
# every rejection, each checked against the kernel (ip -d -j, sysfs).

load test_helper/common
load test_helper/tun

@test "add: a persistent tap without packet information by default" {
	run -0 --separate-stderr tpc add tap0
	assert_output "tap0"
	assert_equal "$stderr" ""
	assert_equal "$(tun_data tap0)" "tap false false false true"
	# IFF_TAP|IFF_NO_PI|IFF_PERSIST
	assert_equal "$(sysfs tap0 tun_flags)" 0x1802
	assert_equal "$(sysfs tap0 owner)" -1
	assert_equal "$(sysfs tap0 group)" -1
	assert_equal "$(is_up tap0)" false
	# Persistent: it outlives tapctl.
	assert_equal "$(link_field tap0 .link_type)" ether
}

@test "add --tap and --tun" {
	run -0 tpc add --tap tap0
	assert_equal "$(tun_data tap0)" "tap false false false true"
	run -0 tpc add tun0 --tun
	assert_output "tun0"
	assert_equal "$(tun_data tun0)" "tun false false false true"
	assert_equal "$(sysfs tun0 tun_flags)" 0x1801
	assert_equal "$(link_field tun0 .link_type)" none
}

@test "add --vnet-hdr, --multi-queue, --pi: each flag alone and together" {
	tpc add t1 --vnet-hdr
	assert_equal "$(tun_data t1)" "tap false true false true"
	assert_equal "$(sysfs t1 tun_flags)" 0x5802
	tpc add t2 --multi-queue
	assert_equal "$(tun_data t2)" "tap false false true true"
	assert_equal "$(sysfs t2 tun_flags)" 0x1902
	assert_equal "$(link_field t2 .num_tx_queues)" 256
	tpc add t3 --pi
	assert_equal "$(tun_data t3)" "tap true false false true"
	assert_equal "$(sysfs t3 tun_flags)" 0x802
	tpc add t4 --tun --pi --vnet-hdr --multi-queue
	assert_equal "$(tun_data t4)" "tun true true true true"
	assert_equal "$(sysfs t4 tun_flags)" 0x4901
}

@test "add NAME with %d: the kernel picks the number, the final name is printed" {
	run -0 tpc add 'tap%d'
	assert_output "tap0"
	run -0 tpc add 'tap%d'
	assert_output "tap1"
	run -0 tpc add 'x%dy' --tun
	assert_output "x0y"
	run -0 tpc -j add 'tap%d'
	assert_equal "$(jq -r .ifname <<<"$output")" tap2
	for t in tap0 tap1 x0y tap2; do
		assert_equal "$(link_field $t .ifname)" "$t"
	done
}

@test "add --user/--group by number and by name" {
	tpc add t1 --user 65534 --group 65534
	assert_equal "$(sysfs t1 owner)" 65534
	assert_equal "$(sysfs t1 group)" 65534
	tpc add t2 -u "$(id -nu 65534)" -g "$(getent group 65534 | cut -d: -f1)"
	assert_equal "$(sysfs t2 owner)" 65534
	assert_equal "$(sysfs t2 group)" 65534
	tpc add t3 -u 123456
	assert_equal "$(sysfs t3 owner)" 123456
	assert_equal "$(sysfs t3 group)" -1
	tpc add t4 -g 0
	assert_equal "$(sysfs t4 owner)" -1
	assert_equal "$(sysfs t4 group)" 0
}

@test "add --user: that uid attaches without capabilities, another uid cannot" {
	need_probe
	tun_open_for_all
	tpc add tap0 --user 65534 --vnet-hdr
	run -0 nsx_as_uid 65534 "$TUN_ATTACH" tap0 vnet_hdr
	assert_output "attached tap0: tap vnet_hdr persist"
	run -1 --separate-stderr nsx_as_uid 65533 "$TUN_ATTACH" tap0 vnet_hdr
	assert_equal "$stderr" "tun-attach: TUNSETIFF: Operation not permitted"
	# Without an owner anyone who can open /dev/net/tun may attach.
	tpc add tap1
	run -0 nsx_as_uid 65533 "$TUN_ATTACH" tap1
}

@test "add --group: a member attaches, a non-member cannot" {
	need_probe
	tun_open_for_all
	local probe
	probe=$(reachable "$TUN_ATTACH")
	tpc add tap0 --group 65533
	run -0 nsx setpriv --reuid=65532 --regid=65533 --clear-groups \
		--inh-caps=-all --bounding-set=-all -- "$probe" tap0
	assert_output "attached tap0: tap persist"
	run -1 --separate-stderr nsx setpriv --reuid=65532 --regid=65532 \
		--clear-groups --inh-caps=-all --bounding-set=-all -- "$probe" tap0
	assert_equal "$stderr" "tun-attach: TUNSETIFF: Operation not permitted"
}

@test "add --mac ADDR and --mac random" {
	tpc add t1 --mac 02:00:00:aa:bb:01
	assert_equal "$(link_field t1 .address)" 02:00:00:aa:bb:01
	tpc add t2 --mac FE:54:00:AA:BB:02
	assert_equal "$(link_field t2 .address)" fe:54:00:aa:bb:02
	tpc add r1 --mac random
	tpc add r2 --mac random
	local a b
	a=$(link_field r1 .address)
	b=$(link_field r2 .address)
	[[ $a != "$b" ]] || fail "two random MACs are equal: $a"
	for m in "$a" "$b"; do
		# Unicast (bit 0 clear), locally administered (bit 1 set).
		(( (0x${m:0:2} & 3) == 2 )) || fail "$m is not unicast and locally administered"
	done
}

@test "add --mtu and --txqueuelen" {
	tpc add t1 --mtu 1400 --txqueuelen 77
	assert_equal "$(link_field t1 .mtu)" 1400
	assert_equal "$(link_field t1 .txqlen)" 77
	# The edges of a tap's range, and a tun's larger maximum.
	tpc add t2 --mtu 68 --txqueuelen 0
	assert_equal "$(link_field t2 .mtu)" 68
	# ip -j leaves out a zero qlen: sysfs says it.
	assert_equal "$(sysfs t2 tx_queue_len)" 0
	tpc add t3 --mtu 65521
	assert_equal "$(link_field t3 .mtu)" 65521
	tpc add t4 --tun --mtu 65535
	assert_equal "$(link_field t4 .mtu)" 65535
}

@test "add --up and --down" {
	tpc add t1 --up
	assert_equal "$(is_up t1)" true
	tpc add t2 --down
	assert_equal "$(is_up t2)" false
	tpc add t3
	assert_equal "$(is_up t3)" false
}

@test "add --bridge: in the bridge, up, the bridge's MTU, MAC fe:..., bridge MAC kept" {
	bridge_with_port br0
	ip -n "$NS" link set br0 mtu 1400
	local brmac
	brmac=$(link_field br0 .address)
	run -0 tpc add tap0 --bridge br0
	assert_output "tap0"
	assert_equal "$(link_field tap0 .master)" br0
	assert_equal "$(is_up tap0)" true
	assert_equal "$(link_field tap0 .mtu)" 1400
	assert_equal "$(link_field tap0 .address | cut -c1-3)" "fe:"
	assert_equal "$(link_field br0 .address)" "$brmac"
	assert_equal "$(link_field br0 .mtu)" 1400
	# A second one: a different address, still fe:, bridge still the same.
	tpc add tap1 --bridge br0
	assert_equal "$(link_field tap1 .address | cut -c1-3)" "fe:"
	[[ $(link_field tap1 .address) != "$(link_field tap0 .address)" ]]
	assert_equal "$(link_field br0 .address)" "$brmac"
	assert_equal "$(tun_data tap1)" "tap false false false true"
}

@test "add --bridge with --mac, --mtu, --down: what was asked wins" {
	bridge_with_port br0
	tpc add t1 --bridge br0 --mac 02:00:00:00:00:07
	assert_equal "$(link_field t1 .address)" 02:00:00:00:00:07
	tpc add t2 --bridge br0 --mtu 1300
	assert_equal "$(link_field t2 .mtu)" 1300
	tpc add t3 --bridge br0 --down
	assert_equal "$(link_field t3 .master)" br0
	assert_equal "$(is_up t3)" false
}

@test "add with every option at once" {
	bridge_with_port br0
	run -0 tpc add tap0 -u 65534 -g 65534 --mac 02:11:22:33:44:55 --mtu 1450 \
		--txqueuelen 200 --up --bridge br0 --vnet-hdr --multi-queue
	local j
	j=$(link_json tap0)
	assert_equal "$(jq -r '[.address, .mtu, .txqlen, .master] | map(tostring) | join(" ")' <<<"$j")" \
		"02:11:22:33:44:55 1450 200 br0"
	assert_equal "$(tun_data tap0)" "tap false true true true"
	assert_equal "$(sysfs tap0 owner) $(sysfs tap0 group)" "65534 65534"
	assert_equal "$(is_up tap0)" true
}

@test "libvirt managed='no': precreated mytap0 is opened by uid 65534 without privilege" {
	need_probe
	bridge_with_port br0
	run -0 tpc add mytap0 --user 65534 --mac fe:54:00:12:34:56 --up --bridge br0
	assert_equal "$(link_field mytap0 .master)" br0
	assert_equal "$(link_field mytap0 .address)" fe:54:00:12:34:56
	tun_open_for_all
	# libvirt passes IFF_VNET_HDR whatever the device was made with.
	run -0 nsx_as_uid 65534 "$TUN_ATTACH" mytap0 vnet_hdr write
	assert_line --index 0 "attached mytap0: tap vnet_hdr persist"
	assert_line --index 1 "wrote 70 bytes"
	# The frame went in: the device counted it.
	assert_equal "$(ip -n "$NS" -s -j link show mytap0 | jq '.[0].stats64.rx.packets')" 1
	run -1 --separate-stderr nsx_as_uid 65533 "$TUN_ATTACH" mytap0 vnet_hdr
	assert_equal "$stderr" "tun-attach: TUNSETIFF: Operation not permitted"
}

@test "add -j prints the device as list -j does" {
	run -0 --separate-stderr tpc -j add tap0 --mtu 1400 -u 65534
	local added=$output
	run -0 tpc -j list tap0
	assert_equal "$(jq -c . <<<"$added")" "$(jq -c '.[0]' <<<"$output")"
	assert_equal "$(jq -r '[.kind, .owner, .mtu, .persist] | map(tostring) | join(" ")' <<<"$added")" \
		"tap 65534 1400 true"
}

@test "add refuses bad names (exit 2), makes nothing" {
	local -A why=(
		['a/b']="interface name contains '/', ':' or white space"
		['a:b']="interface name contains '/', ':' or white space"
		['a b']="interface name contains '/', ':' or white space"
		['.']="invalid interface name"
		['..']="invalid interface name"
		['1234567890123456']="interface name longer than 15 bytes"
		['tap%s']="a name template holds at most one %d and no other '%'"
		['t%d%d']="a name template holds at most one %d and no other '%'"
	)
	local n
	for n in "${!why[@]}"; do
		run -2 --separate-stderr tpc add "$n"
		assert_output ""
		assert_equal "$stderr" "tapctl: add $n: ${why[$n]}"
	done
	run -2 --separate-stderr tpc add ''
	assert_equal "$stderr" "tapctl: add: empty interface name"
	assert_only_lo
}

@test "add refuses unknown users and groups, and -u -, (exit 2)" {
	run -2 --separate-stderr tpc add tap0 --user no-such-user-tapctl
	assert_equal "$stderr" 'tapctl: add tap0: --user: no such user "no-such-user-tapctl"'
	run -2 --separate-stderr tpc add tap0 -g no-such-group-tapctl
	assert_equal "$stderr" 'tapctl: add tap0: --group: no such group "no-such-group-tapctl"'
	run -2 --separate-stderr tpc add tap0 -u 4294967295
	assert_equal "$stderr" 'tapctl: add tap0: --user: no such user "4294967295"'
	run -2 --separate-stderr tpc add tap0 -u -
	assert_equal "$stderr" "tapctl: add tap0: --user: the kernel cannot clear an owner once it is set"
	assert_only_lo
}

@test "add refuses multicast, zero and malformed MACs (exit 2)" {
	local m
	for m in 01:00:5e:00:00:01 ff:ff:ff:ff:ff:ff 03:00:00:00:00:01; do
		run -2 --separate-stderr tpc add tap0 --mac "$m"
		assert_equal "$stderr" "tapctl: add tap0: --mac: \"$m\": a multicast MAC address cannot be assigned to an interface"
	done
	run -2 --separate-stderr tpc add tap0 --mac 00:00:00:00:00:00
	assert_equal "$stderr" 'tapctl: add tap0: --mac: "00:00:00:00:00:00": the all-zeros MAC address cannot be assigned'
	for m in zz 02:00:00:00:00 02-00-00-00-00-01 02:00:00:00:00:0g RANDOM; do
		run -2 --separate-stderr tpc add tap0 --mac "$m"
		assert_equal "$stderr" "tapctl: add tap0: --mac: \"$m\": not a MAC address (expected six hex pairs: 02:00:00:00:00:01)"
	done
	assert_only_lo
}

@test "add refuses MTUs and queue lengths out of range or not decimal (exit 2)" {
	run -2 --separate-stderr tpc add tap0 --mtu 67
	assert_equal "$stderr" 'tapctl: add tap0: --mtu: "67" is out of range 68..65521'
	run -2 --separate-stderr tpc add tap0 --mtu 65522
	assert_equal "$stderr" 'tapctl: add tap0: --mtu: "65522" is out of range 68..65521'
	run -2 --separate-stderr tpc add tun0 --tun --mtu 65536
	assert_equal "$stderr" 'tapctl: add tun0: --mtu: "65536" is out of range 68..65535'
	local v
	for v in abc -1 0x10 1e3 "" " 1400"; do
		run -2 --separate-stderr tpc add tap0 --mtu "$v"
		assert_equal "$stderr" "tapctl: add tap0: --mtu: \"$v\" is not a decimal number"
	done
	run -2 --separate-stderr tpc add tap0 --txqueuelen 4294967296
	assert_equal "$stderr" 'tapctl: add tap0: --txqueuelen: "4294967296" is out of range 0..4294967295'
	run -2 --separate-stderr tpc add tap0 --txqueuelen 1k
	assert_equal "$stderr" 'tapctl: add tap0: --txqueuelen: "1k" is not a decimal number'
	assert_only_lo
}

@test "add refuses options that exclude each other or do not fit the type (exit 2)" {
	ip -n "$NS" link add br0 type bridge
	run -2 --separate-stderr tpc add tap0 --tun --tap
	assert_equal "$stderr" "tapctl: add tap0: --tun, --tap and --macvtap exclude each other"
	run -2 --separate-stderr tpc add tap0 --up --down
	assert_equal "$stderr" "tapctl: add tap0: --up and --down exclude each other"
	run -2 --separate-stderr tpc add tap0 --bridge br0 --nobridge
	assert_equal "$stderr" "tapctl: add tap0: --bridge and --nobridge exclude each other"
	run -2 --separate-stderr tpc add tun0 --tun --mac 02:00:00:00:00:01
	assert_equal "$stderr" "tapctl: add tun0: --mac: a tun device has no MAC address (use --tap)"
	run -2 --separate-stderr tpc add tun0 --tun --bridge br0
	assert_equal "$stderr" "tapctl: add tun0: --bridge: a tun device has no link layer and cannot join a bridge (use --tap)"
	run -2 --separate-stderr tpc add tap0 --mode vepa
	assert_equal "$stderr" "tapctl: add tap0: --mode: only for macvtap links"
	run -2 --separate-stderr tpc add tap0 --persist
	assert_equal "$stderr" "tapctl: add: --persist: unknown option"
	assert_equal "$(ip -n "$NS" -j link show | jq -r '[.[].ifname] | join(" ")')" "lo br0"
}

@test "add: a name that cannot be written to stdout undoes the device (exit 1)" {
	# With %d the caller learns the name only from stdout.
	run -1 --separate-stderr nsx sh -c 'exec "$1" add "tap%d" --mtu 1400 > /dev/full' sh "$TAPCTL"
	assert_equal "$stderr" "tapctl: add tap0: write the name to standard output: No space left on device"
	assert_only_lo
	run -1 --separate-stderr nsx sh -c 'exec "$1" -j add t0 > /dev/full' sh "$TAPCTL"
	assert_equal "$stderr" "tapctl: add t0: write the name to standard output: No space left on device"
	assert_only_lo
	# -q writes nothing, so nothing can fail.
	run -0 nsx sh -c 'exec "$1" -q add t0 > /dev/full' sh "$TAPCTL"
	assert_equal "$(links)" "lo t0"
}

@test "add never takes over an existing device (exit 1), which stays as it was" {
	tpc add tap0 --vnet-hdr --mtu 1400 -u 65534
	local before
	before=$(link_json tap0)
	run -1 --separate-stderr tpc add tap0
	assert_output ""
	assert_equal "$stderr" "tapctl: add tap0: a device of this name already exists"
	run -1 --separate-stderr tpc add tap0 --tun --multi-queue --mtu 1300 -u 0
	assert_equal "$stderr" "tapctl: add tap0: a device of this name already exists"
	assert_equal "$(link_json tap0)" "$before"
	assert_equal "$(sysfs tap0 tun_flags)" 0x5802
	# Nor a link of another kind.
	ip -n "$NS" link add br0 type bridge
	run -1 --separate-stderr tpc add br0
	assert_equal "$stderr" "tapctl: add br0: a device of this name already exists"
	assert_equal "$(link_field br0 .linkinfo.info_kind)" bridge
}

@test "add --bridge: a missing bridge or a non-bridge is refused (exit 1), nothing made" {
	ip -n "$NS" link add v0 type veth peer name v1
	run -1 --separate-stderr tpc add tap0 --bridge br9
	assert_equal "$stderr" 'tapctl: add tap0: --bridge: no such link "br9"'
	run -1 --separate-stderr tpc add tap0 --bridge v0
	assert_equal "$stderr" 'tapctl: add tap0: --bridge: "v0" is not a bridge'
	run -2 --separate-stderr tpc add tap0 --bridge 'b/r'
	assert_equal "$stderr" "tapctl: add tap0: --bridge: \"b/r\": interface name contains '/', ':' or white space"
	assert_no_link tap0
	assert_equal "$(link_field v0 .master)" null
}

@test "add --bridge: a bridge MTU the tap cannot take is refused before anything" {
	ip -n "$NS" link add br0 type bridge
	ip -n "$NS" link set br0 mtu 65535
	run -1 --separate-stderr tpc add tap0 --bridge br0
	assert_equal "$stderr" 'tapctl: add tap0: --bridge: the MTU of "br0" (65535) is outside this device'"'"'s range 68..65521: give --mtu'
	assert_no_link tap0
	run -0 tpc add tap0 --bridge br0 --mtu 9000
	assert_equal "$(link_field tap0 .mtu)" 9000
}

@test "add --bridge to a full bridge (1023 ports): clear message, exit 1, no tap left" {
	ip -n "$NS" link add brf type bridge
	local brmac
	for i in $(seq 1 1023); do
		echo "link add p$i master brf type veth peer name q$i"
	done | ip -n "$NS" -batch -
	assert_equal "$(ip -n "$NS" -j link show master brf | jq length)" 1023
	brmac=$(link_field brf .address)
	run -1 --separate-stderr tpc add tap0 --bridge brf --mac 02:00:00:00:00:01 --mtu 1400
	assert_output ""
	assert_equal "$stderr" "tapctl: add tap0: attach to bridge brf: the bridge is full (a bridge has at most 1023 ports)"
	assert_no_link tap0
	# Found out before anything is made: the name is still the template.
	run -1 --separate-stderr tpc add 'tap%d' --bridge brf
	assert_equal "$stderr" "tapctl: add tap%d: attach to bridge brf: the bridge is full (a bridge has at most 1023 ports)"
	assert_no_link tap0
	assert_equal "$(ip -n "$NS" -j link show master brf | jq length)" 1023
	assert_equal "$(link_field brf .address)" "$brmac"
}

@test "add --bridge and add --macvtap: no dump of all links, whatever else exists" {
	need_cmd strace
	bridge_with_port br0
	ip -n "$NS" link add v0 type veth peer name v1
	STRACE_OPTS="-e trace=sendto,sendmsg" run -0 traced "$BATS_TEST_TMPDIR/st" \
		"$TAPCTL" add tap%d -u 65534 --bridge br0
	run grep -c NLM_F_DUMP "$BATS_TEST_TMPDIR/st"
	assert_output 0
	STRACE_OPTS="-e trace=sendto,sendmsg" run -0 traced "$BATS_TEST_TMPDIR/st2" \
		"$TAPCTL" add mvt0 --macvtap v0 --mode bridge
	run grep -c NLM_F_DUMP "$BATS_TEST_TMPDIR/st2"
	assert_output 0
	assert_equal "$(link_field tap0 .master)" br0
	assert_equal "$(link_field mvt0 .linkinfo.info_data.mode)" bridge
	# The same grep sees the dumps that list makes: the links, and (tap0
	# is a bridge port) one AF_BRIDGE dump of the ports' VLANs.
	STRACE_OPTS="-e trace=sendto,sendmsg" run -0 traced "$BATS_TEST_TMPDIR/st3" \
		"$TAPCTL" list
	run grep -c NLM_F_DUMP "$BATS_TEST_TMPDIR/st3"
	assert_output 2
}
