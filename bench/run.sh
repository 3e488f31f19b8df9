#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tapctl benchmarks: tapctl against ip(8) and tunctl(8), side by side, in a
# throwaway network namespace.  Run as root from the source tree:
#
#   bench/run.sh                 default run (about a minute on an idle box)
#   QUICK=1 bench/run.sh         smoke run (under 20 s)
#
# Then bench/scale.sh (SCALE=0 skips it): every tool side by side at N =
# 250, 1000 and 4000.
#
# Environment: TAPCTL (binary, default ./tapctl), N (devices created and
# deleted), M (devices present for list), RUNS, DEL_RUNS, LIST_RUNS, OUT (results
# file, default bench/results.md; OUT=- for stdout only), TIMER=loop (use
# the bash timer even if hyperfine is installed).  See bench/README.md.
#
# Everything that touches a device runs inside the namespace bench-$$
# (`ip netns exec`), which is deleted on exit whatever happens.

# Command lines kept in strings are split into words on purpose.
# shellcheck disable=SC2086,SC2206

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
QUICK=${QUICK:-0}
if [[ $QUICK == 1 ]]; then
	N=${N:-20} M=${M:-50} RUNS=${RUNS:-2} DEL_RUNS=${DEL_RUNS:-1}
	LIST_RUNS=${LIST_RUNS:-10}
else
	N=${N:-100} M=${M:-200} RUNS=${RUNS:-3} DEL_RUNS=${DEL_RUNS:-2}
	LIST_RUNS=${LIST_RUNS:-20}
fi
MEM_RUNS=5
OUT=${OUT:-$ROOT/bench/results.md}
TAPCTL=${TAPCTL:-$ROOT/tapctl}
TIMER=${TIMER:-}
NS=bench-$$
PFX=bt		# bench device names: bt1 .. btN
GROUP=77	# ip link group used to delete many devices in one go

die() { echo "bench: $*" >&2; exit 1; }
say() { echo "bench: $*" >&2; }

[[ $(id -u) == 0 ]] || die "must run as root (it creates a network namespace)"
[[ $TAPCTL == */* ]] || TAPCTL=$(command -v "$TAPCTL" || true)
[[ -x $TAPCTL ]] || die "no tapctl binary at '$TAPCTL' (run make, or set TAPCTL=)"
TAPCTL=$(cd "$(dirname "$TAPCTL")" && pwd)/$(basename "$TAPCTL")
for c in ip jq; do
	command -v $c >/dev/null || die "needs $c"
done
[[ $N =~ ^[1-9][0-9]*$ && $M =~ ^[1-9][0-9]*$ ]] || die "N and M must be positive"

HAVE_TUNCTL=0 HAVE_STRACE=0 HAVE_HYPERFINE=0
command -v tunctl >/dev/null && HAVE_TUNCTL=1
command -v strace >/dev/null && HAVE_STRACE=1
[[ $TIMER != loop ]] && command -v hyperfine >/dev/null && HAVE_HYPERFINE=1

W=$(mktemp -d /tmp/tapctl-bench.XXXXXX)

cleanup() {
	local pids
	# Anything still running in the namespace (an interrupted hyperfine,
	# a hung command) would keep it busy: end it first.
	pids=$(ip netns pids "$NS" 2>/dev/null || true)
	if [[ -n $pids ]]; then
		kill $pids 2>/dev/null
		sleep 0.2
		pids=$(ip netns pids "$NS" 2>/dev/null || true)
		[[ -z $pids ]] || kill -9 $pids 2>/dev/null
	fi
	# Deleting the namespace deletes its devices in one batch.
	ip netns del "$NS" 2>/dev/null || true
	rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

nsx() { ip netns exec "$NS" "$@"; }

ip netns add "$NS" || die "cannot create namespace $NS"
nsx ip link set lo up

# ---------------------------------------------------------------------------
# Scripts that the timers run.  Each is a file so that hyperfine and the
# bash timer run exactly the same thing; each fails on the first error, so
# a broken tool cannot look fast.

mkscript() {	# NAME BODY...
	local f=$W/$1
	shift
	{ echo '#!/bin/bash'; echo 'set -e'; printf '%s\n' "$@"; } >"$f"
	chmod +x "$f"
}

loop() { echo "for i in \$(seq 1 $N); do $1; done"; }

seq 1 "$N" | sed "s/.*/add $PFX&/" >"$W/tapctl-add.txt"
seq 1 "$N" | sed "s/.*/del $PFX&/" >"$W/tapctl-del.txt"
seq 1 "$N" | sed "s/.*/tuntap add dev $PFX& mode tap/" >"$W/ip-add.txt"
seq 1 "$N" | sed "s/.*/tuntap del dev $PFX& mode tap/" >"$W/ip-del.txt"
seq 1 "$N" | sed "s/.*/add $PFX& --bridge br0 --mtu 1400/" >"$W/tapctl-cfg.txt"
seq 1 "$N" | sed "s/.*/tuntap add dev $PFX& mode tap\nlink set dev $PFX& mtu 1400 master br0 up/" \
	>"$W/ip-cfg.txt"

mkscript tapctl-add-each "$(loop "$TAPCTL -q add $PFX\$i")"
mkscript tapctl-add-batch "$TAPCTL -q -b $W/tapctl-add.txt"
mkscript ip-add-each "$(loop "ip tuntap add dev $PFX\$i mode tap")"
mkscript ip-add-batch "ip -batch $W/ip-add.txt"
mkscript tunctl-add-each "$(loop "tunctl -t $PFX\$i >/dev/null")"

mkscript tapctl-del-each "$(loop "$TAPCTL -q del $PFX\$i")"
mkscript tapctl-del-batch "$TAPCTL -q -b $W/tapctl-del.txt"
mkscript ip-del-each "$(loop "ip tuntap del dev $PFX\$i mode tap")"
mkscript ip-del-batch "ip -batch $W/ip-del.txt"
mkscript tunctl-del-each "$(loop "tunctl -d $PFX\$i >/dev/null")"

mkscript tapctl-cfg-each "$(loop "$TAPCTL -q add $PFX\$i --bridge br0 --mtu 1400")"
mkscript tapctl-cfg-batch "$TAPCTL -q -b $W/tapctl-cfg.txt"
mkscript ip-cfg-each "$(loop "ip tuntap add dev $PFX\$i mode tap; ip link set dev $PFX\$i mtu 1400 master br0 up")"
mkscript ip-cfg-batch "ip -batch $W/ip-cfg.txt"

# Untimed helpers.  reset deletes every bench device at once: one
# RTM_DELLINK per device costs the kernel a synchronize_net() each (about
# 20 ms here), `ip link del group` unregisters them all in one batch.
mkscript reset \
	"ip -j link show type tun | jq -r '.[].ifname | select(startswith(\"$PFX\")) | \"link set dev \\(.) group $GROUP\"' >$W/grp.txt" \
	"[ -s $W/grp.txt ] && ip -batch $W/grp.txt && ip link del group $GROUP" \
	"exit 0"
mkscript populate "$W/reset" "ip -batch $W/ip-add.txt"
# expect COUNT [cfg]: COUNT bench taps exist (and, with cfg, all have
# mtu 1400, are up and in br0): a benchmark whose command did nothing
# must not pass for a fast one.
mkscript expect \
	"n=\$(ip -d -j link show type tun | jq --arg cfg \"\${2:-}\" '[.[] | select(.ifname | startswith(\"$PFX\")) | select(\$cfg == \"\" or (.mtu == 1400 and .master == \"br0\" and (.flags | index(\"UP\"))))] | length')" \
	"[ \"\$n\" = \"\$1\" ] || { echo \"bench: expected \$1 bench taps\${2:+ (\$2)}, found \$n\" >&2; exit 1; }"

# ---------------------------------------------------------------------------
# Timing.  bench_group TITLE PER PREPARE AFTER NAME SCRIPT [NAME SCRIPT...]
# runs each SCRIPT RUNS times inside the namespace with PREPARE before each
# run (untimed) and AFTER once after the last run (a check), and appends a
# markdown table to $W/tables.md.  PER is the number of devices per run
# (0: no per-device column).

RUNS_NOW=$RUNS

time_hyperfine() {	# PREPARE AFTER NAME SCRIPT...
	local prep=$1 after=$2 args=()
	shift 2
	while (($#)); do
		args+=(-n "$1" "$2")
		shift 2
	done
	nsx hyperfine -N --style basic --runs "$RUNS_NOW" --output=pipe \
		--prepare "$prep" ${after:+--cleanup "$after"} \
		--export-json "$W/h.json" "${args[@]}" >&2
	jq -r '.results[] | [.command, .mean, .stddev, .min, .max] | @tsv' "$W/h.json"
}

# The bash timer (microseconds) runs inside the namespace as a whole, so that the
# timed commands pay no `ip netns exec` each.
cat >"$W/timer" <<'EOF_TIMER'
#!/bin/bash
# RUNS PREPARE AFTER NAME CMD [NAME CMD...] -> name mean stddev min max (s)
set -e
runs=$1 prep=$2 after=$3
shift 3
while (($#)); do
	t=()
	for ((r = 0; r < runs; r++)); do
		$prep >/dev/null
		# $EPOCHREALTIME (bash 5): no date(1) process inside the timing.
		s=${EPOCHREALTIME/[.,]/}
		$2 >/dev/null
		e=${EPOCHREALTIME/[.,]/}
		t+=($((e - s)))
	done
	[[ -z $after ]] || $after >/dev/null
	printf '%s\n' "${t[@]}" | awk -v name="$1" '
		{ x = $1 / 1e6; s += x; ss += x * x; n++
		  if (n == 1 || x < mn) mn = x; if (x > mx) mx = x }
		END { m = s / n; v = n > 1 ? (ss - n * m * m) / (n - 1) : 0
		      printf "%s\t%.9f\t%.9f\t%.9f\t%.9f\n", name, m, (v > 0 ? sqrt(v) : 0), mn, mx }'
	echo "bench:   $1: done" >&2
	shift 2
done
EOF_TIMER
chmod +x "$W/timer"

time_loop() {	# PREPARE AFTER NAME SCRIPT...
	nsx "$W/timer" "$RUNS_NOW" "$@"
}

bench_group() {
	local title=$1 per=$2 prep=$3 after=$4
	shift 4
	say "$title"
	if ((HAVE_HYPERFINE)); then
		time_hyperfine "$prep" "$after" "$@" >"$W/g.tsv"
	else
		time_loop "$prep" "$after" "$@" >"$W/g.tsv"
	fi
	{
		echo "### $title"
		echo
		if ((per)); then
			echo "| command | mean ± σ | min | max | per device | × fastest |"
			echo "|:---|---:|---:|---:|---:|---:|"
		else
			echo "| command | mean ± σ | min | max | × fastest |"
			echo "|:---|---:|---:|---:|---:|"
		fi
		awk -F'\t' -v per="$per" '
			function ms(x) { return x >= 0.1 ? sprintf("%.0f ms", x * 1e3) : \
				x >= 0.001 ? sprintf("%.1f ms", x * 1e3) : sprintf("%.0f µs", x * 1e6) }
			{ name[NR] = $1; m[NR] = $2; sd[NR] = $3; mn[NR] = $4; mx[NR] = $5
			  if (NR == 1 || $2 < best) best = $2 }
			END { for (i = 1; i <= NR; i++) {
				row = sprintf("| %s | %s ± %s | %s | %s |", name[i], ms(m[i]), ms(sd[i]), ms(mn[i]), ms(mx[i]))
				if (per) row = row sprintf(" %s |", ms(m[i] / per))
				print row sprintf(" %.2f |", m[i] / best) } }' "$W/g.tsv"
		echo
	} >>"$W/tables.md"
	cat "$W/g.tsv" >>"$W/all.tsv"
}

# ---------------------------------------------------------------------------
# Peak memory: the median of MEM_RUNS maximum resident set sizes.

mkrusage() {
	# /usr/bin/time (package time) if present, else a getrusage() wrapper.
	if [[ -x /usr/bin/time ]]; then
		echo "/usr/bin/time -f %M -o $W/rss --"
		return
	fi
	command -v cc >/dev/null || return 1
	cat >"$W/rusage.c" <<-'EOF'
	#include <stdio.h>
	#include <sys/resource.h>
	#include <sys/wait.h>
	#include <unistd.h>
	int main(int argc, char **argv)
	{
		struct rusage ru;
		int st;
		pid_t pid = fork();
		FILE *f;

		if (argc < 3 || pid < 0)
			return 125;
		if (!pid) {
			execvp(argv[2], argv + 2);
			_exit(127);
		}
		if (wait4(pid, &st, 0, &ru) < 0 || !(f = fopen(argv[1], "w")))
			return 125;
		fprintf(f, "%ld\n", ru.ru_maxrss);
		fclose(f);
		return WIFEXITED(st) ? WEXITSTATUS(st) : 125;
	}
	EOF
	cc -O2 -o "$W/rusage" "$W/rusage.c" || return 1
	echo "$W/rusage $W/rss"
}

mem_table() {	# NAME CMD...
	local rss_cmd name r
	rss_cmd=$(mkrusage) || { echo "(no /usr/bin/time and no cc: skipped)"; return; }
	echo "| command | max RSS (median of $MEM_RUNS) |"
	echo "|:---|---:|"
	while (($#)); do
		name=$1
		: >"$W/rss.all"
		for ((r = 0; r < MEM_RUNS; r++)); do
			nsx $rss_cmd $2 >/dev/null
			cat "$W/rss" >>"$W/rss.all"
		done
		echo "| $name | $(sort -n "$W/rss.all" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }') KiB |"
		shift 2
	done
}

# ---------------------------------------------------------------------------
# System calls and netlink round trips of one operation, by strace -f.
# A case is one or more commands separated by ' ;; ', counted together
# (ip needs two processes for what one tapctl add --bridge does).

strace_count() {	# FILE -> "syscalls execs nlsend nlrecv ioctl opens"
	awk '
		/^[0-9]+ +\+\+\+|^[0-9]+ +---|^\+\+\+|^---/ { next }
		/ resumed>/ { next }
		{ n++ }
		/(^|[ ])execve\(/ { ex++ }
		/(^|[ ])(sendto|sendmsg)\(/ { snd++ }
		/(^|[ ])(recvfrom|recvmsg)\(/ { rcv++ }
		/(^|[ ])ioctl\([0-9]+, (TUN|SIOC)/ { io++ }
		/(^|[ ])(openat|open)\(/ { op++ }
		END { printf "%d %d %d %d %d %d\n", n, ex, snd, rcv, io, op }' "$1"
}

strace_row() {	# SETUP NAME CMDS
	local setup=$1 name=$2 cmds=$3 c t=(0 0 0 0 0 0) v i
	[[ -z $setup ]] || nsx bash -c "$setup" >/dev/null 2>&1
	while [[ -n $cmds ]]; do
		c=${cmds%% ;; *}
		[[ $cmds == *" ;; "* ]] && cmds=${cmds#* ;; } || cmds=
		# shellcheck disable=SC2086
		nsx strace -f -qq -o "$W/st" $c >/dev/null 2>"$W/st.err" ||
			{ echo "| $name | failed: $(head -c 200 "$W/st.err") |||||"; return; }
		read -ra v <<<"$(strace_count "$W/st")"
		for i in 0 1 2 3 4 5; do t[i]=$((t[i] + v[i])); done
	done
	echo "| $name | ${t[1]} | ${t[0]} | ${t[2]} | ${t[3]} | ${t[4]} | ${t[5]} |"
}

# ---------------------------------------------------------------------------

say "namespace $NS, N=$N M=$M runs=$RUNS (delete runs $DEL_RUNS, list runs $LIST_RUNS)," \
	"timer $( ((HAVE_HYPERFINE)) && echo hyperfine || echo bash-loop)"
nsx ip link add br0 type bridge
nsx ip link set br0 up
START=$(date +%s)
: >"$W/tables.md"
: >"$W/all.tsv"

# 1. create N, then delete N.
set -- "tapctl add (1 process/device)" "$W/tapctl-add-each" \
	"tapctl -b (1 process)" "$W/tapctl-add-batch" \
	"ip tuntap add (1 process/device)" "$W/ip-add-each" \
	"ip -batch tuntap add (1 process)" "$W/ip-add-batch"
((HAVE_TUNCTL)) && set -- "$@" "tunctl -t (1 process/device)" "$W/tunctl-add-each"
RUNS_NOW=$RUNS bench_group "Create $N persistent taps" "$N" "$W/reset" "$W/expect $N" "$@"

set -- "tapctl del (1 process/device)" "$W/tapctl-del-each" \
	"tapctl -b (1 process)" "$W/tapctl-del-batch" \
	"ip tuntap del (1 process/device)" "$W/ip-del-each" \
	"ip -batch tuntap del (1 process)" "$W/ip-del-batch"
((HAVE_TUNCTL)) && set -- "$@" "tunctl -d (1 process/device)" "$W/tunctl-del-each"
RUNS_NOW=$DEL_RUNS bench_group "Delete $N persistent taps" "$N" "$W/populate" "$W/expect 0" "$@"

# 2. create N configured taps: MTU 1400, in bridge br0, up.
RUNS_NOW=$RUNS bench_group "Create $N taps with --bridge br0 --mtu 1400 (up)" "$N" \
	"$W/reset" "$W/expect $N cfg" \
	"tapctl add --bridge --mtu (1 process/device)" "$W/tapctl-cfg-each" \
	"tapctl -b (1 process)" "$W/tapctl-cfg-batch" \
	"ip tuntap add + ip link set (2 processes/device)" "$W/ip-cfg-each" \
	"ip -batch tuntap add + link set (1 process)" "$W/ip-cfg-batch"
nsx "$W/reset"

# 3. list with M devices present (left for the namespace's own deletion,
# which unregisters them in one batch).
seq 1 "$M" | sed "s/.*/tuntap add dev $PFX& mode tap/" >"$W/ip-addm.txt"
nsx ip -batch "$W/ip-addm.txt"
nsx "$W/expect" "$M"
RUNS_NOW=$LIST_RUNS bench_group "List with $M taps present" 0 true "" \
	"tapctl list" "$TAPCTL list" \
	"tapctl -j list" "$TAPCTL -j list" \
	"tapctl list -d (holders from /proc)" "$TAPCTL list -d" \
	"ip -d -j link show type tun" "ip -d -j link show type tun" \
	"ip -d link show" "ip -d link show" \
	"ip tuntap show" "ip tuntap show"

say "peak memory"
MEM=$(mem_table "tapctl list" "$TAPCTL list" \
	"tapctl -j list" "$TAPCTL -j list" \
	"ip -d link show" "ip -d link show" \
	"ip -d -j link show type tun" "ip -d -j link show type tun" \
	"ip tuntap show" "ip tuntap show")

say "system calls"
if ((HAVE_STRACE)); then
	X=${PFX}x
	del_x="ip link del $X 2>/dev/null; true"
	mk_x="ip tuntap add dev $X mode tap"
	{
		echo "| operation | processes | syscalls | netlink sends | netlink receives | tun/sock ioctls | files opened |"
		echo "|:---|---:|---:|---:|---:|---:|---:|"
		strace_row "$del_x" "tapctl add X" "$TAPCTL -q add $X"
		strace_row "$del_x" "ip tuntap add dev X mode tap" "ip tuntap add dev $X mode tap"
		((HAVE_TUNCTL)) && strace_row "$del_x" "tunctl -t X" "tunctl -t $X"
		strace_row "$del_x" "tapctl add X --bridge br0 --mtu 1400" \
			"$TAPCTL -q add $X --bridge br0 --mtu 1400"
		strace_row "$del_x" "ip tuntap add + ip link set mtu master up" \
			"ip tuntap add dev $X mode tap ;; ip link set dev $X mtu 1400 master br0 up"
		strace_row "$del_x; $mk_x" "tapctl del X" "$TAPCTL -q del $X"
		strace_row "$del_x; $mk_x" "ip tuntap del dev X mode tap" "ip tuntap del dev $X mode tap"
		strace_row "$del_x; $mk_x" "ip link del X" "ip link del $X"
		((HAVE_TUNCTL)) && strace_row "$del_x; $mk_x" "tunctl -d X" "tunctl -d $X"
		nsx ip link del $X 2>/dev/null || true
		strace_row "" "tapctl list ($M taps)" "$TAPCTL list"
		strace_row "" "tapctl -j list ($M taps)" "$TAPCTL -j list"
		strace_row "" "ip -d -j link show type tun ($M taps)" "ip -d -j link show type tun"
		strace_row "" "ip tuntap show ($M taps)" "ip tuntap show"
		nsx "$W/reset"
		strace_row "" "tapctl -b: $N adds" "$TAPCTL -q -b $W/tapctl-add.txt"
		nsx "$W/reset"
		strace_row "" "ip -batch: $N tuntap adds" "ip -batch $W/ip-add.txt"
		nsx "$W/reset"
	} >"$W/strace.md"
else
	echo "(strace not installed: skipped)" >"$W/strace.md"
fi

ELAPSED=$(($(date +%s) - START))
say "done in ${ELAPSED}s"

# ---------------------------------------------------------------------------

cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
rev=$(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo unknown)
{
	echo "# tapctl benchmark results"
	echo
	echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "- kernel: $(uname -r) ($(uname -m)); CPU: ${cpu:-unknown}, $(nproc) online"
	echo "- load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "- tapctl: $("$TAPCTL" --version 2>/dev/null | head -1) (tree $rev), $TAPCTL"
	echo "- $(ip -V 2>&1 | head -1)$( ((HAVE_TUNCTL)) && echo "; tunctl from $(dpkg-query -W -f='uml-utilities ${Version}' uml-utilities 2>/dev/null || echo '?')")"
	# shellcheck disable=SC2016
	echo "- timer: $( ((HAVE_HYPERFINE)) && hyperfine --version || echo 'bash loop, $EPOCHREALTIME')," \
		"runs: $RUNS (delete: $DEL_RUNS, list: $LIST_RUNS); N=$N, M=$M$( [[ $QUICK == 1 ]] && echo ', QUICK=1')"
	echo "- wall time of the run: ${ELAPSED}s"
	echo
	echo "Times include process start-up; \"per device\" is the mean divided by the"
	echo "number of devices.  \"× fastest\" is relative to the fastest row of its table."
	echo
	cat "$W/tables.md"
	echo "### Peak memory with $M taps present"
	echo
	echo "$MEM"
	echo
	echo "### System calls per operation (strace -f)"
	echo
	echo "Netlink sends are requests (round trips); ioctls are TUN*/SIOC* on /dev/net/tun"
	echo "or a socket; files opened include shared libraries and /sys or /proc files."
	echo
	cat "$W/strace.md"
} >"$W/results.md"

# The side-by-side scaling run (bench/scale.sh), unless SCALE=0.
if [[ ${SCALE:-1} == 1 ]]; then
	say "scaling run (bench/scale.sh)"
	{
		echo
		QUICK=$QUICK TAPCTL=$TAPCTL "$ROOT/bench/scale.sh"
	} >>"$W/results.md"
fi

cat "$W/results.md"
if [[ $OUT != - ]]; then
	cp "$W/results.md" "$OUT"
	say "written to $OUT"
fi
