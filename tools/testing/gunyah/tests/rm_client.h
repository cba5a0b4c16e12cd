/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test harness around the RM engine: a fake primary VM memory map, the
 * emulator's hypercalls holding the objects the RM makes (as the program
 * wires them, gunyah_emu.c), and a client that frames requests and
 * collects replies and notifications the way a guest's RM driver would.
 */
#ifndef GUNYAH_EMU_TEST_RM_CLIENT_H
#define GUNYAH_EMU_TEST_RM_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gunyah_hvc.h"
#include "rm_engine.h"

#define TEST_RAM_BASE	0x40000000ull
#define TEST_RAM_SIZE	(64ull << 20)
#define TEST_PAGES	(TEST_RAM_SIZE / 4096)
#define NO_REPLY	0xdead0000u
#define MAX_NOTIFS	64

struct test_notif {
	uint16_t vmid;
	uint32_t id;
	size_t len;
	uint8_t data[256];
};

struct rm_test {
	struct rm_engine *rm;
	/* The hypervisor's side: no guest ops unless a test sets hyp.ops. */
	struct gh_hyp hyp;
	struct counters counters;
	uint8_t unmapped[TEST_PAGES];
	unsigned int sanitize_calls;
	uint64_t sanitized_bytes;
	bool fail_unmap_after;		/* make unmap fail ... */
	unsigned int unmaps_left;	/* ... after this many successes */
	uint16_t seq;
	unsigned int nr_notifs;
	struct test_notif notifs[MAX_NOTIFS];
	/* Fake primary RAM behind read_primary (TEST_RAM_SIZE bytes). */
	uint8_t *ram;
	/* What the RM asked of the embedding program for secondary VMs */
	unsigned int vm_starts;
	unsigned int vm_stops;
	unsigned int vm_destroys;
	int vm_start_error;
	struct rm_vm_boot last_boot;
	struct rm_guest_region last_regions[8];
	uint32_t last_capids[RM_MAX_VCPUS];
	uint32_t last_virqs[RM_MAX_VCPUS];
	uint8_t reply[16384];
	size_t reply_len;
	unsigned int reply_packets;
};

void rm_test_init(struct rm_test *t);
void rm_test_fini(struct rm_test *t);
/*
 * Send request @msg_id from @vmid, fragmented as needed, and collect the
 * reply.  Returns the RM error in the reply, or NO_REPLY; the payload after
 * the error code is in t->reply / t->reply_len.
 */
uint32_t rm_call(struct rm_test *t, uint16_t vmid, uint32_t msg_id,
		 const void *payload, size_t len);
/* Drain packets for @vmid into t->notifs; returns how many arrived. */
unsigned int rm_collect(struct rm_test *t, uint16_t vmid);
unsigned int unmapped_pages(const struct rm_test *t);

struct mem_acl {
	uint16_t vmid;
	uint8_t rights;
};

struct mem_sgl {
	uint64_t ipa;
	uint64_t size;
};

/* Build a LEND/SHARE/DONATE request; returns its length. */
size_t build_mem_req(uint8_t *buf, uint8_t mem_type, uint8_t flags,
		     uint32_t label, const struct mem_acl *acl,
		     unsigned int nr_acl, const struct mem_sgl *sgl,
		     unsigned int nr_sgl, unsigned int nr_attr,
		     const uint16_t *attrs);
/* Lend/share/donate pages [first, first + count) of RAM to @vmid. */
uint32_t simple_parcel(struct rm_test *t, uint32_t msg_id, uint16_t vmid,
		       uint64_t first_page, uint64_t count, uint32_t *handle);
uint32_t handle_op(struct rm_test *t, uint16_t vmid, uint32_t msg_id,
		   uint32_t handle, uint8_t flags);
uint32_t vm_op(struct rm_test *t, uint16_t client, uint32_t msg_id,
	       uint16_t vmid);

/* What rm_test_build_config() writes; zero is a config the RM accepts. */
struct rm_test_config {
	const char *root;	/* NULL: "gunyah-vm-config" */
	uint64_t base;
	unsigned int cells;	/* config node #address-cells; 0: none */
	bool no_memory;
	bool config_last;	/* the config node after the others */
	unsigned int nr_cpus;	/* 0: 1 */
	bool no_cpus;
	bool no_enable_method;	/* on the cpus after the first */
	const char *cpu_status[RM_MAX_VCPUS];	/* NULL: no status */
	bool no_gic;
	bool gic_no_reg;
	bool no_interrupt_parent;
	bool no_chosen;
	bool no_psci;
	unsigned int nr_shm;
	struct {
		uint32_t label;
		uint64_t base;	/* 0: allocate-base */
	} shm[2];
	/* doorbell vdevices, under vdevices or, with this, under / */
	bool doorbells_in_root;
	unsigned int nr_doorbells;
	struct rm_test_doorbell {
		uint32_t label;		/* as qcom,label; 0: none */
		const char *peer;	/* NULL: peer-default */
		bool no_peer;		/* neither peer nor peer-default */
		bool source_can_clear;
		unsigned int nr_irq_cells;	/* 0: no interrupts */
		uint32_t irq[6];
	} db[RM_MAX_DOORBELLS + 1];
};

size_t rm_test_build_config(void *buf, size_t size,
			    const struct rm_test_config *c);
size_t rm_test_build_config_dt(void *buf, size_t size, const char *root,
			       uint64_t base, unsigned int cells, bool memory);

#endif /* GUNYAH_EMU_TEST_RM_CLIENT_H */
