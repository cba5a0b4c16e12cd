// SPDX-License-Identifier: GPL-2.0
/*
 * The part of a VM's configuration device tree the emulated RM reads at
 * INIT, read the way the real RM (quic/gunyah-resource-manager, commit
 * bf31a9a) reads it, quirks included, so that a config the real RM refuses
 * is refused here too:
 *
 *   - src/vm_config/dtb_parser.c dtb_parser_parse_dtb() walks the nodes in
 *     order and hands each the #address-cells/#size-cells of a context
 *     that it recomputes only when it descends (push_ctx()): a node sees
 *     the cells of the first sibling visited at its depth, with that
 *     sibling's own #address-cells applied.  A /gunyah-vm-config that is
 *     not the first child of / thus reads "base-address" with another
 *     node's cells.
 *   - src/vm_config/vm_config_parser.c: the listeners (first to claim a
 *     node wins): device_type "memory" only as /memory (parse_memory()),
 *     /(qcom,|gunyah-)vm-config, its memory child (parse_vm_memory()), its
 *     vcpus child (parse_vcpus()), vdevice-type "shm" (parse_shm_doorbell(),
 *     parse_memory_node()), vdevice-type "doorbell" (parse_doorbell(),
 *     read_interrupts_config()) and "arm,psci-0.2"/"arm,psci-1.0"
 *     (parse_psci()).
 *   - platform/qemu/src/vm_dt.c platform_parse_root(): the GIC is the node
 *     the root's interrupt-parent names, checked by platform_parse_gic();
 *     a bad one is ignored at INIT and fails START (vgic_dto_finalise()).
 *
 * A listener error makes the parse fail, and vm_creation_init()
 * (src/vm_creation/second_vm.c) answers MEM_INVALID; values that parse but
 * cannot be applied (vm_config_update_parsed()) are ARGUMENT_INVALID.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "rm_internal.h"

/* dtb_parser.c DEFAULT_ADDR_CELLS, DEFAULT_SIZE_CELLS */
#define RM_DT_ADDR_CELLS	2u
#define RM_DT_SIZE_CELLS	1u
/* The emulator's bounds on config DT nodes and depth (the real RM has none). */
#define RM_DT_MAX_NODES		1024u
#define RM_DT_MAX_DEPTH		16
/* config/platform/qemu.conf PLATFORM_SVM_IPA_BASE: the default base */
#define RM_SVM_IPA_BASE		0x28800000ull
#define RM_MEM_BASE_ALIGN	(2ull << 20)
/* platform/qemu/src/vm_dt.c platform_parse_gic(): GICR frames */
#define RM_GICR_STRIDE_ALIGN	0x10000ull

/* A node of the config DT, in the order libfdt's fdt_next_node() visits. */
struct rm_dt_node {
	const char *name;	/* with its unit address; "" for the root */
	int offset;		/* libfdt's node offset */
	int depth;		/* the root is 0 */
	int parent;
};

struct rm_dt {
	const void *fdt;
	unsigned int nr;
	int last[RM_DT_MAX_DEPTH + 1];	/* latest node seen at each depth */
	struct rm_dt_node node[RM_DT_MAX_NODES];
};

/*
 * Check the whole blob with fdt_check_full() (every offset and length in
 * it, so that no later libfdt call reads outside it), then list its nodes
 * depth first; 0, or -EINVAL for a malformed blob, -E2BIG beyond the
 * emulator's bounds.
 */
static int rm_dt_collect(struct rm_dt *dt, const void *blob, size_t len)
{
	int offset, depth = 0;

	if (!blob || len > INT32_MAX || fdt_check_full(blob, len))
		return -EINVAL;
	dt->fdt = blob;
	/* fdt_next_node() ends with depth -1, past the root's end */
	for (offset = 0; offset >= 0 && depth >= 0;
	     offset = fdt_next_node(blob, offset, &depth)) {
		struct rm_dt_node *node;

		if (dt->nr == RM_DT_MAX_NODES || depth > RM_DT_MAX_DEPTH)
			return -E2BIG;
		node = &dt->node[dt->nr];
		node->name = fdt_get_name(blob, offset, NULL);
		if (!node->name)
			return -EINVAL;
		node->offset = offset;
		node->depth = depth;
		node->parent = depth ? dt->last[depth - 1] : -1;
		dt->last[depth] = (int)dt->nr++;
	}
	return offset >= 0 || offset == -FDT_ERR_NOTFOUND ? 0 : -EINVAL;
}

static int rm_dt_prop(const struct rm_dt *dt, int i, const char *name,
		      const uint8_t **v, uint32_t *len)
{
	int plen;

	*v = fdt_getprop(dt->fdt, dt->node[i].offset, name, &plen);
	if (!*v)
		return plen == -FDT_ERR_NOTFOUND ? -ENOENT : -EINVAL;
	*len = (uint32_t)plen;
	return 0;
}

static uint32_t be32(const uint8_t *p)
{
	return fdt32_ld((const fdt32_t *)p);
}

static uint64_t rm_dt_read_num(const uint8_t *v, unsigned int cells)
{
	uint64_t n = 0;

	while (cells--) {
		n = n << 32 | be32(v);
		v += 4;
	}
	return n;
}

/* libfdt fdt_getprop_u32() as the RM uses it: exactly one cell. */
static bool rm_dt_u32(const struct rm_dt *dt, int i, const char *name,
		      uint32_t *val)
{
	const uint8_t *v;
	uint32_t len;

	if (rm_dt_prop(dt, i, name, &v, &len) || len != 4)
		return false;
	*val = be32(v);
	return true;
}

/*
 * dtb_parser.c fdt_getprop_num(): @cells must be 1 or 2 and the property
 * exactly that long; otherwise the caller treats it as absent.
 */
static bool rm_dt_num(const struct rm_dt *dt, int i, const char *name,
		      unsigned int cells, uint64_t *val)
{
	const uint8_t *v;
	uint32_t len;

	if (rm_dt_prop(dt, i, name, &v, &len) || (cells != 1 && cells != 2) ||
	    len != cells * 4)
		return false;
	*val = rm_dt_read_num(v, cells);
	return true;
}

static bool rm_dt_has(const struct rm_dt *dt, int i, const char *name)
{
	const uint8_t *v;
	uint32_t len;

	return !rm_dt_prop(dt, i, name, &v, &len);
}

/* Is @str one of the strings of string-list property @name? */
static bool rm_dt_has_string(const struct rm_dt *dt, int i, const char *name,
			     const char *str)
{
	const uint8_t *v;
	uint32_t len;

	return !rm_dt_prop(dt, i, name, &v, &len) &&
	       fdt_stringlist_contains((const char *)v, (int)len, str);
}

/* libfdt fdt_stringlist_get(.., 0, ..): the first string, or NULL. */
static const char *rm_dt_string(const struct rm_dt *dt, int i,
				const char *name)
{
	const uint8_t *v;
	uint32_t len;

	if (rm_dt_prop(dt, i, name, &v, &len) || !len || !memchr(v, 0, len))
		return NULL;
	return (const char *)v;
}

/* dtb_parser_update_ctx(): a node's own #address/#size-cells apply. */
static void rm_dt_update_ctx(const struct rm_dt *dt, int i,
			     unsigned int *ac, unsigned int *sc)
{
	const uint8_t *v;
	uint32_t len;

	if (!rm_dt_prop(dt, i, "#address-cells", &v, &len) && len >= 4)
		*ac = be32(v);
	if (!rm_dt_prop(dt, i, "#size-cells", &v, &len) && len >= 4)
		*sc = be32(v);
}

/* The child of @parent named @name, or -1. */
static int rm_dt_child(const struct rm_dt *dt, int parent, const char *name)
{
	unsigned int i;

	for (i = 0; i < dt->nr; i++)
		if (dt->node[i].parent == parent &&
		    !strcmp(dt->node[i].name, name))
			return (int)i;
	return -1;
}

/* libfdt fdt_path_offset() for absolute paths of plain node names. */
static int rm_dt_path(const struct rm_dt *dt, const char *path)
{
	char comp[64];
	int node = 0;

	if (path[0] != '/')
		return -1;
	while (*path && node >= 0) {
		size_t n;

		while (*path == '/')
			path++;
		n = strcspn(path, "/");
		if (!n)
			break;
		if (n >= sizeof(comp))
			return -1;
		memcpy(comp, path, n);
		comp[n] = 0;
		node = rm_dt_child(dt, node, comp);
		path += n;
	}
	return node;
}

static bool rm_dt_is_config(const struct rm_dt *dt, int i)
{
	const struct rm_dt_node *n = &dt->node[i];

	return n->depth == 1 && (!strcmp(n->name, "gunyah-vm-config") ||
				 !strcmp(n->name, "qcom,vm-config"));
}

/*
 * parse_vm_memory(): "base-address" with the walker's #address-cells; an
 * address that is not page aligned fails the parse, one that is not 2 MiB
 * aligned is aligned up with a warning.  An absent or misread property
 * leaves the default PLATFORM_SVM_IPA_BASE.
 */
static int rm_parse_vm_memory(const struct rm_dt *dt, int i, unsigned int ac,
			      struct rm_vm_dt_config *cfg)
{
	uint64_t base;

	if (!rm_dt_num(dt, i, "base-address", ac, &base))
		return 0;
	if (base % RM_PAGE_SIZE)
		return -EINVAL;
	if (base % RM_MEM_BASE_ALIGN) {
		base = (base + RM_MEM_BASE_ALIGN - 1) & ~(RM_MEM_BASE_ALIGN - 1);
		cfg->mem_base_rounded = true;
	}
	cfg->mem_base = base;
	return 0;
}

/*
 * parse_vcpus(): the cpu nodes (device_type "cpu") under "config" (default
 * /cpus, which must exist) are the vCPUs, in order.  A cpu without status
 * is enabled only if no cpu before it is; "okay" is enabled, "disabled" is
 * not, "fail*" is skipped, anything else fails.  START powers on every
 * enabled one (vm_firmware.c vm_firmware_vm_start_default()).  A cpu not enabled at boot needs an
 * enable-method ("psci" or "qcom,gunyah-hvc"), its own or the config
 * node's.  At least one cpu must be enabled.  A VM not proxy scheduled
 * needs an affinity-map with one entry per cpu.
 */
static int rm_parse_vcpus(const struct rm_dt *dt, int vcpus,
			  struct rm_vm_dt_config *cfg)
{
	const char *config = rm_dt_string(dt, vcpus, "config");
	const char *affinity = rm_dt_string(dt, vcpus, "affinity");
	const char *def_method, *method, *status;
	unsigned int enabled = 0, count = 0, map_len = 0, i;
	bool proxy = affinity && !strcmp(affinity, "proxy");
	const uint8_t *map;
	int cpus;

	if (!proxy) {
		if (rm_dt_prop(dt, vcpus, "affinity-map", &map, &map_len))
			return -EINVAL;
		map_len /= 4;
	}
	cpus = rm_dt_path(dt, config ? config : "/cpus");
	if (cpus < 0)
		return -EINVAL;
	def_method = rm_dt_string(dt, cpus, "enable-method");
	for (i = 0; i < dt->nr; i++) {
		bool boot;

		if (dt->node[i].parent != cpus)
			continue;
		method = rm_dt_string(dt, (int)i, "device_type");
		if (!method || strcmp(method, "cpu"))
			continue;
		status = rm_dt_string(dt, (int)i, "status");
		if (!status)
			boot = !enabled;
		else if (!strcmp(status, "okay"))
			boot = true;
		else if (!strcmp(status, "disabled"))
			boot = false;
		else if (!strncmp(status, "fail", 4) &&
			 (!status[4] || status[4] == '-'))
			continue;
		else
			return -EINVAL;
		method = rm_dt_string(dt, (int)i, "enable-method");
		if (!method)
			method = def_method;
		if (boot) {
			enabled++;
			if (count < 32)
				cfg->boot_vcpus |= 1u << count;
		} else if (!method) {
			return -EINVAL;
		} else if (!strcmp(method, "psci")) {
			/* parse_vcpus(): psci enable-method enables PSCI */
			cfg->has_psci = true;
		} else if (strcmp(method, "qcom,gunyah-hvc")) {
			return -EINVAL;
		}
		if (rm_dt_has(dt, (int)i, "cpu-idle-states"))
			cfg->has_psci = true;
		count++;
	}
	if (!enabled || (!proxy && count != map_len))
		return -EINVAL;
	cfg->nr_vcpus = count;
	cfg->proxy = proxy;
	return 0;
}

/*
 * parse_shm_doorbell() and parse_memory_node(): an shm vdevice needs
 * peer-default and exactly one child, "memory", with a label
 * (qcom,label, else label) and either "base" (page aligned, read with the
 * node's cells) or "allocate-base", not both.
 */
static int rm_parse_shm(const struct rm_dt *dt, int i, unsigned int ac,
			unsigned int sc, struct rm_vm_dt_config *cfg)
{
	struct rm_vm_dt_shm shm = { 0 };
	int mem = -1;
	unsigned int j;
	bool has_base;

	if (!rm_dt_has(dt, i, "peer-default"))
		return -EINVAL;
	for (j = 0; j < dt->nr; j++) {
		if (dt->node[j].parent != i)
			continue;
		if (strcmp(dt->node[j].name, "memory") || mem >= 0)
			return -EINVAL;
		mem = (int)j;
	}
	if (mem < 0)
		return -EINVAL;
	rm_dt_update_ctx(dt, mem, &ac, &sc);
	if (!rm_dt_u32(dt, mem, "qcom,label", &shm.label) &&
	    !rm_dt_u32(dt, mem, "label", &shm.label))
		return -EINVAL;
	has_base = rm_dt_num(dt, mem, "base", ac, &shm.base);
	if (!has_base)
		shm.base = 0;
	if (shm.base % RM_PAGE_SIZE)
		return -EINVAL;
	shm.allocate = rm_dt_has(dt, mem, "allocate-base");
	if (shm.allocate == has_base)
		return -EINVAL;
	/* The emulator's bound; the real RM keeps a list. */
	if (cfg->nr_shm == RM_MAX_SHM)
		return -E2BIG;
	cfg->shm[cfg->nr_shm++] = shm;
	return 0;
}

/*
 * read_interrupts_config() for one interrupt: exactly three cells, class
 * 0 SPI (+32, below 1020), 1 PPI (+16, below 32), 2 ESPI (+4096, below
 * 5120) or 3 EPPI (+1056, below 1120), and trigger flags 1 (edge rising)
 * or 4 (level high) in the low four bits of the third cell.  Anything else
 * means "no interrupt given", and the RM allocates one.
 */
static bool rm_dt_interrupt(const struct rm_dt *dt, int i, uint32_t *intid,
			    bool *edge)
{
	static const uint32_t offset[] = { 32, 16, 4096, 1056 };
	static const uint32_t limit[] = { 1020, 32, 5120, 1120 };
	uint32_t len, class, irq, flags;
	const uint8_t *v;

	if (rm_dt_prop(dt, i, "interrupts", &v, &len) || len != 12)
		return false;
	class = be32(v);
	if (class >= ARRAY_SIZE(offset))
		return false;
	/* virq_t arithmetic: a huge number wraps, as in the RM. */
	irq = be32(v + 4) + offset[class];
	flags = be32(v + 8) & 0xfu;
	if (irq >= limit[class] || (flags != 1 && flags != 4))
		return false;
	*intid = irq;
	*edge = flags == 1;
	return true;
}

/*
 * parse_doorbell(): peer-default, or a peer named by the first string of
 * "peer" (else the parse fails), source-can-clear, a label (qcom,label,
 * else label, else 0) and at most one interrupt.
 */
static int rm_parse_doorbell(const struct rm_dt *dt, int i,
			     struct rm_vm_dt_config *cfg)
{
	struct rm_vm_dt_doorbell db = { 0 };

	db.peer_default = rm_dt_has(dt, i, "peer-default");
	if (!db.peer_default && !rm_dt_string(dt, i, "peer"))
		return -EINVAL;
	db.source_can_clear = rm_dt_has(dt, i, "source-can-clear");
	if (!rm_dt_u32(dt, i, "qcom,label", &db.label) &&
	    !rm_dt_u32(dt, i, "label", &db.label))
		db.label = 0;
	db.has_irq = rm_dt_interrupt(dt, i, &db.irq, &db.irq_edge);
	/* The emulator's bound; the real RM keeps a list. */
	if (cfg->nr_doorbells == RM_MAX_DOORBELLS)
		return -E2BIG;
	cfg->doorbells[cfg->nr_doorbells++] = db;
	return 0;
}

/*
 * platform_parse_gic(): the node with phandle @phandle must be
 * compatible with "arm,gic-v3", have interrupt-controller,
 * #interrupt-cells = <3> and at most one redistributor region; its "reg"
 * (read with dtb_parser_get_ctx(), the cells of its ancestors and its
 * own) gives GICD then GICR, or, absent, lets the RM allocate them.
 */
static bool rm_parse_gic(const struct rm_dt *dt, uint32_t phandle,
			 struct rm_vm_dt_config *cfg)
{
	unsigned int ac = RM_DT_ADDR_CELLS, sc = RM_DT_SIZE_CELLS, i;
	int gic = -1, chain[RM_DT_MAX_DEPTH + 1], depth = 0, n;
	const uint8_t *reg;
	uint32_t len, val;
	uint64_t stride;

	for (i = 0; i < dt->nr && gic < 0; i++)
		if ((rm_dt_u32(dt, (int)i, "phandle", &val) ||
		     rm_dt_u32(dt, (int)i, "linux,phandle", &val)) &&
		    val == phandle)
			gic = (int)i;
	if (gic < 0 || !phandle || phandle == ~0u)
		return false;
	for (n = gic; n >= 0; n = dt->node[n].parent)
		chain[depth++] = n;
	while (depth--)
		rm_dt_update_ctx(dt, chain[depth], &ac, &sc);
	if (!rm_dt_has_string(dt, gic, "compatible", "arm,gic-v3") ||
	    !rm_dt_has(dt, gic, "interrupt-controller"))
		return false;
	if (rm_dt_u32(dt, gic, "#redistributor-regions", &val) && val != 1)
		return false;
	if (!rm_dt_u32(dt, gic, "#interrupt-cells", &val) || val != 3)
		return false;
	if (rm_dt_num(dt, gic, "redistributor-stride", 2, &stride) &&
	    (stride < RM_GICR_SIZE || stride % RM_GICR_STRIDE_ALIGN))
		return false;
	if (!rm_dt_prop(dt, gic, "reg", &reg, &len)) {
		/* fdt_read_num() asserts on more than 2 cells. */
		if (ac > 2 || len < 8 * ((uint64_t)ac + sc))
			return false;
		cfg->gic_has_reg = true;
		cfg->gicd_base = rm_dt_read_num(reg, ac);
		cfg->gicr_base = rm_dt_read_num(reg + 4 * (ac + sc), ac);
	}
	cfg->has_gic = true;
	return true;
}

/* The listeners of vm_config_listener[], in order; first to claim wins. */
static int rm_dt_visit(const struct rm_dt *dt, int i, unsigned int ac,
		       unsigned int sc, struct rm_vm_dt_config *cfg)
{
	const struct rm_dt_node *n = &dt->node[i];
	uint32_t phandle;

	if (rm_dt_has_string(dt, i, "device_type", "memory"))
		return n->depth == 1 && !strcmp(n->name, "memory") ? 0 :
		       -EINVAL;
	if (rm_dt_is_config(dt, i)) {
		cfg->has_config = true;
		return 0;
	}
	if (n->depth == 2 && rm_dt_is_config(dt, n->parent)) {
		if (!strcmp(n->name, "memory"))
			return rm_parse_vm_memory(dt, i, ac, cfg);
		if (!strcmp(n->name, "vcpus"))
			return rm_parse_vcpus(dt, i, cfg);
	}
	if (rm_dt_has_string(dt, i, "vdevice-type", "rm-rpc")) {
		cfg->has_rm_rpc = true;
		return 0;
	}
	if (rm_dt_has_string(dt, i, "vdevice-type", "shm") ||
	    rm_dt_has_string(dt, i, "vdevice-type", "shm-doorbell"))
		return rm_parse_shm(dt, i, ac, sc, cfg);
	if (rm_dt_has_string(dt, i, "vdevice-type", "doorbell"))
		return rm_parse_doorbell(dt, i, cfg);
	if (rm_dt_has_string(dt, i, "compatible", "arm,psci-0.2") ||
	    rm_dt_has_string(dt, i, "compatible", "arm,psci-1.0")) {
		cfg->has_psci = true;
		return 0;
	}
	/* platform_parse_root(): a bad GIC is only noticed at START. */
	if (i == 0 && rm_dt_u32(dt, 0, "interrupt-parent", &phandle))
		rm_parse_gic(dt, phandle, cfg);
	return 0;
}

uint32_t rm_vm_config_parse(const void *blob, size_t len,
			    struct rm_vm_dt_config *cfg)
{
	unsigned int ac[RM_DT_MAX_DEPTH + 1], sc[RM_DT_MAX_DEPTH + 1];
	uint32_t err = RM_OK;
	struct rm_dt *dt;
	int i, prev = -1;

	memset(cfg, 0, sizeof(*cfg));
	cfg->mem_base = RM_SVM_IPA_BASE;
	dt = calloc(1, sizeof(*dt));
	if (!dt)
		return RM_ERROR_NOMEM;
	if (rm_dt_collect(dt, blob, len)) {
		err = RM_ERROR_MEM_INVALID;
		goto out;
	}
	for (i = 0; i < (int)dt->nr; i++) {
		int d = dt->node[i].depth;

		/* dtb_parser_parse_dtb(): push_ctx() only on a descent */
		if (d == 0) {
			ac[0] = RM_DT_ADDR_CELLS;
			sc[0] = RM_DT_SIZE_CELLS;
			rm_dt_update_ctx(dt, i, &ac[0], &sc[0]);
		} else if (d == prev + 1) {
			ac[d] = ac[d - 1];
			sc[d] = sc[d - 1];
			rm_dt_update_ctx(dt, i, &ac[d], &sc[d]);
		}
		prev = d;
		if (rm_dt_visit(dt, i, ac[d], sc[d], cfg)) {
			err = RM_ERROR_MEM_INVALID;
			goto out;
		}
	}
	cfg->has_chosen = rm_dt_path(dt, "/chosen") > 0;
	/*
	 * vm_config_update_parsed(): an IPA space the base does not fit in
	 * (SVM_ADDRESS_SPACE_BITS, 36), or no vCPU, or more than the
	 * platform's cores (handle_vcpu()) cannot be applied.
	 */
	if (cfg->mem_base >= RM_SECONDARY_IPA_LIMIT || !cfg->nr_vcpus ||
	    cfg->nr_vcpus > RM_MAX_VCPUS)
		err = RM_ERROR_ARGUMENT_INVALID;
out:
	free(dt);
	return err;
}
