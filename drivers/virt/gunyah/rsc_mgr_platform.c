// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Resource Manager's platform driver: finds the RM link in the device
 * tree, starts the message-queue transport and creates the auxiliary device
 * that clients (the KVM backend) bind to.
 *
 * The real RM describes the link to the primary VM as (quic/gunyah-resource-
 * manager src/vm_dt/vm_dt.c):
 *
 *	hypervisor {
 *		compatible = "qcom,gunyah-hypervisor-1.0",
 *			     "qcom,gunyah-hypervisor", "simple-bus";
 *		#address-cells = <2>;
 *		#size-cells = <0>;
 *		qcom,resource-manager-rpc@0 {
 *			compatible = "gunyah-resource-manager",
 *				     "qcom,resource-manager-1-0",
 *				     "qcom,resource-manager";
 *			reg = <0 txcap>, <0 rxcap>;
 *			interrupts = <tx "ready to send">, <rx "message available">;
 *			qcom,tx-message-size = <240>;
 *			...
 *		};
 *	};
 *
 * The RM client is permanent: the driver is built in and cannot be unbound,
 * so struct gunyah_rm is never freed. Clients still take a reference to the
 * RM's device (gunyah_rm_get()) for as long as they use it, so that the rule
 * holds if the driver ever becomes removable.
 */

#include <linux/auxiliary_bus.h>
#include <linux/gunyah.h>
#include <linux/mod_devicetable.h>
#include <linux/of.h>
#include <linux/of_irq.h>
#include <linux/platform_device.h>

#include <asm/gunyah.h>

#include "rsc_mgr.h"

/**
 * gunyah_rm_from_auxdev() - the RM behind the auxiliary device a client bound
 * @adev: the "gunyah_rsc_mgr.vm" device passed to the client's probe
 *
 * Return: the RM; valid while the client is bound (the device's parent).
 */
struct gunyah_rm *gunyah_rm_from_auxdev(struct auxiliary_device *adev)
{
	return container_of(adev, struct gunyah_rm, adev);
}
EXPORT_SYMBOL_GPL(gunyah_rm_from_auxdev);

/**
 * gunyah_rm_get() - take a reference to the RM's device
 * @rm: the RM
 *
 * Return: @rm.
 */
struct gunyah_rm *gunyah_rm_get(struct gunyah_rm *rm)
{
	get_device(rm->dev);
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

/**
 * gunyah_rm_dev() - the RM's device, for messages
 * @rm: the RM
 *
 * Return: the device.
 */
struct device *gunyah_rm_dev(struct gunyah_rm *rm)
{
	return rm->dev;
}
EXPORT_SYMBOL_GPL(gunyah_rm_dev);

/**
 * gunyah_rm_virq_to_irq() - the Linux interrupt of a vIRQ the RM handed out
 * @rm: the RM that gave it
 * @virq: its GIC INTID (struct gunyah_rm_hyp_resource.virq)
 *
 * The RM gives the host vIRQs that no device tree describes, such as the
 * wakeup vIRQ of a proxy-scheduled vCPU. They are edge-triggered SPIs of
 * the interrupt controller the RM's own node uses. The mapping stays when
 * the user is done: the RM hands the same vIRQs out again to later VMs.
 *
 * Return: a Linux interrupt number, or a negative errno.
 */
int gunyah_rm_virq_to_irq(struct gunyah_rm *rm, u32 virq)
{
	struct irq_fwspec fwspec = { .fwnode = rm->irq_parent };
	int ret;

	if (!rm->irq_parent)
		return -ENODEV;
	ret = arch_gunyah_fill_irq_fwspec(virq, &fwspec);
	if (ret) {
		dev_warn(rm->dev, "vIRQ %u is no SPI\n", virq);
		return ret;
	}
	ret = irq_create_fwspec_mapping(&fwspec);
	return ret ? ret : -EINVAL;
}
EXPORT_SYMBOL_GPL(gunyah_rm_virq_to_irq);

static void gunyah_rm_adev_release(struct device *dev)
{
	/* The auxiliary device is part of struct gunyah_rm, which is permanent */
}

static int gunyah_rm_add_auxdev(struct gunyah_rm *rm)
{
	struct auxiliary_device *adev = &rm->adev;
	int ret;

	adev->name = GUNYAH_RM_AUXDEV_VM;
	adev->dev.parent = rm->dev;
	adev->dev.release = gunyah_rm_adev_release;
	ret = auxiliary_device_init(adev);
	if (ret)
		return ret;
	/* Built in: name the device after the driver, not the object file */
	ret = __auxiliary_device_add(adev, GUNYAH_RM_AUXDEV_MODNAME);
	if (ret)
		auxiliary_device_uninit(adev);

	return ret;
}

static int gunyah_rm_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct device_node *np = dev->of_node;
	u64 tx_capid, rx_capid;
	struct gunyah_rm *rm;
	int ret;

	if (!gunyah_is_present())
		return -ENODEV;

	/* Capability IDs are 64-bit: two address cells, no size cells */
	if (of_n_addr_cells(np) != 2 || of_n_size_cells(np) != 0)
		return dev_err_probe(dev, -EINVAL,
				     "parent needs #address-cells = 2, #size-cells = 0\n");

	ret = of_property_read_u64_index(np, "reg", 0, &tx_capid);
	if (ret)
		return dev_err_probe(dev, ret, "no TX queue capability in reg\n");
	ret = of_property_read_u64_index(np, "reg", 1, &rx_capid);
	if (ret)
		return dev_err_probe(dev, ret, "no RX queue capability in reg\n");

	/*
	 * Lives as long as the device is bound, which is forever once probe
	 * succeeded (see the top of this file). Allocated before the
	 * interrupts, so a failed probe frees it only after they are gone.
	 */
	rm = devm_kzalloc(dev, sizeof(*rm), GFP_KERNEL);
	if (!rm)
		return -ENOMEM;

	ret = gunyah_rm_msgq_setup(rm, pdev, tx_capid, rx_capid);
	if (ret)
		return ret;
	/* Its reference is kept: the RM client is permanent */
	rm->irq_parent = of_fwnode_handle(of_irq_find_parent(np));
	platform_set_drvdata(pdev, rm);

	ret = gunyah_rm_add_auxdev(rm);
	if (ret)
		return dev_err_probe(dev, ret, "cannot add the VM manager device\n");

	dev_info(dev, "Resource Manager link: TX queue %#llx, RX queue %#llx\n",
		 tx_capid, rx_capid);

	return 0;
}

static const struct of_device_id gunyah_rm_of_match[] = {
	{ .compatible = "gunyah-resource-manager" },
	{ .compatible = "qcom,resource-manager" },
	{}
};

static struct platform_driver gunyah_rm_driver = {
	.probe = gunyah_rm_probe,
	.driver = {
		.name = "gunyah_rsc_mgr",
		.of_match_table = gunyah_rm_of_match,
		/* Clients hold the link: it can never go away */
		.suppress_bind_attrs = true,
	},
};
builtin_platform_driver(gunyah_rm_driver);
