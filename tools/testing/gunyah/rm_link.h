/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hypervisor's link to the Resource Manager (struct gh_rm_link), served
 * by an RM engine: what a program that puts the two parts together, the
 * emulator or the host tests, hands gh_hyp_init().
 */
#ifndef GUNYAH_EMU_RM_LINK_H
#define GUNYAH_EMU_RM_LINK_H

#include "gunyah_hvc.h"
#include "rm_engine.h"

void rm_link_init(struct gh_rm_link *link, struct rm_engine *rm);

#endif
