// SPDX-License-Identifier: GPL-2.0-only
/*
 * Gunyah Resource Manager RPC core: sends requests, reassembles what
 * arrives from the RM, hands each reply to the caller waiting on its
 * sequence number and each notification to the object that owns it.
 * The transport underneath is pluggable (rsc_mgr_msgq.c for the hypervisor's
 * message queues, a fake one in KUnit).
 *
 * Every call has one deadline, from its first fragment to its reply. A
 * caller that gives up leaves its call registered: the reply may still come
 * (the RM may merely be slow), and is then logged and counted instead of
 * being taken for a reply to somebody else.
 */

#include <kunit/visibility.h>
#include <linux/err.h>
#include <linux/jiffies.h>
#include <linux/list.h>
#include <linux/slab.h>

#include "rsc_mgr.h"

/**
 * struct gunyah_rm_call - a caller waiting for its reply
 * @done: completed by the RX path when @payload or @error is set
 * @msg_id: message ID the reply must carry
 * @payload: reassembled reply payload, RM error code first
 * @size: its length
 * @error: set instead of @payload when the reply was unusable
 * @abandoned: the caller gave up; the receive path frees the call when the
 *             reply comes
 *
 * The table entry and @abandoned are changed under the xarray's lock only.
 */
struct gunyah_rm_call {
	struct completion done;
	u32 msg_id;
	void *payload;
	size_t size;
	int error;
	bool abandoned;
};

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
	mutex_init(&rm->listeners_lock);
	INIT_LIST_HEAD(&rm->vm_listeners);
	INIT_LIST_HEAD(&rm->parcels);
}
EXPORT_SYMBOL_IF_KUNIT(gunyah_rm_init);

/**
 * gunyah_rm_deinit() - tear a link down once nothing can call it any more
 * @rm: link
 *
 * Calls whose caller gave up and whose reply never came are freed here.
 */
void gunyah_rm_deinit(struct gunyah_rm *rm)
{
	struct gunyah_rm_call *call;
	unsigned long seq;

	gunyah_rm_reassembly_reset(&rm->rx);
	xa_for_each(&rm->calls, seq, call) {
		/* A live caller here would be a bug of the link's owner */
		WARN_ON(!call->abandoned);
		xa_erase(&rm->calls, seq);
		kfree(call);
	}
	xa_destroy(&rm->calls);
	WARN_ON(!list_empty(&rm->vm_listeners));
	WARN_ON(!list_empty(&rm->parcels));
}
EXPORT_SYMBOL_IF_KUNIT(gunyah_rm_deinit);

/**
 * gunyah_rm_tx_ready() - the TX queue has room again
 * @rm: link
 */
void gunyah_rm_tx_ready(struct gunyah_rm *rm)
{
	complete(&rm->send_ready);
}
EXPORT_SYMBOL_IF_KUNIT(gunyah_rm_tx_ready);

/* A reply to a call whose caller gave up: say what the RM did after all */
static void gunyah_rm_late_reply(struct gunyah_rm *rm,
				 const struct gunyah_rm_msg_hdr *hdr,
				 const void *payload, size_t size)
{
	const void *data;
	size_t data_len;
	u32 rm_error;

	atomic_inc(&rm->stats.late_reply);
	if (gunyah_rm_reply_split(payload, size, &rm_error, &data, &data_len)) {
		dev_warn_ratelimited(rm->dev, "late reply to %#x (sequence %u) unreadable\n",
				     hdr->msg_id, hdr->seq);
		return;
	}
	dev_info_ratelimited(rm->dev,
			     "late reply to %#x (sequence %u): RM error %#x, %zu bytes of data\n",
			     hdr->msg_id, hdr->seq, rm_error, data_len);
}

static void gunyah_rm_handle_reply(struct gunyah_rm *rm,
				   const struct gunyah_rm_msg_hdr *hdr,
				   void *payload, size_t size)
{
	struct gunyah_rm_call *call;

	/*
	 * Taking the call out of the table and completing it under the lock
	 * means a caller that times out either still finds its entry (and
	 * marks it abandoned, leaving it to us) or finds the reply delivered.
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
	if (call->abandoned) {
		xa_unlock(&rm->calls);
		if (call->msg_id == hdr->msg_id)
			gunyah_rm_late_reply(rm, hdr, payload, size);
		else
			atomic_inc(&rm->stats.unexpected_reply);
		kfree(payload);
		kfree(call);
		return;
	}
	if (call->msg_id != hdr->msg_id) {
		dev_warn_ratelimited(rm->dev,
				     "reply to %#x came as %#x (sequence %u)\n",
				     call->msg_id, hdr->msg_id, hdr->seq);
		call->error = -EBADMSG;
		kfree(payload);
	} else {
		call->payload = payload;
		call->size = size;
	}
	complete(&call->done);
	xa_unlock(&rm->calls);
}

static void gunyah_rm_dispatch(struct gunyah_rm *rm,
			       const struct gunyah_rm_msg_hdr *hdr,
			       void *payload, size_t size)
{
	switch (hdr->type) {
	case GUNYAH_RM_TYPE_REPLY:
		gunyah_rm_handle_reply(rm, hdr, payload, size);
		return;
	case GUNYAH_RM_TYPE_NOTIF:
		gunyah_rm_notification(rm, hdr->msg_id, payload, size);
		break;
	default:
		/* The RM sends no requests to its clients. */
		atomic_inc(&rm->stats.unexpected_request);
		dev_warn_ratelimited(rm->dev, "request %#x from the RM dropped\n",
				     hdr->msg_id);
		break;
	}
	kfree(payload);
}

/**
 * gunyah_rm_rx() - drain the RX queue, dispatching every complete message
 * @rm: link
 *
 * Runs in process context (the RX interrupt thread, or a KUnit test).
 * A bad message is dropped and counted, and draining goes on, so one bad
 * message never holds up the replies queued behind it.
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
		if (ret == -EMSGSIZE) {
			atomic_inc(&rm->stats.malformed);
			dev_warn_ratelimited(rm->dev, "oversized message dropped\n");
			continue;
		}
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
EXPORT_SYMBOL_IF_KUNIT(gunyah_rm_rx);

/* While the TX queue is full, try again at least this often */
#define GUNYAH_RM_SEND_RETRY_MS		20

static int gunyah_rm_send_fragment(struct gunyah_rm *rm, size_t size,
				   unsigned long deadline)
{
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

/*
 * Returns 0, -ECOMM if no fragment reached the queue (the RM never saw the
 * request), or -EIO if the queue failed after the first fragment (the RM
 * drops a message it never gets the rest of, but we cannot be sure).
 */
static int gunyah_rm_send(struct gunyah_rm *rm, u16 seq, u32 msg_id,
			  const void *payload, size_t size,
			  unsigned long deadline)
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
		ret = gunyah_rm_send_fragment(rm, frag_size, deadline);
		if (ret) {
			dev_err_ratelimited(rm->dev,
					    "send of %#x failed at fragment %d: %d\n",
					    msg_id, i, ret);
			ret = i ? -EIO : -ECOMM;
			break;
		}
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
 * The whole call, sending every fragment and waiting for the reply, has one
 * deadline of rm->call_timeout.
 *
 * Context: process context; sleeps until the reply or the deadline.
 * Return: 0 or the errno of the RM's error code; otherwise -ECOMM if the
 * request never reached the RM, -ETIMEDOUT if no reply came in time,
 * -EBADMSG for a reply that cannot be read (too short, another message ID),
 * -EIO if the transport failed after part of the request was queued,
 * -EMSGSIZE for an oversized request, -ENOMEM. See
 * gunyah_rm_outcome_unknown() for which of them leave the outcome open.
 */
int gunyah_rm_call(struct gunyah_rm *rm, u32 message_id, const void *req_buf,
		   size_t req_buf_size, void **resp_buf, size_t *resp_buf_size)
{
	unsigned long deadline = jiffies + rm->call_timeout;
	struct gunyah_rm_call *call;
	const void *data;
	size_t data_len;
	u32 rm_error, seq;
	long left;
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
	if (ret < 0) {
		/* Every sequence number is taken by calls that never got a reply */
		ret = ret == -EBUSY ? -ECOMM : ret;
		goto out_free_call;
	}

	ret = gunyah_rm_send(rm, seq, message_id, req_buf, req_buf_size,
			     deadline);
	if (ret == -ECOMM || ret == -EMSGSIZE) {
		/* Nothing reached the RM, so no reply can come */
		if (xa_erase(&rm->calls, seq) == call)
			goto out_free_call;
		/* A reply for this sequence number came all the same: use it */
		wait_for_completion(&call->done);
	} else if (ret) {
		/*
		 * Part of the request is on the queue. The RM drops a message
		 * whose fragments stop, but if it did get all of them, its
		 * reply is still to come: leave the call to the receive path.
		 */
		xa_lock(&rm->calls);
		if (xa_load(&rm->calls, seq) == call) {
			call->abandoned = true;
			xa_unlock(&rm->calls);
			return ret;
		}
		xa_unlock(&rm->calls);
		wait_for_completion(&call->done);
	}

	left = (long)(deadline - jiffies);
	if (!wait_for_completion_timeout(&call->done, max(left, 1L))) {
		xa_lock(&rm->calls);
		if (xa_load(&rm->calls, seq) == call) {
			/* The receive path frees it when the reply comes */
			call->abandoned = true;
			xa_unlock(&rm->calls);
			dev_err_ratelimited(rm->dev,
					    "no reply to %#x (sequence %u)\n",
					    message_id, seq);
			return -ETIMEDOUT;
		}
		xa_unlock(&rm->calls);
		/* Completed between the timeout and the lock */
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
		ret = -EBADMSG;
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
EXPORT_SYMBOL_IF_KUNIT(gunyah_rm_call);

/**
 * gunyah_rm_call_fixed() - a call whose reply data has exactly one size
 * @rm: link
 * @message_id: request message ID
 * @req: request payload
 * @req_size: its length
 * @resp: receives the reply data
 * @resp_size: the only acceptable reply data length
 *
 * Return: as gunyah_rm_call(); -EBADMSG for reply data of another size.
 */
int gunyah_rm_call_fixed(struct gunyah_rm *rm, u32 message_id,
			 const void *req, size_t req_size,
			 void *resp, size_t resp_size)
{
	size_t size;
	void *buf;
	int ret;

	ret = gunyah_rm_call(rm, message_id, req, req_size, &buf, &size);
	if (ret)
		return ret;

	if (size != resp_size) {
		dev_warn_ratelimited(rm->dev,
				     "reply to %#x has %zu bytes, expected %zu\n",
				     message_id, size, resp_size);
		kfree(buf);
		return -EBADMSG;
	}

	memcpy(resp, buf, resp_size);
	kfree(buf);

	return 0;
}

#if IS_ENABLED(CONFIG_KUNIT)
/**
 * gunyah_rm_waiting_callers() - callers still waiting for a reply, for tests
 * @rm: link
 *
 * Return: how many calls in the table have a caller (not given up).
 */
unsigned int gunyah_rm_waiting_callers(struct gunyah_rm *rm)
{
	struct gunyah_rm_call *call;
	unsigned int n = 0;
	unsigned long seq;

	xa_lock(&rm->calls);
	xa_for_each(&rm->calls, seq, call)
		n += !call->abandoned;
	xa_unlock(&rm->calls);

	return n;
}
EXPORT_SYMBOL_IF_KUNIT(gunyah_rm_waiting_callers);

/**
 * gunyah_rm_set_call_timeout() - shorten the deadline of calls, for tests
 * @rm: link
 * @ms: the new deadline of a call, in milliseconds
 *
 * Tests that make the RM lose replies on purpose would otherwise wait the
 * full default deadline for each of them.
 */
void gunyah_rm_set_call_timeout(struct gunyah_rm *rm, unsigned int ms)
{
	WRITE_ONCE(rm->call_timeout, msecs_to_jiffies(ms));
}
EXPORT_SYMBOL_IF_KUNIT(gunyah_rm_set_call_timeout);
#endif
