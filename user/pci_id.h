/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A PCI device's identity as every output writes it (status, check,
 * generate, events): "8086:10d3" and "0x020000".
 */
#ifndef DMAGUARD_PCI_ID_H
#define DMAGUARD_PCI_ID_H

#include <stdio.h>

#define PCI_ID_LEN	10	/* "vvvv:dddd" */
#define PCI_CLASS_LEN	9	/* "0xcccccc" */

static inline const char *pci_id_str(char buf[PCI_ID_LEN], unsigned int vendor,
				     unsigned int device)
{
	snprintf(buf, PCI_ID_LEN, "%04x:%04x", vendor & 0xffff, device & 0xffff);
	return buf;
}

static inline const char *pci_class_str(char buf[PCI_CLASS_LEN], unsigned int class)
{
	snprintf(buf, PCI_CLASS_LEN, "0x%06x", class & 0xffffff);
	return buf;
}

#endif
