/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Gunyah Resource Manager client internals, shared by the RPC core, the
 * message-queue transport, the platform driver, the typed calls and the KUnit
 * suites (which plug in a fake transport).
 */

#ifndef __GUNYAH_RSC_MGR_PRIV_H
#define __GUNYAH_RSC_MGR_PRIV_H

#include <linux/auxiliary_bus.h>
#include <linux/completion.h>
#include <linux/device.h>
#include <linux/gunyah_rsc_mgr.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/xarray.h>

#include "rsc_mgr_msg.h"

/**
 * struct gunyah_rm_transport_ops - how queue messages reach the RM
 * @send: queue one message of at most GUNYAH_RM_MSG_SIZE bytes. Return 0,
 *        -EAGAIN if the queue is full (gunyah_rm_tx_ready() signals room),
 *        or another negative errno if the message was not queued.
 * @recv: fetch one message into @buf. Return 0 and set *@size, -EAGAIN if
 *        nothing is queued, -EMSGSIZE if the message at the head did not fit
 *        (it is consumed), or another negative errno.
 */
struct gunyah_rm_transport_ops {
	int (*send)(struct gunyah_rm *rm, const void *buf, size_t size);
	int (*recv)(struct gunyah_rm *rm, void *buf, size_t buf_size,
		    size_t *size);
};

/**
 * struct gunyah_rm_stats - protocol problems seen, for logs and tests
 * @malformed: queue messages dropped by the codec or the transport
 * @unexpected_reply: replies nobody was waiting for
 * @late_reply: replies that came after their caller had given up
 * @unexpected_request: requests from the RM (the host serves none)
 * @unhandled_notifications: notifications no listener took
 */
struct gunyah_rm_stats {
	atomic_t malformed;
	atomic_t unexpected_reply;
	atomic_t late_reply;
	atomic_t unexpected_request;
	atomic_t unhandled_notifications;
};

/**
 * struct gunyah_rm - one link to a Resource Manager
 * @dev: the RM's device; clients hold references to it
 * @ops: transport
 * @transport_data: the transport's own data (fake RM state in KUnit)
 * @tx_capid: TX message queue capability (hypervisor transport)
 * @rx_capid: RX message queue capability (hypervisor transport)
 * @calls: callers waiting for a reply, and calls whose caller gave up,
 *         indexed by sequence number
 * @next_seq: cyclic allocation hint for @calls
 * @call_timeout: how long a call may take, from its first fragment to its
 *                reply
 * @send_lock: keeps the fragments of one message together on the queue
 * @send_ready: completed when the TX queue has room again
 * @tx_buf: fragment being sent, under @send_lock
 * @recv_lock: serializes draining of the RX queue
 * @rx: message being reassembled, under @recv_lock
 * @rx_buf: fragment being received, under @recv_lock
 * @listeners_lock: protects @vm_listeners and @parcels
 * @vm_listeners: struct gunyah_rm_vm_listener, by VMID
 * @parcels: struct gunyah_rm_parcel that have a handle, for notifications
 * @adev: the auxiliary device clients bind to
 * @irq_parent: the interrupt controller of the RM's DT node, which the RM's
 *              vIRQs for the host (a vCPU's wakeup vIRQ) belong to
 * @stats: protocol problem counters
 */
struct gunyah_rm {
	struct device *dev;
	const struct gunyah_rm_transport_ops *ops;
	void *transport_data;
	u64 tx_capid;
	u64 rx_capid;

	struct xarray calls;
	u32 next_seq;
	unsigned long call_timeout;

	/* keeps one message's fragments together on the TX queue */
	struct mutex send_lock;
	struct completion send_ready;
	u8 tx_buf[GUNYAH_RM_MSG_SIZE];

	/* one reader of the RX queue at a time */
	struct mutex recv_lock;
	struct gunyah_rm_reassembly rx;
	u8 rx_buf[GUNYAH_RM_MSG_SIZE];

	/* protects vm_listeners and parcels */
	struct mutex listeners_lock;
	struct list_head vm_listeners;
	struct list_head parcels;

	struct auxiliary_device adev;
	struct fwnode_handle *irq_parent;
	struct gunyah_rm_stats stats;
};

struct platform_device;
int gunyah_rm_msgq_setup(struct gunyah_rm *rm, struct platform_device *pdev,
			 u64 tx_capid, u64 rx_capid);

void gunyah_rm_init(struct gunyah_rm *rm, struct device *dev,
		    const struct gunyah_rm_transport_ops *ops,
		    void *transport_data);
void gunyah_rm_deinit(struct gunyah_rm *rm);
void gunyah_rm_rx(struct gunyah_rm *rm);
void gunyah_rm_tx_ready(struct gunyah_rm *rm);

int gunyah_rm_call(struct gunyah_rm *rm, u32 message_id, const void *req_buf,
		   size_t req_buf_size, void **resp_buf, size_t *resp_buf_size);
int gunyah_rm_call_fixed(struct gunyah_rm *rm, u32 message_id,
			 const void *req, size_t req_size,
			 void *resp, size_t resp_size);

/**
 * gunyah_rm_outcome_unknown() - may the RM have applied a failed request?
 * @err: what gunyah_rm_call() returned
 *
 * gunyah_rm_call() keeps its failures apart: -ECOMM when no byte of the
 * request reached the RM, -ETIMEDOUT when no reply came, -EBADMSG for a
 * reply that cannot be read, -EIO when the transport failed part way; an
 * RM error reply maps to other errnos (gunyah_rm_error_remap() never
 * returns these four). Of those, only a missing or unreadable reply and a
 * transport failure after the first fragment leave the outcome open.
 *
 * Return: true if the request may have been applied although it failed.
 */
static inline bool gunyah_rm_outcome_unknown(int err)
{
	return err == -ETIMEDOUT || err == -EBADMSG || err == -EIO;
}

void gunyah_rm_notification(struct gunyah_rm *rm, u32 msg_id,
			    const void *payload, size_t size);
void gunyah_rm_parcel_track(struct gunyah_rm_parcel *parcel);
void gunyah_rm_parcel_untrack(struct gunyah_rm_parcel *parcel);

/* Memory calls used by the parcel object (rsc_mgr_mem.c) */
struct gunyah_rm_mem_create {
	u32 message_id;
	u8 mem_type;
	u8 flags;
	u32 label;
	unsigned int n_acl;
	const struct gunyah_rm_acl_entry *acl;
	unsigned int n_ranges;
	const struct gunyah_rm_parcel_range *ranges;
};

int gunyah_rm_mem_create(struct gunyah_rm *rm,
			 const struct gunyah_rm_mem_create *req, u32 *handle);
int gunyah_rm_mem_append(struct gunyah_rm *rm, u32 handle,
			 const struct gunyah_rm_parcel_range *ranges,
			 unsigned int n_ranges, bool last);
int gunyah_rm_mem_lookup_sgl(struct gunyah_rm *rm,
			     const struct gunyah_rm_mem_create *req,
			     u32 *handle);
int gunyah_rm_mem_reclaim(struct gunyah_rm *rm, u32 mem_handle, u8 flags);

/* Default time a call may take; the live RM answers in well under a second */
#define GUNYAH_RM_CALL_TIMEOUT_MS	5000

#if IS_ENABLED(CONFIG_KUNIT)
void gunyah_rm_set_call_timeout(struct gunyah_rm *rm, unsigned int ms);
unsigned int gunyah_rm_waiting_callers(struct gunyah_rm *rm);
#endif

#endif
