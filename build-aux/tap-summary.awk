#!/usr/bin/awk -f
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Total TAP logs.  Usage: awk [-v total=1] -f tap-summary.awk LOG...
#
# For each LOG prints "# PART: N passed, N failed[, N skipped]" (PART is the
# log's name without "check-" and ".tap"); with total=1 it then prints the
# one plain line CI reads: "N passed, N failed[, N skipped]".
# Exits 1 when anything failed (with total=1, also when no test ran at
# all), else 0.
#
# A log is a series of sections, each closed by a "# exit status: N" line
# that the Makefile writes after each runner (one per unit-test binary, one
# per bats run).  Within a section:
#   "ok ... # skip ..."      skipped (TAP directive, case-insensitive)
#   "ok ..."                 passed ("# TODO" ones too)
#   "not ok ... # TODO ..."  expected failure: passed, as TAP says
#   "not ok ..."             failed
#   "Bail out!"              one failure
#   "1..N"                   tests planned; each planned test that never
#                            reported (a crash) is a failure
#   exit status != 0 with no failure counted in the section: one failure
#                            (a sanitizer report after the last "ok", a
#                            runner that died before printing TAP).

function part_name(f,    n) {
	n = f
	sub(/.*\//, "", n)
	sub(/\.tap$/, "", n)
	sub(/^check-/, "", n)
	return n
}

function close_section(status) {
	if (s_planned > s_seen)
		f_fail += s_planned - s_seen
	if (status != 0 && f_fail == s_fail0)
		f_fail++
	s_planned = s_seen = 0
	s_fail0 = f_fail
	s_open = 0
}

function close_file() {
	if (s_open)
		close_section(0)
	if (file == "")
		return
	line = sprintf("# %s: %d passed, %d failed", part_name(file), f_pass, f_fail)
	if (f_skip)
		line = line sprintf(", %d skipped", f_skip)
	print line
	pass += f_pass; fail += f_fail; skip += f_skip
}

function open_file() {
	file = FILENAME
	f_pass = f_fail = f_skip = 0
	s_planned = s_seen = s_fail0 = s_open = 0
}

FNR == 1 { close_file(); open_file() }

{ sub(/\r$/, "") }

/^1\.\.[0-9]+/ {
	split($1, p, /\.\./)
	s_planned += p[2]
	s_open = 1
	next
}

/^ok([ \t]|$)/ {
	s_seen++; s_open = 1
	if ($0 ~ /#[ \t]*[Ss][Kk][Ii][Pp]/)
		f_skip++
	else
		f_pass++
	next
}

/^not ok([ \t]|$)/ {
	s_seen++; s_open = 1
	if ($0 ~ /#[ \t]*[Tt][Oo][Dd][Oo]/)
		f_pass++
	else
		f_fail++
	next
}

/^Bail out!/ { f_fail++; s_open = 1; next }

/^# exit status: [0-9]+$/ { close_section($4 + 0); next }

END {
	close_file()
	if (total) {
		line = sprintf("%d passed, %d failed", pass, fail)
		if (skip)
			line = line sprintf(", %d skipped", skip)
		print line
	}
	if (fail || (total && pass + fail + skip == 0))
		exit 1
	exit 0
}
