// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for the Gunyah Resource Manager message codec: header bytes
 * as the RM writes them, fragmentation, reassembly and every rejection.
 */

#include <kunit/test.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "rsc_mgr_msg.h"

/* The header bytes the RM's write_rpc_header() produces for these fields */
static void hdr_pack_matches_wire_bytes(struct kunit *test)
{
	const struct gunyah_rm_msg_hdr hdr = {
		.api_version = GUNYAH_RM_API_VERSION,
		.header_words = GUNYAH_RM_HDR_WORDS,
		.type = GUNYAH_RM_TYPE_REPLY,
		.fragments = 5,
		.seq = 0xbeef,
		.msg_id = 0x56000024,
	};
	const u8 expected[GUNYAH_RM_HDR_SIZE] = {
		0x21, (5 << 2) | 2, 0xef, 0xbe, 0x24, 0x00, 0x00, 0x56,
	};
	u8 buf[GUNYAH_RM_HDR_SIZE];

	gunyah_rm_hdr_pack(&hdr, buf);
	KUNIT_EXPECT_MEMEQ(test, buf, expected, sizeof(expected));
}

static void hdr_unpack_roundtrip(struct kunit *test)
{
	const struct gunyah_rm_msg_hdr hdr = {
		.api_version = GUNYAH_RM_API_VERSION,
		.header_words = GUNYAH_RM_HDR_WORDS,
		.type = GUNYAH_RM_TYPE_NOTIF,
		.fragments = GUNYAH_RM_MAX_FRAGMENTS,
		.seq = 7,
		.msg_id = 0x51100011,
	};
	struct gunyah_rm_msg_hdr out;
	u8 buf[GUNYAH_RM_HDR_SIZE];

	gunyah_rm_hdr_pack(&hdr, buf);
	KUNIT_ASSERT_EQ(test, gunyah_rm_hdr_unpack(buf, sizeof(buf), &out), 0);
	KUNIT_EXPECT_EQ(test, out.type, GUNYAH_RM_TYPE_NOTIF);
	KUNIT_EXPECT_EQ(test, out.fragments, GUNYAH_RM_MAX_FRAGMENTS);
	KUNIT_EXPECT_EQ(test, out.seq, 7);
	KUNIT_EXPECT_EQ(test, out.msg_id, 0x51100011);
}

static void hdr_unpack_rejects_short(struct kunit *test)
{
	u8 buf[GUNYAH_RM_HDR_SIZE] = { 0x21, 0x01 };
	struct gunyah_rm_msg_hdr out;

	KUNIT_EXPECT_EQ(test, gunyah_rm_hdr_unpack(buf, 0, &out), -EBADMSG);
	KUNIT_EXPECT_EQ(test, gunyah_rm_hdr_unpack(buf, 7, &out), -EBADMSG);
	KUNIT_EXPECT_EQ(test, gunyah_rm_hdr_unpack(buf, 8, &out), 0);
}

static void hdr_unpack_rejects_oversized(struct kunit *test)
{
	u8 *buf = kunit_kzalloc(test, GUNYAH_RM_MSG_SIZE + 1, GFP_KERNEL);
	struct gunyah_rm_msg_hdr out;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	buf[0] = 0x21;
	buf[1] = GUNYAH_RM_TYPE_REPLY;
	KUNIT_EXPECT_EQ(test, gunyah_rm_hdr_unpack(buf, GUNYAH_RM_MSG_SIZE, &out), 0);
	KUNIT_EXPECT_EQ(test, gunyah_rm_hdr_unpack(buf, GUNYAH_RM_MSG_SIZE + 1, &out),
			-EMSGSIZE);
}

static void hdr_unpack_rejects_bad_version(struct kunit *test)
{
	u8 version2[GUNYAH_RM_HDR_SIZE] = { 0x22, 0x01 };
	u8 words3[GUNYAH_RM_HDR_SIZE] = { 0x31, 0x01 };
	u8 zero[GUNYAH_RM_HDR_SIZE] = { 0 };
	struct gunyah_rm_msg_hdr out;

	KUNIT_EXPECT_EQ(test, gunyah_rm_hdr_unpack(version2, 8, &out),
			-EPROTONOSUPPORT);
	KUNIT_EXPECT_EQ(test, gunyah_rm_hdr_unpack(words3, 8, &out),
			-EPROTONOSUPPORT);
	KUNIT_EXPECT_EQ(test, gunyah_rm_hdr_unpack(zero, 8, &out),
			-EPROTONOSUPPORT);
}

static void hdr_unpack_rejects_too_many_fragments(struct kunit *test)
{
	u8 buf[GUNYAH_RM_HDR_SIZE] = { 0x21, (63 << 2) | 1 };
	u8 ok[GUNYAH_RM_HDR_SIZE] = { 0x21, (62 << 2) | 1 };
	struct gunyah_rm_msg_hdr out;

	KUNIT_EXPECT_EQ(test, gunyah_rm_hdr_unpack(buf, 8, &out), -E2BIG);
	KUNIT_EXPECT_EQ(test, gunyah_rm_hdr_unpack(ok, 8, &out), 0);
	KUNIT_EXPECT_EQ(test, out.fragments, 62);
}

static void fragments_for_lengths(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, gunyah_rm_fragments_for(0), 0);
	KUNIT_EXPECT_EQ(test, gunyah_rm_fragments_for(1), 0);
	KUNIT_EXPECT_EQ(test, gunyah_rm_fragments_for(232), 0);
	KUNIT_EXPECT_EQ(test, gunyah_rm_fragments_for(233), 1);
	KUNIT_EXPECT_EQ(test, gunyah_rm_fragments_for(464), 1);
	KUNIT_EXPECT_EQ(test, gunyah_rm_fragments_for(465), 2);
	KUNIT_EXPECT_EQ(test, gunyah_rm_fragments_for(232 * 63), 62);
	KUNIT_EXPECT_EQ(test, gunyah_rm_fragments_for(232 * 63 + 1), -EMSGSIZE);
}

static void build_fragment_layout(struct kunit *test)
{
	u8 payload[300], buf[GUNYAH_RM_MSG_SIZE];
	struct gunyah_rm_msg_hdr hdr;
	ssize_t len;
	int i;

	for (i = 0; i < sizeof(payload); i++)
		payload[i] = i;

	len = gunyah_rm_build_fragment(GUNYAH_RM_TYPE_REQUEST, 9, 0x51000012,
				       payload, sizeof(payload), 0, buf,
				       sizeof(buf));
	KUNIT_ASSERT_EQ(test, len, 240);
	KUNIT_ASSERT_EQ(test, gunyah_rm_hdr_unpack(buf, len, &hdr), 0);
	KUNIT_EXPECT_EQ(test, hdr.type, GUNYAH_RM_TYPE_REQUEST);
	KUNIT_EXPECT_EQ(test, hdr.fragments, 1);
	KUNIT_EXPECT_MEMEQ(test, buf + 8, payload, 232);

	len = gunyah_rm_build_fragment(GUNYAH_RM_TYPE_REQUEST, 9, 0x51000012,
				       payload, sizeof(payload), 1, buf,
				       sizeof(buf));
	KUNIT_ASSERT_EQ(test, len, 8 + 300 - 232);
	KUNIT_ASSERT_EQ(test, gunyah_rm_hdr_unpack(buf, len, &hdr), 0);
	KUNIT_EXPECT_EQ(test, hdr.type, GUNYAH_RM_TYPE_CONTINUATION);
	KUNIT_EXPECT_EQ(test, hdr.fragments, 1);
	KUNIT_EXPECT_EQ(test, hdr.seq, 9);
	KUNIT_EXPECT_EQ(test, hdr.msg_id, 0x51000012);
	KUNIT_EXPECT_MEMEQ(test, buf + 8, payload + 232, 300 - 232);
}

static void build_fragment_rejects_bad_arguments(struct kunit *test)
{
	u8 payload[16] = { 0 }, buf[GUNYAH_RM_MSG_SIZE];

	KUNIT_EXPECT_EQ(test, gunyah_rm_build_fragment(GUNYAH_RM_TYPE_REQUEST, 0,
						       0, payload, 16, 1, buf,
						       sizeof(buf)), -EINVAL);
	KUNIT_EXPECT_EQ(test, gunyah_rm_build_fragment(GUNYAH_RM_TYPE_CONTINUATION,
						       0, 0, payload, 16, 0,
						       buf, sizeof(buf)), -EINVAL);
	KUNIT_EXPECT_EQ(test, gunyah_rm_build_fragment(GUNYAH_RM_TYPE_REQUEST, 0,
						       0, payload, 16, 0, buf,
						       8 + 15), -ENOSPC);
	KUNIT_EXPECT_EQ(test, gunyah_rm_build_fragment(GUNYAH_RM_TYPE_REQUEST, 0,
						       0, payload,
						       GUNYAH_RM_MAX_PAYLOAD + 1,
						       0, buf, sizeof(buf)),
			-EMSGSIZE);
	KUNIT_EXPECT_EQ(test, gunyah_rm_build_fragment(GUNYAH_RM_TYPE_REQUEST, 0,
						       0, NULL, 0, 0, buf,
						       sizeof(buf)), 8);
}

/* Split @len bytes and feed every fragment back; return the reassembly */
static void *split_and_join(struct kunit *test, size_t len, size_t *out_len,
			    struct gunyah_rm_msg_hdr *out_hdr, u8 **sent)
{
	struct gunyah_rm_reassembly r = { 0 };
	u8 buf[GUNYAH_RM_MSG_SIZE];
	int fragments, i;
	void *payload;
	ssize_t flen;
	u8 *data;

	data = kunit_kmalloc(test, len ? len : 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, data);
	for (i = 0; i < len; i++)
		data[i] = i * 7 + 3;
	*sent = data;

	fragments = gunyah_rm_fragments_for(len);
	KUNIT_ASSERT_GE(test, fragments, 0);
	for (i = 0; i <= fragments; i++) {
		flen = gunyah_rm_build_fragment(GUNYAH_RM_TYPE_REPLY, 42,
						0x56000020, data, len, i, buf,
						sizeof(buf));
		KUNIT_ASSERT_GT(test, flen, 0);
		KUNIT_ASSERT_EQ(test, r.complete, false);
		KUNIT_ASSERT_EQ(test, gunyah_rm_reassembly_feed(&r, buf, flen,
								GFP_KERNEL), 0);
	}
	KUNIT_EXPECT_TRUE(test, r.complete);
	payload = gunyah_rm_reassembly_take(&r, out_hdr, out_len);
	KUNIT_EXPECT_FALSE(test, r.complete);
	gunyah_rm_reassembly_reset(&r);

	return payload;
}

static void roundtrip_lengths(struct kunit *test)
{
	static const size_t lengths[] = {
		0, 1, 231, 232, 233, 464, 465, 1000, GUNYAH_RM_MAX_PAYLOAD,
	};
	struct gunyah_rm_msg_hdr hdr;
	size_t i, len;
	void *payload;
	u8 *sent;

	for (i = 0; i < ARRAY_SIZE(lengths); i++) {
		payload = split_and_join(test, lengths[i], &len, &hdr, &sent);
		KUNIT_ASSERT_NOT_NULL(test, payload);
		KUNIT_EXPECT_EQ(test, len, lengths[i]);
		KUNIT_EXPECT_EQ(test, hdr.type, GUNYAH_RM_TYPE_REPLY);
		KUNIT_EXPECT_EQ(test, hdr.seq, 42);
		KUNIT_EXPECT_EQ(test, hdr.msg_id, 0x56000020);
		if (len == lengths[i] && len)
			KUNIT_EXPECT_MEMEQ(test, payload, sent, len);
		kfree(payload);
	}
}

/* Writes one hand-made fragment whose payload bytes are type + 0x40 */
static size_t make_frag(u8 *buf, u8 type, u8 fragments, u16 seq, u32 msg_id,
			size_t payload_len)
{
	struct gunyah_rm_msg_hdr hdr = {
		.api_version = GUNYAH_RM_API_VERSION,
		.header_words = GUNYAH_RM_HDR_WORDS,
		.type = type,
		.fragments = fragments,
		.seq = seq,
		.msg_id = msg_id,
	};

	gunyah_rm_hdr_pack(&hdr, buf);
	memset(buf + GUNYAH_RM_HDR_SIZE, type + 0x40, payload_len);

	return GUNYAH_RM_HDR_SIZE + payload_len;
}

static void continuation_without_start(struct kunit *test)
{
	struct gunyah_rm_reassembly r = { 0 };
	u8 buf[GUNYAH_RM_MSG_SIZE];
	size_t len = make_frag(buf, GUNYAH_RM_TYPE_CONTINUATION, 1, 1, 2, 10);

	KUNIT_EXPECT_EQ(test, gunyah_rm_reassembly_feed(&r, buf, len, GFP_KERNEL),
			-EPROTO);
	KUNIT_EXPECT_FALSE(test, r.complete);
	KUNIT_EXPECT_FALSE(test, r.active);
}

static void continuation_mismatches_dropped(struct kunit *test)
{
	struct gunyah_rm_reassembly r = { 0 };
	struct gunyah_rm_msg_hdr hdr;
	u8 buf[GUNYAH_RM_MSG_SIZE];
	size_t len, size;
	void *payload;

	len = make_frag(buf, GUNYAH_RM_TYPE_REPLY, 1, 5, 0x56000001, 232);
	KUNIT_ASSERT_EQ(test, gunyah_rm_reassembly_feed(&r, buf, len, GFP_KERNEL), 0);
	KUNIT_ASSERT_TRUE(test, r.active);

	len = make_frag(buf, GUNYAH_RM_TYPE_CONTINUATION, 1, 6, 0x56000001, 4);
	KUNIT_EXPECT_EQ(test, gunyah_rm_reassembly_feed(&r, buf, len, GFP_KERNEL),
			-EILSEQ);
	len = make_frag(buf, GUNYAH_RM_TYPE_CONTINUATION, 1, 5, 0x56000002, 4);
	KUNIT_EXPECT_EQ(test, gunyah_rm_reassembly_feed(&r, buf, len, GFP_KERNEL),
			-EILSEQ);
	len = make_frag(buf, GUNYAH_RM_TYPE_CONTINUATION, 2, 5, 0x56000001, 4);
	KUNIT_EXPECT_EQ(test, gunyah_rm_reassembly_feed(&r, buf, len, GFP_KERNEL),
			-EBADE);
	KUNIT_EXPECT_EQ(test, gunyah_rm_reassembly_feed(&r, buf, 3, GFP_KERNEL),
			-EBADMSG);
	KUNIT_EXPECT_TRUE(test, r.active);
	KUNIT_EXPECT_EQ(test, r.len, 232);

	/* The rejected fragments did not disturb the message in progress */
	len = make_frag(buf, GUNYAH_RM_TYPE_CONTINUATION, 1, 5, 0x56000001, 4);
	KUNIT_ASSERT_EQ(test, gunyah_rm_reassembly_feed(&r, buf, len, GFP_KERNEL), 0);
	KUNIT_ASSERT_TRUE(test, r.complete);
	payload = gunyah_rm_reassembly_take(&r, &hdr, &size);
	KUNIT_ASSERT_NOT_NULL(test, payload);
	KUNIT_EXPECT_EQ(test, size, 236);
	KUNIT_EXPECT_EQ(test, hdr.seq, 5);
	KUNIT_EXPECT_EQ(test, ((u8 *)payload)[0], GUNYAH_RM_TYPE_REPLY + 0x40);
	KUNIT_EXPECT_EQ(test, ((u8 *)payload)[235], 0x40);
	kfree(payload);
}

static void new_message_abandons_partial(struct kunit *test)
{
	struct gunyah_rm_reassembly r = { 0 };
	struct gunyah_rm_msg_hdr hdr;
	u8 buf[GUNYAH_RM_MSG_SIZE];
	size_t len, size;
	void *payload;

	len = make_frag(buf, GUNYAH_RM_TYPE_REPLY, 3, 1, 0x56000001, 232);
	KUNIT_ASSERT_EQ(test, gunyah_rm_reassembly_feed(&r, buf, len, GFP_KERNEL), 0);
	len = make_frag(buf, GUNYAH_RM_TYPE_NOTIF, 0, 2, 0x56100008, 8);
	KUNIT_ASSERT_EQ(test, gunyah_rm_reassembly_feed(&r, buf, len, GFP_KERNEL), 0);
	KUNIT_ASSERT_TRUE(test, r.complete);

	/* A complete message must be taken before anything else is fed */
	KUNIT_EXPECT_EQ(test, gunyah_rm_reassembly_feed(&r, buf, len, GFP_KERNEL),
			-EBUSY);

	payload = gunyah_rm_reassembly_take(&r, &hdr, &size);
	KUNIT_ASSERT_NOT_NULL(test, payload);
	KUNIT_EXPECT_EQ(test, hdr.type, GUNYAH_RM_TYPE_NOTIF);
	KUNIT_EXPECT_EQ(test, hdr.msg_id, 0x56100008);
	KUNIT_EXPECT_EQ(test, size, 8);
	kfree(payload);

	/* The abandoned message's continuation no longer has a start */
	len = make_frag(buf, GUNYAH_RM_TYPE_CONTINUATION, 3, 1, 0x56000001, 8);
	KUNIT_EXPECT_EQ(test, gunyah_rm_reassembly_feed(&r, buf, len, GFP_KERNEL),
			-EPROTO);
	KUNIT_EXPECT_NULL(test, gunyah_rm_reassembly_take(&r, &hdr, &size));
}

static void empty_single_fragment_message(struct kunit *test)
{
	struct gunyah_rm_reassembly r = { 0 };
	struct gunyah_rm_msg_hdr hdr;
	u8 buf[GUNYAH_RM_MSG_SIZE];
	size_t len, size = 99;
	void *payload;

	len = make_frag(buf, GUNYAH_RM_TYPE_REQUEST, 0, 3, 0x51000015, 0);
	KUNIT_ASSERT_EQ(test, gunyah_rm_reassembly_feed(&r, buf, len, GFP_KERNEL), 0);
	payload = gunyah_rm_reassembly_take(&r, &hdr, &size);
	KUNIT_ASSERT_NOT_NULL(test, payload);
	KUNIT_EXPECT_EQ(test, size, 0);
	KUNIT_EXPECT_EQ(test, hdr.type, GUNYAH_RM_TYPE_REQUEST);
	kfree(payload);
}

static void reply_split_checks_length(struct kunit *test)
{
	const u8 reply[] = { 0x0b, 0, 0, 0, 0xaa, 0xbb };
	const void *data;
	size_t data_len;
	u32 rm_error;

	KUNIT_EXPECT_EQ(test, gunyah_rm_reply_split(reply, 3, &rm_error, &data,
						    &data_len), -EBADMSG);
	KUNIT_EXPECT_EQ(test, gunyah_rm_reply_split(reply, 0, &rm_error, &data,
						    &data_len), -EBADMSG);
	KUNIT_ASSERT_EQ(test, gunyah_rm_reply_split(reply, 4, &rm_error, &data,
						    &data_len), 0);
	KUNIT_EXPECT_EQ(test, rm_error, 0xb);
	KUNIT_EXPECT_EQ(test, data_len, 0);
	KUNIT_ASSERT_EQ(test, gunyah_rm_reply_split(reply, sizeof(reply),
						    &rm_error, &data,
						    &data_len), 0);
	KUNIT_EXPECT_EQ(test, data_len, 2);
	KUNIT_EXPECT_PTR_EQ(test, data, (const void *)(reply + 4));
}

static void reply_build_layout(struct kunit *test)
{
	const u8 data[] = { 1, 2, 3 };
	const u8 expected[] = { 0x14, 0, 0, 0, 1, 2, 3 };
	u8 buf[8];

	KUNIT_EXPECT_EQ(test, gunyah_rm_reply_build(0x14, data, 3, buf, 7), 7);
	KUNIT_EXPECT_MEMEQ(test, buf, expected, sizeof(expected));
	KUNIT_EXPECT_EQ(test, gunyah_rm_reply_build(0x14, data, 3, buf, 6), 0);
	KUNIT_EXPECT_EQ(test, gunyah_rm_reply_build(0x14, NULL, 0, buf, 3), 0);
	KUNIT_EXPECT_EQ(test, gunyah_rm_reply_build(0, NULL, 0, buf, 4), 4);
}

static struct kunit_case gunyah_rm_msg_cases[] = {
	KUNIT_CASE(hdr_pack_matches_wire_bytes),
	KUNIT_CASE(hdr_unpack_roundtrip),
	KUNIT_CASE(hdr_unpack_rejects_short),
	KUNIT_CASE(hdr_unpack_rejects_oversized),
	KUNIT_CASE(hdr_unpack_rejects_bad_version),
	KUNIT_CASE(hdr_unpack_rejects_too_many_fragments),
	KUNIT_CASE(fragments_for_lengths),
	KUNIT_CASE(build_fragment_layout),
	KUNIT_CASE(build_fragment_rejects_bad_arguments),
	KUNIT_CASE(roundtrip_lengths),
	KUNIT_CASE(continuation_without_start),
	KUNIT_CASE(continuation_mismatches_dropped),
	KUNIT_CASE(new_message_abandons_partial),
	KUNIT_CASE(empty_single_fragment_message),
	KUNIT_CASE(reply_split_checks_length),
	KUNIT_CASE(reply_build_layout),
	{}
};

static struct kunit_suite gunyah_rm_msg_suite = {
	.name = "gunyah_rm_msg",
	.test_cases = gunyah_rm_msg_cases,
};

kunit_test_suite(gunyah_rm_msg_suite);

MODULE_DESCRIPTION("KUnit tests for the Gunyah RM message codec");
MODULE_LICENSE("GPL");
