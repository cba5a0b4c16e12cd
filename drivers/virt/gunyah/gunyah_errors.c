// SPDX-License-Identifier: GPL-2.0-only
/*
 * Gunyah error codes to errnos: one table for the hypervisor's codes
 * (quic/gunyah-hypervisor hyp/core/base/types.tc and the interface
 * extensions) and one for the Resource Manager's (quic/gunyah-resource-manager
 * include/rm_types.h). Codes missing from a table become -EINVAL, so a new
 * code never reads as success.
 */

#include <linux/errno.h>
#include <linux/export.h>
#include <linux/gunyah.h>
#include <linux/gunyah_rsc_mgr.h>
#include <linux/kernel.h>

struct gunyah_errno_map {
	s64 code;
	int errno;
};

static const struct gunyah_errno_map gunyah_hyp_errors[] = {
	{ GUNYAH_ERROR_OK,			0 },
	{ GUNYAH_ERROR_UNIMPLEMENTED,		-EOPNOTSUPP },
	{ GUNYAH_ERROR_RETRY,			-EAGAIN },
	{ GUNYAH_ERROR_ARG_INVAL,		-EINVAL },
	{ GUNYAH_ERROR_ARG_SIZE,		-EINVAL },
	{ GUNYAH_ERROR_ARG_ALIGN,		-EINVAL },
	{ GUNYAH_ERROR_NOMEM,			-ENOMEM },
	{ GUNYAH_ERROR_NORESOURCES,		-ENOSPC },
	{ GUNYAH_ERROR_ADDR_OVFL,		-EOVERFLOW },
	{ GUNYAH_ERROR_ADDR_UNFL,		-EOVERFLOW },
	{ GUNYAH_ERROR_ADDR_INVAL,		-EFAULT },
	{ GUNYAH_ERROR_DENIED,			-EPERM },
	{ GUNYAH_ERROR_BUSY,			-EBUSY },
	{ GUNYAH_ERROR_IDLE,			-EBUSY },
	{ GUNYAH_ERROR_OBJECT_STATE,		-EINVAL },
	{ GUNYAH_ERROR_OBJECT_CONFIG,		-EINVAL },
	{ GUNYAH_ERROR_OBJECT_CONFIGURED,	-EBUSY },
	{ GUNYAH_ERROR_FAILURE,			-EIO },
	{ GUNYAH_ERROR_VIRQ_BOUND,		-EBUSY },
	{ GUNYAH_ERROR_VIRQ_NOT_BOUND,		-ENOENT },
	{ GUNYAH_ERROR_CSPACE_CAP_NULL,		-EINVAL },
	{ GUNYAH_ERROR_CSPACE_CAP_REVOKED,	-EINVAL },
	{ GUNYAH_ERROR_CSPACE_WRONG_OBJ_TYPE,	-EINVAL },
	{ GUNYAH_ERROR_CSPACE_INSUF_RIGHTS,	-EACCES },
	{ GUNYAH_ERROR_CSPACE_FULL,		-ENOSPC },
	{ GUNYAH_ERROR_MSGQUEUE_EMPTY,		-EAGAIN },
	{ GUNYAH_ERROR_MSGQUEUE_FULL,		-EAGAIN },
	{ GUNYAH_ERROR_MEMDB_EMPTY,		-ENOMEM },
	{ GUNYAH_ERROR_MEMDB_NOT_OWNER,		-EPERM },
	{ GUNYAH_ERROR_MEMEXTENT_MAPPINGS_FULL,	-ENOSPC },
	{ GUNYAH_ERROR_MEMEXTENT_TYPE,		-EINVAL },
	{ GUNYAH_ERROR_EXISTING_MAPPING,	-EEXIST },
};

static const struct gunyah_errno_map gunyah_rm_errors[] = {
	{ GUNYAH_RM_ERROR_OK,			0 },
	{ GUNYAH_RM_ERROR_UNIMPLEMENTED,	-EOPNOTSUPP },
	{ GUNYAH_RM_ERROR_NOMEM,		-ENOMEM },
	{ GUNYAH_RM_ERROR_NORESOURCE,		-ENOSPC },
	{ GUNYAH_RM_ERROR_DENIED,		-EPERM },
	{ GUNYAH_RM_ERROR_INVALID,		-EINVAL },
	{ GUNYAH_RM_ERROR_BUSY,			-EBUSY },
	{ GUNYAH_RM_ERROR_ARGUMENT_INVALID,	-EINVAL },
	{ GUNYAH_RM_ERROR_HANDLE_INVALID,	-ENOENT },
	{ GUNYAH_RM_ERROR_VALIDATE_FAILED,	-EINVAL },
	{ GUNYAH_RM_ERROR_MAP_FAILED,		-EFAULT },
	{ GUNYAH_RM_ERROR_MEM_INVALID,		-EINVAL },
	{ GUNYAH_RM_ERROR_MEM_INUSE,		-EBUSY },
	{ GUNYAH_RM_ERROR_MEM_RELEASED,		-EALREADY },
	{ GUNYAH_RM_ERROR_VMID_INVALID,		-ESRCH },
	{ GUNYAH_RM_ERROR_LOOKUP_FAILED,	-ENOENT },
	{ GUNYAH_RM_ERROR_IRQ_INVALID,		-EINVAL },
	{ GUNYAH_RM_ERROR_IRQ_INUSE,		-EBUSY },
	{ GUNYAH_RM_ERROR_IRQ_RELEASED,		-EALREADY },
	{ GUNYAH_RM_ERROR_IN_USE,		-EBUSY },
	{ GUNYAH_RM_ERROR_IRQ_NOT_MAPPED,	-ENOENT },
	{ GUNYAH_RM_ERROR_VM_STATE,		-EINVAL },
};

static int gunyah_errno_lookup(const struct gunyah_errno_map *map,
			       size_t entries, s64 code)
{
	size_t i;

	for (i = 0; i < entries; i++)
		if (map[i].code == code)
			return map[i].errno;

	return -EINVAL;
}

/**
 * gunyah_error_remap() - errno for a hypervisor error code
 * @gunyah_error: the code in x0 after a hypercall
 *
 * Return: 0 for GUNYAH_ERROR_OK, otherwise a negative errno.
 */
int gunyah_error_remap(enum gunyah_error gunyah_error)
{
	/* x0 is 64-bit; codes are small signed numbers (-1, -2, 1..200) */
	return gunyah_errno_lookup(gunyah_hyp_errors,
				   ARRAY_SIZE(gunyah_hyp_errors),
				   (s64)(long)gunyah_error);
}
EXPORT_SYMBOL_GPL(gunyah_error_remap);

/**
 * gunyah_rm_error_remap() - errno for a Resource Manager error code
 * @rm_error: the le32 error word of an RM reply
 *
 * Return: 0 for GUNYAH_RM_ERROR_OK, otherwise a negative errno.
 */
int gunyah_rm_error_remap(u32 rm_error)
{
	return gunyah_errno_lookup(gunyah_rm_errors,
				   ARRAY_SIZE(gunyah_rm_errors), rm_error);
}
EXPORT_SYMBOL_GPL(gunyah_rm_error_remap);
