/* SPDX-License-Identifier: GPL-2.0 */
/*
 * State shared by the Resource Manager engine's source files.
 */
#ifndef GUNYAH_EMU_RM_INTERNAL_H
#define GUNYAH_EMU_RM_INTERNAL_H

#include "rm_engine.h"

#define RM_MAX_VMID		256u
#define RM_MAX_FAIL_RULES	32u
#define RM_MAX_LOSE_RULES	32u
#define RM_MAX_LOSE_MSG_IDS	32u
/* Bound on queued outbound packets, so a guest that never reads cannot
 * make the emulator grow without limit.
 */
#define RM_MAX_OUTBOX		4096u
/* Largest config DT INIT reads (the emulator's own bound). */
#define RM_MAX_CONFIG_DT	(64u * 1024u)
/* 36-bit IPA space of a secondary VM on the QEMU platform */
#define RM_SECONDARY_IPA_LIMIT	BIT_ULL(36)
/* SGL entries this large count as sgl_entries_large (rm_parcel.c) */
#define RM_SIZE_2M		BIT_ULL(21)
/* First vCPU capability ID handed out; the RM queues use 0x10 and 0x11. */
#define RM_FIRST_VCPU_CAPID	0x100u
/* Wakeup vIRQs of vCPUs: SPIs 8..63 of the primary VM (INTIDs 40..95). */
#define RM_FIRST_VCPU_VIRQ	40u
#define RM_LAST_VCPU_VIRQ	95u
/* A handler's result meaning "the reply has been sent already". */
#define RM_REPLIED		0xfffffffeu

struct rm_packet {
	struct rm_packet *next;
	uint16_t vmid;
	uint16_t len;
	uint8_t data[RM_MSG_SIZE];
};

/* Reassembly of a fragmented message (src/rpc/rm-rpc.c do_recv()). */
struct rm_rx_state {
	bool partial;
	uint32_t msg_id;
	uint16_t seq;
	uint8_t type;
	uint8_t fragments;
	uint8_t remaining;
	uint8_t *buf;
	size_t len;
	size_t alloc;
};

/* A VM config DT, as the RM reads it at INIT (rm_config.c). */
#define RM_MAX_SHM	8u
/*
 * Interrupt numbers (GIC INTIDs) of a VM's vIRQs: global ones only
 * (arch/gicv3/src/irq_gic.c arch_irq_global_valid()), those the RM
 * allocates from 960 up (irq_manager.c irq_manager_vm_init()).
 */
#define RM_VIRQ_GLOBAL_FIRST	32u
#define RM_VIRQ_GLOBAL_LAST	1019u
#define RM_VIRQ_ALLOC_BASE	960u

/* An shm vdevice: parcels labelled @label go to @base at START. */
struct rm_vm_dt_shm {
	uint32_t label;
	uint64_t base;
	bool allocate;		/* allocate-base: the RM does not place it */
};

/*
 * A doorbell vdevice (vdevice-type "doorbell", parse_doorbell()): the VM
 * receives; its peer, the VM's owner with peer-default, sends.
 */
struct rm_vm_dt_doorbell {
	uint32_t label;
	bool peer_default;	/* else a peer named by "peer" */
	bool source_can_clear;
	/* "interrupts" as read_interrupts_config() reads one; else none */
	bool has_irq;
	uint32_t irq;		/* GIC INTID */
	bool irq_edge;		/* flags cell 1; 4 is level */
};

struct rm_vm_dt_config {
	bool has_config;	/* /gunyah-vm-config or /qcom,vm-config */
	uint64_t mem_base;	/* PLATFORM_SVM_IPA_BASE when not given */
	bool mem_base_rounded;	/* aligned up to 2 MiB, with a warning */
	unsigned int nr_vcpus;
	uint32_t boot_vcpus;	/* bit i: vCPU i is enabled at boot */
	bool proxy;
	bool has_psci;
	bool has_chosen;
	/* a vdevice-type "rm-rpc" node: INIT gives the VM an RM RPC queue */
	bool has_rm_rpc;
	/* The root's interrupt-parent names a usable GICv3 node */
	bool has_gic;
	bool gic_has_reg;
	uint64_t gicd_base;
	uint64_t gicr_base;
	unsigned int nr_shm;
	struct rm_vm_dt_shm shm[RM_MAX_SHM];
	unsigned int nr_doorbells;
	struct rm_vm_dt_doorbell doorbells[RM_MAX_DOORBELLS];
};

struct rm_vm {
	bool exists;
	uint16_t vmid;
	uint16_t owner;
	uint8_t state;
	/* The real RM builds a vm_config at INIT; GET_HYP_RESOURCES needs it. */
	bool has_config;
	/* CONFIG_IMAGE */
	uint32_t image_handle;
	uint64_t image_offset;
	uint64_t image_size;
	uint64_t dt_offset;
	uint64_t dt_size;
	/* INIT: read from the config DT (rm_config.c) */
	bool has_vcpu;
	uint64_t mem_base;
	struct rm_vm_dt_config cfg;
	unsigned int nr_vcpus;
	uint32_t vcpu_capids[RM_MAX_VCPUS];
	uint32_t vcpu_virqs[RM_MAX_VCPUS];
	/* INIT: one per doorbell vdevice, in config order */
	unsigned int nr_doorbells;
	struct rm_doorbell doorbells[RM_MAX_DOORBELLS];
	/* INIT: what the RM placed in the VM's IPA space itself */
	uint64_t info_ipa;
	uint64_t gicd_base;
	uint64_t gicr_base;
	/* START created the VM through ops.vm_start */
	bool created;
	unsigned int nr_parcels;	/* parcels this VM owns */
	struct rm_rx_state rx;
};

struct rm_acl_entry {
	uint16_t vmid;
	uint8_t rights;
	uint8_t attr;
	bool shared;	/* this VM has accepted the parcel */
};

struct rm_attr_entry {
	uint16_t attr;
	uint16_t vmid;
};

enum rm_parcel_state {
	RM_PARCEL_INIT,		/* still being appended to */
	RM_PARCEL_SHARING,	/* complete, no VM has accepted it */
	RM_PARCEL_SHARED,	/* accepted by at least one VM */
};

struct rm_parcel {
	struct rm_parcel *next;
	uint32_t handle;
	uint16_t owner;
	uint8_t mem_type;
	uint8_t trans_type;
	enum rm_parcel_state state;
	bool sanitize_create;
	bool sanitize_reclaim;
	bool tag_set;
	uint32_t label;
	uint32_t mem_info_tag;
	unsigned int share_count;
	unsigned int nr_acl;
	struct rm_acl_entry *acl;
	unsigned int nr_attr;
	struct rm_attr_entry *attrs;
	unsigned int nr_regions;
	unsigned int cap_regions;
	struct rm_region *regions;
	uint64_t total_size;
};

struct rm_fail_rule {
	uint32_t msg_id;
	uint32_t nth;
	uint32_t error;
	uint32_t seen;
};

struct rm_lose_rule {
	uint32_t msg_id;
	uint32_t nth;
	uint32_t seen;
};

/* The request being served whose reply must be dropped, if any. */
struct rm_lost_reply {
	bool active;
	uint16_t vmid;
	uint16_t seq;
	uint32_t msg_id;
};

/* Work the real RM does later, from its event loop (src/event.c). */
enum rm_deferred_kind {
	RM_DEFERRED_VM_EXITED,		/* the hypervisor's VM-exit event */
	RM_DEFERRED_VM_RESET_DONE,	/* vm_reset_callback()'s last stage */
};

struct rm_deferred {
	struct rm_deferred *next;
	enum rm_deferred_kind kind;
	uint16_t vmid;
	uint16_t exit_type;
};

struct rm_engine {
	struct rm_engine_config config;
	struct rm_hyp_ops ops;
	struct counters *counters;
	struct rm_vm vms[RM_MAX_VMID];
	struct rm_parcel *parcels;
	uint32_t next_handle;
	uint32_t next_capid;
	uint32_t next_virq;
	uint16_t notif_seq;
	struct rm_packet *outbox_head;
	struct rm_packet *outbox_tail;
	unsigned int outbox_len;
	unsigned int nr_fail_rules;
	struct rm_fail_rule fail_rules[RM_MAX_FAIL_RULES];
	double fail_rate;
	uint32_t fail_rate_error;
	uint64_t rng_state;
	unsigned int nr_lose_rules;
	struct rm_lose_rule lose_rules[RM_MAX_LOSE_RULES];
	double lose_rate;
	uint64_t lose_rng_state;
	unsigned int nr_lose_msg_ids;
	uint32_t lose_msg_ids[RM_MAX_LOSE_MSG_IDS];
	struct rm_lost_reply lost_reply;
	struct rm_deferred *deferred_head;
	struct rm_deferred *deferred_tail;
	/* The real RM would have called exit(1): nothing is answered. */
	bool dead;
};

/* A bounds-checked cursor over a request payload. */
struct rm_reader {
	const uint8_t *buf;
	size_t len;
	size_t pos;
};

/* rm_rpc.c */
void rm_send(struct rm_engine *e, uint16_t vmid, unsigned int type,
	     uint32_t msg_id, uint16_t seq, const uint8_t *payload,
	     size_t len);
void rm_reply(struct rm_engine *e, uint16_t vmid, uint32_t msg_id,
	      uint16_t seq, uint32_t err, const void *data, size_t len);
void rm_notify(struct rm_engine *e, uint16_t vmid, uint32_t notif_id,
	       const void *data, size_t len);
uint32_t rm_read_list(struct rm_reader *r, size_t entry_size,
		      uint16_t *entries, const uint8_t **list);

/* rm_engine.c */
void rm_dispatch(struct rm_engine *e, uint16_t vmid, uint32_t msg_id,
		 uint16_t seq, const uint8_t *buf, size_t len);
void rm_count(struct rm_engine *e, const char *name, int64_t delta);
void rm_fatal(struct rm_engine *e, const char *reason);
struct rm_vm *rm_vm_lookup(struct rm_engine *e, uint32_t vmid);
void rm_defer(struct rm_engine *e, enum rm_deferred_kind kind,
	      uint16_t vmid, uint16_t exit_type);

/* rm_vm.c */
bool rm_vm_handle(struct rm_engine *e, uint16_t vmid, uint32_t msg_id,
		  uint16_t seq, const uint8_t *buf, size_t len);
void rm_vm_init(struct rm_engine *e);
void rm_vm_run_deferred(struct rm_engine *e, const struct rm_deferred *d);
int rm_vm_accept_shm(struct rm_engine *e, struct rm_vm *vm,
		     struct rm_parcel *p);

/* rm_config.c */
uint32_t rm_vm_config_parse(const void *dt, size_t len,
			    struct rm_vm_dt_config *cfg);

/* rm_parcel.c */
int rm_parcel_read(struct rm_engine *e, const struct rm_parcel *p,
		   uint64_t offset, void *buf, size_t len);
bool rm_parcel_handle(struct rm_engine *e, uint16_t vmid, uint32_t msg_id,
		      uint16_t seq, const uint8_t *buf, size_t len);
struct rm_parcel *rm_parcel_lookup(struct rm_engine *e, uint32_t handle);
struct rm_acl_entry *rm_parcel_acl(struct rm_parcel *p, uint16_t vmid);
void rm_parcel_vm_accept(struct rm_parcel *p, uint16_t vmid);
void rm_parcel_vm_unaccept(struct rm_parcel *p, uint16_t vmid);
void rm_parcel_vm_reset(struct rm_engine *e, uint16_t vmid);
void rm_parcel_free_all(struct rm_engine *e);

#endif /* GUNYAH_EMU_RM_INTERNAL_H */
