// SPDX-License-Identifier: GPL-2.0
/* The BPF counters as `status` prints them (stats.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include "stats.h"
#include "unit.h"

static struct dg_stats sample(void)
{
	struct dg_stats st = { .next_seq = 4010, .lost = 2511, .reserved_next = 1499,
			       .untracked = 2, .unsequenced = 7 };

	st.map_full[DG_MAP_INFLIGHT] = 3;
	st.map_full[DG_MAP_NODES] = 1;
	st.map_full[7] = 9;	/* a slot no map has yet: not shown */
	return st;
}

TEST(text_is_one_line_with_every_map)
{
	struct dg_stats st = sample();
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ASSERT_TRUE(f != NULL);
	stats_text(f, &st);
	ASSERT_EQ(fclose(f), 0);
	ASSERT_STREQ(buf, "bpf: next seq 4010, lost 2511 (7 before they had a seq), untracked 2; "
			  "map-full: groups 0, "
			  "nodes 1, inflight 3, opening 0, claimed_files 0\n");
	free(buf);
}

TEST(json_object_names_every_map)
{
	struct dg_stats st = sample();
	struct json_writer w;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ASSERT_TRUE(f != NULL);
	json_init(&w, f);
	json_object_begin(&w);
	stats_json(&w, &st);
	json_object_end(&w);
	ASSERT_EQ(json_finish(&w), 0);
	ASSERT_EQ(fclose(f), 0);
	ASSERT_STREQ(buf, "{\"bpf\":{\"next_seq\":4010,\"lost\":2511,\"unsequenced\":7,"
			  "\"untracked\":2,"
			  "\"map_full\":{\"groups\":0,\"nodes\":1,\"inflight\":3,\"opening\":0,"
			  "\"claimed_files\":0}}}");
	free(buf);
}

TEST(missing_pin_is_an_error)
{
	struct dg_stats st;

	ASSERT_EQ(stats_read_pinned("/nonexistent/dmaguard/stats", &st), -ENOENT);
}

UNIT_MAIN()
