// SPDX-License-Identifier: GPL-2.0
/*
 * SHA-256 (sha256.h) against the examples of FIPS 180-4 (NIST's "SHA-256"
 * example values: one block, two blocks, a million 'a'), the empty message,
 * the lengths around the padding boundaries (55/56 bytes: the length still
 * fits the last block or not; 63/64/65: a full block), and updates in
 * pieces of every size giving the one-call digest.
 */
#include <stdlib.h>
#include <string.h>
#include "sha256.h"
#include "unit.h"

static const char *hex_of(const void *data, size_t len)
{
	static char hex[SHA256_HEX_LEN];
	unsigned char d[SHA256_LEN];

	sha256_buf(data, len, d);
	return sha256_hex(d, hex);
}

static const char *hex_of_a(size_t n)
{
	char *buf;
	const char *hex;

	buf = malloc(n + 1);
	if (!buf)
		UNIT_FAIL("out of memory");
	memset(buf, 'a', n);
	hex = hex_of(buf, n);
	free(buf);
	return hex;
}

TEST(fips_one_block)
{
	ASSERT_STREQ(hex_of("abc", 3),
		     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(fips_two_blocks)
{
	static const char m[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

	ASSERT_STREQ(hex_of(m, strlen(m)),
		     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(fips_896_bits)
{
	static const char m[] = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
				"hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";

	ASSERT_STREQ(hex_of(m, strlen(m)),
		     "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

TEST(fips_a_million_a)
{
	ASSERT_STREQ(hex_of_a(1000000),
		     "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(empty_message)
{
	ASSERT_STREQ(hex_of("", 0),
		     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

/* the digests of n 'a's, from coreutils' sha256sum */
TEST(padding_boundaries)
{
	static const struct { size_t n; const char *hex; } cases[] = {
		{ 55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318" },
		{ 56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a" },
		{ 57, "f13b2d724659eb3bf47f2dd6af1accc87b81f09f59f2b75e5c0bed6589dfe8c6" },
		{ 63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34" },
		{ 64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb" },
		{ 65, "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0" },
		{ 119, "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb" },
		{ 120, "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ASSERT_STREQ(hex_of_a(cases[i].n), cases[i].hex);
}

TEST(pieces_of_every_size_give_the_same_digest)
{
	unsigned char msg[300], one[SHA256_LEN], pieces[SHA256_LEN];
	struct sha256 s;
	size_t step, off, n;

	for (off = 0; off < sizeof(msg); off++)
		msg[off] = (unsigned char)(off * 131 + 7);
	sha256_buf(msg, sizeof(msg), one);
	for (step = 1; step <= 130; step++) {
		sha256_init(&s);
		for (off = 0; off < sizeof(msg); off += n) {
			n = sizeof(msg) - off < step ? sizeof(msg) - off : step;
			sha256_update(&s, msg + off, n);
		}
		sha256_final(&s, pieces);
		if (memcmp(one, pieces, sizeof(one)))
			UNIT_FAIL("pieces of %zu bytes give another digest", step);
	}
}

UNIT_MAIN()
