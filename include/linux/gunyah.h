/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Gunyah hypervisor interface for the primary VM (the host).
 *
 * Hypercall numbers, register layouts and error codes follow the open-source
 * hypervisor: quic/gunyah-hypervisor, hyp/interfaces/ and hyp/core/api
 * (the *.hvc call definitions, *.tc type definitions) and docs/api/.
 */

#ifndef _LINUX_GUNYAH_H
#define _LINUX_GUNYAH_H

#include <linux/bits.h>
#include <linux/limits.h>
#include <linux/types.h>

/*
 * Hypervisor error codes: the "error" enumeration of
 * hyp/core/base/types.tc and the "extend error enumeration" blocks of
 * hyp/interfaces (cspace, object, msgqueue, memextent...).
 */
enum gunyah_error {
	GUNYAH_ERROR_OK				= 0,
	GUNYAH_ERROR_UNIMPLEMENTED		= -1,
	GUNYAH_ERROR_RETRY			= -2,

	GUNYAH_ERROR_ARG_INVAL			= 1,
	GUNYAH_ERROR_ARG_SIZE			= 2,
	GUNYAH_ERROR_ARG_ALIGN			= 3,

	GUNYAH_ERROR_NOMEM			= 10,
	GUNYAH_ERROR_NORESOURCES		= 11,

	GUNYAH_ERROR_ADDR_OVFL			= 20,
	GUNYAH_ERROR_ADDR_UNFL			= 21,
	GUNYAH_ERROR_ADDR_INVAL			= 22,

	GUNYAH_ERROR_DENIED			= 30,
	GUNYAH_ERROR_BUSY			= 31,
	GUNYAH_ERROR_IDLE			= 32,
	GUNYAH_ERROR_OBJECT_STATE		= 33,
	GUNYAH_ERROR_OBJECT_CONFIG		= 34,
	GUNYAH_ERROR_OBJECT_CONFIGURED		= 35,
	GUNYAH_ERROR_FAILURE			= 36,

	GUNYAH_ERROR_VIRQ_BOUND			= 40,
	GUNYAH_ERROR_VIRQ_NOT_BOUND		= 41,

	GUNYAH_ERROR_CSPACE_CAP_NULL		= 50,
	GUNYAH_ERROR_CSPACE_CAP_REVOKED		= 51,
	GUNYAH_ERROR_CSPACE_WRONG_OBJ_TYPE	= 52,
	GUNYAH_ERROR_CSPACE_INSUF_RIGHTS	= 53,
	GUNYAH_ERROR_CSPACE_FULL		= 54,

	GUNYAH_ERROR_MSGQUEUE_EMPTY		= 60,
	GUNYAH_ERROR_MSGQUEUE_FULL		= 61,

	GUNYAH_ERROR_MEMDB_EMPTY		= 110,
	GUNYAH_ERROR_MEMDB_NOT_OWNER		= 111,
	GUNYAH_ERROR_MEMEXTENT_MAPPINGS_FULL	= 120,
	GUNYAH_ERROR_MEMEXTENT_TYPE		= 121,
	GUNYAH_ERROR_EXISTING_MAPPING		= 200,
};

int gunyah_error_remap(enum gunyah_error gunyah_error);

/* hyp_api_info bitfield of hyp/interfaces/api/api.tc */
#define GUNYAH_API_INFO_API_VERSION_MASK	GENMASK_ULL(13, 0)
#define GUNYAH_API_INFO_BIG_ENDIAN		BIT_ULL(14)
#define GUNYAH_API_INFO_IS_64BIT		BIT_ULL(15)
#define GUNYAH_API_INFO_VARIANT_MASK		GENMASK_ULL(63, 56)

/* hyp_api_flags0 bitfield of hyp/interfaces/api/api.tc */
#define GUNYAH_API_FLAG0_PARTITION_CSPACE	BIT_ULL(0)
#define GUNYAH_API_FLAG0_DOORBELL		BIT_ULL(1)
#define GUNYAH_API_FLAG0_MSGQUEUE		BIT_ULL(2)
#define GUNYAH_API_FLAG0_VIC			BIT_ULL(3)
#define GUNYAH_API_FLAG0_VPM			BIT_ULL(4)
#define GUNYAH_API_FLAG0_VCPU			BIT_ULL(5)
#define GUNYAH_API_FLAG0_MEMEXTENT		BIT_ULL(6)
#define GUNYAH_API_FLAG0_TRACE_CTRL		BIT_ULL(7)
#define GUNYAH_API_FLAG0_WATCHDOG		BIT_ULL(8)
#define GUNYAH_API_FLAG0_VIRTIO_MMIO		BIT_ULL(9)
#define GUNYAH_API_FLAG0_PRNG			BIT_ULL(10)
#define GUNYAH_API_FLAG0_VCPU_RUN		BIT_ULL(11)

/* The only API version the open-source hypervisor reports (api.tc). */
#define GUNYAH_API_VERSION_1			1

struct gunyah_hypercall_hyp_identify_resp {
	u64 api_info;
	u64 flags[3];
};

static inline u16
gunyah_api_version(const struct gunyah_hypercall_hyp_identify_resp *gunyah_api)
{
	return gunyah_api->api_info & GUNYAH_API_INFO_API_VERSION_MASK;
}

static inline bool
gunyah_api_has_feature(const struct gunyah_hypercall_hyp_identify_resp *gunyah_api,
		       u64 flag0)
{
	return (gunyah_api->flags[0] & flag0) == flag0;
}

/* Capability IDs are 64-bit (cap_id_t in hyp/interfaces/cspace). */
#define GUNYAH_CAPID_INVAL	U64_MAX

bool arch_is_gunyah_guest(void);
bool gunyah_is_present(void);
const struct gunyah_hypercall_hyp_identify_resp *gunyah_api_info(void);

void gunyah_hypercall_hyp_identify(struct gunyah_hypercall_hyp_identify_resp
				   *hyp_identity);

/* msgqueue_send_flags of hyp/ipc/msgqueue/msgqueue.tc */
#define GUNYAH_HYPERCALL_MSGQ_TX_FLAGS_PUSH	BIT(0)

enum gunyah_error gunyah_hypercall_msgq_send(u64 capid, size_t size,
					     const void *buff, u64 tx_flags,
					     bool *ready);
enum gunyah_error gunyah_hypercall_msgq_recv(u64 capid, void *buff,
					     size_t size, size_t *recv_size,
					     bool *ready);

enum gunyah_error gunyah_hypercall_bell_send(u64 capid, u64 new_flags,
					     u64 *old_flags);
enum gunyah_error gunyah_hypercall_bell_reset(u64 capid);

/*
 * vcpu_run_state of hyp/interfaces/vcpu_run/vcpu_run.tc, extended by
 * hyp/mem/addrspace/aarch64/addrspace.tc (VMMIO) and psci.tc.
 */
enum gunyah_vcpu_run_state {
	GUNYAH_VCPU_STATE_READY			= 0,
	GUNYAH_VCPU_STATE_EXPECTS_WAKEUP	= 1,
	GUNYAH_VCPU_STATE_POWERED_OFF		= 2,
	GUNYAH_VCPU_STATE_BLOCKED		= 3,
	GUNYAH_VCPU_ADDRSPACE_VMMIO_READ	= 4,
	GUNYAH_VCPU_ADDRSPACE_VMMIO_WRITE	= 5,
	GUNYAH_VCPU_STATE_FAULT			= 6,
	GUNYAH_VCPU_STATE_PSCI_SYSTEM_RESET	= 0x100,
};

struct gunyah_hypercall_vcpu_run_resp {
	enum gunyah_vcpu_run_state state;
	u64 state_data[3];
};

/*
 * resume_data[0] carries the value a VMMIO read returns; the other two words
 * are reserved and must be zero (docs/api/gunyah_api.md, vcpu_run).
 */
enum gunyah_error
gunyah_hypercall_vcpu_run(u64 capid, const u64 *resume_data,
			  struct gunyah_hypercall_vcpu_run_resp *resp);

struct page;

/* Lent memory must leave the kernel's linear map until it is reclaimed */
int gunyah_direct_map_remove(struct page *page, unsigned int nr_pages);
int gunyah_direct_map_restore(struct page *page, unsigned int nr_pages);

#endif
