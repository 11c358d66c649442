/*
 * "Did you mean X?": the closest of a set of names to one that is not among
 * them, for errors about unknown commands, subcommands, options, fields and
 * plan-file keys. util/: libc only.
 */
#ifndef TW_UTIL_SUGGEST_H
#define TW_UTIL_SUGGEST_H

#include <stddef.h>

/*
 * The edit distance between a and b in bytes: insertions, deletions,
 * substitutions and swaps of two neighbours ("tilte" is one from "title"),
 * each counted once (optimal string alignment); max + 1 when it is more
 * than max.
 */
size_t edit_distance(const char *a, const char *b, size_t max);

/* The nearest name so far to word; feed candidates with suggest_add(). */
struct suggest {
	const char *word;
	const char *best;	/* borrowed from the caller */
	size_t dist;
};

#define SUGGEST_MAX_DISTANCE 2

void suggest_init(struct suggest *s, const char *word);
/*
 * Consider cand (NULL is ignored): it becomes the suggestion when it is
 * nearer than the best so far, within SUGGEST_MAX_DISTANCE and less than
 * half the length of the longer of the two (so "ab" suggests nothing for
 * "xy"). Ties keep the first.
 */
void suggest_add(struct suggest *s, const char *cand);
/*
 * " (did you mean 'X'?)" in buf, or "" without a suggestion: for the end of
 * an error message. size >= 32; a long name is cut to fit.
 */
const char *suggest_text(const struct suggest *s, char *buf, size_t size);

#endif
