/*
 * review_http.h - kz-review's web server: the review application
 * (review_app.h) over HTTP with libmicrohttpd, one thread.
 *
 * Routes: GET / (the page, from share/review/index.html), GET /app.js and
 * /app.css, GET /api/queue?rule=&severity=&article=&speaker=&q=, GET
 * /api/item?article=&rule=&start=&end=, POST /api/decide (JSON body).
 * Nothing else: no URL maps to a file, so no path leaves the results
 * folder.
 *
 * Safe by default:
 *  - bound to loopback unless the address says otherwise; on loopback the
 *    Host header must name the server (a DNS-rebinding page cannot talk
 *    to it);
 *  - off loopback every request needs the access token made at start
 *    (`?token=` once: it becomes a cookie, or `Authorization: Bearer`);
 *  - a POST needs the page's CSRF token in X-KZ-CSRF, a JSON body, and an
 *    Origin, when sent, that is the server's;
 *  - every page carries a Content-Security-Policy that allows only the
 *    server's own script and style, and no framing.
 *
 * Ownership: the server borrows the app until kz_review_server_stop; the
 * handlers run in the server's thread only, so the app (and its SQLite
 * connection) is used by one thread at a time.
 */
#ifndef KZ_REVIEW_HTTP_H
#define KZ_REVIEW_HTTP_H

#include "error.h"
#include "review_app.h"

#include <stddef.h>

typedef struct kz_review_server kz_review_server;

/* Start serving app on listen ("127.0.0.1:8080", "[::1]:8080",
 * "0.0.0.0:8080"; port 0 takes a free one). NULL with err on a bad address
 * or when the port cannot be bound. */
kz_review_server *kz_review_server_start(kz_review_app *app,
    const char *listen, kz_error *err);

/* The address to open ("http://127.0.0.1:8080/"; off loopback with
 * "?token=..."), borrowed. */
const char *kz_review_server_url(const kz_review_server *s);

/* 1 when requests need the access token (bound off loopback). */
int kz_review_server_needs_token(const kz_review_server *s);

void kz_review_server_stop(kz_review_server *s);

/* 0 when listen is an address kz_review_server_start takes (numeric,
 * or localhost, and a port); -1 with err saying what is wrong. */
int kz_review_listen_check(const char *listen, kz_error *err);

/* Parse "HOST:PORT" ("[v6]:PORT" for IPv6) into host[n] and *port.
 * -1 when it is no address and port. */
int kz_review_parse_listen(const char *listen, char *host, size_t n,
    unsigned *port);

#endif
