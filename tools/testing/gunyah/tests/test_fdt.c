// SPDX-License-Identifier: GPL-2.0
/*
 * The primary VM's device tree, written and read back with libfdt.
 */
#include <stdio.h>
#include <string.h>

#include <libfdt.h>

#include "guest_dt.h"
#include "tap.h"

static uint8_t blob[65536];

/* Property @name of the node at @path, or NULL; its length in *len. */
static const uint8_t *get_prop(const char *path, const char *name,
			       uint32_t *len)
{
	int node = fdt_path_offset(blob, path), plen;
	const uint8_t *p;

	if (node < 0)
		return NULL;
	p = fdt_getprop(blob, node, name, &plen);
	if (p)
		*len = (uint32_t)plen;
	return p;
}

static int prop_is_string(const char *path, const char *name,
			  const char *want)
{
	uint32_t len;
	const uint8_t *p = get_prop(path, name, &len);

	return p && len == strlen(want) + 1 && !memcmp(p, want, len);
}

static int prop_is_strings(const char *path, const char *name,
			   const char *want, size_t len_with_nul)
{
	uint32_t len;
	const uint8_t *p = get_prop(path, name, &len);

	return p && len == len_with_nul && !memcmp(p, want, len);
}

/* Direct children of the node at @path. */
static int count_children(const char *path)
{
	int node = fdt_path_offset(blob, path), child, children = 0;

	fdt_for_each_subnode(child, blob, node)
		children++;
	return children;
}

static int prop_cells(const char *path, const char *name,
		      const uint32_t *want, unsigned int nr)
{
	uint32_t len, i;
	const uint8_t *p = get_prop(path, name, &len);

	if (!p || len != nr * 4)
		return 0;
	for (i = 0; i < nr; i++)
		if (fdt32_ld((const fdt32_t *)p + i) != want[i])
			return 0;
	return 1;
}

int main(void)
{
	struct guest_dt_info info = {
		.ram_base = 0x40000000, .ram_size = 512ull << 20,
		.nr_cpus = 2, .mpidr = { 0x80000000, 0x80000001 },
		.cmdline = "console=ttyAMA0",
		.initrd_start = 0x48000000, .initrd_end = 0x48100000,
		.rm_tx_capid = 0x10, .rm_rx_capid = 0x11,
	};
	const char *rm = "/hypervisor/qcom,resource-manager-rpc@0000000000000010";
	static const uint32_t rm_reg[] = { 0, 0x10, 0, 0x11 };
	/* GIC_SPI 928 and 929, IRQ_TYPE_EDGE_RISING */
	static const uint32_t rm_irqs[] = { 0, 928, 1, 0, 929, 1 };
	static const uint32_t mem_reg[] = { 0, 0x40000000, 0, 0x20000000 };
	static const uint32_t two[] = { 2 }, zero[] = { 0 }, three[] = { 3 };
	static const uint32_t msg_size[] = { 240 }, depth[] = { 8 };
	static const uint32_t free_irq[] = { 960 };
	static const uint32_t initrd[] = { 0, 0x48000000 };
	static const char hyp_compat[] = "qcom,gunyah-hypervisor-1.0\0"
		"qcom,gunyah-hypervisor\0simple-bus";
	static const char vm_compat[] = "qcom,gunyah-vm-id-1.0\0"
		"qcom,gunyah-vm-id";
	static const char rm_compat[] = "gunyah-resource-manager\0"
		"qcom,resource-manager-1-0\0qcom,resource-manager";
	size_t size;
	uint32_t len;

	size = guest_dt_build(&info, blob, sizeof(blob));
	tap_ok(size > 40, "the device tree builds");
	tap_eq(fdt_check_full(blob, size), 0, "fdt_check_full() accepts it");
	tap_eq(fdt_magic(blob), FDT_MAGIC, "FDT magic");
	tap_eq(fdt_totalsize(blob), size, "totalsize matches");
	tap_eq(fdt_version(blob), 17, "version 17");

	/* The real RM's shape: src/vm_dt/vm_dt.c */
	tap_ok(prop_is_strings("/hypervisor", "compatible", hyp_compat,
			       sizeof(hyp_compat)),
	       "/hypervisor is qcom,gunyah-hypervisor-1.0, qcom,gunyah-hypervisor, simple-bus");
	tap_ok(prop_cells("/hypervisor", "#address-cells", two, 1) &&
	       prop_cells("/hypervisor", "#size-cells", zero, 1),
	       "/hypervisor has 2 address cells, 0 size cells");
	tap_ok(prop_is_strings("/hypervisor/qcom,gunyah-vm", "compatible",
			       vm_compat, sizeof(vm_compat)),
	       "qcom,gunyah-vm is qcom,gunyah-vm-id-1.0, qcom,gunyah-vm-id");
	tap_ok(prop_cells("/hypervisor/qcom,gunyah-vm", "qcom,vmid", three, 1),
	       "the primary VM's VMID is 3");
	tap_ok(prop_is_string("/hypervisor/qcom,gunyah-vm", "qcom,vendor",
			      "Qualcomm"),
	       "qcom,vendor is Qualcomm");
	tap_ok(prop_is_strings(rm, "compatible", rm_compat, sizeof(rm_compat)),
	       "the RM link is gunyah-resource-manager, qcom,resource-manager-1-0, qcom,resource-manager");
	tap_ok(prop_cells(rm, "reg", rm_reg, 4),
	       "reg holds the TX then RX capability IDs, 2 cells each");
	tap_ok(prop_cells(rm, "interrupts", rm_irqs, 6),
	       "interrupts are SPI 928 (TX) and SPI 929 (RX), rising edge");
	tap_ok(prop_cells(rm, "qcom,tx-message-size", msg_size, 1) &&
	       prop_cells(rm, "qcom,rx-message-size", msg_size, 1),
	       "messages are 240 bytes each way");
	tap_ok(prop_cells(rm, "qcom,tx-queue-depth", depth, 1) &&
	       prop_cells(rm, "qcom,rx-queue-depth", depth, 1),
	       "queues are 8 deep each way");
	tap_ok(get_prop(rm, "qcom,is-full-duplex", &len) && len == 0,
	       "qcom,is-full-duplex is an empty property");
	tap_ok(prop_cells(rm, "qcom,free-irq-start", free_irq, 1),
	       "qcom,free-irq-start is 960");
	tap_ok(!get_prop("/hypervisor/gunyah-resource-mgr@10", "reg", &len),
	       "no v17-binding RM node");
	tap_eq(count_children("/hypervisor"), 2,
	       "/hypervisor has exactly two children");
	tap_ok(prop_cells("/memory@40000000", "reg", mem_reg, 4),
	       "memory is 512 MiB at 0x40000000");
	tap_ok(prop_is_string("/chosen", "bootargs", "console=ttyAMA0"),
	       "bootargs");
	tap_ok(prop_cells("/chosen", "linux,initrd-start", initrd, 2),
	       "initrd start");
	tap_ok(prop_is_string("/psci", "method", "smc"), "PSCI over SMC");
	tap_ok(get_prop("/cpus/cpu@1", "reg", &len) && len == 4,
	       "the second CPU is described");
	tap_ok(!get_prop("/cpus/cpu@2", "reg", &len), "and no third");
	tap_ok(get_prop("/pl011@9000000", "clocks", &len) && len == 8,
	       "the UART has its two clocks");

	tap_eq(guest_dt_build(&info, blob, 100), 0,
	       "a too small buffer is refused");
	return tap_done();
}
