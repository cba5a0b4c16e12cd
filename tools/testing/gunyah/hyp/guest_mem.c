// SPDX-License-Identifier: GPL-2.0
/*
 * The primary VM's RAM, and the stage-2 view the RM controls.
 *
 * Lending takes pages out of the primary VM's stage 2.  The emulator does
 * that with mprotect(PROT_NONE) on its own mapping of those pages: KVM's
 * MMU notifier then drops the stage-2 entries, and the guest's next access
 * makes KVM_RUN fail with EFAULT (see vcpu.c).  The emulator itself never
 * touches such pages; every access goes through guest_mem_ptr().
 *
 * The RAM is a memfd mapped twice, shared: emu->ram is the primary VM's
 * view (memslot 0, where lent pages go PROT_NONE) and emu->ram_alias stays
 * readable and writable.  Secondary VMs' memslots use the alias, so a page
 * lent to a secondary VM is in that VM's stage 2 and not in the primary's,
 * and the RM reads a VM's config DT through it too.
 */
/* memfd_create(), fallocate(), gettid() */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "emu.h"
#include "stage1.h"

#define GUEST_PAGE_SIZE	4096ull

int guest_mem_init(struct emu *emu, uint64_t base, uint64_t size)
{
	emu->ram_fd = memfd_create("gunyah-emu-ram", MFD_CLOEXEC);
	if (emu->ram_fd < 0 || ftruncate(emu->ram_fd, (off_t)size))
		return -errno;
	emu->ram = mmap(NULL, size, PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_NORESERVE, emu->ram_fd, 0);
	if (emu->ram == MAP_FAILED)
		return -errno;
	emu->ram_alias = mmap(NULL, size, PROT_READ | PROT_WRITE,
			      MAP_SHARED | MAP_NORESERVE, emu->ram_fd, 0);
	if (emu->ram_alias == MAP_FAILED)
		return -errno;
	emu->unmapped = calloc(size / GUEST_PAGE_SIZE, 1);
	if (!emu->unmapped)
		return -ENOMEM;
	emu->ram_base = base;
	emu->ram_size = size;
	return 0;
}

static bool guest_range_in_ram(struct emu *emu, uint64_t ipa, uint64_t len)
{
	return ipa >= emu->ram_base && len <= emu->ram_size &&
	       ipa - emu->ram_base <= emu->ram_size - len;
}

/* A host pointer to [ipa, ipa + len), or NULL if any of it is not mapped. */
void *guest_mem_ptr(struct emu *emu, uint64_t ipa, uint64_t len)
{
	uint64_t first, last, page;

	if (!len || !guest_range_in_ram(emu, ipa, len))
		return NULL;
	first = (ipa - emu->ram_base) / GUEST_PAGE_SIZE;
	last = (ipa - emu->ram_base + len - 1) / GUEST_PAGE_SIZE;
	for (page = first; page <= last; page++)
		if (emu->unmapped[page])
			return NULL;
	return emu->ram + (ipa - emu->ram_base);
}

static int guest_mem_protect(struct emu *emu, uint64_t ipa, uint64_t size,
			     bool present)
{
	uint64_t page, first, count;

	if (!size || !guest_range_in_ram(emu, ipa, size) ||
	    (ipa | size) & (GUEST_PAGE_SIZE - 1))
		return -EINVAL;
	if (mprotect(emu->ram + (ipa - emu->ram_base), size,
		     present ? PROT_READ | PROT_WRITE : PROT_NONE))
		return -errno;
	first = (ipa - emu->ram_base) / GUEST_PAGE_SIZE;
	count = size / GUEST_PAGE_SIZE;
	for (page = first; page < first + count; page++) {
		if (!emu->unmapped[page] == present)
			continue;
		emu->unmapped[page] = !present;
		if (present)
			emu->nr_unmapped--;
		else
			emu->nr_unmapped++;
	}
	return 0;
}

int guest_mem_unmap(void *ctx, uint64_t ipa, uint64_t size)
{
	return guest_mem_protect(ctx, ipa, size, false);
}

int guest_mem_map(void *ctx, uint64_t ipa, uint64_t size)
{
	return guest_mem_protect(ctx, ipa, size, true);
}

/*
 * Zero the pages.  Punching a hole in the memfd works whatever the
 * protection of either mapping, and drops every stage-2 mapping of the old
 * contents (primary and secondary) through the MMU notifier.
 */
void guest_mem_sanitize(void *ctx, uint64_t ipa, uint64_t size)
{
	struct emu *emu = ctx;

	if (!size || !guest_range_in_ram(emu, ipa, size))
		return;
	if (fallocate(emu->ram_fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		      (off_t)(ipa - emu->ram_base), (off_t)size))
		fprintf(stderr, "gunyah-emu: sanitize failed: %s\n",
			strerror(errno));
}

/* The RM's access to primary RAM, lent or not, through the alias. */
int guest_mem_read_any(void *ctx, uint64_t ipa, void *buf, size_t len)
{
	struct emu *emu = ctx;

	if (!len || !guest_range_in_ram(emu, ipa, len))
		return -EINVAL;
	memcpy(buf, emu->ram_alias + (ipa - emu->ram_base), len);
	return 0;
}

/* The alias address of [ipa, ipa + len) of primary RAM, or NULL. */
void *guest_mem_alias(struct emu *emu, uint64_t ipa, uint64_t len)
{
	if (!len || !guest_range_in_ram(emu, ipa, len))
		return NULL;
	return emu->ram_alias + (ipa - emu->ram_base);
}

struct stage1_ctx {
	struct emu *emu;
};

static int guest_read_desc(void *ctx, uint64_t ipa, uint64_t *desc)
{
	struct stage1_ctx *s = ctx;
	void *p;

	if (ipa & 7)
		return -1;
	p = guest_mem_ptr(s->emu, ipa, 8);
	if (!p)
		return -1;
	memcpy(desc, p, 8);
	return 0;
}

static uint64_t guest_read_stage1(struct vcpu *vcpu, struct stage1_regs *r)
{
	if (vcpu_get_reg(vcpu, ARM64_SYS_REG(3, 0, 1, 0, 0), &r->sctlr) ||
	    vcpu_get_reg(vcpu, ARM64_SYS_REG(3, 0, 2, 0, 2), &r->tcr) ||
	    vcpu_get_reg(vcpu, ARM64_SYS_REG(3, 0, 2, 0, 0), &r->ttbr0) ||
	    vcpu_get_reg(vcpu, ARM64_SYS_REG(3, 0, 2, 0, 1), &r->ttbr1))
		return GH_ERROR_ARGUMENT_INVALID;
	return GH_OK;
}

/* useraccess.c: stage-1 faults are ARGUMENT_INVALID, stage-2 ADDR_INVALID */
static uint64_t guest_copy_va(struct emu *emu, struct vcpu *vcpu, uint64_t va,
			      uint8_t *buf, size_t len, bool write)
{
	struct stage1_ctx s = { .emu = emu };
	struct stage1_regs regs;
	enum stage1_result res;
	uint64_t err, ipa;
	size_t chunk;
	void *p;

	err = guest_read_stage1(vcpu, &regs);
	if (err)
		return err;
	while (len) {
		chunk = GUEST_PAGE_SIZE - (va & (GUEST_PAGE_SIZE - 1));
		if (chunk > len)
			chunk = len;
		res = stage1_translate(&regs, va, write, guest_read_desc, &s,
				       &ipa);
		if (res == STAGE1_WALK_ABORT)
			return GH_ERROR_ADDR_INVALID;
		if (res != STAGE1_OK)
			return GH_ERROR_ARGUMENT_INVALID;
		p = guest_mem_ptr(emu, ipa, chunk);
		if (!p)
			return GH_ERROR_ADDR_INVALID;
		if (write)
			memcpy(p, buf, chunk);
		else
			memcpy(buf, p, chunk);
		va += chunk;
		buf += chunk;
		len -= chunk;
	}
	return GH_OK;
}

uint64_t guest_copy_from_va(void *ctx, void *vcpu, void *dst, uint64_t va,
			    size_t len)
{
	return guest_copy_va(ctx, vcpu, va, dst, len, false);
}

uint64_t guest_copy_to_va(void *ctx, void *vcpu, uint64_t va,
			  const void *src, size_t len)
{
	return guest_copy_va(ctx, vcpu, va, (uint8_t *)src, len, true);
}
