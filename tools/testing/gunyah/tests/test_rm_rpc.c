// SPDX-License-Identifier: GPL-2.0
/*
 * RM RPC framing: headers, fragments, bad packets, fault injection.
 */
#include <string.h>

#include "rm_client.h"
#include "tap.h"

static void send_raw(struct rm_test *t, const uint8_t *pkt, size_t len)
{
	rm_engine_receive(t->rm, VMID_HLOS, pkt, len);
}

static void test_get_vmid(void)
{
	struct rm_test t;

	rm_test_init(&t);
	tap_eq(rm_call(&t, VMID_HLOS, RM_VM_GET_VMID, NULL, 0), RM_OK,
	       "GET_VMID succeeds");
	tap_eq(t.reply_len == 4 ? get_le32(t.reply) : 0, VMID_HLOS,
	       "GET_VMID answers the primary VM's VMID 3");
	tap_eq(rm_call(&t, VMID_HLOS, RM_VM_GET_VMID, "x", 1),
	       RM_ERROR_MSG_INVALID, "GET_VMID with a payload is MSG_INVALID");
	tap_eq(rm_call(&t, VMID_HLOS, 0x5600ffff, NULL, 0),
	       RM_ERROR_UNIMPLEMENTED, "unknown message ID is UNIMPLEMENTED");
	tap_eq(counter_get(&t.counters, "rm_call_56000024"), 2,
	       "RM calls are counted by message ID");
	tap_eq(counter_get(&t.counters, "rm_error_4"), 1,
	       "error replies are counted by error code");
	tap_eq(counter_get(&t.counters, "rm_error_ffffffff"), 1,
	       "UNIMPLEMENTED is counted too");
	rm_test_fini(&t);
}

static void test_bad_packets(void)
{
	uint8_t pkt[RM_MSG_SIZE + 8];
	struct rm_test t;

	rm_test_init(&t);
	rm_put_header(pkt, RM_TYPE_REQUEST, 0, 1, RM_VM_GET_VMID);
	send_raw(&t, pkt, 7);
	tap_eq(rm_engine_pending_packets(t.rm, VMID_HLOS), 0,
	       "a packet shorter than the header gets no reply");

	pkt[0] = (2 << 4) | 2;	/* API version 2 */
	send_raw(&t, pkt, 8);
	tap_eq(rm_engine_pending_packets(t.rm, VMID_HLOS), 0,
	       "a wrong API version is dropped");

	pkt[0] = (3 << 4) | 1;	/* 3 header words */
	send_raw(&t, pkt, 8);
	tap_eq(rm_engine_pending_packets(t.rm, VMID_HLOS), 0,
	       "a wrong header size is dropped");

	rm_put_header(pkt, RM_TYPE_REQUEST, 63, 1, RM_VM_GET_VMID);
	send_raw(&t, pkt, 8);
	tap_eq(rm_engine_pending_packets(t.rm, VMID_HLOS), 0,
	       "more than 62 fragments is dropped");

	rm_put_header(pkt, RM_TYPE_CONTINUED, 1, 1, RM_VM_GET_VMID);
	send_raw(&t, pkt, 8);
	tap_eq(rm_engine_pending_packets(t.rm, VMID_HLOS), 0,
	       "a continuation without a start is dropped");

	rm_put_header(pkt, RM_TYPE_REQUEST, 0, 1, RM_VM_GET_VMID);
	send_raw(&t, pkt, RM_MSG_SIZE + 1);
	tap_eq(rm_engine_pending_packets(t.rm, VMID_HLOS), 0,
	       "a packet longer than 240 bytes is dropped");

	rm_put_header(pkt, RM_TYPE_REPLY, 0, 1, RM_VM_GET_VMID);
	send_raw(&t, pkt, 8);
	tap_eq(rm_engine_pending_packets(t.rm, VMID_HLOS), 0,
	       "a reply sent to the RM is ignored");

	tap_eq(counter_get(&t.counters, "rm_packets_dropped"), 6,
	       "dropped packets are counted");
	rm_engine_receive(t.rm, 0x42, pkt, 8);
	tap_eq(rm_engine_pending_packets(t.rm, 0x42), 0,
	       "packets from a VMID that does not exist are dropped");
	tap_eq(rm_call(&t, VMID_HLOS, RM_VM_GET_VMID, NULL, 0), RM_OK,
	       "the RM still answers after bad packets");
	rm_test_fini(&t);
}

/* A LEND with 40 SGL entries is 8 + 4*2 + 4 + 640 + 4 = 664 bytes. */
static size_t big_lend(uint8_t *buf, unsigned int entries)
{
	struct mem_acl acl = { 0x80, RM_RIGHTS_RWX };
	struct mem_sgl sgl[600];
	unsigned int i;

	for (i = 0; i < entries; i++) {
		sgl[i].ipa = TEST_RAM_BASE + i * 2 * 4096ull;
		sgl[i].size = 4096;
	}
	return build_mem_req(buf, RM_MEM_TYPE_NORMAL, 0, 0, &acl, 1, sgl,
			     entries, 0, NULL);
}

static void test_fragments(void)
{
	uint8_t buf[16384], pkt[RM_MSG_SIZE];
	struct rm_test t;
	size_t len, pos;
	uint16_t seq = 77;
	unsigned int frags, i;

	rm_test_init(&t);
	/* An ACL may name a dynamic VMID only while it is allocated. */
	vm_op(&t, VMID_HLOS, RM_VM_ALLOCATE, 0);
	len = big_lend(buf, 40);
	tap_eq(rm_call(&t, VMID_HLOS, RM_MEM_LEND, buf, len), RM_OK,
	       "a 3-fragment LEND is reassembled and served");
	tap_eq(unmapped_pages(&t), 40, "all 40 pages of it are lent");

	/* A continuation with the wrong sequence number is dropped. */
	len = big_lend(buf, 40);
	for (i = 0; i < 40; i++)
		put_le64(buf + 24 + i * 16, TEST_RAM_BASE + (1024 + i) * 4096ull);
	frags = (unsigned int)((len + 231) / 232) - 1;
	for (i = 0, pos = 0; i <= frags; i++, pos += 232) {
		size_t chunk = len - pos > 232 ? 232 : len - pos;

		rm_put_header(pkt, i ? RM_TYPE_CONTINUED : RM_TYPE_REQUEST,
			      frags, i == 1 ? seq + 1 : seq, RM_MEM_LEND);
		memcpy(pkt + 8, buf + pos, chunk);
		send_raw(&t, pkt, chunk + 8);
	}
	tap_eq(rm_engine_pending_packets(t.rm, VMID_HLOS), 0,
	       "a message with a mismatched continuation is not served");
	tap_eq(unmapped_pages(&t), 40, "and lends nothing");

	/* A new request abandons the unfinished one. */
	rm_put_header(pkt, RM_TYPE_REQUEST, 2, 9, RM_MEM_LEND);
	send_raw(&t, pkt, 240);
	tap_eq(rm_call(&t, VMID_HLOS, RM_VM_GET_VMID, NULL, 0), RM_OK,
	       "a new request after a partial one is served");
	tap_ok(counter_get(&t.counters, "rm_messages_abandoned") >= 1,
	       "the abandoned message is counted");
	rm_test_fini(&t);
}

static void test_long_reply(void)
{
	uint8_t buf[16384], accept[64] = { 0 };
	struct rm_test t;
	uint32_t handle;
	size_t len;

	rm_test_init(&t);
	tap_eq(vm_op(&t, VMID_HLOS, RM_VM_ALLOCATE, 0), RM_OK,
	       "allocate a VM to accept");
	len = big_lend(buf, 40);
	tap_eq(rm_call(&t, VMID_HLOS, RM_MEM_LEND, buf, len), RM_OK,
	       "lend 40 regions to it");
	handle = get_le32(t.reply);
	put_le32(accept, handle);
	accept[4] = RM_MEM_TYPE_NORMAL;
	accept[5] = RM_TRANS_LEND;
	/* empty ACL, SGL and attribute lists */
	tap_eq(rm_call(&t, 0x80, RM_MEM_ACCEPT, accept, 24), RM_OK,
	       "ACCEPT without an SGL succeeds");
	tap_eq(t.reply_packets, 3,
	       "its 4 + 4 + 640 byte reply comes in 3 packets");
	tap_eq(t.reply_len, 4 + 40 * 16, "and reassembles to the full SGL");
	tap_eq(get_le16(t.reply), 40, "listing all 40 regions");
	rm_test_fini(&t);
}

static void test_fault_injection(void)
{
	struct rm_test t, u;
	unsigned int i, fails_t = 0, same = 1;

	rm_test_init(&t);
	rm_engine_add_fail_rule(t.rm, RM_VM_GET_VMID, 2, RM_ERROR_BUSY);
	tap_eq(rm_call(&t, VMID_HLOS, RM_VM_GET_VMID, NULL, 0), RM_OK,
	       "--fail-rm ID:2 lets the first call through");
	tap_eq(rm_call(&t, VMID_HLOS, RM_VM_GET_VMID, NULL, 0), RM_ERROR_BUSY,
	       "fails the second with the chosen error");
	tap_eq(rm_call(&t, VMID_HLOS, RM_VM_GET_VMID, NULL, 0), RM_OK,
	       "and lets the third through");
	tap_eq(counter_get(&t.counters, "rm_injected_failures"), 1,
	       "injected failures are counted");
	rm_test_fini(&t);

	rm_test_init(&t);
	rm_engine_add_fail_rule(t.rm, RM_MEM_LEND, 0, RM_ERROR_NOMEM);
	tap_eq(simple_parcel(&t, RM_MEM_LEND, 0x80, 0, 1, NULL), RM_ERROR_NOMEM,
	       "a rule without N fails every call");
	tap_eq(unmapped_pages(&t), 0, "and a failed LEND lends nothing");
	rm_test_fini(&t);

	rm_test_init(&t);
	rm_test_init(&u);
	rm_engine_set_fail_rate(t.rm, 0.5, 1234, RM_ERROR_NOMEM);
	rm_engine_set_fail_rate(u.rm, 0.5, 1234, RM_ERROR_NOMEM);
	for (i = 0; i < 64; i++) {
		uint32_t a = rm_call(&t, VMID_HLOS, RM_VM_GET_VMID, NULL, 0);
		uint32_t b = rm_call(&u, VMID_HLOS, RM_VM_GET_VMID, NULL, 0);

		fails_t += a != RM_OK;
		same &= a == b;
	}
	tap_ok(same, "the same seed fails the same calls");
	tap_ok(fails_t > 10 && fails_t < 54,
	       "rate 0.5 fails about half the calls (%u of 64)", fails_t);
	rm_test_fini(&t);
	rm_test_fini(&u);

	rm_test_init(&t);
	rm_engine_set_fail_rate(t.rm, 1.0, 1, RM_ERROR_BUSY);
	tap_eq(rm_call(&t, VMID_HLOS, RM_VM_GET_VMID, NULL, 0), RM_ERROR_BUSY,
	       "rate 1 fails every call");
	rm_test_fini(&t);
}

/* "Applied, reply lost": the request takes effect, no reply arrives. */
static void test_lost_replies(void)
{
	unsigned int i, lost_t = 0, same = 1, other_lost = 0, differ = 0;
	const uint32_t eligible[] = { RM_VM_GET_VMID };
	struct rm_test t, u, v;

	rm_test_init(&t);
	vm_op(&t, VMID_HLOS, RM_VM_ALLOCATE, 0);
	rm_engine_add_lose_rule(t.rm, RM_MEM_LEND, 1);
	rm_engine_add_lose_rule(t.rm, RM_MEM_RECLAIM, 0);
	tap_eq(simple_parcel(&t, RM_MEM_LEND, 0x80, 0, 4, NULL), NO_REPLY,
	       "--lose-reply LEND:1: the LEND gets no reply");
	tap_eq(unmapped_pages(&t), 4, "but its pages left the primary");
	tap_eq(rm_engine_nr_parcels(t.rm), 1, "and the parcel exists");
	{
		struct mem_acl acl = { 0x80, RM_RIGHTS_RWX };
		struct mem_sgl sgl = { TEST_RAM_BASE, 4 * 4096 };
		uint8_t req[64];
		size_t len = build_mem_req(req, RM_MEM_TYPE_NORMAL, 0, 0, &acl,
					   1, &sgl, 1, 0, NULL);

		tap_eq(rm_call(&t, VMID_HLOS, RM_MEM_QCOM_LOOKUP_SGL, req,
			       len), RM_OK,
		       "LOOKUP_SGL finds the parcel of the lost reply");
		tap_eq(t.reply_len == 4 ? get_le32(t.reply) : ~0u, 0,
		       "with its handle");
	}
	tap_eq(counter_get(&t.counters, "rm_replies_lost"), 1,
	       "a lost reply is counted");
	tap_eq(simple_parcel(&t, RM_MEM_LEND, 0x80, 8, 1, NULL), RM_OK,
	       "the second LEND is answered");
	tap_eq(handle_op(&t, VMID_HLOS, RM_MEM_RECLAIM, 0, 0), NO_REPLY,
	       "--lose-reply RECLAIM: the RECLAIM gets no reply");
	tap_eq(unmapped_pages(&t), 1, "but the pages came back");
	tap_eq(rm_engine_nr_parcels(t.rm), 1, "and the parcel is gone");
	tap_eq(handle_op(&t, VMID_HLOS, RM_MEM_RECLAIM, 0, 0), NO_REPLY,
	       "a rule without N loses every reply");
	tap_eq(counter_get(&t.counters, "rm_error_7"), 1,
	       "even an error reply (HANDLE_INVALID)");
	rm_test_fini(&t);

	rm_test_init(&t);
	rm_test_init(&u);
	rm_test_init(&v);
	rm_engine_set_lose_rate(t.rm, 0.5, 99, eligible, 1);
	rm_engine_set_lose_rate(u.rm, 0.5, 99, eligible, 1);
	rm_engine_set_lose_rate(v.rm, 0.5, 100, eligible, 1);
	for (i = 0; i < 64; i++) {
		uint32_t a = rm_call(&t, VMID_HLOS, RM_VM_GET_VMID, NULL, 0);
		uint32_t b = rm_call(&u, VMID_HLOS, RM_VM_GET_VMID, NULL, 0);
		uint32_t c = rm_call(&v, VMID_HLOS, RM_VM_GET_VMID, NULL, 0);

		lost_t += a == NO_REPLY;
		same &= a == b;
		differ += a != c;
		other_lost += handle_op(&t, VMID_HLOS, RM_MEM_RECLAIM, 5, 0) ==
			      NO_REPLY;
	}
	tap_ok(same, "the same seed loses the same replies");
	tap_ok(differ > 0, "another seed loses others");
	tap_ok(lost_t > 10 && lost_t < 54,
	       "rate 0.5 loses about half the replies (%u of 64)", lost_t);
	tap_eq(other_lost, 0, "messages not listed never lose their reply");
	rm_test_fini(&t);
	rm_test_fini(&u);
	rm_test_fini(&v);

	rm_test_init(&t);
	rm_engine_set_lose_rate(t.rm, 1.0, 1, NULL, 0);
	tap_eq(rm_call(&t, VMID_HLOS, RM_VM_GET_VMID, NULL, 0), NO_REPLY,
	       "rate 1 with no list loses every reply");
	rm_test_fini(&t);
}

int main(void)
{
	test_get_vmid();
	test_bad_packets();
	test_fragments();
	test_long_reply();
	test_fault_injection();
	test_lost_replies();
	return tap_done();
}
