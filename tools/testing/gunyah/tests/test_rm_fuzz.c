// SPDX-License-Identifier: GPL-2.0
/*
 * Random input for the RM engine and the hypercall layer: packets with
 * valid and broken headers, every message ID the RM knows, random and
 * truncated payloads, from the primary and from a secondary.  The engine
 * must answer or drop each one without crashing or reading out of bounds
 * (run with `make SANITIZE=1` to have the sanitizers check that), and its
 * bookkeeping must stay consistent.
 */
#include <string.h>

#include "gunyah_hvc.h"
#include "rm_client.h"
#include "tap.h"

static const uint32_t msg_ids[] = {
	RM_VM_ALLOCATE, RM_VM_DEALLOCATE, RM_VM_START, RM_VM_STOP,
	RM_VM_RESET, RM_VM_CONFIG_IMAGE, RM_VM_INIT, RM_VM_GET_HYP_RESOURCES,
	RM_VM_GET_VMID, RM_MEM_DONATE, RM_MEM_ACCEPT, RM_MEM_LEND,
	RM_MEM_SHARE, RM_MEM_RELEASE, RM_MEM_RECLAIM, RM_MEM_NOTIFY,
	RM_MEM_APPEND, 0x12345678,
};

static uint64_t rng = 0x1234567887654321ull;

static uint32_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static uint16_t random_vmid(void)
{
	return next() % 8 ? 0x80 + next() % 3 : VMID_HLOS;
}

/* A well-formed request for @msg_id with random but plausible fields. */
static size_t valid_request(uint32_t msg_id, uint8_t *p)
{
	struct mem_acl acl[2] = { { random_vmid(), RM_RIGHTS_RWX },
				  { VMID_HLOS, RM_RIGHTS_RWX } };
	struct mem_sgl sgl[3];
	unsigned int i, nr_sgl = 1 + next() % 3;

	memset(p, 0, 64);
	for (i = 0; i < nr_sgl; i++) {
		sgl[i].ipa = TEST_RAM_BASE + (next() % 256) * 4096ull;
		sgl[i].size = 4096ull * (1 + next() % 4);
	}
	switch (msg_id) {
	case RM_VM_GET_VMID:
		return 0;
	case RM_VM_ALLOCATE:
		return 4;
	case RM_VM_STOP:
		put_le16(p, random_vmid());
		p[2] = next() % 2;
		return 8;
	case RM_VM_CONFIG_IMAGE:
		put_le16(p, random_vmid());
		put_le32(p + 4, next() % 8);
		put_le64(p + 16, 4096);
		put_le64(p + 32, 4096);
		return 48;
	case RM_MEM_LEND:
	case RM_MEM_SHARE:
	case RM_MEM_DONATE:
		return build_mem_req(p, 0, next() % 4, next(), acl,
				     msg_id == RM_MEM_SHARE ? 2 : 1, sgl,
				     nr_sgl, 0, NULL);
	case RM_MEM_ACCEPT:
		put_le32(p, next() % 8);
		p[5] = next() % 3;
		return 24;
	case RM_MEM_RELEASE:
	case RM_MEM_RECLAIM:
		put_le32(p, next() % 8);
		p[4] = next() % 2;
		return 8;
	case RM_MEM_NOTIFY:
		put_le32(p, next() % 8);
		p[4] = 1u << (next() % 4);
		put_le16(p + 12, 1);
		/* Mostly the primary: notifying an allocated VM is fatal. */
		put_le16(p + 16, next() % 4 ? VMID_HLOS : random_vmid());
		return 20;
	case RM_MEM_APPEND:
		put_le32(p, next() % 8);
		p[4] = next() % 2;
		put_le16(p + 8, 1);
		put_le64(p + 12, sgl[0].ipa);
		put_le64(p + 20, sgl[0].size);
		return 28;
	default:
		put_le16(p, random_vmid());
		return 4;
	}
}

/* Mostly valid requests; some with random bytes changed or cut short. */
static size_t random_payload(uint32_t msg_id, uint8_t *p, size_t cap)
{
	size_t len = valid_request(msg_id, p), i;

	switch (next() % 8) {
	case 0:
		len = next() % cap;
		for (i = 0; i < len; i++)
			p[i] = (uint8_t)next();
		break;
	case 1:
		if (len)
			len = next() % len;
		break;
	case 2:
		for (i = 0; len && i < 3; i++)
			p[next() % len] = (uint8_t)next();
		break;
	}
	return len;
}

int main(void)
{
	static uint8_t payload[1200];
	uint8_t pkt[RM_MSG_SIZE + 16];
	unsigned int i, replies_ok = 1, succeeded = 0, refused = 0, fatal = 0;
	struct rm_test t;

	rm_test_init(&t);
	vm_op(&t, VMID_HLOS, RM_VM_ALLOCATE, 0);
	vm_op(&t, VMID_HLOS, RM_VM_ALLOCATE, 0);
	for (i = 0; i < 200000; i++) {
		/*
		 * Where the real RM would exit(1) the engine stops answering:
		 * start again with a new one.
		 */
		if (counter_get(&t.counters, "rm_fatal")) {
			fatal++;
			rm_test_fini(&t);
			rm_test_init(&t);
			vm_op(&t, VMID_HLOS, RM_VM_ALLOCATE, 0);
			vm_op(&t, VMID_HLOS, RM_VM_ALLOCATE, 0);
		}
		uint16_t from = next() % 4 ? VMID_HLOS : 0x80;
		unsigned int kind = next() % 8;
		uint32_t msg_id = msg_ids[next() % ARRAY_SIZE(msg_ids)];
		bool exists;
		uint32_t err;
		size_t len;

		if (kind == 0) {
			/* a raw packet: any header, any length */
			len = next() % (RM_MSG_SIZE + 10);
			for (size_t j = 0; j < len; j++)
				pkt[j] = (uint8_t)next();
			if (len >= 8 && next() % 2)
				pkt[0] = 0x21;
			rm_engine_receive(t.rm, from, pkt, len);
			rm_collect(&t, from);
			t.nr_notifs = 0;
			continue;
		}
		len = random_payload(msg_id, payload, sizeof(payload));
		/* A VM the RM does not know gets no answer at all. */
		exists = rm_engine_vm_state(t.rm, from) >= 0;
		err = rm_call(&t, from, msg_id, payload, len);
		if (err == NO_REPLY && exists &&
		    !counter_get(&t.counters, "rm_fatal"))
			replies_ok = 0;
		if (err == RM_OK)
			succeeded++;
		else if (err != NO_REPLY)
			refused++;
		/* Nobody reads for the secondaries: drain their queues. */
		rm_collect(&t, 0x80);
		rm_collect(&t, 0x81);
		t.nr_notifs = 0;
	}
	tap_ok(succeeded > 1000 && refused > 1000,
	       "random requests reach the handlers: %u served, %u refused",
	       succeeded, refused);
	tap_ok(replies_ok, "every well-framed request got a reply");
	tap_ok(fatal < 2000, "few requests were fatal: %u", fatal);
	tap_eq(counter_get(&t.counters, "primary_pages_unmapped"),
	       unmapped_pages(&t),
	       "the unmapped-page counter matches the stage-2 view");

	/* Whatever state the VMs are in, stopping and resetting them frees
	 * every parcel for RECLAIM, and then all memory is the primary's.
	 */
	for (i = 0x80; i < 0x83; i++) {
		uint8_t stop[8] = { (uint8_t)i, 0, RM_VM_STOP_FLAG_FORCE };

		rm_call(&t, VMID_HLOS, RM_VM_STOP, stop, sizeof(stop));
		rm_engine_run_deferred(t.rm);
		vm_op(&t, VMID_HLOS, RM_VM_RESET, (uint16_t)i);
	}
	rm_engine_run_deferred(t.rm);
	for (i = 0; i < 400000 && rm_engine_nr_parcels(t.rm); i++)
		handle_op(&t, VMID_HLOS, RM_MEM_RECLAIM, i, 0);
	tap_eq(rm_engine_nr_parcels(t.rm), 0, "every parcel can be reclaimed");
	tap_eq(unmapped_pages(&t), 0, "and all memory is back");
	tap_eq(counter_get(&t.counters, "primary_pages_unmapped"), 0,
	       "as the counter says");
	rm_test_fini(&t);
	return tap_done();
}
