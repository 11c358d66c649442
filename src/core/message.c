/*
 * Champion messages: the {{placeholder}} renderer, the built-in templates,
 * and how a message states a number, a sum, a date. The variables each
 * message type takes from the engine are in message-compute.c.
 */
#include "core/message.h"
#include "core/message-internal.h"
#include "util/utf8.h"
#include "util/xalloc.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- types and templates --------------------------------------------- */

static const char *const type_names[MSG_NTYPES] = {
	[MSG_BUYING_SIGNAL] = "buying-signal",
	[MSG_COMPRESS] = "compress",
	[MSG_URGENCY] = "urgency",
	[MSG_PRICING] = "pricing",
	[MSG_NEXT_EVENT] = "next-event",
};

const char *
message_type_name(enum message_type t)
{
	return (unsigned)t < MSG_NTYPES ? type_names[t] : "unknown";
}

int
message_type_parse(const char *s, enum message_type *out,
		   struct tw_error *err)
{
	for (int t = 0; t < MSG_NTYPES; t++) {
		if (!strcmp(s, type_names[t])) {
			*out = (enum message_type)t;
			return 0;
		}
	}
	return tw_error_set(err, TW_EUSAGE,
			    "unknown message type '%s' (expected "
			    "buying-signal, compress, urgency, pricing or "
			    "next-event)",
			    s);
}

/*
 * The built-in wording. One paragraph per line: mail clients wrap it to
 * the reader's window, where hard breaks around long values would not.
 */
static const char *const default_templates[MSG_NTYPES] = {
	[MSG_BUYING_SIGNAL] =
	"Subject: POC result: {{metric}}, {{headroom_pct}} headroom\n"
	"\n"
	"Hi {{champion}},\n"
	"\n"
	"The POC run your team checked on {{measured_on}} is in: {{metric}} "
	"came out at {{result}}, against a requirement of {{requirement}}. "
	"That is {{headroom_pct}} of headroom.\n"
	"\n"
	"{{meaning}}\n"
	"\n"
	"This is a good moment to bring {{ae}} in and map the route from "
	"this POC to production. Could we find 30 minutes, the three of us, "
	"this week?\n"
	"\n"
	"Best regards,\n"
	"{{se}}\n",

	[MSG_COMPRESS] =
	"Subject: {{account}}: technical evaluation complete, next steps\n"
	"\n"
	"Hi {{champion}},\n"
	"\n"
	"Your team has now validated {{criteria_summary}}; the last result "
	"came in on {{technical_win_date}}:\n"
	"\n"
	"{{results}}\n"
	"\n"
	"That settles the technical question. What is left is commercial, "
	"and the best time to do it is while these results are fresh. "
	"{{ae}} can have a proposal with you by {{proposal_date}}, and with "
	"your procurement lead time we can aim to execute the contract by "
	"{{contract_target}}. {{rescheduled}}The steps in between:\n"
	"\n"
	"{{steps}}\n"
	"\n"
	"Does that timeline work for you, or is there something on your side "
	"we should plan around?\n"
	"\n"
	"Best regards,\n"
	"{{se}}\n",

	[MSG_URGENCY] =
	"Subject: {{risk}}: start by {{latest_start}}\n"
	"\n"
	"Hi {{champion}},\n"
	"\n"
	"One finding from our review needs a date attached: {{risk}}. The "
	"deadline is {{deadline}}.\n"
	"\n"
	"The implementation takes {{duration}}. To be live by {{go_live_by}}, "
	"which keeps {{buffer}} in hand before the deadline, the work needs "
	"to start on {{latest_start}} at the latest.\n"
	"\n"
	"{{later_start}}\n"
	"\n"
	"{{contract_deadline}} This is not meant as pressure; it is the "
	"calendar. The sooner we settle the commercial side with {{ae}}, the "
	"more room your team keeps. Could we agree on a start date this "
	"week?\n"
	"\n"
	"Best regards,\n"
	"{{se}}\n",

	[MSG_PRICING] =
	"Subject: {{account}}: the proposal, phase by phase\n"
	"\n"
	"Hi {{champion}},\n"
	"\n"
	"{{ae}} and I have built the proposal around the architecture we "
	"validated together. Each phase has its own scope, its own price and "
	"a technical reason to exist:\n"
	"\n"
	"{{phases}}\n"
	"\n"
	"You would commit to {{initial_phase}} first: {{initial_commitment}}, "
	"which is {{initial_share_pct}} of the full scope of {{total}}. The "
	"later phases follow once the first has proven its value.\n"
	"\n"
	"Shall we walk through it together with {{ae}}?\n"
	"\n"
	"Best regards,\n"
	"{{se}}\n",

	[MSG_NEXT_EVENT] =
	"Subject: After {{tech_event}}: {{commercial_event}}\n"
	"\n"
	"Hi {{champion}},\n"
	"\n"
	"Next on the technical side: {{tech_event}} on {{tech_date}}, led by "
	"{{tech_owner}}.\n"
	"\n"
	"Once that is done, the logical next decision is a commercial one: "
	"{{commercial_event}}, {{gap}}, on {{commercial_date}}, with "
	"{{commercial_owner}}. Could you hold that date on your side now, so "
	"the outcome of the first meeting carries straight into the second?\n"
	"\n"
	"Best regards,\n"
	"{{se}}\n",
};

const char *
message_default_template(enum message_type t)
{
	return (unsigned)t < MSG_NTYPES ? default_templates[t] : "";
}

#define COMMON_VARS                                                          \
	"account", "slug", "champion", "champion_email", "ae", "se", "today"

static const char *const buying_signal_vars[] = {
	COMMON_VARS, "criterion", "metric", "unit", "direction", "measured",
	"required", "result", "requirement", "measured_on", "headroom_pct",
	"growth_capacity_pct", "projected_growth_pct", "scales", "growth",
	"outcome", "meaning", NULL,
};

static const char *const compress_vars[] = {
	COMMON_VARS, "technical_win_date", "criteria_count",
	"criteria_summary", "results", "proposal_step", "proposal_date",
	"contract_target", "procurement", "steps", "rescheduled", NULL,
};

static const char *const urgency_vars[] = {
	COMMON_VARS, "risk", "risk_key", "risk_kind", "deadline", "buffer",
	"duration", "go_live_by", "latest_start", "slack_days", "slack",
	"no_buffer_start", "later_start", "sign_by", "review_by",
	"contract_deadline", NULL,
};

static const char *const pricing_vars[] = {
	COMMON_VARS, "phases", "phase_count", "initial_phase",
	"initial_commitment", "total", "remaining", "initial_share_pct",
	"currency", NULL,
};

static const char *const next_event_vars[] = {
	COMMON_VARS, "tech_event", "tech_event_key", "tech_date",
	"tech_owner", "commercial_event", "commercial_event_key",
	"commercial_date", "commercial_owner", "gap", NULL,
};

const char *const *
message_placeholders(enum message_type t)
{
	static const char *const none[] = { NULL };

	switch (t) {
	case MSG_BUYING_SIGNAL:
		return buying_signal_vars;
	case MSG_COMPRESS:
		return compress_vars;
	case MSG_URGENCY:
		return urgency_vars;
	case MSG_PRICING:
		return pricing_vars;
	case MSG_NEXT_EVENT:
		return next_event_vars;
	case MSG_NTYPES:
	default:
		return none;
	}
}

/* ---- variables ------------------------------------------------------- */

void
msg_vars_set(struct msg_vars *vs, const char *name, const char *value)
{
	for (size_t i = 0; i < vs->n; i++) {
		if (!strcmp(vs->items[i].name, name)) {
			xstrset(&vs->items[i].value, value ? value : "");
			return;
		}
	}
	ALLOC_GROW(vs->items, vs->n + 1, vs->alloc);
	vs->items[vs->n].name = xstrdup(name);
	vs->items[vs->n].value = xstrdup(value ? value : "");
	vs->n++;
}

void
msg_vars_setf(struct msg_vars *vs, const char *name, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	msg_vars_set(vs, name, sb.buf);
	strbuf_release(&sb);
}

const char *
msg_vars_get(const struct msg_vars *vs, const char *name)
{
	for (size_t i = 0; i < vs->n; i++)
		if (!strcmp(vs->items[i].name, name))
			return vs->items[i].value;
	return NULL;
}

void
msg_vars_release(struct msg_vars *vs)
{
	for (size_t i = 0; i < vs->n; i++) {
		free(vs->items[i].name);
		free(vs->items[i].value);
	}
	free(vs->items);
	memset(vs, 0, sizeof(*vs));
}

const char *
msg_vars_lookup(void *arg, const char *name)
{
	return msg_vars_get(arg, name);
}

void
msg_set_sb(struct msg_vars *vs, const char *name, struct strbuf *sb)
{
	msg_vars_set(vs, name, sb->buf);
	strbuf_reset(sb);
}

/* ---- rendering ------------------------------------------------------- */

static bool
is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-';
}

int
message_render(const char *tmpl, const char *tmpl_name,
	       const char *(*lookup)(void *arg, const char *name), void *arg,
	       struct strbuf *out, struct tw_error *err)
{
	const char *p = tmpl;
	int line = 1;

	while (*p) {
		const char *start, *end, *close, *value;
		char *name;

		if (p[0] != '{' || p[1] != '{') {
			if (*p == '\n')
				line++;
			strbuf_addch(out, *p++);
			continue;
		}
		/* "{{{x}}}": the first brace is text, then "{{x}}". */
		if (p[2] == '{') {
			strbuf_addch(out, *p++);
			continue;
		}
		/* A placeholder never spans lines, so stop looking at one. */
		close = p + 2;
		while (*close && *close != '\n' &&
		       !(close[0] == '}' && close[1] == '}'))
			close++;
		if (close[0] != '}')
			return tw_error_set(err, TW_EINPUT,
					    "unterminated '{{' in template "
					    "'%s', line %d",
					    tmpl_name, line);
		start = p + 2;
		end = close;
		while (start < end && *start == ' ')
			start++;
		while (end > start && end[-1] == ' ')
			end--;
		for (const char *q = start; q < end; q++)
			if (!is_name_char(*q))
				goto invalid;
		if (start == end)
			goto invalid;
		name = xstrndup(start, (size_t)(end - start));
		value = lookup(arg, name);
		if (!value) {
			tw_error_set(err, TW_EINPUT,
				     "unknown placeholder '{{%s}}' in template "
				     "'%s', line %d",
				     name, tmpl_name, line);
			free(name);
			return TW_EINPUT;
		}
		free(name);
		strbuf_addstr(out, value);
		p = close + 2;
		continue;
invalid:
		return tw_error_set(err, TW_EINPUT,
				    "invalid placeholder '%.*s' in template "
				    "'%s', line %d (names are letters, digits, "
				    "'_' and '-')",
				    (int)(close + 2 - p), p, tmpl_name, line);
	}
	return 0;
}

struct check_arg {
	const char *const *names;
};

static const char *
check_lookup(void *arg, const char *name)
{
	const struct check_arg *a = arg;

	for (size_t i = 0; a->names[i]; i++)
		if (!strcmp(a->names[i], name))
			return "x";
	return NULL;
}

int
message_template_check(enum message_type t, const char *tmpl,
		       struct tw_error *err)
{
	struct check_arg a = { message_placeholders(t) };
	struct strbuf sb = STRBUF_INIT;
	const char *p = tmpl;
	int r;

	while (*p == ' ' || *p == '\t' || *p == '\n')
		p++;
	if (!*p)
		return tw_error_set(err, TW_EINPUT, "template '%s' is empty",
				    message_type_name(t));
	r = message_render(tmpl, message_type_name(t), check_lookup, &a, &sb,
			   err);
	strbuf_release(&sb);
	return r;
}

void
message_split(const char *text, char **subject, const char **body)
{
	static const char prefix[] = "Subject:";
	size_t n = sizeof(prefix) - 1;
	const char *eol, *s, *e;

	*subject = NULL;
	*body = text;
	if (strncmp(text, prefix, n))
		return;
	eol = text + strcspn(text, "\n");
	s = text + n;
	e = eol;
	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	if (e > s)
		*subject = xstrndup(s, (size_t)(e - s));
	/* Skip the subject line and the blank lines that set it apart. */
	s = *eol ? eol + 1 : eol;
	for (;;) {
		e = s;
		while (*e == ' ' || *e == '\t' || *e == '\r')
			e++;
		if (*e != '\n')
			break;
		s = e + 1;
	}
	*body = *e ? s : e;
}

/* ---- formatting ------------------------------------------------------ */

void
msg_fmt_pct(struct strbuf *sb, double pct)
{
	/* No "-0.0%" for a value that rounds to zero from below. */
	if (pct > -0.05 && pct < 0.05)
		pct = 0;
	strbuf_addf(sb, "%.1f%%", pct);
}

/*
 * From here on a double holds no cents, and llround(amount * 100) would
 * overflow a long long (a plan file may price a phase at 1e17).
 */
#define MONEY_WHOLE_ONLY 1e15

void
msg_fmt_money(struct strbuf *sb, double amount, const char *currency)
{
	double a = fabs(amount);
	long long cents = a < MONEY_WHOLE_ONLY ? llround(a * 100) : 0;
	char digits[320];	/* "%.0f" of DBL_MAX has 309 digits */
	int n, lead;

	if (currency && *currency)
		strbuf_addf(sb, "%s ", currency);
	if (amount < 0 && (cents || a >= MONEY_WHOLE_ONLY))
		strbuf_addch(sb, '-');
	if (a < MONEY_WHOLE_ONLY)
		n = snprintf(digits, sizeof(digits), "%lld", cents / 100);
	else
		n = snprintf(digits, sizeof(digits), "%.0f", a);
	lead = n % 3 ? n % 3 : 3;
	strbuf_add(sb, digits, (size_t)lead);
	for (int i = lead; i < n; i += 3) {
		strbuf_addch(sb, ',');
		strbuf_add(sb, digits + i, 3);
	}
	if (cents % 100)
		strbuf_addf(sb, ".%02lld", cents % 100);
}

static const char *const weekday_names[] = { "Monday", "Tuesday",
	"Wednesday", "Thursday", "Friday", "Saturday", "Sunday" };
static const char *const month_names[] = { "January", "February", "March",
	"April", "May", "June", "July", "August", "September", "October",
	"November", "December" };

void
msg_fmt_date(struct strbuf *sb, tw_date d)
{
	int y, m, day;

	if (d == DATE_NONE) {
		strbuf_addstr(sb, "a date to be agreed");
		return;
	}
	date_to_ymd(d, &y, &m, &day);
	strbuf_addf(sb, "%s %d %s %d", weekday_names[date_weekday(d)], day,
		    month_names[m - 1], y);
}

void
msg_fmt_duration(struct strbuf *sb, const struct duration *dur)
{
	const char *unit;

	switch (dur->unit) {
	case DUR_BDAYS:
		unit = dur->n == 1 ? "business day" : "business days";
		break;
	case DUR_WEEKS:
		unit = dur->n == 1 ? "week" : "weeks";
		break;
	case DUR_DAYS:
	default:
		unit = dur->n == 1 ? "day" : "days";
		break;
	}
	strbuf_addf(sb, "%d %s", dur->n, unit);
}

void
msg_set_date(struct msg_vars *vs, const char *name, tw_date d)
{
	struct strbuf sb = STRBUF_INIT;

	msg_fmt_date(&sb, d);
	msg_set_sb(vs, name, &sb);
	strbuf_release(&sb);
}

void
msg_set_pct(struct msg_vars *vs, const char *name, double pct)
{
	struct strbuf sb = STRBUF_INIT;

	msg_fmt_pct(&sb, pct);
	msg_set_sb(vs, name, &sb);
	strbuf_release(&sb);
}

void
msg_set_money(struct msg_vars *vs, const char *name, double amount,
	      const char *currency)
{
	struct strbuf sb = STRBUF_INIT;

	msg_fmt_money(&sb, amount, currency);
	msg_set_sb(vs, name, &sb);
	strbuf_release(&sb);
}

void
msg_fmt_value(struct strbuf *sb, double v, const char *unit)
{
	strbuf_addf(sb, "%.15g", v);
	if (!unit || !*unit)
		return;
	if (strcmp(unit, "%"))
		strbuf_addch(sb, ' ');
	strbuf_addstr(sb, unit);
}

void
msg_fmt_requirement(struct strbuf *sb, const struct criterion *c)
{
	strbuf_addstr(sb, c->direction == DIR_AT_MOST ? "at most "
						      : "at least ");
	msg_fmt_value(sb, c->required, c->unit);
}

const char *
msg_or_default(const char *s, const char *fallback)
{
	return s && *s ? s : fallback;
}

void
msg_add_sentence(struct strbuf *sb, const char *s)
{
	size_t n = strlen(s);

	strbuf_addstr(sb, s);
	if (n && !strchr(".!?", s[n - 1]))
		strbuf_addch(sb, '.');
}

bool
message_is_utf8(const char *s)
{
	return utf8_valid(s);
}
