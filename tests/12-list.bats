#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tapctl list / show: the table, the JSON, -d holders, NAME filters, and
# that everything comes over netlink (right whatever /sys shows).

load test_helper/common
load test_helper/tun

HEADER="NAME            TYPE    OWNER   GROUP   FLAGS                           MAC               MTU   STATE MASTER"

# Row NAME of `list` as whitespace-separated fields on one line.
row() { awk -v n="$1" '$1 == n { $1 = $1; print }' <<<"$output"; }

@test "list: the header alone when there are no devices; -j: []" {
	ip -n "$NS" link add br0 type bridge
	run -0 --separate-stderr tpc list
	assert_equal "$stderr" ""
	assert_output "$HEADER"
	run -0 tpc -j list
	assert_output "[]"
}

@test "list: one row per tun/tap with every column, other links left out" {
	bridge_with_port br0
	ip -n "$NS" link add v0 type veth peer name v1
	tpc add t1 -u 65534 -g 65533 --vnet-hdr --multi-queue --pi --mtu 1400 \
		--up --bridge br0 --mac 02:00:00:00:00:01 >/dev/null
	tpc add t2 --tun >/dev/null
	tpc add t3 -g 0 --mac 02:00:00:00:00:03 >/dev/null
	run -0 tpc list
	assert_line --index 0 "$HEADER"
	assert_equal "${#lines[@]}" 4
	assert_equal "$(row t1)" "t1 tap 65534 65533 persist,vnet_hdr,multi_queue,pi 02:00:00:00:00:01 1400 up br0"
	assert_equal "$(row t2)" "t2 tun - - persist - 1500 down -"
	assert_equal "$(row t3)" "t3 tap - 0 persist 02:00:00:00:00:03 1500 down -"
	# Rows line up under the header.
	local col
	col=$(awk 'NR == 1 { print index($0, "MAC") }' <<<"$output")
	assert_equal "$(awk -v c="$col" 'NR == 2 { print substr($0, c, 17) }' <<<"$output")" \
		02:00:00:00:00:01
	# Devices come in ifindex order.
	assert_equal "$(printf '%s\n' "${lines[@]:1}" | awk '{print $1}' | paste -sd ' ')" "t1 t2 t3"
}

@test "list: FLAGS show each flag, - when none" {
	tpc add t1 --pi >/dev/null
	tpc add t2 --vnet-hdr >/dev/null
	hold t3
	run -0 tpc list
	assert_equal "$(row t1 | cut -d' ' -f5)" "persist,pi"
	assert_equal "$(row t2 | cut -d' ' -f5)" "persist,vnet_hdr"
	assert_equal "$(row t3 | cut -d' ' -f5)" "-"
}

@test "list NAME...: only those; show is the same" {
	tpc add t1 >/dev/null
	tpc add t2 >/dev/null
	tpc add t3 >/dev/null
	run -0 tpc list t3 t1
	assert_equal "${#lines[@]}" 3
	assert_equal "$(printf '%s\n' "${lines[@]:1}" | awk '{print $1}' | paste -sd ' ')" "t1 t3"
	run -0 tpc -j show t2
	assert_equal "$(jq -r 'map(.ifname) | join(" ")' <<<"$output")" t2
}

@test "list: 300 ports of three bridges and 300 NAMEs, each row matched to its own link" {
	local i b
	for b in 0 1 2; do ip -n "$NS" link add "br$b" type bridge; done
	# Every fifth one isolated, so that each row's port settings show.
	for i in $(seq 0 299); do
		echo "add p$i --bridge br$((i % 3))$( ((i % 5 == 4)) && echo ' --isolated')"
	done >"$BATS_TEST_TMPDIR/b"
	tpc -b "$BATS_TEST_TMPDIR/b" >/dev/null
	run -0 tpc -j list
	assert_equal "$(jq -r 'map("\(.ifname) \(.master) \(.isolated)") | .[]' <<<"$output" | sort)" \
		"$(nsx ip -d -j link show | jq -r '.[] | select(.linkinfo.info_kind == "tun")
			| "\(.ifname) \(.master) \(.linkinfo.info_slave_data.isolated)"' | sort)"
	assert_equal "$(jq -c "[length, (map(select(.isolated)) | length), (map(.master) | unique)]" <<<"$output")" '[300,60,["br0","br1","br2"]]'
	# NAMEs out of order and twice: each row once, in ifindex order.
	run -0 tpc -j list $(seq 299 -1 0 | sed 's/^/p/') p7 p7
	assert_equal "$(jq -r 'map(.ifname) | join(" ")' <<<"$output")" \
		"$(seq 0 299 | sed 's/^/p/' | paste -sd ' ')"
	run -1 --separate-stderr tpc list $(seq 0 299 | sed 's/^/p/') p300
	assert_equal "$stderr" "tapctl: list p300: no such device"
}

@test "list NAME of a missing device or another kind: exit 1; a bad name: exit 2" {
	ip -n "$NS" link add br0 type bridge
	tpc add t1 >/dev/null
	run -1 --separate-stderr tpc list t1 nosuch
	assert_output ""
	assert_equal "$stderr" "tapctl: list nosuch: no such device"
	run -1 --separate-stderr tpc list br0
	assert_equal "$stderr" "tapctl: list br0: not a tun, tap or macvtap device (kind bridge)"
	run -1 --separate-stderr tpc list lo
	assert_equal "$stderr" "tapctl: list lo: not a tun, tap or macvtap device (kind none)"
	run -2 --separate-stderr tpc list 'a b'
	assert_equal "$stderr" "tapctl: list a b: interface name contains '/', ':' or white space"
}

@test "list -j: exactly the keys of SPEC.md, with JSON types" {
	ip -n "$NS" link add br0 type bridge
	tpc add t1 -u 65534 --bridge br0 >/dev/null
	tpc add t2 --tun >/dev/null
	run -0 tpc -j list
	assert_equal "$(jq -c '.[0] | keys_unsorted' <<<"$output")" \
		'["ifname","ifindex","kind","owner","group","persist","vnet_hdr","multi_queue","pi","queues","mac","mtu","up","operstate","master","pvid","vlans","isolated"]'
	assert_equal "$(jq -c 'map(keys) | unique | length' <<<"$output")" 1
	# A bridge port's pvid is its VLAN filtering's: the bridge's default
	# VLAN 1 where the kernel has it, else none (null).
	assert_equal "$(jq -c '.[0] | del(.pvid) | map_values(type)' <<<"$output")" \
		'{"ifname":"string","ifindex":"number","kind":"string","owner":"number","group":"null","persist":"boolean","vnet_hdr":"boolean","multi_queue":"boolean","pi":"boolean","queues":"number","mac":"string","mtu":"number","up":"boolean","operstate":"string","master":"string","vlans":"array","isolated":"boolean"}'
	assert_regex "$(jq -c '.[0].pvid' <<<"$output")" '^(null|1)$'
	assert_equal "$(jq -c '.[1] | [.kind, .owner, .mac, .master, .pvid, .vlans, .isolated]' <<<"$output")" \
		'["tun",null,null,null,null,null,null]'
}

@test "list -j: values agree with ip -d -j link show" {
	ip -n "$NS" link add br0 type bridge
	tpc add t1 -u 65534 -g 65533 --vnet-hdr --mtu 1400 --bridge br0 --txqueuelen 9 >/dev/null
	tpc add t2 --multi-queue --pi >/dev/null
	run -0 tpc -j list
	local ip mine t
	for t in t1 t2; do
		ip=$(link_json "$t" | jq -c '{ifname, ifindex, mac: .address, mtu,
			up: (.flags | index("UP") != null),
			master: (.master // null),
			kind: .linkinfo.info_data.type,
			persist: .linkinfo.info_data.persist,
			vnet_hdr: .linkinfo.info_data.vnet_hdr,
			multi_queue: .linkinfo.info_data.multi_queue,
			pi: .linkinfo.info_data.pi}')
		mine=$(jq -c --arg t "$t" '.[] | select(.ifname == $t) | {ifname, ifindex,
			mac, mtu, up, master, kind, persist, vnet_hdr,
			multi_queue, pi}' <<<"$output")
		assert_equal "$mine" "$ip"
	done
	assert_equal "$(jq -c '.[0] | [.owner, .group]' <<<"$output")" \
		"[$(sysfs t1 owner),$(sysfs t1 group)]"
}

# The kernel settles operstate a moment after carrier changes (linkwatch).
settled_operstate() {
	local want=$2 i
	for ((i = 0; i < 50; i++)); do
		[[ $(link_field "$1" .operstate) == "$want" ]] && return 0
		sleep 0.1
	done
	fail "$1 never reached operstate $want"
}

@test "list -j operstate: the kernel's, as ip shows it" {
	tpc add t1 --up >/dev/null
	settled_operstate t1 DOWN
	run -0 tpc -j list t1
	assert_equal "$(jq -r '.[0] | [.up, .operstate] | map(tostring) | join(" ")' <<<"$output")" "true DOWN"
	hold t1
	settled_operstate t1 UP
	run -0 tpc -j list t1
	assert_equal "$(jq -r '.[0].operstate' <<<"$output")" UP
	run -0 tpc list t1
	assert_equal "$(row t1 | cut -d' ' -f8)" up
	tpc set t1 --down
	settled_operstate t1 DOWN
	run -0 tpc -j list t1
	assert_equal "$(jq -r '.[0] | [.up, .operstate] | map(tostring) | join(" ")' <<<"$output")" "false DOWN"
	run -0 tpc list t1
	assert_equal "$(row t1 | cut -d' ' -f8)" down
}

@test "list -j queues: the queues attached now, 0 when nobody holds the device" {
	tpc add mq0 --multi-queue >/dev/null
	tpc add sq0 >/dev/null
	run -0 tpc -j list
	assert_equal "$(jq -c 'map({(.ifname): .queues}) | add' <<<"$output")" '{"mq0":0,"sq0":0}'
	hold mq0 multi_queue
	hold mq0 multi_queue
	hold sq0
	run -0 tpc -j list
	assert_equal "$(jq -c 'map({(.ifname): .queues}) | add' <<<"$output")" '{"mq0":2,"sq0":1}'
	# Up or down, the same.
	nsx ip link set sq0 up
	run -0 tpc -j list sq0
	assert_equal "$(jq '.[0].queues' <<<"$output")" 1
	kill "$HOLD_PID"
	wait "$HOLD_PID" || true
	run -0 tpc -j list sq0
	assert_equal "$(jq '.[0].queues' <<<"$output")" 0
}

@test "list -d: the processes holding each device, text and JSON" {
	tpc add t1 >/dev/null
	tpc add t2 >/dev/null
	tpc add mq0 --multi-queue >/dev/null
	hold t1
	local p1=$HOLD_PID
	hold mq0 multi_queue
	local p2=$HOLD_PID
	hold mq0 multi_queue
	local p3=$HOLD_PID
	run -0 --separate-stderr tpc list -d
	assert_equal "$stderr" ""
	assert_line --index 2 "    held by: tun-attach($p1)"
	assert_line --index 3 --regexp '^t2 '
	assert_line --index 4 --regexp '^mq0 '
	assert_line --index 5 "    held by: tun-attach($p2) tun-attach($p3)"
	assert_equal "${#lines[@]}" 6
	run -0 tpc -j list -d
	assert_equal "$(jq -c 'map({(.ifname): .holders}) | add' <<<"$output")" \
		"{\"t1\":[{\"pid\":$p1,\"comm\":\"tun-attach\"}],\"t2\":[],\"mq0\":[{\"pid\":$p2,\"comm\":\"tun-attach\"},{\"pid\":$p3,\"comm\":\"tun-attach\"}]}"
	# Without -d there is no holders key.
	run -0 tpc -j list
	assert_equal "$(jq 'map(has("holders")) | any' <<<"$output")" false
	# A process holding two queues of one device is named once.
	kill "$p2" "$p3"
	bg_tpc exec mq0 --queues 2 -- sleep 600
	queues() { [ "$(tpc -j list mq0 | jq '.[0].queues')" = "$1" ]; }
	wait_for queues 2
	run -0 tpc -j list -d mq0
	assert_equal "$(jq -c '.[0].holders' <<<"$output")" "[{\"pid\":$BGPID,\"comm\":\"sleep\"}]"
	kill "$BGPID"
}

@test "list -d: a holder of another namespace's device of the same name is not shown" {
	local ns2
	ns2=$(new_ns)
	tpc add tap0 >/dev/null
	ip netns exec "$ns2" "$TAPCTL" add tap0 >/dev/null
	ip netns exec "$ns2" "$TUN_ATTACH" tap0 hold >/dev/null &
	local other=$!
	defer kill "$other"
	hold tap0
	local mine=$HOLD_PID
	# Until the other one holds its tap0 the test proves nothing.
	for _ in $(seq 100); do
		grep -qs '^iff:' /proc/"$other"/fdinfo/* && break
		sleep 0.05
	done
	run -0 tpc -j list -d
	assert_equal "$(jq -c '.[0].holders' <<<"$output")" "[{\"pid\":$mine,\"comm\":\"tun-attach\"}]"
	run -0 "$TAPCTL" -n "$ns2" -j list -d
	assert_equal "$(jq -c '.[0].holders' <<<"$output")" "[{\"pid\":$other,\"comm\":\"tun-attach\"}]"
}

@test "list -n is right although /sys shows another namespace" {
	local ns2
	ns2=$(new_ns)
	tpc add tap0 -u 65534 -g 65533 --vnet-hdr --mtu 1400 >/dev/null
	# Another tap0 over there, with other settings; its /sys is what
	# ip netns exec mounts for the command below.
	ip netns exec "$ns2" "$TAPCTL" add tap0 --pi >/dev/null
	run -0 ip netns exec "$ns2" "$TAPCTL" -n "$NS" -j list
	assert_equal "$(jq -c '.[0] | [.ifname, .owner, .group, .vnet_hdr, .pi, .mtu]' <<<"$output")" \
		'["tap0",65534,65533,true,false,1400]'
	assert_equal "$(jq -r '.[0].ifindex' <<<"$output")" "$(link_field tap0 .ifindex)"
	# And from the host, where /sys knows nothing of tap0.
	run -0 tpcn list tap0
	assert_equal "$(row tap0)" "tap0 tap 65534 65533 persist,vnet_hdr $(link_field tap0 .address) 1400 down -"
}

@test "list: a name with UTF-8 and one with a quote come out as valid JSON" {
	tpc add $'t\xc3\xa9' >/dev/null
	tpc add 't"q\' >/dev/null
	run -0 tpc -j list
	assert_equal "$(jq -r 'map(.ifname) | join(" ")' <<<"$output")" $'t\xc3\xa9 t"q\\'
}
