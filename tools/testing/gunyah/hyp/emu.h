/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The emulated hypervisor of one gunyah-emu run: the KVM VM that plays the
 * Gunyah primary VM, its memory and devices, the sibling KVM VMs that play
 * the secondary VMs, and the hypercalls.  The RM is not in here: it calls
 * in through struct rm_hyp_ops (rm_hyp.h), and the hypercalls reach it
 * through struct gh_rm_link.
 */
#ifndef GUNYAH_EMU_EMU_H
#define GUNYAH_EMU_EMU_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdnoreturn.h>

#include <linux/kvm.h>

#include "counters.h"
#include "guest_dt.h"
#include "kernel_compat.h"
#include "gunyah_hvc.h"
#include "pl011.h"
#include "rm_hyp.h"

struct emu;
struct secondary;

struct vcpu {
	struct emu *emu;
	unsigned int index;
	int fd;
	struct kvm_run *run;
	pthread_t thread;
};

#define EMU_MAX_FAIL_RULES	16
/*
 * Sibling KVM VMs, one per started secondary VM. The real RM has no such
 * bound: every started VM holds at least its image parcel, and the owner
 * has RM_MAX_PARCELS_PER_VM (64) of them (memparcel.c), so it can never
 * start more VMs than that (gunyah_emu.c checks that the two agree).
 */
#define EMU_MAX_SECONDARIES	64u
#define EMU_MAX_SECONDARY_SLOTS	4096

/*
 * A vCPU of a secondary VM, run by vcpu_run on its capability.
 *
 * A vCPU that waits in WFI is "parked" (idle.c): suspended, it sits in
 * KVM_RUN on a thread of its own, which KVM blocks as in WFI; vcpu_run
 * says "expects wakeup" until KVM wakes it, which raises its wakeup vIRQ
 * in the primary VM.
 */
struct secondary_vcpu {
	struct secondary *sec;
	unsigned int index;
	int fd;
	struct kvm_run *run;
	bool running;		/* a primary vCPU thread is in vcpu_run on it */
	pthread_t caller;	/* that thread, while running */
	bool in_kvm_run;	/* and in KVM_RUN */
	bool mmio_read;		/* a vmmio_read awaits its value */
	uint64_t returns;	/* KVM_RUNs that came back */
	uint32_t wakeup_virq;	/* INTID of its wakeup vIRQ in the primary */
	/*
	 * KVM's statistics: "exits" counts the times it entered the guest,
	 * "blocking" is 1 while KVM blocks it in WFI.
	 */
	int stats_fd;
	uint64_t exits_off;
	uint64_t blocking_off;
	/* The watcher saw it blocked with @idle_exits exits, and kicked it */
	bool idle_kick;
	uint64_t idle_exits;
	/* Parked: "expects wakeup"; the park thread runs it while @park_run */
	bool parked;
	bool park_request;
	bool park_run;
	bool park_quit;
	bool park_thread_made;
	pthread_t park_thread;
	/* The park thread's KVM_RUN ended with an exit to report first */
	bool pending_exit;
	/* vcpu_run said powered off: a CPU_ON raises its wakeup vIRQ */
	bool off_waiting;
};

/*
 * A doorbell's vIRQ in a secondary VM: an irqfd on its SPI, only for the
 * resampler, which lowers the line and signals @resample_fd when the guest
 * EOIs the level-triggered interrupt.  The line is raised with
 * KVM_IRQ_LINE.
 */
struct secondary_doorbell {
	uint32_t virq;		/* GIC INTID */
	int trigger_fd;		/* the irqfd's eventfd, never written */
	int resample_fd;
	bool raised;		/* line raised since the last resample */
};

/* A secondary VM: a sibling KVM VM, its vCPUs run by vcpu_run. */
struct secondary {
	struct emu *emu;
	bool used;
	uint16_t vmid;
	int vm_fd;
	int gic_fd;		/* its vGICv3 */
	size_t run_size;
	unsigned int nr_vcpus;
	struct secondary_vcpu vcpus[RM_MAX_VCPUS];
	bool exited;		/* powered off for good, or stopped */
	void *info_page;	/* the zero page behind the RM's info area */
	unsigned int nr_doorbells;
	struct secondary_doorbell doorbells[RM_MAX_DOORBELLS];
};

struct emu_fail_rule {
	uint32_t msg_id;
	uint32_t nth;
	uint32_t error;
};

struct emu_options {
	uint64_t mem_size;
	unsigned int nr_cpus;
	const char *image;
	const char *initrd;
	const char *cmdline;
	unsigned int timeout;
	const char *counters_file;
	bool trace;
	double fail_rate;
	uint64_t fail_seed;
	uint32_t fail_error;
	unsigned int nr_fail_rules;
	struct emu_fail_rule fail_rules[EMU_MAX_FAIL_RULES];
};

struct emu {
	struct emu_options opts;
	int kvm_fd;
	int vm_fd;
	int gic_fd;
	/* Guest RAM: a memfd, mapped as the primary's view and an alias. */
	int ram_fd;
	uint8_t *ram;
	uint8_t *ram_alias;
	uint64_t ram_base;
	uint64_t ram_size;
	/* One byte per 4 KiB page: nonzero if removed from the primary. */
	uint8_t *unmapped;
	uint64_t nr_unmapped;
	struct vcpu vcpus[GUEST_MAX_CPUS];
	/* Serialises devices, hypercalls, the RM and the memory map. */
	pthread_mutex_t lock;
	struct counters counters;
	struct pl011 uart;
	struct gh_hyp hyp;
	struct secondary secondaries[EMU_MAX_SECONDARIES];
	/* Signalled when a secondary vCPU stops running. */
	pthread_cond_t secondary_idle;
	/* Park threads wait here for work (idle.c) */
	pthread_cond_t park_cond;
	/* The idle watcher waits here while no secondary vCPU runs */
	pthread_cond_t watch_cond;
};

/* guest_mem.c */
int guest_mem_init(struct emu *emu, uint64_t base, uint64_t size);
void *guest_mem_ptr(struct emu *emu, uint64_t ipa, uint64_t len);
int guest_mem_unmap(void *ctx, uint64_t ipa, uint64_t size);
int guest_mem_map(void *ctx, uint64_t ipa, uint64_t size);
void guest_mem_sanitize(void *ctx, uint64_t ipa, uint64_t size);
int guest_mem_read_any(void *ctx, uint64_t ipa, void *buf, size_t len);
void *guest_mem_alias(struct emu *emu, uint64_t ipa, uint64_t len);
uint64_t guest_copy_from_va(void *ctx, void *vcpu, void *dst, uint64_t va,
			    size_t len);
uint64_t guest_copy_to_va(void *ctx, void *vcpu, uint64_t va,
			  const void *src, size_t len);

/* vcpu.c */
int vcpu_create(struct emu *emu, unsigned int index);
int vcpu_get_reg(struct vcpu *vcpu, uint64_t id, uint64_t *value);
int vcpu_set_reg(struct vcpu *vcpu, uint64_t id, uint64_t value);
void *vcpu_thread(void *arg);
void emu_set_spi(struct emu *emu, unsigned int spi, bool level);

/* secondary.c */
#define SECONDARY_KICK_SIGNAL	SIGUSR2
void kick_attach(struct kvm_run *run);
uint64_t secondary_vcpu_stat(struct secondary_vcpu *v, uint64_t off);
bool secondary_vcpu_off(struct secondary_vcpu *v);
int secondary_start(void *ctx, const struct rm_vm_boot *boot);
void secondary_stop(void *ctx, uint16_t vmid);
void secondary_destroy(void *ctx, uint16_t vmid);
void secondary_wake_callers(struct emu *emu);
unsigned int secondary_count(struct emu *emu);
void secondary_doorbell_virq(void *ctx, uint16_t vmid, uint32_t virq,
			     enum gh_virq_action action);
uint64_t secondary_vcpu_run(void *ctx, void *vcpu, uint16_t vmid,
			    unsigned int index, const uint64_t resume[3],
			    uint64_t out[4], uint32_t *exit_type);

/* idle.c */
int idle_watch_start(struct emu *emu);
void idle_note_run(struct emu *emu);
bool idle_park(struct emu *emu, struct secondary_vcpu *v);
void idle_unpark(struct secondary *sec, bool quit);
bool idle_parking(const struct secondary *sec);
void idle_wake(struct emu *emu, struct secondary_vcpu *v);
void idle_check_off(struct emu *emu, struct secondary *sec);

/* boot.c */
int boot_load(struct emu *emu, uint64_t *entry, uint64_t *dtb);

/* gunyah_emu.c */
noreturn void emu_finish(struct emu *emu, int code, const char *why);

#define ARM64_CORE_REG(x) (KVM_REG_ARM64 | KVM_REG_SIZE_U64 | \
			   KVM_REG_ARM_CORE | \
			   (offsetof(struct kvm_regs, x) / sizeof(__u32)))

#endif /* GUNYAH_EMU_EMU_H */
