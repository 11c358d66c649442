/*
 * The workspace's branding of the documents a prospect receives (config
 * brand.name, brand.color, brand.logo): who prepared them, the accent
 * colour, and the logo as a data: URI ("data:image/png;base64,...").
 */
#ifndef TW_CORE_BRAND_H
#define TW_CORE_BRAND_H

#include <stdbool.h>
#include <stdlib.h>

struct brand {
	char *name;		/* NULL when unset */
	bool has_color;
	unsigned color;		/* 0xRRGGBB */
	char *logo;		/* a data: URI, NULL when unset */
};

/* The largest logo accepted, in bytes of the image file. */
#define BRAND_LOGO_MAX (64 * 1024)

static inline void
brand_release(struct brand *b)
{
	free(b->name);
	free(b->logo);
	b->name = b->logo = NULL;
	b->has_color = false;
}

#endif
