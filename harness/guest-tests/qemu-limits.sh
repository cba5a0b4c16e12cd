#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# What a QEMU user may ask of a running VM, on native KVM and on the Gunyah backend: pause and
# resume (with and without kvm-no-adjvtime), savevm, migration, the monitor's register dump, the
# gdbstub, and firmware in flash at address 0 instead of -kernel. On native KVM everything works;
# on Gunyah each probe must end as Documentation/virt/kvm/arm/gunyah.rst ("QEMU on Gunyah") says:
# what works, works, and what Gunyah cannot do fails with the message the table quotes. A probe
# that behaves otherwise on either side fails the test (the table would be wrong). Exit 0 pass,
# 77 skip, else fail.
NAME=qemu-limits
. /harness/qemu/lib.sh

dir=$(mktemp -d)
ip link set lo up
trap 'kill -9 $qemu_pid $reader_pid 2>/dev/null; rm -rf "$dir"' EXIT
failed=
gunyah=
[ -r $PINNED ] && gunyah=1

# report PROBE works|fails WHAT: the probe's outcome against what this side must do; on Gunyah a
# failure must also say what gunyah.rst quotes
report() {
	want=works msg=
	[ -z "$gunyah" ] || set_gunyah_expectation "$1"
	if [ "$2" != "$want" ]; then
		echo "$NAME: FAIL: $1: $2, expected it to be $want: $3"
		failed="$failed $1"
	elif [ -n "$msg" ] && ! echo "$3" | grep -q "$msg"; then
		echo "$NAME: FAIL: $1: $2 as expected, but not with '$msg': $3"
		failed="$failed $1"
	else
		echo "$NAME: $1: $2 as expected: $3"
	fi
}

# What the Gunyah backend allows, and QEMU's words when it does not (gunyah.rst, "QEMU on Gunyah")
set_gunyah_expectation() {
	want=fails
	case $1 in
	pause-no-adjvtime) want=works ;;
	pause) msg='Failed to set KVM_REG_ARM_TIMER_CNT' ;;
	savevm) msg='does not support v[A-Za-z0-9]* migration' ;;
	migration) msg='does not support v[A-Za-z0-9]* migration' ;;
	info-registers) msg='PC=0000000040000000' ;;
	gdbstub) msg="doesn't support guest debugging" ;;
	firmware-at-0) msg='kvm run failed Invalid argument' ;;
	esac
}

# The guest ticks once a second on its console until QEMU quits.
ticker=$(echo 'i=0; while :; do i=$((i + 1)); echo "tick $i"; sleep 1; done' | base64 | tr -d '\n')
ticks() { grep -ac '^tick ' "$dir/$run.con"; }

# start RUN CPU [QEMU ARGS...]: QEMU with its monitor on two FIFOs, its serial in RUN.con
start() {
	run=$1 cpu=$2
	shift 2
	rm -f "$dir/mon.in" "$dir/mon.out"
	mkfifo "$dir/mon.in" "$dir/mon.out"
	# -snapshot keeps its overlay in TMPDIR (/var/tmp by default, absent here)
	TMPDIR=$dir $QEMU -M virt -accel kvm -cpu "$cpu" -smp 2 -m 256M -display none \
		-serial "file:$dir/$run.con" -monitor "pipe:$dir/mon" "$@" \
		</dev/null >"$dir/$run.err" 2>&1 &
	qemu_pid=$!
	cat "$dir/mon.out" >"$dir/$run.mon" &
	reader_pid=$!
}

# guest RUN CPU [QEMU ARGS...]: the Linux guest with its ticker, until its third tick
guest() {
	run=$1 cpu=$2
	shift 2
	dd if=/dev/zero of="$dir/disk" bs=1M count=1 2>/dev/null
	start "$run" "$cpu" -kernel $P/Image -initrd $P/initrd.cpio.gz \
		-append "console=ttyAMA0 quiet panic=-1 kunit.enable=0 harness.run=$ticker" \
		-drive "file=$dir/disk,if=none,id=d,format=raw" -device virtio-blk-device,drive=d \
		-snapshot -nic none "$@"
	wait_for "tick 3" "$TIMEOUT" || { console; return 1; }
}

# wait_for TEXT SECONDS: TEXT on the guest's console
wait_for() {
	i=0
	while ! grep -aq "^$1" "$dir/$run.con"; do
		kill -0 $qemu_pid 2>/dev/null || return 1
		# A failed KVM_RUN leaves QEMU waiting, its VM stopped
		! grep -aq '^error: kvm run failed\|^KVM internal error' "$dir/$run.err" || return 1
		[ $i -lt $(($2 * 2)) ] || return 1
		sleep 0.5
		i=$((i + 1))
	done
}

# mon CMD: one monitor command; returns when its prompt comes back (60 s at most). What the
# monitor printed for it is in $out (without the prompt, the echo and terminal escapes); QEMU's
# own messages are in $dir/$run.err.
esc=$(printf '\033')
prompts() { grep -ao '(qemu)' "$dir/$run.mon" | wc -l; }
mon() {
	n=$(prompts)
	from=$(($(wc -c <"$dir/$run.mon") + 1))
	echo "$*" >"$dir/mon.in"
	i=0
	while [ "$(prompts)" -le "$n" ] && [ $i -lt 120 ] && kill -0 $qemu_pid 2>/dev/null; do
		sleep 0.5
		i=$((i + 1))
	done
	# The first line is readline's echo of the command, redrawn as it was typed
	out=$(tail -c +$from "$dir/$run.mon" | tr -d '\r' | sed "1d; s/$esc\[[0-9;]*[A-Za-z]//g; s/(qemu)//g" |
		grep -v '^ *$' | tr '\n' ' ')
}

# QEMU's last message (stderr), or else the monitor's output
why() {
	m=$(tr -d '\r' <"$dir/$run.err" | grep -a '^qemu-system-aarch64: \|^error: \|^KVM ' | tail -n 1)
	echo "${m:-${out:-nothing said}}"
}

stop_qemu() {
	kill -0 $qemu_pid 2>/dev/null && echo quit >"$dir/mon.in"
	i=0
	while kill -0 $qemu_pid 2>/dev/null && [ $i -lt 20 ]; do
		sleep 0.5
		i=$((i + 1))
	done
	kill -9 $qemu_pid $reader_pid 2>/dev/null
	wait $qemu_pid
	qemu_st=$?
	wait $reader_pid 2>/dev/null
}

console() {
	echo "$NAME: $run: the guest did not tick; QEMU said, then the console:"
	tr -d '\r' <"$dir/$run.err" | tail -n 10 | sed 's/^/  ! /'
	tr -d '\r' 2>/dev/null <"$dir/$run.con" | tail -n 20 | sed 's/^/  | /'
	failed="$failed $run"
}

# pause PROBE: stop, no tick for 3 s, cont, the guest ticks again
pause() {
	mon stop
	a=$(ticks)
	sleep 3
	b=$(ticks)
	mon cont
	sleep 1
	if [ "$a" != "$b" ]; then
		report "$1" fails "the guest ticked while stopped ($a, then $b)"
	elif kill -0 $qemu_pid 2>/dev/null && wait_for "tick $((b + 2))" 20; then
		report "$1" works "no tick while stopped, ticking again after cont"
	else
		report "$1" fails "$(why)"
	fi
}

# 1. With -cpu host,kvm-no-adjvtime=on QEMU leaves the guest's counter alone across a pause.
#    Then what reads or saves the whole VM: savevm, migration, the monitor's registers.
if guest adjvtime host,kvm-no-adjvtime=on; then
	pause pause-no-adjvtime
	mon savevm limits
	if echo "$out" | grep -qi 'error\|fail\|block\|not support'; then
		report savevm fails "$out"
	else
		mon info snapshots
		if echo "$out" | grep -q ' limits '; then
			report savevm works "snapshot 'limits' saved"
		else
			report savevm fails "$(why)"
		fi
	fi
	mon migrate "exec:cat>/dev/null"
	said=$out
	mon info migrate
	# savevm left a completed status behind: the command itself must not have failed
	if ! echo "$said" | grep -qi 'error\|extraneous\|blocked' &&
	   echo "$out" | grep -q 'Migration status: completed'; then
		report migration works "to exec:cat>/dev/null, completed"
	else
		report migration fails "${said:-$(echo "$out" | grep -o 'Outgoing migration blocked.*')}"
	fi
	# QEMU puts vCPU 0 at its boot code at 0x40000000; a guest that has run for seconds is
	# elsewhere. QEMU 7.2 ignores a failed register read and prints the values it has.
	mon info registers
	pc=$(echo "$out" | grep -o 'PC=[0-9a-f]*' | head -n 1)
	if [ -n "$pc" ] && [ "$pc" != PC=0000000040000000 ]; then
		report info-registers works "the guest's $pc"
	else
		report info-registers fails "${pc:-no PC}: QEMU's own value, not the guest's"
	fi
	stop_qemu
fi

# 2. QEMU's default: it saves the guest's counter on stop and writes it back on cont.
if guest adjvtime-default host; then
	pause pause
	stop_qemu
fi

# 3. Firmware in flash at address 0 (as UEFI is run): a program that prints a line on the PL011
#    (0x09000000) and waits:
#	movz x0, #0x0900, lsl #16; adr x1, msg
#    1:	ldrb w2, [x1], #1; cbz w2, 2f; strb w2, [x0]; b 1b
#    2:	wfi; b 2b
#    msg: .asciz "qemu-limits-firmware-ran\n"
{
	printf '\000\040\241\322\341\000\000\020\042\024\100\070\142\000\000\064'
	printf '\002\000\000\071\375\377\377\027\177\040\003\325\377\377\377\027'
	printf 'qemu-limits-firmware-ran\n\000'
} >"$dir/fw.bin"
start firmware host -bios "$dir/fw.bin" -nic none
if wait_for qemu-limits-firmware-ran 60; then
	report firmware-at-0 works "the program in flash printed its line"
else
	report firmware-at-0 fails "$(why)"
fi
stop_qemu

# 4. The gdbstub, on that program when it runs: the stop reason, then the registers ("g")
start gdbstub host -bios "$dir/fw.bin" -nic none -gdb tcp:127.0.0.1:1234
if wait_for qemu-limits-firmware-ran 60; then
	reply=$( { printf '+$?#3f'; sleep 2; printf '+$g#67'; sleep 3; } |
		nc 127.0.0.1 1234 2>&1 | tr -d '\r' | head -c 200)
	if echo "$reply" | grep -q '\$T05' && echo "$reply" | grep -q '\$[0-9a-f]\{64\}'; then
		report gdbstub works "stop reason and registers read"
	else
		report gdbstub fails "$(why) (gdb was answered: ${reply:-nothing})"
	fi
else
	report gdbstub fails "$(why)"
fi
stop_qemu

no_pins "after QEMU's runs" || failed="$failed pins"
[ -z "$failed" ] || { echo "$NAME: FAIL:$failed"; exit 1; }
echo "$NAME: every probe as $([ -n "$gunyah" ] && echo 'gunyah.rst says' || echo 'native KVM does')"
