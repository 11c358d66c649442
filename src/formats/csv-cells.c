/*
 * CRM export text (csv-import.h, csv-cells.h): lines as libcsv ends them,
 * dates and amounts in the shapes CRMs write them, stage names, and deal
 * names made into slugs.
 */
#include "formats/csv-import.h"
#include "formats/csv-cells.h"
#include "util/xalloc.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- lines ------------------------------------------------------------ */

/*
 * The line end starting at p, before end: 2 for CRLF, 1 for LF or a lone
 * CR, 0 for none. libcsv ends a record at a lone CR as at LF, so every
 * place that counts or slices lines must agree with it.
 */
size_t
crm_eol_len(const char *p, const char *end)
{
	if (p >= end)
		return 0;
	if (*p == '\r')
		return p + 1 < end && p[1] == '\n' ? 2 : 1;
	return *p == '\n';
}

/*
 * The line at p, before end: *eol gets where its text ends (its line end
 * starts there, or it is end); returns where the next line starts.
 */
const char *
crm_line_next(const char *p, const char *end, const char **eol)
{
	const char *lf = memchr(p, '\n', (size_t)(end - p));
	const char *cr = memchr(p, '\r', (size_t)((lf ? lf : end) - p));

	*eol = cr ? cr : lf ? lf : end;
	return *eol + crm_eol_len(*eol, end);
}

/* [*s, *e) without surrounding white space. */
void
crm_trim(const char **s, const char **e)
{
	while (*s < *e && is_space(**s))
		(*s)++;
	while (*e > *s && is_space((*e)[-1]))
		(*e)--;
}

/* ---- cells ------------------------------------------------------------ */

/* n digits at s as a number; -1 unless exactly digits. */
static int
digits(const char *s, size_t n)
{
	int v = 0;

	for (size_t i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* A run of 1..max digits at *s, advancing past it; -1 when none. */
static int
take_digits(const char **s, size_t max)
{
	size_t n = 0;
	int v = 0;

	while (is_digit((*s)[n])) {
		if (n == max)
			return -1;
		v = v * 10 + ((*s)[n] - '0');
		n++;
	}
	if (n == 0)
		return -1;
	*s += n;
	return v;
}

/*
 * The time after a date ("14:22", "9:14 AM", "14:22:05.123Z", "+01:00"),
 * which an import drops: only its shape is checked.
 */
static bool
time_ok(const char *s)
{
	int h, m;

	h = take_digits(&s, 2);
	if (h < 0 || *s++ != ':')
		return false;
	m = take_digits(&s, 2);
	if (m < 0 || m > 59)
		return false;
	if (*s == ':') {
		s++;
		if (take_digits(&s, 2) < 0)
			return false;
		if (*s == '.') {
			s++;
			if (take_digits(&s, 9) < 0)
				return false;
		}
	}
	while (*s == ' ')
		s++;
	if (!strcasecmp(s, "am") || !strcasecmp(s, "pm"))
		return h >= 1 && h <= 12;
	if (h > 23)
		return false;
	if (*s == 'Z' && !s[1])
		return true;
	if (*s == '+' || *s == '-') {
		s++;
		if (take_digits(&s, 2) < 0)
			return false;
		if (*s == ':')
			s++;
		return (!*s || take_digits(&s, 2) >= 0) && !*s;
	}
	return !*s;
}

int
crm_parse_date(const char *s, enum crm_date_order order, tw_date *out)
{
	const char *p = s;
	int a, b, y;
	char sep;

	if (is_digit(s[0]) && is_digit(s[1]) && is_digit(s[2]) &&
	    is_digit(s[3]) && s[4] == '-') {
		/* ISO: YYYY-MM-DD, maybe with a time ("2026-03-31 14:22"). */
		y = digits(s, 4);
		a = digits(s + 5, 2);
		if (a < 0 || s[7] != '-')
			return -1;
		b = digits(s + 8, 2);
		if (b < 0)
			return -1;
		p = s + 10;
		*out = date_from_ymd(y, a, b);
	} else {
		/* M/D/YYYY or D/M/YYYY; D.M.YYYY and M-D-YYYY alike. */
		a = take_digits(&p, 2);
		sep = *p;
		if (a < 0 || (sep != '/' && sep != '.' && sep != '-'))
			return -1;
		p++;
		b = take_digits(&p, 2);
		if (b < 0 || *p != sep)
			return -1;
		p++;
		if (digits(p, 4) < 0 || is_digit(p[4]))
			return -1;
		y = digits(p, 4);
		p += 4;
		*out = order == CRM_DMY ? date_from_ymd(y, b, a)
					: date_from_ymd(y, a, b);
	}
	if (*out == DATE_NONE)
		return -1;
	if (!*p)
		return 0;
	if (*p != ' ' && *p != 'T')
		return -1;
	while (*p == ' ')
		p++;
	if (*p == 'T')
		p++;
	return time_ok(p) ? 0 : -1;
}

/* Currency symbols seen in CRM exports and the code each stands for. */
static const struct {
	const char *sym;
	const char *code;
} symbols[] = {
	{ "US$", "USD" }, { "$", "USD" }, { "\xe2\x82\xac", "EUR" },
	{ "\xc2\xa3", "GBP" }, { "\xc2\xa5", "JPY" }, { "\xe2\x82\xb9", "INR" },
};

/*
 * Strip a currency symbol or a three-letter code from the front or the
 * back of [*s, *e), with the spaces next to it; the code goes to cur.
 * -1 when there are two.
 */
static int
strip_currency(const char **s, const char **e, char cur[4])
{
	for (int pass = 0; pass < 2; pass++) {
		bool found = false;

		crm_trim(s, e);
		for (size_t i = 0; i < ARRAY_SIZE(symbols) && !found; i++) {
			size_t n = strlen(symbols[i].sym);

			if ((size_t)(*e - *s) < n)
				continue;
			if (!memcmp(*s, symbols[i].sym, n)) {
				*s += n;
				found = true;
			} else if (!memcmp(*e - n, symbols[i].sym, n)) {
				*e -= n;
				found = true;
			}
			if (found) {
				if (cur[0] && strcmp(cur, symbols[i].code))
					return -1;
				memcpy(cur, symbols[i].code, 4);
			}
		}
		if (!found && *e - *s > 3 && is_upper((*s)[0]) &&
		    is_upper((*s)[1]) && is_upper((*s)[2]) &&
		    !is_upper((*s)[3])) {
			if (cur[0] && memcmp(cur, *s, 3))
				return -1;
			memcpy(cur, *s, 3);
			*s += 3;
			found = true;
		} else if (!found && *e - *s > 3 && is_upper((*e)[-1]) &&
			   is_upper((*e)[-2]) && is_upper((*e)[-3]) &&
			   !is_upper((*e)[-4])) {
			if (cur[0] && memcmp(cur, *e - 3, 3))
				return -1;
			memcpy(cur, *e - 3, 3);
			*e -= 3;
			found = true;
		}
		cur[3] = '\0';
		if (!found)
			break;
	}
	crm_trim(s, e);
	return 0;
}

/* Length of a thousands separator at p, or 0. */
static size_t
group_sep(const char *p, const char *e, char group)
{
	if (*p == group || *p == ' ' || *p == '\'')
		return 1;
	if (e - p >= 2 && !memcmp(p, "\xc2\xa0", 2))		/* U+00A0 */
		return 2;
	if (e - p >= 3 && !memcmp(p, "\xe2\x80\xaf", 3))	/* U+202F */
		return 3;
	return 0;
}

/*
 * Digits with optional thousands separators (the first group 1 to 3
 * digits, every later one exactly 3), then an optional decimal part; the
 * plain number goes to num.
 */
static bool
amount_number(const char *s, const char *e, char dec, char group,
	      struct strbuf *num)
{
	const char *p = s;
	size_t run = 0, groups = 0, sep;

	while (p < e && *p != dec) {
		if (is_digit(*p)) {
			strbuf_addch(num, *p++);
			run++;
			continue;
		}
		sep = group_sep(p, e, group);
		if (!sep || run == 0 || run > 3 || (groups && run != 3))
			return false;
		groups++;
		run = 0;
		p += sep;
	}
	if (run == 0 || (groups && run != 3))
		return false;
	if (p == e)
		return true;
	strbuf_addch(num, '.');
	if (++p == e)
		return false;
	for (; p < e; p++) {
		if (!is_digit(*p))
			return false;
		strbuf_addch(num, *p);
	}
	return true;
}

enum amount_err
crm_amount_parse(const char *str, bool decimal_comma, double *value,
		 char currency[4])
{
	const char *s = str, *e = str + strlen(str);
	struct strbuf num = STRBUF_INIT;
	enum amount_err rc = AMT_OK;
	bool negative = false;
	char *end;

	currency[0] = '\0';
	if (strip_currency(&s, &e, currency) < 0)
		return AMT_INVALID;
	/* -1,250 and the accountants' (1,250) */
	if (s < e && (*s == '-' || *s == '(')) {
		if (*s == '(' && e[-1] != ')')
			return AMT_INVALID;
		if (*s == '(')
			e--;
		s++;
		negative = true;
		if (strip_currency(&s, &e, currency) < 0)
			return AMT_INVALID;
	}
	if (!amount_number(s, e, decimal_comma ? ',' : '.',
			   decimal_comma ? '.' : ',', &num)) {
		strbuf_release(&num);
		/* "1.250,00" read with a decimal point: say what to do. */
		return !decimal_comma && strchr(str, ',') ? AMT_AMBIGUOUS
							  : AMT_INVALID;
	}
	*value = strtod(num.buf, &end);
	if (*end || !isfinite(*value))
		rc = AMT_INVALID;
	else if (negative && *value != 0)
		rc = AMT_NEGATIVE;
	else
		*value = fabs(*value);	/* "-0" is 0, not -0 */
	strbuf_release(&num);
	return rc;
}

int
crm_parse_amount(const char *s, bool decimal_comma, double *value,
		 char currency[4])
{
	return crm_amount_parse(s, decimal_comma, value, currency) == AMT_OK
		       ? 0
		       : -1;
}

/* "closed won", "Closed Won", "closedwon" and "Closed - Won" alike. */
enum outcome
crm_stage_outcome(const char *stage)
{
	char norm[16];
	size_t n = 0;

	for (const char *p = stage; *p; p++) {
		char c = *p;

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (!((c >= 'a' && c <= 'z') || is_digit(c)))
			continue;
		if (n + 1 >= sizeof(norm))
			return OUTCOME_OPEN;
		norm[n++] = c;
	}
	norm[n] = '\0';
	if (!strcmp(norm, "closedwon"))
		return OUTCOME_WON;
	if (!strcmp(norm, "closedlost"))
		return OUTCOME_LOST;
	return OUTCOME_OPEN;
}

/* ---- slugs ------------------------------------------------------------ */

/* U+00C0..U+00FF by their base letters ("" for × and ÷). */
static const char *const latin1[64] = {
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e",
	"i", "i", "i", "i", "d", "n", "o", "o", "o", "o", "o", "",
	"o", "u", "u", "u", "u", "y", "th", "ss", "a", "a", "a", "a",
	"a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
	"d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u",
	"u", "y", "th", "y",
};

static const struct {
	uint32_t cp;
	const char *ascii;
} latin_ext[] = {
	{ 0x0141, "l" }, { 0x0142, "l" }, { 0x0152, "oe" }, { 0x0153, "oe" },
	{ 0x0160, "s" }, { 0x0161, "s" }, { 0x017d, "z" }, { 0x017e, "z" },
};

/* Decode one code point at s; *n its length (1 for a stray byte). */
static uint32_t
utf8_next(const unsigned char *s, size_t *n)
{
	uint32_t cp;
	size_t len;

	if (s[0] < 0x80) {
		*n = 1;
		return s[0];
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		len = 0, cp = 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			len = 0;
			break;
		}
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (len == 0) {
		*n = 1;
		return 0xfffd;
	}
	*n = len;
	return cp;
}

static const char *
ascii_of(uint32_t cp)
{
	if (cp >= 0xc0 && cp <= 0xff)
		return latin1[cp - 0xc0];
	for (size_t i = 0; i < ARRAY_SIZE(latin_ext); i++)
		if (latin_ext[i].cp == cp)
			return latin_ext[i].ascii;
	return "";
}

void
crm_slugify(const char *name, char out[DEAL_SLUG_MAX + 1])
{
	const unsigned char *p = (const unsigned char *)name;
	size_t n = 0;
	bool dash = false;

	/* One more than fits, to see whether the cut falls between words. */
	while (*p && n <= CRM_SLUG_MAX) {
		char one[2] = { 0, 0 };
		const char *a;
		size_t len;
		uint32_t cp = utf8_next(p, &len);

		p += len;
		if (cp >= 'A' && cp <= 'Z')
			cp += 'a' - 'A';
		if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')) {
			one[0] = (char)cp;
			a = one;
		} else {
			a = cp >= 0x80 ? ascii_of(cp) : "";
		}
		if (!*a) {
			dash = n > 0;
			continue;
		}
		if (dash && n <= CRM_SLUG_MAX)
			out[n++] = '-';
		dash = false;
		for (; *a && n <= CRM_SLUG_MAX; a++)
			out[n++] = *a;
	}
	if (n > CRM_SLUG_MAX) {
		/* After the last word that fits whole, else mid-word. */
		size_t cut = CRM_SLUG_MAX;

		while (cut > 0 && out[cut] != '-')
			cut--;
		n = cut ? cut : CRM_SLUG_MAX;
	}
	while (n > 0 && out[n - 1] == '-')
		n--;
	out[n] = '\0';
}

void
crm_slug_unique(const char *base, bool (*taken)(void *arg, const char *slug),
		void *arg, char out[DEAL_SLUG_MAX + 1])
{
	size_t blen = strlen(base);

	snprintf(out, DEAL_SLUG_MAX + 1, "%s", base);
	for (unsigned n = 2; taken(arg, out); n++) {
		char suffix[16];
		size_t slen = (size_t)snprintf(suffix, sizeof(suffix), "-%u",
					       n);
		size_t keep = blen;

		if (keep > CRM_SLUG_MAX - slen)
			keep = CRM_SLUG_MAX - slen;
		while (keep > 1 && base[keep - 1] == '-')
			keep--;
		memcpy(out, base, keep);
		memcpy(out + keep, suffix, slen + 1);
	}
}
