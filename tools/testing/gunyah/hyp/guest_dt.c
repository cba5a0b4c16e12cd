// SPDX-License-Identifier: GPL-2.0
/*
 * Device tree of the primary VM.
 *
 * The /hypervisor node has the shape the real RM gives the primary VM
 * (quic/gunyah-resource-manager bf31a9a, src/vm_dt/vm_dt.c:
 * vm_dt_generate_root_properties(), vm_dt_generate_rm_rpc_node(),
 * vm_dt_add_rm_overlay_support(); the compatibles of the RM link come from
 * src/vm_config/vm_config.c, the HLOS rm_rpc_data_t).  The kernel must find
 * Gunyah and its RM from exactly this.
 *
 * PSCI is "smc": on the QEMU platform the primary's DT is QEMU's, and QEMU
 * with EL2 enabled and no EL3 offers PSCI over SMC, which Gunyah's vPSCI
 * serves.  KVM serves PSCI over SMC the same as over HVC (handle_smc() in
 * arch/arm64/kvm/handle_exit.c steps the PC and calls the SMCCC handler),
 * and its SMCCC filter forwards the Gunyah ranges for both conduits.
 */
#include <stdio.h>

#include <libfdt.h>

#include "fdt_cells.h"
#include "guest_dt.h"

#define PHANDLE_GIC		1u
#define PHANDLE_APB_PCLK	2u

/* dt-bindings/interrupt-controller/arm-gic.h, irq.h */
#define GIC_SPI			0u
#define GIC_PPI			1u
#define IRQ_TYPE_EDGE_RISING	1u
#define IRQ_TYPE_LEVEL_HIGH	4u

/*
 * Every builder below returns 0 or a negative libfdt error, ORed over its
 * calls: after a failure (the buffer is full) libfdt refuses the later
 * calls without writing, and guest_dt_build() reports that nothing fit.
 */

static int reg64(void *fdt, const char *name, uint64_t addr, uint64_t size)
{
	uint32_t cells[4] = { (uint32_t)(addr >> 32), (uint32_t)addr,
			      (uint32_t)(size >> 32), (uint32_t)size };

	return fdt_prop_cells(fdt, name, cells, 4);
}

static int build_cpus(void *fdt, const struct guest_dt_info *info)
{
	char name[32];
	unsigned int i;
	int err = 0;

	err |= fdt_begin_node(fdt, "cpus");
	err |= fdt_property_u32(fdt, "#address-cells", 1);
	err |= fdt_property_u32(fdt, "#size-cells", 0);
	for (i = 0; i < info->nr_cpus; i++) {
		uint32_t reg = (uint32_t)(info->mpidr[i] & 0xffffff);

		snprintf(name, sizeof(name), "cpu@%x", reg);
		err |= fdt_begin_node(fdt, name);
		err |= fdt_property_string(fdt, "device_type", "cpu");
		err |= fdt_property_string(fdt, "compatible", "arm,armv8");
		err |= fdt_property_u32(fdt, "reg", reg);
		err |= fdt_property_string(fdt, "enable-method", "psci");
		err |= fdt_end_node(fdt);
	}
	err |= fdt_end_node(fdt);
	return err;
}

static int build_devices(void *fdt, const struct guest_dt_info *info)
{
	static const char psci_compat[] = "arm,psci-1.0\0arm,psci-0.2";
	static const char uart_compat[] = "arm,pl011\0arm,primecell";
	static const char uart_clocks[] = "uartclk\0apb_pclk";
	uint32_t timer_irqs[12] = {
		GIC_PPI, 13, IRQ_TYPE_LEVEL_HIGH, GIC_PPI, 14, IRQ_TYPE_LEVEL_HIGH,
		GIC_PPI, 11, IRQ_TYPE_LEVEL_HIGH, GIC_PPI, 10, IRQ_TYPE_LEVEL_HIGH,
	};
	uint32_t gic_reg[8] = {
		0, (uint32_t)GUEST_GICD_BASE, 0, (uint32_t)GUEST_GICD_SIZE,
		0, (uint32_t)GUEST_GICR_BASE, 0,
		(uint32_t)(GUEST_GICR_STRIDE * info->nr_cpus),
	};
	uint32_t uart_irq[3] = { GIC_SPI, GUEST_UART_SPI, IRQ_TYPE_LEVEL_HIGH };
	uint32_t clocks[2] = { PHANDLE_APB_PCLK, PHANDLE_APB_PCLK };
	char name[48];
	int err = 0;

	err |= fdt_begin_node(fdt, "psci");
	err |= fdt_property(fdt, "compatible", psci_compat,
			    sizeof(psci_compat));
	err |= fdt_property_string(fdt, "method", "smc");
	err |= fdt_end_node(fdt);

	snprintf(name, sizeof(name), "intc@%llx",
		 (unsigned long long)GUEST_GICD_BASE);
	err |= fdt_begin_node(fdt, name);
	err |= fdt_property_string(fdt, "compatible", "arm,gic-v3");
	err |= fdt_property_u32(fdt, "#interrupt-cells", 3);
	err |= fdt_property(fdt, "interrupt-controller", NULL, 0);
	err |= fdt_prop_cells(fdt, "reg", gic_reg, 8);
	err |= fdt_property_u32(fdt, "phandle", PHANDLE_GIC);
	err |= fdt_end_node(fdt);

	err |= fdt_begin_node(fdt, "timer");
	err |= fdt_property_string(fdt, "compatible", "arm,armv8-timer");
	err |= fdt_prop_cells(fdt, "interrupts", timer_irqs, 12);
	err |= fdt_property(fdt, "always-on", NULL, 0);
	err |= fdt_end_node(fdt);

	err |= fdt_begin_node(fdt, "apb-pclk");
	err |= fdt_property_string(fdt, "compatible", "fixed-clock");
	err |= fdt_property_u32(fdt, "#clock-cells", 0);
	err |= fdt_property_u32(fdt, "clock-frequency", 24000000);
	err |= fdt_property_string(fdt, "clock-output-names", "clk24mhz");
	err |= fdt_property_u32(fdt, "phandle", PHANDLE_APB_PCLK);
	err |= fdt_end_node(fdt);

	snprintf(name, sizeof(name), "pl011@%llx",
		 (unsigned long long)GUEST_UART_BASE);
	err |= fdt_begin_node(fdt, name);
	err |= fdt_property(fdt, "compatible", uart_compat,
			    sizeof(uart_compat));
	err |= reg64(fdt, "reg", GUEST_UART_BASE, 0x1000);
	err |= fdt_prop_cells(fdt, "interrupts", uart_irq, 3);
	err |= fdt_prop_cells(fdt, "clocks", clocks, 2);
	err |= fdt_property(fdt, "clock-names", uart_clocks,
			    sizeof(uart_clocks));
	err |= fdt_end_node(fdt);
	return err;
}

/* vm_dt.c vm_dt_generate_root_properties(): /hypervisor/qcom,gunyah-vm */
static int build_gunyah_vm(void *fdt)
{
	static const char compat[] = "qcom,gunyah-vm-id-1.0\0qcom,gunyah-vm-id";
	int err = 0;

	err |= fdt_begin_node(fdt, "qcom,gunyah-vm");
	err |= fdt_property(fdt, "compatible", compat, sizeof(compat));
	err |= fdt_property_u32(fdt, "qcom,vmid", GUEST_PRIMARY_VMID);
	err |= fdt_property_string(fdt, "qcom,vendor", "Qualcomm");
	err |= fdt_end_node(fdt);
	return err;
}

/*
 * vm_dt.c vm_dt_generate_rm_rpc_node(): the node is named after the TX
 * capability ID in 16 hex digits; reg is a u64 array { TX, RX }, then the
 * TX and RX interrupts and the vm_dt_add_rm_overlay_support() properties,
 * in that order.
 */
static int build_rm_rpc(void *fdt, const struct guest_dt_info *info)
{
	static const char compat[] = "gunyah-resource-manager\0"
		"qcom,resource-manager-1-0\0qcom,resource-manager";
	uint32_t reg[4] = {
		(uint32_t)(info->rm_tx_capid >> 32), (uint32_t)info->rm_tx_capid,
		(uint32_t)(info->rm_rx_capid >> 32), (uint32_t)info->rm_rx_capid,
	};
	uint32_t irqs[6] = {
		GIC_SPI, GUEST_RM_TX_SPI, IRQ_TYPE_EDGE_RISING,
		GIC_SPI, GUEST_RM_RX_SPI, IRQ_TYPE_EDGE_RISING,
	};
	char name[64];
	int err = 0;

	snprintf(name, sizeof(name), "qcom,resource-manager-rpc@%016llx",
		 (unsigned long long)info->rm_tx_capid);
	err |= fdt_begin_node(fdt, name);
	err |= fdt_property(fdt, "compatible", compat, sizeof(compat));
	err |= fdt_prop_cells(fdt, "reg", reg, 4);
	err |= fdt_prop_cells(fdt, "interrupts", irqs, 6);
	err |= fdt_property_u32(fdt, "qcom,free-irq-start",
				GUEST_RM_FREE_IRQ_START);
	err |= fdt_property(fdt, "qcom,is-full-duplex", NULL, 0);
	err |= fdt_property_u32(fdt, "qcom,tx-message-size", GUEST_RM_MSG_SIZE);
	err |= fdt_property_u32(fdt, "qcom,rx-message-size", GUEST_RM_MSG_SIZE);
	err |= fdt_property_u32(fdt, "qcom,tx-queue-depth",
				GUEST_RM_QUEUE_DEPTH);
	err |= fdt_property_u32(fdt, "qcom,rx-queue-depth",
				GUEST_RM_QUEUE_DEPTH);
	err |= fdt_end_node(fdt);
	return err;
}

static int build_hypervisor(void *fdt, const struct guest_dt_info *info)
{
	static const char compat[] = "qcom,gunyah-hypervisor-1.0\0"
		"qcom,gunyah-hypervisor\0simple-bus";
	int err = 0;

	err |= fdt_begin_node(fdt, "hypervisor");
	err |= fdt_property_u32(fdt, "#address-cells", 2);
	err |= fdt_property_u32(fdt, "#size-cells", 0);
	err |= fdt_property(fdt, "compatible", compat, sizeof(compat));
	err |= build_gunyah_vm(fdt);
	err |= build_rm_rpc(fdt, info);
	err |= fdt_end_node(fdt);
	return err;
}

size_t guest_dt_build(const struct guest_dt_info *info, void *out,
		      size_t cap)
{
	char name[48], stdout_path[48];
	int err;

	if (cap > INT32_MAX)
		cap = INT32_MAX;
	err = fdt_create(out, (int)cap);
	if (err)
		return 0;
	err |= fdt_finish_reservemap(out);
	err |= fdt_begin_node(out, "");
	err |= fdt_property_string(out, "compatible", "linux,dummy-virt");
	err |= fdt_property_string(out, "model", "Gunyah emulator primary VM");
	err |= fdt_property_u32(out, "#address-cells", 2);
	err |= fdt_property_u32(out, "#size-cells", 2);
	err |= fdt_property_u32(out, "interrupt-parent", PHANDLE_GIC);

	snprintf(stdout_path, sizeof(stdout_path), "/pl011@%llx",
		 (unsigned long long)GUEST_UART_BASE);
	err |= fdt_begin_node(out, "chosen");
	err |= fdt_property_string(out, "bootargs",
				   info->cmdline ? info->cmdline : "");
	err |= fdt_property_string(out, "stdout-path", stdout_path);
	if (info->initrd_start) {
		err |= fdt_property_u64(out, "linux,initrd-start",
					info->initrd_start);
		err |= fdt_property_u64(out, "linux,initrd-end",
					info->initrd_end);
	}
	err |= fdt_end_node(out);

	snprintf(name, sizeof(name), "memory@%llx",
		 (unsigned long long)info->ram_base);
	err |= fdt_begin_node(out, name);
	err |= fdt_property_string(out, "device_type", "memory");
	err |= reg64(out, "reg", info->ram_base, info->ram_size);
	err |= fdt_end_node(out);

	err |= build_cpus(out, info);
	err |= build_devices(out, info);
	err |= build_hypervisor(out, info);
	err |= fdt_end_node(out);
	err |= fdt_finish(out);
	return err ? 0 : fdt_totalsize(out);
}
