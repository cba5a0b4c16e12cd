// SPDX-License-Identifier: GPL-2.0-only
/*
 * Gunyah Resource Manager message codec.
 *
 * Pure functions over buffers: header packing, splitting a message into
 * queue-sized fragments, and putting fragments back together with every
 * length and consistency check done before a byte is copied.
 *
 * Header layout (quic/gunyah-resource-manager src/rpc/rm-rpc.c,
 * write_rpc_header/read_rpc_header):
 *   byte 0: header_words << 4 | api_version          (0x21)
 *   byte 1: fragments << 2 | type                   (type 0 = continuation)
 *   byte 2-3: le16 sequence number
 *   byte 4-7: le32 message ID
 * The first fragment carries the message type; the following ones are type
 * 0 and repeat sequence, message ID and fragment count (do_xmit/do_recv).
 */

#include <linux/bitfield.h>
#include <linux/errno.h>
#include <linux/minmax.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/unaligned.h>

#include "rsc_mgr_msg.h"

#define GUNYAH_RM_HDR_API_VERSION	GENMASK(3, 0)
#define GUNYAH_RM_HDR_WORDS_MASK	GENMASK(7, 4)
#define GUNYAH_RM_HDR_TYPE		GENMASK(1, 0)
#define GUNYAH_RM_HDR_FRAGMENTS		GENMASK(7, 2)

/**
 * gunyah_rm_hdr_pack() - write the 8 header bytes
 * @hdr: header; fields wider than their wire bits are truncated
 * @buf: at least GUNYAH_RM_HDR_SIZE bytes
 */
void gunyah_rm_hdr_pack(const struct gunyah_rm_msg_hdr *hdr, void *buf)
{
	u8 *bytes = buf;

	bytes[0] = FIELD_PREP(GUNYAH_RM_HDR_WORDS_MASK, hdr->header_words) |
		   FIELD_PREP(GUNYAH_RM_HDR_API_VERSION, hdr->api_version);
	bytes[1] = FIELD_PREP(GUNYAH_RM_HDR_FRAGMENTS, hdr->fragments) |
		   FIELD_PREP(GUNYAH_RM_HDR_TYPE, hdr->type);
	put_unaligned_le16(hdr->seq, bytes + 2);
	put_unaligned_le32(hdr->msg_id, bytes + 4);
}

/**
 * gunyah_rm_hdr_unpack() - read and check the header of one queue message
 * @buf: the received queue message
 * @len: its length
 * @hdr: receives the header
 *
 * Return: 0, -EBADMSG if @len cannot hold a header, -EMSGSIZE if @len is
 * more than a queue message holds, -EPROTONOSUPPORT for an unknown API
 * version or header size, -E2BIG for a fragment count above 62.
 */
int gunyah_rm_hdr_unpack(const void *buf, size_t len,
			 struct gunyah_rm_msg_hdr *hdr)
{
	const u8 *bytes = buf;

	if (len < GUNYAH_RM_HDR_SIZE)
		return -EBADMSG;
	if (len > GUNYAH_RM_MSG_SIZE)
		return -EMSGSIZE;

	hdr->api_version = FIELD_GET(GUNYAH_RM_HDR_API_VERSION, bytes[0]);
	hdr->header_words = FIELD_GET(GUNYAH_RM_HDR_WORDS_MASK, bytes[0]);
	hdr->type = FIELD_GET(GUNYAH_RM_HDR_TYPE, bytes[1]);
	hdr->fragments = FIELD_GET(GUNYAH_RM_HDR_FRAGMENTS, bytes[1]);
	hdr->seq = get_unaligned_le16(bytes + 2);
	hdr->msg_id = get_unaligned_le32(bytes + 4);

	if (hdr->api_version != GUNYAH_RM_API_VERSION ||
	    hdr->header_words != GUNYAH_RM_HDR_WORDS)
		return -EPROTONOSUPPORT;
	if (hdr->fragments > GUNYAH_RM_MAX_FRAGMENTS)
		return -E2BIG;

	return 0;
}

/**
 * gunyah_rm_fragments_for() - continuation fragments a payload needs
 * @payload_len: message payload length
 *
 * Return: 0..62, or -EMSGSIZE if the payload does not fit in 63 fragments.
 */
int gunyah_rm_fragments_for(size_t payload_len)
{
	if (payload_len > GUNYAH_RM_MAX_PAYLOAD)
		return -EMSGSIZE;
	if (!payload_len)
		return 0;

	return DIV_ROUND_UP(payload_len, GUNYAH_RM_MAX_FRAG_PAYLOAD) - 1;
}

/**
 * gunyah_rm_build_fragment() - write queue message number @index of a message
 * @type: message type (request, reply or notification)
 * @seq: sequence number
 * @msg_id: message ID
 * @payload: whole message payload
 * @payload_len: its length
 * @index: 0 for the first fragment, up to gunyah_rm_fragments_for()
 * @buf: output buffer
 * @buf_size: its size
 *
 * Return: bytes written, -EINVAL for a bad @type or @index, -EMSGSIZE if
 * the payload is too long, -ENOSPC if @buf is too small.
 */
ssize_t gunyah_rm_build_fragment(enum gunyah_rm_msg_type type, u16 seq,
				 u32 msg_id, const void *payload,
				 size_t payload_len, unsigned int index,
				 void *buf, size_t buf_size)
{
	struct gunyah_rm_msg_hdr hdr = {
		.api_version = GUNYAH_RM_API_VERSION,
		.header_words = GUNYAH_RM_HDR_WORDS,
		.seq = seq,
		.msg_id = msg_id,
	};
	size_t offset, chunk;
	int fragments;

	if (type == GUNYAH_RM_TYPE_CONTINUATION || type > GUNYAH_RM_TYPE_NOTIF)
		return -EINVAL;

	fragments = gunyah_rm_fragments_for(payload_len);
	if (fragments < 0)
		return fragments;
	if (index > fragments)
		return -EINVAL;

	offset = (size_t)index * GUNYAH_RM_MAX_FRAG_PAYLOAD;
	chunk = min_t(size_t, payload_len - offset, GUNYAH_RM_MAX_FRAG_PAYLOAD);
	if (buf_size < GUNYAH_RM_HDR_SIZE + chunk)
		return -ENOSPC;

	hdr.fragments = fragments;
	hdr.type = index ? GUNYAH_RM_TYPE_CONTINUATION : type;
	gunyah_rm_hdr_pack(&hdr, buf);
	if (chunk)
		memcpy(buf + GUNYAH_RM_HDR_SIZE, payload + offset, chunk);

	return GUNYAH_RM_HDR_SIZE + chunk;
}

/**
 * gunyah_rm_reassembly_reset() - forget any partial or complete message
 * @r: reassembly state
 */
void gunyah_rm_reassembly_reset(struct gunyah_rm_reassembly *r)
{
	kfree(r->payload);
	memset(r, 0, sizeof(*r));
}

static int gunyah_rm_reassembly_start(struct gunyah_rm_reassembly *r,
				      const struct gunyah_rm_msg_hdr *hdr,
				      const void *data, size_t len, gfp_t gfp)
{
	size_t capacity = hdr->fragments ?
		(hdr->fragments + 1) * GUNYAH_RM_MAX_FRAG_PAYLOAD : len;

	/*
	 * Like the RM itself (do_recv), a new first fragment abandons a
	 * message that was still missing fragments: the sender gave up on it.
	 */
	gunyah_rm_reassembly_reset(r);

	/* Never zero, so that a taken empty payload is still a valid pointer */
	r->payload = kmalloc(max_t(size_t, capacity, 1), gfp);
	if (!r->payload)
		return -ENOMEM;

	memcpy(r->payload, data, len);
	r->hdr = *hdr;
	r->len = len;
	r->frags_left = hdr->fragments;
	r->active = hdr->fragments != 0;
	r->complete = !r->active;

	return 0;
}

/**
 * gunyah_rm_reassembly_feed() - add one received queue message
 * @r: reassembly state
 * @frag: the queue message, header included
 * @frag_len: its length
 * @gfp: allocation flags for a new message's payload buffer
 *
 * When the message is whole, @r->complete is set and the caller takes it
 * with gunyah_rm_reassembly_take(). A rejected fragment is dropped and
 * leaves any partial message as it was.
 *
 * Return: 0 if the fragment was accepted; the errors of
 * gunyah_rm_hdr_unpack(); -EBUSY if a complete message was not taken yet;
 * -EPROTO for a continuation without a message in progress; -EILSEQ for a
 * continuation of another sequence number or message ID; -EBADE for a
 * continuation announcing a different fragment count; -EMSGSIZE if the
 * payload overruns what the fragment count allows; -ENOMEM.
 */
int gunyah_rm_reassembly_feed(struct gunyah_rm_reassembly *r,
			      const void *frag, size_t frag_len, gfp_t gfp)
{
	struct gunyah_rm_msg_hdr hdr;
	const void *data = frag + GUNYAH_RM_HDR_SIZE;
	size_t len;
	int ret;

	if (r->complete)
		return -EBUSY;

	ret = gunyah_rm_hdr_unpack(frag, frag_len, &hdr);
	if (ret)
		return ret;
	len = frag_len - GUNYAH_RM_HDR_SIZE;

	if (hdr.type != GUNYAH_RM_TYPE_CONTINUATION)
		return gunyah_rm_reassembly_start(r, &hdr, data, len, gfp);

	if (!r->active)
		return -EPROTO;
	if (hdr.seq != r->hdr.seq || hdr.msg_id != r->hdr.msg_id)
		return -EILSEQ;
	if (hdr.fragments != r->hdr.fragments)
		return -EBADE;
	if (len > (r->hdr.fragments + 1) * GUNYAH_RM_MAX_FRAG_PAYLOAD - r->len)
		return -EMSGSIZE;

	memcpy(r->payload + r->len, data, len);
	r->len += len;
	if (!--r->frags_left) {
		r->active = false;
		r->complete = true;
	}

	return 0;
}

/**
 * gunyah_rm_reassembly_take() - hand a complete message to the caller
 * @r: reassembly state
 * @hdr: receives the message header (type of the first fragment)
 * @len: receives the payload length
 *
 * Return: the payload, to be freed with kfree(), or NULL if no message is
 * complete.
 */
void *gunyah_rm_reassembly_take(struct gunyah_rm_reassembly *r,
				struct gunyah_rm_msg_hdr *hdr, size_t *len)
{
	void *payload;

	if (!r->complete)
		return NULL;

	payload = r->payload;
	*hdr = r->hdr;
	*len = r->len;
	r->payload = NULL;
	gunyah_rm_reassembly_reset(r);

	return payload;
}

/**
 * gunyah_rm_reply_split() - separate a reply's RM error code from its data
 * @payload: reassembled reply payload
 * @len: its length
 * @rm_error: receives the RM error code
 * @data: receives a pointer to the data after the error code
 * @data_len: receives the data length
 *
 * Return: 0, or -EBADMSG if the reply is too short for the error code.
 */
int gunyah_rm_reply_split(const void *payload, size_t len, u32 *rm_error,
			  const void **data, size_t *data_len)
{
	if (len < GUNYAH_RM_REPLY_ERR_SIZE)
		return -EBADMSG;

	*rm_error = get_unaligned_le32(payload);
	*data = payload + GUNYAH_RM_REPLY_ERR_SIZE;
	*data_len = len - GUNYAH_RM_REPLY_ERR_SIZE;

	return 0;
}

/**
 * gunyah_rm_reply_build() - build a reply payload, as the RM's rm_reply_error
 * @rm_error: RM error code
 * @data: reply data, or NULL
 * @data_len: its length
 * @buf: output buffer
 * @buf_size: its size
 *
 * Return: the payload length, or 0 if @buf is too small.
 */
size_t gunyah_rm_reply_build(u32 rm_error, const void *data, size_t data_len,
			     void *buf, size_t buf_size)
{
	if (buf_size < GUNYAH_RM_REPLY_ERR_SIZE ||
	    data_len > buf_size - GUNYAH_RM_REPLY_ERR_SIZE)
		return 0;

	put_unaligned_le32(rm_error, buf);
	if (data_len)
		memcpy(buf + GUNYAH_RM_REPLY_ERR_SIZE, data, data_len);

	return GUNYAH_RM_REPLY_ERR_SIZE + data_len;
}
