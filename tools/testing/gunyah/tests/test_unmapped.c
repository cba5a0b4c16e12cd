// SPDX-License-Identifier: GPL-2.0
/*
 * The primary VM's missing RAM, read from the process's memory map: a
 * made-up map first, then this process's own after real mprotect() calls,
 * as the emulator does to the primary's RAM.
 */
/* memfd_create(), fmemopen(), open_memstream() */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tap.h"
#include "unmapped.h"

#define PAGE		4096ull
#define IPA_BASE	0x40000000ull

static const char fake_maps[] =
	"7effff000000-7f0000000000 rw-p 00000000 00:00 0\n"
	"7f0000000000-7f0000001000 rw-s 00000000 00:01 7 /memfd:ram (deleted)\n"
	"7f0000001000-7f0000002000 ---s 00001000 00:01 7 /memfd:ram (deleted)\n"
	"7f0000002000-7f0000004000 ---s 00002000 00:01 7 /memfd:ram (deleted)\n"
	"7f0000004000-7f0000080000 rw-s 00004000 00:01 7 /memfd:ram (deleted)\n"
	"7f0000081000-7f00000ff000 rw-s 00081000 00:01 7 /memfd:ram (deleted)\n"
	"7f00000ff000-7f0000200000 ---s 000ff000 00:01 7 /memfd:ram (deleted)\n"
	"7fffff000000-7fffff001000 r-xp 00000000 00:00 0 [vdso]\n";

/* unmapped_print() of @maps over @size bytes at @va, into @text. */
static uint64_t print_to(const char *maps, uint64_t va, uint64_t size,
			 char *text, size_t cap)
{
	FILE *in = fmemopen((void *)maps, strlen(maps), "r");
	char *buf = NULL;
	size_t len = 0;
	uint64_t bytes;
	FILE *out;

	out = open_memstream(&buf, &len);
	bytes = unmapped_print(in, va, size, IPA_BASE, out);
	fclose(out);
	fclose(in);
	snprintf(text, cap, "%s", buf ? buf : "");
	free(buf);
	return bytes;
}

/* The same over this process's own map. */
static uint64_t print_self(void *va, uint64_t size, char *text, size_t cap)
{
	FILE *in = fopen("/proc/self/maps", "r");
	char *buf = NULL;
	size_t len = 0;
	uint64_t bytes;
	FILE *out;

	if (!in)
		return UNMAPPED_ERROR;
	out = open_memstream(&buf, &len);
	bytes = unmapped_print(in, (uintptr_t)va, size, IPA_BASE, out);
	fclose(out);
	fclose(in);
	snprintf(text, cap, "%s", buf ? buf : "");
	free(buf);
	return bytes;
}

static void test_fake_map(void)
{
	char text[1024];
	uint64_t bytes;

	bytes = print_to(fake_maps, 0x7f0000000000ull, 0x100000, text,
			 sizeof(text));
	tap_eq(bytes, 5 * PAGE, "five pages are missing");
	tap_ok(!strcmp(text,
		       "gunyah-emu: unmapped ipa 0x40001000 size 0x3000\n"
		       "gunyah-emu: unmapped ipa 0x40080000 size 0x1000\n"
		       "gunyah-emu: unmapped ipa 0x400ff000 size 0x1000\n"),
	       "adjacent PROT_NONE mappings merge, a hole counts, the end is clipped");

	bytes = print_to(fake_maps, 0x7f0000004000ull, 0x7c000, text,
			 sizeof(text));
	tap_eq(bytes, 0, "a fully mapped window has nothing missing");
	tap_ok(!text[0], "and prints nothing");

	bytes = print_to(fake_maps, 0x7f0000002000ull, 0x1000, text,
			 sizeof(text));
	tap_ok(bytes == PAGE &&
	       !strcmp(text, "gunyah-emu: unmapped ipa 0x40000000 size 0x1000\n"),
	       "a window that starts inside a PROT_NONE mapping");

	bytes = print_to("this is not a map\n", 0x7f0000000000ull, 0x100000,
			 text, sizeof(text));
	tap_ok(bytes == UNMAPPED_ERROR && !text[0],
	       "an unreadable map is an error and prints nothing");

	bytes = print_to("", 0x7f0000000000ull, 0x2000, text, sizeof(text));
	tap_ok(bytes == 2 * PAGE &&
	       !strcmp(text, "gunyah-emu: unmapped ipa 0x40000000 size 0x2000\n"),
	       "memory nothing maps is missing");
}

/* What guest_mem.c does: a memfd mapped shared, pages made PROT_NONE. */
static void test_real_map(void)
{
	uint64_t size = 64 * PAGE, bytes;
	char text[1024];
	uint8_t *ram;
	int fd;

	fd = memfd_create("test-unmapped", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, (off_t)size)) {
		tap_ok(0, "memfd");
		return;
	}
	ram = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	tap_ok(ram != MAP_FAILED, "RAM mapped");
	if (ram == MAP_FAILED)
		return;
	bytes = print_self(ram, size, text, sizeof(text));
	tap_ok(bytes == 0 && !text[0], "nothing missing at first");

	mprotect(ram + 3 * PAGE, 3 * PAGE, PROT_NONE);
	mprotect(ram + 10 * PAGE, PAGE, PROT_NONE);
	mprotect(ram + 63 * PAGE, PAGE, PROT_NONE);
	bytes = print_self(ram, size, text, sizeof(text));
	tap_eq(bytes, 5 * PAGE, "five pages made PROT_NONE are missing");
	tap_ok(!strcmp(text,
		       "gunyah-emu: unmapped ipa 0x40003000 size 0x3000\n"
		       "gunyah-emu: unmapped ipa 0x4000a000 size 0x1000\n"
		       "gunyah-emu: unmapped ipa 0x4003f000 size 0x1000\n"),
	       "one line per range, in IPA order");

	/* Given back one page at a time: the ranges split and shrink. */
	mprotect(ram + 4 * PAGE, PAGE, PROT_READ | PROT_WRITE);
	mprotect(ram + 63 * PAGE, PAGE, PROT_READ | PROT_WRITE);
	bytes = print_self(ram, size, text, sizeof(text));
	tap_ok(bytes == 3 * PAGE &&
	       !strcmp(text,
		       "gunyah-emu: unmapped ipa 0x40003000 size 0x1000\n"
		       "gunyah-emu: unmapped ipa 0x40005000 size 0x1000\n"
		       "gunyah-emu: unmapped ipa 0x4000a000 size 0x1000\n"),
	       "a page given back in the middle splits a range");

	mprotect(ram, size, PROT_READ | PROT_WRITE);
	bytes = print_self(ram, size, text, sizeof(text));
	tap_ok(bytes == 0 && !text[0], "all given back, nothing missing");
	munmap(ram, size);
	close(fd);
}

int main(void)
{
	test_fake_map();
	test_real_map();
	return tap_done();
}
