// SPDX-License-Identifier: GPL-2.0
/*
 * RM VM management: VMID allocation and the VM state machine.
 */
#include <string.h>

#include "rm_client.h"
#include "tap.h"

#define TEST_VM_BASE	0x80000000ull

/* Write a config DT with memory base-address @base at RAM offset @off. */
static void put_config_dt(struct rm_test *t, uint64_t off, uint64_t base)
{
	rm_test_build_config_dt(t->ram + off, 4096, "gunyah-vm-config", base,
				0, true);
}

static uint32_t config_image(struct rm_test *t, uint16_t client,
			     uint16_t vmid, uint32_t handle,
			     uint64_t image_size, uint64_t dt_offset)
{
	uint8_t req[RM_CONFIG_IMAGE_REQ_LEN] = { 0 };

	put_le16(req, vmid);
	put_le32(req + 4, handle);
	put_le64(req + 16, image_size);
	put_le64(req + 24, dt_offset);
	put_le64(req + 32, 4096);
	return rm_call(t, client, RM_VM_CONFIG_IMAGE, req, sizeof(req));
}

/* VM_RESET, then let the RM finish it as its event loop would. */
static uint32_t reset_vm(struct rm_test *t, uint16_t vmid)
{
	uint32_t err = vm_op(t, VMID_HLOS, RM_VM_RESET, vmid);

	rm_engine_run_deferred(t->rm);
	return err;
}

static const struct test_notif *last_notif(struct rm_test *t, uint32_t id)
{
	int i;

	for (i = (int)t->nr_notifs - 1; i >= 0; i--)
		if (t->notifs[i].id == id)
			return &t->notifs[i];
	return NULL;
}

static void test_allocate(void)
{
	struct rm_test t;

	rm_test_init(&t);
	tap_eq(vm_op(&t, VMID_HLOS, RM_VM_ALLOCATE, 0), RM_OK,
	       "ALLOCATE with VMID 0 picks a dynamic VMID");
	tap_eq(t.reply_len == 4 ? get_le32(t.reply) : 0, 0x80,
	       "the first dynamic VMID is 0x80");
	vm_op(&t, VMID_HLOS, RM_VM_ALLOCATE, 0);
	tap_eq(get_le32(t.reply), 0x81, "the next one is 0x81");
	tap_eq(rm_engine_vm_state(t.rm, 0x81), RM_VM_STATE_LOAD,
	       "a new VM is in state LOAD");
	tap_eq(vm_op(&t, VMID_HLOS, RM_VM_ALLOCATE, 5), RM_OK,
	       "a free secondary VMID can be asked for");
	tap_eq(t.reply_len, 0, "and the reply carries no VMID");
	tap_eq(vm_op(&t, VMID_HLOS, RM_VM_ALLOCATE, 5), RM_ERROR_NORESOURCE,
	       "a VMID in use is NORESOURCE");
	tap_eq(vm_op(&t, VMID_HLOS, RM_VM_ALLOCATE, 3), RM_ERROR_NORESOURCE,
	       "the primary's VMID cannot be allocated");
	tap_eq(vm_op(&t, VMID_HLOS, RM_VM_ALLOCATE, 70), RM_ERROR_NORESOURCE,
	       "an out-of-range VMID is NORESOURCE");
	tap_eq(vm_op(&t, 0x80, RM_VM_ALLOCATE, 0), RM_ERROR_DENIED,
	       "only the primary VM may allocate");
	tap_eq(rm_call(&t, VMID_HLOS, RM_VM_ALLOCATE, "ab", 2),
	       RM_ERROR_MSG_INVALID, "a short ALLOCATE is MSG_INVALID");
	tap_eq(vm_op(&t, VMID_HLOS, RM_VM_DEALLOCATE, 0x81), RM_OK,
	       "a VM in LOAD can be deallocated");
	tap_eq(rm_engine_vm_state(t.rm, 0x81), -1, "and is gone");
	tap_eq(vm_op(&t, VMID_HLOS, RM_VM_DEALLOCATE, 0x81),
	       RM_ERROR_VMID_INVALID, "deallocating it again is VMID_INVALID");
	tap_eq(vm_op(&t, VMID_HLOS, RM_VM_DEALLOCATE, VMID_HLOS),
	       RM_ERROR_DENIED, "the primary cannot deallocate itself");
	vm_op(&t, VMID_HLOS, RM_VM_ALLOCATE, 0);
	tap_eq(get_le32(t.reply), 0x81, "a freed VMID is reused");
	rm_test_fini(&t);
}

static void test_lifecycle(void)
{
	const struct test_notif *n;
	uint64_t vcpu_cap;
	uint32_t wakeup_virq;
	struct rm_test t;
	uint32_t image;

	rm_test_init(&t);
	vm_op(&t, VMID_HLOS, RM_VM_ALLOCATE, 0);
	tap_eq(vm_op(&t, VMID_HLOS, RM_VM_START, 0x80), RM_ERROR_VM_STATE,
	       "START before configuration is VM_STATE");
	tap_eq(vm_op(&t, VMID_HLOS, RM_VM_INIT, 0x80), RM_ERROR_VM_STATE,
	       "INIT before CONFIG_IMAGE is VM_STATE");
	tap_eq(vm_op(&t, VMID_HLOS, RM_VM_GET_HYP_RESOURCES, 0x80),
	       RM_ERROR_NORESOURCE, "GET_HYP_RESOURCES before config fails");
	tap_eq(simple_parcel(&t, RM_MEM_LEND, 0x80, 16, 16, &image), RM_OK,
	       "lend an image parcel");
	tap_eq(config_image(&t, 0x80, 0x80, image, 8192, 0), RM_ERROR_DENIED,
	       "CONFIG_IMAGE from a secondary is DENIED");
	tap_eq(config_image(&t, VMID_HLOS, 0x80, image, 16 * 4096 + 1, 0),
	       RM_ERROR_ARGUMENT_INVALID,
	       "an image larger than its parcel is ARGUMENT_INVALID");
	tap_eq(rm_engine_vm_state(t.rm, 0x80), RM_VM_STATE_INIT_FAILED,
	       "and leaves the VM INIT_FAILED");
	tap_eq(reset_vm(&t, 0x80), RM_OK, "an INIT_FAILED VM can be reset");
	tap_eq(rm_engine_vm_state(t.rm, 0x80), RM_VM_STATE_RESET,
	       "to state RESET");
	tap_eq(config_image(&t, VMID_HLOS, 0x80, image + 100, 8192, 0),
	       RM_ERROR_MEM_INVALID, "an unknown image parcel is MEM_INVALID");
	reset_vm(&t, 0x80);
	/* A config DT that is not a DT: INIT fails with MEM_INVALID. */
	memset(t.ram + 16 * 4096 + 8192, 0x5a, 64);
	tap_eq(config_image(&t, VMID_HLOS, 0x80, image, 8192, 8192), RM_OK,
	       "CONFIG_IMAGE with garbage at dt_offset");
	tap_eq(vm_op(&t, VMID_HLOS, RM_VM_INIT, 0x80), RM_ERROR_MEM_INVALID,
	       "INIT of a malformed config DT is MEM_INVALID");
	tap_eq(rm_engine_vm_state(t.rm, 0x80), RM_VM_STATE_INIT_FAILED,
	       "and leaves the VM INIT_FAILED");
	reset_vm(&t, 0x80);
	put_config_dt(&t, 16 * 4096 + 8192, 0x20000000);
	config_image(&t, VMID_HLOS, 0x80, image, 8192, 8192);
	tap_eq(vm_op(&t, VMID_HLOS, RM_VM_INIT, 0x80), RM_OK,
	       "INIT with base-address inside VMMIO succeeds");
	tap_eq(vm_op(&t, VMID_HLOS, RM_VM_START, 0x80), RM_ERROR_NORESOURCE,
	       "but START cannot put the image in the reserved range");
	reset_vm(&t, 0x80);
	put_config_dt(&t, 16 * 4096 + 8192, TEST_VM_BASE);
	t.nr_notifs = 0;
	tap_eq(config_image(&t, VMID_HLOS, 0x80, image, 8192, 8192), RM_OK,
	       "CONFIG_IMAGE with a good image parcel");
	tap_eq(rm_engine_vm_state(t.rm, 0x80), RM_VM_STATE_INIT,
	       "moves the VM to INIT");
	n = last_notif(&t, RM_NOTIFY_VM_STATUS);
	tap_ok(n && get_le16(n->data) == 0x80 && n->data[4] == RM_VM_STATE_INIT,
	       "and tells the owner with VM_STATUS(INIT)");
	tap_eq(rm_call(&t, VMID_HLOS, RM_VM_INIT, "\x80\0\1\0", 4),
	       RM_ERROR_MSG_INVALID, "INIT with nonzero reserved bits");
	tap_eq(vm_op(&t, VMID_HLOS, RM_VM_INIT, 0x80), RM_OK, "INIT");
	tap_eq(rm_engine_vm_state(t.rm, 0x80), RM_VM_STATE_READY,
	       "moves the VM to READY");
	tap_eq(vm_op(&t, VMID_HLOS, RM_VM_GET_HYP_RESOURCES, 0x80), RM_OK,
	       "GET_HYP_RESOURCES of a configured VM");
	tap_ok(t.reply_len == 4 + RM_RES_ENTRY_LEN && get_le32(t.reply) == 1,
	       "answers one resource");
	tap_ok(t.reply[4] == RM_RES_VIRTUAL_CPU &&
	       get_le16(t.reply + 6) == 0x80 && get_le32(t.reply + 12) == 0,
	       "a VIRTUAL_CPU entry, partner 0x80, label 0");
	vcpu_cap = get_le32(t.reply + 16) | (uint64_t)get_le32(t.reply + 20) << 32;
	wakeup_virq = get_le32(t.reply + 28);
	tap_ok(vcpu_cap >= 0x100 && wakeup_virq >= 40 && wakeup_virq <= 95,
	       "with a capability ID and a wakeup vIRQ (SPI INTID)");
	tap_eq(gh_hyp_vcpu_cap(&t.hyp, vcpu_cap, NULL), 0x80,
	       "the vCPU capability names the VM");
	tap_eq(gh_hyp_vcpu_cap(&t.hyp, 0x11, NULL), 0, "a queue cap names none");
	tap_eq(vm_op(&t, 0x80, RM_VM_GET_HYP_RESOURCES, 0x80), RM_OK,
	       "GET_HYP_RESOURCES by a non-owner");
	tap_eq(get_le32(t.reply), 0, "lists no vCPU");
	tap_eq(vm_op(&t, VMID_HLOS, RM_VM_GET_HYP_RESOURCES, 0x99),
	       RM_ERROR_ARGUMENT_INVALID,
	       "GET_HYP_RESOURCES of an unknown VM is ARGUMENT_INVALID");
	tap_eq(vm_op(&t, VMID_HLOS, RM_VM_STOP, 0x80), RM_ERROR_VM_STATE,
	       "STOP of a READY VM is VM_STATE");
	tap_eq(vm_op(&t, 0x80, RM_VM_START, 0x80), RM_ERROR_DENIED,
	       "START by a non-owner is DENIED");
	t.vm_start_error = -12;
	tap_eq(vm_op(&t, VMID_HLOS, RM_VM_START, 0x80), RM_ERROR_NORESOURCE,
	       "START fails if the VM cannot be created");
	tap_eq(rm_engine_vm_state(t.rm, 0x80), RM_VM_STATE_READY,
	       "and the VM stays READY");
	t.vm_start_error = 0;
	tap_eq(vm_op(&t, VMID_HLOS, RM_VM_START, 0x80), RM_OK, "START");
	tap_eq(rm_engine_vm_state(t.rm, 0x80), RM_VM_STATE_RUNNING,
	       "moves the VM to RUNNING");
	tap_ok(t.vm_starts == 1 && t.last_boot.vmid == 0x80 &&
	       t.last_boot.vcpu_capid == vcpu_cap &&
	       t.last_boot.mem_base == TEST_VM_BASE &&
	       t.last_boot.pc == TEST_VM_BASE &&
	       t.last_boot.x0 == TEST_VM_BASE + 8192,
	       "creates the VM: RAM at base-address, PC = base + image_offset, X0 = base + dt_offset");
	tap_eq(t.last_virqs[0], wakeup_virq,
	       "and asserts vCPU 0's wakeups on the vIRQ GET_HYP_RESOURCES named");
	tap_ok(t.last_boot.nr_regions == 1 &&
	       t.last_regions[0].primary_ipa == TEST_RAM_BASE + 16 * 4096 &&
	       t.last_regions[0].guest_ipa == TEST_VM_BASE &&
	       t.last_regions[0].rights == RM_RIGHTS_RWX &&
	       t.last_regions[0].size == 16 * 4096,
	       "guest RAM is the image parcel");
	tap_eq(handle_op(&t, VMID_HLOS, RM_MEM_RECLAIM, image, 0),
	       RM_ERROR_MEM_INUSE,
	       "the image parcel of a running VM cannot be reclaimed");
	tap_eq(vm_op(&t, VMID_HLOS, RM_VM_DEALLOCATE, 0x80), RM_ERROR_VM_STATE,
	       "a running VM cannot be deallocated");
	tap_eq(vm_op(&t, VMID_HLOS, RM_VM_RESET, 0x80), RM_ERROR_VM_STATE,
	       "a running VM cannot be reset");
	tap_eq(vm_op(&t, 0x80, RM_VM_STOP, 0x80), RM_ERROR_VMID_INVALID,
	       "STOP by a non-owner is VMID_INVALID");
	t.nr_notifs = 0;
	{
		uint8_t stop[8] = { 0x80, 0, RM_VM_STOP_FLAG_FORCE };

		tap_eq(rm_call(&t, VMID_HLOS, RM_VM_STOP, stop, 8), RM_OK,
		       "forced STOP");
	}
	n = last_notif(&t, RM_NOTIFY_VM_EXITED);
	tap_ok(n && get_le16(n->data) == 0x80 &&
	       get_le16(n->data + 2) == RM_EXIT_TYPE_VM_STOP_FORCED,
	       "sends VM_EXITED(STOP_FORCED)");
	tap_eq(rm_engine_vm_state(t.rm, 0x80), RM_VM_STATE_EXITED,
	       "and leaves the VM EXITED");
	tap_eq(handle_op(&t, VMID_HLOS, RM_MEM_RECLAIM, image, 0),
	       RM_ERROR_MEM_INUSE, "the parcel stays in use until RESET");
	tap_eq(t.vm_stops, 1, "STOP stops the VM's vCPU");
	tap_eq(reset_vm(&t, 0x80), RM_OK, "RESET");
	tap_eq(t.vm_destroys, 1, "RESET destroys the VM");
	tap_eq(gh_hyp_vcpu_cap(&t.hyp, vcpu_cap, NULL), 0,
	       "and its vCPU capability");
	tap_ok(rm_engine_nr_vms(t.rm) == 1 && rm_engine_nr_parcels(t.rm) == 1,
	       "one VMID and one parcel are held");
	tap_eq(handle_op(&t, VMID_HLOS, RM_MEM_RECLAIM, image, 0), RM_OK,
	       "after RESET the image parcel can be reclaimed");
	tap_eq(vm_op(&t, VMID_HLOS, RM_VM_DEALLOCATE, 0x80), RM_OK,
	       "and the VM deallocated");
	tap_eq(unmapped_pages(&t), 0, "all memory is back with the primary");
	tap_ok(!rm_engine_nr_vms(t.rm) && !rm_engine_nr_parcels(t.rm),
	       "no VMID and no parcel are left");
	rm_test_fini(&t);
}

/* The guest powers itself off: EXITED, VM_EXITED(PLATFORM_OFF). */
static void test_guest_exit(void)
{
	const struct test_notif *n;
	struct rm_test t;
	uint32_t image;

	rm_test_init(&t);
	vm_op(&t, VMID_HLOS, RM_VM_ALLOCATE, 0);
	simple_parcel(&t, RM_MEM_LEND, 0x80, 0, 16, &image);
	put_config_dt(&t, 4096, TEST_VM_BASE);
	config_image(&t, VMID_HLOS, 0x80, image, 4096, 4096);
	tap_eq(vm_op(&t, VMID_HLOS, RM_VM_INIT, 0x80), RM_OK, "INIT (exit)");
	tap_eq(vm_op(&t, VMID_HLOS, RM_VM_START, 0x80), RM_OK, "START (exit)");
	t.nr_notifs = 0;
	rm_engine_vm_exited(t.rm, 0x80, RM_HYP_EXIT_SYSTEM_OFF);
	rm_collect(&t, VMID_HLOS);
	tap_ok(rm_engine_vm_state(t.rm, 0x80) == RM_VM_STATE_RUNNING &&
	       t.nr_notifs == 0 && rm_engine_has_deferred(t.rm),
	       "the RM hears of a guest's SYSTEM_OFF only later");
	tap_eq(vm_op(&t, VMID_HLOS, RM_VM_RESET, 0x80), RM_ERROR_VM_STATE,
	       "RESET while the RM still sees RUNNING is VM_STATE");
	tap_eq(handle_op(&t, VMID_HLOS, RM_MEM_RECLAIM, image, 0),
	       RM_ERROR_MEM_INUSE, "and RECLAIM is MEM_INUSE");
	rm_engine_run_deferred(t.rm);
	rm_collect(&t, VMID_HLOS);
	tap_ok(!rm_engine_has_deferred(t.rm), "run_deferred runs the step");
	tap_eq(rm_engine_vm_state(t.rm, 0x80), RM_VM_STATE_EXITED,
	       "a guest's SYSTEM_OFF leaves the VM EXITED");
	n = last_notif(&t, RM_NOTIFY_VM_EXITED);
	tap_ok(n && get_le16(n->data) == 0x80 &&
	       get_le16(n->data + 2) == RM_EXIT_TYPE_PLATFORM_OFF,
	       "and sends VM_EXITED(PLATFORM_OFF)");
	n = last_notif(&t, RM_NOTIFY_VM_STATUS);
	tap_ok(n && n->data[4] == RM_VM_STATE_EXITED,
	       "and VM_STATUS(EXITED)");
	tap_eq(vm_op(&t, VMID_HLOS, RM_VM_STOP, 0x80), RM_ERROR_VM_STATE,
	       "STOP of an exited VM is VM_STATE (vm_mgnt_handle_stop())");
	tap_eq(handle_op(&t, VMID_HLOS, RM_MEM_RECLAIM, image, 0),
	       RM_ERROR_MEM_INUSE, "RECLAIM before RESET is MEM_INUSE");
	t.nr_notifs = 0;
	tap_eq(vm_op(&t, VMID_HLOS, RM_VM_RESET, 0x80), RM_OK, "RESET (exit)");
	n = last_notif(&t, RM_NOTIFY_VM_STATUS);
	tap_ok(n && n->data[4] == RM_VM_STATE_RESETTING && t.nr_notifs == 1,
	       "VM_STATUS(RESETTING) comes with the reply");
	tap_eq(handle_op(&t, VMID_HLOS, RM_MEM_RECLAIM, image, 0), RM_OK,
	       "RECLAIM works right after the reply");
	tap_eq(vm_op(&t, VMID_HLOS, RM_VM_DEALLOCATE, 0x80), RM_ERROR_VM_STATE,
	       "DEALLOCATE before the reset completes is VM_STATE");
	rm_engine_run_deferred(t.rm);
	rm_collect(&t, VMID_HLOS);
	n = last_notif(&t, RM_NOTIFY_VM_STATUS);
	tap_ok(n && n->data[4] == RM_VM_STATE_RESET,
	       "later the reset completes: VM_STATUS(RESET)");
	tap_eq(vm_op(&t, VMID_HLOS, RM_VM_DEALLOCATE, 0x80), RM_OK,
	       "DEALLOCATE after RESET");
	rm_test_fini(&t);
}

/* Deferred steps run in order, and only those queued before the call. */
static void test_deferred_order(void)
{
	const struct test_notif *n;
	struct rm_test t;
	uint32_t image;

	rm_test_init(&t);
	vm_op(&t, VMID_HLOS, RM_VM_ALLOCATE, 0);
	simple_parcel(&t, RM_MEM_LEND, 0x80, 0, 16, &image);
	put_config_dt(&t, 4096, TEST_VM_BASE);
	config_image(&t, VMID_HLOS, 0x80, image, 4096, 4096);
	vm_op(&t, VMID_HLOS, RM_VM_INIT, 0x80);
	vm_op(&t, VMID_HLOS, RM_VM_START, 0x80);
	tap_ok(!rm_engine_has_deferred(t.rm), "nothing is deferred yet");
	rm_engine_run_deferred(t.rm);
	rm_engine_vm_exited(t.rm, 0x80, RM_HYP_EXIT_SYSTEM_OFF);
	rm_engine_vm_exited(t.rm, 0x80, RM_HYP_EXIT_SYSTEM_RESET);
	t.nr_notifs = 0;
	rm_engine_run_deferred(t.rm);
	rm_collect(&t, VMID_HLOS);
	n = last_notif(&t, RM_NOTIFY_VM_EXITED);
	tap_ok(n && get_le16(n->data + 2) == RM_EXIT_TYPE_PLATFORM_OFF &&
	       t.nr_notifs == 2, "the first exit wins, reported once");
	vm_op(&t, VMID_HLOS, RM_VM_RESET, 0x80);
	tap_ok(rm_engine_has_deferred(t.rm), "RESET leaves work deferred");
	rm_engine_run_deferred(t.rm);
	tap_eq(rm_engine_vm_state(t.rm, 0x80), RM_VM_STATE_RESET,
	       "which one run completes");
	rm_test_fini(&t);
}

/* START accepts the image parcel only as a LEND to the VM alone, RWX. */
static void test_image_rules(void)
{
	struct mem_acl acl_share[2] = { { 0x80, RM_RIGHTS_RWX },
					{ VMID_HLOS, RM_RIGHTS_RWX } };
	struct mem_acl acl_rw = { 0x80, RM_RIGHTS_RW };
	struct mem_sgl sgl = { TEST_RAM_BASE, 16 * 4096 };
	const struct mem_acl *acls[2] = { acl_share, &acl_rw };
	const uint32_t msgs[2] = { RM_MEM_SHARE, RM_MEM_LEND };
	const char *const what[2] = {
		"a shared image parcel fails START with NORESOURCE",
		"a lent image parcel with RW rights fails START",
	};
	uint8_t req[128];
	struct rm_test t;
	unsigned int i;
	uint32_t image;
	size_t len;

	for (i = 0; i < 2; i++) {
		rm_test_init(&t);
		vm_op(&t, VMID_HLOS, RM_VM_ALLOCATE, 0);
		len = build_mem_req(req, RM_MEM_TYPE_NORMAL, 0, 0, acls[i],
				    i ? 1 : 2, &sgl, 1, 0, NULL);
		rm_call(&t, VMID_HLOS, msgs[i], req, len);
		image = get_le32(t.reply);
		put_config_dt(&t, 4096, TEST_VM_BASE);
		config_image(&t, VMID_HLOS, 0x80, image, 4096, 4096);
		vm_op(&t, VMID_HLOS, RM_VM_INIT, 0x80);
		tap_ok(vm_op(&t, VMID_HLOS, RM_VM_START, 0x80) ==
		       RM_ERROR_NORESOURCE, "%s", what[i]);
		tap_ok(rm_engine_vm_state(t.rm, 0x80) ==
		       RM_VM_STATE_INIT_FAILED && t.vm_starts == 0,
		       "and leaves the VM INIT_FAILED, not created");
		tap_eq(vm_op(&t, VMID_HLOS, RM_VM_DEALLOCATE, 0x80),
		       RM_ERROR_VM_STATE, "which cannot be deallocated");
		tap_eq(reset_vm(&t, 0x80), RM_OK, "but can be reset");
		tap_eq(handle_op(&t, VMID_HLOS, RM_MEM_RECLAIM, image, 0),
		       RM_OK, "its parcel reclaimed");
		tap_eq(vm_op(&t, VMID_HLOS, RM_VM_DEALLOCATE, 0x80), RM_OK,
		       "and the VM deallocated");
		rm_test_fini(&t);
	}
}

/* Lend (or share) pages to @vmid alone with @label and @rights. */
static uint32_t labelled_parcel(struct rm_test *t, uint32_t msg_id,
				uint16_t vmid, uint32_t label, uint8_t rights,
				uint64_t first_page, uint64_t count)
{
	struct mem_acl acl[2] = { { vmid, rights },
				  { VMID_HLOS, RM_RIGHTS_RW } };
	struct mem_sgl sgl = { TEST_RAM_BASE + first_page * 4096,
			       count * 4096 };
	uint8_t buf[128];
	size_t len;

	len = build_mem_req(buf, RM_MEM_TYPE_NORMAL, 0, label, acl,
			    msg_id == RM_MEM_SHARE ? 2 : 1, &sgl, 1, 0, NULL);
	if (rm_call(t, VMID_HLOS, msg_id, buf, len) || t->reply_len != 4)
		return ~0u;
	return get_le32(t->reply);
}

/*
 * ALLOCATE VM 0x80, lend it pages [0, 16) as its image with config @c at
 * 4096, CONFIG_IMAGE and INIT; returns INIT's answer.
 */
static uint32_t setup_vm(struct rm_test *t, const struct rm_test_config *c,
			 uint32_t *image)
{
	rm_test_init(t);
	vm_op(t, VMID_HLOS, RM_VM_ALLOCATE, 0);
	simple_parcel(t, RM_MEM_LEND, 0x80, 0, 16, image);
	rm_test_build_config(t->ram + 4096, 4096, c);
	config_image(t, VMID_HLOS, 0x80, *image, 4096, 4096);
	return vm_op(t, VMID_HLOS, RM_VM_INIT, 0x80);
}

/* What START makes of the config DT: vCPUs, vGIC, info page, base. */
static void test_config_start(void)
{
	struct rm_test_config c = { .base = 0x40000000ull };
	struct rm_test t;
	uint32_t image;

	tap_eq(setup_vm(&t, &c, &image), RM_OK, "INIT, base 0x40000000");
	tap_eq(vm_op(&t, VMID_HLOS, RM_VM_START, 0x80), RM_ERROR_NORESOURCE,
	       "START: the RM's info page at 0x40000000 is in the way");
	rm_test_fini(&t);

	c.base = 0x40200000ull;
	c.nr_cpus = 2;
	tap_eq(setup_vm(&t, &c, &image), RM_OK, "INIT, base 0x40200000");
	vm_op(&t, VMID_HLOS, RM_VM_GET_HYP_RESOURCES, 0x80);
	tap_ok(get_le32(t.reply) == 2 && t.reply_len == 4 + 2 * 44 &&
	       get_le32(t.reply + 4 + 8) == 0 &&
	       get_le32(t.reply + 4 + 44 + 8) == 1,
	       "two cpu nodes: two VIRTUAL_CPU resources, labels 0 and 1");
	{
		unsigned int index = 0;

		tap_ok(gh_hyp_vcpu_cap(&t.hyp,
				       get_le32(t.reply + 4 + 44 + 12),
				       &index) == 0x80 && index == 1,
		       "the second vCPU capability is vCPU 1 of the VM");
	}
	tap_eq(vm_op(&t, VMID_HLOS, RM_VM_START, 0x80), RM_OK, "START works");
	tap_ok(t.last_boot.nr_vcpus == 2 && t.last_boot.boot_vcpus == 0x1 &&
	       t.last_boot.has_psci &&
	       t.last_boot.info_ipa == 0x40000000ull &&
	       t.last_boot.gicd_base == 0x08000000ull &&
	       t.last_boot.gicr_base == 0x080a0000ull &&
	       t.last_boot.mem_base == 0x40200000ull,
	       "boot: two vCPUs, the first powered on, PSCI, info page, the GIC at its reg");
	rm_test_fini(&t);

	c = (struct rm_test_config){ .base = 0x80000000ull,
				     .gic_no_reg = true, .no_psci = true };
	setup_vm(&t, &c, &image);
	tap_eq(vm_op(&t, VMID_HLOS, RM_VM_START, 0x80), RM_OK,
	       "START with a GIC without reg");
	tap_ok(t.last_boot.gicd_base == 0x40010000ull &&
	       t.last_boot.gicr_base == 0x40020000ull &&
	       !t.last_boot.has_psci,
	       "GICD at 0x40010000 after the info page, GICR after it; no PSCI");
	rm_test_fini(&t);

	c = (struct rm_test_config){ .base = 0x80000000ull, .no_gic = true };
	tap_eq(setup_vm(&t, &c, &image), RM_OK, "INIT without a GIC node");
	tap_eq(vm_op(&t, VMID_HLOS, RM_VM_START, 0x80), RM_ERROR_NORESOURCE,
	       "START: invalid or missing VGIC node is NORESOURCE");
	tap_eq(rm_engine_vm_state(t.rm, 0x80), RM_VM_STATE_INIT_FAILED,
	       "and the VM is INIT_FAILED");
	rm_test_fini(&t);

	c = (struct rm_test_config){ .base = 0x80000000ull, .no_chosen = true };
	setup_vm(&t, &c, &image);
	tap_eq(vm_op(&t, VMID_HLOS, RM_VM_START, 0x80), RM_ERROR_NORESOURCE,
	       "START without /chosen is NORESOURCE");
	rm_test_fini(&t);

	c = (struct rm_test_config){ .base = 0x80000000ull,
				     .config_last = true };
	tap_eq(setup_vm(&t, &c, &image), RM_OK,
	       "INIT with /gunyah-vm-config after /cpus");
	tap_eq(vm_op(&t, VMID_HLOS, RM_VM_START, 0x80), RM_ERROR_NORESOURCE,
	       "START fails: the base fell back to 0x28800000");
	rm_test_fini(&t);

	c = (struct rm_test_config){ .base = 0x80000000ull, .no_cpus = true };
	tap_eq(setup_vm(&t, &c, &image), RM_ERROR_MEM_INVALID,
	       "INIT without /cpus is MEM_INVALID");
	rm_test_fini(&t);

	c = (struct rm_test_config){ .base = 0x1000000000ull };
	tap_eq(setup_vm(&t, &c, &image), RM_ERROR_ARGUMENT_INVALID,
	       "INIT with base 64 GiB is ARGUMENT_INVALID");
	rm_test_fini(&t);
}

/* Which parcels START (and a READY VM) accepts, and where. */
static void test_config_parcels(void)
{
	struct rm_test_config c = { .base = 0x80000000ull, .nr_shm = 1,
				    .shm = { { 5, 0x90000000ull } } };
	uint32_t image, priv, shm, other, shared_priv, late, err;
	const struct rm_guest_region *r = NULL;
	uint8_t req[RM_NOTIFY_REQ_LEN + 12] = { 0 };
	struct rm_test t;
	unsigned int i;

	setup_vm(&t, &c, &image);
	priv = labelled_parcel(&t, RM_MEM_LEND, 0x80, 0, RM_RIGHTS_RWX, 16, 4);
	shm = labelled_parcel(&t, RM_MEM_SHARE, 0x80, 5, RM_RIGHTS_RW, 20, 2);
	other = labelled_parcel(&t, RM_MEM_LEND, 0x80, 9, RM_RIGHTS_RWX,
				22, 2);
	shared_priv = labelled_parcel(&t, RM_MEM_SHARE, 0x80, 0,
				      RM_RIGHTS_RWX, 24, 2);
	tap_eq(vm_op(&t, VMID_HLOS, RM_VM_START, 0x80), RM_OK,
	       "START with private, shm, unwanted parcels");
	tap_eq(t.last_boot.nr_regions, 3, "three regions");
	for (i = 0; i < t.last_boot.nr_regions; i++)
		if (t.last_regions[i].guest_ipa == 0x80010000ull)
			r = &t.last_regions[i];
	tap_ok(r && r->size == 4 * 4096 && r->rights == RM_RIGHTS_RWX &&
	       r->primary_ipa == TEST_RAM_BASE + 16 * 4096,
	       "the private parcel right after the image");
	for (i = 0, r = NULL; i < t.last_boot.nr_regions; i++)
		if (t.last_regions[i].guest_ipa == 0x90000000ull)
			r = &t.last_regions[i];
	tap_ok(r && r->size == 2 * 4096 && r->rights == RM_RIGHTS_RW,
	       "the shared shm parcel at its fixed base, with its rights");
	tap_eq(handle_op(&t, VMID_HLOS, RM_MEM_RECLAIM, priv, 0),
	       RM_ERROR_MEM_INUSE, "the private parcel is in use");
	tap_eq(handle_op(&t, VMID_HLOS, RM_MEM_RECLAIM, other, 0), RM_OK,
	       "a parcel with a label no vdevice names was not accepted");
	tap_eq(handle_op(&t, VMID_HLOS, RM_MEM_RECLAIM, shared_priv, 0),
	       RM_OK, "nor an unlabelled SHARE (not private)");
	(void)shm;
	rm_test_fini(&t);

	/* A READY VM: NOTIFY(SHARED) accepts label-matched parcels only. */
	setup_vm(&t, &c, &image);
	late = labelled_parcel(&t, RM_MEM_LEND, 0x80, 5, RM_RIGHTS_RW, 20, 2);
	put_le32(req, late);
	req[4] = RM_NOTIFY_FLAG_SHARED;
	put_le16(req + RM_NOTIFY_REQ_LEN, 1);
	put_le16(req + RM_NOTIFY_REQ_LEN + 4, 0x80);
	t.nr_notifs = 0;
	err = rm_call(&t, VMID_HLOS, RM_MEM_NOTIFY, req, sizeof(req) - 4);
	rm_collect(&t, VMID_HLOS);
	tap_ok(err == RM_OK && last_notif(&t, RM_NOTIF_MEM_ACCEPTED),
	       "NOTIFY(SHARED) of an shm-labelled parcel to a READY VM: accepted");
	other = labelled_parcel(&t, RM_MEM_LEND, 0x80, 9, RM_RIGHTS_RW, 22, 2);
	put_le32(req, other);
	tap_eq(rm_call(&t, VMID_HLOS, RM_MEM_NOTIFY, req, sizeof(req) - 4),
	       RM_ERROR_MEM_RELEASED,
	       "one no vdevice names is not: MEM_RELEASED");
	/* memparcel.c:2065-2068: only READY targets set the answer */
	shared_priv = labelled_parcel(&t, RM_MEM_SHARE, 0x80, 9, RM_RIGHTS_RW,
				      30, 1);
	put_le32(req, shared_priv);
	put_le16(req + RM_NOTIFY_REQ_LEN, 2);
	put_le16(req + RM_NOTIFY_REQ_LEN + 8, VMID_HLOS);
	tap_eq(rm_call(&t, VMID_HLOS, RM_MEM_NOTIFY, req, sizeof(req)),
	       RM_ERROR_MEM_RELEASED,
	       "the READY VM's answer stands when a VM listed later is not READY");
	tap_eq(vm_op(&t, VMID_HLOS, RM_VM_START, 0x80), RM_OK, "START");
	for (i = 0, r = NULL; i < t.last_boot.nr_regions; i++)
		if (t.last_regions[i].guest_ipa == 0x90000000ull)
			r = &t.last_regions[i];
	tap_ok(r && r->primary_ipa == TEST_RAM_BASE + 20 * 4096,
	       "the parcel accepted while READY is at its base");
	rm_test_fini(&t);
}

/* A doorbell vdevice's configuration: label, interrupt <0 @spi 4>. */
static struct rm_test_doorbell db_spi(uint32_t label, uint32_t spi)
{
	return (struct rm_test_doorbell){ .label = label, .nr_irq_cells = 3,
					  .irq = { 0, spi, 4 } };
}

/* The @n-th GET_HYP_RESOURCES entry in t->reply */
static const uint8_t *res_entry(const struct rm_test *t, unsigned int n)
{
	return t->reply + 4 + n * RM_RES_ENTRY_LEN;
}

/* Doorbell vdevices: what INIT makes of them, and hands the owner. */
static void test_doorbells(void)
{
	struct rm_test_config c = { .base = 0x80000000ull, .nr_cpus = 2,
				    .nr_doorbells = 2 };
	const struct gh_vdoorbell *db;
	uint32_t image, cap0, cap1;
	const uint8_t *e;
	struct rm_test t;
	uint16_t vmid;

	c.db[0] = db_spi(7, 5);
	c.db[0].source_can_clear = true;
	c.db[1] = (struct rm_test_doorbell){ .label = 9 };
	tap_eq(setup_vm(&t, &c, &image), RM_OK, "INIT with two doorbells");
	tap_eq(vm_op(&t, VMID_HLOS, RM_VM_GET_HYP_RESOURCES, 0x80), RM_OK,
	       "GET_HYP_RESOURCES");
	tap_ok(get_le32(t.reply) == 4 && t.reply_len == 4 + 4 * 44 &&
	       res_entry(&t, 0)[0] == RM_RES_VIRTUAL_CPU &&
	       res_entry(&t, 1)[0] == RM_RES_VIRTUAL_CPU,
	       "two VIRTUAL_CPU entries, then two more");
	e = res_entry(&t, 2);
	cap0 = get_le32(e + 12);
	tap_ok(e[0] == RM_RES_DOORBELL_SRC && get_le16(e + 2) == 0x80 &&
	       get_le32(e + 4) == 0 && get_le32(e + 8) == 7 &&
	       get_le32(e + 16) == 0 && get_le32(e + 24) == 0,
	       "DOORBELL_SRC, partner 0x80, handle 0, label 7, vIRQ 0");
	e = res_entry(&t, 3);
	cap1 = get_le32(e + 12);
	tap_ok(e[0] == RM_RES_DOORBELL_SRC && get_le32(e + 8) == 9 &&
	       cap0 >= 0x100 && cap1 >= 0x100 && cap0 != cap1 &&
	       cap0 != get_le32(res_entry(&t, 0) + 12) &&
	       cap0 != get_le32(res_entry(&t, 1) + 12),
	       "the second, label 9; capabilities of their own");
	db = gh_hyp_doorbell_cap(&t.hyp, cap0, &vmid);
	tap_ok(db && vmid == 0x80 && db->virq == 37 && db->label == 7 &&
	       db->owner_can_receive && db->state.enable_mask == ~0ull,
	       "the first: VM 0x80, INTID 37, receive right, a new doorbell");
	db = gh_hyp_doorbell_cap(&t.hyp, cap1, &vmid);
	tap_ok(db && db->virq == 960 && !db->owner_can_receive,
	       "the second: the RM's vIRQ 960, send right only");
	tap_ok(gh_hyp_doorbell_virq(&t.hyp, 0x80, 960) == db &&
	       !gh_hyp_doorbell_virq(&t.hyp, 0x80, 961) &&
	       !gh_hyp_doorbell_cap(&t.hyp, 0x999, &vmid) &&
	       !gh_hyp_doorbell_cap(&t.hyp, get_le32(res_entry(&t, 0) + 12),
				       &vmid),
	       "found by vIRQ; a vCPU cap or an unknown one is no doorbell");
	tap_eq(gh_hyp_vcpu_cap(&t.hyp, cap0, NULL), 0,
	       "and a doorbell cap is no vCPU");
	vm_op(&t, 0x80, RM_VM_GET_HYP_RESOURCES, 0x80);
	tap_eq(get_le32(t.reply), 0, "a non-owner gets no doorbell");
	tap_eq(vm_op(&t, VMID_HLOS, RM_VM_START, 0x80), RM_OK, "START");
	tap_ok(t.last_boot.nr_doorbells == 2 && t.last_boot.doorbells &&
	       t.last_boot.doorbells[0].virq == 37 &&
	       t.last_boot.doorbells[1].virq == 960,
	       "START hands the doorbells to the runtime");
	vm_op(&t, VMID_HLOS, RM_VM_STOP, 0x80);
	reset_vm(&t, 0x80);
	tap_ok(!gh_hyp_doorbell_cap(&t.hyp, cap0, &vmid) &&
	       !gh_hyp_doorbell_virq(&t.hyp, 0x80, 37),
	       "RESET destroys the doorbells");
	rm_test_fini(&t);

	c = (struct rm_test_config){ .base = 0x80000000ull, .nr_doorbells = 2 };
	c.db[0] = db_spi(1, 5);
	c.db[1] = db_spi(1, 6);
	setup_vm(&t, &c, &image);
	vm_op(&t, VMID_HLOS, RM_VM_GET_HYP_RESOURCES, 0x80);
	tap_ok(get_le32(t.reply) == 3 && get_le32(res_entry(&t, 1) + 8) == 1 &&
	       get_le32(res_entry(&t, 2) + 8) == 1,
	       "two doorbells may share a label");
	rm_test_fini(&t);

	c.db[1] = db_spi(2, 5);
	tap_eq(setup_vm(&t, &c, &image), RM_ERROR_NORESOURCE,
	       "two doorbells on one SPI: INIT is NORESOURCE");
	tap_eq(rm_engine_vm_state(t.rm, 0x80), RM_VM_STATE_INIT_FAILED,
	       "and the VM INIT_FAILED");
	rm_test_fini(&t);

	c.nr_doorbells = 1;
	c.db[0] = (struct rm_test_doorbell){ .nr_irq_cells = 3,
					     .irq = { 1, 11, 4 } };
	tap_eq(setup_vm(&t, &c, &image), RM_ERROR_NORESOURCE,
	       "a doorbell on a PPI (the vGIC's own timer's) is NORESOURCE");
	rm_test_fini(&t);

	c.db[0].irq[0] = 0;
	c.db[0].irq[1] = 0xfffffff0u;
	tap_eq(setup_vm(&t, &c, &image), RM_ERROR_NORESOURCE,
	       "an SPI number that wraps below 32 is NORESOURCE");
	rm_test_fini(&t);

	c.nr_doorbells = 2;
	c.db[0] = (struct rm_test_doorbell){ .label = 1 };
	c.db[1] = db_spi(2, 928);
	tap_eq(setup_vm(&t, &c, &image), RM_ERROR_NORESOURCE,
	       "an SPI the RM gave an earlier doorbell (960) is NORESOURCE");
	rm_test_fini(&t);

	c.db[0] = db_spi(2, 928);
	c.db[1] = (struct rm_test_doorbell){ .label = 1 };
	tap_eq(setup_vm(&t, &c, &image), RM_OK,
	       "the other way round the RM allocates around it");
	tap_ok(gh_hyp_doorbell_virq(&t.hyp, 0x80, 961) &&
	       gh_hyp_doorbell_virq(&t.hyp, 0x80, 961)->label == 1,
	       "the lowest free vIRQ from 960: 961");
	rm_test_fini(&t);

	c.db[0] = db_spi(1, 5);
	c.db[0].peer = "another-vm";
	c.db[1] = db_spi(2, 6);
	tap_eq(setup_vm(&t, &c, &image), RM_OK,
	       "INIT with a doorbell whose peer is named");
	vm_op(&t, VMID_HLOS, RM_VM_GET_HYP_RESOURCES, 0x80);
	tap_ok(get_le32(t.reply) == 2 && get_le32(res_entry(&t, 1) + 8) == 2,
	       "the owner gets no capability for it");
	rm_test_fini(&t);
	c.db[1] = db_spi(2, 5);
	tap_eq(setup_vm(&t, &c, &image), RM_ERROR_NORESOURCE,
	       "but its vIRQ is taken all the same");
	rm_test_fini(&t);
}

/* The linear mapping handle_interrupt_controller() asks of the vGIC */
static void test_mpidr(void)
{
	tap_eq(rm_hyp_vcpu_mpidr(0), 0x80000000ull, "vCPU 0: MPIDR 0x80000000");
	tap_eq(rm_hyp_vcpu_mpidr(7), 0x80000007ull, "vCPU 7: Aff0 7");
	tap_eq(rm_hyp_vcpu_mpidr(0x1ff), 0x800001ffull,
	       "vCPU 0x1ff: Aff1 1, Aff0 0xff");
	tap_eq(rm_hyp_vcpu_mpidr(0x8000), 0x80000000ull,
	       "index bits above Aff1's 7 are masked away");
}

int main(void)
{
	test_allocate();
	test_lifecycle();
	test_guest_exit();
	test_deferred_order();
	test_image_rules();
	test_config_start();
	test_config_parcels();
	test_doorbells();
	test_mpidr();
	return tap_done();
}
