// SPDX-License-Identifier: GPL-2.0-only
/*
 * KVM on Gunyah: the configuration device tree the RM builds the VM from.
 *
 * Its shape follows what the open-source RM (bf31a9a) parses and requires
 * (vm_config_parser.c, dtb_parser.c, platform/qemu/src/vm_dt.c; see
 * gunyah-facts.md, "The real RM, as it behaves"):
 *
 * - /gunyah-vm-config is the first child of / (libfdt inserts a new node
 *   first, so it is added last): the RM's walker reads every child of /
 *   with the cell counts of the first one.
 * - /cpus with one cpu@N per vCPU (VM_INIT fails without), started by
 *   PSCI but for the first (parse_vcpus()).
 * - an arm,gic-v3 node named by the root's interrupt-parent, with the
 *   VMM's GICD and GICR addresses in reg: Gunyah's vGIC goes there.
 * - an empty /chosen (START applies an overlay to it) and a psci node
 *   (without one the hypervisor answers the guest's SYSTEM_OFF with
 *   NOT_SUPPORTED).
 * - one "shm" vdevice per guest memory region: the parcel with that label
 *   is accepted at exactly that guest address at START.
 * - one "doorbell" vdevice per SPI the VMM may raise: the host gets its
 *   source capability (GET_HYP_RESOURCES, label = INTID), with the right
 *   to clear it ("source-can-clear") for level-triggered lines.
 */

#include <linux/libfdt.h>

#include "gunyah_kvm.h"

#define GUNYAH_KVM_GIC_PHANDLE	1
/* interrupts = <class number flags>: class 0 is an SPI (dt-bindings) */
#define GUNYAH_KVM_DT_SPI	0
#define GUNYAH_KVM_DT_LEVEL_HIGH 4

static int gunyah_kvm_dt_u64s(void *dt, int node, const char *name,
			      const u64 *vals, int n)
{
	fdt64_t cells[4];
	int i;

	for (i = 0; i < n; i++)
		cells[i] = cpu_to_fdt64(vals[i]);
	return fdt_setprop(dt, node, name, cells, n * sizeof(cells[0]));
}

static int gunyah_kvm_dt_gic(void *dt, const struct gunyah_kvm_config_dt *cfg)
{
	const u64 reg[4] = {
		cfg->gicd, GUNYAH_KVM_GICD_SIZE,
		cfg->gicr, (u64)GUNYAH_KVM_GICR_SIZE * cfg->nr_vcpus,
	};
	char name[32];
	int node, ret;

	snprintf(name, sizeof(name), "intc@%llx", cfg->gicd);
	node = fdt_add_subnode(dt, 0, name);
	if (node < 0)
		return node;
	ret = fdt_setprop_string(dt, node, "compatible", "arm,gic-v3");
	ret = ret ?: fdt_setprop(dt, node, "interrupt-controller", NULL, 0);
	ret = ret ?: fdt_setprop_u32(dt, node, "#interrupt-cells", 3);
	ret = ret ?: fdt_setprop_u32(dt, node, "#address-cells", 2);
	ret = ret ?: fdt_setprop_u32(dt, node, "#size-cells", 2);
	ret = ret ?: gunyah_kvm_dt_u64s(dt, node, "reg", reg, ARRAY_SIZE(reg));
	return ret ?: fdt_setprop_u32(dt, node, "phandle", GUNYAH_KVM_GIC_PHANDLE);
}

static int gunyah_kvm_dt_cpus(void *dt, const struct gunyah_kvm_config_dt *cfg)
{
	char name[16];
	int cpus, node, ret;
	u32 i;

	cpus = fdt_add_subnode(dt, 0, "cpus");
	if (cpus < 0)
		return cpus;
	ret = fdt_setprop_u32(dt, cpus, "#address-cells", 1);
	ret = ret ?: fdt_setprop_u32(dt, cpus, "#size-cells", 0);
	/* cpu@0 boots; the RM wants to know how the others are started */
	ret = ret ?: fdt_setprop_string(dt, cpus, "enable-method", "psci");
	/* Added in reverse: each new node becomes the first child */
	for (i = cfg->nr_vcpus; !ret && i-- > 0;) {
		snprintf(name, sizeof(name), "cpu@%x", i);
		node = fdt_add_subnode(dt, cpus, name);
		if (node < 0)
			return node;
		ret = fdt_setprop_string(dt, node, "device_type", "cpu");
		ret = ret ?: fdt_setprop_string(dt, node, "compatible", "arm,armv8");
		ret = ret ?: fdt_setprop_u32(dt, node, "reg", i);
	}
	return ret;
}

struct gunyah_kvm_dt_shm {
	void *dt;
	int vdevices;
};

static int gunyah_kvm_dt_shm(void *data, u32 label, u64 ipa)
{
	struct gunyah_kvm_dt_shm *ctx = data;
	void *dt = ctx->dt;
	char name[32];
	int node, mem, ret;

	snprintf(name, sizeof(name), "shm-%x", label);
	node = fdt_add_subnode(dt, ctx->vdevices, name);
	if (node < 0)
		return node;
	ret = fdt_setprop_string(dt, node, "vdevice-type", "shm");
	ret = ret ?: fdt_setprop(dt, node, "peer-default", NULL, 0);
	ret = ret ?: fdt_setprop_u32(dt, node, "label", label);
	if (ret)
		return ret;
	mem = fdt_add_subnode(dt, node, "memory");
	if (mem < 0)
		return mem;
	ret = fdt_setprop_u32(dt, mem, "qcom,label", label);
	ret = ret ?: fdt_setprop_u32(dt, mem, "#address-cells", 2);
	return ret ?: fdt_setprop_u64(dt, mem, "base", ipa);
}

static int gunyah_kvm_dt_doorbells(void *dt, int vdevices,
				   const struct gunyah_kvm_config_dt *cfg)
{
	char name[24];
	int node, ret = 0;
	u32 spi;

	for (spi = cfg->nr_spis; !ret && spi-- > 0;) {
		const fdt32_t irq[3] = {
			cpu_to_fdt32(GUNYAH_KVM_DT_SPI), cpu_to_fdt32(spi),
			cpu_to_fdt32(GUNYAH_KVM_DT_LEVEL_HIGH),
		};

		snprintf(name, sizeof(name), "doorbell-%u", spi + GUNYAH_KVM_SPI_BASE);
		node = fdt_add_subnode(dt, vdevices, name);
		if (node < 0)
			return node;
		ret = fdt_setprop_string(dt, node, "vdevice-type", "doorbell");
		ret = ret ?: fdt_setprop(dt, node, "peer-default", NULL, 0);
		ret = ret ?: fdt_setprop(dt, node, "source-can-clear", NULL, 0);
		ret = ret ?: fdt_setprop_u32(dt, node, "label",
					     spi + GUNYAH_KVM_SPI_BASE);
		ret = ret ?: fdt_setprop(dt, node, "interrupts", irq, sizeof(irq));
	}
	return ret;
}

static int gunyah_kvm_dt_vm_config(struct gunyah_kvm *gvm, void *dt,
				   const struct gunyah_kvm_config_dt *cfg)
{
	struct gunyah_kvm_dt_shm shm = { .dt = dt };
	int root, node, ret;

	root = fdt_add_subnode(dt, 0, "gunyah-vm-config");
	if (root < 0)
		return root;
	ret = fdt_setprop_u32(dt, root, "#address-cells", 2);
	ret = ret ?: fdt_setprop_u32(dt, root, "#size-cells", 2);
	ret = ret ?: fdt_setprop_string(dt, root, "image-name", "kvm");
	if (ret)
		return ret;

	shm.vdevices = fdt_add_subnode(dt, root, "vdevices");
	if (shm.vdevices < 0)
		return shm.vdevices;
	ret = gunyah_kvm_dt_doorbells(dt, shm.vdevices, cfg);
	ret = ret ?: gunyah_kvm_mem_visit_regions(gvm, gunyah_kvm_dt_shm, &shm);
	if (ret)
		return ret;

	node = fdt_add_subnode(dt, root, "vcpus");
	if (node < 0)
		return node;
	ret = fdt_setprop_string(dt, node, "affinity", "proxy");
	if (ret)
		return ret;

	node = fdt_add_subnode(dt, root, "memory");
	if (node < 0)
		return node;
	return fdt_setprop_u64(dt, node, "base-address", cfg->image_ipa);
}

int gunyah_kvm_build_config_dt(struct gunyah_kvm *gvm, void *dt, size_t size,
			       const struct gunyah_kvm_config_dt *cfg)
{
	int node, ret;

	ret = fdt_create_empty_tree(dt, size);
	ret = ret ?: fdt_setprop_u32(dt, 0, "#address-cells", 2);
	ret = ret ?: fdt_setprop_u32(dt, 0, "#size-cells", 2);
	ret = ret ?: fdt_setprop_u32(dt, 0, "interrupt-parent",
				     GUNYAH_KVM_GIC_PHANDLE);
	if (ret)
		return -EINVAL;

	node = fdt_add_subnode(dt, 0, "psci");
	if (node < 0)
		return -ENOSPC;
	ret = fdt_setprop_string(dt, node, "compatible", "arm,psci-1.0");
	ret = ret ?: fdt_setprop_string(dt, node, "method", "hvc");
	if (ret)
		return -ENOSPC;
	if (fdt_add_subnode(dt, 0, "chosen") < 0)
		return -ENOSPC;
	if (gunyah_kvm_dt_gic(dt, cfg) || gunyah_kvm_dt_cpus(dt, cfg))
		return -ENOSPC;
	/* Last, so that it is the first child of / */
	if (gunyah_kvm_dt_vm_config(gvm, dt, cfg))
		return -ENOSPC;
	return fdt_pack(dt) ? -EINVAL : 0;
}
