// SPDX-License-Identifier: GPL-2.0
/* Attach targets by BTF id for libbpf's load (attach_btf.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "attach_btf.h"
#include "bpf_objects.h"

static __u32 *target_ids;	/* bpf_n_progs of them, once set */

/*
 * The id found for prog's target; 0 if none was, or prog is not dmaguard's
 * program of that name (the handlers serve every object of the process).
 */
static __u32 target_id(const struct bpf_program *prog)
{
	const struct prog_def *d = prog_def_by_name(bpf_program__name(prog));
	char sec[128];

	if (!d || !target_ids)
		return 0;
	prog_def_section(d, sec, sizeof(sec));
	return strcmp(sec, bpf_program__section_name(prog)) ? 0 : target_ids[d - bpf_progs];
}

/*
 * The type libbpf sees the programs as until prepare_load() gives them
 * theirs. For a tracing or LSM program bpf_object__load() first parses all
 * of the kernel's BTF (5.5 MB; a tenth of start-up under emulation), for
 * the attach-target search these handlers do instead; it does so before
 * any program loads, so they wear a type that needs no kernel BTF until
 * then. (Without the cut for CO-RE libbpf still parses it, for that.)
 */
#define TYPE_UNTIL_LOAD BPF_PROG_TYPE_SOCKET_FILTER

/*
 * Called by libbpf just before it loads prog: its type, and its target as
 * libbpf's own handlers would set it (in vmlinux, so no BTF object
 * descriptor), which libbpf then does not search for.
 */
static int prepare_load(struct bpf_program *prog, struct bpf_prog_load_opts *opts,
			long cookie)
{
	__u32 id = target_id(prog);

	if (!id)
		return -ENOENT;
	opts->attach_btf_obj_fd = 0;
	opts->attach_btf_id = id;
	return bpf_program__set_type(prog, cookie == BPF_LSM_MAC ? BPF_PROG_TYPE_LSM
								 : BPF_PROG_TYPE_TRACING);
}

struct bpf_link *attach_btf_attach(const struct bpf_program *prog)
{
	return bpf_program__type(prog) == BPF_PROG_TYPE_LSM ? bpf_program__attach_lsm(prog)
							    : bpf_program__attach_trace(prog);
}

static int attach(const struct bpf_program *prog, long cookie, struct bpf_link **link)
{
	(void)cookie;
	*link = attach_btf_attach(prog);
	return *link ? 0 : -errno;
}

int attach_btf_register_sections(libbpf_prog_prepare_load_fn_t prepare,
				 libbpf_prog_attach_fn_t attach_fn)
{
	static const struct {
		const char *sec;
		enum bpf_attach_type attach;
	} secs[] = {
		{ "fentry/", BPF_TRACE_FENTRY },
		{ "fexit/", BPF_TRACE_FEXIT },
		{ "fmod_ret/", BPF_MODIFY_RETURN },
		{ "lsm/", BPF_LSM_MAC },
	};
	int ids[sizeof(secs) / sizeof(secs[0])], r = 0;
	size_t i;

	for (i = 0; i < sizeof(secs) / sizeof(secs[0]) && !r; i++) {
		LIBBPF_OPTS(libbpf_prog_handler_opts, opts, .cookie = secs[i].attach,
			    .prog_prepare_load_fn = prepare, .prog_attach_fn = attach_fn);

		ids[i] = libbpf_register_prog_handler(secs[i].sec, TYPE_UNTIL_LOAD,
						      secs[i].attach, &opts);
		r = ids[i] < 0 ? ids[i] : 0;
	}
	/* all or none: the ones registered before a failure go again */
	if (r)
		for (i--; i-- > 0;)
			libbpf_unregister_prog_handler(ids[i]);
	return r;
}

int attach_btf_register(void)
{
	static bool registered;
	int r;

	if (registered)
		return 0;
	r = attach_btf_register_sections(prepare_load, attach);
	registered = !r;
	return r;
}

int attach_btf_set(const __u32 *ids)
{
	if (!target_ids) {
		target_ids = calloc(bpf_n_progs, sizeof(*target_ids));
		if (!target_ids)
			return -ENOMEM;
	}
	memcpy(target_ids, ids, bpf_n_progs * sizeof(*target_ids));
	return 0;
}
