// SPDX-License-Identifier: GPL-2.0
/*
 * Self-test guest for gunyah-emu: a bare-metal program, run with the MMU
 * off (so virtual addresses are physical ones), that talks to the RM over
 * the Gunyah message queues and checks that lent memory really leaves the
 * primary VM: accesses to it abort, hypercall buffers in it fail, and
 * RECLAIM brings it back.  Then it creates, runs and tears down a
 * secondary VM end to end (see secondary_vm_test()).  It powers off on
 * success and resets on failure, so gunyah-emu exits with 0 or 2.
 */
#include <stddef.h>
#include <stdint.h>

#include "../rm/rm_wire.h"
#include "guest.h"

#define UART_DR		0x09000000ul
#define UART_FR		0x09000018ul
#define UART_FR_TXFF	0x20u

#define FN_CALL_UID	0x8600ff01ul
#define FN_MSGQ_SEND	0xc600801bul
#define FN_MSGQ_RECV	0xc600801cul
#define FN_VCPU_RUN	0xc6008065ul
#define FN_DB_SEND	0xc6008012ul
#define FN_DB_RECEIVE	0xc6008013ul
#define FN_DB_RESET	0xc6008014ul
#define FN_DB_MASK	0xc6008015ul
#define FN_CPU_ON	0xc4000003ul
#define FN_SYSTEM_OFF	0x84000008ul
#define FN_SYSTEM_RESET	0x84000009ul
#define RM_TX_CAPID	0x10ul	/* see the device tree gunyah-emu builds */
#define RM_RX_CAPID	0x11ul
#define GH_ADDR_INVALID	22ul
#define GH_CAP_NULL	50ul
#define GH_WRONG_TYPE	52ul
#define GH_BUSY		31ul
#define VCPU_READY	0u
#define VCPU_EXPECTS_WAKEUP 1u
#define VCPU_POWERED_OFF 2u
#define VCPU_VMMIO_READ	4u
#define VCPU_VMMIO_WRITE 5u
/* Where the secondary VM's RAM goes, and its program's VMMIO address */
#define VM_BASE		0x80000000ul
#define VM_VMMIO	0x10000000ul
#define VM_READ_VALUE	0x41ul
#define ESR_EC(esr)	((esr) >> 26)
#define EC_DABT_CUR	0x25u

uint64_t abort_count;
uint64_t last_esr;

static uint8_t msg[RM_MSG_SIZE];
static uint8_t reply[RM_MSG_SIZE];
static unsigned int failures;
static uint16_t seq;
/* From the last VM_EXITED notification: le16 vmid, le16 exit_type */
static uint32_t exited_vmid = 0xffff, exited_type = 0xffff;
/* From the last VM_STATUS notification: the VM and its state */
static uint32_t status_vmid = 0xffff, status_state;

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

/* For what the two primary vCPUs share: one access each, in order. */
static uint64_t read64(const uint64_t *addr)
{
	uint64_t v;

	asm volatile("ldr %0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static void write64(uint64_t *addr, uint64_t v)
{
	asm volatile("dsb sy; str %0, [%1]" : : "r"(v), "r"(addr) : "memory");
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

/* Remember what the RM's VM_EXITED and VM_STATUS notifications say. */
static void note_notification(size_t len)
{
	if ((reply[1] & 3) != RM_TYPE_NOTIFICATION || len < 12)
		return;
	if (get_le32(reply + 4) == RM_NOTIFY_VM_EXITED) {
		exited_vmid = get_le16(reply + 8);
		exited_type = get_le16(reply + 10);
	} else if (get_le32(reply + 4) == RM_NOTIFY_VM_STATUS && len >= 13) {
		status_vmid = get_le16(reply + 8);
		status_state = reply[12];
	}
}

/*
 * The RM reports a VM's exit and the end of its reset later than the
 * event or the reply (vm_mgnt.c): poll until VM_STATUS says @state.
 */
static int wait_vm_state(uint16_t vmid, uint8_t state)
{
	struct hvc_result r;
	unsigned long i;

	for (i = 0; i < 1000000; i++) {
		if (status_vmid == vmid && status_state == state)
			return 1;
		r = smccc(FN_MSGQ_RECV, RM_RX_CAPID, (uintptr_t)reply,
			  sizeof(reply), 0);
		if (!r.x0)
			note_notification(r.x1);
	}
	return 0;
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
		note_notification(r.x1);
		if ((reply[1] & 3) == RM_TYPE_REPLY &&
		    get_le16(reply + 2) == seq && r.x1 >= 12)
			return get_le32(reply + 8);
	}
}

/* LEND or SHARE [addr, addr + size) to @vmid; returns the RM error. */
static uint32_t parcel_range(uint32_t msg_id, uint16_t vmid, uint8_t flags,
			     uintptr_t addr, uint64_t size, uint8_t rights,
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
		req[pos + 6] = rights;
		pos += 8;
	}
	put_le16(req + pos, 1);
	put_le64(req + pos + 4, addr);
	put_le64(req + pos + 12, size);
	pos += 20;
	put_le16(req + pos, 0);
	pos += 4;
	err = rm_request(msg_id, req, pos);
	*handle = get_le32(reply + 12);
	return err;
}

/* LEND or SHARE lend_page to @vmid; returns the RM error. */
static uint32_t parcel(uint32_t msg_id, uint16_t vmid, uint8_t flags,
		       uint32_t *handle)
{
	return parcel_range(msg_id, vmid, flags, (uintptr_t)lend_page,
			    sizeof(lend_page), RM_RIGHTS_RW, handle);
}

static uint32_t reclaim(uint32_t handle)
{
	uint8_t req[8] = { 0 };

	put_le32(req, handle);
	return rm_request(RM_MEM_RECLAIM, req, sizeof(req));
}

struct run_result {
	uint64_t err, state, data0, data1, data2;
};

/*
 * vcpu_run (hyp/interfaces/vcpu_run/vcpu_run.hvc): x1 cap, x2..x4
 * resume_data_0..2, x5 reserved 0; x0 error, x1 vcpu_state,
 * x2..x4 state_data_0..2.
 */
static struct run_result vcpu_run(uint64_t cap, uint64_t resume0)
{
	register uint64_t x0 asm("x0") = FN_VCPU_RUN;
	register uint64_t x1 asm("x1") = cap;
	register uint64_t x2 asm("x2") = resume0;
	register uint64_t x3 asm("x3") = 0;
	register uint64_t x4 asm("x4") = 0;
	register uint64_t x5 asm("x5") = 0;

	asm volatile("hvc #0"
		     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4),
		       "+r"(x5)
		     :
		     : "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13",
		       "x14", "x15", "x16", "x17", "memory");
	return (struct run_result){ x0, x1, x2, x3, x4 };
}

/*
 * No event: the vCPU was preempted ("ready"), or waits in WFI ("expects
 * wakeup"). A host would sleep until the vCPU's wakeup vIRQ in the second
 * case; calling vcpu_run again is allowed too, and all a test needs.
 */
static int vcpu_no_event(const struct run_result *r)
{
	return !r->err && (r->state == VCPU_READY ||
			   r->state == VCPU_EXPECTS_WAKEUP);
}

/* vcpu_run until it says something but "ready" */
static struct run_result vcpu_run_unready(uint64_t cap)
{
	struct run_result r;
	unsigned int i;

	for (i = 0; i < 100000; i++) {
		r = vcpu_run(cap, 0);
		if (r.err || r.state != VCPU_READY)
			break;
	}
	return r;
}

/* vcpu_run until the vCPU has an event: anything but no_event. */
static struct run_result vcpu_run_event(uint64_t cap, uint64_t resume0)
{
	struct run_result r;
	unsigned int i;

	for (i = 0; i < 100000; i++) {
		r = vcpu_run(cap, resume0);
		if (!vcpu_no_event(&r))
			break;
	}
	return r;
}

/* A flattened device tree, written by hand (DT spec v0.4 chapter 5). */
struct dtb {
	uint8_t *buf;
	uint32_t pos;		/* in the structure block */
	char strings[512];
	uint32_t strings_len;
};

static void be32_at(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void dtb_word(struct dtb *d, uint32_t v)
{
	be32_at(d->buf + d->pos, v);
	d->pos += 4;
}

/* @len bytes, zero-padded to a multiple of 4 */
static void dtb_bytes(struct dtb *d, const void *data, uint32_t len)
{
	memcpy(d->buf + d->pos, data, len);
	memset(d->buf + d->pos + len, 0, (4 - (len & 3)) & 3);
	d->pos += (len + 3) & ~3u;
}

static uint32_t str_len(const char *s)
{
	uint32_t n = 0;

	while (s[n])
		n++;
	return n;
}

static void dtb_begin(struct dtb *d, const char *name)
{
	dtb_word(d, 1);			/* FDT_BEGIN_NODE */
	dtb_bytes(d, name, str_len(name) + 1);
}

static void dtb_prop(struct dtb *d, const char *name, const void *value,
		     uint32_t len)
{
	uint32_t n = str_len(name) + 1;

	dtb_word(d, 3);			/* FDT_PROP */
	dtb_word(d, len);
	dtb_word(d, d->strings_len);
	memcpy(d->strings + d->strings_len, name, n);
	d->strings_len += n;
	dtb_bytes(d, value, len);
}

/* A property of @n big-endian cells. */
static void dtb_cells(struct dtb *d, const char *name, const uint32_t *cells,
		      uint32_t n)
{
	uint8_t v[32];
	uint32_t i;

	for (i = 0; i < n; i++)
		be32_at(v + 4 * i, cells[i]);
	dtb_prop(d, name, v, 4 * n);
}

static void dtb_u32(struct dtb *d, const char *name, uint32_t value)
{
	dtb_cells(d, name, &value, 1);
}

/*
 * The doorbell of the two-vCPU VM (@smp below): its label, and its SPI,
 * INTID 37, level-triggered.
 */
#define DB_LABEL	0x17u
#define DB_SPI		5u

/*
 * The secondary VMs' config DT, one the real RM accepts (see
 * Documentation/virt/gunyah/emulator.rst):
 *   / { #address-cells = <2>; #size-cells = <2>; interrupt-parent = <1>;
 *     gunyah-vm-config { image-name = "selftest";
 *       memory { base-address = <0x0 VM_BASE>; };
 *       vcpus { affinity = "proxy"; }; };
 *     cpus { cpu@0 { device_type = "cpu"; reg = <0>; }; };
 *     intc@8000000 { compatible = "arm,gic-v3"; interrupt-controller;
 *       #interrupt-cells = <3>; reg = GICD 0x08000000, GICR 0x080a0000;
 *       phandle = <1>; };
 *     chosen { };
 *     psci { compatible = "arm,psci-1.0"; method = "hvc"; }; };
 * /gunyah-vm-config comes first: the RM's DT walker reads every child of
 * / with the cells of the first one.  With @smp there is a second cpu,
 * cpu@1 { ...; enable-method = "psci"; }, and a doorbell:
 *   gunyah-vm-config { ... vdevices { doorbell-0 {
 *     vdevice-type = "doorbell"; peer-default; source-can-clear;
 *     qcom,label = <DB_LABEL>; interrupts = <0 DB_SPI 4>; }; }; };
 */
static uint32_t build_config_dt(uint8_t *out, int smp)
{
	static const uint32_t db_irq[] = { 0, DB_SPI, 4 };
	static const uint32_t gic_reg[] = { 0, 0x08000000, 0, 0x10000,
					    0, 0x080a0000, 0, 0xf60000 };
	static const uint32_t base[] = { 0, (uint32_t)VM_BASE };
	struct dtb d = { .buf = out + 56 };	/* header 40 + rsvmap 16 */

	memset(out, 0, 56);
	dtb_begin(&d, "");
	dtb_u32(&d, "#address-cells", 2);
	dtb_u32(&d, "#size-cells", 2);
	dtb_u32(&d, "interrupt-parent", 1);
	dtb_begin(&d, "gunyah-vm-config");
	dtb_prop(&d, "image-name", "selftest", 9);
	dtb_begin(&d, "memory");
	dtb_cells(&d, "base-address", base, 2);
	dtb_word(&d, 2);		/* FDT_END_NODE */
	dtb_begin(&d, "vcpus");
	dtb_prop(&d, "affinity", "proxy", 6);
	dtb_word(&d, 2);
	if (smp) {
		dtb_begin(&d, "vdevices");
		dtb_begin(&d, "doorbell-0");
		dtb_prop(&d, "vdevice-type", "doorbell", 9);
		dtb_prop(&d, "peer-default", "", 0);
		dtb_prop(&d, "source-can-clear", "", 0);
		dtb_u32(&d, "qcom,label", DB_LABEL);
		dtb_cells(&d, "interrupts", db_irq, 3);
		dtb_word(&d, 2);
		dtb_word(&d, 2);
	}
	dtb_word(&d, 2);
	dtb_begin(&d, "cpus");
	dtb_u32(&d, "#address-cells", 1);
	dtb_u32(&d, "#size-cells", 0);
	dtb_begin(&d, "cpu@0");
	dtb_prop(&d, "device_type", "cpu", 4);
	dtb_u32(&d, "reg", 0);
	dtb_word(&d, 2);
	if (smp) {
		dtb_begin(&d, "cpu@1");
		dtb_prop(&d, "device_type", "cpu", 4);
		dtb_u32(&d, "reg", 1);
		dtb_prop(&d, "enable-method", "psci", 5);
		dtb_word(&d, 2);
	}
	dtb_word(&d, 2);
	dtb_begin(&d, "intc@8000000");
	dtb_prop(&d, "compatible", "arm,gic-v3", 11);
	dtb_prop(&d, "interrupt-controller", "", 0);
	dtb_u32(&d, "#interrupt-cells", 3);
	dtb_cells(&d, "reg", gic_reg, 8);
	dtb_u32(&d, "phandle", 1);
	dtb_word(&d, 2);
	dtb_begin(&d, "chosen");
	dtb_word(&d, 2);
	dtb_begin(&d, "psci");
	dtb_prop(&d, "compatible", "arm,psci-1.0", 13);
	dtb_prop(&d, "method", "hvc", 4);
	dtb_word(&d, 2);
	dtb_word(&d, 2);		/* the root */
	dtb_word(&d, 9);		/* FDT_END */
	memcpy(out + 56 + d.pos, d.strings, d.strings_len);
	be32_at(out, 0xd00dfeed);
	be32_at(out + 4, 56 + d.pos + d.strings_len);	/* totalsize */
	be32_at(out + 8, 56);				/* off_dt_struct */
	be32_at(out + 12, 56 + d.pos);			/* off_dt_strings */
	be32_at(out + 16, 40);				/* off_mem_rsvmap */
	be32_at(out + 20, 17);				/* version */
	be32_at(out + 24, 16);				/* last_comp_version */
	be32_at(out + 32, d.strings_len);		/* size_dt_strings */
	be32_at(out + 36, d.pos);			/* size_dt_struct */
	return 56 + d.pos + d.strings_len;
}

static uint32_t vm_request(uint32_t msg_id, uint16_t vmid)
{
	uint8_t req[4] = { 0 };

	put_le16(req, vmid);
	return rm_request(msg_id, req, sizeof(req));
}

/*
 * Create a secondary VM whose RAM is vm_image, run its program through
 * vcpu_run, answer its VMMIO accesses, and tear it down again.
 */
static void secondary_vm_test(void)
{
	uint8_t cfg[RM_CONFIG_IMAGE_REQ_LEN] = { 0 };
	uint8_t stop[8] = { 0 };
	size_t prog_len = (size_t)(secondary_prog_end - secondary_prog);
	struct run_result r;
	uint32_t err, handle, dt_size;
	uint64_t cap;
	uint16_t vmid;

	err = vm_request(RM_VM_ALLOCATE, 0);
	vmid = (uint16_t)get_le32(reply + 12);
	check(!err && vmid >= VMID_DYNAMIC_BASE, "ALLOCATE a secondary VM",
	      vmid);
	memcpy(vm_image, secondary_prog, prog_len);
	dt_size = build_config_dt(vm_image + 4096, 0);
	err = parcel_range(RM_MEM_LEND, vmid, 0, (uintptr_t)vm_image,
			   sizeof(vm_image), RM_RIGHTS_RWX, &handle);
	check(!err, "LEND the image parcel", err);

	put_le16(cfg, vmid);
	put_le32(cfg + 4, handle);
	put_le64(cfg + 8, 0);		/* image_offset */
	put_le64(cfg + 16, 4096);	/* image_size */
	put_le64(cfg + 24, 4096);	/* dt_offset */
	put_le64(cfg + 32, dt_size);	/* dt_size */
	err = rm_request(RM_VM_CONFIG_IMAGE, cfg, sizeof(cfg));
	check(!err, "CONFIG_IMAGE", err);
	err = vm_request(RM_VM_INIT, vmid);
	check(!err, "INIT parses the config DT", err);

	err = vm_request(RM_VM_GET_HYP_RESOURCES, vmid);
	cap = get_le32(reply + 12 + 4 + 12) |
	      (uint64_t)get_le32(reply + 12 + 4 + 16) << 32;
	check(!err && get_le32(reply + 12) == 1 &&
	      reply[16] == 4 /* VIRTUAL_CPU */ &&
	      get_le16(reply + 18) == vmid && get_le32(reply + 24) == 0,
	      "GET_HYP_RESOURCES lists vCPU 0", cap);

	r = vcpu_run(cap, 0);
	check(!r.err && r.state == VCPU_POWERED_OFF && !(r.data0 & 1),
	      "before START the vCPU is powered off", r.state);
	r = vcpu_run(0x999, 0);
	check(r.err == GH_CAP_NULL, "vcpu_run of a bad cap is CAP_NULL",
	      r.err);

	err = vm_request(RM_VM_START, vmid);
	check(!err, "START", err);
	r = vcpu_run_event(cap, 0);
	check(!r.err && r.state == VCPU_VMMIO_WRITE && r.data0 == VM_VMMIO &&
	      r.data1 == 8 && r.data2 == VM_BASE + 4096,
	      "an abort at 4 GiB, then vmmio_write of X0 = base + dt_offset",
	      r.data0);
	r = vcpu_run_event(cap, 0);
	check(!r.err && r.state == VCPU_VMMIO_READ &&
	      r.data0 == VM_VMMIO + 8 && r.data1 == 4,
	      "vmmio_read", r.data0);
	r = vcpu_run_event(cap, VM_READ_VALUE);
	check(!r.err && r.state == VCPU_VMMIO_WRITE &&
	      r.data0 == VM_VMMIO + 4 && r.data1 == 4 &&
	      r.data2 == VM_READ_VALUE + 1,
	      "vmmio_write of the value read + 1", r.data2);
	r = vcpu_run_event(cap, 0);
	check(!r.err && r.state == VCPU_POWERED_OFF && (r.data0 & 1),
	      "SYSTEM_OFF: powered_off, exited", r.state);
	r = vcpu_run(cap, 0);
	check(!r.err && r.state == VCPU_POWERED_OFF && (r.data0 & 1),
	      "and it stays so", r.state);

	/* The RM hears of the exit later: wait for it before STOP/RESET. */
	check(wait_vm_state(vmid, RM_VM_STATE_EXITED),
	      "VM_STATUS(EXITED) arrived", status_state);
	/* vm_mgnt_handle_stop(): an EXITED VM cannot be stopped again. */
	put_le16(stop, vmid);
	stop[2] = RM_VM_STOP_FLAG_FORCE;
	err = rm_request(RM_VM_STOP, stop, sizeof(stop));
	check(err == RM_ERROR_VM_STATE, "STOP of the exited VM is VM_STATE",
	      err);
	check(exited_vmid == vmid && exited_type == RM_EXIT_TYPE_PLATFORM_OFF,
	      "VM_EXITED(PLATFORM_OFF) arrived", exited_type);
	err = reclaim(handle);
	check(err == RM_ERROR_MEM_INUSE, "RECLAIM before RESET is MEM_INUSE",
	      err);
	err = vm_request(RM_VM_RESET, vmid);
	check(!err, "RESET", err);
	r = vcpu_run(cap, 0);
	check(r.err == GH_CAP_NULL, "after RESET the vCPU cap is gone", r.err);
	err = reclaim(handle);
	check(!err, "RECLAIM the image parcel", err);
	check(read8(vm_image) == secondary_prog[0] && aborts() == 2,
	      "the image is back with the primary", read8(vm_image));
	/* VM_RESET completes later; DEALLOCATE waits for VM_STATUS(RESET). */
	check(wait_vm_state(vmid, RM_VM_STATE_RESET),
	      "VM_STATUS(RESET) arrived", status_state);
	err = vm_request(RM_VM_DEALLOCATE, vmid);
	check(!err, "DEALLOCATE the secondary VM", err);
}

/* ALLOCATE, LEND vm_image, CONFIG_IMAGE and INIT; returns the VMID. */
static uint16_t make_vm(int smp, uint32_t *handle)
{
	uint8_t cfg[RM_CONFIG_IMAGE_REQ_LEN] = { 0 };
	uint32_t err, dt_size;
	uint16_t vmid;

	err = vm_request(RM_VM_ALLOCATE, 0);
	vmid = (uint16_t)get_le32(reply + 12);
	dt_size = build_config_dt(vm_image + 4096, smp);
	err |= parcel_range(RM_MEM_LEND, vmid, 0, (uintptr_t)vm_image,
			    sizeof(vm_image), RM_RIGHTS_RWX, handle);
	put_le16(cfg, vmid);
	put_le32(cfg + 4, *handle);
	put_le64(cfg + 16, 4096);	/* image_size */
	put_le64(cfg + 24, 4096);	/* dt_offset */
	put_le64(cfg + 32, dt_size);
	err |= rm_request(RM_VM_CONFIG_IMAGE, cfg, sizeof(cfg));
	err |= vm_request(RM_VM_INIT, vmid);
	check(!err, "a VM with two vCPUs: ALLOCATE to INIT", err);
	return vmid;
}

/* Wait for the VM's exit, RESET it, RECLAIM its image, DEALLOCATE it. */
static void end_vm(uint16_t vmid, uint32_t handle)
{
	uint32_t err;

	check(wait_vm_state(vmid, RM_VM_STATE_EXITED),
	      "VM_STATUS(EXITED) arrived", status_state);
	err = vm_request(RM_VM_RESET, vmid);
	err |= reclaim(handle);
	check(wait_vm_state(vmid, RM_VM_STATE_RESET),
	      "VM_STATUS(RESET) arrived", status_state);
	err |= vm_request(RM_VM_DEALLOCATE, vmid);
	check(!err, "RESET, RECLAIM, DEALLOCATE", err);
}

/* vcpu_run @n times: is there no event every time? */
static int vcpu_run_quiet(uint64_t cap, unsigned int n)
{
	struct run_result r;

	while (n--) {
		r = vcpu_run(cap, 0);
		if (!vcpu_no_event(&r))
			return 0;
	}
	return 1;
}

/*
 * Our own GIC's distributor (the primary's, at QEMU's address): where a
 * secondary vCPU's wakeup vIRQ shows up as pending. Nothing here takes
 * interrupts; the selftest only looks.
 */
#define PRIMARY_GICD		0x08000000ul
#define GICD_ISPENDR		0x200u
#define GICD_ICPENDR		0x280u
#define GICD_ICFGR		0xc00u

/* Make SPI INTID @intid edge-triggered, as the RM's vIRQs are, and idle. */
static void primary_spi_edge(uint32_t intid)
{
	uintptr_t cfg = PRIMARY_GICD + GICD_ICFGR + 4 * (intid / 16);

	write32(cfg, read32(cfg) | 2u << (2 * (intid % 16)));
	write32(PRIMARY_GICD + GICD_ICPENDR + 4 * (intid / 32),
		1u << (intid % 32));
}

static int primary_spi_pending(uint32_t intid)
{
	return read32(PRIMARY_GICD + GICD_ISPENDR + 4 * (intid / 32)) >>
	       (intid % 32) & 1;
}

/* The next interrupt vCPU 0 of smp_prog reports: its INTID, or ~0. */
static uint64_t next_irq(uint64_t cap)
{
	struct run_result r = vcpu_run_event(cap, 0);

	if (r.err || r.state != VCPU_VMMIO_WRITE || r.data0 != VM_VMMIO + 0x10)
		return ~0ul;
	return r.data2;
}

/*
 * A secondary VM with two vCPUs, a vGIC at QEMU's addresses and a
 * doorbell on SPI 5 (smp_prog in start.S): vCPU 1 is off until vCPU 0
 * starts it, each has the MPIDR of its index, and the primary's doorbell
 * calls reach vCPU 0 as INTID 37, level-triggered as doorbell.c says: a
 * send before START is pending at START, a flag still set asserts it
 * again after the guest's EOI, receive ends that, an acknowledged flag
 * asserts it once.
 */
static void doorbell_vm_test(void)
{
	size_t prog_len = (size_t)(smp_prog_end - smp_prog);
	uint64_t cap0 = 0, cap1 = 0, db = 0;
	uint32_t handle, err, i, n, wake0 = 0;
	struct run_result r;
	struct hvc_result h;
	uint16_t vmid;

	memcpy(vm_image, smp_prog, prog_len);
	vmid = make_vm(1, &handle);
	err = vm_request(RM_VM_GET_HYP_RESOURCES, vmid);
	n = get_le32(reply + 12);
	for (i = 0; !err && i < n && i < 4; i++) {
		const uint8_t *e = reply + 16 + 44 * i;
		uint64_t cap = get_le32(e + 12);

		if (e[0] == 4 && get_le32(e + 8) == 0) {
			cap0 = cap;
			wake0 = get_le32(e + 24);
		} else if (e[0] == 4 && get_le32(e + 8) == 1) {
			cap1 = cap;
		} else if (e[0] == 0 && get_le32(e + 8) == DB_LABEL &&
			   get_le16(e + 2) == vmid && !get_le32(e + 24)) {
			db = cap;
		}
	}
	check(n == 3 && cap0 && cap1 && db,
	      "GET_HYP_RESOURCES: vCPUs 0 and 1, DOORBELL_SRC of the label",
	      n);
	/* Rung before START: pending as soon as the VM exists. */
	h = smccc(FN_DB_SEND, db, 0x1, 0, 0);
	check(!h.x0 && !h.x1, "doorbell_send before START: OK, no flags before",
	      h.x0);
	err = vm_request(RM_VM_START, vmid);
	check(!err, "START", err);
	r = vcpu_run(cap1, 0);
	check(!r.err && r.state == VCPU_POWERED_OFF && !(r.data0 & 1),
	      "vCPU 1 is powered off, not exited, until started", r.state);
	r = vcpu_run_event(cap0, 0);
	check(!r.err && r.state == VCPU_VMMIO_WRITE && r.data0 == VM_VMMIO &&
	      r.data2 == 0x80000000ul,
	      "vCPU 0 runs and has MPIDR 0x80000000", r.data2);
	r = vcpu_run_event(cap0, 0);
	check(!r.err && r.state == VCPU_VMMIO_WRITE &&
	      r.data0 == VM_VMMIO + 8 && r.data2 == 0,
	      "no vGIC access reached us, and its PSCI CPU_ON worked",
	      r.data0);
	r = vcpu_run_event(cap1, 0);
	check(!r.err && r.state == VCPU_VMMIO_WRITE &&
	      r.data0 == VM_VMMIO + 0x18 && r.data2 == 0x80000001ul,
	      "vCPU 1 came up with MPIDR 0x80000001", r.data2);
	r = vcpu_run_event(cap1, 0);
	check(!r.err && r.state == VCPU_POWERED_OFF && !(r.data0 & 1),
	      "after its CPU_OFF it is powered off, not exited", r.state);
	n = (uint32_t)next_irq(cap0);
	check(n == 32 + DB_SPI,
	      "once it unmasks IRQs vCPU 0 takes the doorbell's SPI, INTID 37",
	      n);
	n = (uint32_t)next_irq(cap0);
	check(n == 32 + DB_SPI,
	      "and takes it again after its EOI: the flag is still set", n);
	h = smccc(FN_DB_RECEIVE, db, 0x1, 0, 0);
	check(!h.x0 && h.x1 == 0x1,
	      "doorbell_receive (source-can-clear) clears the flag", h.x1);
	check(vcpu_run_quiet(cap0, 3), "after its next EOI no more", 0);
	/* vcpu_run_check()'s expects_wakeup, and vcpu_run_trigger_virq() */
	primary_spi_edge(wake0);
	r = vcpu_run_unready(cap0);
	check(!r.err && r.state == VCPU_EXPECTS_WAKEUP,
	      "waiting in WFI, vCPU 0 expects a wakeup", r.state);
	r = vcpu_run(cap0, 0);
	check(!r.err && r.state == VCPU_EXPECTS_WAKEUP,
	      "and keeps expecting it", r.state);
	check(!primary_spi_pending(wake0), "its wakeup vIRQ not pending",
	      wake0);
	h = smccc(FN_DB_MASK, db, ~0ul, ~0ul, 0);
	check(!h.x0, "doorbell_mask: every flag acknowledged", h.x0);
	h = smccc(FN_DB_SEND, db, 0x2, 0, 0);
	for (i = 0; i < 10000000 && !primary_spi_pending(wake0); i++)
		;
	check(primary_spi_pending(wake0),
	      "a send wakes it: its wakeup vIRQ is pending in the primary",
	      wake0);
	n = (uint32_t)next_irq(cap0);
	check(!h.x0 && n == 32 + DB_SPI, "a send asserts it", n);
	check(vcpu_run_quiet(cap0, 3), "once", 0);
	h = smccc(FN_DB_SEND, db, 0x4, 0, 0);
	check(!h.x0 && !h.x1, "as the send cleared its flag", h.x1);
	n = (uint32_t)next_irq(cap0);
	check(n == 32 + DB_SPI, "a fourth interrupt", n);
	r = vcpu_run_event(cap0, 0);
	check(!r.err && r.state == VCPU_POWERED_OFF && (r.data0 & 1),
	      "then SYSTEM_OFF: powered_off, exited", r.state);
	r = vcpu_run(cap1, 0);
	check(!r.err && r.state == VCPU_POWERED_OFF && (r.data0 & 1),
	      "which ends vCPU 1 too", r.state);
	h = smccc(FN_DB_RESET, db, 0, 0, 0);
	check(!h.x0, "doorbell_reset", h.x0);
	r = vcpu_run(db, 0);
	check(r.err == GH_WRONG_TYPE,
	      "vcpu_run on the doorbell is WRONG_OBJECT_TYPE", r.err);
	end_vm(vmid, handle);
	h = smccc(FN_DB_SEND, db, 0x1, 0, 0);
	check(h.x0 == GH_CAP_NULL, "after RESET the doorbell is gone", h.x0);
}

/*
 * What the second primary vCPU does: run the vCPU whose capability
 * cpu1_cap names until it is anything but ready, and say what it was.
 * BUSY only means that the first primary vCPU ran it for a while.
 */
static uint64_t cpu1_cap, cpu1_err, cpu1_state, cpu1_data0, cpu1_done;

void cpu1_main(void)
{
	struct run_result r;

	while (!read64(&cpu1_cap))
		;
	do {
		r = vcpu_run_event(read64(&cpu1_cap), 0);
	} while (r.err == GH_BUSY);
	write64(&cpu1_err, r.err);
	write64(&cpu1_state, r.state);
	write64(&cpu1_data0, r.data0);
	write64(&cpu1_done, 1);
}

/*
 * Two primary vCPUs run the two vCPUs of one secondary VM at the same
 * time (spin_prog in start.S): running one that the other runs is BUSY,
 * and a SYSTEM_OFF on one ends the other's vcpu_run with powered_off,
 * exited.  Needs gunyah-emu --cpus 2.
 */
static void concurrent_vm_test(void)
{
	size_t prog_len = (size_t)(spin_prog_end - spin_prog);
	uint64_t cap0 = 0, cap1 = 0;
	unsigned long spins;
	struct run_result r;
	struct hvc_result h;
	uint32_t handle, i, n, busy = 0;
	uint16_t vmid;

	h = smccc(FN_CPU_ON, 1, (uintptr_t)cpu1_entry, 0, 0);
	if (h.x0) {
		puts_uart("selftest: skip two vcpu_runs at once: no second primary vCPU\n");
		return;
	}
	memcpy(vm_image, spin_prog, prog_len);
	vmid = make_vm(1, &handle);
	vm_request(RM_VM_GET_HYP_RESOURCES, vmid);
	n = get_le32(reply + 12);
	for (i = 0; i < n && i < 4; i++) {
		const uint8_t *e = reply + 16 + 44 * i;

		if (e[0] == 4 && get_le32(e + 8) == 0)
			cap0 = get_le32(e + 12);
		else if (e[0] == 4 && get_le32(e + 8) == 1)
			cap1 = get_le32(e + 12);
	}
	check(!vm_request(RM_VM_START, vmid) && cap0 && cap1,
	      "START a VM with two vCPUs", n);
	r = vcpu_run_event(cap0, 0);
	check(!r.err && r.state == VCPU_VMMIO_WRITE && r.data0 == VM_VMMIO &&
	      r.data2 == 0, "its vCPU 0 starts vCPU 1, which spins", r.data2);
	write64(&cpu1_cap, cap1);
	for (i = 0; i < 1000 && !busy; i++)
		busy = vcpu_run(cap1, 0).err == GH_BUSY;
	check(busy,
	      "vcpu_run of the vCPU the second primary vCPU runs is BUSY", i);
	r = vcpu_run_event(cap0, 0);
	check(!r.err && r.state == VCPU_VMMIO_READ &&
	      r.data0 == VM_VMMIO + 8, "vCPU 0 runs meanwhile", r.state);
	r = vcpu_run_event(cap0, 1);
	check(!r.err && r.state == VCPU_POWERED_OFF && (r.data0 & 1),
	      "its SYSTEM_OFF: powered_off, exited", r.state);
	for (spins = 0; !read64(&cpu1_done) && spins < 100000000ul; spins++)
		;
	check(read64(&cpu1_done) && !read64(&cpu1_err) &&
	      read64(&cpu1_state) == VCPU_POWERED_OFF &&
	      (read64(&cpu1_data0) & 1),
	      "which ends vCPU 1's vcpu_run on the other primary vCPU: powered_off, exited",
	      read64(&cpu1_state));
	end_vm(vmid, handle);
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

	secondary_vm_test();
	doorbell_vm_test();
	concurrent_vm_test();

	puts_uart(failures ? "selftest: FAILED\n" : "selftest: PASSED\n");
	smccc(failures ? FN_SYSTEM_RESET : FN_SYSTEM_OFF, 0, 0, 0, 0);
}
