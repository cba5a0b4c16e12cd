// SPDX-License-Identifier: GPL-2.0
/*
 * Secondary VMs: each is a sibling KVM VM on the same /dev/kvm, created at
 * RM START, whose vCPUs run only when the primary VM asks with the
 * vcpu_run hypercall on their capabilities ("proxy scheduling"), each on
 * the calling vCPU's thread.  Several primary vCPUs may run several vCPUs
 * of one VM at once.
 *
 * What vcpu_run reports follows quic/gunyah-hypervisor (commit 36ca3a2):
 *   hyp/vm/vcpu_run/src/vcpu_run.c       hypercall_vcpu_run()
 *   hyp/interfaces/vcpu_run/vcpu_run.tc  states, vcpu_run_poweroff_flags
 *   hyp/mem/addrspace/aarch64/addrspace.tc  vmmio_read 4, vmmio_write 5
 *   hyp/mem/addrspace/src/vmmio.c-like rules as the facts file records:
 *     accesses inside the VM's VMMIO range ([0, 1 GiB) on the QEMU
 *     platform) go to the host, others get an external abort.
 */
/* memfd_create(), fallocate(), gettid() */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "emu.h"
#include "run_slice.h"

/* MPIDR_EL1: op0 3, op1 0, CRn 0, CRm 0, op2 5 */
#define SECONDARY_MPIDR_REG	ARM64_SYS_REG(3, 0, 0, 0, 5)
/* The QEMU platform's VMMIO range of a secondary VM */
#define SECONDARY_VMMIO_END	BIT_ULL(30)
/* Longer slices for a guest KVM could not even enter in time: at most */
#define SECONDARY_ENTRY_RETRIES	8
/* The RM's VM info area (src/vm_creation/vm_creation_pv_time.c) */
#define SECONDARY_INFO_SIZE	4096u
/*
 * INTIDs of a secondary's vGIC, private ones included.  The RM configures
 * it with vic_configure(vic, cores, GIC_SPI_NUM = 988, ...)
 * (vm_config.c handle_interrupt_controller(), include/vm_creation.h), and
 * the hypervisor's vGIC reports GICD_TYPER.ITLinesNumber =
 * align_up(GIC_SPI_NUM, 32) / 32 = 31 (hyp/vm/vgic/src/vdevice.c): 1024
 * INTIDs, SPIs up to 1019 usable.  KVM takes at most 992, a multiple of 32
 * not above 1023 (KVM_DEV_ARM_VGIC_GRP_NR_IRQS), so SPIs 992 to 1019
 * cannot be had.
 */
#define SECONDARY_NR_IRQS	992u

/*
 * Per primary-vCPU thread: the timer that bounds one vcpu_run.  A thread
 * runs one secondary vCPU at a time, so this is also that vCPU's.
 */
static __thread timer_t kick_timer;
static __thread bool kick_timer_made;
static __thread struct kvm_run *kick_run;
/* Why the kick came: the slice timer, or another thread. */
static __thread int kick_by_timer, kick_by_other;
static pthread_once_t kick_once = PTHREAD_ONCE_INIT;

static void kick_handler(int sig, siginfo_t *info, void *uc)
{
	struct kvm_run *run = kick_run;

	(void)sig;
	(void)uc;
	__atomic_store_n(info->si_code == SI_TIMER ? &kick_by_timer :
						     &kick_by_other, 1,
			 __ATOMIC_RELAXED);
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	/* KVM_RUN returns EINTR now, or at once if not yet entered. */
	if (run)
		run->immediate_exit = 1;
}

static void kick_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = kick_handler;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SECONDARY_KICK_SIGNAL, &sa, NULL))
		perror("gunyah-emu: sigaction");
}

static struct itimerspec kick_time(uint64_t ns)
{
	return (struct itimerspec){
		.it_value.tv_sec = (time_t)(ns / 1000000000u),
		.it_value.tv_nsec = (long)(ns % 1000000000u),
	};
}

static int kick_arm(struct kvm_run *run, uint64_t ns)
{
	struct itimerspec its = kick_time(ns);
	struct sigevent sev;

	pthread_once(&kick_once, kick_install);
	if (!kick_timer_made) {
		memset(&sev, 0, sizeof(sev));
		sev.sigev_notify = SIGEV_THREAD_ID;
		sev.sigev_signo = SECONDARY_KICK_SIGNAL;
		sev._sigev_un._tid = gettid();
		if (timer_create(CLOCK_MONOTONIC, &sev, &kick_timer))
			return -errno;
		kick_timer_made = true;
	}
	kick_by_timer = 0;
	kick_by_other = 0;
	kick_run = run;
	return timer_settime(kick_timer, 0, &its, NULL) ? -errno : 0;
}

/*
 * Only the slice timer kicked us: start a slice of @ns anew.  False if
 * another thread kicked us too, or has meanwhile; then KVM_RUN must not
 * be entered again.
 */
static bool kick_rearm(struct kvm_run *run, uint64_t ns)
{
	struct itimerspec its = kick_time(ns);

	if (!__atomic_load_n(&kick_by_timer, __ATOMIC_RELAXED))
		return false;
	__atomic_store_n(&kick_by_timer, 0, __ATOMIC_RELAXED);
	run->immediate_exit = 0;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(&kick_by_other, __ATOMIC_RELAXED)) {
		run->immediate_exit = 1;
		return false;
	}
	return !timer_settime(kick_timer, 0, &its, NULL);
}

/*
 * A kick of this thread ends KVM_RUN of @run, whether entered yet or not;
 * NULL: it ends nothing.  For a thread that runs a vCPU without a slice
 * (idle.c's park threads).
 */
void kick_attach(struct kvm_run *run)
{
	pthread_once(&kick_once, kick_install);
	kick_run = run;
}

static void kick_disarm(struct kvm_run *run)
{
	struct itimerspec its = { 0 };

	timer_settime(kick_timer, 0, &its, NULL);
	kick_run = NULL;
	run->immediate_exit = 0;
}

static struct secondary *secondary_find(struct emu *emu, uint16_t vmid)
{
	unsigned int i;

	for (i = 0; i < EMU_MAX_SECONDARIES; i++)
		if (emu->secondaries[i].used &&
		    emu->secondaries[i].vmid == vmid)
			return &emu->secondaries[i];
	return NULL;
}

static int secondary_set_reg(struct secondary_vcpu *v, uint64_t id,
			     uint64_t value)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)&value };

	return ioctl(v->fd, KVM_SET_ONE_REG, &reg) ? -errno : 0;
}

static void secondary_free(struct secondary *sec)
{
	unsigned int i;

	if (sec->info_page && sec->info_page != MAP_FAILED)
		munmap(sec->info_page, SECONDARY_INFO_SIZE);
	for (i = 0; i < RM_MAX_VCPUS; i++) {
		struct secondary_vcpu *v = &sec->vcpus[i];

		if (v->run && v->run != MAP_FAILED)
			munmap(v->run, sec->run_size);
		if (v->stats_fd >= 0)
			close(v->stats_fd);
		if (v->fd >= 0)
			close(v->fd);
	}
	for (i = 0; i < RM_MAX_DOORBELLS; i++) {
		if (sec->doorbells[i].trigger_fd >= 0)
			close(sec->doorbells[i].trigger_fd);
		if (sec->doorbells[i].resample_fd >= 0)
			close(sec->doorbells[i].resample_fd);
	}
	if (sec->gic_fd >= 0)
		close(sec->gic_fd);
	if (sec->vm_fd >= 0)
		close(sec->vm_fd);
	memset(sec, 0, sizeof(*sec));
}

static int secondary_gic_attr(struct secondary *sec, uint32_t group,
			      uint64_t attr, const void *value)
{
	struct kvm_device_attr a = {
		.group = group,
		.attr = attr,
		.addr = (uintptr_t)value,
	};

	return ioctl(sec->gic_fd, KVM_SET_DEVICE_ATTR, &a) ? -errno : 0;
}

/*
 * Gunyah's vGICv3, emulated inside the hypervisor, at the addresses the RM
 * chose (the GIC node's reg, or its own): KVM's in-kernel vGICv3 laid out
 * the same way, GICD 64 KiB and one redistributor region of 128 KiB per
 * vCPU, so the guest's accesses there never reach the host.  KVM wants
 * every vCPU made before CTRL_INIT.
 */
static int secondary_make_vgic(struct secondary *sec,
			       const struct rm_vm_boot *boot)
{
	struct kvm_create_device dev = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };
	uint64_t dist = boot->gicd_base, redist = boot->gicr_base;
	uint32_t nr_irqs = SECONDARY_NR_IRQS;
	int err;

	if (ioctl(sec->vm_fd, KVM_CREATE_DEVICE, &dev))
		return -errno;
	sec->gic_fd = (int)dev.fd;
	err = secondary_gic_attr(sec, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0,
				 &nr_irqs);
	if (!err)
		err = secondary_gic_attr(sec, KVM_DEV_ARM_VGIC_GRP_ADDR,
					 KVM_VGIC_V3_ADDR_TYPE_DIST, &dist);
	if (!err)
		err = secondary_gic_attr(sec, KVM_DEV_ARM_VGIC_GRP_ADDR,
					 KVM_VGIC_V3_ADDR_TYPE_REDIST, &redist);
	if (!err)
		err = secondary_gic_attr(sec, KVM_DEV_ARM_VGIC_GRP_CTRL,
					 KVM_DEV_ARM_VGIC_CTRL_INIT, NULL);
	return err;
}

/*
 * Find the vCPU statistics "exits", which KVM counts up each time it has
 * entered the guest and come back, and "blocking", 1 while KVM blocks the
 * vCPU in WFI (KVM_GET_STATS_FD, "KVM binary statistics" in
 * Documentation/virt/kvm/api.rst).  Without "exits" (an old KVM)
 * @v->stats_fd stays -1; without "blocking", idle vCPUs are not parked.
 */
static void secondary_open_stats(struct secondary_vcpu *v)
{
	struct kvm_stats_header h;
	struct kvm_stats_desc *d;
	uint8_t *descs = NULL;
	size_t size, i;
	int fd;

	fd = ioctl(v->fd, KVM_GET_STATS_FD, NULL);
	if (fd < 0)
		return;
	if (pread(fd, &h, sizeof(h), 0) != sizeof(h))
		goto out;
	size = sizeof(*d) + h.name_size;
	descs = calloc(h.num_desc, size);
	if (!descs || pread(fd, descs, size * h.num_desc, h.desc_offset) !=
		      (ssize_t)(size * h.num_desc))
		goto out;
	for (i = 0; i < h.num_desc; i++) {
		d = (struct kvm_stats_desc *)(descs + i * size);
		if (d->size != 1)
			continue;
		if (!strncmp(d->name, "exits", h.name_size))
			v->exits_off = h.data_offset + d->offset;
		else if (!strncmp(d->name, "blocking", h.name_size))
			v->blocking_off = h.data_offset + d->offset;
	}
	if (v->exits_off) {
		v->stats_fd = fd;
		fd = -1;
	} else {
		v->blocking_off = 0;
	}
out:
	free(descs);
	if (fd >= 0)
		close(fd);
}

/* The statistic at @off of vCPU @v now, or 0 without statistics. */
uint64_t secondary_vcpu_stat(struct secondary_vcpu *v, uint64_t off)
{
	uint64_t n = 0;

	if (v->stats_fd < 0 || !off ||
	    pread(v->stats_fd, &n, sizeof(n), (off_t)off) != sizeof(n))
		n = 0;
	return n;
}

/* Guest entries of vCPU @v so far, or 0 without the statistic. */
static uint64_t secondary_vcpu_entries(struct secondary_vcpu *v)
{
	return secondary_vcpu_stat(v, v->exits_off);
}

/*
 * vCPU @index, as the hypervisor makes it for the RM: its MPIDR from the
 * vGIC's linear mapping (rm_hyp_vcpu_mpidr()), which KVM's PSCI CPU_ON
 * and vGIC redistributors go by; a boot vCPU starts at PC = base +
 * image_offset with X0 = base + dt_offset (vm_firmware.c), the others
 * wait powered off for a CPU_ON.
 */
static int secondary_create_vcpu(struct secondary *sec, unsigned int index,
				 const struct rm_vm_boot *boot)
{
	struct secondary_vcpu *v = &sec->vcpus[index];
	bool boots = boot->boot_vcpus & (1u << index);
	struct kvm_vcpu_init init;
	uint64_t mpidr = 0;
	int err;

	v->sec = sec;
	v->index = index;
	v->wakeup_virq = boot->vcpu_virqs ? boot->vcpu_virqs[index] : 0;
	v->fd = ioctl(sec->vm_fd, KVM_CREATE_VCPU, index);
	if (v->fd < 0)
		return -errno;
	v->run = mmap(NULL, sec->run_size, PROT_READ | PROT_WRITE,
		      MAP_SHARED, v->fd, 0);
	if (v->run == MAP_FAILED)
		return -errno;
	if (ioctl(sec->vm_fd, KVM_ARM_PREFERRED_TARGET, &init))
		return -errno;
	/*
	 * PSCI 0.2: KVM serves the guest's CPU_ON, and its SYSTEM_OFF as a
	 * system event.
	 */
	init.features[0] |= 1u << KVM_ARM_VCPU_PSCI_0_2;
	if (!boots)
		init.features[0] |= 1u << KVM_ARM_VCPU_POWER_OFF;
	if (ioctl(v->fd, KVM_ARM_VCPU_INIT, &init))
		return -errno;
	secondary_open_stats(v);
	err = secondary_set_reg(v, SECONDARY_MPIDR_REG,
				rm_hyp_vcpu_mpidr(index));
	if (!err) {
		struct kvm_one_reg reg = { .id = SECONDARY_MPIDR_REG,
					   .addr = (uintptr_t)&mpidr };

		/* Check that KVM took it: CPU_ON finds vCPUs by it. */
		if (ioctl(v->fd, KVM_GET_ONE_REG, &reg))
			err = -errno;
		else if (mpidr != rm_hyp_vcpu_mpidr(index))
			err = -EINVAL;
	}
	if (!err && boots)
		err = secondary_set_reg(v, ARM64_CORE_REG(regs.pc), boot->pc);
	if (!err && boots)
		err = secondary_set_reg(v, ARM64_CORE_REG(regs.regs[0]),
					boot->x0);
	return err;
}

/*
 * The RM's VM info area (vm_creation_pv_time.c): the hypervisor writes
 * it, the guest sees it read-only; on the QEMU platform it reads as zeros.
 * A read-only memslot of a zero page gives exactly that, and KVM turns a
 * write to it into an MMIO exit, which is outside VMMIO (>= 1 GiB) and so
 * gets the external abort the real hypervisor gives.
 */
static int secondary_map_info(struct secondary *sec, unsigned int slot,
			      uint64_t ipa)
{
	struct kvm_userspace_memory_region region = {
		.slot = slot,
		.flags = KVM_MEM_READONLY,
		.guest_phys_addr = ipa,
		.memory_size = SECONDARY_INFO_SIZE,
	};

	sec->info_page = mmap(NULL, SECONDARY_INFO_SIZE, PROT_READ,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (sec->info_page == MAP_FAILED)
		return -errno;
	region.userspace_addr = (uintptr_t)sec->info_page;
	return ioctl(sec->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) ?
	       -errno : 0;
}

/*
 * A VM whose config DT has no PSCI node has no vPSCI: every PSCI handler
 * of the hypervisor declines when the vCPU has no psci_group
 * (hyp/vm/psci/src/psci_common.c, e.g. psci_version() :262-273), and the
 * SMCCC dispatcher answers NOT_SUPPORTED (-1), SYSTEM_OFF included.  KVM's
 * SMCCC filter does the same for a range with the DENY action.
 */
static int secondary_deny_psci(struct secondary *sec)
{
	static const uint32_t bases[] = { 0x84000000u, 0xc4000000u };
	struct kvm_device_attr attr = {
		.group = KVM_ARM_VM_SMCCC_CTRL,
		.attr = KVM_ARM_VM_SMCCC_FILTER,
	};
	struct kvm_smccc_filter filter;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bases); i++) {
		memset(&filter, 0, sizeof(filter));
		filter.base = bases[i];
		filter.nr_functions = 0x20;	/* PSCI 0x00-0x1f */
		filter.action = KVM_SMCCC_FILTER_DENY;
		attr.addr = (uintptr_t)&filter;
		if (ioctl(sec->vm_fd, KVM_SET_DEVICE_ATTR, &attr))
			return -errno;
	}
	return 0;
}

/* Raise or lower the vIRQ line of SPI INTID @virq of @sec. */
static void secondary_virq_line(struct emu *emu, struct secondary *sec,
				uint32_t virq, bool level)
{
	struct kvm_irq_level irq = {
		.irq = (KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT) | virq,
		.level = level,
	};

	unsigned int i;

	if (ioctl(sec->vm_fd, KVM_IRQ_LINE, &irq)) {
		fprintf(stderr, "gunyah-emu: VM %u KVM_IRQ_LINE %u: %s\n",
			sec->vmid, virq, strerror(errno));
		return;
	}
	/* Only a raised line can be EOIed: secondary_resample() looks at those */
	for (i = 0; level && i < sec->nr_doorbells; i++)
		if (sec->doorbells[i].virq == virq)
			sec->doorbells[i].raised = true;
	counter_add(&emu->counters, level ? "secondary_doorbell_raises" :
					    "secondary_doorbell_clears", 1);
}

/*
 * The doorbells' vIRQs.  vic_bind_shared() binds each to its SPI of the
 * VM's vGIC; here each SPI gets an irqfd with a resampler, whose only job
 * is to tell us of the guest's EOI of a level-triggered SPI (see
 * secondary_resample()).  A vIRQ asserted before START is pending now.
 */
static int secondary_bind_doorbells(struct emu *emu, struct secondary *sec,
				    const struct rm_vm_boot *boot)
{
	unsigned int i;

	for (i = 0; i < boot->nr_doorbells; i++) {
		struct secondary_doorbell *d = &sec->doorbells[i];
		struct kvm_irqfd irqfd = { .flags = KVM_IRQFD_FLAG_RESAMPLE };

		d->virq = boot->doorbells[i].virq;
		d->raised = false;
		if (d->virq < 32 || d->virq >= SECONDARY_NR_IRQS) {
			fprintf(stderr,
				"gunyah-emu: VM %u: KVM's vGIC has no SPI %u\n",
				sec->vmid, d->virq);
			return -ERANGE;
		}
		d->trigger_fd = eventfd(0, EFD_CLOEXEC);
		d->resample_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (d->trigger_fd < 0 || d->resample_fd < 0)
			return -errno;
		irqfd.fd = (uint32_t)d->trigger_fd;
		irqfd.resamplefd = (uint32_t)d->resample_fd;
		/* KVM's default routing: GSI n is SPI INTID n + 32. */
		irqfd.gsi = d->virq - 32;
		if (ioctl(sec->vm_fd, KVM_IRQFD, &irqfd))
			return -errno;
		sec->nr_doorbells = i + 1;
	}
	for (i = 0; i < boot->nr_doorbells; i++) {
		struct gh_vdoorbell *db;

		db = gh_hyp_doorbell_virq(&emu->hyp, sec->vmid,
					  sec->doorbells[i].virq);
		if (db && db->state.asserted)
			secondary_virq_line(emu, sec, sec->doorbells[i].virq,
					    true);
	}
	return 0;
}

/*
 * The guest EOIed a level-triggered doorbell vIRQ, and KVM's resampler
 * lowered its line: ask the doorbell, as the vGIC asks
 * doorbell_handle_virq_check_pending(), whether the assertion still
 * holds, and if so raise the line again.  Called with emu->lock held when
 * a vcpu_run of the VM starts and when it ends, so a re-assertion waits
 * for the next of those, where the hypervisor makes it at once.
 */
static void secondary_resample(struct emu *emu, struct secondary *sec)
{
	struct gh_vdoorbell *db;
	unsigned int i;
	uint64_t count;

	/*
	 * One read per raised line, not per doorbell: QEMU's guests have 256,
	 * and a syscall each twice per vcpu_run made them crawl.
	 */
	for (i = 0; i < sec->nr_doorbells; i++) {
		struct secondary_doorbell *d = &sec->doorbells[i];

		if (!d->raised ||
		    read(d->resample_fd, &count, sizeof(count)) != sizeof(count))
			continue;
		d->raised = false;
		db = gh_hyp_doorbell_virq(&emu->hyp, sec->vmid, d->virq);
		if (db && gh_doorbell_check_pending(&db->state))
			secondary_virq_line(emu, sec, d->virq, true);
	}
}

/*
 * gh_guest_ops.doorbell_virq: a doorbell call on VM @vmid's doorbell.  An
 * assertion, edge or level, raises the line until the guest's EOI (or,
 * for an SPI the guest configured edge-triggered, makes it pending once);
 * a clear lowers it.  Before START there is no line: the doorbell's
 * state carries the assertion to secondary_bind_doorbells().
 */
void secondary_doorbell_virq(void *ctx, uint16_t vmid, uint32_t virq,
			     enum gh_virq_action action)
{
	struct secondary *sec = secondary_find(ctx, vmid);

	if (sec && action != GH_VIRQ_NONE)
		secondary_virq_line(ctx, sec, virq, action != GH_VIRQ_CLEAR);
}

/* Sibling KVM VMs in existence. */
unsigned int secondary_count(struct emu *emu)
{
	unsigned int i, n = 0;

	for (i = 0; i < EMU_MAX_SECONDARIES; i++)
		n += emu->secondaries[i].used;
	return n;
}

/* RM START: called with emu->lock held. */
int secondary_start(void *ctx, const struct rm_vm_boot *boot)
{
	struct kvm_enable_cap halt_poll = { .cap = KVM_CAP_HALT_POLL };
	struct kvm_userspace_memory_region region = { 0 };
	struct secondary *sec = NULL;
	struct emu *emu = ctx;
	unsigned int i;
	int err, size;

	for (i = 0; i < EMU_MAX_SECONDARIES && !sec; i++)
		if (!emu->secondaries[i].used)
			sec = &emu->secondaries[i];
	if (!sec || boot->nr_regions + 1 > EMU_MAX_SECONDARY_SLOTS ||
	    !boot->nr_vcpus || boot->nr_vcpus > RM_MAX_VCPUS ||
	    secondary_find(emu, boot->vmid))
		return -ENOSPC;
	memset(sec, 0, sizeof(*sec));
	sec->emu = emu;
	sec->vmid = boot->vmid;
	sec->vm_fd = -1;
	sec->gic_fd = -1;
	for (i = 0; i < RM_MAX_VCPUS; i++) {
		sec->vcpus[i].fd = -1;
		sec->vcpus[i].stats_fd = -1;
	}
	for (i = 0; i < RM_MAX_DOORBELLS; i++) {
		sec->doorbells[i].trigger_fd = -1;
		sec->doorbells[i].resample_fd = -1;
	}
	size = ioctl(emu->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size < (int)sizeof(struct kvm_run)) {
		err = -EINVAL;
		goto fail;
	}
	sec->run_size = (size_t)size;
	sec->vm_fd = ioctl(emu->kvm_fd, KVM_CREATE_VM, 0);
	if (sec->vm_fd < 0) {
		err = -errno;
		goto fail;
	}
	/*
	 * Gunyah does not halt-poll a vCPU in WFI: it blocks it, and its
	 * vcpu_run returns.  Without polling, KVM's "blocking" says so at
	 * once (idle.c); an old KVM polls, and idle vCPUs park later.
	 */
	ioctl(sec->vm_fd, KVM_ENABLE_CAP, &halt_poll);
	/*
	 * Guest memory: each region at its guest IPA, through the alias
	 * mapping.  Without the write right it is read-only (a write then
	 * aborts, as outside VMMIO); KVM cannot take away execute.
	 */
	for (i = 0; i < boot->nr_regions; i++) {
		const struct rm_guest_region *r = &boot->regions[i];

		region.slot = i;
		region.flags = r->rights & RM_HYP_RIGHTS_W ? 0 : KVM_MEM_READONLY;
		region.guest_phys_addr = r->guest_ipa;
		region.memory_size = r->size;
		region.userspace_addr = (uintptr_t)guest_mem_alias(emu,
					r->primary_ipa, r->size);
		if (!region.userspace_addr) {
			err = -EINVAL;
			goto fail;
		}
		if (ioctl(sec->vm_fd, KVM_SET_USER_MEMORY_REGION, &region)) {
			err = -errno;
			goto fail;
		}
	}
	if (boot->info_ipa) {
		err = secondary_map_info(sec, boot->nr_regions, boot->info_ipa);
		if (err)
			goto fail;
	}
	if (!boot->has_psci) {
		err = secondary_deny_psci(sec);
		if (err)
			goto fail;
	}
	/* One vCPU per capability the RM handed out, in index order. */
	for (i = 0; i < boot->nr_vcpus; i++) {
		err = secondary_create_vcpu(sec, i, boot);
		if (err)
			goto fail;
	}
	err = secondary_make_vgic(sec, boot);
	if (!err)
		err = secondary_bind_doorbells(emu, sec, boot);
	if (err)
		goto fail;
	sec->nr_vcpus = boot->nr_vcpus;
	sec->used = true;
	return 0;
fail:
	fprintf(stderr, "gunyah-emu: cannot create VM %u: %s\n", boot->vmid,
		strerror(-err));
	secondary_free(sec);
	return err;
}

/*
 * Make every vcpu_run in progress on @sec return soon: its KVM_RUN ends
 * with EINTR.  Called with emu->lock held.
 */
static void secondary_kick(struct secondary *sec)
{
	unsigned int i;

	for (i = 0; i < sec->nr_vcpus; i++)
		if (sec->vcpus[i].running &&
		    !pthread_equal(sec->vcpus[i].caller, pthread_self()))
			pthread_kill(sec->vcpus[i].caller,
				     SECONDARY_KICK_SIGNAL);
}

static bool secondary_running(const struct secondary *sec)
{
	unsigned int i;

	for (i = 0; i < sec->nr_vcpus; i++)
		if (sec->vcpus[i].running)
			return true;
	return false;
}

/*
 * The VM's vCPUs are killed (its guest powered off, or RM STOP): those in
 * vcpu_run come back, parked ones leave their WFI, and every one not being
 * run, but @self, gets its wakeup vIRQ (vcpu_run_handle_thread_killed()),
 * so that an owner waiting for it asks vcpu_run again and hears that the
 * VM exited.  Called with emu->lock held, @sec->exited set.
 */
static void secondary_kill(struct emu *emu, struct secondary *sec,
			   struct secondary_vcpu *self)
{
	unsigned int i;

	secondary_kick(sec);
	idle_unpark(sec, false);
	for (i = 0; i < sec->nr_vcpus; i++)
		if (&sec->vcpus[i] != self && !sec->vcpus[i].running)
			idle_wake(emu, &sec->vcpus[i]);
}

/* RM STOP: no vCPU runs again. */
void secondary_stop(void *ctx, uint16_t vmid)
{
	struct secondary *sec = secondary_find(ctx, vmid);

	if (sec && !sec->exited) {
		sec->exited = true;
		secondary_kill(ctx, sec, NULL);
	}
}

/*
 * RM RESET: wait for every vcpu_run in progress to return and every park
 * thread to end, then destroy.
 */
void secondary_destroy(void *ctx, uint16_t vmid)
{
	struct secondary *sec;
	struct emu *emu = ctx;

	for (;;) {
		sec = secondary_find(emu, vmid);
		if (!sec)
			break;
		sec->exited = true;
		idle_unpark(sec, true);
		if (!secondary_running(sec) && !idle_parking(sec))
			break;
		secondary_kick(sec);
		pthread_cond_wait(&emu->secondary_idle, &emu->lock);
	}
	if (sec)
		secondary_free(sec);
}

/* An access outside VMMIO and RAM: an external abort, as Gunyah gives. */
static int secondary_abort(struct emu *emu, struct secondary_vcpu *v)
{
	struct kvm_vcpu_events events;

	counter_add(&emu->counters, "secondary_aborts", 1);
	memset(&events, 0, sizeof(events));
	events.exception.ext_dabt_pending = 1;
	return ioctl(v->fd, KVM_SET_VCPU_EVENTS, &events) ? -errno : 0;
}

/* Is the vCPU powered off (never started, or after PSCI CPU_OFF)? */
bool secondary_vcpu_off(struct secondary_vcpu *v)
{
	struct kvm_mp_state mp;

	return !ioctl(v->fd, KVM_GET_MP_STATE, &mp) &&
	       mp.mp_state == KVM_MP_STATE_STOPPED;
}

enum secondary_run_result {
	SECONDARY_PREEMPTED,	/* the slice ended, or a kick */
	SECONDARY_EVENT,	/* @out says what the host must see */
	SECONDARY_EXIT,		/* PSCI SYSTEM_OFF or SYSTEM_RESET */
};

/*
 * Run vCPU @v until an exit the host must see, without emu->lock: it
 * touches nothing shared but @v's own state.  The kick timer, armed by our
 * caller for @slice_ns, bounds all of this.  But on a loaded host, nested
 * under TCG say, entering the guest can take longer than the slice: if
 * the slice ran out before KVM entered the guest even once, give it a
 * slice twice as long, a few times, so that the guest always gets on.
 */
static enum secondary_run_result
secondary_run_once(struct emu *emu, struct secondary *sec,
		   struct secondary_vcpu *v, uint64_t slice_ns,
		   uint64_t out[4], uint32_t *exit_type)
{
	uint64_t entries = secondary_vcpu_entries(v);
	struct kvm_run *run = v->run;
	unsigned int retries = 0;
	uint64_t value = 0;
	int err;

	for (;;) {
		/* A parked vCPU's KVM_RUN ended on something else (idle.c) */
		if (v->pending_exit) {
			v->pending_exit = false;
		} else if (ioctl(v->fd, KVM_RUN, 0) < 0) {
			err = -errno;
			if ((err == -EINTR || err == -EAGAIN) &&
			    v->stats_fd >= 0 &&
			    retries < SECONDARY_ENTRY_RETRIES &&
			    secondary_vcpu_entries(v) == entries &&
			    kick_rearm(run, slice_ns << ++retries)) {
				counter_add(&emu->counters,
					    "secondary_vcpu_entry_retries", 1);
				continue;
			}
			if (err == -EINTR || err == -EAGAIN)
				return SECONDARY_PREEMPTED;
			fprintf(stderr, "gunyah-emu: VM %u KVM_RUN: %s\n",
				sec->vmid, strerror(-err));
			out[0] = GH_VCPU_STATE_FAULT;
			return SECONDARY_EVENT;
		}
		switch (run->exit_reason) {
		case KVM_EXIT_MMIO:
			if (run->mmio.phys_addr >= SECONDARY_VMMIO_END ||
			    run->mmio.len > 8) {
				if (secondary_abort(emu, v)) {
					out[0] = GH_VCPU_STATE_FAULT;
					return SECONDARY_EVENT;
				}
				continue;
			}
			counter_add(&emu->counters, "secondary_vmmio_exits", 1);
			out[1] = run->mmio.phys_addr;
			out[2] = run->mmio.len;
			if (run->mmio.is_write) {
				memcpy(&value, run->mmio.data, run->mmio.len);
				out[0] = GH_VCPU_STATE_VMMIO_WRITE;
				out[3] = value;
			} else {
				out[0] = GH_VCPU_STATE_VMMIO_READ;
				v->mmio_read = true;
			}
			return SECONDARY_EVENT;
		case KVM_EXIT_SYSTEM_EVENT:
			*exit_type = run->system_event.type ==
				     KVM_SYSTEM_EVENT_SHUTDOWN ?
				     RM_HYP_EXIT_SYSTEM_OFF :
				     RM_HYP_EXIT_SYSTEM_RESET;
			return SECONDARY_EXIT;
		case KVM_EXIT_INTR:
			return SECONDARY_PREEMPTED;
		default:
			fprintf(stderr, "gunyah-emu: VM %u: KVM exit %u\n",
				sec->vmid, run->exit_reason);
			out[0] = GH_VCPU_STATE_FAULT;
			return SECONDARY_EVENT;
		}
	}
}

static uint64_t host_cntfrq(void)
{
	uint64_t freq = 0;

#ifdef __aarch64__
	asm volatile("mrs %0, cntfrq_el0" : "=r"(freq));
#endif
	return freq;
}

/*
 * How long this vcpu_run may run the guest: the calling primary vCPU's
 * time slice, cut short by its own virtual timer (run_slice.h).  Read
 * on the caller's thread, where the primary vCPU is not running.
 */
static uint64_t secondary_slice_ns(struct vcpu *caller)
{
	uint64_t ctl, cval, cnt;

	if (!caller || vcpu_get_reg(caller, KVM_REG_ARM_TIMER_CTL, &ctl) ||
	    vcpu_get_reg(caller, KVM_REG_ARM_TIMER_CVAL, &cval) ||
	    vcpu_get_reg(caller, KVM_REG_ARM_TIMER_CNT, &cnt))
		return RUN_SLICE_NS;
	return run_slice_ns(ctl, cval, cnt, host_cntfrq());
}

/*
 * An interrupt for the primary VM: the real hypervisor's vcpu_wakeup()
 * ends the directed yield of a primary vCPU in vcpu_run (run_slice.h).
 * Called with emu->lock held.  The emulator does not read the SPI's
 * routing: every primary vCPU in vcpu_run is woken.
 */
void secondary_wake_callers(struct emu *emu)
{
	unsigned int i, j;

	for (i = 0; i < EMU_MAX_SECONDARIES; i++) {
		struct secondary *sec = &emu->secondaries[i];

		for (j = 0; sec->used && j < sec->nr_vcpus; j++)
			if (sec->vcpus[j].running)
				pthread_kill(sec->vcpus[j].caller,
					     SECONDARY_KICK_SIGNAL);
	}
}

/* vcpu_run_check() of a vCPU that exited for good: powered off, exited */
static uint64_t secondary_exited(uint64_t out[4])
{
	out[0] = GH_VCPU_STATE_POWERED_OFF;
	out[1] = GH_VCPU_POWEROFF_EXITED;
	return GH_OK;
}

/*
 * vCPU @v is powered off: not started yet, after its CPU_OFF, or because
 * another vCPU's guest just asked for SYSTEM_OFF, for which KVM stops
 * every vCPU before that vCPU's vcpu_run comes back and marks the VM
 * exited.  Tell them apart: wait until every other vCPU in KVM_RUN now
 * has come back once (the SYSTEM_OFF one at once, then it kicks the
 * others; otherwise a slice at most).  Meanwhile @v counts as running, so
 * that no one else runs it and RESET waits.  Called with emu->lock held.
 */
static uint64_t secondary_powered_off(struct emu *emu, struct secondary *sec,
				      struct secondary_vcpu *v,
				      uint64_t out[4])
{
	uint64_t seen[RM_MAX_VCPUS];
	bool waiting = true;
	unsigned int i;

	for (i = 0; i < sec->nr_vcpus; i++)
		seen[i] = sec->vcpus[i].returns;
	v->running = true;
	v->caller = pthread_self();
	while (!sec->exited && waiting) {
		waiting = false;
		for (i = 0; i < sec->nr_vcpus; i++)
			if (sec->vcpus[i].in_kvm_run &&
			    sec->vcpus[i].returns == seen[i])
				waiting = true;
		if (waiting)
			pthread_cond_wait(&emu->secondary_idle, &emu->lock);
	}
	v->running = false;
	pthread_cond_broadcast(&emu->secondary_idle);
	if (sec->exited)
		return secondary_exited(out);
	/*
	 * A sibling's CPU_ON while we waited found the vCPU being run, and
	 * raised nothing: it is runnable now, as vcpu_run would say.
	 */
	if (!secondary_vcpu_off(v)) {
		out[0] = GH_VCPU_STATE_READY;
		return GH_OK;
	}
	/* A CPU_ON raises its wakeup vIRQ (idle.c) */
	v->off_waiting = true;
	idle_note_run(emu);
	/* The hypervisor's vcpu_run_poweroff_flags: not exited */
	out[0] = GH_VCPU_STATE_POWERED_OFF;
	return GH_OK;
}

uint64_t secondary_vcpu_run(void *ctx, void *vcpu, uint16_t vmid,
			    unsigned int index, const uint64_t resume[3],
			    uint64_t out[4], uint32_t *exit_type)
{
	struct secondary *sec = secondary_find(ctx, vmid);
	enum secondary_run_result result;
	struct secondary_vcpu *v;
	struct emu *emu = ctx;
	uint32_t type = UINT32_MAX;
	uint64_t slice_ns;
	bool idle;

	memset(out, 0, 4 * sizeof(*out));
	if (!sec) {
		/* Not started: the vCPU is off until START powers it on. */
		out[0] = GH_VCPU_STATE_POWERED_OFF;
		return GH_OK;
	}
	if (index >= sec->nr_vcpus)
		return GH_ERROR_ARGUMENT_INVALID;
	v = &sec->vcpus[index];
	/* hypercall_vcpu_run(): another caller is running it */
	if (v->running)
		return GH_ERROR_BUSY;
	if (sec->exited)
		return secondary_exited(out);
	/* Still blocked in its WFI: no yield, it expects a wakeup (idle.c) */
	if (v->parked) {
		out[0] = GH_VCPU_STATE_EXPECTS_WAKEUP;
		return GH_OK;
	}
	v->off_waiting = false;
	secondary_resample(emu, sec);
	/*
	 * A vCPU not started yet, or stopped by CPU_OFF: KVM_RUN would only
	 * wait for a CPU_ON; the hypervisor reports it powered off, not
	 * exited.
	 */
	if (!v->pending_exit && secondary_vcpu_off(v))
		return secondary_powered_off(emu, sec, v, out);
	if (v->mmio_read) {
		/* resume_data_0 is the value the vmmio_read asked for. */
		memcpy(v->run->mmio.data, &resume[0], sizeof(resume[0]));
		v->mmio_read = false;
	}
	slice_ns = secondary_slice_ns(vcpu);
	if (!slice_ns) {
		/* scheduler_yield_to(): a wakeup is pending, no yield */
		counter_add(&emu->counters, "secondary_vcpu_preemptions", 1);
		out[0] = GH_VCPU_STATE_READY;
		return GH_OK;
	}
	/*
	 * Arm before others can see us running: a wakeup from
	 * secondary_wake_callers() or secondary_kick() then always finds
	 * the kvm_run to stop.
	 */
	if (kick_arm(v->run, slice_ns)) {
		out[0] = GH_VCPU_STATE_FAULT;
		return GH_OK;
	}
	v->running = true;
	v->in_kvm_run = true;
	v->caller = pthread_self();
	idle_note_run(emu);
	pthread_mutex_unlock(&emu->lock);
	result = secondary_run_once(emu, sec, v, slice_ns, out, &type);
	pthread_mutex_lock(&emu->lock);
	kick_disarm(v->run);
	v->running = false;
	v->in_kvm_run = false;
	v->returns++;
	idle = v->idle_kick;
	v->idle_kick = false;
	pthread_cond_broadcast(&emu->secondary_idle);
	secondary_resample(emu, sec);
	/* The guest may have just started a sibling with CPU_ON */
	idle_check_off(emu, sec);
	switch (result) {
	case SECONDARY_EVENT:
		counter_add(&emu->counters, "secondary_vcpu_runs", 1);
		return GH_OK;
	case SECONDARY_EXIT:
		/*
		 * A guest's SYSTEM_OFF or SYSTEM_RESET on any vCPU ends the
		 * VM: every vCPU is powered off for good, and the RM hears
		 * of it once.  Others still running are sent back.
		 */
		counter_add(&emu->counters, "secondary_vcpu_runs", 1);
		if (!sec->exited) {
			counter_add(&emu->counters, "secondary_powered_off",
				    1);
			sec->exited = true;
			*exit_type = type;
			secondary_kill(emu, sec, v);
		}
		return secondary_exited(out);
	case SECONDARY_PREEMPTED:
		break;
	}
	if (sec->exited)
		return secondary_exited(out);
	/* It ran a CPU_OFF, or another vCPU a SYSTEM_OFF. */
	if (secondary_vcpu_off(v))
		return secondary_powered_off(emu, sec, v, out);
	/* Blocked in WFI: parked there, it expects a wakeup (idle.c). */
	if (idle && idle_park(emu, v)) {
		out[0] = GH_VCPU_STATE_EXPECTS_WAKEUP;
		return GH_OK;
	}
	/* Preempted: still runnable, as hypercall_vcpu_run() says. */
	counter_add(&emu->counters, "secondary_vcpu_preemptions", 1);
	out[0] = GH_VCPU_STATE_READY;
	return GH_OK;
}
