// SPDX-License-Identifier: GPL-2.0
/*
 * gunyah-kvm-vmm: a small VMM that uses nothing but the standard KVM API, the acceptance test
 * of /dev/kvm served by Gunyah. It passes under native arm64 KVM first.
 *
 * One VM, two vCPUs (each on its own thread), two memslots, a vGICv3 and the guest of
 * guest.S. Step by step, each checked here; the first deviation ends the program with a
 * message and status 1:
 *  1. vCPU 0 writes HELLO_VALUE to the test device: address, length and data are checked.
 *  2. vCPU 0 reads the device, gets READ_VALUE and writes it back plus one.
 *  3. vCPU 0 writes a word in each page of slot 1; the VMM reads them through its mapping.
 *  4. vCPU 0 starts vCPU 1 with PSCI CPU_ON (the MPIDR KVM reports); vCPU 1 reports its
 *     index and MPIDR, then CPU_OFF; vCPU 0 waits until AFFINITY_INFO says it is off.
 *  5. vCPU 0 sets up the GIC and waits in WFI; the VMM raises a level SPI with KVM_IRQ_LINE
 *     (lowered before the guest's EOI) and then an edge SPI through an irqfd; the guest
 *     reports what it acknowledged and that nothing is pending after the EOI.
 *  6. vCPU 0 calls PSCI SYSTEM_OFF: a KVM_EXIT_SYSTEM_EVENT of type SHUTDOWN. As on native
 *     KVM, vCPU 0 is then stopped (KVM_GET_MP_STATE) and a KVM_RUN without a reset sleeps
 *     until a signal: the guest does not run again (QEMU with -no-shutdown does that).
 *
 * --loops N repeats create, run and destroy N times; --bench prints timings as
 * "bench: NAME VALUE UNIT"; --die-at=before-run|running|mmio SIGKILLs the VMM at that point
 * of its last VM, so that a harness can check what the kernel cleans up after a killed VMM.
 * --stats prints one line per VM, also just before a --die-at kill: whether its guest ran
 * (step 1 seen) and how many times the backend started it (the Gunyah backend's
 * gunyah_vm_starts stat, "-" without it). --tiny makes each VM as cheap as one that runs can
 * be, for stress tests: one vCPU, one 64 KiB slot, the vGIC with the fewest IRQs KVM takes
 * (the Gunyah backend makes a doorbell for each SPI), and steps 1, 2 and 6 only. --resets N
 * (with --tiny) has the guest call PSCI SYSTEM_RESET N times before its SYSTEM_OFF: each is a
 * KVM_EXIT_SYSTEM_EVENT of type RESET, after which the VMM does what QEMU does on a reset
 * (KVM_ARM_VCPU_INIT again, the boot registers) and the guest runs steps 1 and 2 again; a
 * backend with the gunyah_vm_starts stat must have started the VM once more for each.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/kvm.h>

#include "guest.h"

#define VMM		"gunyah-kvm-vmm"
#define NR_VCPUS	2
#define IPA_BITS	36
#define SPURIOUS_INTID	1023
/* How long the VMM waits before raising an SPI, so that vCPU 0 is asleep in WFI. */
#define RAISE_DELAY_US	5000
/* How long vCPU 0 sleeps in KVM_RUN after SYSTEM_OFF before the main thread kicks it */
#define OFF_KICK_US	100000
#define BENCH_ROUND_TRIPS 1000

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define CORE_REG(x)	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | \
			 KVM_REG_ARM_CORE_REG(x))
#define REG_MPIDR_EL1	ARM64_SYS_REG(3, 0, 0, 0, 5)
/* Aff3, Aff2, Aff1, Aff0: what PSCI takes as a target (bit 31 is RES1, not affinity) */
#define MPIDR_AFFINITY	0xff00ffffffULL
#define PSTATE_EL1H_DAIF (PSR_MODE_EL1h | PSR_D_BIT | PSR_A_BIT | PSR_I_BIT | PSR_F_BIT)

enum die_at { DIE_NEVER, DIE_BEFORE_RUN, DIE_RUNNING, DIE_MMIO };

static struct {
	bool verbose;
	bool bench;
	bool tiny;
	bool stats;
	int loops;
	int resets;
	int timeout_s;
	enum die_at die_at;
	const char *user;
} opt = { .loops = 1, .timeout_s = 60 };

static struct {
	double first_exit_us;
	double round_trip_us;
	double cycle_ms;
	double power_off_us;	/* SYSTEM_OFF's KVM_RUN, to the system event */
	double destroy_us;	/* closing the VM: the backend's teardown */
	/* From the binary stats of a backend that has them (Gunyah's) */
	bool has_counts;
	uint64_t rm_calls;
	uint64_t vm_starts;
	uint64_t hypercalls;
	uint64_t mmio_exits;
} bench;

static const char * const step_name[] = {
	"set-up", "MMIO write", "MMIO read", "guest memory in two slots",
	"PSCI CPU_ON of vCPU 1", "GIC interrupts", "PSCI SYSTEM_OFF", "PSCI SYSTEM_RESET",
};

struct vm;

struct vcpu {
	struct vm *vm;
	int index;
	int fd;
	struct kvm_run *run;
	size_t run_size;
	uint64_t mpidr;
	pthread_t thread;
};

struct vm {
	int index;		/* 1 to --loops */
	int fd;
	int gic_fd;
	int irqfd;		/* eventfd bound to SPI_EDGE */
	void *mem[2];
	size_t mem_size[2];
	int nr_vcpus;		/* NR_VCPUS, 1 with --tiny */
	struct vcpu vcpu[NR_VCPUS];
	pthread_mutex_t lock;
	pthread_cond_t cond;	/* vCPU 0 -> main thread: raise, done */
	int step;
	int raise;		/* an INTID for the main thread to raise, or 0 */
	int round_trips;	/* timed MMIO round trips at the end of step 5 */
	bool done;
	bool spinning;		/* --tiny: vCPU 0's guest spins, for --die-at=running */
	bool guest_ran;		/* step 1 seen */
	bool vcpu1_reported;
	bool stopping;
	bool off_rerun;		/* vCPU 0 in KVM_RUN after SYSTEM_OFF: kick it */
	int resets;		/* --resets: RESET exits seen */
	uint64_t *params;	/* the guest's boot parameters, in slot 0 */
	double excluded_us;	/* raise delays and timed round trips: not in the cycle time */
};

static int kvm_fd;
/* The VM being run, for --stats at a --die-at kill; whether it is the last one */
static struct vm *cur_vm;
static bool last_vm;

/* Fail: one line on stderr, exit status 1. */
#define die(fmt, ...) do {						\
	fprintf(stderr, VMM ": FAIL: " fmt "\n", ##__VA_ARGS__);	\
	exit(1);							\
} while (0)

/* With -v, one line per verified step. */
#define step_ok(step, fmt, ...) do {					\
	int n__ = (step);						\
									\
	if (opt.verbose)						\
		printf(VMM ": step %d (%s): " fmt "\n", n__,		\
		       step_name[n__], ##__VA_ARGS__);			\
} while (0)

static void vm_print_stats(struct vm *vm);

static void die_now(enum die_at where, const char *what)
{
	if (opt.die_at != where || !last_vm)
		return;
	if (opt.stats)
		vm_print_stats(cur_vm);
	printf(VMM ": --die-at: SIGKILL %s\n", what);
	fflush(stdout);
	kill(getpid(), SIGKILL);
	pause();
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int xioctl(int fd, unsigned long req, unsigned long arg, const char *name)
{
	int ret = ioctl(fd, req, arg);

	if (ret < 0)
		die("%s: %s", name, strerror(errno));
	return ret;
}

#define KVM_IOCTL(fd, req, arg) xioctl(fd, req, (unsigned long)(arg), #req)

static void device_attr(int fd, __u32 group, __u64 attr, void *val, const char *what)
{
	struct kvm_device_attr a = { .group = group, .attr = attr, .addr = (uintptr_t)val };

	if (ioctl(fd, KVM_SET_DEVICE_ATTR, &a))
		die("vGIC %s: %s", what, strerror(errno));
}

static uint64_t vcpu_get_reg(struct vcpu *v, __u64 id)
{
	uint64_t val;
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)&val };

	KVM_IOCTL(v->fd, KVM_GET_ONE_REG, &reg);
	return val;
}

static void vcpu_set_reg(struct vcpu *v, __u64 id, uint64_t val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)&val };

	KVM_IOCTL(v->fd, KVM_SET_ONE_REG, &reg);
}

static void vm_create(struct vm *vm, int index)
{
	static const struct { int cap; const char *name; } caps[] = {
		{ KVM_CAP_USER_MEMORY, "USER_MEMORY" },
		{ KVM_CAP_ARM_PSCI_0_2, "ARM_PSCI_0_2" },
		{ KVM_CAP_DEVICE_CTRL, "DEVICE_CTRL" },
		{ KVM_CAP_IRQFD, "IRQFD" },
		{ KVM_CAP_IMMEDIATE_EXIT, "IMMEDIATE_EXIT" },
	};
	unsigned long type = 0;
	unsigned int i;
	int ipa;

	memset(vm, 0, sizeof(*vm));
	vm->index = index;
	vm->nr_vcpus = opt.tiny ? 1 : NR_VCPUS;
	vm->gic_fd = -1;
	vm->irqfd = -1;
	ipa = ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_VM_IPA_SIZE);
	if (ipa >= IPA_BITS)
		type = KVM_VM_TYPE_ARM_IPA_SIZE(IPA_BITS);
	vm->fd = KVM_IOCTL(kvm_fd, KVM_CREATE_VM, type);
	for (i = 0; i < ARRAY_SIZE(caps); i++)
		if (ioctl(vm->fd, KVM_CHECK_EXTENSION, caps[i].cap) <= 0)
			die("KVM lacks KVM_CAP_%s", caps[i].name);
	step_ok(0, "VM of type %#lx (KVM_CAP_ARM_VM_IPA_SIZE %d)", type, ipa);
}

#define HUGE_SIZE	0x200000UL

static void vm_add_slot(struct vm *vm, int slot, __u64 gpa, size_t size)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot, .guest_phys_addr = gpa, .memory_size = size,
	};

	uintptr_t base, aligned;
	void *p;

	/*
	 * 2 MiB aligned and THP-backed where the kernel offers it, as QEMU
	 * allocates guest RAM: a backend then sees contiguous memory.
	 */
	p = mmap(NULL, size + HUGE_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		die("mmap of slot %d: %s", slot, strerror(errno));
	base = (uintptr_t)p;
	aligned = (base + HUGE_SIZE - 1) & ~(uintptr_t)(HUGE_SIZE - 1);
	if (aligned > base)
		munmap(p, aligned - base);
	munmap((void *)(aligned + size), base + HUGE_SIZE - aligned);
	vm->mem[slot] = (void *)aligned;
	vm->mem_size[slot] = size;
	madvise(vm->mem[slot], size, MADV_HUGEPAGE);
	r.userspace_addr = aligned;
	KVM_IOCTL(vm->fd, KVM_SET_USER_MEMORY_REGION, &r);
}

/* As QEMU: secondaries start powered off, for PSCI CPU_ON. */
static void vcpu_init(struct vcpu *v)
{
	struct kvm_vcpu_init init;

	KVM_IOCTL(v->vm->fd, KVM_ARM_PREFERRED_TARGET, &init);
	init.features[0] |= 1u << KVM_ARM_VCPU_PSCI_0_2;
	if (v->index)
		init.features[0] |= 1u << KVM_ARM_VCPU_POWER_OFF;
	KVM_IOCTL(v->fd, KVM_ARM_VCPU_INIT, &init);
}

/* As QEMU for a -kernel boot: PC and PSTATE (EL1h, DAIF masked), X0 for the guest. */
static void vcpu_boot_regs(struct vcpu *v, uint64_t params_gpa)
{
	vcpu_set_reg(v, CORE_REG(regs.pc), SLOT0_BASE);
	vcpu_set_reg(v, CORE_REG(regs.pstate), PSTATE_EL1H_DAIF);
	vcpu_set_reg(v, CORE_REG(regs.regs[0]), params_gpa);
}

static void vcpu_add(struct vm *vm, int index)
{
	struct vcpu *v = &vm->vcpu[index];

	v->vm = vm;
	v->index = index;
	v->fd = KVM_IOCTL(vm->fd, KVM_CREATE_VCPU, index);
	v->run_size = KVM_IOCTL(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	v->run = mmap(NULL, v->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
	if (v->run == MAP_FAILED)
		die("mmap of vCPU %d's kvm_run: %s", index, strerror(errno));
	vcpu_init(v);
	v->mpidr = vcpu_get_reg(v, REG_MPIDR_EL1);
}

/* In QEMU's order: NR_IRQS, CTRL_INIT, then the addresses. */
static void vgic_create(struct vm *vm)
{
	struct kvm_create_device dev = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };
	__u32 nr_irqs = opt.tiny ? TINY_NR_IRQS : GIC_NR_IRQS;
	__u64 dist = GICD_BASE, redist = GICR_BASE;

	KVM_IOCTL(vm->fd, KVM_CREATE_DEVICE, &dev);
	vm->gic_fd = dev.fd;
	device_attr(vm->gic_fd, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, &nr_irqs, "NR_IRQS");
	device_attr(vm->gic_fd, KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT, NULL,
		    "CTRL_INIT");
	device_attr(vm->gic_fd, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST, &dist,
		    "distributor address");
	device_attr(vm->gic_fd, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_REDIST, &redist,
		    "redistributor address");
}

/* arm64's default routing maps GSI n to SPI n, that is INTID n + 32. */
static void irqfd_add(struct vm *vm, int intid)
{
	struct kvm_irqfd irqfd = { .gsi = intid - 32 };

	vm->irqfd = eventfd(0, EFD_CLOEXEC);
	if (vm->irqfd < 0)
		die("eventfd: %s", strerror(errno));
	irqfd.fd = vm->irqfd;
	KVM_IOCTL(vm->fd, KVM_IRQFD, &irqfd);
}

static void irq_line(struct vm *vm, int intid, int level)
{
	struct kvm_irq_level irq = {
		.irq = KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT | intid,
		.level = level,
	};

	KVM_IOCTL(vm->fd, KVM_IRQ_LINE, &irq);
}

/* One named u64 of a VM's or vCPU's binary stats (KVM_GET_STATS_FD) */
static bool stat_get(int fd, const char *name, uint64_t *val)
{
	struct kvm_stats_header h;
	struct kvm_stats_desc *d;
	bool found = false;
	size_t dsz;
	char *descs;
	int sfd;
	__u32 i;

	sfd = ioctl(fd, KVM_GET_STATS_FD, NULL);
	if (sfd < 0)
		return false;
	if (pread(sfd, &h, sizeof(h), 0) != sizeof(h))
		goto out;
	dsz = sizeof(*d) + h.name_size;
	descs = calloc(h.num_desc, dsz);
	if (!descs)
		goto out;
	if (pread(sfd, descs, h.num_desc * dsz, h.desc_offset) != (ssize_t)(h.num_desc * dsz))
		goto out_free;
	for (i = 0; i < h.num_desc && !found; i++) {
		d = (struct kvm_stats_desc *)(descs + i * dsz);
		if (strcmp(d->name, name))
			continue;
		found = pread(sfd, val, sizeof(*val), h.data_offset + d->offset) == sizeof(*val);
	}
out_free:
	free(descs);
out:
	close(sfd);
	return found;
}

/* With --bench: what the backend spent on this VM's start and exits */
static void vm_count(struct vm *vm)
{
	uint64_t v, user, kernel;
	int i;

	if (!stat_get(vm->fd, "gunyah_rm_calls", &v))
		return;
	bench.has_counts = true;
	bench.rm_calls += v;
	if (stat_get(vm->fd, "gunyah_vm_starts", &v))
		bench.vm_starts += v;
	for (i = 0; i < vm->nr_vcpus; i++) {
		if (stat_get(vm->vcpu[i].fd, "gunyah_hypercalls", &v))
			bench.hypercalls += v;
		if (stat_get(vm->vcpu[i].fd, "mmio_exit_user", &user) &&
		    stat_get(vm->vcpu[i].fd, "mmio_exit_kernel", &kernel))
			bench.mmio_exits += user + kernel;
	}
}

/* --stats: one line per VM, whether it ran and how often the backend started it */
static void vm_print_stats(struct vm *vm)
{
	uint64_t starts;
	char buf[24] = "-";

	if (stat_get(vm->fd, "gunyah_vm_starts", &starts))
		snprintf(buf, sizeof(buf), "%llu", (unsigned long long)starts);
	printf(VMM ": stats: vm %d guest-ran %d gunyah_vm_starts %s\n", vm->index,
	       __atomic_load_n(&vm->guest_ran, __ATOMIC_ACQUIRE), buf);
}

static void vm_destroy(struct vm *vm)
{
	int i;

	for (i = 0; i < vm->nr_vcpus; i++) {
		munmap(vm->vcpu[i].run, vm->vcpu[i].run_size);
		close(vm->vcpu[i].fd);
	}
	close(vm->irqfd);
	close(vm->gic_fd);
	close(vm->fd);
	for (i = 0; i < 2; i++)
		if (vm->mem[i])
			munmap(vm->mem[i], vm->mem_size[i]);
}

static void set_step(struct vm *vm, int step)
{
	pthread_mutex_lock(&vm->lock);
	vm->step = step;
	pthread_mutex_unlock(&vm->lock);
}

static void vcpu_run(struct vcpu *v)
{
	if (ioctl(v->fd, KVM_RUN, 0))
		die("vCPU %d: KVM_RUN: %s", v->index, strerror(errno));
}

static const char *guest_failure(__u64 code)
{
	switch (code) {
	case FAIL_NO_REDIST:
		return "no redistributor has its affinity";
	case FAIL_CPU_OFF_RETURNED:
		return "PSCI CPU_OFF returned";
	case FAIL_SYSTEM_OFF_RETURNED:
		return "PSCI SYSTEM_OFF returned";
	case FAIL_SYSTEM_RESET_RETURNED:
		return "PSCI SYSTEM_RESET returned";
	}
	return "unknown failure";
}

static int step_of(struct vcpu *v)
{
	return v->index ? 4 : v->vm->step;
}

/* Name the exit @v made instead of the @expected one, and fail. */
static noreturn void unexpected_exit(struct vcpu *v, const char *expected)
{
	struct kvm_run *run = v->run;
	uint64_t val = 0;

	memcpy(&val, run->mmio.data, sizeof(val));
	if (run->exit_reason == KVM_EXIT_MMIO && run->mmio.is_write &&
	    run->mmio.phys_addr == TEST_DEV_BASE + PORT_FAIL)
		die("step %d: vCPU %d: the guest failed: %s", step_of(v), v->index,
		    guest_failure(val));
	if (run->exit_reason == KVM_EXIT_MMIO)
		die("step %d: vCPU %d: %u-byte MMIO %s of %#llx (data %#llx), expected %s",
		    step_of(v), v->index, run->mmio.len, run->mmio.is_write ? "write" : "read",
		    run->mmio.phys_addr, (unsigned long long)val, expected);
	if (run->exit_reason == KVM_EXIT_SYSTEM_EVENT)
		die("step %d: vCPU %d: system event of type %u, expected %s", step_of(v),
		    v->index, run->system_event.type, expected);
	die("step %d: vCPU %d: exit reason %u, expected %s", step_of(v), v->index,
	    run->exit_reason, expected);
}

/* The exit must be an 8-byte access of the test device at @port, in that direction. */
static uint64_t expect_mmio(struct vcpu *v, unsigned int port, bool is_write)
{
	struct kvm_run *run = v->run;
	uint64_t val = 0;
	char expected[64];

	if (run->exit_reason != KVM_EXIT_MMIO || run->mmio.len != 8 ||
	    run->mmio.is_write != is_write || run->mmio.phys_addr != TEST_DEV_BASE + port) {
		snprintf(expected, sizeof(expected), "an 8-byte MMIO %s of %#x",
			 is_write ? "write" : "read", TEST_DEV_BASE + port);
		unexpected_exit(v, expected);
	}
	memcpy(&val, run->mmio.data, sizeof(val));
	return val;
}

static void expect_write(struct vcpu *v, unsigned int port, uint64_t expected, const char *what)
{
	uint64_t val = expect_mmio(v, port, true);

	if (val != expected)
		die("step %d: vCPU %d: %s: guest wrote %#llx, expected %#llx", step_of(v),
		    v->index, what, (unsigned long long)val, (unsigned long long)expected);
}

/* The guest wrote PATTERN_BASE + i at offset 8 * i of page i of slot 1, nothing else. */
static void check_slot1(struct vm *vm)
{
	const uint64_t *w = vm->mem[1];
	size_t i, stride = (4096 + 8) / 8;

	for (i = 0; i < SLOT1_SIZE / 8; i++) {
		uint64_t expected = i % stride ? 0 : PATTERN_BASE + i / stride;

		if (w[i] != expected)
			die("step 3: slot 1 at %#zx holds %#llx, expected %#llx",
			    SLOT1_BASE + 8 * i, (unsigned long long)w[i],
			    (unsigned long long)expected);
	}
}

/* The main thread raises @intid after RAISE_DELAY_US, while vCPU 0 sleeps in WFI. */
static void request_raise(struct vm *vm, int intid)
{
	pthread_mutex_lock(&vm->lock);
	vm->raise = intid;
	pthread_cond_signal(&vm->cond);
	pthread_mutex_unlock(&vm->lock);
}

static void irq_test(struct vcpu *v, int intid)
{
	struct vm *vm = v->vm;

	vcpu_run(v);
	expect_write(v, PORT_GIC_READY, intid, "awaited INTID");
	request_raise(vm, intid);
	vcpu_run(v);
	expect_write(v, PORT_IRQ, intid, "INTID acknowledged");
	if (intid == SPI_LEVEL)
		irq_line(vm, intid, 0);
	vcpu_run(v);
	expect_write(v, PORT_EOI, intid, "INTID EOIed");
	vcpu_run(v);
	expect_write(v, PORT_HPPIR, SPURIOUS_INTID, "pending after the EOI (ICC_HPPIR1_EL1)");
	step_ok(5, "INTID %d (%s) raised during WFI, acknowledged, EOIed, not pending again",
		intid, intid == SPI_LEVEL ? "level, KVM_IRQ_LINE" : "edge, irqfd");
}

/* Steps 1 and 2, from the guest's first instruction */
static void run_steps_1_2(struct vcpu *v)
{
	struct vm *vm = v->vm;
	struct kvm_run *run = v->run;
	uint64_t answer = READ_VALUE;
	double t0;

	set_step(vm, 1);
	t0 = now_us();
	vcpu_run(v);
	if (!vm->resets)
		bench.first_exit_us += now_us() - t0;
	expect_write(v, PORT_HELLO, HELLO_VALUE, "MMIO write");
	__atomic_store_n(&vm->guest_ran, true, __ATOMIC_RELEASE);
	step_ok(1, "8-byte write of %#llx to %#x", (unsigned long long)HELLO_VALUE,
		TEST_DEV_BASE + PORT_HELLO);

	set_step(vm, 2);
	vcpu_run(v);
	expect_mmio(v, PORT_READ, false);
	die_now(DIE_MMIO, "while handling an MMIO read exit");
	memcpy(run->mmio.data, &answer, sizeof(answer));
	vcpu_run(v);
	expect_write(v, PORT_ECHO, READ_VALUE + 1, "value read plus one");
	step_ok(2, "read of %#x answered %#llx, guest wrote back that plus one",
		TEST_DEV_BASE + PORT_READ, (unsigned long long)READ_VALUE);
}

/*
 * --resets: the guest resets the machine; the VMM then does what QEMU does, and the guest
 * starts again from its first instruction, to switch off after the last reset.
 */
static void reset_and_rerun(struct vcpu *v)
{
	struct vm *vm = v->vm;
	struct kvm_run *run = v->run;

	set_step(vm, 7);
	vcpu_run(v);
	if (run->exit_reason != KVM_EXIT_SYSTEM_EVENT ||
	    run->system_event.type != KVM_SYSTEM_EVENT_RESET)
		unexpected_exit(v, "a system event of type RESET");
	vm->resets++;
	step_ok(7, "KVM_EXIT_SYSTEM_EVENT, type RESET (%d of %d)", vm->resets, opt.resets);
	if (vm->resets == opt.resets)
		vm->params[PARAM_TINY / 8] = TINY_OFF;
	vcpu_init(v);
	vcpu_boot_regs(v, (uint64_t)TINY_PARAMS);
	run_steps_1_2(v);
}

/*
 * After SYSTEM_OFF every vCPU is stopped until the VMM resets it: KVM_RUN sleeps until the
 * main thread's signal and returns EINTR, and the guest does not run again.
 */
static void stopped_after_off(struct vcpu *v)
{
	struct vm *vm = v->vm;
	struct kvm_mp_state mp;

	if (ioctl(v->fd, KVM_GET_MP_STATE, &mp))
		die("step 6: KVM_GET_MP_STATE after SYSTEM_OFF: %s", strerror(errno));
	if (mp.mp_state != KVM_MP_STATE_STOPPED)
		die("step 6: vCPU 0's mp_state after SYSTEM_OFF is %u, not STOPPED", mp.mp_state);
	pthread_mutex_lock(&vm->lock);
	vm->off_rerun = true;
	pthread_cond_signal(&vm->cond);
	pthread_mutex_unlock(&vm->lock);
	if (ioctl(v->fd, KVM_RUN, 0) == 0)
		unexpected_exit(v, "none: the guest powered off");
	if (errno != EINTR)
		die("step 6: KVM_RUN after SYSTEM_OFF: %s, expected EINTR", strerror(errno));
	step_ok(6, "then vCPU 0 is stopped: KVM_RUN slept until a signal");
}

static void *vcpu0_thread(void *arg)
{
	struct vcpu *v = arg;
	struct vm *vm = v->vm;
	struct kvm_run *run = v->run;
	int n = vm->round_trips;
	uint64_t wakeups, woken;
	double t0 = 0, t1 = 0;
	int i;

	run_steps_1_2(v);

	if (opt.tiny && opt.die_at == DIE_RUNNING && last_vm) {
		/* The guest spins inside KVM_RUN until the main thread kills the VMM */
		vcpu_run(v);
		expect_write(v, PORT_SPIN, TINY_SPIN, "--tiny guest spinning");
		pthread_mutex_lock(&vm->lock);
		vm->spinning = true;
		pthread_cond_signal(&vm->cond);
		pthread_mutex_unlock(&vm->lock);
		vcpu_run(v);
		unexpected_exit(v, "none while spinning");
	}
	if (opt.tiny) {
		while (vm->resets < opt.resets)
			reset_and_rerun(v);
		goto power_off;
	}

	set_step(vm, 3);
	vcpu_run(v);
	expect_write(v, PORT_PATTERN, SLOT1_PAGES, "pages written");
	check_slot1(vm);
	step_ok(3, "the VMM reads in slot 1 the %d words the guest wrote", SLOT1_PAGES);

	set_step(vm, 4);
	vcpu_run(v);
	expect_write(v, PORT_CPU_ON, 0, "PSCI CPU_ON result");
	vcpu_run(v);
	expect_write(v, PORT_CPU_OFF, PSCI_AFF_OFF, "AFFINITY_INFO of vCPU 1");
	if (!__atomic_load_n(&vm->vcpu1_reported, __ATOMIC_ACQUIRE))
		die("step 4: vCPU 1 is off but never reported itself up");
	step_ok(4, "CPU_ON of affinity %#llx, vCPU 1 ran, then AFFINITY_INFO says off",
		(unsigned long long)(vm->vcpu[1].mpidr & MPIDR_AFFINITY));

	set_step(vm, 5);
	if (!stat_get(v->fd, "halt_wakeup", &wakeups))
		die("step 5: vCPU 0 has no halt_wakeup statistic");
	irq_test(v, SPI_LEVEL);
	irq_test(v, SPI_EDGE);
	/*
	 * The guest waited in WFI for each interrupt, RAISE_DELAY_US long:
	 * a native vCPU sleeps in KVM's halt, and so must a Gunyah one, on
	 * its wakeup vIRQ, instead of calling vcpu_run in a loop.
	 */
	if (!stat_get(v->fd, "halt_wakeup", &woken) || woken == wakeups)
		die("step 5: vCPU 0 waited in WFI twice and never slept (halt_wakeup %llu)",
		    (unsigned long long)wakeups);
	step_ok(5, "vCPU 0 slept in KVM_RUN while in WFI, woken %llu times",
		(unsigned long long)(woken - wakeups));

	for (i = n; i > 0; i--) {
		vcpu_run(v);
		if (i == n)
			t0 = now_us();
		t1 = now_us();
		expect_write(v, PORT_BENCH, i, "round trips left");
	}
	bench.round_trip_us += (t1 - t0) / (n - 1);
	pthread_mutex_lock(&vm->lock);
	vm->excluded_us += t1 - t0;
	pthread_mutex_unlock(&vm->lock);

power_off:
	set_step(vm, 6);
	t0 = now_us();
	vcpu_run(v);
	bench.power_off_us += now_us() - t0;
	if (run->exit_reason != KVM_EXIT_SYSTEM_EVENT ||
	    run->system_event.type != KVM_SYSTEM_EVENT_SHUTDOWN)
		unexpected_exit(v, "a system event of type SHUTDOWN");
	step_ok(6, "KVM_EXIT_SYSTEM_EVENT, type SHUTDOWN");
	stopped_after_off(v);

	pthread_mutex_lock(&vm->lock);
	vm->done = true;
	pthread_cond_signal(&vm->cond);
	pthread_mutex_unlock(&vm->lock);
	return NULL;
}

static void *vcpu1_thread(void *arg)
{
	struct vcpu *v = arg;
	uint64_t val;

	vcpu_run(v);
	expect_write(v, PORT_UP, 1, "vCPU 1's index (CPU_ON context id)");
	vcpu_run(v);
	val = expect_mmio(v, PORT_MPIDR, true);
	if (val != v->mpidr)
		die("step 4: vCPU 1 runs with MPIDR_EL1 %#llx, KVM reported %#llx",
		    (unsigned long long)val, (unsigned long long)v->mpidr);
	__atomic_store_n(&v->vm->vcpu1_reported, true, __ATOMIC_RELEASE);
	step_ok(4, "vCPU 1 up on its own thread, index 1, MPIDR %#llx", (unsigned long long)val);

	/* After CPU_OFF, KVM_RUN returns only when the main thread kicks it. */
	if (ioctl(v->fd, KVM_RUN, 0) == 0)
		unexpected_exit(v, "no exit after CPU_OFF");
	if (errno != EINTR)
		die("step 4: vCPU 1: KVM_RUN: %s", strerror(errno));
	if (!__atomic_load_n(&v->vm->stopping, __ATOMIC_ACQUIRE))
		die("step %d: vCPU 1: KVM_RUN interrupted before the end", v->vm->step);
	return NULL;
}

static void kick(int sig)
{
}

/* Serve vCPU 0's requests to raise an SPI until it is done, or time out. */
static void vm_supervise(struct vm *vm)
{
	struct timespec deadline;
	struct kvm_run *run1 = vm->vcpu[vm->nr_vcpus - 1].run;
	__u64 one = 1;
	int intid;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += opt.timeout_s;
	pthread_mutex_lock(&vm->lock);
	while (!vm->done) {
		if (vm->off_rerun) {
			/* Until vCPU 0's KVM_RUN returns: the first kick may come too early */
			pthread_mutex_unlock(&vm->lock);
			usleep(OFF_KICK_US);
			pthread_kill(vm->vcpu[0].thread, SIGUSR1);
			pthread_mutex_lock(&vm->lock);
			vm->excluded_us += OFF_KICK_US;
			continue;
		}
		if (vm->spinning) {
			pthread_mutex_unlock(&vm->lock);
			usleep(RAISE_DELAY_US);
			die_now(DIE_RUNNING, "from the main thread, vCPU 0 spinning in KVM_RUN");
			die("--tiny: vCPU 0 spins, but this VM is not to die");
		}
		if (vm->raise) {
			intid = vm->raise;
			vm->raise = 0;
			pthread_mutex_unlock(&vm->lock);
			usleep(RAISE_DELAY_US);
			die_now(DIE_RUNNING, "from the main thread, vCPUs inside KVM_RUN");
			if (intid == SPI_LEVEL)
				irq_line(vm, intid, 1);
			else if (write(vm->irqfd, &one, sizeof(one)) != sizeof(one))
				die("write to the irqfd: %s", strerror(errno));
			pthread_mutex_lock(&vm->lock);
			vm->excluded_us += RAISE_DELAY_US;
			continue;
		}
		if (pthread_cond_timedwait(&vm->cond, &vm->lock, &deadline) == ETIMEDOUT)
			die("timed out after %d s in step %d (%s)", opt.timeout_s, vm->step,
			    step_name[vm->step]);
	}
	pthread_mutex_unlock(&vm->lock);

	if (vm->nr_vcpus < 2)
		return;
	/* vCPU 1 is off, asleep in KVM_RUN or about to enter it. */
	__atomic_store_n(&vm->stopping, true, __ATOMIC_RELEASE);
	run1->immediate_exit = 1;
	pthread_kill(vm->vcpu[1].thread, SIGUSR1);
}

static void vm_cycle(int index)
{
	pthread_condattr_t ca;
	struct vm vm;
	double t0 = now_us(), t1;
	uint64_t *params, params_gpa = opt.tiny ? TINY_PARAMS : GUEST_PARAMS;
	uint64_t starts;
	int i;

	vm_create(&vm, index);
	cur_vm = &vm;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&vm.cond, &ca);
	pthread_mutex_init(&vm.lock, NULL);

	vm_add_slot(&vm, 0, SLOT0_BASE, opt.tiny ? TINY_SLOT0_SIZE : SLOT0_SIZE);
	if (!opt.tiny)
		vm_add_slot(&vm, 1, SLOT1_BASE, SLOT1_SIZE);
	for (i = 0; i < vm.nr_vcpus; i++)
		vcpu_add(&vm, i);
	vgic_create(&vm);
	irqfd_add(&vm, SPI_EDGE);

	memcpy(vm.mem[0], guest_code_start, guest_code_end - guest_code_start);
	vm.params = (uint64_t *)((char *)vm.mem[0] + params_gpa - SLOT0_BASE);
	params = vm.params;
	params[PARAM_MPIDR1 / 8] = vm.vcpu[vm.nr_vcpus - 1].mpidr & MPIDR_AFFINITY;
	vm.round_trips = opt.bench ? BENCH_ROUND_TRIPS : 10;
	params[PARAM_BENCH / 8] = vm.round_trips;
	if (opt.tiny && opt.die_at == DIE_RUNNING && last_vm)
		params[PARAM_TINY / 8] = TINY_SPIN;
	else if (opt.tiny)
		params[PARAM_TINY / 8] = opt.resets ? TINY_RESET : TINY_OFF;

	vcpu_boot_regs(&vm.vcpu[0], params_gpa);
	if (vcpu_get_reg(&vm.vcpu[0], CORE_REG(regs.pc)) != SLOT0_BASE)
		die("set-up: vCPU 0's PC reads back other than it was set");
	if (opt.tiny)
		step_ok(0, "--tiny: 1 memslot of %d KiB, 1 vCPU (MPIDR %#llx), vGICv3",
			TINY_SLOT0_SIZE >> 10, (unsigned long long)vm.vcpu[0].mpidr);
	else
		step_ok(0, "2 memslots, 2 vCPUs (MPIDR %#llx, %#llx), vGICv3, irqfd; %s %zu bytes",
			(unsigned long long)vm.vcpu[0].mpidr, (unsigned long long)vm.vcpu[1].mpidr,
			"guest code", (size_t)(guest_code_end - guest_code_start));

	die_now(DIE_BEFORE_RUN, "before the first KVM_RUN");
	if (pthread_create(&vm.vcpu[0].thread, NULL, vcpu0_thread, &vm.vcpu[0]) ||
	    (vm.nr_vcpus > 1 &&
	     pthread_create(&vm.vcpu[1].thread, NULL, vcpu1_thread, &vm.vcpu[1])))
		die("pthread_create failed");
	vm_supervise(&vm);
	for (i = 0; i < vm.nr_vcpus; i++)
		pthread_join(vm.vcpu[i].thread, NULL);
	/* Once, and once more per reset: not again for the KVM_RUN after SYSTEM_OFF */
	if (stat_get(vm.fd, "gunyah_vm_starts", &starts) && starts != (uint64_t)opt.resets + 1)
		die("the backend started the VM %llu times, not %d (%d resets)",
		    (unsigned long long)starts, opt.resets + 1, opt.resets);

	if (opt.bench)
		vm_count(&vm);
	if (opt.stats)
		vm_print_stats(&vm);
	t1 = now_us();
	vm_destroy(&vm);
	bench.destroy_us += now_us() - t1;
	cur_vm = NULL;
	pthread_cond_destroy(&vm.cond);
	pthread_mutex_destroy(&vm.lock);
	bench.cycle_ms += (now_us() - t0 - vm.excluded_us) / 1e3;
}

/*
 * --user=UID:GID[:GROUP]: run as an unprivileged user, with GROUP as its
 * only supplementary group (the group a distribution gives /dev/kvm), to
 * check that /dev/kvm works for its group and for nobody else.
 */
static void become_user(const char *spec)
{
	unsigned int uid, gid, group;
	gid_t groups[1];
	int n;

	n = sscanf(spec, "%u:%u:%u", &uid, &gid, &group);
	if (n < 2)
		die("--user wants UID:GID[:GROUP], not %s", spec);
	groups[0] = group;
	if (setgroups(n == 3 ? 1 : 0, groups) || setgid(gid) || setuid(uid))
		die("cannot become %s: %s", spec, strerror(errno));
}

static void bad_usage(void)
{
	fprintf(stderr,
		"usage: " VMM " [-v] [--loops N] [--bench] [--timeout SECONDS]\n"
		"       [--tiny [--resets N]] [--stats] [--die-at=before-run|running|mmio]\n"
		"       [--user=UID:GID[:GROUP]]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "verbose", no_argument, NULL, 'v' },
		{ "loops", required_argument, NULL, 'l' },
		{ "bench", no_argument, NULL, 'b' },
		{ "timeout", required_argument, NULL, 't' },
		{ "die-at", required_argument, NULL, 'd' },
		{ "user", required_argument, NULL, 'u' },
		{ "tiny", no_argument, NULL, 'T' },
		{ "stats", no_argument, NULL, 's' },
		{ "resets", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	static const char * const die_names[] = { "", "before-run", "running", "mmio" };
	struct sigaction sa = { .sa_handler = kick };
	int c, i;

	while ((c = getopt_long(argc, argv, "v", longopts, NULL)) != -1) {
		switch (c) {
		case 'v':
			opt.verbose = true;
			break;
		case 'l':
			opt.loops = atoi(optarg);
			break;
		case 'b':
			opt.bench = true;
			break;
		case 't':
			opt.timeout_s = atoi(optarg);
			break;
		case 'd':
			for (i = 1; i < 4; i++)
				if (!strcmp(optarg, die_names[i]))
					opt.die_at = i;
			if (!opt.die_at)
				bad_usage();
			break;
		case 'u':
			opt.user = optarg;
			break;
		case 'T':
			opt.tiny = true;
			break;
		case 's':
			opt.stats = true;
			break;
		case 'r':
			opt.resets = atoi(optarg);
			break;
		default:
			bad_usage();
		}
	}
	if (optind != argc || opt.loops < 1 || opt.timeout_s < 1 || opt.resets < 0 ||
	    (opt.resets && !opt.tiny))
		bad_usage();
	if (opt.user)
		become_user(opt.user);

	setvbuf(stdout, NULL, _IOLBF, 0);
	sigaction(SIGUSR1, &sa, NULL);
	kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm_fd < 0)
		die("open /dev/kvm: %s", strerror(errno));
	if (ioctl(kvm_fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION)
		die("KVM API version is not %d", KVM_API_VERSION);

	for (i = 1; i <= opt.loops; i++) {
		last_vm = i == opt.loops;
		vm_cycle(i);
	}

	if (opt.bench) {
		printf("bench: run-to-first-mmio-exit %.1f us\n", bench.first_exit_us / opt.loops);
		if (!opt.tiny)
			printf("bench: mmio-exit-round-trip %.2f us\n",
			       bench.round_trip_us / opt.loops);
		printf("bench: vm-create-run-destroy %.2f ms\n", bench.cycle_ms / opt.loops);
		printf("bench: system-off-to-exit %.1f us\n", bench.power_off_us / opt.loops);
		printf("bench: vm-destroy %.1f us\n", bench.destroy_us / opt.loops);
		if (bench.has_counts && bench.vm_starts && bench.mmio_exits) {
			printf("bench: rm-calls-per-vm-start %.1f calls\n",
			       (double)bench.rm_calls / bench.vm_starts);
			printf("bench: hypercalls-per-mmio-exit %.2f calls\n",
			       (double)bench.hypercalls / bench.mmio_exits);
		}
	}
	printf(VMM ": PASS (%d VM%s)\n", opt.loops, opt.loops > 1 ? "s" : "");
	return 0;
}
