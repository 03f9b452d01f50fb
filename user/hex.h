/* SPDX-License-Identifier: GPL-2.0 */
/* Hexadecimal digits, for the policy's and the journal's parsers. */
#ifndef DMAGUARD_HEX_H
#define DMAGUARD_HEX_H

/* The value of hexadecimal digit c, or -1. */
static inline int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#endif
