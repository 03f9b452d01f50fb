/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small JSON writer (RFC 8259) for `status --json` and the event stream.
 *
 * Strings are bytes, not text: sysfs names, driver names and comms may hold
 * any byte, and what matters is which bytes. '"' and '\' are escaped,
 * control characters as \b \f \n \r \t or \u00XX, and every byte from 0x7f
 * up as \u00XX, one escape per byte. So the output is ASCII and valid JSON
 * whatever the input (invalid UTF-8 included), and the decoded string,
 * encoded as Latin-1, gives back the exact bytes. The event lines
 * (event_format.c) write strings the same way, so names in
 * `status --json` and in events compare equal.
 *
 * Writes go to a stdio stream; a failed write shows up in ferror(f), which
 * the caller checks once at the end.
 */
#ifndef DMAGUARD_JSON_H
#define DMAGUARD_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/*
 * The JSON form of one byte of a string: the byte itself, a two-character
 * escape (\" \\ \b \f \n \r \t) or \u00XX for any other byte below 0x20
 * or from 0x7f. Writes it to out (not NUL-terminated) and returns its length.
 * Every writer of JSON strings (status, events) escapes through this.
 */
#define JSON_ESCAPE_MAX 7
size_t json_escape_byte(unsigned char c, char out[JSON_ESCAPE_MAX]);

/* Write s (NUL-terminated) as a quoted JSON string. */
void json_write_string(FILE *f, const char *s);

/* Same for a char array that may fill all of its maxlen bytes without a NUL. */
void json_write_string_n(FILE *f, const char *s, size_t maxlen);

/*
 * Structured writer: tracks where commas and colons go. Nesting deeper than
 * JSON_MAX_DEPTH is a programming error; it sets w->err and writes nothing.
 */
#define JSON_MAX_DEPTH 32

struct json_writer {
	FILE *f;
	int depth;
	bool err;
	bool after_key;			/* a key was written, the value comes next */
	bool has_items[JSON_MAX_DEPTH];	/* the open container already has an item */
};

void json_init(struct json_writer *w, FILE *f);
void json_object_begin(struct json_writer *w);
void json_object_end(struct json_writer *w);
void json_array_begin(struct json_writer *w);
void json_array_end(struct json_writer *w);
void json_key(struct json_writer *w, const char *key);
void json_string(struct json_writer *w, const char *s);
void json_string_n(struct json_writer *w, const char *s, size_t maxlen);
void json_int(struct json_writer *w, long long v);
void json_uint(struct json_writer *w, unsigned long long v);
void json_bool(struct json_writer *w, bool v);
void json_null(struct json_writer *w);

/* key + value in one call */
void json_kv_string(struct json_writer *w, const char *key, const char *s);
void json_kv_string_n(struct json_writer *w, const char *key, const char *s, size_t maxlen);
void json_kv_int(struct json_writer *w, const char *key, long long v);
void json_kv_uint(struct json_writer *w, const char *key, unsigned long long v);
void json_kv_bool(struct json_writer *w, const char *key, bool v);

/* 0 when everything was written, -1 after a nesting error or a failed write */
int json_finish(struct json_writer *w);

#endif
