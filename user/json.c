// SPDX-License-Identifier: GPL-2.0
/* A small JSON writer; see json.h for the escaping rules. */
#include <string.h>
#include "json.h"

size_t json_escape_byte(unsigned char c, char out[JSON_ESCAPE_MAX])
{
	static const char shorthand[] = {
		['"'] = '"', ['\\'] = '\\', ['\b'] = 'b', ['\f'] = 'f',
		['\n'] = 'n', ['\r'] = 'r', ['\t'] = 't',
	};

	if (c < sizeof(shorthand) && shorthand[c]) {
		out[0] = '\\';
		out[1] = shorthand[c];
		return 2;
	}
	if (c < 0x20 || c >= 0x7f)
		return (size_t)snprintf(out, JSON_ESCAPE_MAX, "\\u%04x", c);
	out[0] = c;
	return 1;
}

void json_write_string_n(FILE *f, const char *str, size_t maxlen)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = strnlen(str, maxlen), i;
	char esc[JSON_ESCAPE_MAX];

	fputc('"', f);
	for (i = 0; i < n; i++)
		fwrite(esc, 1, json_escape_byte(s[i], esc), f);
	fputc('"', f);
}

void json_write_string(FILE *f, const char *s)
{
	json_write_string_n(f, s, strlen(s));
}

void json_init(struct json_writer *w, FILE *f)
{
	memset(w, 0, sizeof(*w));
	w->f = f;
}

/* Separator before a value or a key in the open container. */
static void before_item(struct json_writer *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->depth > 0) {
		if (w->has_items[w->depth - 1])
			fputc(',', w->f);
		w->has_items[w->depth - 1] = true;
	}
}

static void open_container(struct json_writer *w, char c)
{
	if (w->depth >= JSON_MAX_DEPTH) {
		w->err = true;
		return;
	}
	before_item(w);
	fputc(c, w->f);
	w->has_items[w->depth++] = false;
}

static void close_container(struct json_writer *w, char c)
{
	if (w->depth <= 0 || w->after_key) {
		w->err = true;
		return;
	}
	w->depth--;
	fputc(c, w->f);
}

void json_object_begin(struct json_writer *w)
{
	open_container(w, '{');
}

void json_object_end(struct json_writer *w)
{
	close_container(w, '}');
}

void json_array_begin(struct json_writer *w)
{
	open_container(w, '[');
}

void json_array_end(struct json_writer *w)
{
	close_container(w, ']');
}

void json_key(struct json_writer *w, const char *key)
{
	before_item(w);
	json_write_string(w->f, key);
	fputc(':', w->f);
	w->after_key = true;
}

void json_string(struct json_writer *w, const char *s)
{
	before_item(w);
	json_write_string(w->f, s);
}

void json_string_n(struct json_writer *w, const char *s, size_t maxlen)
{
	before_item(w);
	json_write_string_n(w->f, s, maxlen);
}

void json_int(struct json_writer *w, long long v)
{
	before_item(w);
	fprintf(w->f, "%lld", v);
}

void json_uint(struct json_writer *w, unsigned long long v)
{
	before_item(w);
	fprintf(w->f, "%llu", v);
}

void json_bool(struct json_writer *w, bool v)
{
	before_item(w);
	fputs(v ? "true" : "false", w->f);
}

void json_null(struct json_writer *w)
{
	before_item(w);
	fputs("null", w->f);
}

void json_kv_string(struct json_writer *w, const char *key, const char *s)
{
	json_key(w, key);
	json_string(w, s);
}

void json_kv_string_n(struct json_writer *w, const char *key, const char *s, size_t maxlen)
{
	json_key(w, key);
	json_string_n(w, s, maxlen);
}

void json_kv_int(struct json_writer *w, const char *key, long long v)
{
	json_key(w, key);
	json_int(w, v);
}

void json_kv_uint(struct json_writer *w, const char *key, unsigned long long v)
{
	json_key(w, key);
	json_uint(w, v);
}

void json_kv_bool(struct json_writer *w, const char *key, bool v)
{
	json_key(w, key);
	json_bool(w, v);
}

int json_finish(struct json_writer *w)
{
	if (w->err || w->depth != 0 || w->after_key || ferror(w->f))
		return -1;
	return 0;
}
