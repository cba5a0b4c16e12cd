/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Gunyah Resource Manager message codec: the framing of RM RPC messages on
 * the message queues, without any transport or state beyond one message.
 *
 * Wire format from quic/gunyah-resource-manager include/rm-rpc.h and
 * src/rpc/rm-rpc.c (create_rpc_header, write_rpc_header, read_rpc_header,
 * start_xmit, do_recv).
 */

#ifndef __GUNYAH_RSC_MGR_MSG_H
#define __GUNYAH_RSC_MGR_MSG_H

#include <linux/types.h>

/* A message queue message carries at most this many bytes (RM_RPC_MESSAGE_SIZE) */
#define GUNYAH_RM_MSG_SIZE		240
#define GUNYAH_RM_HDR_SIZE		8
/* Payload bytes per fragment (RM_RPC_MAX_CONTENT) */
#define GUNYAH_RM_MAX_FRAG_PAYLOAD	(GUNYAH_RM_MSG_SIZE - GUNYAH_RM_HDR_SIZE)
/*
 * The header's fragment count is the number of continuation fragments
 * after the first one (RM_RPC_MAX_FRAGMENTS), so a message spans at most
 * 63 queue messages.
 */
#define GUNYAH_RM_MAX_FRAGMENTS		62
#define GUNYAH_RM_MAX_PAYLOAD \
	(GUNYAH_RM_MAX_FRAG_PAYLOAD * (GUNYAH_RM_MAX_FRAGMENTS + 1))

#define GUNYAH_RM_API_VERSION		1
#define GUNYAH_RM_HDR_WORDS		(GUNYAH_RM_HDR_SIZE / 4)

enum gunyah_rm_msg_type {
	GUNYAH_RM_TYPE_CONTINUATION	= 0,
	GUNYAH_RM_TYPE_REQUEST		= 1,
	GUNYAH_RM_TYPE_REPLY		= 2,
	GUNYAH_RM_TYPE_NOTIF		= 3,
};

/* Unpacked header; gunyah_rm_hdr_pack() produces the 8 wire bytes. */
struct gunyah_rm_msg_hdr {
	u8 api_version;
	u8 header_words;
	u8 type;
	u8 fragments;	/* continuation fragments after this message's first */
	u16 seq;
	u32 msg_id;
};

void gunyah_rm_hdr_pack(const struct gunyah_rm_msg_hdr *hdr, void *buf);
int gunyah_rm_hdr_unpack(const void *buf, size_t len,
			 struct gunyah_rm_msg_hdr *hdr);

int gunyah_rm_fragments_for(size_t payload_len);
ssize_t gunyah_rm_build_fragment(enum gunyah_rm_msg_type type, u16 seq,
				 u32 msg_id, const void *payload,
				 size_t payload_len, unsigned int index,
				 void *buf, size_t buf_size);

/**
 * struct gunyah_rm_reassembly - a message being put together from fragments
 * @hdr: header of the first fragment (type is the message's type)
 * @payload: kmalloc'ed payload, owned by the reassembly until taken
 * @len: payload bytes received so far
 * @frags_left: continuation fragments still expected
 * @active: a first fragment arrived and the message is not complete yet
 * @complete: @payload holds a whole message that the caller may take
 */
struct gunyah_rm_reassembly {
	struct gunyah_rm_msg_hdr hdr;
	void *payload;
	size_t len;
	unsigned int frags_left;
	bool active;
	bool complete;
};

int gunyah_rm_reassembly_feed(struct gunyah_rm_reassembly *r,
			      const void *frag, size_t frag_len, gfp_t gfp);
void *gunyah_rm_reassembly_take(struct gunyah_rm_reassembly *r,
				struct gunyah_rm_msg_hdr *hdr, size_t *len);
void gunyah_rm_reassembly_reset(struct gunyah_rm_reassembly *r);

/* A reply payload starts with the le32 RM error code (rm_standard_rep_t). */
#define GUNYAH_RM_REPLY_ERR_SIZE	4

int gunyah_rm_reply_split(const void *payload, size_t len, u32 *rm_error,
			  const void **data, size_t *data_len);
size_t gunyah_rm_reply_build(u32 rm_error, const void *data, size_t data_len,
			     void *buf, size_t buf_size);

#endif
