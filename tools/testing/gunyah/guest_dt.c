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

#include "fdt.h"
#include "guest_dt.h"

#define PHANDLE_GIC		1u
#define PHANDLE_APB_PCLK	2u

/* dt-bindings/interrupt-controller/arm-gic.h, irq.h */
#define GIC_SPI			0u
#define GIC_PPI			1u
#define IRQ_TYPE_EDGE_RISING	1u
#define IRQ_TYPE_LEVEL_HIGH	4u

static void reg64(struct fdt *fdt, const char *name, uint64_t addr,
		  uint64_t size)
{
	uint32_t cells[4] = { (uint32_t)(addr >> 32), (uint32_t)addr,
			      (uint32_t)(size >> 32), (uint32_t)size };

	fdt_prop_cells(fdt, name, cells, 4);
}

static void build_cpus(struct fdt *fdt, const struct guest_dt_info *info)
{
	char name[32];
	unsigned int i;

	fdt_begin_node(fdt, "cpus");
	fdt_prop_u32(fdt, "#address-cells", 1);
	fdt_prop_u32(fdt, "#size-cells", 0);
	for (i = 0; i < info->nr_cpus; i++) {
		uint32_t reg = (uint32_t)(info->mpidr[i] & 0xffffff);

		snprintf(name, sizeof(name), "cpu@%x", reg);
		fdt_begin_node(fdt, name);
		fdt_prop_string(fdt, "device_type", "cpu");
		fdt_prop_string(fdt, "compatible", "arm,armv8");
		fdt_prop_u32(fdt, "reg", reg);
		fdt_prop_string(fdt, "enable-method", "psci");
		fdt_end_node(fdt);
	}
	fdt_end_node(fdt);
}

static void build_devices(struct fdt *fdt, const struct guest_dt_info *info)
{
	static const char *const psci_compat[] = {
		"arm,psci-1.0", "arm,psci-0.2"
	};
	static const char *const uart_compat[] = {
		"arm,pl011", "arm,primecell"
	};
	static const char *const uart_clocks[] = { "uartclk", "apb_pclk" };
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

	fdt_begin_node(fdt, "psci");
	fdt_prop_strings(fdt, "compatible", psci_compat, 2);
	fdt_prop_string(fdt, "method", "smc");
	fdt_end_node(fdt);

	snprintf(name, sizeof(name), "intc@%llx",
		 (unsigned long long)GUEST_GICD_BASE);
	fdt_begin_node(fdt, name);
	fdt_prop_string(fdt, "compatible", "arm,gic-v3");
	fdt_prop_u32(fdt, "#interrupt-cells", 3);
	fdt_prop_empty(fdt, "interrupt-controller");
	fdt_prop_cells(fdt, "reg", gic_reg, 8);
	fdt_prop_u32(fdt, "phandle", PHANDLE_GIC);
	fdt_end_node(fdt);

	fdt_begin_node(fdt, "timer");
	fdt_prop_string(fdt, "compatible", "arm,armv8-timer");
	fdt_prop_cells(fdt, "interrupts", timer_irqs, 12);
	fdt_prop_empty(fdt, "always-on");
	fdt_end_node(fdt);

	fdt_begin_node(fdt, "apb-pclk");
	fdt_prop_string(fdt, "compatible", "fixed-clock");
	fdt_prop_u32(fdt, "#clock-cells", 0);
	fdt_prop_u32(fdt, "clock-frequency", 24000000);
	fdt_prop_string(fdt, "clock-output-names", "clk24mhz");
	fdt_prop_u32(fdt, "phandle", PHANDLE_APB_PCLK);
	fdt_end_node(fdt);

	snprintf(name, sizeof(name), "pl011@%llx",
		 (unsigned long long)GUEST_UART_BASE);
	fdt_begin_node(fdt, name);
	fdt_prop_strings(fdt, "compatible", uart_compat, 2);
	reg64(fdt, "reg", GUEST_UART_BASE, 0x1000);
	fdt_prop_cells(fdt, "interrupts", uart_irq, 3);
	fdt_prop_cells(fdt, "clocks", clocks, 2);
	fdt_prop_strings(fdt, "clock-names", uart_clocks, 2);
	fdt_end_node(fdt);
}

/* vm_dt.c vm_dt_generate_root_properties(): /hypervisor/qcom,gunyah-vm */
static void build_gunyah_vm(struct fdt *fdt)
{
	static const char *const compat[] = {
		"qcom,gunyah-vm-id-1.0", "qcom,gunyah-vm-id"
	};

	fdt_begin_node(fdt, "qcom,gunyah-vm");
	fdt_prop_strings(fdt, "compatible", compat, 2);
	fdt_prop_u32(fdt, "qcom,vmid", GUEST_PRIMARY_VMID);
	fdt_prop_string(fdt, "qcom,vendor", "Qualcomm");
	fdt_end_node(fdt);
}

/*
 * vm_dt.c vm_dt_generate_rm_rpc_node(): the node is named after the TX
 * capability ID in 16 hex digits; reg is a u64 array { TX, RX }, then the
 * TX and RX interrupts and the vm_dt_add_rm_overlay_support() properties,
 * in that order.
 */
static void build_rm_rpc(struct fdt *fdt, const struct guest_dt_info *info)
{
	static const char *const compat[] = {
		"gunyah-resource-manager", "qcom,resource-manager-1-0",
		"qcom,resource-manager"
	};
	uint32_t reg[4] = {
		(uint32_t)(info->rm_tx_capid >> 32), (uint32_t)info->rm_tx_capid,
		(uint32_t)(info->rm_rx_capid >> 32), (uint32_t)info->rm_rx_capid,
	};
	uint32_t irqs[6] = {
		GIC_SPI, GUEST_RM_TX_SPI, IRQ_TYPE_EDGE_RISING,
		GIC_SPI, GUEST_RM_RX_SPI, IRQ_TYPE_EDGE_RISING,
	};
	char name[64];

	snprintf(name, sizeof(name), "qcom,resource-manager-rpc@%016llx",
		 (unsigned long long)info->rm_tx_capid);
	fdt_begin_node(fdt, name);
	fdt_prop_strings(fdt, "compatible", compat, 3);
	fdt_prop_cells(fdt, "reg", reg, 4);
	fdt_prop_cells(fdt, "interrupts", irqs, 6);
	fdt_prop_u32(fdt, "qcom,free-irq-start", GUEST_RM_FREE_IRQ_START);
	fdt_prop_empty(fdt, "qcom,is-full-duplex");
	fdt_prop_u32(fdt, "qcom,tx-message-size", GUEST_RM_MSG_SIZE);
	fdt_prop_u32(fdt, "qcom,rx-message-size", GUEST_RM_MSG_SIZE);
	fdt_prop_u32(fdt, "qcom,tx-queue-depth", GUEST_RM_QUEUE_DEPTH);
	fdt_prop_u32(fdt, "qcom,rx-queue-depth", GUEST_RM_QUEUE_DEPTH);
	fdt_end_node(fdt);
}

static void build_hypervisor(struct fdt *fdt, const struct guest_dt_info *info)
{
	static const char *const compat[] = {
		"qcom,gunyah-hypervisor-1.0", "qcom,gunyah-hypervisor",
		"simple-bus"
	};

	fdt_begin_node(fdt, "hypervisor");
	fdt_prop_u32(fdt, "#address-cells", 2);
	fdt_prop_u32(fdt, "#size-cells", 0);
	fdt_prop_strings(fdt, "compatible", compat, 3);
	build_gunyah_vm(fdt);
	build_rm_rpc(fdt, info);
	fdt_end_node(fdt);
}

size_t guest_dt_build(const struct guest_dt_info *info, void *out,
		      size_t cap)
{
	char name[48], stdout_path[48];
	struct fdt fdt;
	size_t size;

	fdt_init(&fdt);
	fdt_begin_node(&fdt, "");
	fdt_prop_string(&fdt, "compatible", "linux,dummy-virt");
	fdt_prop_string(&fdt, "model", "Gunyah emulator primary VM");
	fdt_prop_u32(&fdt, "#address-cells", 2);
	fdt_prop_u32(&fdt, "#size-cells", 2);
	fdt_prop_u32(&fdt, "interrupt-parent", PHANDLE_GIC);

	snprintf(stdout_path, sizeof(stdout_path), "/pl011@%llx",
		 (unsigned long long)GUEST_UART_BASE);
	fdt_begin_node(&fdt, "chosen");
	fdt_prop_string(&fdt, "bootargs", info->cmdline ? info->cmdline : "");
	fdt_prop_string(&fdt, "stdout-path", stdout_path);
	if (info->initrd_start) {
		fdt_prop_u64(&fdt, "linux,initrd-start", info->initrd_start);
		fdt_prop_u64(&fdt, "linux,initrd-end", info->initrd_end);
	}
	fdt_end_node(&fdt);

	snprintf(name, sizeof(name), "memory@%llx",
		 (unsigned long long)info->ram_base);
	fdt_begin_node(&fdt, name);
	fdt_prop_string(&fdt, "device_type", "memory");
	reg64(&fdt, "reg", info->ram_base, info->ram_size);
	fdt_end_node(&fdt);

	build_cpus(&fdt, info);
	build_devices(&fdt, info);
	build_hypervisor(&fdt, info);
	fdt_end_node(&fdt);

	size = fdt_finish(&fdt, out, cap);
	fdt_free(&fdt);
	return size;
}
