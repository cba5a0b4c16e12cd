// SPDX-License-Identifier: GPL-2.0
/*
 * vCPU threads: run the primary VM's vCPUs under KVM and serve their exits
 * (SMCCC calls forwarded by KVM's SMCCC filter, UART MMIO, PSCI system
 * events, accesses to memory the primary VM has lent away).
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "emu.h"

int vcpu_get_reg(struct vcpu *vcpu, uint64_t id, uint64_t *value)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)value };

	return ioctl(vcpu->fd, KVM_GET_ONE_REG, &reg);
}

int vcpu_set_reg(struct vcpu *vcpu, uint64_t id, uint64_t value)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)&value };

	return ioctl(vcpu->fd, KVM_SET_ONE_REG, &reg);
}

int vcpu_create(struct emu *emu, unsigned int index)
{
	struct vcpu *vcpu = &emu->vcpus[index];
	struct kvm_vcpu_init init;
	int mmap_size;

	vcpu->emu = emu;
	vcpu->index = index;
	vcpu->fd = ioctl(emu->vm_fd, KVM_CREATE_VCPU, index);
	if (vcpu->fd < 0)
		return -errno;
	mmap_size = ioctl(emu->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (mmap_size < (int)sizeof(struct kvm_run))
		return -EINVAL;
	vcpu->run = mmap(NULL, mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED,
			 vcpu->fd, 0);
	if (vcpu->run == MAP_FAILED)
		return -errno;
	if (ioctl(emu->vm_fd, KVM_ARM_PREFERRED_TARGET, &init))
		return -errno;
	init.features[0] |= 1u << KVM_ARM_VCPU_PSCI_0_2;
	/* Secondary CPUs wait for PSCI CPU_ON, which KVM serves. */
	if (index)
		init.features[0] |= 1u << KVM_ARM_VCPU_POWER_OFF;
	if (ioctl(vcpu->fd, KVM_ARM_VCPU_INIT, &init))
		return -errno;
	return 0;
}

void emu_set_spi(struct emu *emu, unsigned int spi, bool level)
{
	struct kvm_irq_level irq = {
		.irq = (KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT) |
		       (32 + spi),
		.level = level,
	};

	if (ioctl(emu->vm_fd, KVM_IRQ_LINE, &irq))
		fprintf(stderr, "gunyah-emu: KVM_IRQ_LINE %u: %s\n", spi,
			strerror(errno));
	/* A primary vCPU lending its time to a secondary wakes up. */
	if (level)
		secondary_wake_callers(emu);
}

static void vcpu_hypercall(struct vcpu *vcpu)
{
	struct emu *emu = vcpu->emu;
	uint64_t regs[8] = { 0 };
	unsigned int i;

	/* KVM leaves the PC after the HVC; x0 holds the function ID. */
	for (i = 0; i < 6; i++) {
		if (vcpu_get_reg(vcpu, ARM64_CORE_REG(regs.regs[i]),
				 &regs[i])) {
			emu_finish(emu, 1, "cannot read hypercall arguments");
		}
	}
	pthread_mutex_lock(&emu->lock);
	gh_hyp_call(&emu->hyp, vcpu, regs);
	pthread_mutex_unlock(&emu->lock);
	/* Results in x0..x4 (vcpu_run returns five). */
	for (i = 0; i < 5; i++) {
		if (vcpu_set_reg(vcpu, ARM64_CORE_REG(regs.regs[i]), regs[i]))
			emu_finish(emu, 1, "cannot write hypercall results");
	}
}

static void vcpu_mmio(struct vcpu *vcpu)
{
	struct emu *emu = vcpu->emu;
	uint64_t addr = vcpu->run->mmio.phys_addr;
	uint32_t len = vcpu->run->mmio.len, value = 0;
	uint8_t *data = vcpu->run->mmio.data;

	if (len > 4)
		len = 4;
	pthread_mutex_lock(&emu->lock);
	if (addr >= GUEST_UART_BASE && addr < GUEST_UART_BASE + PL011_MMIO_SIZE) {
		if (vcpu->run->mmio.is_write) {
			memcpy(&value, data, len);
			pl011_write(&emu->uart, addr - GUEST_UART_BASE, value);
		} else {
			value = pl011_read(&emu->uart, addr - GUEST_UART_BASE);
			memcpy(data, &value, len);
		}
	} else {
		/* Nothing lives here: reads as zero, writes ignored. */
		counter_add(&emu->counters, "mmio_unhandled", 1);
		if (!vcpu->run->mmio.is_write)
			memset(data, 0, vcpu->run->mmio.len);
	}
	pthread_mutex_unlock(&emu->lock);
}

/*
 * KVM_RUN failed with EFAULT: the guest touched a page whose host mapping
 * is PROT_NONE, i.e. memory it has lent.  Real Gunyah answers a stage-2
 * fault on memory the VM does not own with a synchronous external abort.
 */
static void vcpu_blocked_access(struct vcpu *vcpu)
{
	struct kvm_vcpu_events events;
	struct emu *emu = vcpu->emu;
	bool lent;

	pthread_mutex_lock(&emu->lock);
	lent = emu->nr_unmapped != 0;
	pthread_mutex_unlock(&emu->lock);
	if (!lent)
		emu_finish(emu, 1, "KVM_RUN: EFAULT with no memory lent");
	counter_add(&emu->counters, "primary_blocked_accesses", 1);
	memset(&events, 0, sizeof(events));
	events.exception.ext_dabt_pending = 1;
	if (ioctl(vcpu->fd, KVM_SET_VCPU_EVENTS, &events))
		emu_finish(emu, 1, "cannot inject external abort");
}

static void vcpu_system_event(struct vcpu *vcpu)
{
	switch (vcpu->run->system_event.type) {
	case KVM_SYSTEM_EVENT_SHUTDOWN:
		emu_finish(vcpu->emu, 0, "guest powered off");
	case KVM_SYSTEM_EVENT_RESET:
		emu_finish(vcpu->emu, 2, "guest reset (panic reboot?)");
	default:
		emu_finish(vcpu->emu, 2, "guest crashed");
	}
}

void *vcpu_thread(void *arg)
{
	struct vcpu *vcpu = arg;
	char msg[96];

	for (;;) {
		if (ioctl(vcpu->fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			if (errno == EFAULT) {
				vcpu_blocked_access(vcpu);
				continue;
			}
			snprintf(msg, sizeof(msg), "KVM_RUN: %s",
				 strerror(errno));
			emu_finish(vcpu->emu, 1, msg);
		}
		switch (vcpu->run->exit_reason) {
		case KVM_EXIT_HYPERCALL:
			vcpu_hypercall(vcpu);
			break;
		case KVM_EXIT_MMIO:
			vcpu_mmio(vcpu);
			break;
		case KVM_EXIT_SYSTEM_EVENT:
			vcpu_system_event(vcpu);
			break;
		case KVM_EXIT_INTR:
			break;
		default:
			snprintf(msg, sizeof(msg), "unexpected KVM exit %u",
				 vcpu->run->exit_reason);
			emu_finish(vcpu->emu, 1, msg);
		}
	}
	return NULL;
}
