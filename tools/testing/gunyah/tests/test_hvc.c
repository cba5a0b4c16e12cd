// SPDX-License-Identifier: GPL-2.0
/*
 * Gunyah hypercalls and the RM message queues, with a fake guest whose
 * virtual addresses [VA_BASE, VA_BASE + sizeof(guest)) are valid.
 */
#include <stdbool.h>
#include <string.h>

#include "gunyah_hvc.h"
#include "rm_client.h"
#include "tap.h"

#define VA_BASE	0x10000ull

static uint8_t guest[65536];
static unsigned int irqs[2];

static uint64_t copy_from(void *ctx, void *vcpu, void *dst, uint64_t va,
			  size_t len)
{
	if (va < VA_BASE || va - VA_BASE + len > sizeof(guest))
		return GH_ERROR_ARGUMENT_INVALID;
	memcpy(dst, guest + (va - VA_BASE), len);
	return GH_OK;
}

static uint64_t copy_to(void *ctx, void *vcpu, uint64_t va, const void *src,
			size_t len)
{
	if (va < VA_BASE || va - VA_BASE + len > sizeof(guest))
		return GH_ERROR_ARGUMENT_INVALID;
	memcpy(guest + (va - VA_BASE), src, len);
	return GH_OK;
}

static void raise_irq(void *ctx, enum gh_irq irq)
{
	irqs[irq]++;
}

static struct rm_test t;

static void call(uint64_t *regs, uint64_t fn, uint64_t a1, uint64_t a2,
		 uint64_t a3, uint64_t a4)
{
	memset(regs, 0, 8 * sizeof(*regs));
	regs[0] = fn;
	regs[1] = a1;
	regs[2] = a2;
	regs[3] = a3;
	regs[4] = a4;
	gh_hyp_call(&t.hyp, NULL, regs);
}

static unsigned int runs, last_index;
static uint64_t last_resume0;

/* A vCPU that makes one vmmio_write, then powers itself off. */
static uint64_t fake_vcpu_run(void *ctx, void *vcpu, uint16_t vmid,
			      unsigned int index, const uint64_t resume[3],
			      uint64_t out[4], uint32_t *exit_type)
{
	last_resume0 = resume[0];
	last_index = index;
	if (runs++ == 0) {
		out[0] = GH_VCPU_STATE_VMMIO_WRITE;
		out[1] = 0x1000;
		out[2] = 4;
		out[3] = 0xab;
	} else {
		out[0] = GH_VCPU_STATE_POWERED_OFF;
		out[1] = GH_VCPU_POWEROFF_EXITED;
		*exit_type = RM_HYP_EXIT_SYSTEM_OFF;
	}
	return GH_OK;
}

/*
 * ALLOCATE the next dynamic VMID (@vmid), LEND it pages @page and
 * @page + 1 with @config in the second, CONFIG_IMAGE, INIT; leaves
 * GET_HYP_RESOURCES' answer in t.reply.  Returns INIT's error.
 */
static uint32_t init_vm(uint16_t vmid, uint64_t page,
			const struct rm_test_config *config)
{
	uint8_t req[RM_CONFIG_IMAGE_REQ_LEN] = { 0 };
	uint32_t image = 0, err;

	vm_op(&t, VMID_HLOS, RM_VM_ALLOCATE, 0);
	simple_parcel(&t, RM_MEM_LEND, vmid, page, 2, &image);
	rm_test_build_config(t.ram + (page + 1) * 4096, 4096, config);
	put_le16(req, vmid);
	put_le32(req + 4, image);
	put_le64(req + 16, 4096);
	put_le64(req + 24, 4096);
	put_le64(req + 32, 4096);
	rm_call(&t, VMID_HLOS, RM_VM_CONFIG_IMAGE, req, sizeof(req));
	err = vm_op(&t, VMID_HLOS, RM_VM_INIT, vmid);
	vm_op(&t, VMID_HLOS, RM_VM_GET_HYP_RESOURCES, vmid);
	return err;
}

/* ALLOCATE, LEND, CONFIG_IMAGE, INIT, START VM 0x80; its vCPU cap. */
static uint64_t make_vm(void)
{
	struct rm_test_config config = { .base = 0x80000000ull };

	init_vm(0x80, 64, &config);
	if (t.reply_len < 48)
		return 0;
	vm_op(&t, VMID_HLOS, RM_VM_START, 0x80);
	return get_le32(t.reply + 16);
}

static void test_vcpu_run(void)
{
	uint64_t regs[8], cap;

	call(regs, GH_FN_HYPERCALL(GH_HVC_VCPU_RUN), 0x999, 0, 0, 0);
	tap_eq(regs[0], GH_ERROR_CSPACE_CAP_NULL,
	       "vcpu_run of an unknown cap is CSPACE_CAP_NULL");
	call(regs, GH_FN_HYPERCALL(GH_HVC_VCPU_RUN), GH_RM_TX_CAPID, 0, 0, 0);
	tap_eq(regs[0], GH_ERROR_CSPACE_WRONG_OBJECT_TYPE,
	       "vcpu_run of a queue cap is CSPACE_WRONG_OBJECT_TYPE");
	cap = make_vm();
	tap_ok(cap >= 0x100, "a started VM has a vCPU cap");
	tap_eq(rm_engine_vm_state(t.rm, 0x80), RM_VM_STATE_RUNNING,
	       "and is RUNNING");
	memset(regs, 0, sizeof(regs));
	regs[0] = GH_FN_HYPERCALL(GH_HVC_VCPU_RUN);
	regs[1] = cap;
	regs[5] = 1;
	gh_hyp_call(&t.hyp, NULL, regs);
	tap_eq(regs[0], GH_ERROR_ARGUMENT_INVALID,
	       "vcpu_run with reserved x5 set is ARGUMENT_INVALID");
	tap_eq(runs, 0, "and does not run the vCPU");
	call(regs, GH_FN_HYPERCALL(GH_HVC_VCPU_RUN), cap, 0x55, 0, 0);
	tap_ok(regs[0] == GH_OK && regs[1] == GH_VCPU_STATE_VMMIO_WRITE &&
	       regs[2] == 0x1000 && regs[3] == 4 && regs[4] == 0xab,
	       "vcpu_run returns state and data in x1..x4");
	tap_ok(last_resume0 == 0x55 && last_index == 0,
	       "resume_data_0 reaches the vCPU, vCPU 0 of the VM");
	call(regs, GH_FN_HYPERCALL(GH_HVC_VCPU_RUN), cap, 0, 0, 0);
	tap_ok(regs[0] == GH_OK && regs[1] == GH_VCPU_STATE_POWERED_OFF &&
	       regs[2] == GH_VCPU_POWEROFF_EXITED,
	       "a guest power-off is powered_off, exited");
	tap_eq(rm_engine_vm_state(t.rm, 0x80), RM_VM_STATE_RUNNING,
	       "the RM hears of it later");
}

/* What the doorbell calls asked of the vIRQs */
static struct {
	uint16_t vmid;
	uint32_t virq;
	enum gh_virq_action action;
} virq_log[16];
static unsigned int nr_virq_log;

static void fake_doorbell_virq(void *ctx, uint16_t vmid, uint32_t virq,
			       enum gh_virq_action action)
{
	if (nr_virq_log < ARRAY_SIZE(virq_log))
		virq_log[nr_virq_log++] = (typeof(virq_log[0])){ vmid, virq,
								 action };
}

/* The one vIRQ action since the last call, or -1 if not exactly one. */
static int virq_action(uint32_t virq)
{
	int ret = nr_virq_log == 1 && virq_log[0].vmid == 0x81 &&
		  virq_log[0].virq == virq ? (int)virq_log[0].action : -1;

	nr_virq_log = 0;
	return ret;
}

/*
 * The doorbell calls on the owner's capabilities, SMCCC form: a doorbell
 * with source-can-clear on SPI 5 and one without on SPI 6, of VM 0x81.
 */
static void test_doorbell_calls(void)
{
	struct rm_test_config config = { .base = 0x80000000ull, .nr_cpus = 2,
					 .nr_doorbells = 2 };
	uint64_t regs[8], db0, db1, vcpu;

	config.db[0] = (struct rm_test_doorbell){ .label = 7,
		.source_can_clear = true, .nr_irq_cells = 3,
		.irq = { 0, 5, 4 } };
	config.db[1] = (struct rm_test_doorbell){ .label = 9,
		.nr_irq_cells = 3, .irq = { 0, 6, 1 } };
	tap_eq(init_vm(0x81, 80, &config), RM_OK,
	       "a VM with two vCPUs and two doorbells");
	vcpu = get_le32(t.reply + 4 + 44 + 12);
	db0 = get_le32(t.reply + 4 + 88 + 12);
	db1 = get_le32(t.reply + 4 + 132 + 12);
	nr_virq_log = 0;
	call(regs, GH_FN_HYPERCALL(GH_HVC_VCPU_RUN), vcpu, 0, 0, 0);
	tap_eq(last_index, 1, "vcpu_run on the second vCPU cap runs vCPU 1");

	call(regs, GH_FN_HYPERCALL(GH_HVC_DOORBELL_SEND), db0, 0x1, 0, 0);
	tap_ok(regs[0] == GH_OK && regs[1] == 0,
	       "doorbell_send (0xc6008012): OK, old flags 0 in x1");
	tap_eq(virq_action(37), GH_VIRQ_ASSERT_LEVEL,
	       "and asserts the VM's INTID 37 level-triggered");
	call(regs, GH_FN_HYPERCALL(GH_HVC_DOORBELL_SEND), db0, 0x2, 0, 0);
	tap_eq(regs[1], 0x1, "a second send returns the flags of the first");
	nr_virq_log = 0;
	call(regs, GH_FN_HYPERCALL(GH_HVC_DOORBELL_RECEIVE), db0, 0x1, 0, 0);
	tap_ok(regs[0] == GH_OK && regs[1] == 0x3 && nr_virq_log == 0,
	       "doorbell_receive: old flags, the vIRQ left alone");
	call(regs, GH_FN_HYPERCALL(GH_HVC_DOORBELL_RECEIVE), db0, 0, 0, 0);
	tap_eq(regs[0], GH_ERROR_ARGUMENT_INVALID,
	       "doorbell_receive of no flags is ARGUMENT_INVALID");
	call(regs, GH_FN_HYPERCALL(GH_HVC_DOORBELL_MASK), db0, 0x1, 0, 0);
	tap_ok(regs[0] == GH_OK && virq_action(37) == GH_VIRQ_CLEAR,
	       "doorbell_mask disabling the set flag deasserts");
	call(regs, GH_FN_HYPERCALL(GH_HVC_DOORBELL_MASK), db0, ~0ull, ~0ull,
	     0);
	tap_eq(virq_action(37), GH_VIRQ_ASSERT_LEVEL,
	       "doorbell_mask enabling it asserts again");
	call(regs, GH_FN_HYPERCALL(GH_HVC_DOORBELL_SEND), db0, 0, 0, 0);
	tap_eq(regs[1], 0, "and acked it: a send finds no flags");
	nr_virq_log = 0;
	call(regs, GH_FN_HYPERCALL(GH_HVC_DOORBELL_RESET), db0, 0, 0, 0);
	tap_ok(regs[0] == GH_OK && virq_action(37) == GH_VIRQ_CLEAR,
	       "doorbell_reset deasserts");

	call(regs, GH_FN_HYPERCALL(GH_HVC_DOORBELL_SEND), db1, 0x4, 0, 0);
	tap_ok(regs[0] == GH_OK && virq_action(38) == GH_VIRQ_ASSERT_LEVEL,
	       "without source-can-clear the owner can send");
	call(regs, GH_FN_HYPERCALL(GH_HVC_DOORBELL_RECEIVE), db1, 0x4, 0, 0);
	tap_ok(regs[0] == GH_ERROR_CSPACE_INSUFFICIENT_RIGHTS &&
	       regs[1] == 0,
	       "but not receive: INSUFFICIENT_RIGHTS, old flags 0");
	call(regs, GH_FN_HYPERCALL(GH_HVC_DOORBELL_RESET), db1, 0, 0, 0);
	tap_eq(regs[0], GH_ERROR_CSPACE_INSUFFICIENT_RIGHTS,
	       "nor reset");
	call(regs, GH_FN_HYPERCALL(GH_HVC_DOORBELL_MASK), db1, 0, 0, 0);
	tap_ok(regs[0] == GH_ERROR_CSPACE_INSUFFICIENT_RIGHTS &&
	       nr_virq_log == 0, "nor mask");

	call(regs, GH_FN_HYPERCALL(GH_HVC_DOORBELL_SEND), 0x999, 1, 0, 0);
	tap_eq(regs[0], GH_ERROR_CSPACE_CAP_NULL,
	       "doorbell_send on an unknown cap is CAP_NULL");
	call(regs, GH_FN_HYPERCALL(GH_HVC_DOORBELL_SEND), GH_RM_TX_CAPID, 1,
	     0, 0);
	tap_eq(regs[0], GH_ERROR_CSPACE_WRONG_OBJECT_TYPE,
	       "on a queue cap is WRONG_OBJECT_TYPE");
	call(regs, GH_FN_HYPERCALL(GH_HVC_DOORBELL_MASK), vcpu, 1, 0, 0);
	tap_eq(regs[0], GH_ERROR_CSPACE_WRONG_OBJECT_TYPE,
	       "doorbell_mask on a vCPU cap is WRONG_OBJECT_TYPE");
	call(regs, GH_FN_HYPERCALL(GH_HVC_VCPU_RUN), db0, 0, 0, 0);
	tap_eq(regs[0], GH_ERROR_CSPACE_WRONG_OBJECT_TYPE,
	       "vcpu_run on a doorbell cap is WRONG_OBJECT_TYPE");
	tap_ok(counter_get(&t.counters, "doorbell_sends") == 4 &&
	       counter_get(&t.counters, "hvc_8012") == 6 &&
	       counter_get(&t.counters, "doorbell_receives") == 1,
	       "doorbell_sends counts the sends that worked");

	tap_eq(vm_op(&t, VMID_HLOS, RM_VM_RESET, 0x81), RM_OK,
	       "RESET the VM");
	call(regs, GH_FN_HYPERCALL(GH_HVC_DOORBELL_SEND), db0, 1, 0, 0);
	tap_eq(regs[0], GH_ERROR_CSPACE_CAP_NULL,
	       "its doorbell caps are gone");
}

/* Put a GET_VMID request at guest VA_BASE and send it. */
static uint64_t send_get_vmid(uint64_t *regs, uint16_t seq)
{
	rm_put_header(guest, RM_TYPE_REQUEST, 0, seq, RM_VM_GET_VMID);
	call(regs, GH_FN_HYPERCALL(GH_HVC_MSGQ_SEND), GH_RM_TX_CAPID, 8,
	     VA_BASE, 0);
	return regs[0];
}

static uint64_t recv(uint64_t *regs, uint64_t size)
{
	call(regs, GH_FN_HYPERCALL(GH_HVC_MSGQ_RECV), GH_RM_RX_CAPID,
	     VA_BASE + 4096, size, 0);
	return regs[0];
}

/*
 * The RM hears of the power-off after vcpu_run has returned, as the real
 * RM does, when the emulator's timer runs its deferred work: not sooner
 * because the guest polls the RX queue.
 */
static void test_deferred_exit(void)
{
	bool status = false, exited = false;
	uint64_t regs[8];
	uint32_t id;

	tap_eq(recv(regs, 240), GH_ERROR_MSGQUEUE_EMPTY,
	       "polling the RX queue right after the power-off finds nothing");
	tap_eq(rm_engine_vm_state(t.rm, 0x80), RM_VM_STATE_RUNNING,
	       "and does not hurry the RM");
	rm_engine_run_deferred(t.rm);
	gh_hyp_pump(&t.hyp);
	tap_eq(rm_engine_vm_state(t.rm, 0x80), RM_VM_STATE_EXITED,
	       "the deferred step moves the VM to EXITED");
	while (recv(regs, 240) == GH_OK) {
		id = get_le32(guest + 4096 + 4);
		status |= id == RM_NOTIFY_VM_STATUS;
		exited |= id == RM_NOTIFY_VM_EXITED;
	}
	tap_ok(status && exited,
	       "and VM_STATUS and VM_EXITED reach the RX queue");
}

int main(void)
{
	struct gh_guest_ops ops = {
		.copy_from_va = copy_from,
		.copy_to_va = copy_to,
		.raise_irq = raise_irq,
		.vcpu_run = fake_vcpu_run,
		.doorbell_virq = fake_doorbell_virq,
	};
	unsigned int i, received = 0;
	uint64_t regs[8];

	rm_test_init(&t);
	t.hyp.ops = ops;

	call(regs, GH_FN_CALL_UID, 0, 0, 0, 0);
	tap_ok(regs[0] == GH_UID0 && regs[1] == GH_UID1 &&
	       regs[2] == GH_UID2 && regs[3] == GH_UID3,
	       "CALL_UID answers the Gunyah UUID");
	call(regs, GH_FN_REVISION, 0, 0, 0, 0);
	tap_eq(regs[0], GH_API_INFO, "REVISION answers the API info");
	call(regs, 0xc600ff03, 0, 0, 0, 0);
	tap_eq(regs[0], GH_SMCCC_UNKNOWN, "a 64-bit REVISION is unknown");
	call(regs, GH_FN_HYPERCALL(GH_HVC_IDENTIFY), 0, 0, 0, 0);
	tap_eq(regs[0] & 0x3fff, 1, "hyp_identify: API version 1");
	tap_ok(regs[0] & (1ull << 15), "hyp_identify: 64-bit");
	tap_eq(regs[0] >> 56, 0x51, "hyp_identify: Qualcomm variant");
	tap_eq(regs[1] & 0x806, 0x806,
	       "hyp_identify: doorbells, message queues, vcpu_run");
	call(regs, GH_FN_HYPERCALL(0x55), 1, 2, 3, 4);
	tap_eq(regs[0], GH_ERROR_UNIMPLEMENTED,
	       "an unknown hypercall is ERROR_UNIMPLEMENTED");
	call(regs, 0x8600801b, 0, 0, 0, 0);
	tap_eq(regs[0], GH_SMCCC_UNKNOWN, "a 32-bit hypercall is unknown");
	call(regs, 0xc5008000, 0, 0, 0, 0);
	tap_eq(regs[0], GH_SMCCC_UNKNOWN, "another owner's call is unknown");

	tap_eq((call(regs, GH_FN_HYPERCALL(GH_HVC_MSGQ_SEND), 0x99, 8,
		     VA_BASE, 0), regs[0]),
	       GH_ERROR_CSPACE_CAP_NULL, "send on an unknown capability");
	tap_eq((call(regs, GH_FN_HYPERCALL(GH_HVC_MSGQ_SEND), GH_RM_RX_CAPID,
		     8, VA_BASE, 0), regs[0]),
	       GH_ERROR_CSPACE_INSUFFICIENT_RIGHTS,
	       "send on the receive queue");
	tap_eq((call(regs, GH_FN_HYPERCALL(GH_HVC_MSGQ_SEND), GH_RM_TX_CAPID,
		     0, VA_BASE, 0), regs[0]),
	       GH_ERROR_ARGUMENT_SIZE, "send of 0 bytes");
	tap_eq((call(regs, GH_FN_HYPERCALL(GH_HVC_MSGQ_SEND), GH_RM_TX_CAPID,
		     241, VA_BASE, 0), regs[0]),
	       GH_ERROR_ARGUMENT_SIZE, "send of 241 bytes");
	tap_eq((call(regs, GH_FN_HYPERCALL(GH_HVC_MSGQ_SEND), GH_RM_TX_CAPID,
		     8, 0x10, 0), regs[0]),
	       GH_ERROR_ARGUMENT_INVALID, "send from an unmapped address");
	tap_eq(recv(regs, 240), GH_ERROR_MSGQUEUE_EMPTY, "receive when empty");

	tap_eq(send_get_vmid(regs, 1), GH_OK, "send GET_VMID");
	tap_eq(regs[1], 1, "the queue is not full");
	tap_eq(irqs[GH_IRQ_RM_RX], 1, "the reply raises the RX interrupt");
	tap_eq(recv(regs, 15), GH_ERROR_ARGUMENT_SIZE,
	       "receive into a too small buffer");
	tap_eq(recv(regs, 240), GH_OK, "receive the reply");
	tap_eq(regs[1], 16, "of header, error and VMID");
	tap_eq(regs[2], 0, "with nothing more waiting");
	tap_ok(get_le32(guest + 4096 + 4) == RM_VM_GET_VMID &&
	       get_le16(guest + 4096 + 2) == 1 &&
	       (guest[4096 + 1] & 3) == RM_TYPE_REPLY &&
	       get_le32(guest + 4096 + 8) == RM_OK &&
	       get_le32(guest + 4096 + 12) == VMID_HLOS,
	       "the reply says VMID 3");

	/* Back-pressure: never read, and the TX queue fills up. */
	irqs[GH_IRQ_RM_RX] = 0;
	for (i = 0; i < 17; i++)
		send_get_vmid(regs, (uint16_t)(10 + i));
	tap_eq(regs[0], GH_OK, "17 requests are taken");
	tap_eq(regs[1], 0, "the last one fills the TX queue");
	tap_eq(send_get_vmid(regs, 99), GH_ERROR_MSGQUEUE_FULL,
	       "the 18th finds the queue full");
	tap_eq(irqs[GH_IRQ_RM_RX], 1, "RX raised once, when it became non-empty");
	tap_eq(irqs[GH_IRQ_RM_TX], 0, "no TX interrupt yet");
	recv(regs, 240);
	tap_eq(irqs[GH_IRQ_RM_TX], 1, "reading a reply drains TX: TX interrupt");
	for (received = 1; recv(regs, 240) == GH_OK; received++)
		;
	tap_eq(received, 17, "all 17 replies arrive");
	tap_eq(irqs[GH_IRQ_RM_TX], 1, "TX raised only when leaving full");
	tap_eq(counter_get(&t.counters, "hvc_801b"), 24,
	       "msgq_send calls are counted as hvc_801b");
	tap_eq(counter_get(&t.counters, "hvc_ff01"), 1,
	       "CALL_UID is counted as hvc_ff01");
	test_vcpu_run();
	test_deferred_exit();
	test_doorbell_calls();
	rm_test_fini(&t);
	return tap_done();
}
