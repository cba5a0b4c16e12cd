/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few kernel helper macros this userspace program uses, so that it
 * reads like kernel code.
 */
#ifndef GUNYAH_EMU_KERNEL_COMPAT_H
#define GUNYAH_EMU_KERNEL_COMPAT_H

#ifndef BIT
#define BIT(n)		(1u << (n))
#endif
#ifndef BIT_ULL
#define BIT_ULL(n)	(1ull << (n))
#endif
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

#endif /* GUNYAH_EMU_KERNEL_COMPAT_H */
