// SPDX-License-Identifier: GPL-2.0
/*
 * bench-uprobes BINARY FUNC[=FETCHARGS]...: print the uprobe_events lines
 * (Documentation/trace/uprobetracer.rst) for an entry probe "dg/FUNC" and a
 * return probe "dg/FUNC_r" on each FUNC of BINARY, a static non-PIE
 * executable with a symbol table, found by its symbol: the file offset is
 * the symbol's address within the PT_LOAD segment that holds it. FETCHARGS
 * go on the entry probe ("name=+0(%si):string"). A '.' in a name
 * (bpf_object_load.constprop.0) becomes '_' in the event's. Exit 1 when a
 * FUNC is not in the symbol table: the profile would miss a step silently.
 */
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The file offset of address addr, or -1. */
static long long file_offset(Elf *elf, GElf_Addr addr)
{
	size_t i, n;
	GElf_Phdr ph;

	if (elf_getphdrnum(elf, &n))
		return -1;
	for (i = 0; i < n; i++) {
		if (!gelf_getphdr(elf, i, &ph) || ph.p_type != PT_LOAD)
			continue;
		if (addr >= ph.p_vaddr && addr < ph.p_vaddr + ph.p_filesz)
			return (long long)(addr - ph.p_vaddr + ph.p_offset);
	}
	return -1;
}

/* The address of function name in the symbol table, or 0. */
static GElf_Addr func_addr(Elf *elf, const char *name, size_t len)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	GElf_Sym sym;
	Elf_Data *data;
	size_t i;

	while ((scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB)
			continue;
		data = elf_getdata(scn, NULL);
		for (i = 0; data && i < sh.sh_size / sh.sh_entsize; i++) {
			const char *s;

			if (!gelf_getsym(data, (int)i, &sym) ||
			    GELF_ST_TYPE(sym.st_info) != STT_FUNC || !sym.st_value)
				continue;
			s = elf_strptr(elf, sh.sh_link, sym.st_name);
			if (s && strlen(s) == len && !strncmp(s, name, len))
				return sym.st_value;
		}
	}
	return 0;
}

static void print_probes(const char *bin, const char *func, size_t len, long long off,
			 const char *fetch)
{
	char event[128];
	size_t i;

	snprintf(event, sizeof(event), "%.*s", (int)len, func);
	for (i = 0; event[i]; i++)
		if (event[i] == '.')
			event[i] = '_';
	printf("p:dg/%s %s:0x%llx%s%s\n", event, bin, off, fetch ? " " : "", fetch ? fetch : "");
	printf("r:dg/%s_r %s:0x%llx\n", event, bin, off);
}

int main(int argc, char **argv)
{
	int fd, i, code = 0;
	Elf *elf;

	if (argc < 3) {
		fprintf(stderr, "usage: bench-uprobes BINARY FUNC[=FETCHARGS]...\n");
		return 2;
	}
	elf_version(EV_CURRENT);
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	elf = fd >= 0 ? elf_begin(fd, ELF_C_READ, NULL) : NULL;
	if (!elf) {
		fprintf(stderr, "bench-uprobes: cannot read %s as ELF\n", argv[1]);
		return 1;
	}
	for (i = 2; i < argc; i++) {
		const char *eq = strchr(argv[i], '=');
		size_t len = eq ? (size_t)(eq - argv[i]) : strlen(argv[i]);
		GElf_Addr addr = func_addr(elf, argv[i], len);
		long long off = addr ? file_offset(elf, addr) : -1;

		if (off < 0) {
			fprintf(stderr, "bench-uprobes: no function %.*s in %s\n", (int)len,
				argv[i], argv[1]);
			code = 1;
			continue;
		}
		print_probes(argv[1], argv[i], len, off, eq ? eq + 1 : NULL);
	}
	elf_end(elf);
	close(fd);
	return code;
}
