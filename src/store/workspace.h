/*
 * Workspace settings (`techwin config`): the known keys with their
 * validation and defaults, loading them from the store, and the holiday
 * set every command that counts business days uses (the deal's holidays
 * merged with the workspace's).
 */
#ifndef TW_STORE_WORKSPACE_H
#define TW_STORE_WORKSPACE_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "core/brand.h"
#include "core/momentum.h"
#include "core/validate.h"
#include "store/store.h"
#include "util/error.h"

struct setting_def {
	const char *key;
	const char *def;	/* default as text; "" for none */
	/*
	 * Check value; on success *canon is the text to store (caller
	 * frees): "07" becomes "7", holidays are sorted and deduplicated.
	 */
	int (*parse)(const char *value, char **canon, struct tw_error *err);
	/* The stored or default text as a typed JSON value. */
	json_t *(*to_json)(const char *text);
};

/* The known keys, sorted; NULL-terminated by key. */
extern const struct setting_def setting_defs[];
/* The definition of key, or NULL with TW_EINPUT naming the known keys. */
const struct setting_def *setting_find(const char *key, struct tw_error *err);

/*
 * Set key to value (NULL: unset it, back to the default) as
 * `techwin config set` and the settings page do: an unknown key or a value
 * the key's parser refuses is TW_EINPUT and nothing is written. *canon
 * (may be NULL; caller frees) gets the text stored. The change is
 * recorded in the history.
 */
int workspace_setting_set(struct store *st, const char *key,
			  const char *value, char **canon,
			  struct tw_error *err);

/*
 * {"key", "value", "source"} as techwin config get --json shows it: the
 * stored text (NULL: unset, the default shown) as a typed value.
 */
json_t *setting_to_json(const struct setting_def *def, const char *stored);

struct workspace {
	struct momentum_settings momentum;
	tw_date *holidays;	/* sorted, unique */
	size_t nholidays;
	/* stats.baseline_days: the team's cycle before techwin, if set. */
	bool has_baseline;
	double baseline_days;
	struct brand brand;	/* brand.name, brand.color, brand.logo */
	/* The workspace's playbook; none: the built-in default applies. */
	struct step *playbook;
	size_t nplaybook;
};

/*
 * The branding settings (brand.name, brand.color, brand.logo) into b,
 * unset ones left NULL or without colour; brand_release frees them.
 */
int workspace_brand_load(struct store *st, struct brand *b,
			 struct tw_error *err);

/*
 * The logo file's bytes (file names it in errors) as the data: URI
 * brand.logo stores (caller frees *uri): TW_EINPUT when it is larger than
 * BRAND_LOGO_MAX or neither a PNG nor an SVG image.
 */
int workspace_logo_uri(const char *file, const unsigned char *p, size_t n,
		       char **uri, struct tw_error *err);

/* Every known setting from st, defaults where unset. */
int workspace_load(struct store *st, struct workspace *ws,
		   struct tw_error *err);
void workspace_release(struct workspace *ws);

/*
 * Add days (sorted, unique) to the workspace's holidays in one
 * transaction, through the "holidays" setting: *added of them were not
 * holidays yet, the others already were. Nothing is written on error.
 */
int workspace_add_holidays(struct store *st, const tw_date *days, size_t n,
			   size_t *added, struct tw_error *err);

/*
 * Remove days from the workspace's holidays in one transaction: *removed
 * of them were holidays, the others were not (no error).
 */
int workspace_remove_holidays(struct store *st, const tw_date *days,
			      size_t n, size_t *removed,
			      struct tw_error *err);

/*
 * Set the workspace's playbook to steps (n 0: reset, back to the built-in
 * default), as config playbook, PUT /api/settings/playbook and the
 * settings page do: TW_EINPUT with site (may be NULL) at the step and
 * field at fault when the steps break a rule of a deal's playbook
 * (playbook_validate), and nothing written. A change marks every kept
 * evaluation stale and is recorded in the history.
 */
int workspace_playbook_set(struct store *st, const struct step *steps,
			   size_t n, struct validation_site *site,
			   struct tw_error *err);

/*
 * The steps a deal without a playbook of its own is planned with: the
 * workspace's, else the built-in default (borrowed). *set says which.
 */
const struct step *workspace_playbook(const struct workspace *ws, size_t *n,
				      bool *set);

/*
 * The workspace's holidays as a view (borrowed), carrying its playbook
 * (struct holidays).
 */
struct holidays workspace_days(const struct workspace *ws);

/*
 * The deal's holidays and the workspace's, merged into *buf (the caller
 * frees it; the view borrows it).
 */
struct holidays workspace_holidays(const struct workspace *ws,
				   const struct deal *d, tw_date **buf);

#endif
