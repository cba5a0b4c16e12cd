// SPDX-License-Identifier: GPL-2.0
/*
 * The RM's end of the primary VM's message queues, and its exit event, as
 * the hypervisor calls them; see rm_link.h.
 */
#include "rm_link.h"

static size_t link_pending(void *ctx, uint16_t vmid)
{
	return rm_engine_pending_packets(ctx, vmid);
}

static size_t link_next_packet(void *ctx, uint16_t vmid, uint8_t *buf)
{
	return rm_engine_next_packet(ctx, vmid, buf);
}

static void link_receive(void *ctx, uint16_t vmid, const void *packet,
			 size_t len)
{
	rm_engine_receive(ctx, vmid, packet, len);
}

static void link_vm_exited(void *ctx, uint16_t vmid, enum rm_hyp_vm_exit how)
{
	rm_engine_vm_exited(ctx, vmid, how);
}

void rm_link_init(struct gh_rm_link *link, struct rm_engine *rm)
{
	*link = (struct gh_rm_link) {
		.ctx = rm,
		.pending = link_pending,
		.next_packet = link_next_packet,
		.receive = link_receive,
		.vm_exited = link_vm_exited,
	};
}
