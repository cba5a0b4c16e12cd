// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for the Gunyah Resource Manager client against a fake
 * transport: the fake reassembles what the client sends, checks it, and
 * answers with well-formed or deliberately broken replies, or none at all.
 * The parcel object's state machine is tested here too, with replies lost
 * the way the emulator's "applied, reply lost" injection loses them.
 */

#include <kunit/device.h>
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/gunyah.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/set_memory.h>
#include <linux/slab.h>
#include <linux/unaligned.h>

#include <asm/gunyah.h>

#include "rsc_mgr.h"

#define FAKE_RM_MAX_OUT		128
#define FAKE_RM_MAX_REQS	16

struct fake_rm_request {
	struct gunyah_rm_msg_hdr hdr;
	u8 *payload;
	size_t size;
};

struct fake_rm;
typedef void (*fake_rm_responder)(struct fake_rm *fake,
				  const struct fake_rm_request *req);

struct fake_rm {
	struct gunyah_rm rm;
	struct kunit *test;

	/* What the client sent, reassembled; under rm.send_lock */
	struct gunyah_rm_reassembly req_rx;
	struct fake_rm_request reqs[FAKE_RM_MAX_REQS];
	unsigned int n_reqs;
	unsigned int send_attempts;

	/* Queue towards the client */
	spinlock_t out_lock;
	u8 (*out)[GUNYAH_RM_MSG_SIZE];
	size_t out_len[FAKE_RM_MAX_OUT];
	unsigned int out_head, out_tail;

	/* Behaviour */
	fake_rm_responder respond;
	unsigned int full_before_accept;
	bool ready_after_full;
	int send_error;
	u32 reply_error;
	const void *reply_data;
	size_t reply_len;
};

static struct fake_rm *to_fake(struct gunyah_rm *rm)
{
	return rm->transport_data;
}

static void fake_push_raw(struct fake_rm *fake, const void *buf, size_t len)
{
	struct kunit *test = fake->test;

	spin_lock(&fake->out_lock);
	KUNIT_ASSERT_LT(test, fake->out_tail - fake->out_head, FAKE_RM_MAX_OUT);
	KUNIT_ASSERT_LE(test, len, GUNYAH_RM_MSG_SIZE);
	memcpy(fake->out[fake->out_tail % FAKE_RM_MAX_OUT], buf, len);
	fake->out_len[fake->out_tail % FAKE_RM_MAX_OUT] = len;
	fake->out_tail++;
	spin_unlock(&fake->out_lock);
}

static void fake_push_msg(struct fake_rm *fake, enum gunyah_rm_msg_type type,
			  u16 seq, u32 msg_id, const void *payload, size_t len)
{
	u8 buf[GUNYAH_RM_MSG_SIZE];
	int fragments, i;
	ssize_t flen;

	fragments = gunyah_rm_fragments_for(len);
	KUNIT_ASSERT_GE(fake->test, fragments, 0);
	for (i = 0; i <= fragments; i++) {
		flen = gunyah_rm_build_fragment(type, seq, msg_id, payload, len,
						i, buf, sizeof(buf));
		KUNIT_ASSERT_GT(fake->test, flen, 0);
		fake_push_raw(fake, buf, flen);
	}
}

static void fake_push_reply(struct fake_rm *fake, u16 seq, u32 msg_id,
			    u32 rm_error, const void *data, size_t len)
{
	size_t size = GUNYAH_RM_REPLY_ERR_SIZE + len;
	u8 *payload = kunit_kmalloc(fake->test, size, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(fake->test, payload);
	KUNIT_ASSERT_EQ(fake->test,
			gunyah_rm_reply_build(rm_error, data, len, payload, size),
			size);
	fake_push_msg(fake, GUNYAH_RM_TYPE_REPLY, seq, msg_id, payload, size);
}

/* Default responder: the canned reply error and data */
static void fake_respond_canned(struct fake_rm *fake,
				const struct fake_rm_request *req)
{
	fake_push_reply(fake, req->hdr.seq, req->hdr.msg_id, fake->reply_error,
			fake->reply_data, fake->reply_len);
}

static int fake_send(struct gunyah_rm *rm, const void *buf, size_t size)
{
	struct fake_rm *fake = to_fake(rm);
	struct kunit *test = fake->test;
	struct fake_rm_request req;

	fake->send_attempts++;
	if (fake->send_error)
		return fake->send_error;
	if (fake->full_before_accept) {
		fake->full_before_accept--;
		if (fake->ready_after_full)
			gunyah_rm_tx_ready(rm);
		return -EAGAIN;
	}

	/* Everything the client sends must be a valid request fragment */
	KUNIT_EXPECT_EQ(test, gunyah_rm_reassembly_feed(&fake->req_rx, buf, size,
							GFP_KERNEL), 0);
	req.payload = gunyah_rm_reassembly_take(&fake->req_rx, &req.hdr,
						&req.size);
	if (!req.payload)
		return 0;

	KUNIT_EXPECT_EQ(test, req.hdr.type, GUNYAH_RM_TYPE_REQUEST);
	if (fake->n_reqs < FAKE_RM_MAX_REQS)
		fake->reqs[fake->n_reqs++] = req;
	else
		kfree(req.payload);

	if (fake->respond) {
		fake->respond(fake, &req);
		/* As if the RX interrupt fired right away */
		gunyah_rm_rx(rm);
	}

	return 0;
}

static int fake_recv(struct gunyah_rm *rm, void *buf, size_t buf_size,
		     size_t *size)
{
	struct fake_rm *fake = to_fake(rm);
	int ret = -EAGAIN;

	spin_lock(&fake->out_lock);
	if (fake->out_head != fake->out_tail) {
		*size = fake->out_len[fake->out_head % FAKE_RM_MAX_OUT];
		memcpy(buf, fake->out[fake->out_head % FAKE_RM_MAX_OUT], *size);
		fake->out_head++;
		ret = 0;
	}
	spin_unlock(&fake->out_lock);

	return ret;
}

static const struct gunyah_rm_transport_ops fake_rm_ops = {
	.send = fake_send,
	.recv = fake_recv,
};

static int fake_rm_init(struct kunit *test)
{
	struct fake_rm *fake;
	struct device *dev;

	fake = kunit_kzalloc(test, sizeof(*fake), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fake);
	fake->out = kunit_kcalloc(test, FAKE_RM_MAX_OUT, sizeof(*fake->out),
				  GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fake->out);
	dev = kunit_device_register(test, "gunyah_rm_fake");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);

	fake->test = test;
	spin_lock_init(&fake->out_lock);
	fake->respond = fake_respond_canned;
	gunyah_rm_init(&fake->rm, dev, &fake_rm_ops, fake);
	fake->rm.call_timeout = msecs_to_jiffies(2000);
	test->priv = fake;

	return 0;
}

static void fake_rm_exit(struct kunit *test)
{
	struct fake_rm *fake = test->priv;
	unsigned int i;

	/* No waiting caller may be left behind, whatever happened */
	KUNIT_EXPECT_EQ(test, gunyah_rm_waiting_callers(&fake->rm), 0);
	gunyah_rm_deinit(&fake->rm);
	gunyah_rm_reassembly_reset(&fake->req_rx);
	for (i = 0; i < fake->n_reqs; i++)
		kfree(fake->reqs[i].payload);
}

static void get_vmid_ok(struct kunit *test)
{
	struct fake_rm *fake = test->priv;
	const __le32 vmid = cpu_to_le32(3);
	u16 out = 0;

	fake->reply_data = &vmid;
	fake->reply_len = sizeof(vmid);
	KUNIT_ASSERT_EQ(test, gunyah_rm_get_vmid(&fake->rm, &out), 0);
	KUNIT_EXPECT_EQ(test, out, 3);
	KUNIT_ASSERT_EQ(test, fake->n_reqs, 1);
	KUNIT_EXPECT_EQ(test, fake->reqs[0].hdr.msg_id, GUNYAH_RM_RPC_VM_GET_VMID);
	KUNIT_EXPECT_EQ(test, fake->reqs[0].size, 0);
}

static void get_vmid_short_reply(struct kunit *test)
{
	struct fake_rm *fake = test->priv;
	const u8 half[2] = { 3, 0 };
	u16 out = 0x1234;

	fake->reply_data = half;
	fake->reply_len = sizeof(half);
	KUNIT_EXPECT_EQ(test, gunyah_rm_get_vmid(&fake->rm, &out), -EBADMSG);
	KUNIT_EXPECT_EQ(test, out, 0x1234);
}

static void respond_without_error_word(struct fake_rm *fake,
				       const struct fake_rm_request *req)
{
	const u8 two[2] = { 0, 0 };

	fake_push_msg(fake, GUNYAH_RM_TYPE_REPLY, req->hdr.seq, req->hdr.msg_id,
		      two, sizeof(two));
}

static void reply_without_error_word(struct kunit *test)
{
	struct fake_rm *fake = test->priv;

	fake->respond = respond_without_error_word;
	KUNIT_EXPECT_EQ(test, gunyah_rm_vm_start(&fake->rm, 5), -EBADMSG);
}

static void rm_errors_map_to_errnos(struct kunit *test)
{
	static const struct {
		u32 rm_error;
		int errno;
	} cases[] = {
		{ GUNYAH_RM_ERROR_OK, 0 },
		{ GUNYAH_RM_ERROR_UNIMPLEMENTED, -EOPNOTSUPP },
		{ GUNYAH_RM_ERROR_NOMEM, -ENOMEM },
		{ GUNYAH_RM_ERROR_DENIED, -EPERM },
		{ GUNYAH_RM_ERROR_INVALID, -EINVAL },
		{ GUNYAH_RM_ERROR_ARGUMENT_INVALID, -EINVAL },
		{ GUNYAH_RM_ERROR_HANDLE_INVALID, -ENOENT },
		{ GUNYAH_RM_ERROR_MEM_INUSE, -EBUSY },
		{ GUNYAH_RM_ERROR_VMID_INVALID, -ESRCH },
		{ GUNYAH_RM_ERROR_VM_STATE, -EINVAL },
		{ 0x99, -EINVAL },	/* unknown codes never read as success */
	};
	struct fake_rm *fake = test->priv;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		fake->reply_error = cases[i].rm_error;
		KUNIT_EXPECT_EQ_MSG(test, gunyah_rm_dealloc_vmid(&fake->rm, 9),
				    cases[i].errno, "RM error %#x",
				    cases[i].rm_error);
	}
}

static void no_reply_times_out(struct kunit *test)
{
	struct fake_rm *fake = test->priv;

	fake->respond = NULL;
	fake->rm.call_timeout = msecs_to_jiffies(100);
	KUNIT_EXPECT_EQ(test, gunyah_rm_vm_reset(&fake->rm, 5), -ETIMEDOUT);

	/* The late reply is still taken: counted as late, not as unknown */
	KUNIT_ASSERT_EQ(test, fake->n_reqs, 1);
	fake_push_reply(fake, fake->reqs[0].hdr.seq, GUNYAH_RM_RPC_VM_RESET, 0,
			NULL, 0);
	gunyah_rm_rx(&fake->rm);
	KUNIT_EXPECT_EQ(test, atomic_read(&fake->rm.stats.late_reply), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&fake->rm.stats.unexpected_reply), 0);
	KUNIT_EXPECT_TRUE(test, xa_empty(&fake->rm.calls));

	/* A second one for the same sequence number is unexpected */
	fake_push_reply(fake, fake->reqs[0].hdr.seq, GUNYAH_RM_RPC_VM_RESET, 0,
			NULL, 0);
	gunyah_rm_rx(&fake->rm);
	KUNIT_EXPECT_EQ(test, atomic_read(&fake->rm.stats.unexpected_reply), 1);
}

/*
 * One deadline for the whole call: a slow send leaves less time to wait.
 * The queue stays full for 100 tries (at least 2 s of 20 ms waits), then no
 * reply comes: with one deadline of 4 s the call ends after about 4 s, with
 * a deadline for the send and another for the reply after 6 s or more. The
 * bound halfway leaves a second either way for a debug kernel on a loaded
 * host (2 s and 2.9 s were seen against a 2.7 s bound with half of these).
 */
static void one_deadline_per_message(struct kunit *test)
{
	struct fake_rm *fake = test->priv;
	unsigned long start;

	fake->respond = NULL;
	fake->full_before_accept = 100;
	fake->ready_after_full = false;
	fake->rm.call_timeout = msecs_to_jiffies(4000);
	start = jiffies;
	KUNIT_EXPECT_EQ(test, gunyah_rm_vm_reset(&fake->rm, 5), -ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, fake->send_attempts, 101);
	KUNIT_EXPECT_LT(test, jiffies_to_msecs(jiffies - start), 5000);
}

/* A bad message in the queue does not hold up the reply behind it */
static void respond_garbage_then_reply(struct fake_rm *fake,
				       const struct fake_rm_request *req)
{
	const u8 garbage[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	fake_push_raw(fake, garbage, sizeof(garbage));
	fake_respond_canned(fake, req);
}

static void rx_drains_past_bad_message(struct kunit *test)
{
	struct fake_rm *fake = test->priv;

	fake->respond = respond_garbage_then_reply;
	KUNIT_EXPECT_EQ(test, gunyah_rm_vm_start(&fake->rm, 5), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&fake->rm.stats.malformed), 1);
}

static void respond_wrong_sequence(struct fake_rm *fake,
				   const struct fake_rm_request *req)
{
	fake_push_reply(fake, req->hdr.seq + 1, req->hdr.msg_id, 0, NULL, 0);
}

static void reply_with_wrong_sequence(struct kunit *test)
{
	struct fake_rm *fake = test->priv;

	fake->respond = respond_wrong_sequence;
	fake->rm.call_timeout = msecs_to_jiffies(100);
	KUNIT_EXPECT_EQ(test, gunyah_rm_vm_start(&fake->rm, 5), -ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, atomic_read(&fake->rm.stats.unexpected_reply), 1);
}

static void respond_wrong_message_id(struct fake_rm *fake,
				     const struct fake_rm_request *req)
{
	fake_push_reply(fake, req->hdr.seq, req->hdr.msg_id + 1, 0, NULL, 0);
}

static void reply_with_wrong_message_id(struct kunit *test)
{
	struct fake_rm *fake = test->priv;

	fake->respond = respond_wrong_message_id;
	KUNIT_EXPECT_EQ(test, gunyah_rm_vm_start(&fake->rm, 5), -EBADMSG);
}

static void respond_bad_fragment_count(struct fake_rm *fake,
				       const struct fake_rm_request *req)
{
	u8 buf[GUNYAH_RM_HDR_SIZE + 4] = { 0x21, (63 << 2) | GUNYAH_RM_TYPE_REPLY };

	put_unaligned_le16(req->hdr.seq, buf + 2);
	put_unaligned_le32(req->hdr.msg_id, buf + 4);
	fake_push_raw(fake, buf, sizeof(buf));
	/* and a truncated header */
	fake_push_raw(fake, buf, 5);
}

static void reply_with_bad_fragment_count(struct kunit *test)
{
	struct fake_rm *fake = test->priv;

	fake->respond = respond_bad_fragment_count;
	fake->rm.call_timeout = msecs_to_jiffies(100);
	KUNIT_EXPECT_EQ(test, gunyah_rm_vm_start(&fake->rm, 5), -ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, atomic_read(&fake->rm.stats.malformed), 2);
}

/* GET_HYP_RESOURCES reply with @n entries, described as @claimed */
static u8 *make_resources(struct kunit *test, u32 claimed, u32 n, size_t *len)
{
	u8 *buf, *entry;
	u32 i;

	*len = 4 + n * 44;
	buf = kunit_kzalloc(test, *len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	put_unaligned_le32(claimed, buf);
	for (i = 0; i < n; i++) {
		entry = buf + 4 + i * 44;
		entry[0] = GUNYAH_RESOURCE_TYPE_VCPU;
		put_unaligned_le16(0x80 + i, entry + 2);	/* partner */
		put_unaligned_le32(100 + i, entry + 4);		/* handle */
		put_unaligned_le32(i, entry + 8);		/* label */
		put_unaligned_le32(0x1000 + i, entry + 12);	/* capid lo */
		put_unaligned_le32(0x7, entry + 16);		/* capid hi */
		put_unaligned_le32(200 + i, entry + 20);	/* virq handle */
		put_unaligned_le32(32 + i, entry + 24);		/* virq */
		put_unaligned_le32(0x40000000, entry + 28);	/* base lo */
		put_unaligned_le32(0x1, entry + 32);		/* base hi */
		put_unaligned_le32(0x1000, entry + 36);		/* size lo */
	}

	return buf;
}

static void hyp_resources_multi_fragment(struct kunit *test)
{
	struct fake_rm *fake = test->priv;
	struct gunyah_rm_hyp_resources *res = NULL;
	size_t len;
	u8 *reply = make_resources(test, 10, 10, &len);
	u32 i;

	/* 4 + 4 + 440 bytes: two fragments */
	KUNIT_ASSERT_EQ(test, gunyah_rm_fragments_for(4 + len), 1);
	fake->reply_data = reply;
	fake->reply_len = len;
	KUNIT_ASSERT_EQ(test, gunyah_rm_get_hyp_resources(&fake->rm, 0x81, &res), 0);
	KUNIT_ASSERT_NOT_NULL(test, res);
	KUNIT_ASSERT_EQ(test, res->n_entries, 10);
	for (i = 0; i < 10; i++) {
		KUNIT_EXPECT_EQ(test, res->entries[i].type, GUNYAH_RESOURCE_TYPE_VCPU);
		KUNIT_EXPECT_EQ(test, res->entries[i].partner_vmid, 0x80 + i);
		KUNIT_EXPECT_EQ(test, res->entries[i].resource_label, i);
		KUNIT_EXPECT_EQ(test, res->entries[i].capid, 0x700001000ULL + i);
		KUNIT_EXPECT_EQ(test, res->entries[i].virq, 32 + i);
		KUNIT_EXPECT_EQ(test, res->entries[i].base, 0x140000000ULL);
		KUNIT_EXPECT_EQ(test, res->entries[i].size, 0x1000);
	}
	kfree(res);

	KUNIT_ASSERT_EQ(test, fake->n_reqs, 1);
	KUNIT_EXPECT_EQ(test, fake->reqs[0].size, 4);
	KUNIT_EXPECT_EQ(test, get_unaligned_le16(fake->reqs[0].payload), 0x81);
}

static void hyp_resources_bad_counts(struct kunit *test)
{
	struct fake_rm *fake = test->priv;
	struct gunyah_rm_hyp_resources *res = NULL;
	size_t len;
	u8 *reply;

	reply = make_resources(test, 5, 2, &len);
	fake->reply_data = reply;
	fake->reply_len = len;
	KUNIT_EXPECT_EQ(test, gunyah_rm_get_hyp_resources(&fake->rm, 1, &res),
			-EBADMSG);

	reply = make_resources(test, U32_MAX, 1, &len);
	fake->reply_data = reply;
	fake->reply_len = len;
	KUNIT_EXPECT_EQ(test, gunyah_rm_get_hyp_resources(&fake->rm, 1, &res),
			-EBADMSG);

	/* one byte short of a count */
	fake->reply_len = 3;
	KUNIT_EXPECT_EQ(test, gunyah_rm_get_hyp_resources(&fake->rm, 1, &res),
			-EBADMSG);

	reply = make_resources(test, 0, 0, &len);
	fake->reply_data = reply;
	fake->reply_len = len;
	KUNIT_ASSERT_EQ(test, gunyah_rm_get_hyp_resources(&fake->rm, 1, &res), 0);
	KUNIT_EXPECT_EQ(test, res->n_entries, 0);
	kfree(res);
}

static void alloc_vmid_encodings(struct kunit *test)
{
	struct fake_rm *fake = test->priv;
	const __le32 chosen = cpu_to_le32(0x81);
	const u8 want5[] = { 5, 0, 0, 0 };
	u16 vmid = 0;

	KUNIT_ASSERT_EQ(test, gunyah_rm_alloc_vmid(&fake->rm, 5, &vmid), 0);
	KUNIT_EXPECT_EQ(test, vmid, 5);
	KUNIT_ASSERT_EQ(test, fake->reqs[0].size, sizeof(want5));
	KUNIT_EXPECT_MEMEQ(test, fake->reqs[0].payload, want5, sizeof(want5));
	KUNIT_EXPECT_EQ(test, fake->reqs[0].hdr.msg_id,
			GUNYAH_RM_RPC_VM_ALLOC_VMID);

	fake->reply_data = &chosen;
	fake->reply_len = sizeof(chosen);
	KUNIT_ASSERT_EQ(test, gunyah_rm_alloc_vmid(&fake->rm, 0, &vmid), 0);
	KUNIT_EXPECT_EQ(test, vmid, 0x81);
}

static void alloc_vmid_invalid_reply(struct kunit *test)
{
	struct fake_rm *fake = test->priv;
	const __le32 zero = 0, huge = cpu_to_le32(0x10000);
	u16 vmid = 7;

	fake->reply_data = &zero;
	fake->reply_len = sizeof(zero);
	KUNIT_EXPECT_EQ(test, gunyah_rm_alloc_vmid(&fake->rm, 0, &vmid), -EBADMSG);
	fake->reply_data = &huge;
	KUNIT_EXPECT_EQ(test, gunyah_rm_alloc_vmid(&fake->rm, 0, &vmid), -EBADMSG);
	fake->reply_len = 0;
	KUNIT_EXPECT_EQ(test, gunyah_rm_alloc_vmid(&fake->rm, 0, &vmid), -EBADMSG);
	KUNIT_EXPECT_EQ(test, vmid, 7);
}

static void vm_stop_and_config_encoding(struct kunit *test)
{
	struct fake_rm *fake = test->priv;
	const u8 stop[] = { 0x81, 0, 1, 0, 0x78, 0x56, 0x34, 0x12 };
	const struct gunyah_rm_vm_config_image config = {
		.auth_type = 0,
		.image_mem_handle = 0x11223344,
		.image_offset = 0x1000,
		.image_size = 0x200000,
		.dtb_offset = 0x300000,
		.dtb_size = 0x2000,
	};
	const u8 *p;

	KUNIT_ASSERT_EQ(test, gunyah_rm_vm_stop(&fake->rm, 0x81,
						GUNYAH_RM_VM_STOP_FLAG_FORCE_STOP,
						0x12345678), 0);
	KUNIT_ASSERT_EQ(test, fake->reqs[0].size, sizeof(stop));
	KUNIT_EXPECT_MEMEQ(test, fake->reqs[0].payload, stop, sizeof(stop));

	KUNIT_ASSERT_EQ(test, gunyah_rm_vm_configure(&fake->rm, 0x81, &config), 0);
	KUNIT_ASSERT_EQ(test, fake->reqs[1].size, 40);
	p = fake->reqs[1].payload;
	KUNIT_EXPECT_EQ(test, fake->reqs[1].hdr.msg_id,
			GUNYAH_RM_RPC_VM_CONFIG_IMAGE);
	KUNIT_EXPECT_EQ(test, get_unaligned_le16(p), 0x81);
	KUNIT_EXPECT_EQ(test, get_unaligned_le16(p + 2), 0);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(p + 4), 0x11223344);
	KUNIT_EXPECT_EQ(test, get_unaligned_le64(p + 8), 0x1000);
	KUNIT_EXPECT_EQ(test, get_unaligned_le64(p + 16), 0x200000);
	KUNIT_EXPECT_EQ(test, get_unaligned_le64(p + 24), 0x300000);
	KUNIT_EXPECT_EQ(test, get_unaligned_le64(p + 32), 0x2000);
}

static void mem_lend_encoding(struct kunit *test)
{
	struct fake_rm *fake = test->priv;
	const __le32 handle = cpu_to_le32(0xabcd);
	const struct gunyah_rm_acl_entry acl = {
		.vmid = 0x81,
		.perms = GUNYAH_RM_ACL_R | GUNYAH_RM_ACL_W,
	};
	const struct gunyah_rm_parcel_range range = {
		.phys = 0x48000000,
		.size = 0x1000,
	};
	struct gunyah_rm_mem_create req = {
		.message_id = GUNYAH_RM_RPC_MEM_LEND,
		.mem_type = GUNYAH_RM_MEM_TYPE_NORMAL,
		.label = 0x55,
		.flags = GUNYAH_RM_MEM_CREATE_SANITIZE,
		.n_acl = 1,
		.acl = &acl,
		.n_ranges = 1,
		.ranges = &range,
	};
	const u8 expected[] = {
		0, 0, 1, 0, 0x55, 0, 0, 0,			/* header */
		1, 0, 0, 0, 0x81, 0, 6, 0,			/* ACL */
		1, 0, 0, 0,					/* SGL */
		0, 0, 0, 0x48, 0, 0, 0, 0, 0, 0x10, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0,					/* attrs */
	};
	u32 out = 0;

	fake->reply_data = &handle;
	fake->reply_len = sizeof(handle);
	KUNIT_ASSERT_EQ(test, gunyah_rm_mem_create(&fake->rm, &req, &out), 0);
	KUNIT_EXPECT_EQ(test, out, 0xabcd);
	KUNIT_ASSERT_EQ(test, fake->n_reqs, 1);
	KUNIT_EXPECT_EQ(test, fake->reqs[0].hdr.msg_id, GUNYAH_RM_RPC_MEM_LEND);
	KUNIT_ASSERT_EQ(test, fake->reqs[0].size, sizeof(expected));
	KUNIT_EXPECT_MEMEQ(test, fake->reqs[0].payload, expected,
			   sizeof(expected));

	/* The same parcel looked up: memparcel_lookup_req_t, no flags */
	KUNIT_ASSERT_EQ(test, gunyah_rm_mem_lookup_sgl(&fake->rm, &req, &out), 0);
	KUNIT_ASSERT_EQ(test, fake->n_reqs, 2);
	KUNIT_EXPECT_EQ(test, fake->reqs[1].hdr.msg_id,
			GUNYAH_RM_RPC_MEM_QCOM_LOOKUP_SGL);
	KUNIT_ASSERT_EQ(test, fake->reqs[1].size, sizeof(expected));
	KUNIT_EXPECT_EQ(test, fake->reqs[1].payload[2], 0);
	KUNIT_EXPECT_MEMEQ(test, fake->reqs[1].payload + 4, expected + 4,
			   sizeof(expected) - 4);

	/* Flags the client owns are not the caller's to set */
	req.flags = BIT(1);
	KUNIT_EXPECT_EQ(test, gunyah_rm_mem_create(&fake->rm, &req, &out), -EINVAL);
	KUNIT_EXPECT_EQ(test, fake->n_reqs, 2);
}

/* A struct page for a physical address; only its address is ever used */
static struct page *fake_page(phys_addr_t phys)
{
	return pfn_to_page(PHYS_PFN(phys));
}

static void fake_parcel(struct kunit *test, struct gunyah_rm_parcel *parcel,
			struct fake_rm *fake, unsigned int n, phys_addr_t step)
{
	const struct gunyah_rm_acl_entry acl[2] = {
		{ .vmid = GUNYAH_VMID_HLOS, .perms = 6 },
		{ .vmid = 0x81, .perms = 4 },
	};
	struct page *page;
	unsigned int i;

	KUNIT_ASSERT_EQ(test, gunyah_rm_parcel_init(parcel, &fake->rm, acl, 2, 0, 0), 0);
	for (i = 0; i < n; i++) {
		page = fake_page(0x80000000ULL + i * step);
		KUNIT_ASSERT_EQ(test, gunyah_rm_parcel_add_pages(parcel, page, 1), 0);
	}
}

static void mem_share_splits_sgl(struct kunit *test)
{
	struct fake_rm *fake = test->priv;
	const __le32 handle = cpu_to_le32(0x77);
	struct gunyah_rm_parcel parcel;
	const u8 *p;

	/* 1100 discontiguous pages: 1100 ranges */
	fake_parcel(test, &parcel, fake, 1100, 0x2000);
	KUNIT_EXPECT_EQ(test, parcel.n_ranges, 1100);

	fake->reply_data = &handle;
	fake->reply_len = sizeof(handle);
	KUNIT_ASSERT_EQ(test, gunyah_rm_parcel_share(&parcel), 0);
	KUNIT_EXPECT_EQ(test, parcel.handle, 0x77);
	KUNIT_EXPECT_EQ(test, parcel.state, GUNYAH_RM_PARCEL_SHARED);
	KUNIT_EXPECT_EQ(test, parcel.n_sent, 1100);
	KUNIT_ASSERT_EQ(test, fake->n_reqs, 3);

	/* SHARE: 512 entries, APPEND flag; it spans many fragments */
	p = fake->reqs[0].payload;
	KUNIT_EXPECT_EQ(test, fake->reqs[0].hdr.msg_id, GUNYAH_RM_RPC_MEM_SHARE);
	KUNIT_EXPECT_EQ(test, p[2], 2);
	KUNIT_EXPECT_EQ(test, get_unaligned_le16(p + 8), 2);
	KUNIT_EXPECT_EQ(test, get_unaligned_le16(p + 20), 512);
	KUNIT_ASSERT_EQ(test, fake->reqs[0].size, 8 + 4 + 8 + 4 + 512 * 16 + 4);
	KUNIT_EXPECT_EQ(test, get_unaligned_le64(p + 24 + 511 * 16),
			0x80000000ULL + 511 * 0x2000);

	/* APPEND: the next 512, not the last */
	p = fake->reqs[1].payload;
	KUNIT_EXPECT_EQ(test, fake->reqs[1].hdr.msg_id, GUNYAH_RM_RPC_MEM_APPEND);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(p), 0x77);
	KUNIT_EXPECT_EQ(test, p[4], 0);
	KUNIT_EXPECT_EQ(test, get_unaligned_le16(p + 8), 512);
	KUNIT_EXPECT_EQ(test, fake->reqs[1].size, 12 + 512 * 16);
	KUNIT_EXPECT_EQ(test, get_unaligned_le64(p + 12),
			0x80000000ULL + 512 * 0x2000);

	/* APPEND: the remaining 76, with the end flag */
	p = fake->reqs[2].payload;
	KUNIT_EXPECT_EQ(test, p[4], 1);
	KUNIT_EXPECT_EQ(test, get_unaligned_le16(p + 8), 76);
	KUNIT_EXPECT_EQ(test, fake->reqs[2].size, 12 + 76 * 16);
	KUNIT_EXPECT_EQ(test, get_unaligned_le64(p + 12 + 75 * 16),
			0x80000000ULL + 1099 * 0x2000);

	fake->reply_len = 0;
	KUNIT_EXPECT_EQ(test, gunyah_rm_parcel_reclaim(&parcel), 0);
	KUNIT_EXPECT_TRUE(test, gunyah_rm_parcel_pages_ours(&parcel));
	gunyah_rm_parcel_destroy(&parcel);
}

/* Contiguous pages, a 2 MiB folio among them, are one SGL entry */
static void contiguous_pages_are_one_entry(struct kunit *test)
{
	struct fake_rm *fake = test->priv;
	const struct gunyah_rm_acl_entry acl = { .vmid = 0x81, .perms = 6 };
	struct gunyah_rm_parcel parcel;
	struct folio *folio;
	struct page *next;

	folio = folio_alloc(GFP_KERNEL, get_order(SZ_2M));
	if (!folio)
		kunit_skip(test, "no 2 MiB folio");
	KUNIT_ASSERT_EQ(test, gunyah_rm_parcel_init(&parcel, &fake->rm, &acl, 1, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, gunyah_rm_parcel_add_folio(&parcel, folio), 0);
	KUNIT_EXPECT_EQ(test, parcel.n_ranges, 1);
	KUNIT_EXPECT_EQ(test, parcel.ranges[0].size, SZ_2M);
	KUNIT_EXPECT_EQ(test, parcel.nr_pages, SZ_2M / PAGE_SIZE);
	/* The page right after it merges; one further away does not */
	next = folio_page(folio, 0) + SZ_2M / PAGE_SIZE;
	KUNIT_EXPECT_EQ(test, gunyah_rm_parcel_add_pages(&parcel, next, 1), 0);
	KUNIT_EXPECT_EQ(test, parcel.n_ranges, 1);
	KUNIT_EXPECT_EQ(test, gunyah_rm_parcel_add_pages(&parcel, next + 2, 1), 0);
	KUNIT_EXPECT_EQ(test, parcel.n_ranges, 2);
	gunyah_rm_parcel_destroy(&parcel);
	folio_put(folio);
}

static void respond_append_fails(struct fake_rm *fake,
				 const struct fake_rm_request *req)
{
	const __le32 handle = cpu_to_le32(0x66);

	if (req->hdr.msg_id == GUNYAH_RM_RPC_MEM_APPEND)
		fake_push_reply(fake, req->hdr.seq, req->hdr.msg_id,
				GUNYAH_RM_ERROR_NORESOURCE, NULL, 0);
	else if (req->hdr.msg_id == GUNYAH_RM_RPC_MEM_RECLAIM)
		fake_push_reply(fake, req->hdr.seq, req->hdr.msg_id, 0, NULL, 0);
	else
		fake_push_reply(fake, req->hdr.seq, req->hdr.msg_id, 0,
				&handle, sizeof(handle));
}

/* A refused APPEND keeps the live handle: a partial share, then reclaimed */
static void mem_share_append_failure_keeps_handle(struct kunit *test)
{
	struct fake_rm *fake = test->priv;
	struct gunyah_rm_parcel parcel;

	fake_parcel(test, &parcel, fake, 600, 0x2000);
	fake->respond = respond_append_fails;
	KUNIT_EXPECT_EQ(test, gunyah_rm_parcel_share(&parcel), -ENOSPC);
	KUNIT_EXPECT_EQ(test, parcel.handle, 0x66);
	KUNIT_EXPECT_EQ(test, parcel.state, GUNYAH_RM_PARCEL_SHARED);
	KUNIT_EXPECT_EQ(test, parcel.n_sent, 512);
	KUNIT_ASSERT_EQ(test, fake->n_reqs, 2);

	KUNIT_EXPECT_EQ(test, gunyah_rm_parcel_reclaim(&parcel), 0);
	KUNIT_ASSERT_EQ(test, fake->n_reqs, 3);
	KUNIT_EXPECT_EQ(test, fake->reqs[2].hdr.msg_id, GUNYAH_RM_RPC_MEM_RECLAIM);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(fake->reqs[2].payload), 0x66);
	KUNIT_EXPECT_TRUE(test, gunyah_rm_parcel_pages_ours(&parcel));
	gunyah_rm_parcel_destroy(&parcel);
}

static void mem_create_checks_reply_and_limits(struct kunit *test)
{
	struct fake_rm *fake = test->priv;
	const struct gunyah_rm_acl_entry acl = { .vmid = 0x81, .perms = 6 };
	const struct gunyah_rm_parcel_range range = { .phys = 0x48000000, .size = 0x1000 };
	struct gunyah_rm_mem_create req = {
		.message_id = GUNYAH_RM_RPC_MEM_LEND,
		.n_acl = 1,
		.acl = &acl,
		.n_ranges = 1,
		.ranges = &range,
	};
	struct gunyah_rm_parcel parcel;
	u32 out;

	/* No handle in the reply */
	KUNIT_EXPECT_EQ(test, gunyah_rm_mem_create(&fake->rm, &req, &out), -EBADMSG);

	/* No ACL, or more ACL entries than a parcel object carries: not sent */
	req.n_acl = 0;
	KUNIT_EXPECT_EQ(test, gunyah_rm_mem_create(&fake->rm, &req, &out), -EINVAL);
	KUNIT_EXPECT_EQ(test, gunyah_rm_parcel_init(&parcel, &fake->rm, &acl,
						    GUNYAH_RM_PARCEL_MAX_ACL + 1, 0, 0),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, fake->n_reqs, 1);
}

static void reclaim_encoding_and_inuse(struct kunit *test)
{
	struct fake_rm *fake = test->priv;
	const u8 expected[] = { 0x44, 0x33, 0x22, 0x11, 1, 0, 0, 0 };

	fake->reply_error = GUNYAH_RM_ERROR_MEM_INUSE;
	KUNIT_EXPECT_EQ(test, gunyah_rm_mem_reclaim(&fake->rm, 0x11223344,
						    GUNYAH_RM_MEM_RECLAIM_SANITIZE),
			-EBUSY);
	KUNIT_ASSERT_EQ(test, fake->reqs[0].size, sizeof(expected));
	KUNIT_EXPECT_MEMEQ(test, fake->reqs[0].payload, expected,
			   sizeof(expected));
	KUNIT_EXPECT_EQ(test, fake->reqs[0].hdr.msg_id, GUNYAH_RM_RPC_MEM_RECLAIM);
}

static void mem_notify_encoding(struct kunit *test)
{
	struct fake_rm *fake = test->priv;
	const u16 vmids[] = { 0x81, 0x82 };
	const u8 expected[] = {
		9, 0, 0, 0, 1, 0, 0, 0, 0xef, 0xbe, 0, 0,
		2, 0, 0, 0, 0x81, 0, 0, 0, 0x82, 0, 0, 0,
	};

	KUNIT_ASSERT_EQ(test, gunyah_rm_mem_notify(&fake->rm, 9,
						   GUNYAH_RM_MEM_NOTIFY_RECIPIENT_SHARED,
						   0xbeef, vmids, 2), 0);
	KUNIT_ASSERT_EQ(test, fake->reqs[0].size, sizeof(expected));
	KUNIT_EXPECT_MEMEQ(test, fake->reqs[0].payload, expected,
			   sizeof(expected));
}

/*
 * Lost replies. The fake answers the n-th request (1-based) as the table of
 * the test says: a reply with an RM error and data, or nothing at all, as
 * if the RM had applied the request and its reply was lost.
 */
struct lossy_answer {
	u32 msg_id;
	bool lost;
	u32 rm_error;
	u32 handle;	/* reply data, when not 0 */
};

static const struct lossy_answer *lossy_script;
static unsigned int lossy_len;

static void respond_lossy(struct fake_rm *fake, const struct fake_rm_request *req)
{
	unsigned int n = fake->n_reqs - 1;
	const struct lossy_answer *a;
	__le32 handle;

	if (n >= lossy_len) {
		KUNIT_FAIL(fake->test, "unexpected request %u (%#x)", n + 1,
			   req->hdr.msg_id);
		return;
	}
	a = &lossy_script[n];
	KUNIT_EXPECT_EQ_MSG(fake->test, req->hdr.msg_id, a->msg_id,
			    "request %u", n + 1);
	if (a->lost)
		return;
	handle = cpu_to_le32(a->handle);
	fake_push_reply(fake, req->hdr.seq, req->hdr.msg_id, a->rm_error,
			a->handle ? &handle : NULL, a->handle ? sizeof(handle) : 0);
}

static void lossy_start(struct fake_rm *fake, const struct lossy_answer *script,
			unsigned int len)
{
	lossy_script = script;
	lossy_len = len;
	fake->respond = respond_lossy;
	fake->rm.call_timeout = msecs_to_jiffies(50);
}

/* One real page in a parcel lent to VM 0x81 */
static struct page *lossy_lend_parcel(struct kunit *test, struct fake_rm *fake,
				      struct gunyah_rm_parcel *parcel)
{
	const struct gunyah_rm_acl_entry acl = { .vmid = 0x81, .perms = 6 };
	struct page *page = alloc_page(GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_ASSERT_EQ(test, gunyah_rm_parcel_init(parcel, &fake->rm, &acl, 1, 0, 0), 0);
	KUNIT_ASSERT_EQ(test, gunyah_rm_parcel_add_pages(parcel, page, 1), 0);

	return page;
}

static void lend_reply_lost_found_again(struct kunit *test)
{
	static const struct lossy_answer script[] = {
		{ GUNYAH_RM_RPC_MEM_LEND, .lost = true },
		{ GUNYAH_RM_RPC_MEM_QCOM_LOOKUP_SGL, .handle = 0x42 },
		{ GUNYAH_RM_RPC_MEM_RECLAIM },
	};
	struct fake_rm *fake = test->priv;
	struct gunyah_rm_parcel parcel;
	struct page *page;

	page = lossy_lend_parcel(test, fake, &parcel);
	lossy_start(fake, script, ARRAY_SIZE(script));

	KUNIT_EXPECT_EQ(test, gunyah_rm_parcel_lend(&parcel), 0);
	KUNIT_EXPECT_EQ(test, parcel.state, GUNYAH_RM_PARCEL_LENT);
	KUNIT_EXPECT_EQ(test, parcel.handle, 0x42);
	KUNIT_EXPECT_FALSE(test, kernel_page_present(page));
	/* The lookup asked for exactly what the lend sent */
	KUNIT_ASSERT_EQ(test, fake->n_reqs, 2);
	KUNIT_EXPECT_MEMEQ(test, fake->reqs[1].payload + 4, fake->reqs[0].payload + 4,
			   fake->reqs[0].size - 4);

	KUNIT_EXPECT_EQ(test, gunyah_rm_parcel_reclaim(&parcel), 0);
	KUNIT_EXPECT_TRUE(test, gunyah_rm_parcel_pages_ours(&parcel));
	KUNIT_EXPECT_TRUE(test, kernel_page_present(page));
	gunyah_rm_parcel_destroy(&parcel);
	__free_page(page);
}

static void lend_reply_lost_never_applied(struct kunit *test)
{
	static const struct lossy_answer script[] = {
		{ GUNYAH_RM_RPC_MEM_LEND, .lost = true },
		{ GUNYAH_RM_RPC_MEM_QCOM_LOOKUP_SGL,
		  .rm_error = GUNYAH_RM_ERROR_LOOKUP_FAILED },
	};
	struct fake_rm *fake = test->priv;
	struct gunyah_rm_parcel parcel;
	struct page *page;

	page = lossy_lend_parcel(test, fake, &parcel);
	lossy_start(fake, script, ARRAY_SIZE(script));

	KUNIT_EXPECT_EQ(test, gunyah_rm_parcel_lend(&parcel), -ETIMEDOUT);
	KUNIT_EXPECT_TRUE(test, gunyah_rm_parcel_pages_ours(&parcel));
	KUNIT_EXPECT_TRUE(test, kernel_page_present(page));
	gunyah_rm_parcel_destroy(&parcel);
	__free_page(page);
}

static void lend_outcome_unresolved_leaks(struct kunit *test)
{
	static const struct lossy_answer script[] = {
		{ GUNYAH_RM_RPC_MEM_LEND, .lost = true },
		{ GUNYAH_RM_RPC_MEM_QCOM_LOOKUP_SGL, .lost = true },
		{ GUNYAH_RM_RPC_MEM_QCOM_LOOKUP_SGL, .lost = true },
		{ GUNYAH_RM_RPC_MEM_QCOM_LOOKUP_SGL, .lost = true },
	};
	struct fake_rm *fake = test->priv;
	struct gunyah_rm_parcel parcel;
	struct page *page;

	page = lossy_lend_parcel(test, fake, &parcel);
	lossy_start(fake, script, ARRAY_SIZE(script));

	KUNIT_EXPECT_EQ(test, gunyah_rm_parcel_lend(&parcel), -ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, parcel.state, GUNYAH_RM_PARCEL_LEAKED);
	KUNIT_EXPECT_FALSE(test, gunyah_rm_parcel_pages_ours(&parcel));
	/* Never handed back: it stays out of the linear map */
	KUNIT_EXPECT_FALSE(test, kernel_page_present(page));
	KUNIT_EXPECT_EQ(test, gunyah_rm_parcel_reclaim(&parcel), -EIO);
	gunyah_rm_parcel_destroy(&parcel);
	/* Only this fake RM is known to hold nothing: give the page back */
	KUNIT_EXPECT_EQ(test, gunyah_direct_map_restore(page, 1), 0);
	__free_page(page);
}

/* Nothing reached the RM: no lookup, the pages are ours at once */
static void lend_never_sent_is_refused(struct kunit *test)
{
	struct fake_rm *fake = test->priv;
	struct gunyah_rm_parcel parcel;
	struct page *page;

	page = lossy_lend_parcel(test, fake, &parcel);
	fake->send_error = -EIO;
	KUNIT_EXPECT_EQ(test, gunyah_rm_parcel_lend(&parcel), -ECOMM);
	KUNIT_EXPECT_TRUE(test, gunyah_rm_parcel_pages_ours(&parcel));
	KUNIT_EXPECT_TRUE(test, kernel_page_present(page));
	KUNIT_EXPECT_EQ(test, fake->send_attempts, 1);
	gunyah_rm_parcel_destroy(&parcel);
	__free_page(page);
}

static void reclaim_reply_lost_sent_again(struct kunit *test)
{
	static const struct lossy_answer script[] = {
		{ GUNYAH_RM_RPC_MEM_SHARE, .handle = 0x43 },
		{ GUNYAH_RM_RPC_MEM_RECLAIM, .lost = true },
		{ GUNYAH_RM_RPC_MEM_RECLAIM,
		  .rm_error = GUNYAH_RM_ERROR_HANDLE_INVALID },
	};
	struct fake_rm *fake = test->priv;
	struct gunyah_rm_parcel parcel;

	fake_parcel(test, &parcel, fake, 3, 0x1000);
	KUNIT_EXPECT_EQ(test, parcel.n_ranges, 1);
	lossy_start(fake, script, ARRAY_SIZE(script));
	KUNIT_ASSERT_EQ(test, gunyah_rm_parcel_share(&parcel), 0);
	KUNIT_EXPECT_EQ(test, gunyah_rm_parcel_reclaim(&parcel), 0);
	KUNIT_EXPECT_TRUE(test, gunyah_rm_parcel_pages_ours(&parcel));
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(fake->reqs[2].payload), 0x43);
	gunyah_rm_parcel_destroy(&parcel);
}

static void reclaim_in_use_stays_shared(struct kunit *test)
{
	static const struct lossy_answer script[] = {
		{ GUNYAH_RM_RPC_MEM_SHARE, .handle = 0x44 },
		{ GUNYAH_RM_RPC_MEM_RECLAIM, .rm_error = GUNYAH_RM_ERROR_MEM_INUSE },
		{ GUNYAH_RM_RPC_MEM_RECLAIM, .rm_error = GUNYAH_RM_ERROR_HANDLE_INVALID },
	};
	struct fake_rm *fake = test->priv;
	struct gunyah_rm_parcel parcel;

	fake_parcel(test, &parcel, fake, 1, 0x1000);
	lossy_start(fake, script, ARRAY_SIZE(script));
	KUNIT_ASSERT_EQ(test, gunyah_rm_parcel_share(&parcel), 0);
	KUNIT_EXPECT_EQ(test, gunyah_rm_parcel_reclaim(&parcel), -EBUSY);
	KUNIT_EXPECT_EQ(test, parcel.state, GUNYAH_RM_PARCEL_SHARED);
	/* A first "no such handle" is a refusal, not proof: leaked */
	KUNIT_EXPECT_EQ(test, gunyah_rm_parcel_reclaim_or_leak(&parcel), -ENOENT);
	KUNIT_EXPECT_EQ(test, parcel.state, GUNYAH_RM_PARCEL_LEAKED);
	gunyah_rm_parcel_destroy(&parcel);
}

struct vm_catcher {
	struct gunyah_rm_vm_listener listener;
	struct gunyah_rm_vm_status status;
	struct gunyah_rm_vm_exited exited;
	int calls;
};

static void catch_status(struct gunyah_rm_vm_listener *l,
			 const struct gunyah_rm_vm_status *status)
{
	struct vm_catcher *c = container_of(l, struct vm_catcher, listener);

	c->status = *status;
	c->calls++;
}

static void catch_exited(struct gunyah_rm_vm_listener *l,
			 const struct gunyah_rm_vm_exited *exited)
{
	struct vm_catcher *c = container_of(l, struct vm_catcher, listener);

	c->exited = *exited;
	c->calls++;
}

static void notifications_routed_by_vmid(struct kunit *test)
{
	struct fake_rm *fake = test->priv;
	struct vm_catcher a = {
		.listener = { .vmid = 0x81, .status = catch_status,
			      .exited = catch_exited },
	}, b = {
		.listener = { .vmid = 0x82, .status = catch_status },
	}, dup = {
		.listener = { .vmid = 0x81 },
	};
	const u8 status[8] = { 0x82, 0, 0, 0, GUNYAH_RM_VM_STATUS_RUNNING, 7, 0x34, 0x12 };
	const u8 exited[8] = { 0x81, 0, 1, 0, 0, 0, 0, 0 };

	KUNIT_ASSERT_EQ(test, gunyah_rm_vm_listen(&fake->rm, &a.listener), 0);
	KUNIT_ASSERT_EQ(test, gunyah_rm_vm_listen(&fake->rm, &b.listener), 0);
	KUNIT_EXPECT_EQ(test, gunyah_rm_vm_listen(&fake->rm, &dup.listener), -EBUSY);

	fake_push_msg(fake, GUNYAH_RM_TYPE_NOTIF, 1,
		      GUNYAH_RM_NOTIFICATION_VM_STATUS, status, sizeof(status));
	fake_push_msg(fake, GUNYAH_RM_TYPE_NOTIF, 2,
		      GUNYAH_RM_NOTIFICATION_VM_EXITED, exited, sizeof(exited));
	/* Too short, another VM's, and one nobody knows: not delivered */
	fake_push_msg(fake, GUNYAH_RM_TYPE_NOTIF, 3,
		      GUNYAH_RM_NOTIFICATION_VM_STATUS, status, 4);
	fake_push_msg(fake, GUNYAH_RM_TYPE_NOTIF, 4,
		      GUNYAH_RM_NOTIFICATION_VM_EXITED, status, sizeof(status));
	fake_push_msg(fake, GUNYAH_RM_TYPE_NOTIF, 5, 0x56100999, status, 2);
	gunyah_rm_rx(&fake->rm);
	gunyah_rm_vm_unlisten(&fake->rm, &a.listener);
	gunyah_rm_vm_unlisten(&fake->rm, &b.listener);

	KUNIT_EXPECT_EQ(test, b.calls, 1);
	KUNIT_EXPECT_EQ(test, b.status.vmid, 0x82);
	KUNIT_EXPECT_EQ(test, b.status.vm_status, GUNYAH_RM_VM_STATUS_RUNNING);
	KUNIT_EXPECT_EQ(test, b.status.os_status, 7);
	KUNIT_EXPECT_EQ(test, b.status.app_status, 0x1234);
	KUNIT_EXPECT_EQ(test, a.calls, 1);
	KUNIT_EXPECT_EQ(test, a.exited.vmid, 0x81);
	KUNIT_EXPECT_EQ(test, a.exited.exit_type, GUNYAH_RM_VM_EXIT_PLATFORM_OFF);
	KUNIT_EXPECT_EQ(test,
			atomic_read(&fake->rm.stats.unhandled_notifications), 3);
}

static int parcel_accepted_by;

static void catch_accepted(struct gunyah_rm_parcel *parcel, u16 vmid)
{
	parcel_accepted_by = vmid;
}

static void notifications_routed_by_handle(struct kunit *test)
{
	static const struct lossy_answer script[] = {
		{ GUNYAH_RM_RPC_MEM_SHARE, .handle = 0x45 },
		{ GUNYAH_RM_RPC_MEM_RECLAIM },
	};
	struct fake_rm *fake = test->priv;
	struct gunyah_rm_parcel parcel;
	const u8 other[12] = { 0x46, 0, 0, 0, 0x81 };
	const u8 ours[12] = { 0x45, 0, 0, 0, 0x81 };

	fake_parcel(test, &parcel, fake, 1, 0x1000);
	parcel.accepted = catch_accepted;
	lossy_start(fake, script, ARRAY_SIZE(script));
	KUNIT_ASSERT_EQ(test, gunyah_rm_parcel_share(&parcel), 0);

	parcel_accepted_by = 0;
	fake_push_msg(fake, GUNYAH_RM_TYPE_NOTIF, 1,
		      GUNYAH_RM_NOTIFICATION_MEM_ACCEPTED, other, sizeof(other));
	gunyah_rm_rx(&fake->rm);
	KUNIT_EXPECT_EQ(test, parcel_accepted_by, 0);
	fake_push_msg(fake, GUNYAH_RM_TYPE_NOTIF, 2,
		      GUNYAH_RM_NOTIFICATION_MEM_ACCEPTED, ours, sizeof(ours));
	gunyah_rm_rx(&fake->rm);
	KUNIT_EXPECT_EQ(test, parcel_accepted_by, 0x81);

	/* Reclaimed: no longer reachable by its handle */
	KUNIT_EXPECT_EQ(test, gunyah_rm_parcel_reclaim(&parcel), 0);
	parcel_accepted_by = 0;
	fake_push_msg(fake, GUNYAH_RM_TYPE_NOTIF, 3,
		      GUNYAH_RM_NOTIFICATION_MEM_ACCEPTED, ours, sizeof(ours));
	gunyah_rm_rx(&fake->rm);
	KUNIT_EXPECT_EQ(test, parcel_accepted_by, 0);
	gunyah_rm_parcel_destroy(&parcel);
}

static void request_from_rm_dropped(struct kunit *test)
{
	struct fake_rm *fake = test->priv;

	fake_push_msg(fake, GUNYAH_RM_TYPE_REQUEST, 1, 0x56000001, NULL, 0);
	gunyah_rm_rx(&fake->rm);
	KUNIT_EXPECT_EQ(test, atomic_read(&fake->rm.stats.unexpected_request), 1);
}

#define CONCURRENT_CALLERS	8

struct concurrent_caller {
	struct fake_rm *fake;
	struct completion done;
	u16 vmid;
	int ret;
	u16 partner;
};

static int concurrent_caller_fn(void *data)
{
	struct concurrent_caller *c = data;
	struct gunyah_rm_hyp_resources *res;

	c->ret = gunyah_rm_get_hyp_resources(&c->fake->rm, c->vmid, &res);
	if (!c->ret) {
		c->partner = res->n_entries == 1 ? res->entries[0].partner_vmid : 0;
		kfree(res);
	}
	complete(&c->done);

	return 0;
}

static unsigned int fake_requests_seen(struct fake_rm *fake)
{
	unsigned int n;

	mutex_lock(&fake->rm.send_lock);
	n = fake->n_reqs;
	mutex_unlock(&fake->rm.send_lock);

	return n;
}

/* Replies come back in reverse order; each caller must get its own. */
static void concurrent_callers_out_of_order(struct kunit *test)
{
	struct fake_rm *fake = test->priv;
	struct concurrent_caller *callers;
	struct task_struct *task;
	u8 reply[4 + 44];
	int i, waited;

	callers = kunit_kcalloc(test, CONCURRENT_CALLERS, sizeof(*callers),
				GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, callers);
	fake->respond = NULL;

	for (i = 0; i < CONCURRENT_CALLERS; i++) {
		callers[i].fake = fake;
		callers[i].vmid = 0x90 + i;
		init_completion(&callers[i].done);
		task = kthread_run(concurrent_caller_fn, &callers[i],
				   "gunyah_rm_caller%d", i);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, task);
	}

	for (waited = 0; fake_requests_seen(fake) < CONCURRENT_CALLERS &&
	     waited < 2000; waited += 20)
		msleep(20);
	KUNIT_ASSERT_EQ(test, fake_requests_seen(fake), CONCURRENT_CALLERS);

	for (i = CONCURRENT_CALLERS - 1; i >= 0; i--) {
		const struct fake_rm_request *req = &fake->reqs[i];

		memset(reply, 0, sizeof(reply));
		put_unaligned_le32(1, reply);
		/* echo the requested VMID as the partner */
		put_unaligned_le16(get_unaligned_le16(req->payload), reply + 6);
		fake_push_reply(fake, req->hdr.seq, req->hdr.msg_id, 0, reply,
				sizeof(reply));
	}
	gunyah_rm_rx(&fake->rm);

	for (i = 0; i < CONCURRENT_CALLERS; i++) {
		KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&callers[i].done,
								    10 * HZ));
		KUNIT_EXPECT_EQ(test, callers[i].ret, 0);
		KUNIT_EXPECT_EQ(test, callers[i].partner, callers[i].vmid);
	}
}

static void send_retries_when_full(struct kunit *test)
{
	struct fake_rm *fake = test->priv;

	fake->full_before_accept = 3;
	fake->ready_after_full = true;
	KUNIT_EXPECT_EQ(test, gunyah_rm_vm_init(&fake->rm, 5), 0);
	KUNIT_EXPECT_EQ(test, fake->send_attempts, 4);
	KUNIT_EXPECT_EQ(test, fake->reqs[0].hdr.msg_id, GUNYAH_RM_RPC_VM_INIT);
}

/* The queue drains but its TX interrupt is lost: polling still gets through */
static void send_recovers_without_tx_interrupt(struct kunit *test)
{
	struct fake_rm *fake = test->priv;

	fake->full_before_accept = 2;
	fake->ready_after_full = false;
	KUNIT_EXPECT_EQ(test, gunyah_rm_vm_init(&fake->rm, 5), 0);
	KUNIT_EXPECT_EQ(test, fake->send_attempts, 3);
}

static void send_full_forever_times_out(struct kunit *test)
{
	struct fake_rm *fake = test->priv;

	fake->full_before_accept = 1000;
	fake->rm.call_timeout = msecs_to_jiffies(100);
	/* Not one fragment got through: the RM never saw the request */
	KUNIT_EXPECT_EQ(test, gunyah_rm_vm_init(&fake->rm, 5), -ECOMM);
	KUNIT_EXPECT_EQ(test, fake->n_reqs, 0);
}

static void send_error_propagates(struct kunit *test)
{
	struct fake_rm *fake = test->priv;

	fake->send_error = -EIO;
	KUNIT_EXPECT_EQ(test, gunyah_rm_vm_init(&fake->rm, 5), -ECOMM);
}

static void oversized_request_refused(struct kunit *test)
{
	struct fake_rm *fake = test->priv;
	size_t len = GUNYAH_RM_MAX_PAYLOAD + 1;
	void *big = kunit_kzalloc(test, len, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, big);
	KUNIT_EXPECT_EQ(test, gunyah_rm_call(&fake->rm, 0x56000001, big, len,
					     NULL, NULL), -EMSGSIZE);
	KUNIT_EXPECT_EQ(test, fake->send_attempts, 0);
}

/* A vCPU's wakeup vIRQ is a GIC INTID: SPIs and extended SPIs, edges */
static void virq_fwspec_encoding(struct kunit *test)
{
	static const u32 bad[] = { 0, 15, 31, 1020, 1023, 4095, 5120, U32_MAX };
	struct fake_rm *fake = test->priv;
	struct irq_fwspec fwspec = {};
	unsigned int i;

	KUNIT_ASSERT_EQ(test, arch_gunyah_fill_irq_fwspec(40, &fwspec), 0);
	KUNIT_EXPECT_EQ(test, fwspec.param_count, 3);
	KUNIT_EXPECT_EQ(test, fwspec.param[0], GIC_SPI);
	KUNIT_EXPECT_EQ(test, fwspec.param[1], 8);
	KUNIT_EXPECT_EQ(test, fwspec.param[2], IRQ_TYPE_EDGE_RISING);
	KUNIT_ASSERT_EQ(test, arch_gunyah_fill_irq_fwspec(1019, &fwspec), 0);
	KUNIT_EXPECT_EQ(test, fwspec.param[1], 987);
	KUNIT_ASSERT_EQ(test, arch_gunyah_fill_irq_fwspec(4100, &fwspec), 0);
	KUNIT_EXPECT_EQ(test, fwspec.param[0], GIC_ESPI);
	KUNIT_EXPECT_EQ(test, fwspec.param[1], 4);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		KUNIT_EXPECT_EQ_MSG(test, arch_gunyah_fill_irq_fwspec(bad[i], &fwspec),
				    -EINVAL, "INTID %u", bad[i]);
	/* An RM with no interrupt controller in its node maps nothing */
	KUNIT_EXPECT_EQ(test, gunyah_rm_virq_to_irq(&fake->rm, 40), -ENODEV);
}

static struct kunit_case gunyah_rm_rpc_cases[] = {
	KUNIT_CASE(get_vmid_ok),
	KUNIT_CASE(get_vmid_short_reply),
	KUNIT_CASE(reply_without_error_word),
	KUNIT_CASE(rm_errors_map_to_errnos),
	KUNIT_CASE(no_reply_times_out),
	KUNIT_CASE(one_deadline_per_message),
	KUNIT_CASE(rx_drains_past_bad_message),
	KUNIT_CASE(reply_with_wrong_sequence),
	KUNIT_CASE(reply_with_wrong_message_id),
	KUNIT_CASE(reply_with_bad_fragment_count),
	KUNIT_CASE(hyp_resources_multi_fragment),
	KUNIT_CASE(hyp_resources_bad_counts),
	KUNIT_CASE(alloc_vmid_encodings),
	KUNIT_CASE(alloc_vmid_invalid_reply),
	KUNIT_CASE(vm_stop_and_config_encoding),
	KUNIT_CASE(mem_lend_encoding),
	KUNIT_CASE(mem_share_splits_sgl),
	KUNIT_CASE(contiguous_pages_are_one_entry),
	KUNIT_CASE(mem_share_append_failure_keeps_handle),
	KUNIT_CASE(mem_create_checks_reply_and_limits),
	KUNIT_CASE(reclaim_encoding_and_inuse),
	KUNIT_CASE(mem_notify_encoding),
	KUNIT_CASE(lend_reply_lost_found_again),
	KUNIT_CASE(lend_reply_lost_never_applied),
	KUNIT_CASE(lend_outcome_unresolved_leaks),
	KUNIT_CASE(lend_never_sent_is_refused),
	KUNIT_CASE(reclaim_reply_lost_sent_again),
	KUNIT_CASE(reclaim_in_use_stays_shared),
	KUNIT_CASE(notifications_routed_by_vmid),
	KUNIT_CASE(notifications_routed_by_handle),
	KUNIT_CASE(request_from_rm_dropped),
	KUNIT_CASE(concurrent_callers_out_of_order),
	KUNIT_CASE(send_retries_when_full),
	KUNIT_CASE(send_recovers_without_tx_interrupt),
	KUNIT_CASE(send_full_forever_times_out),
	KUNIT_CASE(send_error_propagates),
	KUNIT_CASE(oversized_request_refused),
	KUNIT_CASE(virq_fwspec_encoding),
	{}
};

static struct kunit_suite gunyah_rm_rpc_suite = {
	.name = "gunyah_rm_rpc",
	.init = fake_rm_init,
	.exit = fake_rm_exit,
	.test_cases = gunyah_rm_rpc_cases,
};

kunit_test_suite(gunyah_rm_rpc_suite);

MODULE_DESCRIPTION("KUnit tests for the Gunyah RM client");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
