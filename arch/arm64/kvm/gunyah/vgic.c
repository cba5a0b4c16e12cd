// SPDX-License-Identifier: GPL-2.0-only
/*
 * KVM on Gunyah: the vGICv3 device and interrupt injection.
 *
 * The vGIC itself is Gunyah's: the device only records what a VMM sets
 * (addresses, number of IRQs) for the configuration DT. Its state groups
 * (distributor, redistributor and CPU registers, line levels) are
 * refused, so QEMU adds a migration blocker instead of touching vGIC
 * state; GICv2 is not offered at all.
 *
 * Gunyah's vGIC on this platform has no LPIs (GICV3_HAS_LPI=0), so there
 * is no ITS to give a guest. An ITS device can still be created, and does
 * nothing: QEMU 7.2 creates one whenever KVM has KVM_CAP_SIGNAL_MSI and
 * crashes when KVM has not (create_its() compares the NULL class name it
 * gets then). The guest reads GICD_TYPER.LPIS as 0 and never uses the ITS
 * QEMU describes; MSI routes and KVM_SIGNAL_MSI fail, and the ITS's state
 * groups are refused like the vGIC's (a migration blocker in QEMU).
 *
 * SPIs reach the guest through doorbells, one per SPI, declared in the
 * configuration DT with the SPI as their interrupt: level 1 sends the
 * doorbell (its vIRQ stays asserted while the flag is set), level 0 resets
 * it (clears the flag and de-asserts). Levels set before the VM runs are
 * kept and applied when it starts. irqfd and KVM_IRQ_LINE take the same
 * path, through the irqchip routing entries.
 */

#define pr_fmt(fmt) "kvm-gunyah: " fmt

#include <linux/bitfield.h>
#include <linux/bitmap.h>
#include <linux/kvm_host.h>
#include <linux/slab.h>

#include <kvm/arm_vgic.h>

#include "gunyah_kvm.h"

#define GUNYAH_KVM_NR_IRQS_DEFAULT	256	/* native KVM's VGIC_NR_IRQS_LEGACY */
#define GUNYAH_KVM_BELL_FLAG		BIT_ULL(0)
#define GUNYAH_KVM_ADDR_UNDEF		U64_MAX

/* KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION (devices/arm-vgic-v3.rst) */
#define GUNYAH_KVM_RDIST_INDEX		GENMASK_ULL(11, 0)
#define GUNYAH_KVM_RDIST_FLAGS		GENMASK_ULL(15, 12)
#define GUNYAH_KVM_RDIST_BASE		GENMASK_ULL(51, 16)
#define GUNYAH_KVM_RDIST_COUNT		GENMASK_ULL(63, 52)

static int gunyah_kvm_bell_set(struct gunyah_kvm *gvm, u32 spi, bool level)
{
	enum gunyah_error err;
	u64 capid;

	lockdep_assert_held(&gvm->irq_lock);
	capid = gvm->spi_bell ? gvm->spi_bell[spi] : GUNYAH_CAPID_INVAL;
	if (capid == GUNYAH_CAPID_INVAL)
		return 0;
	if (level)
		err = gunyah_hypercall_bell_send(capid, GUNYAH_KVM_BELL_FLAG, NULL);
	else
		err = gunyah_hypercall_bell_reset(capid);
	if (err != GUNYAH_ERROR_OK) {
		pr_warn_ratelimited("VM %u: doorbell of SPI %u: Gunyah error %d\n",
				    gvm->vmid, spi + GUNYAH_KVM_SPI_BASE, err);
		return -EIO;
	}
	return 0;
}

static int gunyah_kvm_set_spi(struct gunyah_kvm *gvm, u32 intid, bool level)
{
	u32 spi = intid - GUNYAH_KVM_SPI_BASE;
	unsigned long flags;
	int ret;

	/* As native (vgic_lazy_init()): a vGICv3 is initialised by the VMM */
	if (!gvm->vgic.ready)
		return -EBUSY;
	if (intid < GUNYAH_KVM_SPI_BASE || spi >= gunyah_kvm_nr_spis(gvm))
		return -EINVAL;
	spin_lock_irqsave(&gvm->irq_lock, flags);
	if (level)
		__set_bit(spi, gvm->spi_level);
	else
		__clear_bit(spi, gvm->spi_level);
	ret = gunyah_kvm_bell_set(gvm, spi, level);
	spin_unlock_irqrestore(&gvm->irq_lock, flags);
	return ret;
}

int kvm_vm_ioctl_irq_line(struct kvm *kvm, struct kvm_irq_level *irq_level,
			  bool line_status)
{
	struct gunyah_kvm *gvm = to_gunyah_kvm(kvm);
	u32 irq = irq_level->irq;
	u32 type = (irq >> KVM_ARM_IRQ_TYPE_SHIFT) & KVM_ARM_IRQ_TYPE_MASK;
	u32 num = (irq >> KVM_ARM_IRQ_NUM_SHIFT) & KVM_ARM_IRQ_NUM_MASK;

	switch (type) {
	case KVM_ARM_IRQ_TYPE_SPI:
		if (!gvm->vgic.created)
			return -ENXIO;
		return gunyah_kvm_set_spi(gvm, num, irq_level->level);
	case KVM_ARM_IRQ_TYPE_PPI:
		if (!gvm->vgic.created)
			return -ENXIO;
		/* Gunyah has no way for the host to raise a vCPU's PPI */
		return -EINVAL;
	case KVM_ARM_IRQ_TYPE_CPU:
		/* Only with a userspace irqchip, which Gunyah cannot have */
		return -ENXIO;
	default:
		return -EINVAL;
	}
}

static int gunyah_kvm_irqfd_set(struct kvm_kernel_irq_routing_entry *e,
				struct kvm *kvm, int irq_source_id, int level,
				bool line_status)
{
	return gunyah_kvm_set_spi(to_gunyah_kvm(kvm),
				  e->irqchip.pin + GUNYAH_KVM_SPI_BASE, level);
}

int kvm_set_routing_entry(struct kvm *kvm,
			  struct kvm_kernel_irq_routing_entry *e,
			  const struct kvm_irq_routing_entry *ue)
{
	switch (ue->type) {
	case KVM_IRQ_ROUTING_IRQCHIP:
		e->set = gunyah_kvm_irqfd_set;
		e->irqchip.irqchip = ue->u.irqchip.irqchip;
		e->irqchip.pin = ue->u.irqchip.pin;
		if (e->irqchip.pin >= KVM_IRQCHIP_NUM_PINS ||
		    e->irqchip.irqchip >= KVM_NR_IRQCHIPS)
			return -EINVAL;
		return 0;
	default:
		/* MSIs need an ITS, which Gunyah's vGIC does not offer */
		return -EINVAL;
	}
}

/* KVM_SIGNAL_MSI: no LPIs, so no MSI ever reaches a Gunyah guest */
int kvm_set_msi(struct kvm_kernel_irq_routing_entry *e, struct kvm *kvm,
		int irq_source_id, int level, bool line_status)
{
	return -ENODEV;
}

/* As native KVM: GSI n is SPI n, for every SPI the VM has */
static int gunyah_kvm_default_routing(struct kvm *kvm, u32 nr_spis)
{
	struct kvm_irq_routing_entry *entries;
	u32 i;
	int ret;

	entries = kcalloc(nr_spis, sizeof(*entries), GFP_KERNEL_ACCOUNT);
	if (!entries)
		return -ENOMEM;
	for (i = 0; i < nr_spis; i++) {
		entries[i].gsi = i;
		entries[i].type = KVM_IRQ_ROUTING_IRQCHIP;
		entries[i].u.irqchip.irqchip = 0;
		entries[i].u.irqchip.pin = i;
	}
	ret = kvm_set_irq_routing(kvm, entries, nr_spis, 0);
	kfree(entries);
	return ret;
}

/* Doorbell source capabilities by their label, the SPI's INTID */
int gunyah_kvm_irq_attach(struct gunyah_kvm *gvm,
			  const struct gunyah_rm_hyp_resources *res)
{
	u32 nr_spis = gunyah_kvm_nr_spis(gvm), spi, i;
	unsigned long flags;
	u64 *bells;
	int ret = 0;

	bells = kvmalloc_array(nr_spis, sizeof(*bells), GFP_KERNEL_ACCOUNT);
	if (!bells)
		return -ENOMEM;
	for (spi = 0; spi < nr_spis; spi++)
		bells[spi] = GUNYAH_CAPID_INVAL;
	for (i = 0; i < res->n_entries; i++) {
		const struct gunyah_rm_hyp_resource *r = &res->entries[i];

		if (r->type != GUNYAH_RESOURCE_TYPE_BELL_TX)
			continue;
		spi = r->resource_label - GUNYAH_KVM_SPI_BASE;
		if (r->resource_label >= GUNYAH_KVM_SPI_BASE && spi < nr_spis)
			bells[spi] = r->capid;
	}
	for (spi = 0; spi < nr_spis; spi++) {
		if (bells[spi] == GUNYAH_CAPID_INVAL) {
			pr_warn("VM %u: the RM gave no doorbell for SPI %u\n",
				gvm->vmid, spi + GUNYAH_KVM_SPI_BASE);
			kvfree(bells);
			return -ENODEV;
		}
	}
	spin_lock_irqsave(&gvm->irq_lock, flags);
	gvm->spi_bell = bells;
	for_each_set_bit(spi, gvm->spi_level, nr_spis)
		ret = ret ?: gunyah_kvm_bell_set(gvm, spi, true);
	spin_unlock_irqrestore(&gvm->irq_lock, flags);
	return ret;
}

void gunyah_kvm_irq_detach(struct gunyah_kvm *gvm)
{
	unsigned long flags;
	u64 *bells;

	spin_lock_irqsave(&gvm->irq_lock, flags);
	bells = gvm->spi_bell;
	gvm->spi_bell = NULL;
	spin_unlock_irqrestore(&gvm->irq_lock, flags);
	kvfree(bells);
}

void gunyah_kvm_vgic_free(struct gunyah_kvm *gvm)
{
	gunyah_kvm_irq_detach(gvm);
	bitmap_free(gvm->spi_level);
	gvm->spi_level = NULL;
}

static int gunyah_kvm_vgic_create(struct kvm_device *dev, u32 type)
{
	struct gunyah_kvm *gvm = to_gunyah_kvm(dev->kvm);

	if (gvm->vgic.created)
		return -EEXIST;
	if (gunyah_kvm_vm_started(gvm))
		return -EBUSY;
	gvm->vgic.created = true;
	gvm->vgic.dist_base = GUNYAH_KVM_ADDR_UNDEF;
	gvm->vgic.redist_base = GUNYAH_KVM_ADDR_UNDEF;
	return 0;
}

static void gunyah_kvm_vgic_destroy(struct kvm_device *dev)
{
	kfree(dev);
}

/* One GICD frame, one redistributor region, 64 KiB aligned, as native */
static int gunyah_kvm_vgic_addr(struct gunyah_kvm *gvm,
				struct kvm_device_attr *attr, bool write)
{
	u64 __user *uaddr = (u64 __user *)(unsigned long)attr->addr;
	u64 *base, val, addr, size;

	switch (attr->attr) {
	case KVM_VGIC_V3_ADDR_TYPE_DIST:
		base = &gvm->vgic.dist_base;
		break;
	case KVM_VGIC_V3_ADDR_TYPE_REDIST:
	case KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION:
		base = &gvm->vgic.redist_base;
		break;
	default:
		return -ENXIO;
	}
	if (!write) {
		val = *base;
		if (attr->attr == KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION) {
			if (val == GUNYAH_KVM_ADDR_UNDEF)
				return -ENOENT;
			val |= FIELD_PREP(GUNYAH_KVM_RDIST_COUNT,
					  atomic_read(&gvm->kvm.online_vcpus));
		}
		return put_user(val, uaddr);
	}
	if (get_user(val, uaddr))
		return -EFAULT;
	addr = val;
	switch (attr->attr) {
	case KVM_VGIC_V3_ADDR_TYPE_DIST:
		size = GUNYAH_KVM_GICD_SIZE;
		break;
	case KVM_VGIC_V3_ADDR_TYPE_REDIST:
		/* As native: the frames of the vCPUs created so far */
		size = GUNYAH_KVM_GICR_SIZE * atomic_read(&gvm->kvm.online_vcpus);
		break;
	default:
		addr = val & GUNYAH_KVM_RDIST_BASE;
		size = GUNYAH_KVM_GICR_SIZE * FIELD_GET(GUNYAH_KVM_RDIST_COUNT, val);
		if (!size || (val & GUNYAH_KVM_RDIST_FLAGS))
			return -EINVAL;
		/*
		 * Index 0 first, as native; Gunyah's vGIC has a single region,
		 * so there is no next index, and native refuses a region after
		 * a legacy REDIST address with -EINVAL too.
		 */
		if ((val & GUNYAH_KVM_RDIST_INDEX) || *base != GUNYAH_KVM_ADDR_UNDEF)
			return -EINVAL;
		break;
	}
	/*
	 * In native KVM's order (vgic_v3_alloc_redist_region() and
	 * vgic_check_iorange()): set already, a legacy redistributor range
	 * over the distributor, alignment, then the VM's IPA space.
	 */
	if (*base != GUNYAH_KVM_ADDR_UNDEF)
		return -EEXIST;
	if (addr + size < addr)
		return -EINVAL;
	if (attr->attr == KVM_VGIC_V3_ADDR_TYPE_REDIST &&
	    gvm->vgic.dist_base != GUNYAH_KVM_ADDR_UNDEF &&
	    addr + size > gvm->vgic.dist_base &&
	    addr < gvm->vgic.dist_base + GUNYAH_KVM_GICD_SIZE)
		return -EINVAL;
	if (!IS_ALIGNED(addr, SZ_64K))
		return -EINVAL;
	if (addr >= BIT_ULL(gvm->ipa_bits) ||
	    addr + size > BIT_ULL(gvm->ipa_bits))
		return -E2BIG;
	if (gunyah_kvm_vm_started(gvm))
		return -EBUSY;
	*base = addr;
	return 0;
}

static int gunyah_kvm_vgic_nr_irqs(struct gunyah_kvm *gvm,
				   struct kvm_device_attr *attr)
{
	u32 __user *uaddr = (u32 __user *)(unsigned long)attr->addr;
	u32 val;

	if (get_user(val, uaddr))
		return -EFAULT;
	/*
	 * As native: 32 SPIs at least, a multiple of 32, none of the special
	 * INTIDs from 1020 (below VGIC_MAX_RESERVED, 1023): 992 at most
	 */
	if (val < GUNYAH_KVM_SPI_BASE + 32 || val > 1023 || (val & 31))
		return -EINVAL;
	if (gvm->vgic.nr_irqs)
		return -EBUSY;
	gvm->vgic.nr_irqs = val;
	return 0;
}

static int gunyah_kvm_vgic_init(struct gunyah_kvm *gvm)
{
	int ret;

	if (gvm->vgic.ready)
		return 0;
	if (!gvm->vgic.nr_irqs)
		gvm->vgic.nr_irqs = GUNYAH_KVM_NR_IRQS_DEFAULT;
	gvm->spi_level = bitmap_zalloc(gunyah_kvm_nr_spis(gvm), GFP_KERNEL_ACCOUNT);
	if (!gvm->spi_level)
		return -ENOMEM;
	ret = gunyah_kvm_default_routing(&gvm->kvm, gunyah_kvm_nr_spis(gvm));
	if (ret) {
		bitmap_free(gvm->spi_level);
		gvm->spi_level = NULL;
		return ret;
	}
	gvm->vgic.ready = true;
	return 0;
}

static int gunyah_kvm_vgic_set_attr(struct kvm_device *dev,
				    struct kvm_device_attr *attr)
{
	struct gunyah_kvm *gvm = to_gunyah_kvm(dev->kvm);
	int ret;

	mutex_lock(&gvm->lock);
	switch (attr->group) {
	case KVM_DEV_ARM_VGIC_GRP_ADDR:
		ret = gunyah_kvm_vgic_addr(gvm, attr, true);
		break;
	case KVM_DEV_ARM_VGIC_GRP_NR_IRQS:
		ret = gunyah_kvm_vgic_nr_irqs(gvm, attr);
		break;
	case KVM_DEV_ARM_VGIC_GRP_CTRL:
		ret = attr->attr == KVM_DEV_ARM_VGIC_CTRL_INIT ?
		      gunyah_kvm_vgic_init(gvm) : -ENXIO;
		break;
	default:
		ret = -ENXIO;
		break;
	}
	mutex_unlock(&gvm->lock);
	return ret;
}

static int gunyah_kvm_vgic_get_attr(struct kvm_device *dev,
				    struct kvm_device_attr *attr)
{
	struct gunyah_kvm *gvm = to_gunyah_kvm(dev->kvm);
	u32 __user *uaddr = (u32 __user *)(unsigned long)attr->addr;
	int ret;

	mutex_lock(&gvm->lock);
	switch (attr->group) {
	case KVM_DEV_ARM_VGIC_GRP_ADDR:
		ret = gunyah_kvm_vgic_addr(gvm, attr, false);
		break;
	case KVM_DEV_ARM_VGIC_GRP_NR_IRQS:
		ret = put_user(gvm->vgic.nr_irqs, uaddr);
		break;
	default:
		ret = -ENXIO;
		break;
	}
	mutex_unlock(&gvm->lock);
	return ret;
}

static int gunyah_kvm_vgic_has_attr(struct kvm_device *dev,
				    struct kvm_device_attr *attr)
{
	switch (attr->group) {
	case KVM_DEV_ARM_VGIC_GRP_ADDR:
		switch (attr->attr) {
		case KVM_VGIC_V3_ADDR_TYPE_DIST:
		case KVM_VGIC_V3_ADDR_TYPE_REDIST:
		case KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION:
			return 0;
		}
		break;
	case KVM_DEV_ARM_VGIC_GRP_NR_IRQS:
		return 0;
	case KVM_DEV_ARM_VGIC_GRP_CTRL:
		if (attr->attr == KVM_DEV_ARM_VGIC_CTRL_INIT)
			return 0;
		break;
	}
	/* State groups and SAVE_PENDING_TABLES: Gunyah owns the vGIC state */
	return -ENXIO;
}

static const struct kvm_device_ops gunyah_kvm_vgic_ops = {
	.name = "kvm-gunyah-vgic-v3",
	.create = gunyah_kvm_vgic_create,
	.destroy = gunyah_kvm_vgic_destroy,
	.set_attr = gunyah_kvm_vgic_set_attr,
	.get_attr = gunyah_kvm_vgic_get_attr,
	.has_attr = gunyah_kvm_vgic_has_attr,
};

/* The ITS a VMM may create: it keeps its frame's address, nothing else */
static int gunyah_kvm_its_create(struct kvm_device *dev, u32 type)
{
	u64 *base = kzalloc(sizeof(*base), GFP_KERNEL_ACCOUNT);

	if (!base)
		return -ENOMEM;
	*base = GUNYAH_KVM_ADDR_UNDEF;
	dev->private = base;
	return 0;
}

static void gunyah_kvm_its_destroy(struct kvm_device *dev)
{
	kfree(dev->private);
	kfree(dev);
}

static int gunyah_kvm_its_has_attr(struct kvm_device *dev,
				   struct kvm_device_attr *attr)
{
	switch (attr->group) {
	case KVM_DEV_ARM_VGIC_GRP_ADDR:
		return attr->attr == KVM_VGIC_ITS_ADDR_TYPE ? 0 : -ENXIO;
	case KVM_DEV_ARM_VGIC_GRP_CTRL:
		/* Resetting an ITS that holds nothing is honest; saving is not */
		if (attr->attr == KVM_DEV_ARM_VGIC_CTRL_INIT ||
		    attr->attr == KVM_DEV_ARM_ITS_CTRL_RESET)
			return 0;
		return -ENXIO;
	default:
		return -ENXIO;
	}
}

static int gunyah_kvm_its_set_attr(struct kvm_device *dev,
				   struct kvm_device_attr *attr)
{
	struct gunyah_kvm *gvm = to_gunyah_kvm(dev->kvm);
	u64 __user *uaddr = (u64 __user *)(unsigned long)attr->addr;
	u64 *base = dev->private, addr;
	int ret;

	if (attr->group == KVM_DEV_ARM_VGIC_GRP_ADDR &&
	    attr->attr != KVM_VGIC_ITS_ADDR_TYPE)
		return -ENODEV;
	ret = gunyah_kvm_its_has_attr(dev, attr);
	if (ret || attr->group != KVM_DEV_ARM_VGIC_GRP_ADDR)
		return ret;
	if (get_user(addr, uaddr))
		return -EFAULT;
	/* As native (vgic_check_iorange()) */
	if (!IS_ALIGNED(addr, SZ_64K))
		return -EINVAL;
	if (addr + 2 * SZ_64K > BIT_ULL(gvm->ipa_bits))
		return -E2BIG;
	mutex_lock(&gvm->lock);
	if (*base != GUNYAH_KVM_ADDR_UNDEF)
		ret = -EEXIST;
	else
		*base = addr;
	mutex_unlock(&gvm->lock);
	return ret;
}

static int gunyah_kvm_its_get_attr(struct kvm_device *dev,
				   struct kvm_device_attr *attr)
{
	u64 __user *uaddr = (u64 __user *)(unsigned long)attr->addr;
	u64 *base = dev->private;

	if (attr->group != KVM_DEV_ARM_VGIC_GRP_ADDR ||
	    attr->attr != KVM_VGIC_ITS_ADDR_TYPE)
		return -ENXIO;
	return put_user(*base, uaddr);
}

static const struct kvm_device_ops gunyah_kvm_its_ops = {
	.name = "kvm-gunyah-its",
	.create = gunyah_kvm_its_create,
	.destroy = gunyah_kvm_its_destroy,
	.set_attr = gunyah_kvm_its_set_attr,
	.get_attr = gunyah_kvm_its_get_attr,
	.has_attr = gunyah_kvm_its_has_attr,
};

int gunyah_kvm_vgic_register(void)
{
	int ret;

	ret = kvm_register_device_ops(&gunyah_kvm_vgic_ops,
				      KVM_DEV_TYPE_ARM_VGIC_V3);
	return ret ?: kvm_register_device_ops(&gunyah_kvm_its_ops,
					      KVM_DEV_TYPE_ARM_VGIC_ITS);
}
