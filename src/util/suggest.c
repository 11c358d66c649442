/*
 * Nearest names (suggest.h): a bounded edit distance, one row at a time,
 * giving up on a row whose every cell is past the bound.
 */
#include "util/suggest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t
edit_distance(const char *a, const char *b, size_t max)
{
	size_t la = strlen(a), lb = strlen(b), *mem, *prev2, *prev, *row, d;

	if ((la > lb ? la - lb : lb - la) > max)
		return max + 1;
	mem = malloc(3 * (lb + 1) * sizeof(*mem));
	if (!mem)
		return max + 1;
	prev2 = mem;
	prev = mem + lb + 1;
	row = mem + 2 * (lb + 1);
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t low = row[0] = i, *t;

		for (size_t j = 1; j <= lb; j++) {
			size_t best = prev[j - 1] + (a[i - 1] != b[j - 1]);

			if (prev[j] + 1 < best)
				best = prev[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			/* Two neighbours swapped ("tilte") are one edit. */
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && prev2[j - 2] + 1 < best)
				best = prev2[j - 2] + 1;
			row[j] = best;
			if (best < low)
				low = best;
		}
		if (low > max) {
			free(mem);
			return max + 1;
		}
		t = prev2;
		prev2 = prev;
		prev = row;
		row = t;
	}
	d = prev[lb];
	free(mem);
	return d > max ? max + 1 : d;
}

void
suggest_init(struct suggest *s, const char *word)
{
	s->word = word ? word : "";
	s->best = NULL;
	s->dist = SUGGEST_MAX_DISTANCE + 1;
}

void
suggest_add(struct suggest *s, const char *cand)
{
	size_t d, longer;

	if (!cand || !strcmp(cand, s->word))
		return;
	d = edit_distance(s->word, cand, SUGGEST_MAX_DISTANCE);
	longer = strlen(cand) > strlen(s->word) ? strlen(cand)
						: strlen(s->word);
	if (d < s->dist && 2 * d < longer) {
		s->best = cand;
		s->dist = d;
	}
}

const char *
suggest_text(const struct suggest *s, char *buf, size_t size)
{
	if (!s->best) {
		buf[0] = '\0';
		return buf;
	}
	snprintf(buf, size, " (did you mean '%.*s'?)", (int)(size - 22),
		 s->best);
	return buf;
}
