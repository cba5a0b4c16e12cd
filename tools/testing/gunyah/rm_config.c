// SPDX-License-Identifier: GPL-2.0
/*
 * The part of a VM's configuration device tree the emulated RM reads at
 * INIT.  The real RM (quic/gunyah-resource-manager, commit bf31a9a) parses
 * it in src/vm_config/vm_config_parser.c:
 *   - the config node is "/gunyah-vm-config" or "/qcom,vm-config"
 *     (the expected_path regexes "^/(qcom,|gunyah-)vm-config$");
 *   - parse_vm_memory() reads "base-address" of its "memory" child with
 *     the parser's #address-cells, refuses an address that is not page
 *     aligned and aligns up one that is not 2 MiB aligned;
 *   - parse_vcpus() reads "affinity" ("proxy" for a host-scheduled VM) of
 *     the "vcpus" child and creates one vCPU per cpu node under the node
 *     its "config" property names ("/cpus" by default).
 * vm_creation_init() (src/vm_creation/second_vm.c) answers MEM_INVALID when
 * the blob cannot be parsed and ARGUMENT_INVALID when the parsed values
 * cannot be applied.
 *
 * Simplifications: the emulator always creates exactly one proxy-scheduled
 * vCPU whatever "vcpus" and "/cpus" say, ignores every other node and
 * property, and requires a base-address that is already 2 MiB aligned and
 * outside the VMMIO range [0, 1 GiB) of the QEMU platform.
 */
#include <errno.h>
#include <stdio.h>

#include "fdt_read.h"
#include "rm_internal.h"

/* The QEMU platform reserves [0, 1 GiB) of a secondary VM for devices. */
#define RM_VMMIO_END		BIT_ULL(30)
#define RM_MEM_BASE_ALIGN	(2ull << 20)

static const char *const rm_config_nodes[] = {
	"/gunyah-vm-config", "/qcom,vm-config",
};

uint32_t rm_vm_config_parse(const void *dt, size_t len,
			    struct rm_vm_dt_config *cfg)
{
	uint64_t cells = 2, base;
	const char *node = NULL;
	char path[40];
	struct fdtr f;
	unsigned int i;
	int err;

	if (fdtr_open(&f, dt, len) || fdtr_validate(&f))
		return RM_ERROR_MEM_INVALID;
	for (i = 0; i < ARRAY_SIZE(rm_config_nodes) && !node; i++)
		if (!fdtr_node_exists(&f, rm_config_nodes[i]))
			node = rm_config_nodes[i];
	if (!node)
		return RM_ERROR_ARGUMENT_INVALID;
	err = fdtr_getprop_cells(&f, node, "#address-cells", 1, &cells);
	if (err == -EINVAL || (!err && (cells < 1 || cells > 2)))
		return RM_ERROR_MEM_INVALID;
	snprintf(path, sizeof(path), "%s/memory", node);
	err = fdtr_getprop_cells(&f, path, "base-address",
				 (unsigned int)cells, &base);
	if (err == -EINVAL)
		return RM_ERROR_MEM_INVALID;
	if (err || base < RM_VMMIO_END || base % RM_MEM_BASE_ALIGN ||
	    base >= RM_SECONDARY_IPA_LIMIT)
		return RM_ERROR_ARGUMENT_INVALID;
	cfg->mem_base = base;
	cfg->nr_vcpus = 1;
	return RM_OK;
}
