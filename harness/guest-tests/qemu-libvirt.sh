#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Debian's own libvirtd runs Debian's QEMU on /dev/kvm: a domain of type kvm, the example
# Documentation/virt/kvm/arm/gunyah-domain.xml with our guest's kernel, initrd and command line
# (harness/qemu-guest-init: it echoes a random token, reads its disk, fetches a file over user
# networking, and powers off when its power button is pressed), goes through
#   virsh capabilities and domcapabilities (the kvm domain type on aarch64), define, start and
#   destroy mid-boot, define again, start, the serial console's log, reboot (the power button,
#   then libvirt resets the VM), shutdown (the power button), undefine;
# no page may stay pinned after each end. (The serial log, not virsh console: that needs a
# terminal; make run VMM=libvirt uses it.) Runs in our kernel (the Gunyah backend) and,
# unchanged, in the L1 machine on native KVM. Exit 0 pass, 77 skip, else fail.
NAME=qemu-libvirt
PORT=18082
. /harness/qemu/lib.sh

if [ ! -x /usr/sbin/libvirtd ]; then
	echo "$NAME: no libvirt in this root filesystem (qemu-rootfs.sh libvirt)"
	exit 77
fi

DOM=gunyah-guest
XML=$P/gunyah-domain.xml
# The example's disk and serial log
DISK=/var/lib/libvirt/images/gunyah-guest.img
SERIAL=/var/log/libvirt/qemu/gunyah-guest-serial.log
export LIBVIRT_DEFAULT_URI=qemu:///system

uptime_s() { cut -d' ' -f1 /proc/uptime; }
since() { awk -v a="$1" -v b="$(uptime_s)" 'BEGIN { printf "%.1f", b - a }'; }
console() { tr -d '\r' <$SERIAL 2>/dev/null; }
# fail WHY: what the guest, libvirtd and QEMU said, then WHY (on stderr: stdout may be redirected)
fail() {
	{
		echo "$NAME: FAIL: $*; the guest's console:"
		console | tail -n 40 | sed 's/^/  | /'
		echo "$NAME: libvirtd's log:"
		tail -n 20 $LIBVIRT_LOG | sed 's/^/  # /'
		echo "$NAME: QEMU's log:"
		tail -n 20 /var/log/libvirt/qemu/$DOM.log 2>/dev/null | sed 's/^/  # /'
		echo "$NAME: FAIL: $*"
	} >&2
	exit 1
}
# virsh CMD...: virsh, its messages on a line of their own
v() {
	out=$(virsh -q "$@" 2>&1) || fail "virsh $*: $out"
	[ -z "$out" ] || printf '%s\n' "$out"
}

t0=$(uptime_s)
libvirt_start || fail "libvirtd did not start"
web_server $PORT
dir=$(mktemp -d)
trap 'virsh -q destroy $DOM >/dev/null 2>&1; virsh -q undefine $DOM >/dev/null 2>&1
      kill $httpd_pid 2>/dev/null; libvirt_stop; rm -rf "$www" "$dir" $DISK' EXIT
echo "$NAME: libvirtd $(libvirtd --version | awk '{ print $NF }') answering after $(since "$t0")s"

# The kvm domain type for aarch64 guests, and what a kvm domain may have
t=$(uptime_s)
v capabilities >"$dir/caps.xml"
awk '/<guest>/ { a = "" } /<arch name=/ { a = $0 } /<domain type=.kvm./ && a ~ /aarch64/ { ok = 1 }
     END { exit !ok }' "$dir/caps.xml" || fail "virsh capabilities: no aarch64 guest of domain type kvm"
v domcapabilities --virttype kvm --arch aarch64 --machine virt >"$dir/domcaps.xml"
grep -q '<domain>kvm</domain>' "$dir/domcaps.xml" && grep -q '<arch>aarch64</arch>' "$dir/domcaps.xml" ||
	fail "virsh domcapabilities: not kvm on aarch64"
gic=$(awk '/<gic / { g = 1 } g && /<value>/ { gsub(/ *<\/?value>/, ""); printf "%s ", $0 } /<\/gic>/ { g = 0 }' \
	"$dir/domcaps.xml")
echo "$NAME: capabilities: kvm on aarch64, machine $(sed -n 's/.*<machine>\(.*\)<\/machine>.*/\1/p' \
	"$dir/domcaps.xml"), GIC versions ${gic:-none} (probed in $(since "$t")s)"

# define TOKEN: the example, with our guest's kernel, initrd and command line; a domain already
# defined keeps its UUID (as virsh edit does)
define() {
	uuid=$(virsh -q domuuid $DOM 2>/dev/null)
	sed -e "s#<kernel>.*</kernel>#<kernel>$P/Image</kernel>#" \
	    -e "s#</name>#</name>${uuid:+<uuid>$uuid</uuid>}#" \
	    -e "s#<initrd>.*</initrd>#<initrd>$P/initrd.cpio.gz</initrd>#" \
	    -e "s#<cmdline>.*</cmdline>#<cmdline>console=ttyAMA0 quiet panic=-1 kunit.enable=0 token=$1 qemu.port=$PORT harness.powerbutton</cmdline>#" \
	    $XML >"$dir/domain.xml"
	v define --validate "$dir/domain.xml" >/dev/null
}
state() { virsh -q domstate $DOM 2>/dev/null; }
# lines LINE: how many lines of the guest's console start with LINE
lines() { console | grep -ac "^$1"; }
# wait_for N LINE: until N lines of the console start with LINE; 1 when the domain is shut
# off or after TIMEOUT
wait_for() {
	ticks=0
	while [ "$(lines "$2")" -lt "$1" ]; do
		[ "$(state)" != "shut off" ] && [ $ticks -lt $((TIMEOUT * 2)) ] || return 1
		sleep 0.5
		ticks=$((ticks + 1))
	done
}
# wait_off: until the domain is shut off; 1 after TIMEOUT
wait_off() {
	ticks=0
	until [ "$(state)" = "shut off" ]; do
		[ $ticks -lt $((TIMEOUT * 2)) ] || return 1
		sleep 0.5
		ticks=$((ticks + 1))
	done
}
# init_at: when the guest's init started, in its last boot
init_at() { console | sed -n 's/^guest-boot: [0-9]* (\(init at .*\))$/\1/p' | tail -n 1; }
# booted TOKEN N: the guest's Nth boot in this QEMU ran: its token, kernel, disk, network
booted() {
	[ "$(lines "guest-token: $1\$")" = "$2" ] || fail "token echoed $(lines "guest-token: $1\$") times, not $2"
	console | grep -aq "^guest-uname-r: $(cat $P/release)" || fail "no 'guest-uname-r: $(cat $P/release)'"
	console | grep -aq "^guest-disk: $disktok" || fail "the guest did not read its disk"
	console | grep -aq "^guest-wget: $web" || fail "the guest did not fetch the file over virtio-net"
}

disktok=libvirt-disk-$(rand)
dd if=/dev/zero of=$DISK bs=1M count=1 2>/dev/null
echo "$disktok" | dd of=$DISK conv=notrunc 2>/dev/null

# 1. define, start, destroy mid-boot: once the VM runs (on Gunyah: its memory is pinned), before
# the guest's init
define "$(rand)"
t=$(uptime_s)
v start $DOM >/dev/null
ticks=0
while [ -r "$PINNED" ] && [ "$(cat "$PINNED")" = 0 ] && [ $ticks -lt $((TIMEOUT * 2)) ]; do
	sleep 0.5
	ticks=$((ticks + 1))
done
[ -r "$PINNED" ] || sleep 1
pinned=$(cat "$PINNED" 2>/dev/null)
when="mid-boot"
[ "$(lines guest-boot)" = 0 ] || when="(the guest's init had started)"
v destroy $DOM >/dev/null
wait_off || fail "virsh destroy mid-boot: the domain is still $(state)"
echo "$NAME: virsh destroy $when, $(since "$t")s after virsh start${pinned:+, $pinned pages pinned then}"
no_pins "after virsh destroy mid-boot" || fail "pages left pinned"

# 2. define again, the next start, reboot, shutdown, undefine
token=$(rand)
define "$token"
t=$(uptime_s)
v start $DOM >/dev/null
wait_for 1 guest-waiting || fail "the start after the destroy failed (domain $(state))"
booted "$token" 1
echo "$NAME: virsh start: the guest echoed its token after $(since "$t")s ($(init_at))"
t=$(uptime_s)
v reboot $DOM >/dev/null
wait_for 2 guest-waiting || fail "virsh reboot: the guest did not boot again (domain $(state))"
booted "$token" 2
[ "$(lines guest-powerbutton)" = 1 ] || fail "virsh reboot: the guest did not see its power button"
echo "$NAME: virsh reboot: the guest powered off on its power button and booted again in $(since "$t")s ($(init_at))"
v shutdown $DOM >/dev/null
wait_off || fail "virsh shutdown: the domain is still $(state)"
[ "$(lines guest-powerbutton)" = 2 ] || fail "virsh shutdown: the guest did not see its power button"
no_pins "after virsh shutdown" || fail "pages left pinned"
v undefine $DOM >/dev/null
virsh -q list --all --name | grep -qx $DOM && fail "virsh undefine: the domain is still listed"
echo "$NAME: libvirt defined, started, destroyed mid-boot, started again, rebooted, shut down and undefined the guest in $(since "$t0")s"
