// SPDX-License-Identifier: GPL-2.0-only
/*
 * Memory parcels the host lends or shares, as objects with an explicit
 * state, in the style of pKVM's mem_protect.c: every transition is checked
 * before anything changes, and the pages' owner is never in doubt.
 *
 *   HOST_OWNED --lend/share sent--> UNKNOWN --reply--> LENT / SHARED
 *        ^                             |  \--refused--> HOST_OWNED
 *        |                             \--no answer, not found again--> LEAKED
 *        +------ reclaimed <-- UNKNOWN <--reclaim sent-- LENT / SHARED
 *
 * The rule: a page whose lend or reclaim outcome is unknown is treated as
 * lent. It stays out of the linear map and its user must not free, touch
 * or reuse it (gunyah_rm_parcel_pages_ours() says when it may). An unknown
 * outcome is resolved with the RM itself: a lend or share by looking the
 * parcel up by its ACL and memory (MEM_QCOM_LOOKUP_SGL), a reclaim by
 * sending it again. What cannot be resolved is leaked, and reported with
 * its handle and page ranges, on the RM's device, in lines a test harness
 * can compare with what the hypervisor still holds:
 *
 *   gunyah_rsc_mgr <dev>: leaked lent parcel 0x1f: 3 pages in 2 ranges (was unknown)
 *   gunyah_rsc_mgr <dev>: leaked lent parcel 0x1f range 0x48000000 pages 1
 *   gunyah_rsc_mgr <dev>: leaked lent parcel 0x1f range 0x48010000 pages 2
 */

#include <linux/gunyah.h>
#include <linux/gunyah_rsc_mgr.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>

#include "rsc_mgr.h"

/*
 * Attempts at resolving one unknown outcome before giving up on it. A lost
 * lend is looked up a few times; a lost reclaim is repeated more often,
 * because until the RM answers the pages are leaked, and giving up on a
 * reclaim the RM did apply leaks memory it no longer holds.
 */
#define GUNYAH_RM_PARCEL_LOOKUP_TRIES	3
#define GUNYAH_RM_PARCEL_RECLAIM_TRIES	10

static const char * const gunyah_rm_parcel_state_names[] = {
	[GUNYAH_RM_PARCEL_HOST_OWNED]	= "host-owned",
	[GUNYAH_RM_PARCEL_LENT]		= "lent",
	[GUNYAH_RM_PARCEL_SHARED]	= "shared",
	[GUNYAH_RM_PARCEL_UNKNOWN]	= "unknown",
	[GUNYAH_RM_PARCEL_LEAKED]	= "leaked",
};

/**
 * gunyah_rm_parcel_state_name() - a state, for messages
 * @state: the state
 *
 * Return: its name.
 */
const char *gunyah_rm_parcel_state_name(enum gunyah_rm_parcel_state state)
{
	if (state >= ARRAY_SIZE(gunyah_rm_parcel_state_names))
		return "invalid";

	return gunyah_rm_parcel_state_names[state];
}
EXPORT_SYMBOL_GPL(gunyah_rm_parcel_state_name);

/**
 * gunyah_rm_parcel_init() - an empty parcel, owned by the host
 * @parcel: the parcel
 * @rm: the RM that will hold it
 * @acl: who gets which rights; for a share it must include the host itself
 * @n_acl: entries in @acl (1 to GUNYAH_RM_PARCEL_MAX_ACL)
 * @label: label for the RM (a VM's configuration may ask for it)
 * @flags: GUNYAH_RM_MEM_CREATE_SANITIZE or 0
 *
 * Return: 0, or -EINVAL for an ACL or flags the parcel cannot carry.
 */
int gunyah_rm_parcel_init(struct gunyah_rm_parcel *parcel, struct gunyah_rm *rm,
			  const struct gunyah_rm_acl_entry *acl,
			  unsigned int n_acl, u32 label, u8 flags)
{
	memset(parcel, 0, sizeof(*parcel));
	if (!n_acl || n_acl > GUNYAH_RM_PARCEL_MAX_ACL ||
	    flags & ~GUNYAH_RM_MEM_CREATE_SANITIZE)
		return -EINVAL;

	parcel->rm = rm;
	parcel->state = GUNYAH_RM_PARCEL_HOST_OWNED;
	parcel->handle = GUNYAH_RM_MEM_HANDLE_INVAL;
	parcel->label = label;
	parcel->mem_type = GUNYAH_RM_MEM_TYPE_NORMAL;
	parcel->flags = flags;
	parcel->n_acl = n_acl;
	memcpy(parcel->acl, acl, n_acl * sizeof(*acl));
	INIT_LIST_HEAD(&parcel->node);

	return 0;
}
EXPORT_SYMBOL_GPL(gunyah_rm_parcel_init);

static int gunyah_rm_parcel_add_range(struct gunyah_rm_parcel *parcel,
				      phys_addr_t phys, u64 size)
{
	struct gunyah_rm_parcel_range *last, *ranges;
	unsigned int max;

	/* Only what the host owns can be added to */
	if (parcel->state != GUNYAH_RM_PARCEL_HOST_OWNED)
		return -EBUSY;
	if (!size || !PAGE_ALIGNED(phys) || !PAGE_ALIGNED(size))
		return -EINVAL;

	/* Contiguous memory is one SGL entry, however it was added */
	last = parcel->n_ranges ? &parcel->ranges[parcel->n_ranges - 1] : NULL;
	if (last && last->phys + last->size == phys) {
		last->size += size;
		parcel->nr_pages += size >> PAGE_SHIFT;
		return 0;
	}

	if (parcel->n_ranges == parcel->max_ranges) {
		max = parcel->max_ranges ? parcel->max_ranges * 2 : 8;
		ranges = krealloc_array(parcel->ranges, max, sizeof(*ranges),
					GFP_KERNEL);
		if (!ranges)
			return -ENOMEM;
		parcel->ranges = ranges;
		parcel->max_ranges = max;
	}
	parcel->ranges[parcel->n_ranges++] = (struct gunyah_rm_parcel_range) {
		.phys = phys,
		.size = size,
	};
	parcel->nr_pages += size >> PAGE_SHIFT;

	return 0;
}

/**
 * gunyah_rm_parcel_add_pages() - add physically contiguous pages
 * @parcel: a host-owned parcel
 * @page: the first page
 * @nr_pages: how many
 *
 * Return: 0, -EBUSY if the RM holds the parcel, -ENOMEM.
 */
int gunyah_rm_parcel_add_pages(struct gunyah_rm_parcel *parcel,
			       struct page *page, unsigned long nr_pages)
{
	return gunyah_rm_parcel_add_range(parcel, page_to_phys(page),
					  (u64)nr_pages << PAGE_SHIFT);
}
EXPORT_SYMBOL_GPL(gunyah_rm_parcel_add_pages);

/**
 * gunyah_rm_parcel_add_folio() - add a folio (a 2 MiB folio is one entry)
 * @parcel: a host-owned parcel
 * @folio: the folio
 *
 * Return: as gunyah_rm_parcel_add_pages().
 */
int gunyah_rm_parcel_add_folio(struct gunyah_rm_parcel *parcel,
			       struct folio *folio)
{
	return gunyah_rm_parcel_add_pages(parcel, folio_page(folio, 0),
					  folio_nr_pages(folio));
}
EXPORT_SYMBOL_GPL(gunyah_rm_parcel_add_folio);

/**
 * gunyah_rm_parcel_add_sg() - add the pages of a scatter list
 * @parcel: a host-owned parcel
 * @sgl: the list; every entry must cover whole pages
 * @nents: its entries
 *
 * Return: as gunyah_rm_parcel_add_pages(), or -EINVAL for an entry that
 * does not cover whole pages.
 */
int gunyah_rm_parcel_add_sg(struct gunyah_rm_parcel *parcel,
			    struct scatterlist *sgl, unsigned int nents)
{
	struct scatterlist *sg;
	unsigned int i;
	int ret;

	for_each_sg(sgl, sg, nents, i) {
		if (sg->offset || !PAGE_ALIGNED(sg->length))
			return -EINVAL;
		ret = gunyah_rm_parcel_add_pages(parcel, sg_page(sg),
						 sg->length >> PAGE_SHIFT);
		if (ret)
			return ret;
	}

	return 0;
}
EXPORT_SYMBOL_GPL(gunyah_rm_parcel_add_sg);

static struct page *gunyah_rm_range_page(const struct gunyah_rm_parcel_range *r)
{
	return pfn_to_page(PHYS_PFN(r->phys));
}

static unsigned int gunyah_rm_range_pages(const struct gunyah_rm_parcel_range *r)
{
	return r->size >> PAGE_SHIFT;
}

/* Put ranges [from, to) back into the linear map */
static int gunyah_rm_parcel_map(struct gunyah_rm_parcel *parcel,
				unsigned int from, unsigned int to)
{
	const struct gunyah_rm_parcel_range *r;
	int ret = 0, err;

	for (r = &parcel->ranges[from]; r < &parcel->ranges[to]; r++) {
		err = gunyah_direct_map_restore(gunyah_rm_range_page(r),
						gunyah_rm_range_pages(r));
		ret = ret ?: err;
	}

	return ret;
}

/* Take every range out of the linear map, or none of them */
static int gunyah_rm_parcel_unmap(struct gunyah_rm_parcel *parcel)
{
	unsigned int i;
	int ret;

	for (i = 0; i < parcel->n_ranges; i++) {
		ret = gunyah_direct_map_remove(gunyah_rm_range_page(&parcel->ranges[i]),
					       gunyah_rm_range_pages(&parcel->ranges[i]));
		if (ret) {
			gunyah_rm_parcel_map(parcel, 0, i);
			return ret;
		}
	}

	return 0;
}

static void gunyah_rm_parcel_request(const struct gunyah_rm_parcel *parcel,
				     struct gunyah_rm_mem_create *req)
{
	*req = (struct gunyah_rm_mem_create) {
		.message_id = parcel->lend ? GUNYAH_RM_RPC_MEM_LEND :
					     GUNYAH_RM_RPC_MEM_SHARE,
		.mem_type = parcel->mem_type,
		.flags = parcel->flags,
		.label = parcel->label,
		.n_acl = parcel->n_acl,
		.acl = parcel->acl,
		.n_ranges = parcel->n_ranges,
		.ranges = parcel->ranges,
	};
}

static const char *gunyah_rm_parcel_kind(const struct gunyah_rm_parcel *parcel)
{
	return parcel->lend ? "lent" : "shared";
}

/**
 * gunyah_rm_parcel_leak() - give up on a parcel the RM may hold
 * @parcel: the parcel
 *
 * Its pages stay out of the host's reach for good (a lent parcel's stay out
 * of the linear map) and are reported, one line per range the RM may hold.
 * The parcel object itself may then be destroyed; its user must forget the
 * pages without freeing them.
 */
void gunyah_rm_parcel_leak(struct gunyah_rm_parcel *parcel)
{
	const struct gunyah_rm_parcel_range *r;
	char handle[12] = "none";
	unsigned long held = 0;

	if (parcel->state == GUNYAH_RM_PARCEL_LEAKED ||
	    parcel->state == GUNYAH_RM_PARCEL_HOST_OWNED)
		return;

	gunyah_rm_parcel_untrack(parcel);
	if (parcel->handle != GUNYAH_RM_MEM_HANDLE_INVAL)
		snprintf(handle, sizeof(handle), "%#x", parcel->handle);
	for (r = parcel->ranges; r < &parcel->ranges[parcel->n_sent]; r++)
		held += gunyah_rm_range_pages(r);

	dev_err(parcel->rm->dev, "leaked %s parcel %s: %lu pages in %u ranges (was %s)\n",
		gunyah_rm_parcel_kind(parcel), handle, held, parcel->n_sent,
		gunyah_rm_parcel_state_name(parcel->state));
	for (r = parcel->ranges; r < &parcel->ranges[parcel->n_sent]; r++)
		dev_err(parcel->rm->dev, "leaked %s parcel %s range %pa pages %u\n",
			gunyah_rm_parcel_kind(parcel), handle, &r->phys,
			gunyah_rm_range_pages(r));

	parcel->state = GUNYAH_RM_PARCEL_LEAKED;
}
EXPORT_SYMBOL_GPL(gunyah_rm_parcel_leak);

/* The RM certainly holds nothing of @parcel: it is the host's again */
static int gunyah_rm_parcel_back_home(struct gunyah_rm_parcel *parcel)
{
	bool was_lent = parcel->lend;
	int ret = 0;

	gunyah_rm_parcel_untrack(parcel);
	parcel->handle = GUNYAH_RM_MEM_HANDLE_INVAL;
	parcel->n_sent = 0;
	if (was_lent)
		ret = gunyah_rm_parcel_map(parcel, 0, parcel->n_ranges);
	if (ret) {
		/* Ours, but unreachable: nobody may touch it either */
		dev_err(parcel->rm->dev, "cannot map reclaimed pages again: %d\n", ret);
		parcel->n_sent = parcel->n_ranges;
		parcel->state = GUNYAH_RM_PARCEL_UNKNOWN;
		gunyah_rm_parcel_leak(parcel);
		return ret;
	}
	parcel->state = GUNYAH_RM_PARCEL_HOST_OWNED;

	return 0;
}

static void gunyah_rm_parcel_holds(struct gunyah_rm_parcel *parcel, u32 handle)
{
	parcel->handle = handle;
	parcel->state = parcel->lend ? GUNYAH_RM_PARCEL_LENT :
				       GUNYAH_RM_PARCEL_SHARED;
	gunyah_rm_parcel_track(parcel);
}

/*
 * A lend or share got no usable reply. The RM handles our requests in order,
 * so a lookup sent now sees whatever the lost request did: found, it is
 * held; not found, it was never applied. The lookup only finds a parcel no
 * VM has accepted, so this holds as long as nothing could make a borrower
 * accept it in between: the caller must not START a borrower, or send it
 * MEM_NOTIFY, while a lend to it is in flight (a VM's START accepts its
 * private and label-matched parcels).
 */
static int gunyah_rm_parcel_find(struct gunyah_rm_parcel *parcel, u32 *handle)
{
	struct gunyah_rm_mem_create req;
	int i, ret = -ETIMEDOUT;

	gunyah_rm_parcel_request(parcel, &req);
	for (i = 0; i < GUNYAH_RM_PARCEL_LOOKUP_TRIES; i++) {
		ret = gunyah_rm_mem_lookup_sgl(parcel->rm, &req, handle);
		if (!ret || !gunyah_rm_outcome_unknown(ret))
			break;
	}

	return ret;
}

static int gunyah_rm_parcel_append_rest(struct gunyah_rm_parcel *parcel)
{
	unsigned int n;
	int ret;

	while (parcel->n_sent < parcel->n_ranges) {
		n = min(parcel->n_ranges - parcel->n_sent,
			GUNYAH_RM_MAX_MEM_ENTRIES);
		ret = gunyah_rm_mem_append(parcel->rm, parcel->handle,
					   &parcel->ranges[parcel->n_sent], n,
					   parcel->n_sent + n == parcel->n_ranges);
		if (ret && !gunyah_rm_outcome_unknown(ret)) {
			/* Refused: the RM holds what it had, and keeps it */
			dev_warn(parcel->rm->dev,
				 "partial %s: parcel %#x holds %u of %u ranges: %d\n",
				 parcel->lend ? "lend" : "share", parcel->handle,
				 parcel->n_sent, parcel->n_ranges, ret);
			return ret;
		}
		/* On an unknown outcome the RM may hold these ranges too */
		parcel->n_sent += n;
		if (ret) {
			dev_warn(parcel->rm->dev,
				 "partial %s: append to parcel %#x: %d\n",
				 parcel->lend ? "lend" : "share", parcel->handle,
				 ret);
			return ret;
		}
	}

	return 0;
}

static int gunyah_rm_parcel_give(struct gunyah_rm_parcel *parcel, bool lend)
{
	struct gunyah_rm_mem_create req;
	u32 handle;
	int ret, found;

	if (parcel->state != GUNYAH_RM_PARCEL_HOST_OWNED)
		return -EBUSY;
	if (!parcel->n_ranges)
		return -EINVAL;

	/* Before the RM can map it anywhere else, nothing here may reach it */
	if (lend) {
		ret = gunyah_rm_parcel_unmap(parcel);
		if (ret)
			return ret;
	}
	parcel->lend = lend;

	/* From the moment the request goes out, the RM may hold these */
	parcel->state = GUNYAH_RM_PARCEL_UNKNOWN;
	parcel->n_sent = min(parcel->n_ranges, GUNYAH_RM_MAX_MEM_ENTRIES);
	gunyah_rm_parcel_request(parcel, &req);
	ret = gunyah_rm_mem_create(parcel->rm, &req, &handle);
	if (ret && !gunyah_rm_outcome_unknown(ret)) {
		/* Refused, or never sent: the pages are ours again */
		gunyah_rm_parcel_back_home(parcel);
		return ret;
	}
	if (ret) {
		found = gunyah_rm_parcel_find(parcel, &handle);
		/*
		 * The RM only finds complete parcels (memparcel.c,
		 * memparcel_sgl_do_lookup: state SHARING): one still waiting
		 * for its appends is never found, so "not found" proves
		 * nothing for a parcel of more than 512 ranges.
		 */
		if (found == -ENOENT &&
		    parcel->n_ranges > GUNYAH_RM_MAX_MEM_ENTRIES)
			found = -ENXIO;
		if (found == -ENOENT) {
			dev_warn(parcel->rm->dev,
				 "%s of %lu pages: %d, and the RM has no such parcel\n",
				 lend ? "lend" : "share", parcel->nr_pages, ret);
			gunyah_rm_parcel_back_home(parcel);
			return ret;
		}
		if (found) {
			dev_err(parcel->rm->dev,
				"%s of %lu pages: %d; looking it up: %d\n",
				lend ? "lend" : "share", parcel->nr_pages, ret,
				found);
			gunyah_rm_parcel_leak(parcel);
			return ret;
		}
		dev_info(parcel->rm->dev,
			 "%s of %lu pages: %d, found again as parcel %#x\n",
			 lend ? "lend" : "share", parcel->nr_pages, ret, handle);
	}

	gunyah_rm_parcel_holds(parcel, handle);

	return gunyah_rm_parcel_append_rest(parcel);
}

/**
 * gunyah_rm_parcel_lend() - lend the parcel: the host loses access
 * @parcel: a host-owned parcel with memory
 *
 * The pages leave the linear map first. On a refusal they come back and the
 * parcel is host-owned again; an unknown outcome is resolved with the RM,
 * or the parcel is leaked.
 *
 * Return: 0 when lent; otherwise the error, with the parcel host-owned
 * (nothing lent), leaked, or lent in part (a refused or lost MEM_APPEND:
 * the parcel keeps its handle and must be reclaimed).
 */
int gunyah_rm_parcel_lend(struct gunyah_rm_parcel *parcel)
{
	return gunyah_rm_parcel_give(parcel, true);
}
EXPORT_SYMBOL_GPL(gunyah_rm_parcel_lend);

/**
 * gunyah_rm_parcel_share() - share the parcel: the host keeps access
 * @parcel: a host-owned parcel with memory, whose ACL includes the host
 *
 * Return: as gunyah_rm_parcel_lend().
 */
int gunyah_rm_parcel_share(struct gunyah_rm_parcel *parcel)
{
	return gunyah_rm_parcel_give(parcel, false);
}
EXPORT_SYMBOL_GPL(gunyah_rm_parcel_share);

/**
 * gunyah_rm_parcel_reclaim() - take a lent or shared parcel back
 * @parcel: the parcel
 *
 * A reclaim whose reply is lost is sent again: the RM never reuses a handle
 * (memparcel.c numbers parcels with a counter), so "no such handle" for a
 * repeated reclaim means the first one did it.
 *
 * Return: 0 when the pages are the host's again (also for a parcel that was
 * host-owned already); -EBUSY while a borrower still has it accepted (the
 * parcel stays lent or shared); another error with the parcel still lent or
 * shared (the RM refused) or leaked (no answer).
 */
int gunyah_rm_parcel_reclaim(struct gunyah_rm_parcel *parcel)
{
	enum gunyah_rm_parcel_state was = parcel->state;
	int i, ret = -ETIMEDOUT;

	switch (was) {
	case GUNYAH_RM_PARCEL_HOST_OWNED:
		return 0;
	case GUNYAH_RM_PARCEL_LENT:
	case GUNYAH_RM_PARCEL_SHARED:
		break;
	default:
		return -EIO;
	}

	parcel->state = GUNYAH_RM_PARCEL_UNKNOWN;
	for (i = 0; i < GUNYAH_RM_PARCEL_RECLAIM_TRIES; i++) {
		ret = gunyah_rm_mem_reclaim(parcel->rm, parcel->handle, 0);
		if (!ret || (ret == -ENOENT && i))
			return gunyah_rm_parcel_back_home(parcel);
		if (!gunyah_rm_outcome_unknown(ret)) {
			/* The RM answered: it still holds the parcel */
			parcel->state = was;
			return ret;
		}
	}

	dev_err(parcel->rm->dev, "reclaim of parcel %#x: no answer: %d\n",
		parcel->handle, ret);
	gunyah_rm_parcel_leak(parcel);

	return ret;
}
EXPORT_SYMBOL_GPL(gunyah_rm_parcel_reclaim);

/**
 * gunyah_rm_parcel_reclaim_or_leak() - take a parcel back, or give up on it
 * @parcel: the parcel
 *
 * For teardown, when nothing will ever free the parcel later.
 *
 * Return: 0 when the pages are the host's again; otherwise the reclaim's
 * error, and the parcel is leaked.
 */
int gunyah_rm_parcel_reclaim_or_leak(struct gunyah_rm_parcel *parcel)
{
	int ret = gunyah_rm_parcel_reclaim(parcel);

	if (ret) {
		dev_err(parcel->rm->dev, "cannot reclaim parcel %#x: %d\n",
			parcel->handle, ret);
		gunyah_rm_parcel_leak(parcel);
	}

	return ret;
}
EXPORT_SYMBOL_GPL(gunyah_rm_parcel_reclaim_or_leak);

/**
 * gunyah_rm_parcel_destroy() - free the parcel object
 * @parcel: the parcel
 *
 * A parcel the RM may still hold is reclaimed or leaked first, so nothing
 * is ever lost silently. Whether the pages may be freed is
 * gunyah_rm_parcel_pages_ours(), asked before this call.
 */
void gunyah_rm_parcel_destroy(struct gunyah_rm_parcel *parcel)
{
	if (parcel->state != GUNYAH_RM_PARCEL_HOST_OWNED &&
	    parcel->state != GUNYAH_RM_PARCEL_LEAKED)
		gunyah_rm_parcel_reclaim_or_leak(parcel);
	kfree(parcel->ranges);
	parcel->ranges = NULL;
	parcel->n_ranges = 0;
	parcel->max_ranges = 0;
}
EXPORT_SYMBOL_GPL(gunyah_rm_parcel_destroy);
