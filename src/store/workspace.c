/*
 * Workspace settings: one table of known keys, each with its parser and its
 * JSON view, so `config set` refuses what `check` could not use, and the
 * holidays merge that plan and check share.
 */
#include "store/workspace.h"
#include "core/commercial.h"
#include "formats/eml.h"
#include "util/base64.h"
#include "util/strbuf.h"
#include "util/utf8.h"
#include "util/xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * Business days are counted one at a time, so a gap of millions would
 * stall the check; four years of business days is more than any cycle.
 */
#define MAX_GAP_LIMIT 1000

/* A count of business days, 0 to MAX_GAP_LIMIT. */
static int
parse_bdays(const char *key, const char *value, char **canon,
	    struct tw_error *err)
{
	struct strbuf sb = STRBUF_INIT;
	char *end;
	long v;

	errno = 0;
	v = strtol(value, &end, 10);
	if (!*value || isspace((unsigned char)*value) || *end || errno ||
	    v < 0 || v > MAX_GAP_LIMIT)
		return tw_error_set(err, TW_EINPUT,
				    "%s: expected an integer from 0 to %d "
				    "(business days), got '%s'",
				    key, MAX_GAP_LIMIT, value);
	strbuf_addf(&sb, "%ld", v);
	*canon = strbuf_detach(&sb, NULL);
	return 0;
}

static int
parse_max_gap(const char *value, char **canon, struct tw_error *err)
{
	return parse_bdays("momentum.max_gap", value, canon, err);
}

static int
parse_overdue_grace(const char *value, char **canon, struct tw_error *err)
{
	return parse_bdays("momentum.overdue_grace", value, canon, err);
}

/* A number > 0 (key and what it counts name it in the error). */
static int
parse_positive(const char *key, const char *unit, const char *value,
	       char **canon, struct tw_error *err)
{
	struct strbuf sb = STRBUF_INIT;
	char *end;
	double v;

	errno = 0;
	v = strtod(value, &end);
	if (!*value || isspace((unsigned char)*value) || *end || errno ||
	    !isfinite(v) || v <= 0)
		return tw_error_set(err, TW_EINPUT,
				    "%s: expected a number greater than 0 "
				    "(%s), got '%s'", key, unit, value);
	strbuf_addf(&sb, "%.15g", v);
	*canon = strbuf_detach(&sb, NULL);
	return 0;
}

static int
parse_half_life(const char *value, char **canon, struct tw_error *err)
{
	return parse_positive("momentum.half_life", "business days", value,
			      canon, err);
}

static int
parse_baseline(const char *value, char **canon, struct tw_error *err)
{
	return parse_positive("stats.baseline_days", "calendar days", value,
			      canon, err);
}

/*
 * "2026-12-24, 2026-12-25" into sorted, unique days (caller frees *out);
 * an empty item, trailing comma included, is an error.
 */
static int
parse_day_list(const char *value, tw_date **out, size_t *n,
	       struct tw_error *err)
{
	const char *p = value;

	*out = NULL;
	*n = 0;
	for (;;) {
		size_t len = strcspn(p, ",");
		const char *q = p;
		char *item;
		tw_date day;
		int r;

		while (len && isspace((unsigned char)*q)) {
			q++;
			len--;
		}
		while (len && isspace((unsigned char)q[len - 1]))
			len--;
		item = xstrndup(q, len);
		r = date_parse(item, &day, err);
		free(item);
		if (r < 0) {
			free(*out);
			*out = NULL;
			return tw_error_set(err, TW_EINPUT,
					    "holidays: expected dates "
					    "YYYY-MM-DD separated by commas, "
					    "got '%s'",
					    value);
		}
		*out = xrealloc(*out, (*n + 1) * sizeof(**out));
		(*out)[(*n)++] = day;
		p += strcspn(p, ",");
		if (!*p)
			break;
		p++;
	}
	*n = holidays_normalize(*out, *n);
	return 0;
}

/* The stored text of days: "2026-12-24,2026-12-25". */
static char *
format_days(const tw_date *days, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	char buf[DATE_BUFSZ];

	for (size_t i = 0; i < n; i++)
		strbuf_addf(&sb, "%s%s", i ? "," : "",
			    date_format(days[i], buf));
	return strbuf_detach(&sb, NULL);
}

static int
parse_holidays(const char *value, char **canon, struct tw_error *err)
{
	tw_date *days;
	size_t n;
	int r;

	if ((r = parse_day_list(value, &days, &n, err)) < 0)
		return r;
	*canon = format_days(days, n);
	free(days);
	return 0;
}

static int load_one(struct store *st, const char *key, char **out,
		    struct tw_error *err);

/* ---- branding ---------------------------------------------------------- */

#define BRAND_NAME_MAX 80

/* Who prepares the documents: "Northwind Data". */
static int
parse_brand_name(const char *value, char **canon, struct tw_error *err)
{
	size_t n = strlen(value);

	if (!n || n > BRAND_NAME_MAX || !utf8_valid(value))
		return tw_error_set(err, TW_EINPUT,
				    "brand.name: expected a name of 1 to %d "
				    "bytes of UTF-8 text, got '%s'",
				    BRAND_NAME_MAX, value);
	for (const char *p = value; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return tw_error_set(err, TW_EINPUT,
					    "brand.name: a control character "
					    "in '%s'", value);
	*canon = xstrdup(value);
	return 0;
}

/* "#1F3A5F" is stored as "#1f3a5f". */
static int
parse_brand_color(const char *value, char **canon, struct tw_error *err)
{
	char *c;

	if (strlen(value) != 7 || value[0] != '#' ||
	    strspn(value + 1, "0123456789abcdefABCDEF") != 6)
		return tw_error_set(err, TW_EINPUT,
				    "brand.color: expected a colour #rrggbb "
				    "(six hexadecimal digits), got '%s'",
				    value);
	c = xstrdup(value);
	for (char *p = c; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	*canon = c;
	return 0;
}

/* The image type of a logo's bytes: PNG, SVG, or NULL. */
static const char *
logo_type(const unsigned char *p, size_t n)
{
	static const unsigned char png[] = { 0x89, 'P', 'N', 'G', '\r', '\n',
					     0x1a, '\n' };
	struct strbuf head = STRBUF_INIT;
	const char *type = NULL;

	if (n >= sizeof(png) && !memcmp(p, png, sizeof(png)))
		return "image/png";
	/* An SVG document: its root element within the first 4 KiB. */
	strbuf_add(&head, p, n < 4096 ? n : 4096);
	for (size_t i = 0; i < head.len; i++)
		if (!head.buf[i])
			head.buf[i] = ' ';
	if (utf8_valid(head.buf) && strstr(head.buf, "<svg"))
		type = "image/svg+xml";
	strbuf_release(&head);
	return type;
}

int
workspace_logo_uri(const char *file, const unsigned char *p, size_t n,
		   char **uri, struct tw_error *err)
{
	struct strbuf sb = STRBUF_INIT;
	const char *type;

	if (n > BRAND_LOGO_MAX)
		return tw_error_set(err, TW_EINPUT,
				    "brand.logo: '%s' is %zu bytes or more; "
				    "the limit is %d bytes (%d KiB)", file, n,
				    BRAND_LOGO_MAX, BRAND_LOGO_MAX / 1024);
	if (!(type = logo_type(p, n)))
		return tw_error_set(err, TW_EINPUT,
				    "brand.logo: '%s' is neither a PNG nor an "
				    "SVG image", file);
	strbuf_addf(&sb, "data:%s;base64,", type);
	base64_encode(&sb, p, n);
	*uri = strbuf_detach(&sb, NULL);
	return 0;
}

/* A data: URI of a PNG or SVG image within the limit. */
static int
parse_brand_logo(const char *value, char **canon, struct tw_error *err)
{
	static const char *const prefix[] = { "data:image/png;base64,",
		"data:image/svg+xml;base64," };
	struct strbuf img = STRBUF_INIT;
	const char *b64 = NULL;
	char *uri;
	int r;

	for (size_t i = 0; i < 2 && !b64; i++)
		if (!strncmp(value, prefix[i], strlen(prefix[i])))
			b64 = value + strlen(prefix[i]);
	if (!b64 || base64_decode(&img, b64, strlen(b64)) < 0) {
		strbuf_release(&img);
		return tw_error_set(err, TW_EINPUT,
				    "brand.logo: expected a PNG or SVG file "
				    "('techwin config set brand.logo FILE') "
				    "or a data:image/png;base64 or "
				    "data:image/svg+xml;base64 URI");
	}
	r = workspace_logo_uri("the image", (unsigned char *)img.buf,
			       img.len, &uri, err);
	strbuf_release(&img);
	if (r < 0)
		return r;
	*canon = uri;
	return 0;
}

static json_t *
str_json(const char *text)
{
	return *text ? json_string(text) : json_null();
}

int
workspace_brand_load(struct store *st, struct brand *b, struct tw_error *err)
{
	char *v;
	int r;

	memset(b, 0, sizeof(*b));
	if ((r = load_one(st, "brand.name", &b->name, err)) < 0 ||
	    (r = load_one(st, "brand.logo", &b->logo, err)) < 0 ||
	    (r = load_one(st, "brand.color", &v, err)) < 0) {
		brand_release(b);
		return r;
	}
	if (v) {
		b->has_color = true;
		b->color = (unsigned)strtoul(v + 1, NULL, 16);
	}
	free(v);
	return 0;
}

static json_t *
int_json(const char *text)
{
	return json_integer(strtol(text, NULL, 10));
}

static json_t *
num_json(const char *text)
{
	double v = strtod(text, NULL);

	if (v == floor(v) && fabs(v) < 9007199254740992.0)
		return json_integer((json_int_t)v);
	return json_real(v);
}

/* A number, or null when unset (no default). */
static json_t *
opt_num_json(const char *text)
{
	return *text ? num_json(text) : json_null();
}

static json_t *
days_json(const char *text)
{
	json_t *a = json_array();
	const char *p = text;

	while (*p) {
		size_t len = strcspn(p, ",");

		json_array_append_new(a, json_stringn(p, len));
		p += len;
		if (*p)
			p++;
	}
	return a;
}

/* ---- notify.* (where alerts go) ----------------------------------------- */

static bool
has_space_or_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s == 0x7f)
			return true;
	return false;
}

/* value starts with one of the schemes and has a host after it. */
static int
parse_url(const char *key, const char *value, const char *const *schemes,
	  const char *expect, char **canon, struct tw_error *err)
{
	const char *host = NULL;
	size_t n = strlen(value);

	for (size_t i = 0; schemes[i] && !host; i++)
		if (!strncmp(value, schemes[i], strlen(schemes[i])))
			host = value + strlen(schemes[i]);
	if (!host || !*host || *host == '/' || has_space_or_control(value))
		return tw_error_set(err, TW_EINPUT, "%s: expected %s, got '%s'",
				    key, expect, value);
	if (memchr(host, '@', strcspn(host, "/?#")))
		return tw_error_set(err, TW_EINPUT,
				    "%s: no user or password in the URL: set "
				    "notify.smtp_user, and the password in "
				    "TECHWIN_SMTP_PASSWORD or "
				    "notify.smtp_password_file", key);
	while (n && value[n - 1] == '/')
		n--;
	*canon = xstrndup(value, n);
	return 0;
}

static int
parse_smtp_url(const char *value, char **canon, struct tw_error *err)
{
	static const char *const schemes[] = { "smtp://", "smtps://", NULL };

	return parse_url("notify.smtp_url", value, schemes,
			 "smtp://HOST[:PORT] or smtps://HOST[:PORT]", canon,
			 err);
}

static int
parse_base_url(const char *value, char **canon, struct tw_error *err)
{
	static const char *const schemes[] = { "https://", "http://", NULL };

	return parse_url("notify.base_url", value, schemes,
			 "http(s)://HOST[/PATH], where techwin serve is "
			 "reached", canon, err);
}

static int
parse_smtp_user(const char *value, char **canon, struct tw_error *err)
{
	if (!*value || has_space_or_control(value))
		return tw_error_set(err, TW_EINPUT, "notify.smtp_user: expected "
				    "a user name without spaces, got '%s'",
				    value);
	*canon = xstrdup(value);
	return 0;
}

static int
parse_password_file(const char *value, char **canon, struct tw_error *err)
{
	if (*value != '/' || has_space_or_control(value))
		return tw_error_set(err, TW_EINPUT,
				    "notify.smtp_password_file: expected an "
				    "absolute path without spaces, got '%s'",
				    value);
	*canon = xstrdup(value);
	return 0;
}

static int
parse_from(const char *value, char **canon, struct tw_error *err)
{
	if (!eml_address_is_valid(value))
		return tw_error_set(err, TW_EINPUT, "notify.from: expected an "
				    "e-mail address (local@domain), got '%s'",
				    value);
	*canon = xstrdup(value);
	return 0;
}

static int
parse_digest_at(const char *value, char **canon, struct tw_error *err)
{
	int h, m, end = 0;
	struct strbuf sb = STRBUF_INIT;

	if (sscanf(value, "%2d:%2d%n", &h, &m, &end) != 2 || value[end] ||
	    !isdigit((unsigned char)value[0]) || h < 0 || h > 23 || m < 0 ||
	    m > 59)
		return tw_error_set(err, TW_EINPUT, "notify.digest_at: expected "
				    "a time HH:MM (00:00 to 23:59), got '%s'",
				    value);
	strbuf_addf(&sb, "%02d:%02d", h, m);
	*canon = strbuf_detach(&sb, NULL);
	return 0;
}

static int
parse_timezone(const char *value, char **canon, struct tw_error *err)
{
	const char *dir = getenv("TZDIR");
	struct strbuf path = STRBUF_INIT;
	bool ok = *value && *value != '/' && !strstr(value, "..");

	for (const char *p = value; *p && ok; p++)
		ok = isalnum((unsigned char)*p) || strchr("/_+-", *p);
	if (ok && strcmp(value, "UTC")) {
		strbuf_addf(&path, "%s/%s", dir && *dir ? dir
					     : "/usr/share/zoneinfo", value);
		ok = access(path.buf, R_OK) == 0;
	}
	strbuf_release(&path);
	if (!ok)
		return tw_error_set(err, TW_EINPUT, "notify.timezone: expected "
				    "a time zone such as UTC or Europe/Paris "
				    "(one of /usr/share/zoneinfo), got '%s'",
				    value);
	*canon = xstrdup(value);
	return 0;
}

const struct setting_def setting_defs[] = {
	{ "brand.color", "", parse_brand_color, str_json },
	{ "brand.logo", "", parse_brand_logo, str_json },
	{ "brand.name", "", parse_brand_name, str_json },
	{ "holidays", "", parse_holidays, days_json },
	{ "momentum.half_life", "10", parse_half_life, num_json },
	{ "momentum.max_gap", "5", parse_max_gap, int_json },
	{ "momentum.overdue_grace", "2", parse_overdue_grace, int_json },
	{ "notify.base_url", "", parse_base_url, str_json },
	{ "notify.digest_at", "08:00", parse_digest_at, str_json },
	{ "notify.from", "", parse_from, str_json },
	{ "notify.smtp_password_file", "", parse_password_file, str_json },
	{ "notify.smtp_url", "", parse_smtp_url, str_json },
	{ "notify.smtp_user", "", parse_smtp_user, str_json },
	{ "notify.timezone", "UTC", parse_timezone, str_json },
	{ "stats.baseline_days", "", parse_baseline, opt_num_json },
	{ NULL, NULL, NULL, NULL },
};

json_t *
setting_to_json(const struct setting_def *def, const char *stored)
{
	json_t *o = json_object();

	json_object_set_new(o, "key", json_string(def->key));
	json_object_set_new(o, "value",
			    def->to_json(stored ? stored : def->def));
	json_object_set_new(o, "source",
			    json_string(stored ? "set" : "default"));
	return o;
}

const struct setting_def *
setting_find(const char *key, struct tw_error *err)
{
	struct strbuf known = STRBUF_INIT;

	for (size_t i = 0; setting_defs[i].key; i++)
		if (!strcmp(setting_defs[i].key, key))
			return &setting_defs[i];
	for (size_t i = 0; setting_defs[i].key; i++)
		strbuf_addf(&known, "%s%s", i ? ", " : "", setting_defs[i].key);
	tw_error_set(err, TW_EINPUT, "unknown setting '%s' (known: %s)", key,
		     known.buf);
	strbuf_release(&known);
	return NULL;
}

/*
 * The stored text of key, checked again: the database may have been
 * written by hand. *out is NULL when unset.
 */
static int
load_one(struct store *st, const char *key, char **out, struct tw_error *err)
{
	const struct setting_def *def = setting_find(key, err);
	char *canon = NULL;
	int r;

	*out = NULL;
	if (!def)
		return TW_EINPUT;
	if ((r = store_setting_get(st, key, out, err)) < 0 || !*out)
		return r;
	if ((r = def->parse(*out, &canon, err)) < 0) {
		tw_error_prefix(err, "setting in the database");
		free(*out);
		*out = NULL;
		return r;
	}
	free(canon);
	return 0;
}

int
workspace_load(struct store *st, struct workspace *ws, struct tw_error *err)
{
	char *v;
	int r;

	memset(ws, 0, sizeof(*ws));
	ws->momentum.max_gap = MOMENTUM_DEFAULT_MAX_GAP;
	ws->momentum.half_life = MOMENTUM_DEFAULT_HALF_LIFE;
	ws->momentum.overdue_grace = MOMENTUM_DEFAULT_OVERDUE_GRACE;

	if ((r = load_one(st, "momentum.max_gap", &v, err)) < 0)
		return r;
	if (v)
		ws->momentum.max_gap = (int)strtol(v, NULL, 10);
	free(v);
	if ((r = load_one(st, "momentum.half_life", &v, err)) < 0)
		return r;
	if (v)
		ws->momentum.half_life = strtod(v, NULL);
	free(v);
	if ((r = load_one(st, "momentum.overdue_grace", &v, err)) < 0)
		return r;
	if (v)
		ws->momentum.overdue_grace = (int)strtol(v, NULL, 10);
	free(v);
	if ((r = load_one(st, "stats.baseline_days", &v, err)) < 0)
		return r;
	ws->has_baseline = v != NULL;
	if (v)
		ws->baseline_days = strtod(v, NULL);
	free(v);
	if ((r = load_one(st, "holidays", &v, err)) < 0)
		return r;
	if (v)
		r = parse_day_list(v, &ws->holidays, &ws->nholidays, err);
	free(v);
	if (r == 0)
		r = workspace_brand_load(st, &ws->brand, err);
	if (r == 0)
		r = store_playbook_get(st, &ws->playbook, &ws->nplaybook, err);
	return r;
}

int
workspace_playbook_set(struct store *st, const struct step *steps, size_t n,
		       struct validation_site *site, struct tw_error *err)
{
	int r;

	if ((r = playbook_validate(steps, n, site, err)) < 0)
		return r;
	return store_playbook_set(st, steps, n, err);
}

const struct step *
workspace_playbook(const struct workspace *ws, size_t *n, bool *set)
{
	*set = ws->nplaybook > 0;
	if (*set) {
		*n = ws->nplaybook;
		return ws->playbook;
	}
	return default_playbook(n);
}

int
workspace_setting_set(struct store *st, const char *key, const char *value,
		      char **canon, struct tw_error *err)
{
	const struct setting_def *def = setting_find(key ? key : "", err);
	char *text = NULL;
	int r;

	if (canon)
		*canon = NULL;
	if (!def)
		return TW_EINPUT;
	if (value && (r = def->parse(value, &text, err)) < 0)
		return r;
	r = store_setting_set(st, def->key, text, err);
	if (r == 0 && canon)
		*canon = text;
	else
		free(text);
	return r;
}

/* Whether day is one of days[0..n). */
static bool
day_in(tw_date day, const tw_date *days, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (days[i] == day)
			return true;
	return false;
}

/*
 * Add days to the workspace's holidays, or (add false) take them out, in
 * one transaction; *changed is how many were added or taken out.
 */
static int
change_holidays(struct store *st, const tw_date *days, size_t n, bool add,
		size_t *changed, struct tw_error *err)
{
	tw_date *all = NULL;
	size_t nall = 0, n0, k = 0;
	char *v = NULL, *canon;
	int r;

	*changed = 0;
	if ((r = store_begin(st, err)) < 0)
		return r;
	r = load_one(st, "holidays", &v, err);
	if (r == 0 && v)
		r = parse_day_list(v, &all, &nall, err);
	free(v);
	n0 = nall;
	if (r == 0 && n && add) {
		all = xrealloc(all, (nall + n) * sizeof(*all));
		memcpy(all + nall, days, n * sizeof(*days));
		nall = holidays_normalize(all, nall + n);
	} else if (r == 0 && n) {
		for (size_t i = 0; i < nall; i++)
			if (!day_in(all[i], days, n))
				all[k++] = all[i];
		nall = k;
	}
	if (r == 0 && nall != n0) {
		/* No holidays left is the setting unset, as it began. */
		canon = nall ? format_days(all, nall) : NULL;
		r = store_setting_set(st, "holidays", canon, err);
		free(canon);
	}
	free(all);
	if (r == 0)
		r = store_commit(st, err);
	if (r < 0) {
		store_rollback(st);
		return r;
	}
	*changed = add ? nall - n0 : n0 - nall;
	return 0;
}

int
workspace_add_holidays(struct store *st, const tw_date *days, size_t n,
		       size_t *added, struct tw_error *err)
{
	return change_holidays(st, days, n, true, added, err);
}

int
workspace_remove_holidays(struct store *st, const tw_date *days, size_t n,
			  size_t *removed, struct tw_error *err)
{
	return change_holidays(st, days, n, false, removed, err);
}

void
workspace_release(struct workspace *ws)
{
	free(ws->holidays);
	brand_release(&ws->brand);
	playbook_free(ws->playbook, ws->nplaybook);
	memset(ws, 0, sizeof(*ws));
}

struct holidays
workspace_days(const struct workspace *ws)
{
	struct holidays h = { ws->holidays, ws->nholidays, ws->playbook,
			      ws->nplaybook };

	return h;
}

struct holidays
workspace_holidays(const struct workspace *ws, const struct deal *d,
		   tw_date **buf)
{
	struct holidays h = workspace_days(ws);

	return deal_merged_holidays(d, &h, buf);
}
