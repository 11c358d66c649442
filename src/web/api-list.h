/*
 * The pipeline's paged list routes (api-list.c), for api.c's route table.
 */
#ifndef TW_API_LIST_H
#define TW_API_LIST_H

#include "web/http.h"

/* GET /api/deals: {"deals": [...], "next": cursor or null}. */
void api_deals_list(struct http_request *rq, struct http_response *rs);
/* GET /api/check: check --json's object, with "next". */
void api_check_list(struct http_request *rq, struct http_response *rs);

#endif
