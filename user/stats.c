// SPDX-License-Identifier: GPL-2.0
/* The BPF side's counters as `status` shows them (stats.h). */
#include <errno.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "events.h"
#include "stats.h"

int stats_read_pinned(const char *path, struct dg_stats *out)
{
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info), zero = 0;
	int fd, r = 0;

	fd = bpf_obj_get(path);
	if (fd < 0)
		return -errno;
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		r = -errno;
	else if (info.value_size != sizeof(*out))
		r = -EPROTO;
	else if (bpf_map_lookup_elem(fd, &zero, out))
		r = -errno;
	close(fd);
	return r;
}

void stats_text(FILE *f, const struct dg_stats *st)
{
	unsigned int i;

	fprintf(f, "bpf: next seq %llu, lost %llu (%llu before they had a seq), untracked %llu; "
		"map-full:", (unsigned long long)st->next_seq, (unsigned long long)st->lost,
		(unsigned long long)st->unsequenced, (unsigned long long)st->untracked);
	for (i = 0; event_map_name(i); i++)
		fprintf(f, "%s %s %llu", i ? "," : "", event_map_name(i),
			(unsigned long long)st->map_full[i]);
	fputc('\n', f);
}

void stats_json(struct json_writer *w, const struct dg_stats *st)
{
	json_key(w, "bpf");
	json_object_begin(w);
	stats_json_fields(w, st);
	json_object_end(w);
}

void stats_json_fields(struct json_writer *w, const struct dg_stats *st)
{
	unsigned int i;

	json_kv_uint(w, "next_seq", st->next_seq);
	json_kv_uint(w, "lost", st->lost);
	json_kv_uint(w, "unsequenced", st->unsequenced);
	json_kv_uint(w, "untracked", st->untracked);
	json_key(w, "map_full");
	json_object_begin(w);
	for (i = 0; event_map_name(i); i++)
		json_kv_uint(w, event_map_name(i), st->map_full[i]);
	json_object_end(w);
}
