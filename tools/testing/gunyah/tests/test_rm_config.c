// SPDX-License-Identifier: GPL-2.0
/*
 * The RM's reading of a VM's config DT (libfdt underneath), with malformed
 * and hostile blobs.  Run under SANITIZE=1 to catch out-of-bounds reads.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "rm_client.h"
#include "rm_internal.h"
#include "tap.h"

static uint8_t blob[65536];

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* A config DT in blob; @cells 0 omits #address-cells, @root names the node. */
static size_t build(const char *root, uint64_t base, unsigned int cells,
		    bool memory)
{
	memset(blob, 0, sizeof(blob));
	return rm_test_build_config_dt(blob, sizeof(blob), root, base, cells,
				       memory);
}

/* The test's config DT, as libfdt reads it back. */
static void test_reader(void)
{
	size_t len = build("gunyah-vm-config", 0x80000000ull, 0, true);
	const fdt32_t *cells;
	const char *v;
	int node, plen;

	tap_ok(len > 0, "a config DT is built");
	tap_eq(fdt_check_full(blob, len), 0, "and fdt_check_full() accepts it");
	node = fdt_path_offset(blob, "/gunyah-vm-config");
	v = fdt_getprop(blob, node, "image-name", &plen);
	tap_ok(node >= 0 && v && plen == 5 && !memcmp(v, "test", 5),
	       "image-name is \"test\"");
	node = fdt_path_offset(blob, "/gunyah-vm-config/memory");
	cells = fdt_getprop(blob, node, "base-address", &plen);
	tap_ok(node >= 0 && cells && plen == 8 && !fdt32_ld(&cells[0]) &&
	       fdt32_ld(&cells[1]) == 0x80000000u,
	       "memory/base-address is 2 cells, 0x80000000");
	tap_ok(!fdt_getprop(blob, node, "size-max", &plen) &&
	       plen == -FDT_ERR_NOTFOUND, "no size-max");
	tap_ok(fdt_path_offset(blob, "/gunyah-vm-config/vcpus") >= 0,
	       "a vcpus node");
}

static void test_malformed(void)
{
	size_t len = build("gunyah-vm-config", 0x80000000ull, 0, true), i;
	unsigned int bad = 0, crashed_not = 0;
	struct rm_vm_dt_config cfg;
	uint8_t saved[4096];
	uint32_t err;

	memcpy(saved, blob, len);
	tap_eq(rm_vm_config_parse(NULL, 0, &cfg), RM_ERROR_MEM_INVALID,
	       "no blob is MEM_INVALID");
	for (i = 0; i < len; i++)
		if (rm_vm_config_parse(blob, i, &cfg) != RM_ERROR_MEM_INVALID)
			bad++;
	tap_eq(bad, 0, "every truncation is MEM_INVALID");

	put_be32(blob, 0xd00dfeee);
	tap_eq(rm_vm_config_parse(blob, len, &cfg), RM_ERROR_MEM_INVALID,
	       "a bad magic is MEM_INVALID");
	memcpy(blob, saved, len);
	put_be32(blob + 4, (uint32_t)len + 4);
	tap_eq(rm_vm_config_parse(blob, len, &cfg), RM_ERROR_MEM_INVALID,
	       "totalsize beyond the buffer is MEM_INVALID");
	memcpy(blob, saved, len);
	put_be32(blob + 8, 0xfffffff0u);
	tap_eq(rm_vm_config_parse(blob, len, &cfg), RM_ERROR_MEM_INVALID,
	       "a structure block outside the blob is MEM_INVALID");
	memcpy(blob, saved, len);
	put_be32(blob + 36, 0xffffff00u);
	tap_eq(rm_vm_config_parse(blob, len, &cfg), RM_ERROR_MEM_INVALID,
	       "a huge structure size is MEM_INVALID (no overflow)");
	memcpy(blob, saved, len);
	put_be32(blob + 32, 2);	/* strings block cut short */
	tap_eq(rm_vm_config_parse(blob, len, &cfg), RM_ERROR_MEM_INVALID,
	       "a property name outside the strings block is MEM_INVALID");
	memcpy(blob, saved, len);
	/* The first token after the root node's name: make it unknown. */
	put_be32(blob + 40 + 16 + 8, 0x77);
	tap_eq(rm_vm_config_parse(blob, len, &cfg), RM_ERROR_MEM_INVALID,
	       "an unknown token is MEM_INVALID");
	memcpy(blob, saved, len);

	/* Every single-byte corruption: an answer, never a crash. */
	for (i = 0; i < len; i++) {
		unsigned int b;

		for (b = 0; b < 8; b++) {
			blob[i] ^= (uint8_t)(1u << b);
			err = rm_vm_config_parse(blob, len, &cfg);
			if (err == RM_OK || err == RM_ERROR_MEM_INVALID ||
			    err == RM_ERROR_ARGUMENT_INVALID)
				crashed_not++;
			blob[i] ^= (uint8_t)(1u << b);
		}
	}
	tap_eq(crashed_not, len * 8,
	       "every bit flip gets OK, MEM_INVALID or ARGUMENT_INVALID");
	srand(1);
	for (i = 0, crashed_not = 0; i < 2000; i++) {
		size_t j;

		for (j = 0; j < len; j++)
			blob[j] = (uint8_t)rand();
		put_be32(blob, 0xd00dfeed);
		put_be32(blob + 4, (uint32_t)len);
		err = rm_vm_config_parse(blob, len, &cfg);
		crashed_not += err == RM_ERROR_MEM_INVALID ||
			       err == RM_ERROR_ARGUMENT_INVALID || err == RM_OK;
	}
	tap_eq(crashed_not, 2000, "random blobs with a good header are handled");
}

static size_t build_cfg(const struct rm_test_config *c)
{
	memset(blob, 0, sizeof(blob));
	return rm_test_build_config(blob, sizeof(blob), c);
}

static void test_parse(void)
{
	struct rm_vm_dt_config cfg;
	size_t len;

	len = build("gunyah-vm-config", 0x80000000ull, 0, true);
	tap_eq(rm_vm_config_parse(blob, len, &cfg), RM_OK,
	       "a good config DT parses");
	tap_ok(cfg.mem_base == 0x80000000ull && cfg.nr_vcpus == 1,
	       "base-address 0x80000000, one vCPU");
	len = build("qcom,vm-config", 0x40000000ull, 0, true);
	tap_eq(rm_vm_config_parse(blob, len, &cfg), RM_OK,
	       "/qcom,vm-config is accepted as the real RM does");
	tap_eq(cfg.mem_base, 0x40000000ull, "base 1 GiB parses");
	len = build("gunyah-vm-config", 0x60000000ull, 1, true);
	tap_eq(rm_vm_config_parse(blob, len, &cfg), RM_OK,
	       "#address-cells = 1 with a 1-cell base-address");
	tap_eq(cfg.mem_base, 0x60000000ull, "is read");
	len = build("gunyah-vm-config", 0x60000000ull, 3, true);
	tap_eq(rm_vm_config_parse(blob, len, &cfg), RM_OK,
	       "#address-cells = 3 parses (fdt_getprop_num() refuses it)");
	tap_eq(cfg.mem_base, 0x28800000ull,
	       "and leaves PLATFORM_SVM_IPA_BASE 0x28800000");
	len = build("gunyah-vm-config", 0, 0, false);
	tap_eq(rm_vm_config_parse(blob, len, &cfg), RM_OK,
	       "no memory node parses");
	tap_eq(cfg.mem_base, 0x28800000ull, "with the default base");
	len = build("vm-config", 0x80000000ull, 0, true);
	tap_eq(rm_vm_config_parse(blob, len, &cfg), RM_ERROR_ARGUMENT_INVALID,
	       "no /gunyah-vm-config node (no vCPU) is ARGUMENT_INVALID");
	len = build("gunyah-vm-config", 0x3fe00000ull, 0, true);
	tap_eq(rm_vm_config_parse(blob, len, &cfg), RM_OK,
	       "a base inside [0, 1 GiB) parses (START refuses it)");
	len = build("gunyah-vm-config", 0x80001000ull, 0, true);
	tap_eq(rm_vm_config_parse(blob, len, &cfg), RM_OK,
	       "a base page aligned, not 2 MiB aligned, parses");
	tap_ok(cfg.mem_base == 0x80200000ull && cfg.mem_base_rounded,
	       "aligned up to 2 MiB, with a warning");
	len = build("gunyah-vm-config", 0x80000800ull, 0, true);
	tap_eq(rm_vm_config_parse(blob, len, &cfg), RM_ERROR_MEM_INVALID,
	       "a base not page aligned is MEM_INVALID");
	len = build("gunyah-vm-config", 1ull << 36, 0, true);
	tap_eq(rm_vm_config_parse(blob, len, &cfg), RM_ERROR_ARGUMENT_INVALID,
	       "a base beyond the 36-bit IPA space is ARGUMENT_INVALID");
}

/* The DT walker's cells and the required nodes. */
static void test_rules(void)
{
	struct rm_test_config c = { .base = 0x80000000ull };
	struct rm_vm_dt_config cfg;
	size_t len;

	len = build_cfg(&c);
	tap_eq(rm_vm_config_parse(blob, len, &cfg), RM_OK, "full config");
	tap_ok(cfg.has_gic && cfg.gic_has_reg &&
	       cfg.gicd_base == 0x08000000ull &&
	       cfg.gicr_base == 0x080a0000ull,
	       "the GIC named by interrupt-parent, with reg at QEMU's addresses");
	tap_ok(cfg.has_psci && cfg.has_chosen && cfg.proxy,
	       "PSCI, /chosen and proxy scheduling are seen");

	c.config_last = true;
	len = build_cfg(&c);
	tap_eq(rm_vm_config_parse(blob, len, &cfg), RM_OK,
	       "/gunyah-vm-config after /cpus still parses");
	tap_eq(cfg.mem_base, 0x28800000ull,
	       "but its 2-cell base-address is read with /cpus' 1 cell: default base");
	c.config_last = false;

	c.no_cpus = true;
	len = build_cfg(&c);
	tap_eq(rm_vm_config_parse(blob, len, &cfg), RM_ERROR_MEM_INVALID,
	       "no /cpus is MEM_INVALID (parse_vcpus)");
	c.no_cpus = false;

	c.nr_cpus = 4;
	len = build_cfg(&c);
	tap_eq(rm_vm_config_parse(blob, len, &cfg), RM_OK, "four cpu nodes");
	tap_eq(cfg.nr_vcpus, 4, "are four vCPUs");
	tap_eq(cfg.boot_vcpus, 0x1, "only the first one, without status, boots");
	c.cpu_status[1] = "disabled";
	c.cpu_status[2] = "okay";
	len = build_cfg(&c);
	tap_ok(!rm_vm_config_parse(blob, len, &cfg) && cfg.boot_vcpus == 0x5,
	       "a cpu with status okay boots too");
	c.cpu_status[1] = "fail";
	len = build_cfg(&c);
	tap_ok(!rm_vm_config_parse(blob, len, &cfg) && cfg.nr_vcpus == 3 &&
	       cfg.boot_vcpus == 0x3,
	       "a failed cpu is no vCPU: the next ones move down");
	c.cpu_status[1] = NULL;
	c.cpu_status[2] = NULL;
	c.no_enable_method = true;
	len = build_cfg(&c);
	tap_eq(rm_vm_config_parse(blob, len, &cfg), RM_ERROR_MEM_INVALID,
	       "a second cpu without enable-method or status is MEM_INVALID");
	c.no_enable_method = false;
	c.nr_cpus = RM_MAX_VCPUS + 1;
	len = build_cfg(&c);
	tap_eq(rm_vm_config_parse(blob, len, &cfg), RM_ERROR_ARGUMENT_INVALID,
	       "more vCPUs than cores is ARGUMENT_INVALID");
	c.nr_cpus = 0;

	c.no_psci = true;
	len = build_cfg(&c);
	tap_ok(!rm_vm_config_parse(blob, len, &cfg) && !cfg.has_psci,
	       "no psci node: no PSCI");
	c.no_psci = false;

	c.gic_no_reg = true;
	len = build_cfg(&c);
	tap_ok(!rm_vm_config_parse(blob, len, &cfg) && cfg.has_gic &&
	       !cfg.gic_has_reg, "a GIC without reg is for the RM to place");
	c.gic_no_reg = false;
	c.no_gic = true;
	len = build_cfg(&c);
	tap_ok(!rm_vm_config_parse(blob, len, &cfg) && !cfg.has_gic,
	       "no GIC node parses, without a GIC (START refuses it)");
	c.no_gic = false;
	c.no_interrupt_parent = true;
	len = build_cfg(&c);
	tap_ok(!rm_vm_config_parse(blob, len, &cfg) && !cfg.has_gic,
	       "a GIC no interrupt-parent names is not the VM's GIC");
	c.no_interrupt_parent = false;

	c.no_chosen = true;
	len = build_cfg(&c);
	tap_ok(!rm_vm_config_parse(blob, len, &cfg) && !cfg.has_chosen,
	       "no /chosen is noticed");
	c.no_chosen = false;

	c.nr_shm = 2;
	c.shm[0].label = 7;
	c.shm[0].base = 0x90000000ull;
	c.shm[1].label = 8;
	len = build_cfg(&c);
	tap_eq(rm_vm_config_parse(blob, len, &cfg), RM_OK, "shm vdevices");
	tap_ok(cfg.nr_shm == 2 && cfg.shm[0].label == 7 &&
	       cfg.shm[0].base == 0x90000000ull && !cfg.shm[0].allocate &&
	       cfg.shm[1].label == 8 && cfg.shm[1].allocate,
	       "with their labels, a fixed base and an allocate-base");
	c.shm[0].base = 0x90000800ull;
	len = build_cfg(&c);
	tap_eq(rm_vm_config_parse(blob, len, &cfg), RM_ERROR_MEM_INVALID,
	       "an shm base not page aligned is MEM_INVALID");
}

/* parse_doorbell() and read_interrupts_config() */
static void test_doorbells(void)
{
	struct rm_test_config c = { .base = 0x80000000ull, .nr_doorbells = 1 };
	const struct rm_vm_dt_doorbell *d = NULL;
	struct rm_vm_dt_config cfg;
	unsigned int i;
	size_t len;

	c.db[0] = (struct rm_test_doorbell){ .label = 7,
		.source_can_clear = true, .nr_irq_cells = 3,
		.irq = { 0, 5, 4 } };
	len = build_cfg(&c);
	tap_eq(rm_vm_config_parse(blob, len, &cfg), RM_OK,
	       "a doorbell vdevice parses");
	d = &cfg.doorbells[0];
	tap_ok(cfg.nr_doorbells == 1 && d->label == 7 && d->peer_default &&
	       d->source_can_clear && d->has_irq && d->irq == 37 &&
	       !d->irq_edge,
	       "label, peer-default, source-can-clear, <0 5 4>: SPI INTID 37, level");
	c.db[0].irq[2] = 1;
	c.db[0].source_can_clear = false;
	c.db[0].label = 0;
	len = build_cfg(&c);
	rm_vm_config_parse(blob, len, &cfg);
	tap_ok(d->has_irq && d->irq_edge && !d->source_can_clear &&
	       d->label == 0,
	       "flags 1 is edge; no source-can-clear; no label is label 0");
	c.db[0].irq[2] = 0x104;
	len = build_cfg(&c);
	rm_vm_config_parse(blob, len, &cfg);
	tap_ok(d->has_irq && !d->irq_edge,
	       "only the low four bits of the flags cell count");
	c.db[0].irq[2] = 2;
	len = build_cfg(&c);
	rm_vm_config_parse(blob, len, &cfg);
	tap_ok(!d->has_irq, "flags 2 (falling edge) is no interrupt");
	c.db[0] = (struct rm_test_doorbell){ .nr_irq_cells = 3,
					     .irq = { 1, 11, 4 } };
	len = build_cfg(&c);
	rm_vm_config_parse(blob, len, &cfg);
	tap_ok(d->has_irq && d->irq == 27, "class 1 is a PPI: INTID 27");
	c.db[0].irq[0] = 0;
	c.db[0].irq[1] = 988;
	len = build_cfg(&c);
	rm_vm_config_parse(blob, len, &cfg);
	tap_ok(!d->has_irq, "SPI 988 (INTID 1020) is no interrupt");
	c.db[0].irq[1] = 0xfffffff0u;
	len = build_cfg(&c);
	rm_vm_config_parse(blob, len, &cfg);
	tap_ok(d->has_irq && d->irq == 16,
	       "a huge SPI number wraps to INTID 16, as virq_t does");
	c.db[0].irq[0] = 4;
	c.db[0].irq[1] = 5;
	len = build_cfg(&c);
	rm_vm_config_parse(blob, len, &cfg);
	tap_ok(!d->has_irq, "class 4 is no interrupt");
	c.db[0] = (struct rm_test_doorbell){ .nr_irq_cells = 6,
		.irq = { 0, 5, 4, 0, 6, 4 } };
	len = build_cfg(&c);
	rm_vm_config_parse(blob, len, &cfg);
	tap_ok(!d->has_irq, "two interrupts are no interrupt");
	c.db[0] = (struct rm_test_doorbell){ .no_peer = true };
	len = build_cfg(&c);
	tap_eq(rm_vm_config_parse(blob, len, &cfg), RM_ERROR_MEM_INVALID,
	       "a doorbell without peer-default or peer is MEM_INVALID");
	c.db[0] = (struct rm_test_doorbell){ .peer = "other-vm" };
	len = build_cfg(&c);
	tap_ok(!rm_vm_config_parse(blob, len, &cfg) && cfg.nr_doorbells == 1 &&
	       !d->peer_default, "a doorbell with a named peer parses");
	c.db[0] = (struct rm_test_doorbell){ .label = 3 };
	c.doorbells_in_root = true;
	len = build_cfg(&c);
	tap_ok(!rm_vm_config_parse(blob, len, &cfg) && cfg.nr_doorbells == 1 &&
	       d->label == 3, "a doorbell outside /gunyah-vm-config is found");
	c.doorbells_in_root = false;
	c.nr_doorbells = RM_MAX_DOORBELLS + 1;
	for (i = 0; i < c.nr_doorbells; i++)
		c.db[i] = (struct rm_test_doorbell){ .label = i };
	len = build_cfg(&c);
	tap_ok(len && rm_vm_config_parse(blob, len, &cfg) ==
		      RM_ERROR_MEM_INVALID,
	       "more doorbells than the emulator holds is MEM_INVALID");
	c.nr_doorbells = RM_MAX_DOORBELLS;
	len = build_cfg(&c);
	tap_ok(!rm_vm_config_parse(blob, len, &cfg) &&
	       cfg.nr_doorbells == RM_MAX_DOORBELLS, "as many as it holds parse");
}

int main(void)
{
	test_reader();
	test_malformed();
	test_parse();
	test_rules();
	test_doorbells();
	return tap_done();
}
