// SPDX-License-Identifier: GPL-2.0
/*
 * gunyah-kvm-errno: malformed KVM ioctls and the errno each one gets, as a table.
 *
 * A VMM learns what a KVM backend cannot do from the errno of an ioctl, so the Gunyah
 * backend must answer a malformed request exactly as native arm64 KVM (Linux 6.12) does.
 * Each row is one ioctl with one bad input, the errno native KVM returns for it (read in
 * its sources and checked under the L1 machine's native KVM), and, where Gunyah honestly
 * differs, the errno the Gunyah backend returns instead with the reason (gunyah.rst).
 * Where native KVM's answer depends on what the host offers, the row computes it from the
 * capabilities the backend reports (marked '*'): the backend must then answer as native
 * KVM would on a host with those capabilities.
 *
 * Every row runs in a child process of its own, with fresh VMs: nothing it sets up can
 * change another row, and no row costs the Gunyah backend any RM resource (no KVM_RUN of
 * an initialised vCPU). The table goes to stdout, one line per row:
 *
 *   | row | ioctl | input | native | gunyah | got | result |
 *
 * "gunyah" is "=" where Gunyah must answer as native KVM; result is "ok" or "FAIL". The
 * expected column is "gunyah" under the Gunyah backend (its binary stats have
 * gunyah_vm_starts) and "native" otherwise. Exit status 0 if every row is ok, 1 if not.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <linux/kvm.h>

#define PROG		"gunyah-kvm-errno"
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* A child's exit status when its set-up failed (it printed why) */
#define SETUP_FAILED	255

/* Every VM of the table has a 36-bit IPA space, what Gunyah gives on the QEMU platform */
#define IPA_BITS	36
#define RAM_BASE	0x80000000ULL
#define SZ_1M		0x100000ULL
#define SZ_2M		0x200000ULL
#define SZ_64K		0x10000ULL
#define GICD_BASE	0x08000000ULL
#define GICR_BASE	0x080a0000ULL

#define CORE_OFF(x)	(offsetof(struct kvm_regs, x) / sizeof(__u32))
#define CORE_ID(size, off) (KVM_REG_ARM64 | (size) | KVM_REG_ARM_CORE | (off))
#define REG_PC		CORE_ID(KVM_REG_SIZE_U64, CORE_OFF(regs.pc))
#define REG_PSTATE	CORE_ID(KVM_REG_SIZE_U64, CORE_OFF(regs.pstate))
#define REG_ELR_EL1	CORE_ID(KVM_REG_SIZE_U64, CORE_OFF(elr_el1))
#define NR_CORE_OFFS	(sizeof(struct kvm_regs) / sizeof(__u32))
#define REG_MIDR_EL1	ARM64_SYS_REG(3, 0, 0, 0, 0)
#define REG_ID_AA64PFR0	ARM64_SYS_REG(3, 0, 0, 4, 0)

/* KVM_IRQ_LINE's irq field */
#define IRQ(type, vcpu, num) ((type) << KVM_ARM_IRQ_TYPE_SHIFT | \
			      (vcpu) << KVM_ARM_IRQ_VCPU_SHIFT | (num))

/* /dev/kvm, opened once and inherited by every row's child */
static int kvm_fd;
static int ipa_limit;
static bool on_gunyah;

/* Set-up: any failure ends the row's child with SETUP_FAILED */
static void setup_failed(const char *what)
{
	printf(PROG ": set-up: %s: %s\n", what, strerror(errno));
	fflush(stdout);
	_exit(SETUP_FAILED);
}

static int must(int ret, const char *what)
{
	if (ret < 0)
		setup_failed(what);
	return ret;
}

/* The errno of the ioctl under test, or 0 */
static int res(int ret)
{
	return ret < 0 ? errno : 0;
}

static int cap(int fd, long ext)
{
	int r = ioctl(fd, KVM_CHECK_EXTENSION, ext);

	return r < 0 ? 0 : r;
}

static int vm_new(void)
{
	return must(ioctl(kvm_fd, KVM_CREATE_VM, KVM_VM_TYPE_ARM_IPA_SIZE(IPA_BITS)),
		    "KVM_CREATE_VM");
}

static int vcpu_new(int vm, int id)
{
	return must(ioctl(vm, KVM_CREATE_VCPU, id), "KVM_CREATE_VCPU");
}

static int vcpu_try_init(int vm, int vcpu, __u32 features)
{
	struct kvm_vcpu_init init;

	must(ioctl(vm, KVM_ARM_PREFERRED_TARGET, &init), "KVM_ARM_PREFERRED_TARGET");
	init.features[0] = features;
	return res(ioctl(vcpu, KVM_ARM_VCPU_INIT, &init));
}

/* A VM with vCPU 0 created and initialised as QEMU does it */
static int vm_vcpu(int *vcpu)
{
	int vm = vm_new();

	*vcpu = vcpu_new(vm, 0);
	errno = vcpu_try_init(vm, *vcpu, 1U << KVM_ARM_VCPU_PSCI_0_2);
	if (errno)
		setup_failed("KVM_ARM_VCPU_INIT");
	return vm;
}

/* 4 MiB of anonymous memory, 2 MiB aligned */
static void *ram(void)
{
	uintptr_t p = (uintptr_t)mmap(NULL, 3 * SZ_2M, PROT_READ | PROT_WRITE,
				      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if ((void *)p == MAP_FAILED)
		setup_failed("mmap");
	return (void *)((p + SZ_2M - 1) & ~(SZ_2M - 1));
}

static int slot(int vm, __u32 id, __u32 flags, __u64 gpa, __u64 size, const void *hva)
{
	struct kvm_userspace_memory_region r = {
		.slot = id, .flags = flags, .guest_phys_addr = gpa, .memory_size = size,
		.userspace_addr = (uintptr_t)hva,
	};

	return res(ioctl(vm, KVM_SET_USER_MEMORY_REGION, &r));
}

static void slot_ok(int vm, __u32 id, __u64 gpa, __u64 size, const void *hva)
{
	errno = slot(vm, id, 0, gpa, size, hva);
	if (errno)
		setup_failed("KVM_SET_USER_MEMORY_REGION");
}

static int gic_new(int vm)
{
	struct kvm_create_device d = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };

	must(ioctl(vm, KVM_CREATE_DEVICE, &d), "KVM_CREATE_DEVICE vgic-v3");
	return d.fd;
}

static int attr_set(int fd, __u32 group, __u64 attr, const void *val)
{
	struct kvm_device_attr a = { .group = group, .attr = attr, .addr = (uintptr_t)val };

	return res(ioctl(fd, KVM_SET_DEVICE_ATTR, &a));
}

static void attr_ok(int fd, __u32 group, __u64 attr, const void *val, const char *what)
{
	errno = attr_set(fd, group, attr, val);
	if (errno)
		setup_failed(what);
}

static int gic_addr(int gic, __u64 type, __u64 addr)
{
	return attr_set(gic, KVM_DEV_ARM_VGIC_GRP_ADDR, type, &addr);
}

static int gic_nr_irqs(int gic, __u32 n)
{
	return attr_set(gic, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, &n);
}

static void gic_init(int gic)
{
	attr_ok(gic, KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT, NULL, "CTRL_INIT");
}

/* vCPU 0 and a vGICv3 of 128 IRQs, initialised: what KVM_IRQ_LINE needs */
static int vm_gic_ready(void)
{
	int vcpu, vm = vm_vcpu(&vcpu), gic = gic_new(vm);

	errno = gic_nr_irqs(gic, 128);
	if (errno)
		setup_failed("NR_IRQS");
	gic_init(gic);
	return vm;
}

static int one_reg(int vcpu, unsigned long req, __u64 id, void *val)
{
	struct kvm_one_reg r = { .id = id, .addr = (uintptr_t)val };

	return res(ioctl(vcpu, req, &r));
}

static int get_reg(__u64 id)
{
	__u64 val[2];
	int vcpu;

	vm_vcpu(&vcpu);
	return one_reg(vcpu, KVM_GET_ONE_REG, id, val);
}

static int set_reg(__u64 id, __u64 value)
{
	__u64 val[2] = { value, 0 };
	int vcpu;

	vm_vcpu(&vcpu);
	return one_reg(vcpu, KVM_SET_ONE_REG, id, val);
}

static int irq_line(int vm, __u32 irq, int level)
{
	struct kvm_irq_level l = { .irq = irq, .level = level };

	return res(ioctl(vm, KVM_IRQ_LINE, &l));
}

/* ------------------------------------------------------------------ the rows */

/* KVM_CREATE_VM */
static int vm_type_bits(void)
{
	return res(ioctl(kvm_fd, KVM_CREATE_VM, KVM_VM_TYPE_ARM_IPA_SIZE(IPA_BITS) | 1UL << 8));
}

static int vm_type_31(void)
{
	return res(ioctl(kvm_fd, KVM_CREATE_VM, KVM_VM_TYPE_ARM_IPA_SIZE(31)));
}

static int vm_type_over(void)
{
	return res(ioctl(kvm_fd, KVM_CREATE_VM, KVM_VM_TYPE_ARM_IPA_SIZE(ipa_limit + 1)));
}

static int vm_type_limit(void)
{
	return res(ioctl(kvm_fd, KVM_CREATE_VM, KVM_VM_TYPE_ARM_IPA_SIZE(ipa_limit)));
}

static int vm_type_0(void)
{
	return res(ioctl(kvm_fd, KVM_CREATE_VM, 0));
}

/* Native KVM's type 0 means 40 bits: refused on a host whose limit is smaller */
static int native_type_0(void)
{
	return ipa_limit >= 40 ? 0 : EINVAL;
}

/* KVM_SET_USER_MEMORY_REGION */
static int mem_flags(__u32 flags)
{
	return slot(vm_new(), 0, flags, RAM_BASE, SZ_2M, ram());
}

static int mem_flag_unknown(void)
{
	return mem_flags(1U << 3);
}

static int mem_flag_gmem(void)
{
	return mem_flags(KVM_MEM_GUEST_MEMFD);
}

static int mem_readonly(void)
{
	return mem_flags(KVM_MEM_READONLY);
}

static int native_readonly(void)
{
	return cap(kvm_fd, KVM_CAP_READONLY_MEM) ? 0 : EINVAL;
}

static int mem_dirty(void)
{
	return mem_flags(KVM_MEM_LOG_DIRTY_PAGES);
}

static int mem_dirty_later(void)
{
	int vm = vm_new();
	void *m = ram();

	slot_ok(vm, 0, RAM_BASE, SZ_2M, m);
	return slot(vm, 0, KVM_MEM_LOG_DIRTY_PAGES, RAM_BASE, SZ_2M, m);
}

static int mem2_gmem(void)
{
	struct kvm_userspace_memory_region2 r = {
		.slot = 0, .flags = KVM_MEM_GUEST_MEMFD, .guest_phys_addr = RAM_BASE,
		.memory_size = SZ_2M, .userspace_addr = (uintptr_t)ram(), .guest_memfd = -1,
	};

	return res(ioctl(vm_new(), KVM_SET_USER_MEMORY_REGION2, &r));
}

static int mem_size_unaligned(void)
{
	return slot(vm_new(), 0, 0, RAM_BASE, SZ_2M - 2048, ram());
}

static int mem_gpa_unaligned(void)
{
	return slot(vm_new(), 0, 0, RAM_BASE + 2048, SZ_2M, ram());
}

static int mem_hva_unaligned(void)
{
	return slot(vm_new(), 0, 0, RAM_BASE, SZ_2M, (char *)ram() + 2048);
}

static int mem_hva_kernel(void)
{
	return slot(vm_new(), 0, 0, RAM_BASE, SZ_2M, (void *)0xffff000000000000UL);
}

static int mem_slot_range(void)
{
	int vm = vm_new(), n = cap(vm, KVM_CAP_NR_MEMSLOTS);

	return slot(vm, n > 0 ? n : 32767, 0, RAM_BASE, SZ_2M, ram());
}

static int mem_slot_as(void)
{
	return slot(vm_new(), 1U << 16, 0, RAM_BASE, SZ_2M, ram());
}

static int mem_overlap(void)
{
	int vm = vm_new();

	slot_ok(vm, 0, RAM_BASE, SZ_2M, ram());
	return slot(vm, 1, 0, RAM_BASE + SZ_1M, SZ_2M, ram());
}

static int mem_move_overlap(void)
{
	int vm = vm_new();
	void *m = ram();

	slot_ok(vm, 0, RAM_BASE, SZ_2M, ram());
	slot_ok(vm, 1, RAM_BASE + SZ_2M, SZ_2M, m);
	return slot(vm, 1, 0, RAM_BASE + SZ_1M, SZ_2M, m);
}

static int mem_resize(void)
{
	int vm = vm_new();
	void *m = ram();

	slot_ok(vm, 0, RAM_BASE, SZ_2M, m);
	return slot(vm, 0, 0, RAM_BASE, SZ_1M, m);
}

static int mem_new_hva(void)
{
	int vm = vm_new();
	char *m = ram();

	slot_ok(vm, 0, RAM_BASE, SZ_1M, m);
	return slot(vm, 0, 0, RAM_BASE, SZ_1M, m + SZ_1M);
}

static int mem_delete_absent(void)
{
	return slot(vm_new(), 5, 0, RAM_BASE, 0, ram());
}

static int mem_beyond_ipa(void)
{
	return slot(vm_new(), 0, 0, (1ULL << IPA_BITS) - SZ_1M, SZ_2M, ram());
}

static int mem_gpa_wraps(void)
{
	return slot(vm_new(), 0, 0, -SZ_1M, SZ_2M, ram());
}

/* KVM_CREATE_VCPU */
static int vcpu_id_huge(void)
{
	return res(ioctl(vm_new(), KVM_CREATE_VCPU, 0x7fffffff));
}

static int vcpu_id_max(void)
{
	int vm = vm_new();

	return res(ioctl(vm, KVM_CREATE_VCPU, cap(vm, KVM_CAP_MAX_VCPU_ID)));
}

static int vcpu_id_twice(void)
{
	int vm = vm_new();

	vcpu_new(vm, 0);
	return res(ioctl(vm, KVM_CREATE_VCPU, 0));
}

static int vcpu_after_gic(void)
{
	int vcpu, vm = vm_vcpu(&vcpu);

	gic_init(gic_new(vm));
	return res(ioctl(vm, KVM_CREATE_VCPU, 1));
}

/* KVM_ARM_VCPU_INIT */
static int init_target(void)
{
	struct kvm_vcpu_init init = { .target = 0xffff };
	int vm = vm_new();

	return res(ioctl(vcpu_new(vm, 0), KVM_ARM_VCPU_INIT, &init));
}

static int init_features(__u32 features)
{
	int vm = vm_new();

	return vcpu_try_init(vm, vcpu_new(vm, 0), features);
}

static int init_unknown(void)
{
	return init_features(1U << 31);
}

static int init_word1(void)
{
	struct kvm_vcpu_init init;
	int vm = vm_new();

	must(ioctl(vm, KVM_ARM_PREFERRED_TARGET, &init), "KVM_ARM_PREFERRED_TARGET");
	init.features[1] = 1;
	return res(ioctl(vcpu_new(vm, 0), KVM_ARM_VCPU_INIT, &init));
}

static int init_ptrauth_half(void)
{
	return init_features(1U << KVM_ARM_VCPU_PTRAUTH_ADDRESS);
}

static int init_el2(void)
{
	return init_features(1U << KVM_ARM_VCPU_HAS_EL2);
}

static int init_sve(void)
{
	return init_features(1U << KVM_ARM_VCPU_SVE);
}

static int native_sve(void)
{
	return cap(kvm_fd, KVM_CAP_ARM_SVE) ? 0 : EINVAL;
}

static int init_pmu(void)
{
	return init_features(1U << KVM_ARM_VCPU_PMU_V3);
}

static int native_pmu(void)
{
	return cap(kvm_fd, KVM_CAP_ARM_PMU_V3) ? 0 : EINVAL;
}

static int init_32bit(void)
{
	return init_features(1U << KVM_ARM_VCPU_EL1_32BIT);
}

static int native_32bit(void)
{
	return cap(kvm_fd, KVM_CAP_ARM_EL1_32BIT) ? 0 : EINVAL;
}

static int init_ptrauth(void)
{
	return init_features(1U << KVM_ARM_VCPU_PTRAUTH_ADDRESS |
			     1U << KVM_ARM_VCPU_PTRAUTH_GENERIC);
}

static int native_ptrauth(void)
{
	return cap(kvm_fd, KVM_CAP_ARM_PTRAUTH_ADDRESS) &&
	       cap(kvm_fd, KVM_CAP_ARM_PTRAUTH_GENERIC) ? 0 : EINVAL;
}

static int init_differ(void)
{
	int vcpu, vm = vm_vcpu(&vcpu);

	return vcpu_try_init(vm, vcpu_new(vm, 1), 0);
}

static int init_changed(void)
{
	int vcpu, vm = vm_vcpu(&vcpu);

	return vcpu_try_init(vm, vcpu, 0);
}

static int init_again_off(void)
{
	int vcpu, vm = vm_vcpu(&vcpu);

	return vcpu_try_init(vm, vcpu,
			     1U << KVM_ARM_VCPU_PSCI_0_2 | 1U << KVM_ARM_VCPU_POWER_OFF);
}

/* KVM_GET_ONE_REG, KVM_SET_ONE_REG */
static int reg_arm32(void)
{
	return get_reg(KVM_REG_ARM | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | CORE_OFF(regs.pc));
}

static int reg_high_bits(void)
{
	return get_reg(REG_PC | 1ULL << 40);
}

static int reg_coproc(void)
{
	return get_reg(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | 0x00ffULL << KVM_REG_ARM_COPROC_SHIFT);
}

static int reg_core_size(void)
{
	return get_reg(CORE_ID(KVM_REG_SIZE_U32, CORE_OFF(regs.pc)));
}

static int reg_core_misaligned(void)
{
	return get_reg(CORE_ID(KVM_REG_SIZE_U64, CORE_OFF(regs.regs[0]) + 1));
}

static int reg_core_pad(void)
{
	return get_reg(CORE_ID(KVM_REG_SIZE_U64, CORE_OFF(fp_regs) - 2));
}

static int reg_core_beyond(void)
{
	return get_reg(CORE_ID(KVM_REG_SIZE_U32, NR_CORE_OFFS));
}

static int reg_core_tail(void)
{
	return get_reg(CORE_ID(KVM_REG_SIZE_U64, NR_CORE_OFFS - 2));
}

static int reg_sys_unknown(void)
{
	return get_reg(ARM64_SYS_REG(3, 7, 15, 15, 7));
}

static int reg_sys_u32(void)
{
	return get_reg((REG_ID_AA64PFR0 & ~KVM_REG_SIZE_MASK) | KVM_REG_SIZE_U32);
}

static int reg_sys_stray(void)
{
	return get_reg(REG_ID_AA64PFR0 | 1ULL << 28);
}

static int reg_midr(void)
{
	return get_reg(REG_MIDR_EL1);
}

static int reg_pstate_mode(void)
{
	return set_reg(REG_PSTATE, 0x3c3);
}

static int reg_pstate_svc32(void)
{
	return set_reg(REG_PSTATE, 0x1d3);
}

static int reg_pstate_el2h(void)
{
	return set_reg(REG_PSTATE, 0x3c9);
}

static int reg_elr(void)
{
	return set_reg(REG_ELR_EL1, 0x80001000);
}

static int reg_bad_addr(void)
{
	int vcpu;

	vm_vcpu(&vcpu);
	return one_reg(vcpu, KVM_GET_ONE_REG, REG_PC, (void *)8);
}

static int reg_uninit(void)
{
	__u64 val;

	return one_reg(vcpu_new(vm_new(), 0), KVM_GET_ONE_REG, REG_PC, &val);
}

static int reg_list_small(void)
{
	struct kvm_reg_list list = { .n = 1 };
	int vcpu;

	vm_vcpu(&vcpu);
	return res(ioctl(vcpu, KVM_GET_REG_LIST, &list));
}

/* Other vCPU ioctls */
static int run_uninit(void)
{
	return res(ioctl(vcpu_new(vm_new(), 0), KVM_RUN, 0));
}

static int finalize_unknown(void)
{
	int vcpu, what = 99;

	vm_vcpu(&vcpu);
	return res(ioctl(vcpu, KVM_ARM_VCPU_FINALIZE, &what));
}

static int vcpu_attr_group(void)
{
	struct kvm_device_attr a = { .group = 99 };
	int vcpu;

	vm_vcpu(&vcpu);
	return res(ioctl(vcpu, KVM_HAS_DEVICE_ATTR, &a));
}

static int mp_state_bad(void)
{
	struct kvm_mp_state s = { .mp_state = 99 };
	int vcpu;

	vm_vcpu(&vcpu);
	return res(ioctl(vcpu, KVM_SET_MP_STATE, &s));
}

static int vcpu_ioctl_unknown(void)
{
	int vcpu;

	vm_vcpu(&vcpu);
	return res(ioctl(vcpu, _IO(KVMIO, 0xff)));
}

/* The vGIC device */
static int gic_create(__u32 type)
{
	struct kvm_create_device d = { .type = type };
	int vcpu, vm = vm_vcpu(&vcpu);

	return res(ioctl(vm, KVM_CREATE_DEVICE, &d));
}

static int gic_v2(void)
{
	return gic_create(KVM_DEV_TYPE_ARM_VGIC_V2);
}

static int gic_type_unknown(void)
{
	return gic_create(0x7fff);
}

static int gic_twice(void)
{
	struct kvm_create_device d = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };
	int vcpu, vm = vm_vcpu(&vcpu);

	gic_new(vm);
	return res(ioctl(vm, KVM_CREATE_DEVICE, &d));
}

static int gic_its(void)
{
	struct kvm_create_device d = { .type = KVM_DEV_TYPE_ARM_VGIC_ITS };
	int vcpu, vm = vm_vcpu(&vcpu);

	gic_new(vm);
	return res(ioctl(vm, KVM_CREATE_DEVICE, &d));
}

/* A vGICv3 on a VM with vCPU 0, as QEMU creates it */
static int gic(void)
{
	int vcpu;

	return gic_new(vm_vcpu(&vcpu));
}

static int gic_group(void)
{
	__u64 v = 0;

	return attr_set(gic(), 0x99, 0, &v);
}

static int gic_addr_unknown(void)
{
	return gic_addr(gic(), 0x99, GICD_BASE);
}

static int gic_addr_v2(void)
{
	return gic_addr(gic(), KVM_VGIC_V2_ADDR_TYPE_DIST, GICD_BASE);
}

static int gic_dist_unaligned(void)
{
	return gic_addr(gic(), KVM_VGIC_V3_ADDR_TYPE_DIST, GICD_BASE + 0x1000);
}

static int gic_dist_beyond(void)
{
	return gic_addr(gic(), KVM_VGIC_V3_ADDR_TYPE_DIST, 1ULL << IPA_BITS);
}

static int gic_dist_twice(void)
{
	int g = gic();

	errno = gic_addr(g, KVM_VGIC_V3_ADDR_TYPE_DIST, GICD_BASE);
	if (errno)
		setup_failed("distributor address");
	return gic_addr(g, KVM_VGIC_V3_ADDR_TYPE_DIST, GICD_BASE);
}

static int gic_dist_twice_bad(void)
{
	int g = gic();

	errno = gic_addr(g, KVM_VGIC_V3_ADDR_TYPE_DIST, GICD_BASE);
	if (errno)
		setup_failed("distributor address");
	return gic_addr(g, KVM_VGIC_V3_ADDR_TYPE_DIST, GICD_BASE + 0x1000);
}

static int gic_redist_unaligned(void)
{
	return gic_addr(gic(), KVM_VGIC_V3_ADDR_TYPE_REDIST, GICR_BASE + 0x1000);
}

static int gic_redist_twice(void)
{
	int g = gic();

	errno = gic_addr(g, KVM_VGIC_V3_ADDR_TYPE_REDIST, GICR_BASE);
	if (errno)
		setup_failed("redistributor address");
	return gic_addr(g, KVM_VGIC_V3_ADDR_TYPE_REDIST, GICR_BASE);
}

static int gic_redist_on_dist(void)
{
	int g = gic();

	errno = gic_addr(g, KVM_VGIC_V3_ADDR_TYPE_DIST, GICD_BASE);
	if (errno)
		setup_failed("distributor address");
	return gic_addr(g, KVM_VGIC_V3_ADDR_TYPE_REDIST, GICD_BASE);
}

static int gic_redist_beyond(void)
{
	return gic_addr(gic(), KVM_VGIC_V3_ADDR_TYPE_REDIST, (1ULL << IPA_BITS) - SZ_64K);
}

/* KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION: count 63:52, base 51:16, flags 15:12, index 11:0 */
#define RDREG(base, count, index, flags) \
	((base) | (__u64)(count) << 52 | (__u64)(flags) << 12 | (index))

static int gic_rdreg(__u64 val)
{
	return gic_addr(gic(), KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION, val);
}

static int gic_rdreg_count0(void)
{
	return gic_rdreg(RDREG(GICR_BASE, 0, 0, 0));
}

static int gic_rdreg_flags(void)
{
	return gic_rdreg(RDREG(GICR_BASE, 1, 0, 1));
}

static int gic_rdreg_index1(void)
{
	return gic_rdreg(RDREG(GICR_BASE, 1, 1, 0));
}

static int gic_rdreg_after_redist(void)
{
	int g = gic();

	errno = gic_addr(g, KVM_VGIC_V3_ADDR_TYPE_REDIST, GICR_BASE);
	if (errno)
		setup_failed("redistributor address");
	return gic_addr(g, KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION, RDREG(GICR_BASE, 1, 0, 0));
}

static int gic_irqs_32(void)
{
	return gic_nr_irqs(gic(), 32);
}

static int gic_irqs_100(void)
{
	return gic_nr_irqs(gic(), 100);
}

static int gic_irqs_1024(void)
{
	return gic_nr_irqs(gic(), 1024);
}

static int gic_irqs_twice(void)
{
	int g = gic();

	errno = gic_nr_irqs(g, 64);
	if (errno)
		setup_failed("NR_IRQS");
	return gic_nr_irqs(g, 96);
}

static int gic_irqs_after_init(void)
{
	int g = gic();

	gic_init(g);
	return gic_nr_irqs(g, 64);
}

static int gic_irqs_fault(void)
{
	return attr_set(gic(), KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, (void *)8);
}

static int gic_ctrl_unknown(void)
{
	return attr_set(gic(), KVM_DEV_ARM_VGIC_GRP_CTRL, 0x99, NULL);
}

static int gic_has_dist_regs(void)
{
	struct kvm_device_attr a = { .group = KVM_DEV_ARM_VGIC_GRP_DIST_REGS, .attr = 0 };

	return res(ioctl(gic(), KVM_HAS_DEVICE_ATTR, &a));
}

/* KVM_IRQ_LINE */
static int irq_no_gic(void)
{
	int vcpu;

	return irq_line(vm_vcpu(&vcpu), IRQ(KVM_ARM_IRQ_TYPE_SPI, 0, 40), 1);
}

static int irq_before_init(void)
{
	int vcpu, vm = vm_vcpu(&vcpu);

	gic_new(vm);
	return irq_line(vm, IRQ(KVM_ARM_IRQ_TYPE_SPI, 0, 40), 1);
}

static int irq_spi(__u32 num)
{
	return irq_line(vm_gic_ready(), IRQ(KVM_ARM_IRQ_TYPE_SPI, 0, num), 1);
}

static int irq_spi_31(void)
{
	return irq_spi(31);
}

static int irq_spi_nr(void)
{
	return irq_spi(128);
}

static int irq_spi_1023(void)
{
	return irq_spi(1023);
}

static int irq_spi_ok(void)
{
	return irq_spi(40);
}

static int irq_type3(void)
{
	return irq_line(vm_gic_ready(), IRQ(3, 0, 40), 1);
}

static int irq_ppi_sgi(void)
{
	return irq_line(vm_gic_ready(), IRQ(KVM_ARM_IRQ_TYPE_PPI, 0, 5), 1);
}

static int irq_ppi_vcpu(void)
{
	return irq_line(vm_gic_ready(), IRQ(KVM_ARM_IRQ_TYPE_PPI, 7, 20), 1);
}

static int irq_ppi(void)
{
	return irq_line(vm_gic_ready(), IRQ(KVM_ARM_IRQ_TYPE_PPI, 0, 20), 1);
}

static int irq_cpu_gic(void)
{
	return irq_line(vm_gic_ready(), IRQ(KVM_ARM_IRQ_TYPE_CPU, 0, KVM_ARM_IRQ_CPU_IRQ), 1);
}

static int irq_cpu(void)
{
	int vcpu;

	return irq_line(vm_vcpu(&vcpu), IRQ(KVM_ARM_IRQ_TYPE_CPU, 0, KVM_ARM_IRQ_CPU_IRQ), 1);
}

/* irqfd and GSI routing */
static int irqfd_flags(void)
{
	struct kvm_irqfd f = { .fd = -1, .gsi = 8, .flags = 1U << 7 };

	return res(ioctl(vm_gic_ready(), KVM_IRQFD, &f));
}

static int irqfd_badf(void)
{
	struct kvm_irqfd f = { .fd = 1000, .gsi = 8 };

	return res(ioctl(vm_gic_ready(), KVM_IRQFD, &f));
}

static int routing(__u32 flags, const struct kvm_irq_routing_entry *e)
{
	struct {
		struct kvm_irq_routing r;
		struct kvm_irq_routing_entry e[1];
	} rt = { .r = { .nr = 1, .flags = flags }, .e = { *e } };

	return res(ioctl(vm_gic_ready(), KVM_SET_GSI_ROUTING, &rt));
}

static int routing_flags(void)
{
	const struct kvm_irq_routing_entry e = {
		.gsi = 0, .type = KVM_IRQ_ROUTING_IRQCHIP, .u.irqchip = { .pin = 0 },
	};

	return routing(1, &e);
}

static int routing_pin(void)
{
	const struct kvm_irq_routing_entry e = {
		.gsi = 0, .type = KVM_IRQ_ROUTING_IRQCHIP, .u.irqchip = { .pin = 2000 },
	};

	return routing(0, &e);
}

static int routing_msi(void)
{
	const struct kvm_irq_routing_entry e = {
		.gsi = 0, .type = KVM_IRQ_ROUTING_MSI,
		.u.msi = { .address_lo = 0x08080040, .data = 0 },
	};

	return routing(0, &e);
}

/* Other VM and system ioctls */
static int dirty_log_none(void)
{
	struct kvm_dirty_log l = { .slot = 0 };
	static char bitmap[64];
	int vm = vm_new();

	slot_ok(vm, 0, RAM_BASE, SZ_2M, ram());
	l.dirty_bitmap = bitmap;
	return res(ioctl(vm, KVM_GET_DIRTY_LOG, &l));
}

static int dirty_log_slot(void)
{
	struct kvm_dirty_log l = { .slot = 0x7fff };
	static char bitmap[64];

	l.dirty_bitmap = bitmap;
	return res(ioctl(vm_new(), KVM_GET_DIRTY_LOG, &l));
}

static int create_irqchip(void)
{
	return res(ioctl(vm_new(), KVM_CREATE_IRQCHIP, 0));
}

static int set_device_addr(void)
{
	struct kvm_arm_device_addr a = {
		.id = 0x7fULL << KVM_ARM_DEVICE_ID_SHIFT, .addr = GICD_BASE,
	};

	return res(ioctl(vm_new(), KVM_ARM_SET_DEVICE_ADDR, &a));
}

static int vm_attr_group(void)
{
	struct kvm_device_attr a = { .group = 99 };

	return res(ioctl(vm_new(), KVM_HAS_DEVICE_ATTR, &a));
}

static int enable_cap_unknown(void)
{
	struct kvm_enable_cap c = { .cap = 0x7fff };

	return res(ioctl(vm_new(), KVM_ENABLE_CAP, &c));
}

static int vm_ioctl_unknown(void)
{
	return res(ioctl(vm_new(), _IO(KVMIO, 0xff)));
}

static int dev_ioctl_unknown(void)
{
	return res(ioctl(kvm_fd, _IO(KVMIO, 0xff)));
}

/* ------------------------------------------------------------------ the table */

struct row {
	const char *id;
	const char *ioctl;
	const char *input;
	int (*run)(void);
	int native;			/* errno, 0 for success */
	int (*native_here)(void);	/* '*': native's answer for the caps reported here */
	int gunyah;			/* with why: Gunyah's errno instead of native's */
	const char *why;
};

/* Gunyah differs from native KVM, for that reason (gunyah.rst, "What Gunyah cannot do") */
#define GUNYAH(err, reason)	.gunyah = (err), .why = (reason)

#define NO_DIRTY_LOG \
	"no stage 2 of the host's to track guest writes in: dirty logging cannot be honoured"
#define NO_VGIC_STATE \
	"the vGIC's state is Gunyah's: its state groups answer -ENXIO, so QEMU adds a migration blocker"
#define NO_ITS \
	"Gunyah's vGIC has no LPIs, so no MSI can be routed (an inert ITS can be created for QEMU 7.2)"

#define WHY_VM_TYPE_0 \
	"type 0 gets the RM's 36 bits, not -EINVAL, so that QEMU -machine none (libvirt's probe) and the selftests' default mode work; memory beyond them is refused when placed"
#define WHY_REG_ELR_EL1 \
	"ELR_EL1 and SPSR_EL1 are the entry stub's, for its ERET into the VMM's registers: they cannot be set"
#define WHY_IRQ_PPI \
	"the host has no way to raise a Gunyah vCPU's PPI"
#define WHY_IRQ_CPU \
	"no userspace irqchip: a Gunyah VM's interrupts are Gunyah's vGIC's"

static const struct row rows[] = {
	{ .id = "vm-type-unknown-bits", .ioctl = "KVM_CREATE_VM",
	  .input = "type: IPA 36 and bit 8",
	  .run = vm_type_bits, .native = EINVAL },
	{ .id = "vm-type-ipa-31", .ioctl = "KVM_CREATE_VM",
	  .input = "type: IPA size 31, below 32",
	  .run = vm_type_31, .native = EINVAL },
	{ .id = "vm-type-ipa-over-limit", .ioctl = "KVM_CREATE_VM",
	  .input = "type: IPA size KVM_CAP_ARM_VM_IPA_SIZE + 1",
	  .run = vm_type_over, .native = EINVAL },
	{ .id = "vm-type-ipa-limit", .ioctl = "KVM_CREATE_VM",
	  .input = "type: IPA size KVM_CAP_ARM_VM_IPA_SIZE (valid)",
	  .run = vm_type_limit, .native = 0 },
	{ .id = "vm-type-0", .ioctl = "KVM_CREATE_VM",
	  .input = "type 0: native's 40-bit default",
	  .run = vm_type_0, .native = 0, .native_here = native_type_0,
	  GUNYAH(0, WHY_VM_TYPE_0) },

	{ .id = "mem-flag-unknown", .ioctl = "KVM_SET_USER_MEMORY_REGION",
	  .input = "flags: bit 3",
	  .run = mem_flag_unknown, .native = EINVAL },
	{ .id = "mem-flag-guest-memfd-v1", .ioctl = "KVM_SET_USER_MEMORY_REGION",
	  .input = "flags: KVM_MEM_GUEST_MEMFD",
	  .run = mem_flag_gmem, .native = EINVAL },
	{ .id = "mem2-guest-memfd", .ioctl = "KVM_SET_USER_MEMORY_REGION2",
	  .input = "flags: KVM_MEM_GUEST_MEMFD, fd -1, no private memory",
	  .run = mem2_gmem, .native = EINVAL },
	{ .id = "mem-readonly", .ioctl = "KVM_SET_USER_MEMORY_REGION",
	  .input = "flags: KVM_MEM_READONLY",
	  .run = mem_readonly, .native = 0, .native_here = native_readonly },
	{ .id = "mem-dirty-log", .ioctl = "KVM_SET_USER_MEMORY_REGION",
	  .input = "flags: KVM_MEM_LOG_DIRTY_PAGES",
	  .run = mem_dirty, .native = 0,
	  GUNYAH(EINVAL, NO_DIRTY_LOG) },
	{ .id = "mem-dirty-log-later", .ioctl = "KVM_SET_USER_MEMORY_REGION",
	  .input = "existing slot, flags only: + KVM_MEM_LOG_DIRTY_PAGES",
	  .run = mem_dirty_later, .native = 0,
	  GUNYAH(EINVAL, NO_DIRTY_LOG) },
	{ .id = "mem-size-unaligned", .ioctl = "KVM_SET_USER_MEMORY_REGION",
	  .input = "memory_size 2 MiB - 2 KiB",
	  .run = mem_size_unaligned, .native = EINVAL },
	{ .id = "mem-gpa-unaligned", .ioctl = "KVM_SET_USER_MEMORY_REGION",
	  .input = "guest_phys_addr 0x80000800",
	  .run = mem_gpa_unaligned, .native = EINVAL },
	{ .id = "mem-hva-unaligned", .ioctl = "KVM_SET_USER_MEMORY_REGION",
	  .input = "userspace_addr 2 KiB into a page",
	  .run = mem_hva_unaligned, .native = EINVAL },
	{ .id = "mem-hva-kernel", .ioctl = "KVM_SET_USER_MEMORY_REGION",
	  .input = "userspace_addr 0xffff000000000000",
	  .run = mem_hva_kernel, .native = EINVAL },
	{ .id = "mem-slot-out-of-range", .ioctl = "KVM_SET_USER_MEMORY_REGION",
	  .input = "slot KVM_CAP_NR_MEMSLOTS",
	  .run = mem_slot_range, .native = EINVAL },
	{ .id = "mem-slot-address-space-1", .ioctl = "KVM_SET_USER_MEMORY_REGION",
	  .input = "slot 1 << 16: address space 1",
	  .run = mem_slot_as, .native = EINVAL },
	{ .id = "mem-overlap", .ioctl = "KVM_SET_USER_MEMORY_REGION",
	  .input = "slot 1 overlaps slot 0 by 1 MiB",
	  .run = mem_overlap, .native = EEXIST },
	{ .id = "mem-move-overlap", .ioctl = "KVM_SET_USER_MEMORY_REGION",
	  .input = "slot 1 moved onto half of slot 0",
	  .run = mem_move_overlap, .native = EEXIST },
	{ .id = "mem-resize", .ioctl = "KVM_SET_USER_MEMORY_REGION",
	  .input = "slot 0 again, 1 MiB instead of 2",
	  .run = mem_resize, .native = EINVAL },
	{ .id = "mem-new-hva", .ioctl = "KVM_SET_USER_MEMORY_REGION",
	  .input = "slot 0 again, another userspace_addr",
	  .run = mem_new_hva, .native = EINVAL },
	{ .id = "mem-delete-absent", .ioctl = "KVM_SET_USER_MEMORY_REGION",
	  .input = "memory_size 0 for a slot that does not exist",
	  .run = mem_delete_absent, .native = EINVAL },
	{ .id = "mem-beyond-ipa", .ioctl = "KVM_SET_USER_MEMORY_REGION",
	  .input = "2 MiB from 1 MiB below 2^36 (36-bit VM)",
	  .run = mem_beyond_ipa, .native = EFAULT },
	{ .id = "mem-gpa-wraps", .ioctl = "KVM_SET_USER_MEMORY_REGION",
	  .input = "2 MiB from 2^64 - 1 MiB",
	  .run = mem_gpa_wraps, .native = EINVAL },

	{ .id = "vcpu-id-huge", .ioctl = "KVM_CREATE_VCPU",
	  .input = "id 0x7fffffff",
	  .run = vcpu_id_huge, .native = EINVAL },
	{ .id = "vcpu-id-max", .ioctl = "KVM_CREATE_VCPU",
	  .input = "id KVM_CAP_MAX_VCPU_ID",
	  .run = vcpu_id_max, .native = EINVAL },
	{ .id = "vcpu-id-twice", .ioctl = "KVM_CREATE_VCPU",
	  .input = "id 0 twice",
	  .run = vcpu_id_twice, .native = EEXIST },
	{ .id = "vcpu-after-vgic-init", .ioctl = "KVM_CREATE_VCPU",
	  .input = "vCPU 1 after the vGIC's CTRL_INIT",
	  .run = vcpu_after_gic, .native = EBUSY },

	{ .id = "init-target", .ioctl = "KVM_ARM_VCPU_INIT",
	  .input = "target 0xffff",
	  .run = init_target, .native = EINVAL },
	{ .id = "init-feature-unknown", .ioctl = "KVM_ARM_VCPU_INIT",
	  .input = "features[0] bit 31",
	  .run = init_unknown, .native = ENOENT },
	{ .id = "init-features-word-1", .ioctl = "KVM_ARM_VCPU_INIT",
	  .input = "features[1] = 1",
	  .run = init_word1, .native = ENOENT },
	{ .id = "init-ptrauth-address-only", .ioctl = "KVM_ARM_VCPU_INIT",
	  .input = "PTRAUTH_ADDRESS without PTRAUTH_GENERIC",
	  .run = init_ptrauth_half, .native = EINVAL },
	{ .id = "init-el2", .ioctl = "KVM_ARM_VCPU_INIT",
	  .input = "HAS_EL2: bit 7, beyond 6.12's KVM_VCPU_MAX_FEATURES",
	  .run = init_el2, .native = ENOENT },
	{ .id = "init-sve", .ioctl = "KVM_ARM_VCPU_INIT",
	  .input = "SVE, as KVM_CAP_ARM_SVE says",
	  .run = init_sve, .native = 0, .native_here = native_sve },
	{ .id = "init-pmu", .ioctl = "KVM_ARM_VCPU_INIT",
	  .input = "PMU_V3, as KVM_CAP_ARM_PMU_V3 says",
	  .run = init_pmu, .native = 0, .native_here = native_pmu },
	{ .id = "init-el1-32bit", .ioctl = "KVM_ARM_VCPU_INIT",
	  .input = "EL1_32BIT, as KVM_CAP_ARM_EL1_32BIT says",
	  .run = init_32bit, .native = 0, .native_here = native_32bit },
	{ .id = "init-ptrauth", .ioctl = "KVM_ARM_VCPU_INIT",
	  .input = "PTRAUTH_ADDRESS and _GENERIC, as their caps say",
	  .run = init_ptrauth, .native = 0, .native_here = native_ptrauth },
	{ .id = "init-features-differ", .ioctl = "KVM_ARM_VCPU_INIT",
	  .input = "vCPU 1 without the PSCI_0_2 that vCPU 0 has",
	  .run = init_differ, .native = EINVAL },
	{ .id = "init-features-changed", .ioctl = "KVM_ARM_VCPU_INIT",
	  .input = "vCPU 0 again, without its PSCI_0_2",
	  .run = init_changed, .native = EINVAL },
	{ .id = "init-again-power-off", .ioctl = "KVM_ARM_VCPU_INIT",
	  .input = "vCPU 0 again, + POWER_OFF (valid)",
	  .run = init_again_off, .native = 0 },

	{ .id = "reg-arch-arm32", .ioctl = "KVM_GET_ONE_REG",
	  .input = "id of the 32-bit arm architecture",
	  .run = reg_arm32, .native = EINVAL },
	{ .id = "reg-high-bits", .ioctl = "KVM_GET_ONE_REG",
	  .input = "PC's id with bit 40 set",
	  .run = reg_high_bits, .native = EINVAL },
	{ .id = "reg-coproc-unknown", .ioctl = "KVM_GET_ONE_REG",
	  .input = "coprocessor field 0x00ff",
	  .run = reg_coproc, .native = ENOENT },
	{ .id = "reg-core-size", .ioctl = "KVM_GET_ONE_REG",
	  .input = "PC as a 32-bit register",
	  .run = reg_core_size, .native = EINVAL },
	{ .id = "reg-core-misaligned", .ioctl = "KVM_GET_ONE_REG",
	  .input = "core offset 1, inside X0",
	  .run = reg_core_misaligned, .native = EINVAL },
	{ .id = "reg-core-padding", .ioctl = "KVM_GET_ONE_REG",
	  .input = "core offset of the padding before fp_regs",
	  .run = reg_core_pad, .native = EINVAL },
	{ .id = "reg-core-beyond", .ioctl = "KVM_GET_ONE_REG",
	  .input = "core offset sizeof(struct kvm_regs) / 4",
	  .run = reg_core_beyond, .native = ENOENT },
	{ .id = "reg-core-tail", .ioctl = "KVM_GET_ONE_REG",
	  .input = "64-bit core register at the reserved tail",
	  .run = reg_core_tail, .native = ENOENT },
	{ .id = "reg-sys-unknown", .ioctl = "KVM_GET_ONE_REG",
	  .input = "system register S3_7_C15_C15_7",
	  .run = reg_sys_unknown, .native = ENOENT },
	{ .id = "reg-sys-u32", .ioctl = "KVM_GET_ONE_REG",
	  .input = "ID_AA64PFR0_EL1 as a 32-bit register",
	  .run = reg_sys_u32, .native = ENOENT },
	{ .id = "reg-sys-stray-bit", .ioctl = "KVM_GET_ONE_REG",
	  .input = "ID_AA64PFR0_EL1's id with bit 28 set",
	  .run = reg_sys_stray, .native = ENOENT },
	{ .id = "reg-midr", .ioctl = "KVM_GET_ONE_REG",
	  .input = "MIDR_EL1 (valid)",
	  .run = reg_midr, .native = 0 },
	{ .id = "reg-pstate-mode", .ioctl = "KVM_SET_ONE_REG",
	  .input = "PSTATE with mode 0b00011",
	  .run = reg_pstate_mode, .native = EINVAL },
	{ .id = "reg-pstate-aarch32", .ioctl = "KVM_SET_ONE_REG",
	  .input = "PSTATE AArch32 SVC, 64-bit EL1",
	  .run = reg_pstate_svc32, .native = EINVAL },
	{ .id = "reg-pstate-el2h", .ioctl = "KVM_SET_ONE_REG",
	  .input = "PSTATE EL2h, no nested virtualisation",
	  .run = reg_pstate_el2h, .native = EINVAL },
	{ .id = "reg-elr-el1", .ioctl = "KVM_SET_ONE_REG",
	  .input = "ELR_EL1 = 0x80001000 (valid)",
	  .run = reg_elr, .native = 0,
	  GUNYAH(EBUSY, WHY_REG_ELR_EL1) },
	{ .id = "reg-bad-address", .ioctl = "KVM_GET_ONE_REG",
	  .input = "PC into address 8",
	  .run = reg_bad_addr, .native = EFAULT },
	{ .id = "reg-uninitialised", .ioctl = "KVM_GET_ONE_REG",
	  .input = "PC of a vCPU before KVM_ARM_VCPU_INIT",
	  .run = reg_uninit, .native = ENOEXEC },
	{ .id = "reg-list-too-small", .ioctl = "KVM_GET_REG_LIST",
	  .input = "n = 1",
	  .run = reg_list_small, .native = E2BIG },
	{ .id = "run-uninitialised", .ioctl = "KVM_RUN",
	  .input = "vCPU before KVM_ARM_VCPU_INIT",
	  .run = run_uninit, .native = ENOEXEC },
	{ .id = "finalize-unknown", .ioctl = "KVM_ARM_VCPU_FINALIZE",
	  .input = "feature 99",
	  .run = finalize_unknown, .native = EINVAL },
	{ .id = "vcpu-attr-group", .ioctl = "KVM_HAS_DEVICE_ATTR (vCPU)",
	  .input = "group 99",
	  .run = vcpu_attr_group, .native = ENXIO },
	{ .id = "mp-state-unknown", .ioctl = "KVM_SET_MP_STATE",
	  .input = "mp_state 99",
	  .run = mp_state_bad, .native = EINVAL },
	{ .id = "vcpu-ioctl-unknown", .ioctl = "vCPU ioctl",
	  .input = "_IO(KVMIO, 0xff)",
	  .run = vcpu_ioctl_unknown, .native = EINVAL },

	{ .id = "gic-v2", .ioctl = "KVM_CREATE_DEVICE",
	  .input = "KVM_DEV_TYPE_ARM_VGIC_V2 (GICv3 host, no v2 emulation)",
	  .run = gic_v2, .native = ENODEV },
	{ .id = "gic-type-unknown", .ioctl = "KVM_CREATE_DEVICE",
	  .input = "type 0x7fff",
	  .run = gic_type_unknown, .native = ENODEV },
	{ .id = "gic-twice", .ioctl = "KVM_CREATE_DEVICE",
	  .input = "a second vgic-v3",
	  .run = gic_twice, .native = EEXIST },
	{ .id = "gic-its", .ioctl = "KVM_CREATE_DEVICE",
	  .input = "KVM_DEV_TYPE_ARM_VGIC_ITS (valid)",
	  .run = gic_its, .native = 0 },
	{ .id = "gic-group-unknown", .ioctl = "KVM_SET_DEVICE_ATTR (vGIC)",
	  .input = "group 0x99",
	  .run = gic_group, .native = ENXIO },
	{ .id = "gic-addr-type-unknown", .ioctl = "KVM_SET_DEVICE_ATTR (vGIC)",
	  .input = "GRP_ADDR, type 0x99",
	  .run = gic_addr_unknown, .native = ENXIO },
	{ .id = "gic-addr-v2-dist", .ioctl = "KVM_SET_DEVICE_ATTR (vGIC)",
	  .input = "GRP_ADDR, KVM_VGIC_V2_ADDR_TYPE_DIST",
	  .run = gic_addr_v2, .native = ENXIO },
	{ .id = "gic-dist-unaligned", .ioctl = "KVM_SET_DEVICE_ATTR (vGIC)",
	  .input = "distributor at 0x08001000",
	  .run = gic_dist_unaligned, .native = EINVAL },
	{ .id = "gic-dist-beyond-ipa", .ioctl = "KVM_SET_DEVICE_ATTR (vGIC)",
	  .input = "distributor at 2^36",
	  .run = gic_dist_beyond, .native = E2BIG },
	{ .id = "gic-dist-twice", .ioctl = "KVM_SET_DEVICE_ATTR (vGIC)",
	  .input = "distributor address set twice",
	  .run = gic_dist_twice, .native = EEXIST },
	{ .id = "gic-dist-twice-unaligned", .ioctl = "KVM_SET_DEVICE_ATTR (vGIC)",
	  .input = "distributor set, then 0x08001000",
	  .run = gic_dist_twice_bad, .native = EEXIST },
	{ .id = "gic-redist-unaligned", .ioctl = "KVM_SET_DEVICE_ATTR (vGIC)",
	  .input = "redistributors at 0x080a1000",
	  .run = gic_redist_unaligned, .native = EINVAL },
	{ .id = "gic-redist-twice", .ioctl = "KVM_SET_DEVICE_ATTR (vGIC)",
	  .input = "redistributor address set twice",
	  .run = gic_redist_twice, .native = EEXIST },
	{ .id = "gic-redist-on-dist", .ioctl = "KVM_SET_DEVICE_ATTR (vGIC)",
	  .input = "redistributors at the distributor",
	  .run = gic_redist_on_dist, .native = EINVAL },
	{ .id = "gic-redist-beyond-ipa", .ioctl = "KVM_SET_DEVICE_ATTR (vGIC)",
	  .input = "redistributors at 2^36 - 64 KiB, 1 vCPU",
	  .run = gic_redist_beyond, .native = E2BIG },
	{ .id = "gic-rdregion-count-0", .ioctl = "KVM_SET_DEVICE_ATTR (vGIC)",
	  .input = "REDIST_REGION with count 0",
	  .run = gic_rdreg_count0, .native = EINVAL },
	{ .id = "gic-rdregion-flags", .ioctl = "KVM_SET_DEVICE_ATTR (vGIC)",
	  .input = "REDIST_REGION with flags 1",
	  .run = gic_rdreg_flags, .native = EINVAL },
	{ .id = "gic-rdregion-index-1", .ioctl = "KVM_SET_DEVICE_ATTR (vGIC)",
	  .input = "REDIST_REGION index 1 first",
	  .run = gic_rdreg_index1, .native = EINVAL },
	{ .id = "gic-rdregion-after-redist", .ioctl = "KVM_SET_DEVICE_ATTR (vGIC)",
	  .input = "REDIST_REGION 0 after REDIST",
	  .run = gic_rdreg_after_redist, .native = EINVAL },
	{ .id = "gic-nr-irqs-32", .ioctl = "KVM_SET_DEVICE_ATTR (vGIC)",
	  .input = "NR_IRQS 32: no SPI",
	  .run = gic_irqs_32, .native = EINVAL },
	{ .id = "gic-nr-irqs-100", .ioctl = "KVM_SET_DEVICE_ATTR (vGIC)",
	  .input = "NR_IRQS 100: not a multiple of 32",
	  .run = gic_irqs_100, .native = EINVAL },
	{ .id = "gic-nr-irqs-1024", .ioctl = "KVM_SET_DEVICE_ATTR (vGIC)",
	  .input = "NR_IRQS 1024: beyond 1023",
	  .run = gic_irqs_1024, .native = EINVAL },
	{ .id = "gic-nr-irqs-twice", .ioctl = "KVM_SET_DEVICE_ATTR (vGIC)",
	  .input = "NR_IRQS 64, then 96",
	  .run = gic_irqs_twice, .native = EBUSY },
	{ .id = "gic-nr-irqs-after-init", .ioctl = "KVM_SET_DEVICE_ATTR (vGIC)",
	  .input = "NR_IRQS after CTRL_INIT",
	  .run = gic_irqs_after_init, .native = EBUSY },
	{ .id = "gic-nr-irqs-bad-address", .ioctl = "KVM_SET_DEVICE_ATTR (vGIC)",
	  .input = "NR_IRQS from address 8",
	  .run = gic_irqs_fault, .native = EFAULT },
	{ .id = "gic-ctrl-unknown", .ioctl = "KVM_SET_DEVICE_ATTR (vGIC)",
	  .input = "GRP_CTRL, attr 0x99",
	  .run = gic_ctrl_unknown, .native = ENXIO },
	{ .id = "gic-has-dist-regs", .ioctl = "KVM_HAS_DEVICE_ATTR (vGIC)",
	  .input = "GRP_DIST_REGS GICD_CTLR (valid)",
	  .run = gic_has_dist_regs, .native = 0,
	  GUNYAH(ENXIO, NO_VGIC_STATE) },

	{ .id = "irq-no-vgic", .ioctl = "KVM_IRQ_LINE",
	  .input = "SPI 40, no vGIC",
	  .run = irq_no_gic, .native = ENXIO },
	{ .id = "irq-before-vgic-init", .ioctl = "KVM_IRQ_LINE",
	  .input = "SPI 40, vGIC before CTRL_INIT",
	  .run = irq_before_init, .native = EBUSY },
	{ .id = "irq-spi-31", .ioctl = "KVM_IRQ_LINE",
	  .input = "SPI type, INTID 31",
	  .run = irq_spi_31, .native = EINVAL },
	{ .id = "irq-spi-nr-irqs", .ioctl = "KVM_IRQ_LINE",
	  .input = "SPI 128 of NR_IRQS 128",
	  .run = irq_spi_nr, .native = EINVAL },
	{ .id = "irq-spi-1023", .ioctl = "KVM_IRQ_LINE",
	  .input = "SPI 1023",
	  .run = irq_spi_1023, .native = EINVAL },
	{ .id = "irq-spi", .ioctl = "KVM_IRQ_LINE",
	  .input = "SPI 40, level 1 (valid)",
	  .run = irq_spi_ok, .native = 0 },
	{ .id = "irq-type-3", .ioctl = "KVM_IRQ_LINE",
	  .input = "irq type 3",
	  .run = irq_type3, .native = EINVAL },
	{ .id = "irq-ppi-sgi", .ioctl = "KVM_IRQ_LINE",
	  .input = "PPI type, INTID 5 (an SGI)",
	  .run = irq_ppi_sgi, .native = EINVAL },
	{ .id = "irq-ppi-no-vcpu", .ioctl = "KVM_IRQ_LINE",
	  .input = "PPI 20 of vCPU 7, which does not exist",
	  .run = irq_ppi_vcpu, .native = EINVAL },
	{ .id = "irq-ppi", .ioctl = "KVM_IRQ_LINE",
	  .input = "PPI 20 of vCPU 0 (valid)",
	  .run = irq_ppi, .native = 0,
	  GUNYAH(EINVAL, WHY_IRQ_PPI) },
	{ .id = "irq-cpu-with-vgic", .ioctl = "KVM_IRQ_LINE",
	  .input = "CPU type (userspace irqchip) with a vGIC",
	  .run = irq_cpu_gic, .native = ENXIO },
	{ .id = "irq-cpu", .ioctl = "KVM_IRQ_LINE",
	  .input = "CPU type, IRQ line of vCPU 0, no vGIC (valid)",
	  .run = irq_cpu, .native = 0,
	  GUNYAH(ENXIO, WHY_IRQ_CPU) },
	{ .id = "irqfd-flags", .ioctl = "KVM_IRQFD",
	  .input = "flags bit 7",
	  .run = irqfd_flags, .native = EINVAL },
	{ .id = "irqfd-bad-fd", .ioctl = "KVM_IRQFD",
	  .input = "fd 1000, not open",
	  .run = irqfd_badf, .native = EBADF },
	{ .id = "routing-flags", .ioctl = "KVM_SET_GSI_ROUTING",
	  .input = "flags 1",
	  .run = routing_flags, .native = EINVAL },
	{ .id = "routing-pin", .ioctl = "KVM_SET_GSI_ROUTING",
	  .input = "irqchip pin 2000",
	  .run = routing_pin, .native = EINVAL },
	{ .id = "routing-msi", .ioctl = "KVM_SET_GSI_ROUTING",
	  .input = "an MSI route (valid)",
	  .run = routing_msi, .native = 0,
	  GUNYAH(EINVAL, NO_ITS) },

	{ .id = "dirty-log-not-logging", .ioctl = "KVM_GET_DIRTY_LOG",
	  .input = "slot 0, which does not log",
	  .run = dirty_log_none, .native = ENOENT },
	{ .id = "dirty-log-slot", .ioctl = "KVM_GET_DIRTY_LOG",
	  .input = "slot 0x7fff",
	  .run = dirty_log_slot, .native = EINVAL },
	{ .id = "create-irqchip", .ioctl = "KVM_CREATE_IRQCHIP",
	  .input = "a GICv2 (GICv3 host, no v2 emulation)",
	  .run = create_irqchip, .native = ENODEV },
	{ .id = "set-device-addr", .ioctl = "KVM_ARM_SET_DEVICE_ADDR",
	  .input = "device id 0x7f",
	  .run = set_device_addr, .native = ENODEV },
	{ .id = "vm-attr-group", .ioctl = "KVM_HAS_DEVICE_ATTR (VM)",
	  .input = "group 99",
	  .run = vm_attr_group, .native = ENXIO },
	{ .id = "enable-cap-unknown", .ioctl = "KVM_ENABLE_CAP (VM)",
	  .input = "cap 0x7fff",
	  .run = enable_cap_unknown, .native = EINVAL },
	{ .id = "vm-ioctl-unknown", .ioctl = "VM ioctl",
	  .input = "_IO(KVMIO, 0xff)",
	  .run = vm_ioctl_unknown, .native = EINVAL },
	{ .id = "dev-ioctl-unknown", .ioctl = "/dev/kvm ioctl",
	  .input = "_IO(KVMIO, 0xff)",
	  .run = dev_ioctl_unknown, .native = EINVAL },
};

static const char *err_name(int err)
{
	static char buf[16];
	const char *n;

	if (!err)
		return "0";
	n = strerrorname_np(err);
	if (n)
		return n;
	snprintf(buf, sizeof(buf), "%d", err);
	return buf;
}

/* Run one row in a child; its errno, or -1 if the set-up failed or it crashed */
static int run_row(const struct row *r)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		perror(PROG ": fork");
		exit(1);
	}
	if (!pid)
		_exit(r->run());
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) == SETUP_FAILED)
		return -1;
	return WEXITSTATUS(status);
}

/* The backend is Gunyah's if a VM's binary stats have its counter */
static bool backend_is_gunyah(void)
{
	struct kvm_stats_header h;
	struct kvm_stats_desc *d;
	bool found = false;
	size_t dsz;
	char *descs;
	int vm, sfd;
	__u32 i;

	vm = ioctl(kvm_fd, KVM_CREATE_VM, KVM_VM_TYPE_ARM_IPA_SIZE(IPA_BITS));
	sfd = vm < 0 ? -1 : ioctl(vm, KVM_GET_STATS_FD, NULL);
	if (sfd < 0 || pread(sfd, &h, sizeof(h), 0) != sizeof(h))
		goto out;
	dsz = sizeof(*d) + h.name_size;
	descs = calloc(h.num_desc, dsz);
	if (descs && pread(sfd, descs, h.num_desc * dsz, h.desc_offset) ==
		     (ssize_t)(h.num_desc * dsz)) {
		for (i = 0; i < h.num_desc; i++) {
			d = (struct kvm_stats_desc *)(descs + i * dsz);
			found |= !strcmp(d->name, "gunyah_vm_starts");
		}
	}
	free(descs);
out:
	if (sfd >= 0)
		close(sfd);
	if (vm >= 0)
		close(vm);
	return found;
}

int main(int argc, char **argv)
{
	int got, native, expected, failed = 0, differ = 0;
	unsigned int i;
	char gcol[32];

	if (argc != 1) {
		fprintf(stderr, "usage: " PROG "\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm_fd < 0) {
		printf(PROG ": FAIL: open /dev/kvm: %s\n", strerror(errno));
		return 1;
	}
	ipa_limit = cap(kvm_fd, KVM_CAP_ARM_VM_IPA_SIZE);
	on_gunyah = backend_is_gunyah();
	printf(PROG ": backend: %s, KVM_CAP_ARM_VM_IPA_SIZE %d\n",
	       on_gunyah ? "Gunyah (gunyah_vm_starts in the VM stats)" : "native KVM", ipa_limit);
	printf("| row | ioctl | input | native | gunyah | got | result |\n");
	printf("|---|---|---|---|---|---|---|\n");
	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		const struct row *r = &rows[i];

		native = r->native_here ? r->native_here() : r->native;
		expected = on_gunyah && r->why ? r->gunyah : native;
		got = run_row(r);
		snprintf(gcol, sizeof(gcol), "%s%s", r->why ? err_name(r->gunyah) : "=",
			 r->why ? " [d]" : "");
		printf("| %s | %s | %s | %s%s | %s | %s | %s |\n", r->id, r->ioctl, r->input,
		       err_name(native), r->native_here ? " *" : "", gcol,
		       got < 0 ? "set-up failed" : err_name(got),
		       got == expected ? "ok" : "FAIL");
		if (got != expected)
			failed++;
		if (on_gunyah && r->why && r->gunyah != native)
			differ++;
	}
	printf("\n%s\n%s\n",
	       "* native KVM's answer depends on the host: from the capabilities reported here",
	       "[d] Gunyah differs from native KVM as documented (virt/kvm/arm/gunyah.rst):");
	for (i = 0; i < ARRAY_SIZE(rows); i++)
		if (rows[i].why)
			printf("    %s: %s\n", rows[i].id, rows[i].why);
	if (failed) {
		printf(PROG ": FAIL: %d of %zu rows got another errno than %s\n", failed,
		       ARRAY_SIZE(rows), on_gunyah ? "the table's Gunyah column" : "native KVM's");
		return 1;
	}
	if (on_gunyah)
		printf(PROG ": PASS (%zu rows: %zu as native KVM, %d documented differences)\n",
		       ARRAY_SIZE(rows), ARRAY_SIZE(rows) - differ, differ);
	else
		printf(PROG ": PASS (%zu rows, native KVM)\n", ARRAY_SIZE(rows));
	return 0;
}
