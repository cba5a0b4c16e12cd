// SPDX-License-Identifier: GPL-2.0
/*
 * Resource Manager RPC framing: header, fragments and reassembly, replies
 * and notifications.  Follows quic/gunyah-resource-manager src/rpc/rm-rpc.c:
 * a message is cut into packets of at most 240 bytes, each with the 8-byte
 * header; the first carries the message type, the others type CONTINUED,
 * all carry the same fragment count (packets - 1), sequence number and ID.
 * Packets the real RM would drop (short, bad header, stray continuation)
 * are dropped here too, and counted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rm_internal.h"

static void rm_outbox_push(struct rm_engine *e, uint16_t vmid,
			   const uint8_t *data, size_t len)
{
	struct rm_packet *pkt;

	if (e->outbox_len >= RM_MAX_OUTBOX) {
		rm_count(e, "rm_packets_dropped_outbox_full", 1);
		return;
	}
	pkt = calloc(1, sizeof(*pkt));
	if (!pkt) {
		rm_count(e, "rm_packets_dropped_nomem", 1);
		return;
	}
	pkt->vmid = vmid;
	pkt->len = (uint16_t)len;
	memcpy(pkt->data, data, len);
	if (e->outbox_tail)
		e->outbox_tail->next = pkt;
	else
		e->outbox_head = pkt;
	e->outbox_tail = pkt;
	e->outbox_len++;
}

void rm_send(struct rm_engine *e, uint16_t vmid, unsigned int type,
	     uint32_t msg_id, uint16_t seq, const uint8_t *payload, size_t len)
{
	uint8_t pkt[RM_MSG_SIZE];
	unsigned int fragments, i;
	size_t pos = 0;

	if (e->dead)
		return;
	if (len > RM_MAX_MSG_LEN) {
		rm_count(e, "rm_messages_too_long", 1);
		return;
	}
	if (e->ops.can_receive && !e->ops.can_receive(e->ops.ctx, vmid)) {
		/* No guest of that VMID runs in this emulator. */
		rm_count(e, "rm_messages_undeliverable", 1);
		return;
	}
	fragments = len ? (unsigned int)((len + RM_MAX_PAYLOAD - 1) /
					 RM_MAX_PAYLOAD) - 1 : 0;
	for (i = 0; i <= fragments; i++) {
		size_t chunk = len - pos;

		if (chunk > RM_MAX_PAYLOAD)
			chunk = RM_MAX_PAYLOAD;
		rm_put_header(pkt, i ? RM_TYPE_CONTINUED : type, fragments,
			      seq, msg_id);
		memcpy(pkt + RM_HEADER_SIZE, payload + pos, chunk);
		rm_outbox_push(e, vmid, pkt, RM_HEADER_SIZE + chunk);
		pos += chunk;
	}
	if (vmid == VMID_HLOS && e->ops.packet_queued)
		e->ops.packet_queued(e->ops.ctx);
}

/* A reply is the RM error code followed by the payload (rm_reply_error()). */
void rm_reply(struct rm_engine *e, uint16_t vmid, uint32_t msg_id,
	      uint16_t seq, uint32_t err, const void *data, size_t len)
{
	struct rm_lost_reply *lost = &e->lost_reply;
	char name[COUNTER_NAME_MAX];
	uint8_t *msg;

	if (err != RM_OK) {
		snprintf(name, sizeof(name), "rm_error_%x", err);
		rm_count(e, name, 1);
	}
	/* Fault injection: the request was served, its reply goes nowhere. */
	if (lost->active && lost->vmid == vmid && lost->msg_id == msg_id &&
	    lost->seq == seq) {
		lost->active = false;
		rm_count(e, "rm_replies_lost", 1);
		return;
	}
	msg = malloc(4 + len);
	if (!msg) {
		rm_count(e, "rm_messages_dropped_nomem", 1);
		return;
	}
	put_le32(msg, err);
	if (len)
		memcpy(msg + 4, data, len);
	rm_send(e, vmid, RM_TYPE_REPLY, msg_id, seq, msg, 4 + len);
	free(msg);
}

/*
 * Does @vmid have an RM RPC queue?  The primary's exists from boot; a
 * secondary gets one only when INIT finds an rm-rpc vdevice in its config
 * (vm_config.c handle_rm_rpc(), :2877-2887), and loses it with the config.
 */
static bool rm_has_rpc_queue(struct rm_engine *e, uint16_t vmid)
{
	struct rm_vm *vm = rm_vm_lookup(e, vmid);

	if (vmid == VMID_HLOS)
		return vm;
	return vm && vm->has_config && vm->cfg.has_rm_rpc;
}

void rm_notify(struct rm_engine *e, uint16_t vmid, uint32_t notif_id,
	       const void *data, size_t len)
{
	char reason[128];

	/*
	 * rm_notify() (rm-rpc-fifo.c:416-418) exits when the send fails, as
	 * rm_rpc_fifo_send_notification() does for a VM without a queue
	 * (:255-257).
	 */
	if (!rm_has_rpc_queue(e, vmid)) {
		snprintf(reason, sizeof(reason),
			 "notification 0x%08x to VM 0x%x, which has no RM RPC queue",
			 notif_id, vmid);
		rm_fatal(e, reason);
		return;
	}
	/* Like the real RM, one sequence counter for all notifications. */
	rm_send(e, vmid, RM_TYPE_NOTIFICATION, notif_id, e->notif_seq++,
		data, len);
}

/*
 * An RM list is a le16 entry count, 16 reserved bits, then the entries
 * (src/rpc/rm-rpc.c rm_rpc_read_list()).  An exhausted buffer reads as an
 * empty list; too many entries is NORESOURCE; a short list is MSG_INVALID.
 */
uint32_t rm_read_list(struct rm_reader *r, size_t entry_size,
		      uint16_t *entries, const uint8_t **list)
{
	size_t left = r->len - r->pos;
	size_t bytes;

	*entries = 0;
	*list = NULL;
	if (left == 0)
		return RM_OK;
	if (left < 4)
		return RM_ERROR_MSG_INVALID;
	*entries = get_le16(r->buf + r->pos);
	if (*entries > RM_MAX_LIST_ENTRIES)
		return RM_ERROR_NORESOURCE;
	bytes = (size_t)*entries * entry_size;
	if (left - 4 < bytes)
		return RM_ERROR_MSG_INVALID;
	*list = r->buf + r->pos + 4;
	r->pos += 4 + bytes;
	return RM_OK;
}

static void rm_rx_reset(struct rm_rx_state *rx)
{
	free(rx->buf);
	memset(rx, 0, sizeof(*rx));
}

static void rm_deliver(struct rm_engine *e, uint16_t vmid,
		       struct rm_rx_state *rx)
{
	if (rx->type == RM_TYPE_REQUEST)
		rm_dispatch(e, vmid, rx->msg_id, rx->seq, rx->buf, rx->len);
	else
		/* The RM serves requests; nobody sends it replies. */
		rm_count(e, "rm_messages_ignored", 1);
	rm_rx_reset(rx);
}

void rm_engine_receive(struct rm_engine *e, uint16_t vmid, const void *packet,
		       size_t len)
{
	const uint8_t *pkt = packet;
	struct rm_rx_state *rx;
	unsigned int version, words, type, fragments;
	struct rm_vm *vm;

	if (e->dead) {
		rm_count(e, "rm_packets_after_fatal", 1);
		return;
	}
	vm = rm_vm_lookup(e, vmid);
	if (!vm || len > RM_MSG_SIZE || len < RM_HEADER_SIZE) {
		rm_count(e, "rm_packets_dropped", 1);
		return;
	}
	rx = &vm->rx;
	version = pkt[0] & 0xfu;
	words = pkt[0] >> 4;
	type = pkt[1] & 3u;
	fragments = pkt[1] >> 2;
	if (version != RM_API_VERSION || words != RM_HEADER_WORDS ||
	    fragments > RM_MAX_FRAGMENTS) {
		rm_count(e, "rm_packets_dropped", 1);
		return;
	}
	pkt += RM_HEADER_SIZE;
	len -= RM_HEADER_SIZE;

	if (type != RM_TYPE_CONTINUED) {
		if (rx->partial) {
			/* A new message abandons the unfinished one. */
			rm_count(e, "rm_messages_abandoned", 1);
			rm_rx_reset(rx);
		}
		rx->alloc = fragments ? (fragments + 1u) * RM_MAX_PAYLOAD : len;
		rx->buf = malloc(rx->alloc ? rx->alloc : 1);
		if (!rx->buf) {
			rm_count(e, "rm_packets_dropped", 1);
			rm_rx_reset(rx);
			return;
		}
		memcpy(rx->buf, pkt, len);
		rx->len = len;
		rx->msg_id = get_le32(pkt - 4);
		rx->seq = get_le16(pkt - 6);
		rx->type = (uint8_t)type;
		rx->fragments = (uint8_t)fragments;
		rx->remaining = (uint8_t)fragments;
		rx->partial = fragments != 0;
		if (!fragments)
			rm_deliver(e, vmid, rx);
		return;
	}

	if (!rx->partial || get_le32(pkt - 4) != rx->msg_id ||
	    get_le16(pkt - 6) != rx->seq || fragments != rx->fragments ||
	    rx->len + len > rx->alloc) {
		rm_count(e, "rm_packets_dropped", 1);
		return;
	}
	memcpy(rx->buf + rx->len, pkt, len);
	rx->len += len;
	if (--rx->remaining == 0) {
		rx->partial = false;
		rm_deliver(e, vmid, rx);
	}
}

size_t rm_engine_next_packet(struct rm_engine *e, uint16_t vmid, uint8_t *buf)
{
	struct rm_packet *pkt, *prev = NULL;
	size_t len;

	for (pkt = e->outbox_head; pkt; prev = pkt, pkt = pkt->next)
		if (pkt->vmid == vmid)
			break;
	if (!pkt)
		return 0;
	if (prev)
		prev->next = pkt->next;
	else
		e->outbox_head = pkt->next;
	if (e->outbox_tail == pkt)
		e->outbox_tail = prev;
	e->outbox_len--;
	len = pkt->len;
	memcpy(buf, pkt->data, len);
	free(pkt);
	return len;
}

size_t rm_engine_pending_packets(struct rm_engine *e, uint16_t vmid)
{
	struct rm_packet *pkt;
	size_t n = 0;

	for (pkt = e->outbox_head; pkt; pkt = pkt->next)
		n += pkt->vmid == vmid;
	return n;
}
