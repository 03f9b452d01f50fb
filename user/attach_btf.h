/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The programs' attach targets handed to libbpf by BTF type id.
 *
 * At load, libbpf finds a tracing or LSM program's target with a linear
 * search of its parse of the kernel's BTF, one per program: 320 ms of the
 * start on the bench's emulated CPU, on the boot's critical path
 * (tests/bench/README.md). dmaguard's own pass over that BTF
 * (kernel_funcs.h) has already found every target, with its id. Handlers
 * for dmaguard's section prefixes (fentry/, fexit/, fmod_ret/, lsm/),
 * registered before its object is opened, give libbpf those ids, and
 * attach as libbpf's own handlers do. They also spare libbpf its own parse
 * of the kernel's BTF (attach_btf.c, TYPE_UNTIL_LOAD): the programs take
 * their type (tracing, LSM) only as they load.
 */
#ifndef DMAGUARD_ATTACH_BTF_H
#define DMAGUARD_ATTACH_BTF_H

#include <linux/types.h>
#include <bpf/libbpf.h>

/* Register the handlers, once per process. Returns 0 or -errno. */
int attach_btf_register(void);

/*
 * Handlers of these sections with other callbacks, for tests that take
 * the relocated instructions instead (tests/vm/core/core_agrees.h); the
 * cookie is the section's attach type. Returns 0 or -errno.
 */
int attach_btf_register_sections(libbpf_prog_prepare_load_fn_t prepare,
				 libbpf_prog_attach_fn_t attach);

/*
 * Attach a program these handlers loaded, by its type: libbpf may have
 * forgotten its section handler when it took that type
 * (bpf_program__set_type()), so bpf_program__attach() cannot. The link,
 * or NULL with errno set.
 */
struct bpf_link *attach_btf_attach(const struct bpf_program *prog);

/*
 * ids[i]: the BTF id of bpf_progs[i].target in the running kernel, 0 where
 * it has none; copied, for every later load. A program loaded without an
 * id fails its load (-ENOENT). Returns 0 or -ENOMEM.
 */
int attach_btf_set(const __u32 *ids);

#endif
