/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Gunyah Resource Manager wire format: numbers and byte-order helpers.
 *
 * Every number here was checked against quic/gunyah-resource-manager
 * (commit bf31a9a, "resource-manager update 12/2023"):
 *   include/rm-rpc.h, src/rpc/rm-rpc.c          framing
 *   include/rm_types.h                          error codes, VMIDs
 *   include/memparcel_msg.h, include/memparcel.h memory parcels
 *   include/vm_mgnt_message.h, include/vm_mgnt.h VM management
 *   include/vm_creation_message.h               CONFIG_IMAGE / INIT
 */
#ifndef GUNYAH_EMU_RM_WIRE_H
#define GUNYAH_EMU_RM_WIRE_H

#include <stdint.h>
#include <stddef.h>

#include "byteorder.h"
#include "kernel_compat.h"

/* include/rm-rpc.h */
#define RM_MSG_SIZE		240u
#define RM_HEADER_SIZE		8u
#define RM_MAX_PAYLOAD		(RM_MSG_SIZE - RM_HEADER_SIZE)
#define RM_MAX_FRAGMENTS	62u
#define RM_MAX_MSG_LEN		(RM_MAX_PAYLOAD * (RM_MAX_FRAGMENTS + 1u))
#define RM_API_VERSION		1u
#define RM_HEADER_WORDS		2u

#define RM_TYPE_CONTINUED	0u
#define RM_TYPE_REQUEST		1u
#define RM_TYPE_REPLY		2u
#define RM_TYPE_NOTIFICATION	3u

/* include/rm_types.h */
#define RM_OK			0x0u
#define RM_ERROR_UNIMPLEMENTED	0xffffffffu
#define RM_ERROR_NOMEM		0x1u
#define RM_ERROR_NORESOURCE	0x2u
#define RM_ERROR_DENIED		0x3u
#define RM_ERROR_MSG_INVALID	0x4u
#define RM_ERROR_BUSY		0x5u
#define RM_ERROR_ARGUMENT_INVALID 0x6u
#define RM_ERROR_HANDLE_INVALID	0x7u
#define RM_ERROR_VALIDATE_FAILED 0x8u
#define RM_ERROR_MAP_FAILED	0x9u
#define RM_ERROR_MEM_INVALID	0xau
#define RM_ERROR_MEM_INUSE	0xbu
#define RM_ERROR_MEM_RELEASED	0xcu
#define RM_ERROR_VMID_INVALID	0xdu
#define RM_ERROR_LOOKUP_FAILED	0xeu
#define RM_ERROR_VM_STATE	0x14u

#define VMID_HYP		0x0u
#define VMID_HLOS		0x3u	/* the primary VM */
#define VMID_DYNAMIC_BASE	0x80u
#define VMID_DYNAMIC_END	0xbfu
#define VMID_RM			0xffu
/* platform/qemu/src/platform_qemu.c: platform_get_secondary_vmids() */
#define RM_QEMU_SECONDARY_VMIDS	0xfffffff0ull

/* include/vm_mgnt_message.h, include/vm_creation_message.h */
#define RM_VM_ALLOCATE		0x56000001u
#define RM_VM_DEALLOCATE	0x56000002u
#define RM_VM_START		0x56000004u
#define RM_VM_STOP		0x56000005u
#define RM_VM_RESET		0x56000006u
#define RM_VM_CONFIG_IMAGE	0x56000009u
#define RM_VM_INIT		0x5600000bu
#define RM_VM_GET_HYP_RESOURCES	0x56000020u
#define RM_VM_GET_VMID		0x56000024u
#define RM_NOTIFY_VM_EXITED	0x56100001u
#define RM_NOTIFY_VM_SHUTDOWN	0x56100002u
#define RM_NOTIFY_VM_STATUS	0x56100008u
#define RM_VM_STOP_FLAG_FORCE	0x1u

/* include/vm_mgnt.h: vm_state_t */
#define RM_VM_STATE_NONE	0u
#define RM_VM_STATE_INIT	1u
#define RM_VM_STATE_READY	2u
#define RM_VM_STATE_RUNNING	3u
#define RM_VM_STATE_PAUSED	4u
#define RM_VM_STATE_LOAD	5u
#define RM_VM_STATE_AUTH	6u
#define RM_VM_STATE_INIT_FAILED	8u
#define RM_VM_STATE_EXITED	9u
#define RM_VM_STATE_RESETTING	10u
#define RM_VM_STATE_RESET	11u

/* include/vm_resource_msg.h: rm_hyp_resource_resp_t, 44 bytes */
#define RM_RES_DOORBELL_SRC	0u
#define RM_RES_VIRTUAL_CPU	4u
#define RM_RES_ENTRY_LEN	44u

/* include/vm_mgnt.h: exit_type_t */
#define RM_EXIT_TYPE_VM_EXIT		0u
#define RM_EXIT_TYPE_PLATFORM_OFF	1u
#define RM_EXIT_TYPE_PLATFORM_RESET	2u
#define RM_EXIT_TYPE_VM_STOP_FORCED	7u

/* include/rm_types.h: vm_auth_type_t */
#define RM_AUTH_TYPE_NONE	0u
#define RM_AUTH_TYPE_PLATFORM	1u
#define RM_AUTH_TYPE_ANDROID	2u

/* include/memparcel_msg.h */
#define RM_MEM_DONATE		0x51000010u
#define RM_MEM_ACCEPT		0x51000011u
#define RM_MEM_LEND		0x51000012u
#define RM_MEM_SHARE		0x51000013u
#define RM_MEM_RELEASE		0x51000014u
#define RM_MEM_RECLAIM		0x51000015u
#define RM_MEM_NOTIFY		0x51000017u
#define RM_MEM_APPEND		0x51000018u
#define RM_MEM_QCOM_LOOKUP_SGL	0x5100001au
#define RM_NOTIF_MEM_SHARED	0x51100011u
#define RM_NOTIF_MEM_RELEASED	0x51100012u
#define RM_NOTIF_MEM_ACCEPTED	0x51100013u
#define RM_NOTIF_MEM_RECALL	0x51100014u

#define RM_MEM_TYPE_NORMAL	0u
#define RM_MEM_TYPE_IO		1u
#define RM_RIGHTS_X		0x1u
#define RM_RIGHTS_W		0x2u
#define RM_RIGHTS_R		0x4u
#define RM_RIGHTS_RX		0x5u
#define RM_RIGHTS_RW		0x6u
#define RM_RIGHTS_RWX		0x7u
#define RM_MEM_ATTR_NORMAL	0u
#define RM_MEM_ATTR_DEVICE	1u
#define RM_MEM_ATTR_UNCACHED	2u
#define RM_MEM_ATTR_CACHED	3u
#define RM_CREATE_FLAG_SANITIZE	0x1u
#define RM_CREATE_FLAG_APPEND	0x2u
#define RM_APPEND_FLAG_DONE	0x1u
#define RM_ACCEPT_FLAG_VALIDATE_SANITIZED 0x1u
#define RM_ACCEPT_FLAG_VALIDATE_ACL_ATTR  0x2u
#define RM_ACCEPT_FLAG_VALIDATE_LABEL	  0x4u
#define RM_ACCEPT_FLAG_MAP_OTHER	  0x8u
#define RM_ACCEPT_FLAG_MAP_CONTIGUOUS	  0x10u
#define RM_ACCEPT_FLAG_SANITIZE		  0x20u
#define RM_ACCEPT_FLAG_DONE		  0x80u
#define RM_RELEASE_FLAG_SANITIZE 0x1u
#define RM_RECLAIM_FLAG_SANITIZE 0x1u
#define RM_NOTIFY_FLAG_SHARED	0x1u
#define RM_NOTIFY_FLAG_RELEASED	0x2u
#define RM_NOTIFY_FLAG_ACCEPTED	0x4u
#define RM_NOTIFY_FLAG_RECALL	0x8u
#define RM_TRANS_DONATE		0u
#define RM_TRANS_LEND		1u
#define RM_TRANS_SHARE		2u

/* include/memparcel.h, src/memparcel/memparcel.c */
#define RM_MAX_LIST_ENTRIES	512u
#define RM_MAX_PARCELS_PER_VM	64u
/* include/vm_memory.h: ADDR_LIMIT = 1 << (32 + PAGE_BITS) */
#define RM_ADDR_LIMIT		BIT_ULL(44)
#define RM_PAGE_SIZE		4096ull

/* Request sizes (static_asserts in include/memparcel_msg.h) */
#define RM_CREATE_REQ_LEN	20u
#define RM_ACCEPT_REQ_LEN	24u
#define RM_APPEND_REQ_LEN	12u
#define RM_RELEASE_REQ_LEN	8u
#define RM_NOTIFY_REQ_LEN	12u
/* memparcel_lookup_req_t: mem_type, 3 res, label, ACL and SGL headers */
#define RM_LOOKUP_REQ_LEN	16u
/* vm_config_image_req_t, include/vm_creation_message.h: 2+2+4+4*8 bytes */
#define RM_CONFIG_IMAGE_REQ_LEN	40u

/* Encode the 8-byte RM RPC header (src/rpc/rm-rpc.c write_rpc_header()). */
static inline void rm_put_header(uint8_t *p, unsigned int type,
				 unsigned int fragments, uint16_t seq,
				 uint32_t msg_id)
{
	p[0] = (uint8_t)((RM_HEADER_WORDS << 4) | RM_API_VERSION);
	p[1] = (uint8_t)((fragments << 2) | (type & 3u));
	put_le16(p + 2, seq);
	put_le32(p + 4, msg_id);
}

#endif /* GUNYAH_EMU_RM_WIRE_H */
