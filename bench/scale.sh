#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Side by side at several sizes: tapctl -b, a tapctl loop, ip -batch, an ip
# loop, a tunctl loop and a C lower bound (bench/lowerbound.c: raw ioctls
# and one netlink message per device), for create, full setup, macvtap,
# list and delete, at N = 250, 1000 and 4000 (taps spread over bridges of
# at most 1000 ports), plus start-up.  Each N runs in a throwaway network
# namespace of its own.  Prints a markdown section on stdout.
#
#   bench/scale.sh                 N = 250 1000 4000
#   QUICK=1 bench/scale.sh         N = 50 200 (a smoke run)
#
# Environment: TAPCTL, SIZES ("250 1000 4000"), LOOP_MAX (largest N for
# the one-process-per-device loops, 250), OPS (the operations, all by
# default: create setup macvtap list delete), SLOW_DEL_MAX (largest N for the
# one-RTM_DELLINK-per-device deletes, 1000), RUNS (runs of each batch
# command, the median is shown; 3).

# Command lines kept in strings are split into words on purpose.
# shellcheck disable=SC2086
# Command arrays are handed to side() by name; seq prints plain words.
# shellcheck disable=SC2034,SC2207

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TAPCTL=${TAPCTL:-$ROOT/tapctl}
if [[ ${QUICK:-0} == 1 ]]; then
	SIZES=${SIZES:-"50 200"} LOOP_MAX=${LOOP_MAX:-50}
	SLOW_DEL_MAX=${SLOW_DEL_MAX:-50} RUNS=${RUNS:-1}
else
	SIZES=${SIZES:-"250 1000 4000"} LOOP_MAX=${LOOP_MAX:-250}
	SLOW_DEL_MAX=${SLOW_DEL_MAX:-1000} RUNS=${RUNS:-3}
fi
PER_BR=1000
OPS=${OPS:-create setup macvtap list apply delete}
want() { [[ " $OPS " == *" $1 "* ]]; }
HAVE_TUNCTL=0
command -v tunctl >/dev/null && HAVE_TUNCTL=1

say() { echo "scale: $*" >&2; }

W=$(mktemp -d /tmp/tapctl-scale.XXXXXX)
NS=
cleanup() {
	local pids
	if [[ -n $NS ]]; then
		pids=$(ip netns pids "$NS" 2>/dev/null || true)
		[[ -z $pids ]] || kill $pids 2>/dev/null || true
		ip netns del "$NS" 2>/dev/null || true
	fi
	rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cc -O2 -o "$W/lowerbound" "$ROOT/bench/lowerbound.c"
LB=$W/lowerbound
nsx() { ip netns exec "$NS" "$@"; }

# Seconds of one run of CMD... inside the namespace (no ip netns exec in
# the timing: the timer itself runs inside).
cat >"$W/time1" <<'EOF_T'
#!/bin/bash
s=${EPOCHREALTIME/[.,]/}
"$@" >/dev/null || { echo "scale: failed: $*" >&2; exit 1; }
e=${EPOCHREALTIME/[.,]/}
echo $((e - s))
EOF_T
chmod +x "$W/time1"

# Every link whose name starts with $1 gone, in one kernel batch (untimed).
reset() {
	nsx ip -j link show | jq -r --arg p "$1" \
		'.[].ifname | select(startswith($p)) | "link set dev \(.) group 4242"' >"$W/grp"
	if [[ -s $W/grp ]]; then
		nsx ip -batch "$W/grp"
		nsx ip link del group 4242
	fi
}

count() { nsx ip -j link show | jq --arg p "$1" '[.[] | select(.ifname | startswith($p))] | length'; }

# record OP N TOOL MICROSECONDS
record() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$W/rows.tsv"; }

# timed OP N TOOL PFX PREPARE CMD...: RUNS runs (1 for loops), median;
# PREPARE runs before each (untimed); afterwards N devices PFX* must exist
# (or none, for delete).
timed() {
	local op=$1 n=$2 tool=$3 pfx=$4 prep=$5 runs=$RUNS r t=() want
	shift 5
	[[ $tool == *loop* ]] && runs=1
	want=$n
	[[ $op == delete ]] && want=0
	for ((r = 0; r < runs; r++)); do
		$prep
		t+=("$(nsx "$W/time1" "$@")")
		if [[ $(count "$pfx") != "$want" ]]; then
			say "$op $tool N=$n: expected $want $pfx* links, found $(count "$pfx")"
			exit 1
		fi
	done
	record "$op" "$n" "$tool" "$(printf '%s\n' "${t[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')"
	say "  $op $tool: done"
}

# side OP N PFX PREPARE LABEL ARRAY [LABEL ARRAY...]: the commands of one
# cell (each ARRAY names an array holding one), RUNS rounds taking them in
# turn (1, 2, 3, 1, 2, 3, ...), so that what one run leaves the kernel to
# finish (deferred frees, linkwatch) weighs on every tool alike; then each
# one's median. PREPARE runs before each run, untimed; afterwards N
# devices PFX* must exist (or none, for delete).
side() {
	local op=$1 n=$2 pfx=$3 prep=$4 r i t want=$2
	shift 4
	local -a labels=() arrays=() times=()
	while (($# >= 2)); do labels+=("$1"); arrays+=("$2"); shift 2; done
	[[ $op == delete ]] && want=0
	for ((r = 0; r < RUNS; r++)); do
		for i in "${!labels[@]}"; do
			local -n cmd=${arrays[i]}
			$prep
			t=$(nsx "$W/time1" "${cmd[@]}")
			unset -n cmd
			if [[ $(count "$pfx") != "$want" ]]; then
				say "$op ${labels[i]} N=$n: expected $want $pfx* links, found $(count "$pfx")"
				exit 1
			fi
			times[i]+="$t "
		done
	done
	for i in "${!labels[@]}"; do
		# shellcheck disable=SC2086 # one number per word
		record "$op" "$n" "${labels[i]}" "$(printf '%s\n' ${times[i]} | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')"
	done
	say "  $op: done"
}

loop_file() {	# FILE: a bash script running each line of FILE as a command
	{ echo 'set -e'; cat "$1"; } >"$1.sh"
	echo "$1.sh"
}

populate() { reset "$1"; nsx ip -batch "$W/ip-$1.txt"; }

run_size() {
	local n=$1 i nb pfx
	NS=bench-scale-$$-$n
	ip netns add "$NS"
	nsx ip link set lo up
	nsx ip link add veth0 type veth peer name veth1
	nsx ip link set veth0 up
	nb=$(((n + PER_BR - 1) / PER_BR))
	for ((i = 0; i < nb; i++)); do
		nsx ip link add "br$i" type bridge
		nsx ip link set "br$i" up
	done
	say "N=$n ($nb bridge(s)) in $NS"
	# Lines of each tool; c: create, s: full setup, m: macvtap.
	: >"$W/tapctl-c.txt"; : >"$W/tapctl-s.txt"; : >"$W/tapctl-m.txt"; : >"$W/tapctl-d.txt"
	: >"$W/ip-c.txt"; : >"$W/ip-s.txt"; : >"$W/ip-m.txt"; : >"$W/ip-d.txt"
	: >"$W/tunctl-c.txt"; : >"$W/tunctl-d.txt"
	for ((i = 1; i <= n; i++)); do
		local br=br$(((i - 1) / PER_BR))
		echo "add c$i" >>"$W/tapctl-c.txt"
		echo "add s$i -u 1000 --bridge $br" >>"$W/tapctl-s.txt"
		echo "add m$i --macvtap veth0 --mode bridge" >>"$W/tapctl-m.txt"
		echo "del c$i" >>"$W/tapctl-d.txt"
		echo "tuntap add dev c$i mode tap" >>"$W/ip-c.txt"
		printf 'tuntap add dev s%d mode tap user 1000\nlink set dev s%d master %s up\n' "$i" "$i" "$br" >>"$W/ip-s.txt"
		echo "link add link veth0 name m$i type macvtap mode bridge" >>"$W/ip-m.txt"
		echo "link del dev c$i" >>"$W/ip-d.txt"
		echo "tunctl -t c$i" >>"$W/tunctl-c.txt"
		echo "tunctl -d c$i" >>"$W/tunctl-d.txt"
	done
	sed 's|^|'"$TAPCTL"' -q |' "$W/tapctl-c.txt" >"$W/tapctl-c.loop"
	sed 's|^|'"$TAPCTL"' -q |' "$W/tapctl-s.txt" >"$W/tapctl-s.loop"
	sed 's|^|'"$TAPCTL"' -q |' "$W/tapctl-m.txt" >"$W/tapctl-m.loop"
	sed 's|^|'"$TAPCTL"' -q |' "$W/tapctl-d.txt" >"$W/tapctl-d.loop"
	sed 's|^|ip |' "$W/ip-c.txt" >"$W/ip-c.loop"
	sed 's|^|ip |' "$W/ip-s.txt" >"$W/ip-s.loop"
	sed 's|^|ip |' "$W/ip-m.txt" >"$W/ip-m.loop"
	sed 's|^|ip |' "$W/ip-d.txt" >"$W/ip-d.loop"
	sed 's|$| >/dev/null|' "$W/tunctl-c.txt" >"$W/tunctl-c.loop"
	sed 's|$| >/dev/null|' "$W/tunctl-d.txt" >"$W/tunctl-d.loop"
	local small=0 slowdel=0
	((n <= LOOP_MAX)) && small=1
	((n <= SLOW_DEL_MAX)) && slowdel=1

	# create
	want create && {
	local -a t_c=("$TAPCTL" -q -b "$W/tapctl-c.txt") i_c=(ip -batch "$W/ip-c.txt")
	local -a l_c=("$LB" create c "$n")
	side create "$n" c "reset c" "tapctl -b" t_c "ip -batch" i_c "lower bound" l_c
	if ((small)); then
		timed create "$n" "tapctl loop" c "reset c" bash "$(loop_file "$W/tapctl-c.loop")"
		timed create "$n" "ip loop" c "reset c" bash "$(loop_file "$W/ip-c.loop")"
		((HAVE_TUNCTL)) &&
			timed create "$n" "tunctl loop" c "reset c" bash "$(loop_file "$W/tunctl-c.loop")"
	fi
	reset c
	}
	# full setup: owner, in its bridge, up
	want setup && {
	local -a t_s=("$TAPCTL" -q -b "$W/tapctl-s.txt") i_s=(ip -batch "$W/ip-s.txt")
	local -a l_s=("$LB" setup s "$n" 1000 br "$PER_BR")
	side setup "$n" s "reset s" "tapctl -b" t_s "ip -batch" i_s "lower bound" l_s
	if ((small)); then
		timed setup "$n" "tapctl loop" s "reset s" bash "$(loop_file "$W/tapctl-s.loop")"
		timed setup "$n" "ip loop" s "reset s" bash "$(loop_file "$W/ip-s.loop")"
	fi
	reset s
	}
	# macvtap (tapctl checks the node: lower bound reads sysfs and stats it)
	want macvtap && {
	local -a t_m=("$TAPCTL" -q -b "$W/tapctl-m.txt") i_m=(ip -batch "$W/ip-m.txt")
	local -a l_m=("$LB" macvtap m "$n" veth0)
	side macvtap "$n" m "reset m" "tapctl -b" t_m "ip -batch" i_m "lower bound" l_m
	if ((small)); then
		timed macvtap "$n" "tapctl loop" m "reset m" bash "$(loop_file "$W/tapctl-m.loop")"
		timed macvtap "$n" "ip loop" m "reset m" bash "$(loop_file "$W/ip-m.loop")"
	fi
	reset m
	}
	# list, N taps present (10 runs: median)
	want list && {
	populate c
	local -a t_l=("$TAPCTL" list) t_jl=("$TAPCTL" -j list)
	local -a i_l=(ip -d -j link show type tun) l_l=("$LB" list)
	RUNS=10 side list "$n" c true "tapctl list" t_l "tapctl -j list" t_jl \
		"ip -d -j link show type tun" i_l "lower bound (raw dump)" l_l
	}
	# apply: all absent (against a batch of adds), all as declared
	# (against a list of them: one dump, no request per device)
	want apply && {
	sed 's/^add //' "$W/tapctl-c.txt" >"$W/apply-c.conf"
	timed apply "$n" "tapctl apply (all absent)" c "reset c" "$TAPCTL" -q apply "$W/apply-c.conf"
	timed apply "$n" "tapctl -b (the same adds)" c "reset c" "$TAPCTL" -q -b "$W/tapctl-c.txt"
	populate c
	RUNS=10 timed apply "$n" "tapctl apply (all as declared)" c true "$TAPCTL" -q apply "$W/apply-c.conf"
	RUNS=10 timed apply "$n" "tapctl list (of them)" c true "$TAPCTL" list
	reset c
	}
	# delete, N taps present
	want delete && {
	local -a t_d=("$TAPCTL" del $(seq -f 'c%g' 1 "$n")) t_bd=("$TAPCTL" -q -b "$W/tapctl-d.txt")
	local -a l_d=("$LB" delete c "$n") i_gd=(ip -batch "$W/grp-c.txt")
	side delete "$n" c "populate c" "tapctl del NAME..." t_d "tapctl -b" t_bd \
		"lower bound (group)" l_d "ip -batch: group + del group" i_gd
	if ((slowdel)); then
		RUNS=1 timed delete "$n" "ip -batch" c "populate c" ip -batch "$W/ip-d.txt"
	fi
	if ((small)); then
		timed delete "$n" "tapctl loop" c "populate c" bash "$(loop_file "$W/tapctl-d.loop")"
		timed delete "$n" "ip loop" c "populate c" bash "$(loop_file "$W/ip-d.loop")"
		((HAVE_TUNCTL)) &&
			timed delete "$n" "tunctl loop" c "populate c" bash "$(loop_file "$W/tunctl-d.loop")"
	fi
	true
	}
	ip netns del "$NS"
	NS=
}

: >"$W/rows.tsv"
for n in $SIZES; do
	seq 1 "$n" | sed 's/.*/link set dev c& group 4343/' >"$W/grp-c.txt"
	echo "link del group 4343" >>"$W/grp-c.txt"
	run_size "$n"
done

# Start-up: 500 runs each, in the host namespace (nothing is changed); the
# mean of each. They take turns, one timed command per turn, so that
# neither pays for the loop's own work more than the other.
startup() {
	local i s t a=0 b=0
	for ((i = 0; i < 1000; i++)); do
		s=${EPOCHREALTIME/[.,]/}
		if ((i % 2)); then
			"$TAPCTL" -V >/dev/null
			t=${EPOCHREALTIME/[.,]/}
			a=$((a + t - s))
		else
			/bin/true -V >/dev/null
			t=${EPOCHREALTIME/[.,]/}
			b=$((b + t - s))
		fi
	done
	STARTUP_T=$((a / 500)) STARTUP_TRUE=$((b / 500))
}
startup

# ---------------------------------------------------------------- report
fmt() { awk -v u="$1" 'BEGIN { x = u / 1000; if (x >= 100) printf "%.0f ms", x; else if (x >= 1) printf "%.1f ms", x; else printf "%.0f µs", u }'; }

# ratio OP A B: a row of A's time over B's at each N, and how that ratio
# grows: flat when A's own cost per device grows only as the kernel's.
ratio() {
	local n a b first='' last='' k=0
	printf '| %s ÷ %s |' "$2" "$3"
	for n in $SIZES; do
		a=$(awk -F'\t' -v op="$1" -v n="$n" -v t="$2" '$1 == op && $2 == n && $3 == t { print $4 }' "$W/rows.tsv")
		b=$(awk -F'\t' -v op="$1" -v n="$n" -v t="$3" '$1 == op && $2 == n && $3 == t { print $4 }' "$W/rows.tsv")
		if [[ -z $a || -z $b || $b == 0 ]]; then
			printf ' – |'
			continue
		fi
		awk -v a="$a" -v b="$b" 'BEGIN { printf " %.2f× |", a / b }'
		[[ -n $first ]] || first="$a $b"
		last="$a $b" k=$((k + 1))
	done
	if ((k > 1)); then
		awk -v f="$first" -v l="$last" 'BEGIN { split(f, x, " "); split(l, y, " "); printf " %.2f× |\n", (y[1] / y[2]) / (x[1] / x[2]) }'
	else
		echo ' – |'
	fi
}

echo "## Scaling, side by side (N = ${SIZES// /, })"
echo
echo "One run of each cell (batch commands: the median of $RUNS runs; list: of 10;"
echo "the tools of a cell take turns, run by run),"
echo "each N in a fresh namespace; taps spread over bridges of at most $PER_BR ports."
echo "Loops (one process per device) only up to N = $LOOP_MAX; deletes with one"
echo "RTM_DELLINK per device (\`ip -batch\` of \`link del\`) up to N = $SLOW_DEL_MAX."
echo "Cells: total time, then per device in parentheses. A row \"A ÷ B\" is A's"
echo "time over B's, and in the last column how much that ratio grows: 1.00×"
echo "when A's cost per device grows only as much as B's (the kernel's)."
echo
for op in $OPS; do
	case $op in
	create) echo "### Create: \`add cN\` (persistent tap)" ;;
	setup) echo "### Full setup: \`add sN -u 1000 --bridge brK\` (owner, bridge port, up)" ;;
	macvtap) echo "### macvtap: \`add mN --macvtap veth0 --mode bridge\` (node checked)" ;;
	list) echo "### List with N taps present" ;;
	apply) echo "### apply: a file declaring N taps (\`cN\`)" ;;
	delete) echo "### Delete N taps" ;;
	esac
	echo
	printf '| tool |'
	for n in $SIZES; do printf ' N=%s |' "$n"; done
	printf ' growth (per device, N=%s vs N=%s) |\n' "${SIZES##* }" "${SIZES%% *}"
	printf '|:---|'
	for n in $SIZES; do printf -- '---:|'; done
	echo '---:|'
	awk -F'\t' -v op="$op" '$1 == op && !seen[$3]++ { print $3 }' "$W/rows.tsv" | while read -r tool; do
		printf '| %s |' "$tool"
		first='' last=''
		for n in $SIZES; do
			us=$(awk -F'\t' -v op="$op" -v n="$n" -v t="$tool" '$1 == op && $2 == n && $3 == t { print $4 }' "$W/rows.tsv")
			if [[ -z $us ]]; then
				printf ' – |'
				continue
			fi
			per=$((us / n))
			printf ' %s (%s) |' "$(fmt "$us")" "$(fmt "$per")"
			[[ -n $first ]] || first=$((us * 1000 / n))
			last=$((us * 1000 / n))
			lastn=$n
		done
		if [[ -n $first && $lastn != "${SIZES%% *}" ]]; then
			awk -v a="$first" -v b="$last" 'BEGIN { printf " %.2f× |\n", b / a }'
		else
			echo ' – |'
		fi
	done
	case $op in
	create | setup | macvtap) ratio "$op" "tapctl -b" "lower bound" ;;
	list) ratio "$op" "tapctl list" "lower bound (raw dump)" ;;
	delete) ratio "$op" "tapctl del NAME..." "lower bound (group)" ;;
	esac
	echo
done
echo "### Start-up (mean of 500, taking turns)"
echo
echo "| command | time |"
echo "|:---|---:|"
echo "| tapctl -V | $(fmt "$STARTUP_T") |"
echo "| /bin/true | $(fmt "$STARTUP_TRUE") |"
echo
cp "$W/rows.tsv" "${ROWS_OUT:-/dev/null}" 2>/dev/null || true
