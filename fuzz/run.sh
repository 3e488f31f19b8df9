#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Builds tapctl's libFuzzer targets (fuzz/*_fuzz.c) with clang and
# ASan+UBSan, and runs each for a bounded time from its seed corpus.
#
#   fuzz/run.sh                   every target, FUZZ_TIME (30) seconds each
#   fuzz/run.sh parse netlink     only these targets
#   FUZZ_TIME=0 fuzz/run.sh       no fuzzing: replay the committed corpora
#                                 (a quick regression check)
#
# Environment: CC (default clang-14, else clang), FUZZ_TIME, FUZZ_SKIP_REPORTED=1
# (relax the checks for deviations already reported, see fuzz/README.md),
# FUZZ_FLAGS (more libFuzzer flags).  Output goes to build/fuzz/ in the
# source tree: binaries, the grown corpora, logs and crash files.
# Exit status: 0 if no target failed, 1 otherwise.

# CFLAGS, LIBS and FUZZ_FLAGS are word lists, split on purpose.
# shellcheck disable=SC2086,SC2206

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
B=build/fuzz
FUZZ_TIME=${FUZZ_TIME:-30}
CC=${CC:-$(command -v clang-14 || command -v clang || true)}
[[ -n $CC ]] || { echo "fuzz: needs clang (apt-get install clang libclang-rt-14-dev)" >&2; exit 1; }
[[ $FUZZ_TIME =~ ^[0-9]+$ ]] || { echo "fuzz: FUZZ_TIME must be seconds" >&2; exit 1; }

SAN="-fsanitize=address,undefined -fno-sanitize-recover=all"
CFLAGS="-std=gnu11 -g -O1 -fno-omit-frame-pointer -Wall -Wextra $SAN"
[[ ${FUZZ_SKIP_REPORTED:-0} == 1 ]] && CFLAGS+=" -DFUZZ_SKIP_REPORTED"
LIBS="$(pkg-config --libs libmnl 2>/dev/null || echo -lmnl) $(pkg-config --libs popt 2>/dev/null || echo -lpopt)"

mkdir -p "$B/obj" "$B/crashes"
# configure's src/config.h when there is one; otherwise the two lines
# the sources need.
INC=(-Isrc)
if [[ ! -f src/config.h ]]; then
	printf '#define _GNU_SOURCE 1\n#define PACKAGE_VERSION "fuzz"\n' >"$B/config.h"
	INC=(-I"$B" -Isrc)
fi

if (($#)); then
	TARGETS=("$@")
else
	TARGETS=()
	for f in fuzz/*_fuzz.c; do
		t=${f#fuzz/}
		TARGETS+=("${t%_fuzz.c}")
	done
fi

# The sources as one archive, instrumented for coverage: each target pulls
# in only the modules it uses.  A target that #includes a src/*.c file (to
# reach its static functions) gets its own copy and the archive's is never
# pulled, as every symbol of it is then defined already.
echo "fuzz: building with $CC" >&2
objs=()
for f in src/*.c; do
	[[ $f == src/main.c ]] && continue
	o=$B/obj/$(basename "${f%.c}").o
	if [[ ! -f $o || $f -nt $o || $0 -nt $o ]] || ! cmp -s <(echo "$CFLAGS") "$B/obj/.flags"; then
		"$CC" $CFLAGS -fsanitize=fuzzer-no-link "${INC[@]}" -c "$f" -o "$o"
	fi
	objs+=("$o")
done
echo "$CFLAGS" >"$B/obj/.flags"
rm -f "$B/libtapctl.a"
ar rcs "$B/libtapctl.a" "${objs[@]}"

for t in "${TARGETS[@]}"; do
	[[ -f fuzz/${t}_fuzz.c ]] || { echo "fuzz: no target fuzz/${t}_fuzz.c" >&2; exit 1; }
	"$CC" $CFLAGS -fsanitize=fuzzer "${INC[@]}" "fuzz/${t}_fuzz.c" \
		"$B/libtapctl.a" $LIBS -o "$B/${t}_fuzz"
done

failed=()
summary=()
for t in "${TARGETS[@]}"; do
	bin=$B/${t}_fuzz log=$B/$t.log seeds=fuzz/corpus/$t
	mkdir -p "$seeds" "$B/corpus/$t"
	flags=(-timeout=10 -rss_limit_mb=2048 -print_final_stats=1
	       "-artifact_prefix=$B/crashes/$t-")
	[[ -f fuzz/dict/$t.dict ]] && flags+=("-dict=fuzz/dict/$t.dict")
	flags+=(${FUZZ_FLAGS:-})
	if ((FUZZ_TIME == 0)); then
		echo "fuzz: $t: replaying $seeds" >&2
		mapfile -t files < <(find "$seeds" -type f | sort)
		if ((${#files[@]} == 0)); then
			summary+=("$t: no seeds in $seeds")
			continue
		fi
		set +e
		"$bin" "${flags[@]}" "${files[@]}" >"$log" 2>&1
		rc=$?
		set -e
	else
		echo "fuzz: $t: ${FUZZ_TIME}s" >&2
		# New inputs go to build/, the committed seeds stay as they are.
		set +e
		"$bin" "${flags[@]}" -max_total_time="$FUZZ_TIME" \
			"$B/corpus/$t" "$seeds" >"$log" 2>&1
		rc=$?
		set -e
	fi
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1 || true)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d" " -f2 || true)
	if ((rc)); then
		failed+=("$t")
		summary+=("$t: FAILED (exit $rc), runs ${runs:-?}; see $log")
		grep -aE '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|[a-z_]+_fuzz: )' "$log" | head -5 | sed 's/^/    /' >&2 || true
		find "$B/crashes" -name "$t-*" -newer "$bin" | sed 's/^/    reproducer: /' >&2
	elif ((FUZZ_TIME == 0)); then
		summary+=("$t: ok, replayed ${runs:-?} inputs")
	else
		summary+=("$t: ok, runs ${runs:-?}, coverage ${cov:-?} edges, corpus $(find "$B/corpus/$t" -type f | wc -l) new + $(find "$seeds" -type f | wc -l) seeds")
	fi
done

printf '%s\n' "${summary[@]}"
((${#failed[@]} == 0))
