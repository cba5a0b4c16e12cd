// SPDX-License-Identifier: GPL-2.0
/*
 * Self-test guest for gunyah-emu: a bare-metal program, run with the MMU
 * off (so virtual addresses are physical ones), that talks to the RM over
 * the Gunyah message queues and checks that lent memory really leaves the
 * primary VM: accesses to it abort, hypercall buffers in it fail, and
 * RECLAIM brings it back.  It powers off on success and resets on failure,
 * so gunyah-emu exits with 0 or 2.
 */
#include <stddef.h>
#include <stdint.h>

#include "../rm_wire.h"
#include "guest.h"

#define UART_DR		0x09000000ul
#define UART_FR		0x09000018ul
#define UART_FR_TXFF	0x20u

#define FN_CALL_UID	0x8600ff01ul
#define FN_MSGQ_SEND	0xc600801bul
#define FN_MSGQ_RECV	0xc600801cul
#define FN_SYSTEM_OFF	0x84000008ul
#define FN_SYSTEM_RESET	0x84000009ul
#define RM_TX_CAPID	0x10ul	/* see the device tree gunyah-emu builds */
#define RM_RX_CAPID	0x11ul
#define GH_ADDR_INVALID	22ul
#define ESR_EC(esr)	((esr) >> 26)
#define EC_DABT_CUR	0x25u

uint64_t abort_count;
uint64_t last_esr;

static uint8_t msg[RM_MSG_SIZE];
static uint8_t reply[RM_MSG_SIZE];
static unsigned int failures;
static uint16_t seq;

/*
 * The compiler may call these even in freestanding code; the Makefile's
 * -fno-tree-loop-distribute-patterns keeps it from making them recursive.
 */
void *memset(void *dst, int c, size_t n)
{
	uint8_t *d = dst;

	while (n--)
		*d++ = (uint8_t)c;
	return dst;
}

void *memcpy(void *dst, const void *src, size_t n)
{
	const uint8_t *s = src;
	uint8_t *d = dst;

	while (n--)
		*d++ = *s++;
	return dst;
}

/*
 * Single-instruction accesses: the abort handler steps over exactly one
 * 4-byte instruction.
 */
static uint8_t read8(const void *addr)
{
	uint32_t v;

	asm volatile("ldrb %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return (uint8_t)v;
}

static void write8(void *addr, uint8_t v)
{
	asm volatile("strb %w0, [%1]" : : "r"(v), "r"(addr) : "memory");
}

static uint32_t read32(uintptr_t addr)
{
	uint32_t v;

	asm volatile("ldr %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static void write32(uintptr_t addr, uint32_t v)
{
	asm volatile("str %w0, [%1]" : : "r"(v), "r"(addr) : "memory");
}

/* The handler ran behind the compiler's back: reload what it wrote. */
static uint64_t aborts(void)
{
	asm volatile("" : : : "memory");
	return abort_count;
}

struct hvc_result {
	uint64_t x0, x1, x2, x3;
};

static struct hvc_result smccc(uint64_t fn, uint64_t a1, uint64_t a2,
			       uint64_t a3, uint64_t a4)
{
	register uint64_t x0 asm("x0") = fn;
	register uint64_t x1 asm("x1") = a1;
	register uint64_t x2 asm("x2") = a2;
	register uint64_t x3 asm("x3") = a3;
	register uint64_t x4 asm("x4") = a4;

	asm volatile("hvc #0"
		     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4)
		     :
		     : "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12",
		       "x13", "x14", "x15", "x16", "x17", "memory");
	return (struct hvc_result){ x0, x1, x2, x3 };
}

static void putc_uart(char c)
{
	while (read32(UART_FR) & UART_FR_TXFF)
		;
	write32(UART_DR, (uint8_t)c);
}

static void puts_uart(const char *s)
{
	while (*s)
		putc_uart(*s++);
}

static void puthex(uint64_t v)
{
	int i;

	puts_uart("0x");
	for (i = 60; i >= 0; i -= 4)
		putc_uart("0123456789abcdef"[(v >> i) & 0xf]);
}

static void check(int ok, const char *what, uint64_t value)
{
	puts_uart(ok ? "selftest: ok   " : "selftest: FAIL ");
	puts_uart(what);
	puts_uart(" (");
	puthex(value);
	puts_uart(")\n");
	if (!ok)
		failures++;
}

/* One-packet RM request; returns the RM error, the payload is in reply[]. */
static uint32_t rm_request(uint32_t msg_id, const uint8_t *payload,
			   size_t len)
{
	struct hvc_result r;
	size_t i;

	seq++;
	rm_put_header(msg, RM_TYPE_REQUEST, 0, seq, msg_id);
	for (i = 0; i < len; i++)
		msg[RM_HEADER_SIZE + i] = payload[i];
	r = smccc(FN_MSGQ_SEND, RM_TX_CAPID, RM_HEADER_SIZE + len,
		  (uintptr_t)msg, 0);
	if (r.x0)
		return 0xdead0000u | (uint32_t)r.x0;
	for (;;) {
		r = smccc(FN_MSGQ_RECV, RM_RX_CAPID, (uintptr_t)reply,
			  sizeof(reply), 0);
		if (r.x0)
			return 0xdeae0000u | (uint32_t)r.x0;
		if ((reply[1] & 3) == RM_TYPE_REPLY &&
		    get_le16(reply + 2) == seq && r.x1 >= 12)
			return get_le32(reply + 8);
	}
}

/* LEND or SHARE lend_page to @vmid; returns the RM error. */
static uint32_t parcel(uint32_t msg_id, uint16_t vmid, uint8_t flags,
		       uint32_t *handle)
{
	uint8_t req[64] = { 0 };
	size_t pos = 8;
	uint32_t err;

	req[2] = flags;
	if (msg_id == RM_MEM_SHARE) {
		put_le16(req + pos, 2);
		put_le16(req + pos + 4, VMID_HLOS);
		req[pos + 6] = RM_RIGHTS_RWX;
		put_le16(req + pos + 8, vmid);
		req[pos + 10] = RM_RIGHTS_RW;
		pos += 12;
	} else {
		put_le16(req + pos, 1);
		put_le16(req + pos + 4, vmid);
		req[pos + 6] = RM_RIGHTS_RW;
		pos += 8;
	}
	put_le16(req + pos, 1);
	put_le64(req + pos + 4, (uintptr_t)lend_page);
	put_le64(req + pos + 12, sizeof(lend_page));
	pos += 20;
	put_le16(req + pos, 0);
	pos += 4;
	err = rm_request(msg_id, req, pos);
	*handle = get_le32(reply + 12);
	return err;
}

static uint32_t reclaim(uint32_t handle)
{
	uint8_t req[8] = { 0 };

	put_le32(req, handle);
	return rm_request(RM_MEM_RECLAIM, req, sizeof(req));
}

void selftest_main(void)
{
	uint8_t vm_req[4] = { 0 };
	struct hvc_result r;
	uint32_t err, handle;
	uint16_t vmid;
	uint8_t value;

	puts_uart("selftest: start\n");
	r = smccc(FN_CALL_UID, 0, 0, 0, 0);
	check(r.x0 == 0xcd8fd5c1 && r.x3 == 0x145f3d67, "Gunyah UID", r.x0);

	err = rm_request(RM_VM_GET_VMID, NULL, 0);
	check(!err && get_le32(reply + 12) == VMID_HLOS, "GET_VMID is 3",
	      get_le32(reply + 12));
	err = rm_request(RM_VM_ALLOCATE, vm_req, sizeof(vm_req));
	vmid = (uint16_t)get_le32(reply + 12);
	check(!err && vmid >= VMID_DYNAMIC_BASE, "ALLOCATE", err);

	write8(lend_page, 0xab);
	err = parcel(RM_MEM_LEND, vmid, 0, &handle);
	check(!err, "LEND a page", err);
	value = read8(lend_page);
	check(aborts() == 1 && ESR_EC(last_esr) == EC_DABT_CUR,
	      "reading lent memory aborts", last_esr);
	write8(lend_page, 0x11);
	check(aborts() == 2, "writing lent memory aborts", aborts());
	r = smccc(FN_MSGQ_SEND, RM_TX_CAPID, 8, (uintptr_t)lend_page, 0);
	check(r.x0 == GH_ADDR_INVALID, "a message in lent memory is refused",
	      r.x0);
	err = reclaim(handle);
	check(!err, "RECLAIM", err);
	value = read8(lend_page);
	check(value == 0xab && aborts() == 2,
	      "reclaimed memory is back, unchanged", value);

	err = parcel(RM_MEM_LEND, vmid, RM_CREATE_FLAG_SANITIZE, &handle);
	check(!err, "LEND with sanitize", err);
	err = reclaim(handle);
	value = read8(lend_page);
	check(!err && value == 0 && aborts() == 2,
	      "sanitized memory comes back zeroed", value);

	write8(lend_page, 0x5a);
	err = parcel(RM_MEM_SHARE, vmid, 0, &handle);
	check(!err, "SHARE a page", err);
	value = read8(lend_page);
	check(value == 0x5a && aborts() == 2, "shared memory stays readable",
	      value);
	err = reclaim(handle);
	check(!err, "RECLAIM the share", err);
	err = reclaim(handle);
	check(err == RM_ERROR_HANDLE_INVALID, "a second RECLAIM is refused",
	      err);

	put_le16(vm_req, vmid);
	err = rm_request(RM_VM_DEALLOCATE, vm_req, sizeof(vm_req));
	check(!err, "DEALLOCATE", err);

	puts_uart(failures ? "selftest: FAILED\n" : "selftest: PASSED\n");
	smccc(failures ? FN_SYSTEM_RESET : FN_SYSTEM_OFF, 0, 0, 0, 0);
}
