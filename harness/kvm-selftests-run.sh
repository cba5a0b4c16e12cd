#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Run KVM selftests from a list, each with its own arguments and time limit (POSIX sh; runs
# under busybox in the L1 machine and in our kernel's initramfs).
#   kvm-selftests-run.sh [-o FILE] [-T FACTOR] DIR LIST [NAME...]
# LIST has one test a line, "NAME SECONDS [ARGS...]", '#' comments; DIR/NAME is the program.
# NAMEs pick some of the list. -T multiplies every limit. One line per test on stdout, also
# appended to FILE with -o:
#   selftest NAME pass|skip|fail|timeout|hang DETAIL
# pass: exit 0; skip: exit 4 (KSFT_SKIP); timeout: still running after its limit (it was
# killed); hang: not even SIGKILL ended it within 20 s (left behind, the next test runs);
# fail: anything else. The last lines of a test's output follow its line unless it passed,
# indented so that no line of a test can pass for a result. The exit status is 0 when every
# listed test ran, whatever their results.
usage() {
	echo "usage: kvm-selftests-run.sh [-o FILE] [-T FACTOR] DIR LIST [NAME...]" >&2
	exit 2
}

out=
factor=1
while getopts o:T: opt; do
	case $opt in
	o) out=$OPTARG ;;
	T) factor=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 2 ] || usage
dir=$1
list=$2
shift 2
[ -r "$list" ] || { echo "kvm-selftests-run.sh: cannot read $list" >&2; exit 2; }
want=" $* "

tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
# The watchdog's last word: the test outlived SIGKILL; "wait" returns at once.
trap 'hung=1' USR1

report() { # report NAME STATUS DETAIL
	echo "selftest $1 $2 $3"
	[ -z "$out" ] || echo "selftest $1 $2 $3" >>"$out"
}

# run_one NAME LIMIT ARGS...: sets status and detail
run_one() {
	name=$1
	limit=$(($2 * factor))
	shift 2
	n=$((n + 1))
	log=$tmp/$n.log
	rm -f "$tmp/timeout"
	hung=
	start=$(date +%s)
	"$dir/$name" "$@" </dev/null >"$log" 2>&1 &
	pid=$!
	(
		sleep "$limit"
		: >"$tmp/timeout"
		kill -TERM "$pid" 2>/dev/null
		sleep 10
		kill -KILL "$pid" 2>/dev/null
		sleep 10
		kill -USR1 $$ 2>/dev/null
	) &
	wd=$!
	wait "$pid"
	st=$?
	kill "$wd" 2>/dev/null
	took=$(($(date +%s) - start))
	if [ -n "$hung" ]; then
		status=hang
		detail="SIGKILL did not end it in 20 s after its ${limit} s limit (pid $pid left behind)"
	elif [ -e "$tmp/timeout" ]; then
		status=timeout
		detail="killed after ${limit} s"
	elif [ "$st" -eq 0 ]; then
		status=pass
		detail="${took} s"
	elif [ "$st" -eq 4 ]; then
		status=skip
		detail="${took} s"
	elif [ "$st" -gt 128 ] && [ "$st" -lt 160 ]; then
		status=fail
		detail="signal $((st - 128)), ${took} s"
	else
		status=fail
		detail="exit $st, ${took} s"
	fi
}

n=0
grep -v '^[[:space:]]*\(#\|$\)' "$list" >"$tmp/list"
while read -r name limit args; do
	case $want in
	"  ") ;;
	*" $name "*) ;;
	*) continue ;;
	esac
	if [ ! -x "$dir/$name" ]; then
		report "$name" fail "$dir/$name missing"
		continue
	fi
	# shellcheck disable=SC2086
	run_one "$name" "$limit" $args
	report "$name" "$status" "$detail"
	case $status in
	pass) ;;
	skip) tail -n 3 "$log" | sed 's/^/    /' ;;
	*) tail -n 25 "$log" | sed 's/^/    /' ;;
	esac
done <"$tmp/list"
exit 0
