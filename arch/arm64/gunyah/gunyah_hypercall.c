// SPDX-License-Identifier: GPL-2.0-only
/*
 * Gunyah hypercalls for arm64.
 *
 * Every call uses the SMCCC 1.1 form: function ID in x0, arguments in x1..,
 * results in x0 (error code) and x1... The hypervisor routes vendor-hyp
 * function IDs of call class "hypercall" (bits 15:14 = 0b10) to the same
 * table as "hvc #(0x6000 + n)" (quic/gunyah-hypervisor,
 * hyp/vm/smccc/src/smccc_hypercalls.c and hyp/interfaces/smccc/smccc.tc).
 * The argument order of each call is the order of the "input" lines of its
 * *.hvc definition, the result order that of its "output" lines
 * (hyp/vm/smccc/aarch64/templates/hyp_wrapper.c.tmpl places inputs from x1
 * and outputs from x0).
 */

#include <linux/arm-smccc.h>
#include <linux/export.h>
#include <linux/gunyah.h>
#include <linux/wordpart.h>

/* 0xC6008000 | n: fast call, SMC64 convention, vendor-hyp owner, class 0b10 */
#define GUNYAH_HYPERCALL(fn)						\
	ARM_SMCCC_CALL_VAL(ARM_SMCCC_FAST_CALL, ARM_SMCCC_SMC_64,	\
			   ARM_SMCCC_OWNER_VENDOR_HYP, 0x8000 | (fn))

/* Call numbers from the call_num lines of the *.hvc files. */
#define GUNYAH_HYPERCALL_HYP_IDENTIFY		GUNYAH_HYPERCALL(0x00)
#define GUNYAH_HYPERCALL_BELL_SEND		GUNYAH_HYPERCALL(0x12)
#define GUNYAH_HYPERCALL_BELL_RESET		GUNYAH_HYPERCALL(0x14)
#define GUNYAH_HYPERCALL_MSGQ_SEND		GUNYAH_HYPERCALL(0x1B)
#define GUNYAH_HYPERCALL_MSGQ_RECV		GUNYAH_HYPERCALL(0x1C)
#define GUNYAH_HYPERCALL_VCPU_RUN		GUNYAH_HYPERCALL(0x65)

/*
 * Gunyah SMCCC UUID c1d58fcd-a453-5fdb-9265-ce36673d5f14 as the hypervisor
 * returns it from CALL_UID: one little-endian word per register
 * (SMCCC_GUNYAH_UID0..3 in hyp/interfaces/smccc/smccc.tc).
 */
static const u32 gunyah_uid_words[4] = {
	0xcd8fd5c1, 0xdb5f53a4, 0x36ce6592, 0x145f3d67,
};

/*
 * error_t is a signed 32-bit enumeration that the hypervisor sign-extends
 * into x0. Anything else in x0 is not an answer we understand: report a
 * failure rather than let stray upper bits read as success.
 */
static enum gunyah_error gunyah_result(unsigned long x0)
{
	if ((long)x0 != (long)(s32)x0)
		return GUNYAH_ERROR_FAILURE;

	return (s32)x0;
}

/**
 * arch_is_gunyah_guest() - ask the vendor-hyp CALL_UID service who we run on
 *
 * Uses the SMCCC conduit the firmware advertised (none if SMCCC < 1.1), so it
 * is safe on machines without any hypervisor: the call then reports
 * SMCCC_RET_NOT_SUPPORTED or another hypervisor's UID.
 *
 * Return: true if the caller runs under Gunyah.
 */
bool arch_is_gunyah_guest(void)
{
	struct arm_smccc_res res;

	arm_smccc_1_1_invoke(ARM_SMCCC_VENDOR_HYP_CALL_UID_FUNC_ID, &res);

	return lower_32_bits(res.a0) == gunyah_uid_words[0] &&
	       lower_32_bits(res.a1) == gunyah_uid_words[1] &&
	       lower_32_bits(res.a2) == gunyah_uid_words[2] &&
	       lower_32_bits(res.a3) == gunyah_uid_words[3];
}
EXPORT_SYMBOL_GPL(arch_is_gunyah_guest);

/**
 * gunyah_hypercall_hyp_identify() - hypervisor_identify (0x00)
 * @hyp_identity: receives hyp_api_info (x0) and api_flags_0..2 (x1..x3)
 *
 * The call has no error output (hyp/core/api/aarch64/hypercalls.hvc).
 */
void gunyah_hypercall_hyp_identify(struct gunyah_hypercall_hyp_identify_resp
				   *hyp_identity)
{
	struct arm_smccc_res res;

	arm_smccc_1_1_hvc(GUNYAH_HYPERCALL_HYP_IDENTIFY, &res);

	hyp_identity->api_info = res.a0;
	hyp_identity->flags[0] = res.a1;
	hyp_identity->flags[1] = res.a2;
	hyp_identity->flags[2] = res.a3;
}
EXPORT_SYMBOL_GPL(gunyah_hypercall_hyp_identify);

/**
 * gunyah_hypercall_msgq_send() - msgqueue_send (0x1B)
 * @capid: TX message queue capability
 * @size: message length in bytes
 * @buff: the message; a virtual address the hypervisor translates through
 *        the caller's stage 1 tables
 * @tx_flags: GUNYAH_HYPERCALL_MSGQ_TX_FLAGS_*
 * @ready: receives not_full (x1): true if another message fits
 *
 * Return: Gunyah error code; GUNYAH_ERROR_MSGQUEUE_FULL if the queue is full.
 */
enum gunyah_error gunyah_hypercall_msgq_send(u64 capid, size_t size,
					     const void *buff, u64 tx_flags,
					     bool *ready)
{
	enum gunyah_error gunyah_error;
	struct arm_smccc_res res;

	arm_smccc_1_1_hvc(GUNYAH_HYPERCALL_MSGQ_SEND, capid, size,
			  (uintptr_t)buff, tx_flags, 0, &res);

	gunyah_error = gunyah_result(res.a0);
	if (gunyah_error == GUNYAH_ERROR_OK)
		*ready = !!res.a1;

	return gunyah_error;
}
EXPORT_SYMBOL_GPL(gunyah_hypercall_msgq_send);

/**
 * gunyah_hypercall_msgq_recv() - msgqueue_receive (0x1C)
 * @capid: RX message queue capability
 * @buff: where to store the message (virtual address, as for send)
 * @size: size of @buff
 * @recv_size: receives the message length (x1)
 * @ready: receives not_empty (x2): true if more messages are queued
 *
 * Return: Gunyah error code; GUNYAH_ERROR_MSGQUEUE_EMPTY if nothing queued.
 */
enum gunyah_error gunyah_hypercall_msgq_recv(u64 capid, void *buff,
					     size_t size, size_t *recv_size,
					     bool *ready)
{
	enum gunyah_error gunyah_error;
	struct arm_smccc_res res;

	arm_smccc_1_1_hvc(GUNYAH_HYPERCALL_MSGQ_RECV, capid, (uintptr_t)buff,
			  size, 0, &res);

	gunyah_error = gunyah_result(res.a0);
	if (gunyah_error == GUNYAH_ERROR_OK) {
		*recv_size = res.a1;
		*ready = !!res.a2;
	}

	return gunyah_error;
}
EXPORT_SYMBOL_GPL(gunyah_hypercall_msgq_recv);

/**
 * gunyah_hypercall_vcpu_run() - vcpu_run (0x65)
 * @capid: vCPU capability (proxy-scheduled)
 * @resume_data: three resume words for the state the vCPU last exited with
 * @resp: receives vcpu_state (x1) and state_data_0..2 (x2..x4)
 *
 * Five result registers are used, more than SMCCC 1.1 returns, hence the
 * SMCCC 1.2 register block.
 *
 * Return: Gunyah error code.
 */
enum gunyah_error
gunyah_hypercall_vcpu_run(u64 capid, const u64 *resume_data,
			  struct gunyah_hypercall_vcpu_run_resp *resp)
{
	struct arm_smccc_1_2_regs args = {
		.a0 = GUNYAH_HYPERCALL_VCPU_RUN,
		.a1 = capid,
		.a2 = resume_data[0],
		.a3 = resume_data[1],
		.a4 = resume_data[2],
	};
	enum gunyah_error gunyah_error;
	struct arm_smccc_1_2_regs res;

	arm_smccc_1_2_hvc(&args, &res);

	gunyah_error = gunyah_result(res.a0);
	if (gunyah_error == GUNYAH_ERROR_OK) {
		resp->state = res.a1;
		resp->state_data[0] = res.a2;
		resp->state_data[1] = res.a3;
		resp->state_data[2] = res.a4;
	}

	return gunyah_error;
}
EXPORT_SYMBOL_GPL(gunyah_hypercall_vcpu_run);

/**
 * gunyah_hypercall_bell_send() - doorbell_send (0x12)
 * @capid: doorbell source capability
 * @new_flags: flags to set; the doorbell's vIRQ is asserted, level
 *             triggered, while any set flag is enabled (doorbell.c)
 * @old_flags: receives the flags before the call
 *
 * Return: Gunyah error code.
 */
enum gunyah_error gunyah_hypercall_bell_send(u64 capid, u64 new_flags,
					     u64 *old_flags)
{
	struct arm_smccc_res res;

	arm_smccc_1_1_hvc(GUNYAH_HYPERCALL_BELL_SEND, capid, new_flags, 0,
			  &res);
	if (old_flags)
		*old_flags = res.a1;

	return gunyah_result(res.a0);
}
EXPORT_SYMBOL_GPL(gunyah_hypercall_bell_send);

/**
 * gunyah_hypercall_bell_reset() - doorbell_reset (0x14)
 * @capid: doorbell capability with the receive right (a source created
 *         with "source-can-clear")
 *
 * Clears every flag and de-asserts the doorbell's vIRQ.
 *
 * Return: Gunyah error code.
 */
enum gunyah_error gunyah_hypercall_bell_reset(u64 capid)
{
	struct arm_smccc_res res;

	arm_smccc_1_1_hvc(GUNYAH_HYPERCALL_BELL_RESET, capid, 0, &res);

	return gunyah_result(res.a0);
}
EXPORT_SYMBOL_GPL(gunyah_hypercall_bell_reset);
