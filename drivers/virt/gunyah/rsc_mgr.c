// SPDX-License-Identifier: GPL-2.0-only
/*
 * Gunyah Resource Manager link: sends requests over the TX message queue,
 * reassembles what arrives on the RX queue, hands each reply to the caller
 * waiting on its sequence number and each notification to the subscribers.
 *
 * The RM is found through the device tree node of the v17 binding
 * (Documentation/devicetree/bindings/firmware/gunyah-hypervisor.yaml):
 *
 *	hypervisor {
 *		compatible = "gunyah-hypervisor";
 *		#address-cells = <2>;
 *		#size-cells = <0>;
 *		gunyah-resource-mgr@0 {
 *			compatible = "gunyah-resource-manager";
 *			reg = <0 txcap>, <0 rxcap>;
 *			interrupts = <tx "ready to send">, <rx "message available">;
 *		};
 *	};
 */

#include <linux/err.h>
#include <linux/gunyah.h>
#include <linux/interrupt.h>
#include <linux/jiffies.h>
#include <linux/list.h>
#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/platform_device.h>
#include <linux/slab.h>

#include "rsc_mgr.h"

/**
 * struct gunyah_rm_call - a caller waiting for its reply
 * @done: completed by the RX path when @payload or @error is set
 * @msg_id: message ID the reply must carry
 * @payload: reassembled reply payload, RM error code first
 * @size: its length
 * @error: set instead of @payload when the reply was unusable
 */
struct gunyah_rm_call {
	struct completion done;
	u32 msg_id;
	void *payload;
	size_t size;
	int error;
};

/**
 * struct gunyah_rm_pending_notification - notification queued for the work
 * @list: entry in gunyah_rm::notif_list
 * @msg_id: notification ID
 * @payload: payload (kmalloc'ed)
 * @size: payload length
 */
struct gunyah_rm_pending_notification {
	struct list_head list;
	u32 msg_id;
	void *payload;
	size_t size;
};

static void gunyah_rm_notif_work(struct work_struct *work)
{
	struct gunyah_rm *rm = container_of(work, struct gunyah_rm, notif_work);
	struct gunyah_rm_pending_notification *pending;
	struct gunyah_rm_notification notification;
	int ret;

	for (;;) {
		spin_lock(&rm->notif_lock);
		pending = list_first_entry_or_null(&rm->notif_list,
						   typeof(*pending), list);
		if (pending)
			list_del(&pending->list);
		spin_unlock(&rm->notif_lock);
		if (!pending)
			return;

		notification.rm = rm;
		notification.payload = pending->payload;
		notification.size = pending->size;
		ret = blocking_notifier_call_chain(&rm->notifiers,
						   pending->msg_id,
						   &notification);
		if (ret == NOTIFY_DONE) {
			atomic_inc(&rm->stats.unhandled_notifications);
			dev_dbg(rm->dev, "no subscriber for notification %#x\n",
				pending->msg_id);
		}

		kfree(pending->payload);
		kfree(pending);
	}
}

/**
 * gunyah_rm_init() - set up a link over a given transport
 * @rm: zeroed link structure
 * @dev: device for messages
 * @ops: transport
 * @transport_data: transport's data, kept in @rm->transport_data
 */
void gunyah_rm_init(struct gunyah_rm *rm, struct device *dev,
		    const struct gunyah_rm_transport_ops *ops,
		    void *transport_data)
{
	rm->dev = dev;
	rm->ops = ops;
	rm->transport_data = transport_data;
	xa_init_flags(&rm->calls, XA_FLAGS_ALLOC);
	rm->call_timeout = msecs_to_jiffies(GUNYAH_RM_CALL_TIMEOUT_MS);
	mutex_init(&rm->send_lock);
	init_completion(&rm->send_ready);
	mutex_init(&rm->recv_lock);
	BLOCKING_INIT_NOTIFIER_HEAD(&rm->notifiers);
	spin_lock_init(&rm->notif_lock);
	INIT_LIST_HEAD(&rm->notif_list);
	INIT_WORK(&rm->notif_work, gunyah_rm_notif_work);
}
EXPORT_SYMBOL_GPL(gunyah_rm_init);

/**
 * gunyah_rm_deinit() - tear a link down once nothing can call it any more
 * @rm: link
 */
void gunyah_rm_deinit(struct gunyah_rm *rm)
{
	struct gunyah_rm_pending_notification *pending, *next;

	cancel_work_sync(&rm->notif_work);
	list_for_each_entry_safe(pending, next, &rm->notif_list, list) {
		list_del(&pending->list);
		kfree(pending->payload);
		kfree(pending);
	}
	gunyah_rm_reassembly_reset(&rm->rx);
	WARN_ON(!xa_empty(&rm->calls));
	xa_destroy(&rm->calls);
}
EXPORT_SYMBOL_GPL(gunyah_rm_deinit);

/**
 * gunyah_rm_flush_notifications() - wait until queued notifications are out
 * @rm: link
 */
void gunyah_rm_flush_notifications(struct gunyah_rm *rm)
{
	flush_work(&rm->notif_work);
}
EXPORT_SYMBOL_GPL(gunyah_rm_flush_notifications);

/**
 * gunyah_rm_tx_ready() - the TX queue has room again
 * @rm: link
 */
void gunyah_rm_tx_ready(struct gunyah_rm *rm)
{
	complete(&rm->send_ready);
}
EXPORT_SYMBOL_GPL(gunyah_rm_tx_ready);

static void gunyah_rm_handle_reply(struct gunyah_rm *rm,
				   const struct gunyah_rm_msg_hdr *hdr,
				   void *payload, size_t size)
{
	struct gunyah_rm_call *call;

	/*
	 * Taking the call out of the table and completing it under the lock
	 * means a caller that timed out either still finds its entry (and no
	 * reply will touch it) or finds it gone and the reply delivered.
	 */
	xa_lock(&rm->calls);
	call = xa_load(&rm->calls, hdr->seq);
	if (!call) {
		xa_unlock(&rm->calls);
		atomic_inc(&rm->stats.unexpected_reply);
		dev_warn_ratelimited(rm->dev,
				     "reply %#x with unknown sequence %u dropped\n",
				     hdr->msg_id, hdr->seq);
		kfree(payload);
		return;
	}
	__xa_erase(&rm->calls, hdr->seq);
	if (call->msg_id != hdr->msg_id) {
		dev_warn_ratelimited(rm->dev,
				     "reply to %#x came as %#x (sequence %u)\n",
				     call->msg_id, hdr->msg_id, hdr->seq);
		call->error = -EPROTO;
		kfree(payload);
	} else {
		call->payload = payload;
		call->size = size;
	}
	complete(&call->done);
	xa_unlock(&rm->calls);
}

static void gunyah_rm_queue_notification(struct gunyah_rm *rm,
					 const struct gunyah_rm_msg_hdr *hdr,
					 void *payload, size_t size)
{
	struct gunyah_rm_pending_notification *pending;

	pending = kzalloc(sizeof(*pending), GFP_KERNEL);
	if (!pending) {
		/* The allocator already reported it; count it as unhandled */
		atomic_inc(&rm->stats.unhandled_notifications);
		kfree(payload);
		return;
	}
	pending->msg_id = hdr->msg_id;
	pending->payload = payload;
	pending->size = size;

	spin_lock(&rm->notif_lock);
	list_add_tail(&pending->list, &rm->notif_list);
	spin_unlock(&rm->notif_lock);
	schedule_work(&rm->notif_work);
}

static void gunyah_rm_dispatch(struct gunyah_rm *rm,
			       const struct gunyah_rm_msg_hdr *hdr,
			       void *payload, size_t size)
{
	switch (hdr->type) {
	case GUNYAH_RM_TYPE_REPLY:
		gunyah_rm_handle_reply(rm, hdr, payload, size);
		break;
	case GUNYAH_RM_TYPE_NOTIF:
		gunyah_rm_queue_notification(rm, hdr, payload, size);
		break;
	default:
		/* The RM sends no requests to its clients. */
		atomic_inc(&rm->stats.unexpected_request);
		dev_warn_ratelimited(rm->dev, "request %#x from the RM dropped\n",
				     hdr->msg_id);
		kfree(payload);
		break;
	}
}

/**
 * gunyah_rm_rx() - drain the RX queue, dispatching every complete message
 * @rm: link
 *
 * Runs in process context (the RX interrupt thread, or a KUnit test).
 */
void gunyah_rm_rx(struct gunyah_rm *rm)
{
	struct gunyah_rm_msg_hdr hdr;
	void *payload;
	size_t size;
	int ret;

	mutex_lock(&rm->recv_lock);
	for (;;) {
		ret = rm->ops->recv(rm, rm->rx_buf, sizeof(rm->rx_buf), &size);
		if (ret == -EAGAIN)
			break;
		if (ret) {
			dev_err_ratelimited(rm->dev, "receive failed: %d\n", ret);
			break;
		}

		ret = gunyah_rm_reassembly_feed(&rm->rx, rm->rx_buf, size,
						GFP_KERNEL);
		if (ret) {
			atomic_inc(&rm->stats.malformed);
			dev_warn_ratelimited(rm->dev,
					     "malformed message dropped: %d\n",
					     ret);
			continue;
		}

		payload = gunyah_rm_reassembly_take(&rm->rx, &hdr, &size);
		if (payload)
			gunyah_rm_dispatch(rm, &hdr, payload, size);
	}
	mutex_unlock(&rm->recv_lock);
}
EXPORT_SYMBOL_GPL(gunyah_rm_rx);

/* While the TX queue is full, try again at least this often */
#define GUNYAH_RM_SEND_RETRY_MS		20

static int gunyah_rm_send_fragment(struct gunyah_rm *rm, size_t size)
{
	unsigned long deadline = jiffies + rm->call_timeout;
	int ret;

	for (;;) {
		/* Re-armed before trying, so a TX interrupt is never missed */
		reinit_completion(&rm->send_ready);
		ret = rm->ops->send(rm, rm->tx_buf, size);
		if (ret != -EAGAIN)
			return ret;
		if (time_after(jiffies, deadline))
			return -ETIMEDOUT;
		/*
		 * The TX interrupt normally ends the wait; the bound keeps a
		 * lost edge from stalling every caller until the deadline.
		 */
		wait_for_completion_timeout(&rm->send_ready,
					    msecs_to_jiffies(GUNYAH_RM_SEND_RETRY_MS));
	}
}

static int gunyah_rm_send(struct gunyah_rm *rm, u16 seq, u32 msg_id,
			  const void *payload, size_t size)
{
	int fragments = gunyah_rm_fragments_for(size);
	ssize_t frag_size;
	int i, ret = 0;

	if (fragments < 0)
		return fragments;

	mutex_lock(&rm->send_lock);
	for (i = 0; i <= fragments; i++) {
		frag_size = gunyah_rm_build_fragment(GUNYAH_RM_TYPE_REQUEST, seq,
						     msg_id, payload, size, i,
						     rm->tx_buf,
						     sizeof(rm->tx_buf));
		if (frag_size < 0) {
			ret = frag_size;
			break;
		}
		ret = gunyah_rm_send_fragment(rm, frag_size);
		if (ret)
			break;
	}
	mutex_unlock(&rm->send_lock);

	return ret;
}

/**
 * gunyah_rm_call() - send a request and wait for its reply
 * @rm: link
 * @message_id: request message ID
 * @req_buf: request payload
 * @req_buf_size: its length
 * @resp_buf: if not NULL, receives the reply data after the RM error code
 *            (kmalloc'ed, or NULL if there is none); free with kfree()
 * @resp_buf_size: receives the reply data length; may be NULL if
 *                 @resp_buf is
 *
 * Context: process context; sleeps until the reply or the timeout.
 * Return: 0, the errno of the RM's error code, -ETIMEDOUT without a reply,
 * -EBADMSG for a reply too short to hold an error code, -EPROTO for a reply
 * to another message ID, -EMSGSIZE for an oversized request, or a
 * transport error.
 */
int gunyah_rm_call(struct gunyah_rm *rm, u32 message_id, const void *req_buf,
		   size_t req_buf_size, void **resp_buf, size_t *resp_buf_size)
{
	struct gunyah_rm_call *call;
	const void *data;
	size_t data_len;
	u32 rm_error, seq;
	int ret;

	if (resp_buf)
		*resp_buf = NULL;
	if (resp_buf_size)
		*resp_buf_size = 0;

	if (gunyah_rm_fragments_for(req_buf_size) < 0)
		return -EMSGSIZE;

	call = kzalloc(sizeof(*call), GFP_KERNEL);
	if (!call)
		return -ENOMEM;
	init_completion(&call->done);
	call->msg_id = message_id;

	ret = xa_alloc_cyclic(&rm->calls, &seq, call, XA_LIMIT(0, U16_MAX),
			      &rm->next_seq, GFP_KERNEL);
	if (ret < 0)
		goto out_free_call;

	ret = gunyah_rm_send(rm, seq, message_id, req_buf, req_buf_size);
	if (ret) {
		dev_err_ratelimited(rm->dev, "send of %#x failed: %d\n",
				    message_id, ret);
		if (xa_erase(&rm->calls, seq) == call)
			goto out_free_call;
		/* A reply raced with the failed send: use it as it is. */
	}

	if (!wait_for_completion_timeout(&call->done, rm->call_timeout)) {
		if (xa_erase(&rm->calls, seq) == call) {
			dev_err_ratelimited(rm->dev,
					    "no reply to %#x (sequence %u)\n",
					    message_id, seq);
			ret = -ETIMEDOUT;
			goto out_free_call;
		}
		/* Completed between the timeout and the erase */
		wait_for_completion(&call->done);
	}

	if (call->error) {
		ret = call->error;
		goto out_free_call;
	}

	ret = gunyah_rm_reply_split(call->payload, call->size, &rm_error,
				    &data, &data_len);
	if (ret) {
		dev_warn_ratelimited(rm->dev, "reply to %#x too short: %zu\n",
				     message_id, call->size);
		goto out_free_payload;
	}

	if (rm_error != GUNYAH_RM_ERROR_OK) {
		dev_dbg(rm->dev, "RM error %#x for %#x\n", rm_error, message_id);
		ret = gunyah_rm_error_remap(rm_error);
		goto out_free_payload;
	}

	if (resp_buf && data_len) {
		/* The caller gets the data at the start of its buffer */
		memmove(call->payload, data, data_len);
		*resp_buf = call->payload;
		call->payload = NULL;
	}
	if (resp_buf_size)
		*resp_buf_size = resp_buf ? data_len : 0;
	ret = 0;

out_free_payload:
	kfree(call->payload);
out_free_call:
	kfree(call);
	return ret;
}
EXPORT_SYMBOL_GPL(gunyah_rm_call);

/**
 * gunyah_rm_notifier_register() - subscribe to RM notifications
 * @rm: link
 * @nb: notifier; called in process context with the notification ID as
 *      action and a struct gunyah_rm_notification; return NOTIFY_OK for a
 *      notification it handled
 *
 * Return: 0 or a negative errno.
 */
int gunyah_rm_notifier_register(struct gunyah_rm *rm, struct notifier_block *nb)
{
	return blocking_notifier_chain_register(&rm->notifiers, nb);
}
EXPORT_SYMBOL_GPL(gunyah_rm_notifier_register);

/**
 * gunyah_rm_notifier_unregister() - unsubscribe
 * @rm: link
 * @nb: notifier passed to gunyah_rm_notifier_register()
 *
 * Return: 0 or a negative errno.
 */
int gunyah_rm_notifier_unregister(struct gunyah_rm *rm,
				  struct notifier_block *nb)
{
	return blocking_notifier_chain_unregister(&rm->notifiers, nb);
}
EXPORT_SYMBOL_GPL(gunyah_rm_notifier_unregister);

/* The hypervisor message-queue transport */

static int gunyah_rm_msgq_send(struct gunyah_rm *rm, const void *buf,
			       size_t size)
{
	enum gunyah_error gunyah_error;
	bool ready;

	/* PUSH: hand every fragment to the RM at once, no batching */
	gunyah_error = gunyah_hypercall_msgq_send(rm->tx_capid, size, buf,
						  GUNYAH_HYPERCALL_MSGQ_TX_FLAGS_PUSH,
						  &ready);
	if (gunyah_error == GUNYAH_ERROR_MSGQUEUE_FULL)
		return -EAGAIN;

	return gunyah_error_remap(gunyah_error);
}

static int gunyah_rm_msgq_recv(struct gunyah_rm *rm, void *buf,
			       size_t buf_size, size_t *size)
{
	enum gunyah_error gunyah_error;
	bool ready;

	gunyah_error = gunyah_hypercall_msgq_recv(rm->rx_capid, buf, buf_size,
						  size, &ready);
	if (gunyah_error == GUNYAH_ERROR_MSGQUEUE_EMPTY)
		return -EAGAIN;
	if (gunyah_error == GUNYAH_ERROR_OK && *size > buf_size)
		return -EMSGSIZE;

	return gunyah_error_remap(gunyah_error);
}

static const struct gunyah_rm_transport_ops gunyah_rm_msgq_ops = {
	.send = gunyah_rm_msgq_send,
	.recv = gunyah_rm_msgq_recv,
};

static irqreturn_t gunyah_rm_tx_irq(int irq, void *data)
{
	gunyah_rm_tx_ready(data);

	return IRQ_HANDLED;
}

static irqreturn_t gunyah_rm_rx_irq_thread(int irq, void *data)
{
	gunyah_rm_rx(data);

	return IRQ_HANDLED;
}

/* The probed RM; the driver cannot be unbound, so it lives forever. */
static struct gunyah_rm *gunyah_rm_instance;
static DEFINE_MUTEX(gunyah_rm_instance_lock);

/**
 * gunyah_rm_get() - the Resource Manager of this system
 *
 * Return: the RM with a reference held, or NULL if none was probed (not
 * running under Gunyah). Drop the reference with gunyah_rm_put().
 */
struct gunyah_rm *gunyah_rm_get(void)
{
	struct gunyah_rm *rm;

	mutex_lock(&gunyah_rm_instance_lock);
	rm = gunyah_rm_instance;
	if (rm)
		get_device(rm->dev);
	mutex_unlock(&gunyah_rm_instance_lock);

	return rm;
}
EXPORT_SYMBOL_GPL(gunyah_rm_get);

/**
 * gunyah_rm_put() - drop a reference taken by gunyah_rm_get()
 * @rm: the RM, or NULL
 */
void gunyah_rm_put(struct gunyah_rm *rm)
{
	if (rm)
		put_device(rm->dev);
}
EXPORT_SYMBOL_GPL(gunyah_rm_put);

static int gunyah_rm_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct device_node *np = dev->of_node;
	struct gunyah_rm *rm;
	int tx_irq, rx_irq, ret;

	if (!gunyah_is_present())
		return -ENODEV;

	/* Capability IDs are 64-bit: two address cells, no size cells */
	if (of_n_addr_cells(np) != 2 || of_n_size_cells(np) != 0)
		return dev_err_probe(dev, -EINVAL,
				     "parent needs #address-cells = 2, #size-cells = 0\n");

	rm = devm_kzalloc(dev, sizeof(*rm), GFP_KERNEL);
	if (!rm)
		return -ENOMEM;

	ret = of_property_read_u64_index(np, "reg", 0, &rm->tx_capid);
	if (ret)
		return dev_err_probe(dev, ret, "no TX queue capability in reg\n");
	ret = of_property_read_u64_index(np, "reg", 1, &rm->rx_capid);
	if (ret)
		return dev_err_probe(dev, ret, "no RX queue capability in reg\n");

	tx_irq = platform_get_irq(pdev, 0);
	if (tx_irq < 0)
		return tx_irq;
	rx_irq = platform_get_irq(pdev, 1);
	if (rx_irq < 0)
		return rx_irq;

	gunyah_rm_init(rm, dev, &gunyah_rm_msgq_ops, NULL);

	ret = devm_request_irq(dev, tx_irq, gunyah_rm_tx_irq, 0,
			       "gunyah_rm_tx", rm);
	if (ret)
		return dev_err_probe(dev, ret, "TX interrupt\n");
	ret = devm_request_threaded_irq(dev, rx_irq, NULL,
					gunyah_rm_rx_irq_thread, IRQF_ONESHOT,
					"gunyah_rm_rx", rm);
	if (ret)
		return dev_err_probe(dev, ret, "RX interrupt\n");

	/* Messages queued before the interrupt was ours raised no edge */
	gunyah_rm_rx(rm);

	mutex_lock(&gunyah_rm_instance_lock);
	gunyah_rm_instance = rm;
	mutex_unlock(&gunyah_rm_instance_lock);

	dev_info(dev, "Resource Manager link: TX queue %#llx, RX queue %#llx\n",
		 rm->tx_capid, rm->rx_capid);

	return 0;
}

static const struct of_device_id gunyah_rm_of_match[] = {
	{ .compatible = "gunyah-resource-manager" },
	{}
};

static struct platform_driver gunyah_rm_driver = {
	.probe = gunyah_rm_probe,
	.driver = {
		.name = "gunyah_rsc_mgr",
		.of_match_table = gunyah_rm_of_match,
		/* Clients hold the link without references to the device */
		.suppress_bind_attrs = true,
	},
};
builtin_platform_driver(gunyah_rm_driver);
