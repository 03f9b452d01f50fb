/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SHA-256 (FIPS 180-4), for the hash of the policy in force that `status`
 * and `metrics` show: the one digest dmaguard needs, so no crypto library
 * is linked into the static binary for it.
 */
#ifndef DMAGUARD_SHA256_H
#define DMAGUARD_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN	32
#define SHA256_HEX_LEN	(2 * SHA256_LEN + 1)	/* with the NUL */

struct sha256 {
	uint32_t h[8];
	uint64_t bytes;		/* message length so far */
	unsigned char block[64];
	size_t used;		/* bytes in block */
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
void sha256_final(struct sha256 *s, unsigned char out[SHA256_LEN]);

/* The digest of len bytes at data, in one call. */
void sha256_buf(const void *data, size_t len, unsigned char out[SHA256_LEN]);

/* Lower-case hex of a digest into buf (SHA256_HEX_LEN bytes); returns buf. */
char *sha256_hex(const unsigned char digest[SHA256_LEN], char buf[SHA256_HEX_LEN]);

#endif
