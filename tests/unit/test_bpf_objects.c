// SPDX-License-Identifier: GPL-2.0
/*
 * The program and map tables (bpf_objects.h) against the BPF object they
 * describe: every program and pinned map is there once, with the section,
 * type and layout the table says. Opening the skeleton needs no privilege.
 */
#include <string.h>
#include <bpf/libbpf.h>
#include "bpf_objects.h"
#include "dmaguard.skel.h"
#include "unit.h"

static struct dmaguard_bpf *open_skel(void)
{
	struct dmaguard_bpf *skel = dmaguard_bpf__open();

	if (!skel)
		UNIT_FAIL("cannot open the skeleton: %s", strerror(errno));
	return skel;
}

TEST(every_program_is_in_the_table_once_with_its_section)
{
	struct dmaguard_bpf *skel = open_skel();
	struct bpf_program *prog;
	char sec[128];
	size_t i, n = 0;

	bpf_object__for_each_program(prog, skel->obj) {
		const struct prog_def *d = prog_def_by_name(bpf_program__name(prog));

		if (!d)
			UNIT_FAIL("program %s is not in bpf_progs[]", bpf_program__name(prog));
		ASSERT_TRUE(prog_of(skel, d) == prog);
		prog_def_section(d, sec, sizeof(sec));
		ASSERT_STREQ(bpf_program__section_name(prog), sec);
		n++;
	}
	ASSERT_EQ(n, bpf_n_progs);
	for (i = 0; i < bpf_n_progs; i++)
		ASSERT_TRUE(prog_def_by_name(bpf_progs[i].name) == &bpf_progs[i]);
	dmaguard_bpf__destroy(skel);
}

/* Each gate has one program of each flavour, and only gates are hooks. */
TEST(gates_have_both_flavours)
{
	unsigned int lsm = 0, fmod = 0;
	size_t i;

	for (i = 0; i < bpf_n_progs; i++) {
		const struct prog_def *d = &bpf_progs[i];

		ASSERT_EQ(d->need == PROG_HOOK, d->gate != 0);
		ASSERT_EQ(d->kind == PROG_LSM || d->kind == PROG_FMOD_RET, d->gate != 0);
		if (d->kind == PROG_LSM)
			lsm |= d->gate;
		if (d->kind == PROG_FMOD_RET)
			fmod |= d->gate;
	}
	ASSERT_EQ(lsm, PROG_GATE_KERNFS | PROG_GATE_OPEN);
	ASSERT_EQ(fmod, lsm);
}

TEST(every_pinned_map_has_the_tables_layout)
{
	struct dmaguard_bpf *skel = open_skel();
	size_t i;

	for (i = 0; i < bpf_n_maps; i++) {
		const struct map_def *d = &bpf_maps[i];
		struct bpf_map *map = map_of(skel, d);

		ASSERT_STREQ(bpf_map__name(map), d->name);
		ASSERT_EQ(bpf_map__type(map), d->type);
		if (d->value_size)
			ASSERT_EQ(bpf_map__value_size(map), d->value_size);
		if (d->max_entries)
			ASSERT_EQ(bpf_map__max_entries(map), d->max_entries);
	}
	dmaguard_bpf__destroy(skel);
}

UNIT_MAIN()
