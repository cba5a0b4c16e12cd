// SPDX-License-Identifier: GPL-2.0-only
/*
 * Gunyah detection for the primary VM.
 *
 * Gunyah is present when both the firmware describes it (a /hypervisor
 * node) and the hypervisor itself answers the SMCCC vendor-hyp CALL_UID with
 * the Gunyah UUID. The real Resource Manager writes the node of the primary
 * VM as compatible "qcom,gunyah-hypervisor-1.0", "qcom,gunyah-hypervisor",
 * "simple-bus" (quic/gunyah-resource-manager src/vm_dt/vm_dt.c); only the VMs
 * it creates also get "gunyah-hypervisor", the compatible of the v17 binding
 * (gunyah-hypervisor.yaml). Both are recognised. Either alone is not enough: a
 * stale device tree must not make us issue Gunyah calls to another
 * hypervisor, and the UID alone gives no message queue capabilities.
 *
 * When Gunyah is absent (the common case, e.g. plain QEMU) exactly one
 * informational line is printed and nothing else happens.
 */

#define pr_fmt(fmt) "gunyah: " fmt

#include <linux/gunyah.h>
#include <linux/init.h>
#include <linux/mod_devicetable.h>
#include <linux/of.h>
#include <linux/of_platform.h>
#include <linux/platform_device.h>
#include <linux/string_choices.h>

static bool gunyah_present __ro_after_init;
static struct gunyah_hypercall_hyp_identify_resp gunyah_api __ro_after_init;

/**
 * gunyah_is_present() - whether this kernel runs as a Gunyah VM
 *
 * Valid from subsys_initcall on.
 *
 * Return: true if the device tree and the hypervisor both say Gunyah.
 */
bool gunyah_is_present(void)
{
	return gunyah_present;
}
EXPORT_SYMBOL_GPL(gunyah_is_present);

/**
 * gunyah_api_info() - what hypervisor_identify reported at boot
 *
 * Return: the identify response, or NULL if Gunyah is not present.
 */
const struct gunyah_hypercall_hyp_identify_resp *gunyah_api_info(void)
{
	return gunyah_present ? &gunyah_api : NULL;
}
EXPORT_SYMBOL_GPL(gunyah_api_info);

static const struct of_device_id gunyah_hypervisor_of_match[] = {
	{ .compatible = "qcom,gunyah-hypervisor" },
	{ .compatible = "gunyah-hypervisor" },
	{}
};

/* A subsys_initcall: it runs before the drivers below may probe */
static int __init gunyah_detect(void)
{
	struct device_node *np;
	bool has_node, has_uid;

	np = of_find_matching_node(NULL, gunyah_hypervisor_of_match);
	has_node = np && of_device_is_available(np);
	of_node_put(np);
	has_uid = arch_is_gunyah_guest();

	if (!has_node || !has_uid) {
		pr_info("Gunyah hypervisor not detected (device tree node: %s, hypervisor UID: %s)\n",
			str_yes_no(has_node), str_yes_no(has_uid));
		return 0;
	}

	gunyah_hypercall_hyp_identify(&gunyah_api);
	if (gunyah_api_version(&gunyah_api) != GUNYAH_API_VERSION_1 ||
	    !(gunyah_api.api_info & GUNYAH_API_INFO_IS_64BIT) ||
	    (gunyah_api.api_info & GUNYAH_API_INFO_BIG_ENDIAN)) {
		pr_err("unsupported Gunyah API: info %#llx (need version %u, 64-bit, little-endian)\n",
		       gunyah_api.api_info, GUNYAH_API_VERSION_1);
		return 0;
	}

	gunyah_present = true;
	pr_info("Gunyah hypervisor detected: API version %u, flags %#llx\n",
		gunyah_api_version(&gunyah_api), gunyah_api.flags[0]);

	return 0;
}
subsys_initcall(gunyah_detect);

/*
 * The v17 binding's /hypervisor node is not a bus the OF core walks, so its
 * children (the Resource Manager node) get their devices from here; the real
 * RM's node is also a "simple-bus", and children populated already are left
 * alone.
 */
static int gunyah_hypervisor_probe(struct platform_device *pdev)
{
	if (!gunyah_is_present())
		return -ENODEV;

	return devm_of_platform_populate(&pdev->dev);
}

static struct platform_driver gunyah_hypervisor_driver = {
	.probe = gunyah_hypervisor_probe,
	.driver = {
		.name = "gunyah_hypervisor",
		.of_match_table = gunyah_hypervisor_of_match,
		.suppress_bind_attrs = true,
	},
};
builtin_platform_driver(gunyah_hypervisor_driver);
