/*
 * The pipeline's list routes, paged (web/paging.h) over the pipeline
 * page's query (store/listing.h): GET /api/deals and GET /api/check take
 * its filters and sorts, limit and cursor, and answer next with a Link
 * header. JSON field names are the CLI's --json ones.
 */
#include "web/api-list.h"
#include "web/api-body.h"
#include "formats/json.h"
#include "store/deals.h"
#include "store/listing.h"
#include "util/xalloc.h"
#include "web/paging.h"

#include <stdlib.h>
#include <string.h>

/* The query parameters every list of deals takes, then the route's own. */
#define LIST_QUERY "se", "ae", "stage", "q", "outcome", "errors", "sort", \
		   "limit", "cursor"

/*
 * The filters, sort, limit and cursor of rq into q (borrowing from rq
 * and cur); false after a 400. outcome defaults to def (-1: any).
 */
static bool
list_query(struct http_request *rq, struct http_response *rs, int def,
	   struct listing_query *q, struct paging_cursor *cur)
{
	const char *outcome = http_params_get(&rq->query, "outcome");
	const char *sort = http_params_get(&rq->query, "sort");
	const char *errors = http_params_get(&rq->query, "errors");
	enum outcome oc;

	memset(q, 0, sizeof(*q));
	memset(cur, 0, sizeof(*cur));
	q->se = http_params_get(&rq->query, "se");
	q->ae = http_params_get(&rq->query, "ae");
	q->stage = http_params_get(&rq->query, "stage");
	q->search = http_params_get(&rq->query, "q");
	q->outcome = def;
	if (outcome && !strcmp(outcome, "all")) {
		q->outcome = -1;
	} else if (outcome) {
		if (outcome_parse(outcome, &oc) < 0) {
			http_error(rs, 400, "outcome", "outcome must be open, "
				   "won, lost or all, got '%.40s'", outcome);
			return false;
		}
		q->outcome = (int)oc;
	}
	if (errors && strcmp(errors, "0") && strcmp(errors, "1")) {
		http_error(rs, 400, "errors", "errors must be 1 (only deals "
			   "with errors) or 0, got '%.40s'", errors);
		return false;
	}
	q->errors_only = errors && !strcmp(errors, "1");
	if (sort && listing_sort_parse(sort, &q->sort) < 0) {
		http_error(rs, 400, "sort", "sort must be slug, urgency, value, "
			   "freshness or win, got '%.40s'", sort);
		return false;
	}
	if (!paging_limit(rq, rs, PAGING_LIMIT_DEFAULT, PAGING_LIMIT_MAX,
			  &q->limit) ||
	    !paging_cursor(rq, rs, cur))
		return false;
	if (cur->n > LISTING_KEY_MAX) {
		paging_bad_cursor(rs);
		return false;
	}
	memcpy(q->after, cur->field, cur->n * sizeof(*cur->field));
	q->nafter = cur->n;
	return true;
}

/* The page of q, or false after the error was answered. */
static bool
list_page(struct http_request *rq, struct http_response *rs,
	  const struct listing_query *q, struct listing *l)
{
	struct tw_error err = { 0 };
	int r = store_listing(rq->st, q, rq->today, false, l, &err);

	if (r == TW_EUSAGE) {
		paging_bad_cursor(rs);
		tw_error_clear(&err);
	} else if (r < 0) {
		http_fail(rs, r, &err, NULL);
	}
	return r == 0;
}

/* "next" into o, and the Link header; the cursor of l's last row. */
static void
list_next(struct http_request *rq, struct http_response *rs,
	  const struct listing *l, json_t *o)
{
	char *next = NULL;

	if (l->more) {
		const struct listing_row *last = &l->rows[l->n - 1];

		next = paging_cursor_make((const char *const *)last->key,
					  last->nkey);
	}
	paging_next(rq, rs, o, next);
	free(next);
}

void
api_deals_list(struct http_request *rq, struct http_response *rs)
{
	static const char *const allowed[] = { LIST_QUERY, NULL };
	struct listing_query q;
	struct paging_cursor cur;
	struct listing l;
	json_t *o, *a;

	if (!api_check_query(rq, rs, allowed) ||
	    !list_query(rq, rs, -1, &q, &cur) || !list_page(rq, rs, &q, &l)) {
		paging_cursor_release(&cur);
		return;
	}
	o = json_object();
	a = json_array();
	for (size_t i = 0; i < l.n; i++)
		json_array_append_new(a, deal_to_json(&l.rows[i].deal));
	json_object_set_new(o, "deals", a);
	list_next(rq, rs, &l, o);
	http_send_json(rs, 200, o);
	listing_release(&l);
	paging_cursor_release(&cur);
}

void
api_check_list(struct http_request *rq, struct http_response *rs)
{
	static const char *const allowed[] = { "deal", LIST_QUERY, NULL };
	struct tw_error err = { 0 };
	struct listing_query q;
	struct paging_cursor cur;
	struct listing l = { 0 };
	struct store_check c;
	const char **names;
	size_t n = 0;
	bool named = http_params_get(&rq->query, "deal") != NULL;
	json_t *o;
	int r;

	if (!api_check_query(rq, rs, allowed) ||
	    !list_query(rq, rs, OUTCOME_OPEN, &q, &cur) ||
	    (!named && !list_page(rq, rs, &q, &l))) {
		paging_cursor_release(&cur);
		return;
	}
	/* Named deals are checked as named: one page, whatever the filters. */
	names = xcalloc(rq->query.n + l.n + 1, sizeof(*names));
	for (size_t i = 0; named && i < rq->query.n; i++)
		if (!strcmp(rq->query.items[i].name, "deal"))
			names[n++] = rq->query.items[i].value;
	for (size_t i = 0; i < l.n; i++)
		names[n++] = l.rows[i].deal.slug;
	/* No deal on the page: nothing to check (0 names would be all). */
	r = n ? store_check_deals(rq->st, names, n, rq->today, &c, &err) : 0;
	free(names);
	if (r < 0) {
		http_fail(rs, r, &err, r == TW_ENOTFOUND ? "deal" : NULL);
	} else {
		if (n) {
			o = pipeline_check_to_json(&c.pc);
			store_check_release(&c);
		} else {
			o = json_pack("{s:[],s:[]}", "findings", "freshness");
		}
		list_next(rq, rs, &l, o);
		http_send_json(rs, 200, o);
	}
	listing_release(&l);
	paging_cursor_release(&cur);
}
