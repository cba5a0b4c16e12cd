/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Gunyah Resource Manager client internals, shared by the transport, the
 * typed RPC calls and the KUnit suites (which plug in a fake transport).
 */

#ifndef __GUNYAH_RSC_MGR_PRIV_H
#define __GUNYAH_RSC_MGR_PRIV_H

#include <linux/completion.h>
#include <linux/device.h>
#include <linux/gunyah_rsc_mgr.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include "rsc_mgr_msg.h"

/**
 * struct gunyah_rm_transport_ops - how queue messages reach the RM
 * @send: queue one message of at most GUNYAH_RM_MSG_SIZE bytes. Return 0,
 *        -EAGAIN if the queue is full (gunyah_rm_tx_ready() signals room),
 *        or another negative errno.
 * @recv: fetch one message into @buf. Return 0 and set *@size, -EAGAIN if
 *        nothing is queued, or another negative errno.
 */
struct gunyah_rm_transport_ops {
	int (*send)(struct gunyah_rm *rm, const void *buf, size_t size);
	int (*recv)(struct gunyah_rm *rm, void *buf, size_t buf_size,
		    size_t *size);
};

/**
 * struct gunyah_rm_stats - protocol problems seen, for logs and tests
 * @malformed: queue messages dropped by the codec
 * @unexpected_reply: replies nobody was waiting for
 * @unexpected_request: requests from the RM (the host serves none)
 * @unhandled_notifications: notifications no subscriber took
 */
struct gunyah_rm_stats {
	atomic_t malformed;
	atomic_t unexpected_reply;
	atomic_t unexpected_request;
	atomic_t unhandled_notifications;
};

/**
 * struct gunyah_rm - one link to a Resource Manager
 * @dev: device for messages
 * @ops: transport
 * @transport_data: the transport's own data (fake RM state in KUnit)
 * @tx_capid: TX message queue capability (hypervisor transport)
 * @rx_capid: RX message queue capability (hypervisor transport)
 * @calls: callers waiting for a reply, indexed by sequence number
 * @next_seq: cyclic allocation hint for @calls
 * @call_timeout: how long a caller waits for its reply
 * @send_lock: keeps the fragments of one message together on the queue
 * @send_ready: completed when the TX queue has room again
 * @tx_buf: fragment being sent, under @send_lock
 * @recv_lock: serializes draining of the RX queue
 * @rx: message being reassembled, under @recv_lock
 * @rx_buf: fragment being received, under @recv_lock
 * @notifiers: subscribers to RM notifications
 * @notif_lock: protects @notif_list
 * @notif_list: notifications waiting for @notif_work
 * @notif_work: calls @notifiers in process context, outside the RX path,
 *              so that subscribers may themselves call the RM
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

	struct blocking_notifier_head notifiers;
	/* protects notif_list */
	spinlock_t notif_lock;
	struct list_head notif_list;
	struct work_struct notif_work;

	struct gunyah_rm_stats stats;
};

void gunyah_rm_init(struct gunyah_rm *rm, struct device *dev,
		    const struct gunyah_rm_transport_ops *ops,
		    void *transport_data);
void gunyah_rm_deinit(struct gunyah_rm *rm);
void gunyah_rm_rx(struct gunyah_rm *rm);
void gunyah_rm_tx_ready(struct gunyah_rm *rm);
void gunyah_rm_flush_notifications(struct gunyah_rm *rm);

/* Default wait for a reply; the live RM answers in well under a second */
#define GUNYAH_RM_CALL_TIMEOUT_MS	5000

#endif
