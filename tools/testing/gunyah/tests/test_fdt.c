// SPDX-License-Identifier: GPL-2.0
/*
 * The FDT writer and the primary VM's device tree, read back by a small
 * independent parser.
 */
#include <stdio.h>
#include <string.h>

#include "fdt.h"
#include "guest_dt.h"
#include "tap.h"

static uint8_t blob[65536];

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

/* Property @name of the node at @path, or NULL; its length in *len. */
static const uint8_t *get_prop(const char *path, const char *name,
			       uint32_t *len)
{
	uint32_t off = be32(blob + 8), strings = be32(blob + 12);
	uint32_t end = off + be32(blob + 36);
	char cur[256] = "";
	int depth = 0;

	while (off < end) {
		uint32_t token = be32(blob + off);

		off += 4;
		if (token == 1) {		/* FDT_BEGIN_NODE */
			const char *n = (const char *)blob + off;

			if (depth > 0 && strlen(cur) + strlen(n) + 2 < sizeof(cur)) {
				if (strcmp(cur, "/"))
					strcat(cur, "/");
				strcat(cur, n);
			} else if (depth == 0) {
				snprintf(cur, sizeof(cur), "/");
			}
			depth++;
			off += (strlen(n) + 4) & ~3u;
		} else if (token == 2) {	/* FDT_END_NODE */
			char *slash = strrchr(cur, '/');

			depth--;
			if (slash && slash != cur)
				*slash = 0;
			else
				snprintf(cur, sizeof(cur), "/");
		} else if (token == 3) {	/* FDT_PROP */
			uint32_t plen = be32(blob + off);
			const char *pname = (const char *)blob + strings +
					    be32(blob + off + 4);

			if (!strcmp(cur, path) && !strcmp(pname, name)) {
				*len = plen;
				return blob + off + 8;
			}
			off += 8 + ((plen + 3) & ~3u);
		} else {
			break;
		}
	}
	return NULL;
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

/* Direct children of the node at @path (which must not be the root). */
static int count_children(const char *path)
{
	uint32_t off = be32(blob + 8), end = off + be32(blob + 36);
	char cur[256] = "";
	int depth = 0, target = -1, children = 0;

	while (off < end) {
		uint32_t token = be32(blob + off);

		off += 4;
		if (token == 1) {
			const char *n = (const char *)blob + off;

			if (target >= 0 && depth == target)
				children++;
			if (depth > 0 && strlen(cur) + strlen(n) + 2 < sizeof(cur)) {
				if (strcmp(cur, "/"))
					strcat(cur, "/");
				strcat(cur, n);
			} else if (depth == 0) {
				snprintf(cur, sizeof(cur), "/");
			}
			depth++;
			if (!strcmp(cur, path))
				target = depth;
			off += (strlen(n) + 4) & ~3u;
		} else if (token == 2) {
			char *slash = strrchr(cur, '/');

			if (depth == target)
				target = -1;
			depth--;
			if (slash && slash != cur)
				*slash = 0;
			else
				snprintf(cur, sizeof(cur), "/");
		} else if (token == 3) {
			off += 8 + ((be32(blob + off) + 3) & ~3u);
		} else {
			break;
		}
	}
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
		if (be32(p + 4 * i) != want[i])
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
	struct fdt fdt;
	size_t size;
	uint32_t len;

	size = guest_dt_build(&info, blob, sizeof(blob));
	tap_ok(size > 40, "the device tree builds");
	tap_eq(be32(blob), 0xd00dfeed, "FDT magic");
	tap_eq(be32(blob + 4), size, "totalsize matches");
	tap_eq(be32(blob + 20), 17, "version 17");

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
	fdt_init(&fdt);
	fdt_begin_node(&fdt, "");
	tap_eq(fdt_finish(&fdt, blob, sizeof(blob)), 0,
	       "an unclosed node is refused");
	fdt_free(&fdt);
	fdt_init(&fdt);
	fdt_end_node(&fdt);
	tap_ok(fdt.error, "closing a node that was never opened is an error");
	fdt_free(&fdt);
	return tap_done();
}
