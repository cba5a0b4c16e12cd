// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Resource Manager's transport: a pair of hypervisor message queues,
 * TX towards the RM and RX from it, each with an interrupt ("TX has room",
 * "RX not empty"). Messages are at most 240 bytes; the RPC core
 * (rsc_mgr.c) fragments and reassembles around it.
 */

#include <linux/gunyah.h>
#include <linux/interrupt.h>
#include <linux/platform_device.h>

#include "rsc_mgr.h"

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

/**
 * gunyah_rm_msgq_setup() - run a link over the hypervisor's message queues
 * @rm: zeroed link structure
 * @pdev: the RM's platform device: interrupt 0 is "TX has room", 1 is
 *	  "RX not empty"
 * @tx_capid: TX queue capability
 * @rx_capid: RX queue capability
 *
 * Return: 0 or a negative errno.
 */
int gunyah_rm_msgq_setup(struct gunyah_rm *rm, struct platform_device *pdev,
			 u64 tx_capid, u64 rx_capid)
{
	struct device *dev = &pdev->dev;
	int tx_irq, rx_irq, ret;

	tx_irq = platform_get_irq(pdev, 0);
	if (tx_irq < 0)
		return tx_irq;
	rx_irq = platform_get_irq(pdev, 1);
	if (rx_irq < 0)
		return rx_irq;

	gunyah_rm_init(rm, dev, &gunyah_rm_msgq_ops, NULL);
	rm->tx_capid = tx_capid;
	rm->rx_capid = rx_capid;

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

	return 0;
}
