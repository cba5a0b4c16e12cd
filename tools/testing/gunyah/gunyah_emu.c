// SPDX-License-Identifier: GPL-2.0
/*
 * gunyah-emu: run an arm64 kernel as the primary VM of an emulated Gunyah
 * hypervisor, on KVM.  See Documentation/virt/gunyah/emulator.rst.
 *
 * This program puts the two parts together, as the real system's boot
 * does: the hypervisor (hyp/) and the Resource Manager (rm/).  It is the
 * one place that sees both: it gives the RM the hypervisor's calls
 * (struct rm_hyp_ops) and the hypercalls the RM's end of the message
 * queues (struct gh_rm_link).
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "emu.h"
#include "rm_engine.h"
#include "rm_link.h"
#include "unmapped.h"

/* The two parts agree on these (rm_hyp.h, msgq.h, rm_wire.h). */
static_assert(EMU_MAX_SECONDARIES == RM_MAX_PARCELS_PER_VM,
	      "a sibling KVM VM for every VM the primary's parcels can start");
static_assert(RM_HYP_VMID_PRIMARY == VMID_HLOS, "the primary's VMID");
static_assert(MSGQ_MSG_SIZE == RM_MSG_SIZE, "the RM link's message size");
static_assert(RM_HYP_RIGHTS_R == RM_RIGHTS_R, "a parcel's read right");
static_assert(RM_HYP_RIGHTS_W == RM_RIGHTS_W, "a parcel's write right");
static_assert(RM_HYP_RIGHTS_X == RM_RIGHTS_X, "a parcel's execute right");

static struct emu the_emu;
static struct rm_engine *the_rm;
static pthread_mutex_t finish_lock = PTHREAD_MUTEX_INITIALIZER;
static struct termios saved_termios;
static bool termios_saved;

/*
 * primary_pages_unmapped comes from what is really missing from the
 * primary's stage 2, i.e. what the kernel has PROT_NONE (or nothing) in
 * our mapping of its RAM, never from the RM's parcel ledger: a page the
 * RM thinks it gave back but that stayed unmapped must show.  With @lines,
 * also print one "unmapped ipa" line per missing range.
 */
static void update_unmapped(struct emu *emu, FILE *lines)
{
	uint64_t bytes = UNMAPPED_ERROR;
	FILE *maps;

	if (!emu->ram)
		return;
	maps = fopen("/proc/self/maps", "r");
	if (maps) {
		bytes = lines ? unmapped_print(maps, (uintptr_t)emu->ram,
					       emu->ram_size, emu->ram_base,
					       lines) :
				unmapped_scan(maps, (uintptr_t)emu->ram,
					      emu->ram_size, emu->ram_base,
					      NULL, NULL);
		fclose(maps);
	}
	if (bytes == UNMAPPED_ERROR) {
		fprintf(stderr, "gunyah-emu: cannot read /proc/self/maps\n");
		return;
	}
	counter_set(&emu->counters, "primary_pages_unmapped",
		    (int64_t)(bytes / 4096));
}

/*
 * What a guest left behind: VMIDs still allocated, memory parcels not
 * reclaimed, sibling KVM VMs not destroyed (each with its vCPUs, vGIC
 * and doorbell lines).  A guest that tore down every VM it made leaves
 * 0 of each.
 */
static void update_left(struct emu *emu)
{
	if (!the_rm)
		return;
	counter_set(&emu->counters, "rm_vmids_left",
		    rm_engine_nr_vms(the_rm));
	counter_set(&emu->counters, "rm_parcels_left",
		    rm_engine_nr_parcels(the_rm));
	counter_set(&emu->counters, "secondary_vms_left",
		    secondary_count(emu));
}

static void write_counters_file(struct emu *emu)
{
	FILE *f;

	if (!emu->opts.counters_file)
		return;
	f = fopen(emu->opts.counters_file, "w");
	if (!f) {
		fprintf(stderr, "gunyah-emu: %s: %s\n", emu->opts.counters_file,
			strerror(errno));
		return;
	}
	counters_print(&emu->counters, f);
	fclose(f);
}

void emu_finish(struct emu *emu, int code, const char *why)
{
	unsigned int tries;

	/* The first caller wins; later ones wait to be killed by _exit(). */
	pthread_mutex_lock(&finish_lock);
	if (termios_saved)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_termios);
	/*
	 * Keep the memory map still while it is read: take the lock the RM
	 * maps and unmaps under, and keep it, since we exit.  Do not wait
	 * for ever: our caller may hold it.
	 */
	for (tries = 0; tries < 100; tries++) {
		if (!pthread_mutex_trylock(&emu->lock))
			break;
		usleep(1000);
	}
	fflush(stdout);
	fprintf(stderr, "\ngunyah-emu: %s, exit code %d\n", why, code);
	update_unmapped(emu, stderr);
	update_left(emu);
	counters_print(&emu->counters, stderr);
	write_counters_file(emu);
	_exit(code);
}

static void uart_tx(void *ctx, uint8_t c)
{
	ssize_t n;

	(void)ctx;
	do {
		n = write(STDOUT_FILENO, &c, 1);
	} while (n < 0 && errno == EINTR);
}

static void uart_set_irq(void *ctx, bool level)
{
	emu_set_spi(ctx, GUEST_UART_SPI, level);
}

static void gh_raise_irq(void *ctx, enum gh_irq irq)
{
	unsigned int spi = irq == GH_IRQ_RM_TX ? GUEST_RM_TX_SPI :
						 GUEST_RM_RX_SPI;

	/* Edge-triggered in the device tree: a rising edge makes it pending. */
	emu_set_spi(ctx, spi, true);
	emu_set_spi(ctx, spi, false);
}

/* Only the primary VM runs a guest that can read RM messages. */
static bool rm_can_receive(void *ctx, uint16_t vmid)
{
	(void)ctx;
	return vmid == VMID_HLOS;
}

/* rm_hyp_ops: the objects the RM makes at INIT live in the hypervisor. */
static int emu_vdevices_create(void *ctx, uint16_t vmid, unsigned int nr_vcpus,
			       const uint32_t *vcpu_capids,
			       unsigned int nr_doorbells,
			       const struct rm_doorbell *doorbells)
{
	struct emu *emu = ctx;

	return gh_hyp_vdevices_create(&emu->hyp, vmid, nr_vcpus, vcpu_capids,
				      nr_doorbells, doorbells);
}

static void emu_vdevices_destroy(void *ctx, uint16_t vmid)
{
	struct emu *emu = ctx;

	gh_hyp_vdevices_destroy(&emu->hyp, vmid);
}

/*
 * The real RM does some work after the call that caused it has returned:
 * it hears of a VM's exit from a hypervisor event and finishes VM_RESET
 * later (see the facts in emulator.rst).  The engine queues such steps;
 * this thread runs them RM_DEFERRED_DELAY_MS after they were queued, so
 * their notifications reach the guest after the vcpu_run or the RPC that
 * caused them has returned, and a guest that does not wait for them sees
 * what it would on the real RM.
 */
#define RM_DEFERRED_DELAY_MS	10

static struct timespec deferred_due;
static bool deferred_armed;
static pthread_cond_t deferred_cond;

/* engine ops: called with emu->lock held */
static void rm_deferred_queued(void *ctx)
{
	(void)ctx;
	if (deferred_armed)
		return;
	clock_gettime(CLOCK_MONOTONIC, &deferred_due);
	deferred_due.tv_nsec += RM_DEFERRED_DELAY_MS * 1000000L;
	if (deferred_due.tv_nsec >= 1000000000L) {
		deferred_due.tv_sec++;
		deferred_due.tv_nsec -= 1000000000L;
	}
	deferred_armed = true;
	pthread_cond_signal(&deferred_cond);
}

static void *rm_deferred_thread(void *arg)
{
	struct emu *emu = arg;

	pthread_mutex_lock(&emu->lock);
	for (;;) {
		while (!deferred_armed)
			pthread_cond_wait(&deferred_cond, &emu->lock);
		if (pthread_cond_timedwait(&deferred_cond, &emu->lock,
					   &deferred_due) != ETIMEDOUT)
			continue;
		/* Steps queued by these wait for the next round. */
		deferred_armed = false;
		rm_engine_run_deferred(the_rm);
		gh_hyp_pump(&emu->hyp);
		if (rm_engine_has_deferred(the_rm))
			rm_deferred_queued(emu);
	}
	return NULL;
}

static void *stdin_thread(void *arg)
{
	struct emu *emu = arg;
	uint8_t buf[64];
	ssize_t n, i;

	for (;;) {
		n = read(STDIN_FILENO, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return NULL;
		for (i = 0; i < n; i++) {
			bool queued;

			do {
				pthread_mutex_lock(&emu->lock);
				queued = pl011_receive(&emu->uart, buf[i]);
				pthread_mutex_unlock(&emu->lock);
				if (!queued)
					usleep(1000);
			} while (!queued);
		}
	}
}

static void *timeout_thread(void *arg)
{
	struct emu *emu = arg;
	char why[64];

	sleep(emu->opts.timeout);
	snprintf(why, sizeof(why), "timeout after %u s", emu->opts.timeout);
	emu_finish(emu, 3, why);
}

/* SIGUSR1 writes the counters file; SIGINT/SIGTERM end the run. */
static void *signal_thread(void *arg)
{
	struct emu *emu = arg;
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	for (;;) {
		if (sigwait(&set, &sig))
			continue;
		if (sig != SIGUSR1)
			emu_finish(emu, 128 + sig, "interrupted");
		pthread_mutex_lock(&emu->lock);
		update_unmapped(emu, NULL);
		update_left(emu);
		pthread_mutex_unlock(&emu->lock);
		write_counters_file(emu);
	}
}

static void print_usage(void)
{
	fprintf(stderr,
		"usage: gunyah-emu [--mem SIZE] [--cpus N] [--initrd FILE] [--cmdline STR]\n"
		"                  [--timeout S] [--counters FILE]\n"
		"                  [--fail-rm MSGID[:N[:ERR]]]... [--fail-rate P --seed S]\n"
		"                  [--fail-error ERR] [--lose-reply MSGID[:N]]...\n"
		"                  [--lose-rate P --lose-msgs MSGID[,MSGID...]]\n"
		"                  [--trace] Image\n");
	exit(1);
}

/* "512M", "1G", "65536K"; a bare number is MiB, as with QEMU's -m. */
static int parse_size(const char *s, uint64_t *size)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 0);
	unsigned int shift = 20;

	if (end == s)
		return -1;
	switch (*end) {
	case 'K': case 'k':
		shift = 10;
		end++;
		break;
	case 'M': case 'm':
		end++;
		break;
	case 'G': case 'g':
		shift = 30;
		end++;
		break;
	}
	if (*end || v == 0 || v > (1ull << (40 - shift)))
		return -1;
	*size = v << shift;
	return 0;
}

/* MSGID[:N[:ERR]]: MSGID in hex; N = 0 (or absent) fails every call. */
static int parse_fail_rule(struct emu *emu, const char *s)
{
	unsigned long msg_id, nth = 0, error = RM_ERROR_NOMEM;
	struct emu_fail_rule *rule;
	char *end;

	msg_id = strtoul(s, &end, 16);
	if (end == s)
		return -1;
	if (*end == ':') {
		nth = strtoul(end + 1, &end, 0);
		if (*end == ':')
			error = strtoul(end + 1, &end, 0);
	}
	if (*end || emu->opts.nr_fail_rules == EMU_MAX_FAIL_RULES)
		return -1;
	rule = &emu->opts.fail_rules[emu->opts.nr_fail_rules++];
	rule->msg_id = (uint32_t)msg_id;
	rule->nth = (uint32_t)nth;
	rule->error = (uint32_t)error;
	return 0;
}

/* --lose-reply and --lose-rate: the RM applies the request, loses the reply */
#define EMU_MAX_LOSE_RULES	16
static struct {
	uint32_t msg_id;
	uint32_t nth;
} lose_rules[EMU_MAX_LOSE_RULES];
static unsigned int nr_lose_rules;
static double lose_rate;
static uint32_t lose_msgs[EMU_MAX_LOSE_RULES];
static unsigned int nr_lose_msgs;

/* MSGID[:N]: MSGID in hex; N = 0 (or absent) loses every reply. */
static int parse_lose_rule(const char *s)
{
	unsigned long msg_id, nth = 0;
	char *end;

	msg_id = strtoul(s, &end, 16);
	if (end == s)
		return -1;
	if (*end == ':')
		nth = strtoul(end + 1, &end, 0);
	if (*end || nr_lose_rules == EMU_MAX_LOSE_RULES)
		return -1;
	lose_rules[nr_lose_rules].msg_id = (uint32_t)msg_id;
	lose_rules[nr_lose_rules++].nth = (uint32_t)nth;
	return 0;
}

/* MSGID[,MSGID...], in hex */
static int parse_lose_msgs(const char *s)
{
	char *end;

	nr_lose_msgs = 0;
	for (;;) {
		if (nr_lose_msgs == EMU_MAX_LOSE_RULES)
			return -1;
		lose_msgs[nr_lose_msgs++] = (uint32_t)strtoul(s, &end, 16);
		if (end == s)
			return -1;
		if (!*end)
			return 0;
		if (*end != ',')
			return -1;
		s = end + 1;
	}
}

static void apply_lose_options(struct emu *emu)
{
	unsigned int i;

	for (i = 0; i < nr_lose_rules; i++)
		rm_engine_add_lose_rule(the_rm, lose_rules[i].msg_id,
					lose_rules[i].nth);
	if (lose_rate > 0)
		rm_engine_set_lose_rate(the_rm, lose_rate,
					emu->opts.fail_seed, lose_msgs,
					nr_lose_msgs);
}

static void die(const char *what)
{
	fprintf(stderr, "gunyah-emu: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void setup_gic(struct emu *emu)
{
	struct kvm_create_device dev = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };
	uint64_t dist = GUEST_GICD_BASE, redist = GUEST_GICR_BASE;
	uint32_t nr_irqs = GUEST_NR_IRQS;
	struct kvm_device_attr attr = { 0 };

	if (ioctl(emu->vm_fd, KVM_CREATE_DEVICE, &dev))
		die("KVM_CREATE_DEVICE vgic-v3");
	emu->gic_fd = dev.fd;
	attr.group = KVM_DEV_ARM_VGIC_GRP_NR_IRQS;
	attr.addr = (uintptr_t)&nr_irqs;
	if (ioctl(emu->gic_fd, KVM_SET_DEVICE_ATTR, &attr))
		die("vgic NR_IRQS");
	attr.group = KVM_DEV_ARM_VGIC_GRP_ADDR;
	attr.attr = KVM_VGIC_V3_ADDR_TYPE_DIST;
	attr.addr = (uintptr_t)&dist;
	if (ioctl(emu->gic_fd, KVM_SET_DEVICE_ATTR, &attr))
		die("vgic distributor address");
	attr.attr = KVM_VGIC_V3_ADDR_TYPE_REDIST;
	attr.addr = (uintptr_t)&redist;
	if (ioctl(emu->gic_fd, KVM_SET_DEVICE_ATTR, &attr))
		die("vgic redistributor address");
	attr.group = KVM_DEV_ARM_VGIC_GRP_CTRL;
	attr.attr = KVM_DEV_ARM_VGIC_CTRL_INIT;
	attr.addr = 0;
	if (ioctl(emu->gic_fd, KVM_SET_DEVICE_ATTR, &attr))
		die("vgic init");
}

/*
 * Forward the vendor-hypervisor SMCCC ranges to us: fast 32-bit calls
 * (CALL_UID 0x8600ff01, REVISION 0x8600ff03) and fast 64-bit calls
 * (Gunyah hypercalls 0xc6008000 | n).  KVM serves PSCI itself.
 */
static void setup_smccc_filter(struct emu *emu)
{
	static const uint32_t bases[] = { 0x86000000u, 0xc6000000u };
	struct kvm_device_attr attr = {
		.group = KVM_ARM_VM_SMCCC_CTRL,
		.attr = KVM_ARM_VM_SMCCC_FILTER,
	};
	struct kvm_smccc_filter filter;
	unsigned int i;

	for (i = 0; i < 2; i++) {
		memset(&filter, 0, sizeof(filter));
		filter.base = bases[i];
		filter.nr_functions = 0x10000;
		filter.action = KVM_SMCCC_FILTER_FWD_TO_USER;
		attr.addr = (uintptr_t)&filter;
		if (ioctl(emu->vm_fd, KVM_SET_DEVICE_ATTR, &attr))
			die("KVM_ARM_VM_SMCCC_FILTER");
	}
}

static void parse_options(struct emu *emu, int argc, char **argv)
{
	static const struct option options[] = {
		{ "mem", required_argument, NULL, 'm' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "initrd", required_argument, NULL, 'i' },
		{ "cmdline", required_argument, NULL, 'a' },
		{ "timeout", required_argument, NULL, 't' },
		{ "counters", required_argument, NULL, 'C' },
		{ "fail-rm", required_argument, NULL, 'f' },
		{ "fail-rate", required_argument, NULL, 'r' },
		{ "seed", required_argument, NULL, 's' },
		{ "fail-error", required_argument, NULL, 'e' },
		{ "lose-reply", required_argument, NULL, 'l' },
		{ "lose-rate", required_argument, NULL, 'L' },
		{ "lose-msgs", required_argument, NULL, 'M' },
		{ "trace", no_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int opt;

	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 'm':
			if (parse_size(optarg, &emu->opts.mem_size) ||
			    emu->opts.mem_size % 0x200000)
				print_usage();
			break;
		case 'c':
			emu->opts.nr_cpus = strtoul(optarg, &end, 0);
			if (*end || !emu->opts.nr_cpus ||
			    emu->opts.nr_cpus > GUEST_MAX_CPUS)
				print_usage();
			break;
		case 'i':
			emu->opts.initrd = optarg;
			break;
		case 'a':
			emu->opts.cmdline = optarg;
			break;
		case 't':
			emu->opts.timeout = strtoul(optarg, &end, 0);
			if (*end)
				print_usage();
			break;
		case 'C':
			emu->opts.counters_file = optarg;
			break;
		case 'f':
			if (parse_fail_rule(emu, optarg))
				print_usage();
			break;
		case 'r':
			emu->opts.fail_rate = strtod(optarg, &end);
			if (*end || emu->opts.fail_rate < 0 ||
			    emu->opts.fail_rate > 1)
				print_usage();
			break;
		case 's':
			emu->opts.fail_seed = strtoull(optarg, &end, 0);
			if (*end)
				print_usage();
			break;
		case 'l':
			if (parse_lose_rule(optarg))
				print_usage();
			break;
		case 'L':
			lose_rate = strtod(optarg, &end);
			if (*end || lose_rate < 0 || lose_rate > 1)
				print_usage();
			break;
		case 'M':
			if (parse_lose_msgs(optarg))
				print_usage();
			break;
		case 'T':
			emu->opts.trace = true;
			break;
		case 'e':
			emu->opts.fail_error = strtoul(optarg, &end, 0);
			if (*end)
				print_usage();
			break;
		default:
			print_usage();
		}
	}
	if (optind != argc - 1)
		print_usage();
	emu->opts.image = argv[optind];
}

/*
 * A sibling VM holds two eventfds per doorbell (secondary_bind_doorbells()):
 * QEMU's 256 SPIs are 512 descriptors, and two such VMs pass the usual
 * limit of 1024. The real RM has no such limit, so a START must not fail
 * on ours: take as many descriptors as the system gives a process.
 */
#define EMU_FD_LIMIT	65536

static void raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return;
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < EMU_FD_LIMIT) {
		struct rlimit want = { EMU_FD_LIMIT, EMU_FD_LIMIT };

		/* Raising the hard limit needs CAP_SYS_RESOURCE */
		if (!setrlimit(RLIMIT_NOFILE, &want))
			return;
	}
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
}

int main(int argc, char **argv)
{
	static const char *const always_printed[] = {
		"pages_lent", "pages_shared", "pages_reclaimed",
		"primary_pages_unmapped", "primary_blocked_accesses",
		"vm_started", "secondary_vcpu_runs", "secondary_vmmio_exits",
		"secondary_powered_off", "rm_remap_failures", "rm_fatal",
		"rm_replies_lost", "sgl_entries_large", "parcels_appended",
		"doorbell_sends", "secondary_vcpu_parks", "secondary_wakeup_virqs",
		"secondary_park_unexpected_exits",
	};
	struct emu *emu = &the_emu;
	struct rm_engine_config rm_config;
	struct rm_hyp_ops rm_ops = {
		.ctx = emu,
		.unmap_primary = guest_mem_unmap,
		.map_primary = guest_mem_map,
		.sanitize = guest_mem_sanitize,
		.can_receive = rm_can_receive,
		.read_primary = guest_mem_read_any,
		.vdevices_create = emu_vdevices_create,
		.vdevices_destroy = emu_vdevices_destroy,
		.vm_start = secondary_start,
		.vm_stop = secondary_stop,
		.vm_destroy = secondary_destroy,
		.deferred_queued = rm_deferred_queued,
	};
	struct gh_rm_link rm_link;
	struct gh_guest_ops guest_ops = {
		.ctx = emu,
		.copy_from_va = guest_copy_from_va,
		.copy_to_va = guest_copy_to_va,
		.raise_irq = gh_raise_irq,
		.vcpu_run = secondary_vcpu_run,
		.doorbell_virq = secondary_doorbell_virq,
	};
	struct kvm_userspace_memory_region region = { 0 };
	pthread_condattr_t cattr;
	uint64_t entry, dtb;
	pthread_t thread;
	unsigned int i;
	sigset_t set;

	pthread_mutex_init(&emu->lock, NULL);
	pthread_cond_init(&emu->secondary_idle, NULL);
	pthread_cond_init(&emu->park_cond, NULL);
	pthread_cond_init(&emu->watch_cond, NULL);
	pthread_condattr_init(&cattr);
	pthread_condattr_setclock(&cattr, CLOCK_MONOTONIC);
	pthread_cond_init(&deferred_cond, &cattr);
	counters_init(&emu->counters);
	for (i = 0; i < ARRAY_SIZE(always_printed); i++)
		counter_set(&emu->counters, always_printed[i], 0);
	emu->opts.mem_size = 1ull << 30;
	emu->opts.nr_cpus = 1;
	emu->opts.cmdline = "console=ttyAMA0 earlycon";
	emu->opts.fail_error = RM_ERROR_NOMEM;

	parse_options(emu, argc, argv);
	rm_config.primary_ram_base = GUEST_RAM_BASE;
	rm_config.primary_ram_size = emu->opts.mem_size;
	the_rm = rm_engine_create(&rm_config, &rm_ops, &emu->counters);
	if (!the_rm)
		die("rm_engine_create");
	rm_link_init(&rm_link, the_rm);
	for (i = 0; i < emu->opts.nr_fail_rules; i++)
		rm_engine_add_fail_rule(the_rm, emu->opts.fail_rules[i].msg_id,
					emu->opts.fail_rules[i].nth,
					emu->opts.fail_rules[i].error);
	if (emu->opts.fail_rate > 0)
		rm_engine_set_fail_rate(the_rm, emu->opts.fail_rate,
					emu->opts.fail_seed,
					emu->opts.fail_error);
	apply_lose_options(emu);

	raise_fd_limit();
	emu->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (emu->kvm_fd < 0)
		die("/dev/kvm");
	if (ioctl(emu->kvm_fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION) {
		fprintf(stderr, "gunyah-emu: unexpected KVM API version\n");
		return 1;
	}
	emu->vm_fd = ioctl(emu->kvm_fd, KVM_CREATE_VM, 0);
	if (emu->vm_fd < 0)
		die("KVM_CREATE_VM");
	errno = -guest_mem_init(emu, GUEST_RAM_BASE, emu->opts.mem_size);
	if (errno)
		die("guest memory");
	region.slot = 0;
	region.guest_phys_addr = emu->ram_base;
	region.memory_size = emu->ram_size;
	region.userspace_addr = (uintptr_t)emu->ram;
	if (ioctl(emu->vm_fd, KVM_SET_USER_MEMORY_REGION, &region))
		die("KVM_SET_USER_MEMORY_REGION");
	for (i = 0; i < emu->opts.nr_cpus; i++) {
		int err = vcpu_create(emu, i);

		if (err) {
			errno = -err;
			die("vCPU");
		}
	}
	setup_gic(emu);
	setup_smccc_filter(emu);

	gh_hyp_init(&emu->hyp, &rm_link, &emu->counters, &guest_ops);
	emu->hyp.trace = emu->opts.trace;
	pl011_init(&emu->uart, emu, uart_tx, uart_set_irq);
	if (boot_load(emu, &entry, &dtb))
		return 1;
	if (vcpu_set_reg(&emu->vcpus[0], ARM64_CORE_REG(regs.pc), entry) ||
	    vcpu_set_reg(&emu->vcpus[0], ARM64_CORE_REG(regs.regs[0]), dtb))
		die("boot registers");

	if (isatty(STDIN_FILENO) && !tcgetattr(STDIN_FILENO, &saved_termios)) {
		struct termios raw = saved_termios;

		/* Raw input for the guest's shell; ^C still stops us. */
		raw.c_lflag &= ~(ICANON | ECHO);
		raw.c_iflag &= ~(ICRNL | IXON);
		termios_saved = !tcsetattr(STDIN_FILENO, TCSANOW, &raw);
	}

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (pthread_create(&thread, NULL, signal_thread, emu) ||
	    pthread_create(&thread, NULL, stdin_thread, emu) ||
	    pthread_create(&thread, NULL, rm_deferred_thread, emu) ||
	    (emu->opts.timeout &&
	     pthread_create(&thread, NULL, timeout_thread, emu)) ||
	    idle_watch_start(emu))
		die("pthread_create");
	for (i = 0; i < emu->opts.nr_cpus; i++)
		if (pthread_create(&emu->vcpus[i].thread, NULL, vcpu_thread,
				   &emu->vcpus[i]))
			die("pthread_create");
	for (;;)
		pause();
}
