// SPDX-License-Identifier: GPL-2.0
/*
 * Loading the primary VM's kernel, initrd and device tree, following
 * Documentation/arch/arm64/booting.rst: the Image sits text_offset bytes
 * above a 2 MiB aligned base, the DTB is 8-byte aligned, at most 2 MiB and
 * alone in its 2 MiB region, x0 holds its address at entry.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "byteorder.h"
#include "emu.h"

#define SZ_2M			0x200000ull
#define IMAGE_MAGIC		0x644d5241u	/* "ARM\x64" */
#define IMAGE_HEADER_SIZE	64u
#define DTB_MAX_SIZE		0x10000u

/* Read all of @path into guest memory at @ipa, at most @room bytes. */
static int load_file(struct emu *emu, const char *path, uint64_t ipa,
		     uint64_t room, uint64_t *size)
{
	struct stat st;
	uint8_t *dst;
	uint64_t done = 0;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0 || fstat(fd, &st)) {
		fprintf(stderr, "gunyah-emu: %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if ((uint64_t)st.st_size > room || !st.st_size) {
		fprintf(stderr, "gunyah-emu: %s: %lld bytes do not fit\n", path,
			(long long)st.st_size);
		close(fd);
		return -1;
	}
	dst = guest_mem_ptr(emu, ipa, st.st_size);
	while (dst && done < (uint64_t)st.st_size) {
		n = read(fd, dst + done, st.st_size - done);
		if (n <= 0)
			break;
		done += n;
	}
	close(fd);
	if (!dst || done != (uint64_t)st.st_size) {
		fprintf(stderr, "gunyah-emu: %s: short read\n", path);
		return -1;
	}
	*size = done;
	return 0;
}

static int read_image_header(const char *path, uint64_t *text_offset,
			     uint64_t *image_size)
{
	uint8_t hdr[IMAGE_HEADER_SIZE];
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0) {
		fprintf(stderr, "gunyah-emu: %s: %s\n", path, strerror(errno));
		return -1;
	}
	n = read(fd, hdr, sizeof(hdr));
	close(fd);
	if (n != (ssize_t)sizeof(hdr) || get_le32(hdr + 56) != IMAGE_MAGIC) {
		fprintf(stderr,
			"gunyah-emu: %s: not an uncompressed arm64 Image\n",
			path);
		return -1;
	}
	*text_offset = get_le64(hdr + 8);
	*image_size = get_le64(hdr + 16);
	/* Images before v3.17 have image_size 0 and text_offset 0x80000. */
	if (!*image_size) {
		*text_offset = 0x80000;
		*image_size = 0;
	}
	return 0;
}

int boot_load(struct emu *emu, uint64_t *entry, uint64_t *dtb)
{
	uint64_t text_offset, image_size, kernel, kernel_end, file_size;
	uint64_t ram_end = emu->ram_base + emu->ram_size;
	struct guest_dt_info info = { 0 };
	uint8_t blob[DTB_MAX_SIZE];
	unsigned int i;
	size_t dt_size;
	void *dst;

	if (read_image_header(emu->opts.image, &text_offset, &image_size))
		return -1;
	/* The DTB gets the last 2 MiB of RAM. */
	*dtb = (ram_end - SZ_2M) & ~(SZ_2M - 1);
	kernel = emu->ram_base + text_offset;
	if (kernel >= *dtb) {
		fprintf(stderr, "gunyah-emu: not enough memory\n");
		return -1;
	}
	if (load_file(emu, emu->opts.image, kernel, *dtb - kernel, &file_size))
		return -1;
	kernel_end = kernel + (image_size > file_size ? image_size : file_size);
	if (kernel_end > *dtb) {
		fprintf(stderr, "gunyah-emu: kernel needs more memory\n");
		return -1;
	}

	if (emu->opts.initrd) {
		struct stat st;

		if (stat(emu->opts.initrd, &st)) {
			fprintf(stderr, "gunyah-emu: %s: %s\n", emu->opts.initrd,
				strerror(errno));
			return -1;
		}
		if ((uint64_t)st.st_size > *dtb - kernel_end) {
			fprintf(stderr, "gunyah-emu: initrd does not fit\n");
			return -1;
		}
		info.initrd_start = (*dtb - st.st_size) & ~0xfffull;
		if (info.initrd_start < kernel_end ||
		    load_file(emu, emu->opts.initrd, info.initrd_start,
			      *dtb - info.initrd_start, &file_size))
			return -1;
		info.initrd_end = info.initrd_start + file_size;
	}

	info.ram_base = emu->ram_base;
	info.ram_size = emu->ram_size;
	info.nr_cpus = emu->opts.nr_cpus;
	info.cmdline = emu->opts.cmdline;
	info.rm_tx_capid = GH_RM_TX_CAPID;
	info.rm_rx_capid = GH_RM_RX_CAPID;
	for (i = 0; i < info.nr_cpus; i++) {
		if (vcpu_get_reg(&emu->vcpus[i], ARM64_SYS_REG(3, 0, 0, 0, 5),
				 &info.mpidr[i])) {
			fprintf(stderr, "gunyah-emu: cannot read MPIDR\n");
			return -1;
		}
	}
	dt_size = guest_dt_build(&info, blob, sizeof(blob));
	dst = guest_mem_ptr(emu, *dtb, dt_size);
	if (!dt_size || !dst) {
		fprintf(stderr, "gunyah-emu: cannot build the device tree\n");
		return -1;
	}
	memcpy(dst, blob, dt_size);
	*entry = kernel;
	return 0;
}
