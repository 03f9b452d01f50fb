// SPDX-License-Identifier: GPL-2.0
/*
 * Opening dmaguard's BPF object for the running kernel (loader.h): what
 * the kernel offers (BTF, the BPF LSM), one pass over its BTF for the
 * programs' attach targets and the cut CO-RE relocation reads, and which
 * programs load. Start-up is on the boot's critical path
 * (tests/bench/README.md).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "dmaguard.skel.h"
#include "dmaguard_object.h"
#include "dmaguard_core_types.h"
#include "attach_btf.h"
#include "bpf_objects.h"
#include "core_btf.h"
#include "kernel_btf.h"
#include "kernel_funcs.h"
#include "loader.h"
#include "mapsize.h"
#include "util.h"

/* bpf is in the active LSM list: BPF LSM programs will be called. */
static int bpf_lsm_active(bool *active)
{
	char buf[512] = "";
	FILE *f = fopen("/sys/kernel/security/lsm", "re");
	char *tok, *save;

	if (!f)
		return -errno;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	*active = false;
	for (tok = strtok_r(buf, ",\n", &save); tok; tok = strtok_r(NULL, ",\n", &save))
		if (!strcmp(tok, "bpf"))
			*active = true;
	return 0;
}

static int check_kernel(struct load_report *rep, char *err, size_t len)
{
	bool lsm = false;
	int r;

	if (access("/sys/kernel/btf/vmlinux", R_OK))
		return errf(err, len, -EOPNOTSUPP,
			    "the kernel has no BTF (/sys/kernel/btf/vmlinux): it needs CONFIG_DEBUG_INFO_BTF=y");
	r = bpf_lsm_active(&lsm);
	if (r)
		return errf(err, len, -EOPNOTSUPP,
			    "cannot read the active LSM list /sys/kernel/security/lsm: %s (mount -t securityfs securityfs /sys/kernel/security)",
			    strerror(-r));
	rep->hooks = lsm ? HOOK_LSM : HOOK_FMOD_RET;
	return 0;
}

/* Looked up in the kernel's BTF after the programs' targets: what the kernel offers. */
static const char *const kernel_apis[] = {
	"iommu_device_use_default_domain",	/* the DMA-ownership API (5.19) */
	"iommu_device_claim_dma_owner",		/* device claims (6.2) */
};
#define N_KERNEL_APIS (sizeof(kernel_apis) / sizeof(kernel_apis[0]))

/* The kernel's BTF is there but cannot serve: exit 3, as without it. */
static int btf_unusable(int r, char *err, size_t len)
{
	return errf(err, len, -EOPNOTSUPP, "cannot use the kernel's BTF (" KERNEL_BTF_PATH
		    "): %s; it needs CONFIG_DEBUG_INFO_BTF=y",
		    r == -ENOEXEC ? "the file is not the kernel's BTF" : strerror(-r));
}

/*
 * One read of the kernel's BTF, for two passes of dmaguard's own (start-up
 * is on the boot's critical path). ids[i]: the BTF id of bpf_progs[i]'s
 * target, then ids[bpf_n_progs + j]: of kernel_apis[j]; 0 where it has
 * none (kernel_funcs.h); libbpf's load is given them (attach_btf.h).
 * *core_path: the BTF that CO-RE relocation reads, cut down (core_btf.h);
 * NULL where it could not be made, and libbpf searches all of the
 * kernel's, slower, to the same result.
 */
static int kernel_targets(__u32 *ids, const char **core_path, char *err, size_t len)
{
	size_t i, n = bpf_n_progs + N_KERNEL_APIS, size = 0;
	const char **names = calloc(n, sizeof(*names));
	struct btf_index x, *have = NULL;
	char *btf = NULL;
	int r = 0;

	if (!names)
		return errf(err, len, -ENOMEM, "out of memory");
	for (i = 0; i < bpf_n_progs; i++)
		names[i] = bpf_progs[i].target;
	for (i = 0; i < N_KERNEL_APIS; i++)
		names[bpf_n_progs + i] = kernel_apis[i];
	if (!kernel_btf_read(&btf, &size)) {
		/* it may come by bpf(); libbpf reads the file: the same BTF? */
		r = kernel_btf_file_check(size);
		if (!r && !btf_index_build(&x, btf, size))
			have = &x;
	}
	if (!r)
		r = kernel_funcs_find(have, names, n, ids);
	free(names);
	if (!r && have)
		*core_path = core_btf_path(have, dg_core_type_names,
					   sizeof(dg_core_type_names) /
					   sizeof(dg_core_type_names[0]));
	if (have)
		btf_index_free(have);
	free(btf);
	if (r)
		return btf_unusable(r, err, len);
	r = attach_btf_set(ids);
	return r ? errf(err, len, r, "out of memory") : 0;
}

int loader_open_object(struct dmaguard_bpf **skel, __u32 **ids_out, char *err, size_t len)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts);
	__u32 *ids = calloc(bpf_n_progs + N_KERNEL_APIS, sizeof(*ids));
	const char *core_path = NULL;
	int r;

	*skel = NULL;
	if (!ids)
		return errf(err, len, -ENOMEM, "out of memory");
	r = attach_btf_register();
	if (r)
		r = errf(err, len, r, "cannot register libbpf's section handlers: %s",
			 strerror(-r));
	else
		r = kernel_targets(ids, &core_path, err, len);
	if (!r) {
		opts.btf_custom_path = core_path;
		*skel = dmaguard_bpf__open_opts(&opts);
		if (!*skel)
			r = errf(err, len, -errno, "cannot open the BPF object: %s",
				 strerror(errno));
	}
	if (r || !ids_out)
		free(ids);
	else
		*ids_out = ids;
	return r;
}

/*
 * Load only programs whose attach target the running kernel has, and only
 * one flavour of the deny hooks. A missing required target is fatal.
 */
static int select_programs(struct dmaguard_bpf *skel, const __u32 *ids,
			   struct load_report *rep, char *err, size_t len)
{
	int code = 0;
	size_t i;

	rep->ownership_api = ids[bpf_n_progs + 0] != 0;
	rep->device_claims = ids[bpf_n_progs + 1] != 0;
	for (i = 0; i < bpf_n_progs && !code; i++) {
		const struct prog_def *d = &bpf_progs[i];
		bool wanted, needed;

		wanted = prog_def_flavour_ok(d, rep->hooks == HOOK_LSM) &&
			 (d->need != PROG_LEGACY || !rep->ownership_api);
		needed = d->need == PROG_REQUIRED || d->need == PROG_HOOK ||
			 d->need == PROG_WITH_OPEN_GATE;
		if (wanted && !ids[i] && needed)
			code = errf(err, len, -EOPNOTSUPP,
				    "the kernel has no %s() in its BTF, which dmaguard attaches to",
				    d->target);
		bpf_program__set_autoload(prog_of(skel, d), wanted && ids[i]);
	}
	return code;
}

int loader_open_programs(struct dmaguard_bpf **skel, struct load_report *rep, char *err,
			 size_t len)
{
	__u32 *ids;
	int r;

	*skel = NULL;
	r = check_kernel(rep, err, len);
	if (r)
		return r;
	r = loader_open_object(skel, &ids, err, len);
	if (r)
		return r;
	(*skel)->rodata->dg_object_id = DG_OBJECT_ID;
	r = select_programs(*skel, ids, rep, err, len);
	free(ids);
	if (!r && (r = mapsize_apply((*skel)->obj, "/sys")))
		errf(err, len, r, "cannot size the BPF maps: %s", strerror(-r));
	return r;
}
