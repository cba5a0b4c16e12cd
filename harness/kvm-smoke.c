// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-smoke: prove that KVM on the L1 machine really runs a guest.
 *
 * A one-vCPU VM executes a few instructions: an MMIO write that userspace must see with the
 * right address and value, an MMIO read that userspace answers, a write of that answer plus
 * one, and PSCI SYSTEM_OFF.  Exit status 0 only if every exit arrived as expected.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/kvm.h>

#define RAM_BASE	0x40000000UL
#define RAM_SIZE	0x10000UL
#define MMIO_ADDR	0x20000000UL
#define WRITE_VALUE	0x1234
#define READ_VALUE	0xabcd

static const __u32 guest_code[] = {
	0xd2a40000,	/* movz x0, #0x2000, lsl #16	x0 = MMIO_ADDR */
	0xd2824681,	/* movz x1, #0x1234 */
	0xf9000001,	/* str  x1, [x0]		MMIO write */
	0xf9400002,	/* ldr  x2, [x0]		MMIO read */
	0x91000442,	/* add  x2, x2, #1 */
	0xf9000402,	/* str  x2, [x0, #8]		MMIO write of read + 1 */
	0x52800100,	/* movz w0, #0x8 */
	0x72b08000,	/* movk w0, #0x8400, lsl #16	PSCI_0_2_FN_SYSTEM_OFF */
	0xd4000002,	/* hvc  #0 */
	0x14000000,	/* b    . */
};

static int fail(const char *what)
{
	fprintf(stderr, "kvm-smoke: %s: %s\n", what, strerror(errno));
	return 1;
}

static int expect_mmio(struct kvm_run *run, __u64 addr, int is_write)
{
	if (run->exit_reason != KVM_EXIT_MMIO) {
		fprintf(stderr, "kvm-smoke: exit reason %u, expected MMIO\n", run->exit_reason);
		return -1;
	}
	if (run->mmio.phys_addr != addr || run->mmio.is_write != is_write || run->mmio.len != 8) {
		fprintf(stderr,
			"kvm-smoke: MMIO at 0x%llx len %u write %u, expected 0x%lx len 8 write %d\n",
			(unsigned long long)run->mmio.phys_addr, run->mmio.len, run->mmio.is_write,
			(unsigned long)addr, is_write);
		return -1;
	}
	return 0;
}

int main(void)
{
	struct kvm_userspace_memory_region region;
	struct kvm_vcpu_init init;
	struct kvm_one_reg reg;
	struct kvm_run *run;
	__u64 pc = RAM_BASE, val;
	int kvm, vm, vcpu, size;
	void *ram;

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		return fail("open /dev/kvm");
	if (ioctl(kvm, KVM_GET_API_VERSION, 0) != KVM_API_VERSION) {
		fprintf(stderr, "kvm-smoke: unexpected KVM API version\n");
		return 1;
	}
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		return fail("KVM_CREATE_VM");

	ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (ram == MAP_FAILED)
		return fail("mmap");
	memcpy(ram, guest_code, sizeof(guest_code));
	region = (struct kvm_userspace_memory_region) {
		.slot = 0, .guest_phys_addr = RAM_BASE, .memory_size = RAM_SIZE,
		.userspace_addr = (uintptr_t)ram,
	};
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region))
		return fail("KVM_SET_USER_MEMORY_REGION");

	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0)
		return fail("KVM_CREATE_VCPU");
	if (ioctl(vm, KVM_ARM_PREFERRED_TARGET, &init))
		return fail("KVM_ARM_PREFERRED_TARGET");
	init.features[0] |= 1u << KVM_ARM_VCPU_PSCI_0_2;
	if (ioctl(vcpu, KVM_ARM_VCPU_INIT, &init))
		return fail("KVM_ARM_VCPU_INIT");
	reg.id = KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE |
		 (offsetof(struct kvm_regs, regs.pc) / sizeof(__u32));
	reg.addr = (uintptr_t)&pc;
	if (ioctl(vcpu, KVM_SET_ONE_REG, &reg))
		return fail("KVM_SET_ONE_REG pc");

	size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size < (int)sizeof(*run))
		return fail("KVM_GET_VCPU_MMAP_SIZE");
	run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		return fail("mmap vcpu");

	if (ioctl(vcpu, KVM_RUN, 0) || expect_mmio(run, MMIO_ADDR, 1))
		return fail("first KVM_RUN");
	memcpy(&val, run->mmio.data, 8);
	if (val != WRITE_VALUE) {
		fprintf(stderr, "kvm-smoke: guest wrote 0x%llx\n", (unsigned long long)val);
		return 1;
	}
	if (ioctl(vcpu, KVM_RUN, 0) || expect_mmio(run, MMIO_ADDR, 0))
		return fail("second KVM_RUN");
	val = READ_VALUE;
	memcpy(run->mmio.data, &val, 8);
	if (ioctl(vcpu, KVM_RUN, 0) || expect_mmio(run, MMIO_ADDR + 8, 1))
		return fail("third KVM_RUN");
	memcpy(&val, run->mmio.data, 8);
	if (val != READ_VALUE + 1) {
		fprintf(stderr, "kvm-smoke: guest computed 0x%llx\n", (unsigned long long)val);
		return 1;
	}
	if (ioctl(vcpu, KVM_RUN, 0))
		return fail("fourth KVM_RUN");
	if (run->exit_reason != KVM_EXIT_SYSTEM_EVENT ||
	    run->system_event.type != KVM_SYSTEM_EVENT_SHUTDOWN) {
		fprintf(stderr, "kvm-smoke: exit reason %u, expected SYSTEM_OFF\n",
			run->exit_reason);
		return 1;
	}
	printf("kvm-smoke: guest ran: MMIO write, read, write, PSCI SYSTEM_OFF\n");
	return 0;
}
