// SPDX-License-Identifier: GPL-2.0
/*
 * Test harness around the RM engine.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "fdt_cells.h"
#include "rm_client.h"
#include "rm_link.h"

static int fake_unmap(void *ctx, uint64_t ipa, uint64_t size)
{
	struct rm_test *t = ctx;
	uint64_t p;

	if (t->fail_unmap_after) {
		if (!t->unmaps_left)
			return -1;
		t->unmaps_left--;
	}
	for (p = (ipa - TEST_RAM_BASE) / 4096;
	     p < (ipa - TEST_RAM_BASE + size) / 4096; p++)
		t->unmapped[p] = 1;
	return 0;
}

static int fake_map(void *ctx, uint64_t ipa, uint64_t size)
{
	struct rm_test *t = ctx;
	uint64_t p;

	for (p = (ipa - TEST_RAM_BASE) / 4096;
	     p < (ipa - TEST_RAM_BASE + size) / 4096; p++)
		t->unmapped[p] = 0;
	return 0;
}

static void fake_sanitize(void *ctx, uint64_t ipa, uint64_t size)
{
	struct rm_test *t = ctx;

	t->sanitize_calls++;
	t->sanitized_bytes += size;
}

static int fake_read(void *ctx, uint64_t ipa, void *buf, size_t len)
{
	struct rm_test *t = ctx;

	if (ipa < TEST_RAM_BASE || len > TEST_RAM_SIZE ||
	    ipa - TEST_RAM_BASE > TEST_RAM_SIZE - len)
		return -1;
	memcpy(buf, t->ram + (ipa - TEST_RAM_BASE), len);
	return 0;
}

static int fake_vm_start(void *ctx, const struct rm_vm_boot *boot)
{
	struct rm_test *t = ctx;
	unsigned int i;

	if (t->vm_start_error)
		return t->vm_start_error;
	t->vm_starts++;
	t->last_boot = *boot;
	for (i = 0; i < boot->nr_regions && i < 8; i++)
		t->last_regions[i] = boot->regions[i];
	for (i = 0; i < boot->nr_vcpus && i < RM_MAX_VCPUS; i++)
		t->last_capids[i] = boot->vcpu_capids[i];
	for (i = 0; i < boot->nr_vcpus && i < RM_MAX_VCPUS; i++)
		t->last_virqs[i] = boot->vcpu_virqs ? boot->vcpu_virqs[i] : 0;
	t->last_boot.regions = NULL;
	t->last_boot.vcpu_capids = NULL;
	t->last_boot.vcpu_virqs = NULL;
	return 0;
}

static void fake_vm_stop(void *ctx, uint16_t vmid)
{
	((struct rm_test *)ctx)->vm_stops++;
}

static void fake_vm_destroy(void *ctx, uint16_t vmid)
{
	((struct rm_test *)ctx)->vm_destroys++;
}

static int hyp_vdevices_create(void *ctx, uint16_t vmid, unsigned int nr_vcpus,
			       const uint32_t *vcpu_capids,
			       unsigned int nr_doorbells,
			       const struct rm_doorbell *doorbells)
{
	struct rm_test *t = ctx;

	return gh_hyp_vdevices_create(&t->hyp, vmid, nr_vcpus, vcpu_capids,
				      nr_doorbells, doorbells);
}

static void hyp_vdevices_destroy(void *ctx, uint16_t vmid)
{
	struct rm_test *t = ctx;

	gh_hyp_vdevices_destroy(&t->hyp, vmid);
}

void rm_test_init(struct rm_test *t)
{
	struct rm_engine_config config = {
		.primary_ram_base = TEST_RAM_BASE,
		.primary_ram_size = TEST_RAM_SIZE,
	};
	struct rm_hyp_ops ops = {
		.ctx = t,
		.unmap_primary = fake_unmap,
		.map_primary = fake_map,
		.sanitize = fake_sanitize,
		.read_primary = fake_read,
		.vdevices_create = hyp_vdevices_create,
		.vdevices_destroy = hyp_vdevices_destroy,
		.vm_start = fake_vm_start,
		.vm_stop = fake_vm_stop,
		.vm_destroy = fake_vm_destroy,
	};
	struct gh_rm_link link;
	struct gh_guest_ops no_guest = { 0 };

	memset(t, 0, sizeof(*t));
	t->ram = calloc(1, TEST_RAM_SIZE);
	counters_init(&t->counters);
	t->rm = rm_engine_create(&config, &ops, &t->counters);
	rm_link_init(&link, t->rm);
	gh_hyp_init(&t->hyp, &link, &t->counters, &no_guest);
}

void rm_test_fini(struct rm_test *t)
{
	rm_engine_destroy(t->rm);
	gh_hyp_fini(&t->hyp);
	free(t->ram);
}

unsigned int unmapped_pages(const struct rm_test *t)
{
	unsigned int i, n = 0;

	for (i = 0; i < TEST_PAGES; i++)
		n += t->unmapped[i];
	return n;
}

static void save_notif(struct rm_test *t, uint16_t vmid, uint32_t id,
		       const uint8_t *data, size_t len)
{
	struct test_notif *n;

	if (t->nr_notifs == MAX_NOTIFS)
		return;
	n = &t->notifs[t->nr_notifs++];
	n->vmid = vmid;
	n->id = id;
	n->len = len < sizeof(n->data) ? len : sizeof(n->data);
	memcpy(n->data, data, n->len);
}

unsigned int rm_collect(struct rm_test *t, uint16_t vmid)
{
	uint8_t pkt[RM_MSG_SIZE];
	unsigned int n = 0;
	size_t len;

	while ((len = rm_engine_next_packet(t->rm, vmid, pkt))) {
		if ((pkt[1] & 3) == RM_TYPE_NOTIFICATION)
			save_notif(t, vmid, get_le32(pkt + 4), pkt + 8,
				   len - 8);
		n++;
	}
	return n;
}

uint32_t rm_call(struct rm_test *t, uint16_t vmid, uint32_t msg_id,
		 const void *payload, size_t len)
{
	unsigned int fragments = len ? (unsigned int)((len + 231) / 232) - 1 : 0;
	uint16_t seq = ++t->seq;
	uint8_t pkt[RM_MSG_SIZE];
	bool got_reply = false;
	uint32_t err = NO_REPLY;
	size_t pos = 0, plen;
	unsigned int i;

	for (i = 0; i <= fragments; i++) {
		size_t chunk = len - pos > 232 ? 232 : len - pos;

		rm_put_header(pkt, i ? RM_TYPE_CONTINUED : RM_TYPE_REQUEST,
			      fragments, seq, msg_id);
		if (chunk)
			memcpy(pkt + 8, (const uint8_t *)payload + pos, chunk);
		rm_engine_receive(t->rm, vmid, pkt, chunk + 8);
		pos += chunk;
	}

	t->reply_len = 0;
	t->reply_packets = 0;
	while ((plen = rm_engine_next_packet(t->rm, vmid, pkt))) {
		unsigned int type = pkt[1] & 3;

		if (type == RM_TYPE_NOTIFICATION) {
			save_notif(t, vmid, get_le32(pkt + 4), pkt + 8,
				   plen - 8);
			continue;
		}
		if (get_le32(pkt + 4) != msg_id || get_le16(pkt + 2) != seq)
			continue;
		if (type == RM_TYPE_REPLY) {
			got_reply = true;
			t->reply_len = 0;
		}
		if (t->reply_len + plen - 8 <= sizeof(t->reply)) {
			memcpy(t->reply + t->reply_len, pkt + 8, plen - 8);
			t->reply_len += plen - 8;
		}
		t->reply_packets++;
	}
	if (got_reply && t->reply_len >= 4) {
		err = get_le32(t->reply);
		memmove(t->reply, t->reply + 4, t->reply_len - 4);
		t->reply_len -= 4;
	}
	return err;
}

size_t build_mem_req(uint8_t *buf, uint8_t mem_type, uint8_t flags,
		     uint32_t label, const struct mem_acl *acl,
		     unsigned int nr_acl, const struct mem_sgl *sgl,
		     unsigned int nr_sgl, unsigned int nr_attr,
		     const uint16_t *attrs)
{
	size_t pos = 8;
	unsigned int i;

	memset(buf, 0, 8);
	buf[0] = mem_type;
	buf[2] = flags;
	put_le32(buf + 4, label);
	put_le32(buf + pos, nr_acl);
	pos += 4;
	for (i = 0; i < nr_acl; i++, pos += 4) {
		put_le16(buf + pos, acl[i].vmid);
		buf[pos + 2] = acl[i].rights;
		buf[pos + 3] = 0;
	}
	put_le32(buf + pos, nr_sgl);
	pos += 4;
	for (i = 0; i < nr_sgl; i++, pos += 16) {
		put_le64(buf + pos, sgl[i].ipa);
		put_le64(buf + pos + 8, sgl[i].size);
	}
	put_le32(buf + pos, nr_attr);
	pos += 4;
	for (i = 0; i < nr_attr; i++, pos += 4) {
		put_le16(buf + pos, attrs[2 * i]);
		put_le16(buf + pos + 2, attrs[2 * i + 1]);
	}
	return pos;
}

uint32_t simple_parcel(struct rm_test *t, uint32_t msg_id, uint16_t vmid,
		       uint64_t first_page, uint64_t count, uint32_t *handle)
{
	struct mem_acl acl[2] = { { vmid, RM_RIGHTS_RWX },
				  { VMID_HLOS, RM_RIGHTS_RWX } };
	struct mem_sgl sgl = { TEST_RAM_BASE + first_page * 4096, count * 4096 };
	uint8_t buf[128];
	size_t len;
	uint32_t err;

	len = build_mem_req(buf, RM_MEM_TYPE_NORMAL, 0, 0, acl,
			    msg_id == RM_MEM_SHARE ? 2 : 1, &sgl, 1, 0, NULL);
	err = rm_call(t, VMID_HLOS, msg_id, buf, len);
	if (!err && handle)
		*handle = t->reply_len == 4 ? get_le32(t->reply) : ~0u;
	return err;
}

uint32_t handle_op(struct rm_test *t, uint16_t vmid, uint32_t msg_id,
		   uint32_t handle, uint8_t flags)
{
	uint8_t buf[8] = { 0 };

	put_le32(buf, handle);
	buf[4] = flags;
	return rm_call(t, vmid, msg_id, buf, sizeof(buf));
}

uint32_t vm_op(struct rm_test *t, uint16_t client, uint32_t msg_id,
	       uint16_t vmid)
{
	uint8_t buf[8] = { 0 };

	put_le16(buf, vmid);
	return rm_call(t, client, msg_id, buf,
		       msg_id == RM_VM_STOP ? 8 : 4);
}

/*
 * The writers below return 0 or a negative libfdt error, ORed over their
 * calls: once the buffer is full libfdt refuses every later call.
 */
static int rm_test_doorbell_node(void *fdt, unsigned int i,
				 const struct rm_test_doorbell *db)
{
	char name[32];
	int err = 0;

	snprintf(name, sizeof(name), "doorbell-%u", i);
	err |= fdt_begin_node(fdt, name);
	err |= fdt_property_string(fdt, "vdevice-type", "doorbell");
	if (db->peer)
		err |= fdt_property_string(fdt, "peer", db->peer);
	else if (!db->no_peer)
		err |= fdt_property(fdt, "peer-default", NULL, 0);
	if (db->source_can_clear)
		err |= fdt_property(fdt, "source-can-clear", NULL, 0);
	if (db->label)
		err |= fdt_property_u32(fdt, "qcom,label", db->label);
	if (db->nr_irq_cells)
		err |= fdt_prop_cells(fdt, "interrupts", db->irq, db->nr_irq_cells);
	err |= fdt_end_node(fdt);
	return err;
}

/* The config node: image-name, memory, vcpus and the shm vdevices. */
static int rm_test_config_node(void *fdt, const struct rm_test_config *c)
{
	unsigned int i;
	char name[32];
	int err = 0;

	err |= fdt_begin_node(fdt, c->root ? c->root : "gunyah-vm-config");
	if (c->cells)
		err |= fdt_property_u32(fdt, "#address-cells", c->cells);
	err |= fdt_property_string(fdt, "image-name", "test");
	if (!c->no_memory) {
		err |= fdt_begin_node(fdt, "memory");
		if (c->cells == 1)
			err |= fdt_property_u32(fdt, "base-address",
						(uint32_t)c->base);
		else
			err |= fdt_property_u64(fdt, "base-address", c->base);
		err |= fdt_end_node(fdt);
	}
	err |= fdt_begin_node(fdt, "vcpus");
	err |= fdt_property_string(fdt, "affinity", "proxy");
	err |= fdt_end_node(fdt);
	err |= fdt_begin_node(fdt, "vdevices");
	for (i = 0; i < c->nr_shm; i++) {
		snprintf(name, sizeof(name), "shm-%u", i);
		err |= fdt_begin_node(fdt, name);
		err |= fdt_property_string(fdt, "vdevice-type", "shm");
		err |= fdt_property(fdt, "peer-default", NULL, 0);
		err |= fdt_begin_node(fdt, "memory");
		err |= fdt_property_u32(fdt, "qcom,label", c->shm[i].label);
		if (c->shm[i].base)
			err |= fdt_property_u64(fdt, "base", c->shm[i].base);
		else
			err |= fdt_property(fdt, "allocate-base", NULL, 0);
		err |= fdt_end_node(fdt);
		err |= fdt_end_node(fdt);
	}
	for (i = 0; !c->doorbells_in_root && i < c->nr_doorbells; i++)
		err |= rm_test_doorbell_node(fdt, i, &c->db[i]);
	err |= fdt_end_node(fdt);
	err |= fdt_end_node(fdt);
	return err;
}

/*
 * A VM config DT the real RM accepts, into @buf: / with #address-cells and
 * #size-cells 2 and interrupt-parent, /@root first (the RM's DT walker
 * gives every child of / the cells of the first one), /cpus with
 * @nr_cpus cpu nodes, the GIC at QEMU's addresses, an empty /chosen and a
 * PSCI node; the @c->no_* knobs leave parts out.  Returns the blob's
 * length, 0 if it does not fit.
 */
size_t rm_test_build_config(void *buf, size_t size,
			    const struct rm_test_config *c)
{
	static const uint32_t gic_reg[] = { 0, 0x08000000, 0, 0x10000,
					    0, 0x080a0000, 0, 0xf60000 };
	unsigned int i, nr_cpus = c->nr_cpus ? c->nr_cpus : 1;
	char name[32];
	int err;

	err = fdt_create(buf, size > INT32_MAX ? INT32_MAX : (int)size);
	if (err)
		return 0;
	err |= fdt_finish_reservemap(buf);
	err |= fdt_begin_node(buf, "");
	err |= fdt_property_u32(buf, "#address-cells", 2);
	err |= fdt_property_u32(buf, "#size-cells", 2);
	if (!c->no_interrupt_parent)
		err |= fdt_property_u32(buf, "interrupt-parent", 1);
	if (!c->config_last)
		err |= rm_test_config_node(buf, c);
	if (!c->no_cpus) {
		err |= fdt_begin_node(buf, "cpus");
		err |= fdt_property_u32(buf, "#address-cells", 1);
		err |= fdt_property_u32(buf, "#size-cells", 0);
		for (i = 0; i < nr_cpus; i++) {
			snprintf(name, sizeof(name), "cpu@%u", i);
			err |= fdt_begin_node(buf, name);
			err |= fdt_property_string(buf, "device_type", "cpu");
			err |= fdt_property_string(buf, "compatible",
						   "arm,armv8");
			err |= fdt_property_u32(buf, "reg", i);
			if (i && !c->no_enable_method)
				err |= fdt_property_string(buf, "enable-method",
							   "psci");
			if (i < RM_MAX_VCPUS && c->cpu_status[i])
				err |= fdt_property_string(buf, "status",
							   c->cpu_status[i]);
			err |= fdt_end_node(buf);
		}
		err |= fdt_end_node(buf);
	}
	if (!c->no_gic) {
		err |= fdt_begin_node(buf, "intc@8000000");
		err |= fdt_property_string(buf, "compatible", "arm,gic-v3");
		err |= fdt_property(buf, "interrupt-controller", NULL, 0);
		err |= fdt_property_u32(buf, "#interrupt-cells", 3);
		if (!c->gic_no_reg)
			err |= fdt_prop_cells(buf, "reg", gic_reg,
					  ARRAY_SIZE(gic_reg));
		err |= fdt_property_u32(buf, "phandle", 1);
		err |= fdt_end_node(buf);
	}
	if (!c->no_chosen) {
		err |= fdt_begin_node(buf, "chosen");
		err |= fdt_end_node(buf);
	}
	if (!c->no_psci) {
		err |= fdt_begin_node(buf, "psci");
		err |= fdt_property_string(buf, "compatible", "arm,psci-1.0");
		err |= fdt_property_string(buf, "method", "hvc");
		err |= fdt_end_node(buf);
	}
	if (c->config_last)
		err |= rm_test_config_node(buf, c);
	for (i = 0; c->doorbells_in_root && i < c->nr_doorbells; i++)
		err |= rm_test_doorbell_node(buf, i, &c->db[i]);
	err |= fdt_end_node(buf);
	err |= fdt_finish(buf);
	return err ? 0 : fdt_totalsize(buf);
}

/*
 * rm_test_build_config() with /@root, memory/base-address (@cells 1 or 2;
 * 0 also writes 2 cells but omits #address-cells) unless !@memory.
 */
size_t rm_test_build_config_dt(void *buf, size_t size, const char *root,
			       uint64_t base, unsigned int cells, bool memory)
{
	struct rm_test_config c = { .root = root, .base = base,
				    .cells = cells, .no_memory = !memory };

	return rm_test_build_config(buf, size, &c);
}
