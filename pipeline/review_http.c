/*
 * review_http.c - kz-review's HTTP layer over libmicrohttpd
 * (review_http.h): addresses, tokens, routes, headers.
 */
#include "review_http.h"

#include "buf.h"
#include "review_assets.h"
#include "show.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>

/* A decision is a few hundred bytes; more is refused unread. */
#define MAX_BODY (64 * 1024)

/* Only the server's own script and style, no framing, nothing sent
 * anywhere but back to the server. */
static const char csp[] =
    "default-src 'none'; script-src 'self'; style-src 'self';"
    " img-src 'self'; connect-src 'self'; base-uri 'none';"
    " form-action 'none'; frame-ancestors 'none'";

struct kz_review_server {
	struct MHD_Daemon *daemon;
	kz_review_app *app;
	int loopback;           /* bound to 127.0.0.0/8 or ::1 */
	unsigned port;
	char host[64];          /* as in the URL: "127.0.0.1", "[::1]" */
	char token[33];         /* access token, off loopback */
	char csrf[33];          /* the page's token for POST */
	char url[160];
};

/* One request's state between the calls libmicrohttpd makes for it. */
typedef struct request {
	kz_buf body;
	int too_big;
} request;

/* ------------------------------------------------------------ helpers */

static int
random_hex(char out[33])
{
	unsigned char b[16];

	if (getrandom(b, sizeof b, 0) != (ssize_t)sizeof b)
		return -1;
	for (size_t i = 0; i < sizeof b; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
	return 0;
}

/* Compare a secret in time that does not depend on where it differs. */
static int
same_secret(const char *given, const char *secret)
{
	size_t n = strlen(secret);
	unsigned char diff = 0;

	if (given == NULL || strlen(given) != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		diff |= (unsigned char)(given[i] ^ secret[i]);
	return diff == 0;
}

int
kz_review_parse_listen(const char *listen, char *host, size_t n,
    unsigned *port)
{
	const char *colon;
	size_t hl;
	char *end;
	unsigned long p;

	if (listen[0] == '[') {
		const char *close = strchr(listen, ']');

		if (close == NULL || close[1] != ':')
			return -1;
		hl = (size_t)(close - listen - 1);
		listen++;
		colon = close + 1;
	} else {
		if ((colon = strrchr(listen, ':')) == NULL)
			return -1;
		hl = (size_t)(colon - listen);
	}
	if (hl == 0 || hl >= n)
		return -1;
	memcpy(host, listen, hl);
	host[hl] = '\0';
	errno = 0;
	p = strtoul(colon + 1, &end, 10);
	if (colon[1] == '\0' || *end || errno || p > 65535)
		return -1;
	*port = (unsigned)p;
	return 0;
}

static int
is_loopback(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;

		return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
	}
	if (sa->sa_family == AF_INET6)
		return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)
		    sa)->sin6_addr);
	return 0;
}

/* ------------------------------------------------------------ responses */

static enum MHD_Result
send_bytes(struct MHD_Connection *c, unsigned status, const char *type,
    const void *data, size_t len, enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len,
	    (void *)data, mode);
	enum MHD_Result rc;

	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", type);
	MHD_add_response_header(r, "Content-Security-Policy", csp);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

static enum MHD_Result
send_text(struct MHD_Connection *c, unsigned status, const char *msg)
{
	return send_bytes(c, status, "text/plain; charset=utf-8", msg,
	    strlen(msg), MHD_RESPMEM_MUST_COPY);
}

static enum MHD_Result
send_json(struct MHD_Connection *c, unsigned status, json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT | JSON_ESCAPE_SLASH);
	enum MHD_Result rc;

	json_decref(o);
	if (s == NULL)
		return send_text(c, 500, "out of memory");
	rc = send_bytes(c, status, "application/json; charset=utf-8", s,
	    strlen(s), MHD_RESPMEM_MUST_FREE);
	return rc;
}

static enum MHD_Result
send_error(struct MHD_Connection *c, unsigned status, const char *msg)
{
	json_t *o = json_object();

	json_object_set_new(o, "error", json_string(msg));
	return send_json(c, status, o);
}

static unsigned
status_of(int outcome)
{
	switch (outcome) {
	case KZ_REVIEW_OK: return 200;
	case KZ_REVIEW_BAD: return 400;
	case KZ_REVIEW_NOT_FOUND: return 404;
	case KZ_REVIEW_CONFLICT: return 409;
	default: return 500;
	}
}

/* An outcome of review_app as a response: its JSON, or the error. */
static enum MHD_Result
send_outcome(struct MHD_Connection *c, int outcome, json_t *o,
    const kz_error *err)
{
	if (outcome == KZ_REVIEW_CONFLICT && o) {
		json_object_set_new(o, "error", json_string(err->message));
		return send_json(c, 409, o);
	}
	if (outcome == KZ_REVIEW_OK && o)
		return send_json(c, 200, o);
	json_decref(o);
	return send_error(c, status_of(outcome), err->message);
}

static const kz_review_asset *
asset(const char *name)
{
	for (const kz_review_asset *a = kz_review_assets; a->name; a++)
		if (strcmp(a->name, name) == 0)
			return a;
	return NULL;
}

static const char *
type_of(const char *name)
{
	const char *dot = strrchr(name, '.');

	if (dot && strcmp(dot, ".js") == 0)
		return "text/javascript; charset=utf-8";
	if (dot && strcmp(dot, ".css") == 0)
		return "text/css; charset=utf-8";
	if (dot && strcmp(dot, ".png") == 0)
		return "image/png";
	return "text/html; charset=utf-8";
}

/* The page: index.html with {{csrf}}, {{results}}, {{editor}} filled in,
 * each escaped for HTML text and attributes. */
static enum MHD_Result
send_page(kz_review_server *s, struct MHD_Connection *c)
{
	const kz_review_asset *a = asset("index.html");
	const char *p, *end, *open;
	kz_buf b;
	size_t len;
	char *page;

	if (a == NULL)
		return send_text(c, 500, "kz-review was built without its page");
	kz_buf_init(&b);
	p = (const char *)a->data;
	end = p + a->len;
	while ((open = strstr(p, "{{")) != NULL && open < end) {
		const char *close = strstr(open, "}}");
		const char *v = NULL;

		if (close == NULL)
			break;
		kz_buf_add(&b, p, (size_t)(open - p));
		len = (size_t)(close - open - 2);
		if (len == 4 && strncmp(open + 2, "csrf", 4) == 0)
			v = s->csrf;
		else if (len == 7 && strncmp(open + 2, "results", 7) == 0)
			v = kz_review_app_results(s->app);
		else if (len == 6 && strncmp(open + 2, "editor", 6) == 0)
			v = kz_review_app_editor(s->app);
		if (v)
			kz_show_html_escape(&b, v, strlen(v));
		p = close + 2;
	}
	kz_buf_add(&b, p, (size_t)(end - p));
	page = kz_buf_detach(&b, &len);
	return send_bytes(c, 200, "text/html; charset=utf-8", page, len,
	    MHD_RESPMEM_MUST_FREE);
}

/* ------------------------------------------------------------ checks */

/* On loopback, the Host header must be this server: a page on another
 * site that renamed itself to 127.0.0.1 (DNS rebinding) sends its own. */
static int
host_ok(kz_review_server *s, struct MHD_Connection *c)
{
	const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    "Host");
	const char *const names[] = { "127.0.0.1", "localhost", "[::1]",
		s->host, NULL };
	char want[96];

	if (!s->loopback)
		return 1;       /* the token guards it */
	if (host == NULL)
		return 0;
	for (size_t i = 0; names[i]; i++) {
		snprintf(want, sizeof want, "%s:%u", names[i], s->port);
		if (strcmp(host, want) == 0)
			return 1;
	}
	return 0;
}

static const char *
bearer(struct MHD_Connection *c)
{
	const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    "Authorization");

	return h && strncmp(h, "Bearer ", 7) == 0 ? h + 7 : NULL;
}

/* A POST must come from the page: its CSRF token, a JSON body (no HTML
 * form can send one), and the server as its Origin when one is sent. */
static int
csrf_ok(kz_review_server *s, struct MHD_Connection *c)
{
	const char *token = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    "X-KZ-CSRF");
	const char *type = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    "Content-Type");
	const char *origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    "Origin");
	const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    "Host");
	char want[128];

	if (!same_secret(token, s->csrf))
		return 0;
	if (type == NULL || strncmp(type, "application/json", 16) != 0)
		return 0;
	if (origin) {
		snprintf(want, sizeof want, "http://%s", host ? host : "");
		if (host == NULL || strcmp(origin, want) != 0)
			return 0;
	}
	return 1;
}

/* ------------------------------------------------------------ routes */

static const char *
arg(struct MHD_Connection *c, const char *name)
{
	return MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, name);
}

static enum MHD_Result
api_queue(kz_review_server *s, struct MHD_Connection *c)
{
	kz_review_filter f = { .rule = arg(c, "rule"),
		.severity = arg(c, "severity"), .article = arg(c, "article"),
		.speaker = arg(c, "speaker"), .search = arg(c, "q") };
	kz_error err = { 0 };
	json_t *o;
	int rc = kz_review_app_queue(s->app, &f, &o, &err);

	return send_outcome(c, rc, o, &err);
}

static void
set_arg_int(json_t *req, const char *k, const char *v)
{
	char *end;
	long n;

	if (v == NULL || *v == '\0')
		return;
	n = strtol(v, &end, 10);
	if (*end == '\0' && n >= 0)
		json_object_set_new(req, k, json_integer(n));
}

static enum MHD_Result
api_item(kz_review_server *s, struct MHD_Connection *c)
{
	json_t *req = json_object(), *o;
	kz_error err = { 0 };
	const char *a = arg(c, "article"), *r = arg(c, "rule");
	int rc;

	if (a)
		json_object_set_new(req, "article", json_string(a));
	if (r)
		json_object_set_new(req, "rule", json_string(r));
	set_arg_int(req, "start", arg(c, "start"));
	set_arg_int(req, "end", arg(c, "end"));
	rc = kz_review_app_item(s->app, req, &o, &err);
	json_decref(req);
	return send_outcome(c, rc, o, &err);
}

static enum MHD_Result
api_decide(kz_review_server *s, struct MHD_Connection *c, request *r)
{
	json_error_t jerr;
	json_t *req, *o;
	kz_error err = { 0 };
	int rc;

	if (r->too_big)
		return send_error(c, 413, "a decision is a few words, not that"
		    " much");
	req = json_loadb(r->body.data, r->body.len, 0, &jerr);
	if (!json_is_object(req)) {
		json_decref(req);
		return send_error(c, 400, "the body is no JSON object");
	}
	rc = kz_review_app_decide(s->app, req, &o, &err);
	json_decref(req);
	return send_outcome(c, rc, o, &err);
}

static enum MHD_Result
route(kz_review_server *s, struct MHD_Connection *c, const char *url,
    const char *method, request *r)
{
	int get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
	int post = strcmp(method, "POST") == 0;
	const char *token;
	const kz_review_asset *a;

	if (!get && !post)
		return send_text(c, 405, "GET or POST only");
	if (!host_ok(s, c))
		return send_text(c, 403, "this server answers to its own address"
		    " only (127.0.0.1, localhost)");
	if (!s->loopback) {
		token = arg(c, "token");
		if (token && same_secret(token, s->token) && get &&
		    strcmp(url, "/") == 0) {
			/* the token from the printed address becomes a cookie,
			 * and leaves the address bar */
			struct MHD_Response *resp = MHD_create_response_from_buffer(
			    0, (void *)"", MHD_RESPMEM_PERSISTENT);
			char cookie[96];
			enum MHD_Result rc;

			snprintf(cookie, sizeof cookie, "kz_token=%s; HttpOnly;"
			    " SameSite=Strict; Path=/", s->token);
			MHD_add_response_header(resp, "Set-Cookie", cookie);
			MHD_add_response_header(resp, "Location", "/");
			MHD_add_response_header(resp, "Referrer-Policy",
			    "no-referrer");
			rc = MHD_queue_response(c, 303, resp);
			MHD_destroy_response(resp);
			return rc;
		}
		if (!same_secret(bearer(c), s->token) &&
		    !same_secret(MHD_lookup_connection_value(c, MHD_COOKIE_KIND,
		    "kz_token"), s->token) && !same_secret(token, s->token))
			return send_text(c, 401, "this kz-review needs its token:"
			    " open the address it printed at start");
	}
	if (post) {
		if (strcmp(url, "/api/decide") != 0)
			return send_text(c, 405, "POST goes to /api/decide only");
		if (!csrf_ok(s, c))
			return send_error(c, 403, "refused: no valid CSRF token (a"
			    " decision is posted by the review page)");
		return api_decide(s, c, r);
	}
	if (strcmp(url, "/") == 0)
		return send_page(s, c);
	if (strcmp(url, "/api/queue") == 0)
		return api_queue(s, c);
	if (strcmp(url, "/api/item") == 0)
		return api_item(s, c);
	if (strcmp(url, "/favicon.ico") == 0)    /* browsers ask; none */
		return send_bytes(c, 204, "image/x-icon", "", 0,
		    MHD_RESPMEM_PERSISTENT);
	/* the page's own files, by exact name: nothing else is served */
	if (url[0] == '/' && strchr(url + 1, '/') == NULL &&
	    strcmp(url + 1, "index.html") != 0 && (a = asset(url + 1)) != NULL)
		return send_bytes(c, 200, type_of(a->name), a->data, a->len,
		    MHD_RESPMEM_PERSISTENT);
	return send_text(c, 404, "not found");
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **ctx)
{
	kz_review_server *s = cls;
	request *r = *ctx;

	if (r == NULL) {
		r = kz_calloc(1, sizeof *r);
		kz_buf_init(&r->body);
		*ctx = r;
		return MHD_YES;
	}
	if (*upload_size) {
		if (r->body.len + *upload_size > MAX_BODY)
			r->too_big = 1;
		else
			kz_buf_add(&r->body, upload, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	return route(s, c, url, method, r);
}

/* %XX decoding of paths and arguments, but for %00: a NUL would end the
 * string early, and "/app.js%00.png" must not be "/app.js". */
static size_t
unescape(void *cls, struct MHD_Connection *c, char *s)
{
	static const char hex[] = "0123456789abcdef";
	char *w = s;

	for (const char *r = s; *r;) {
		const char *h1 = r[0] == '%' && r[1] ? strchr(hex, tolower(
		    (unsigned char)r[1])) : NULL;
		const char *h2 = h1 && r[2] ? strchr(hex, tolower(
		    (unsigned char)r[2])) : NULL;
		int v = h1 && h2 ? (int)((h1 - hex) * 16 + (h2 - hex)) : 0;

		if (v != 0) {
			*w++ = (char)v;
			r += 3;
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
	return (size_t)(w - s);
}

static void
completed(void *cls, struct MHD_Connection *c, void **ctx,
    enum MHD_RequestTerminationCode toe)
{
	request *r = *ctx;

	if (r == NULL)
		return;
	kz_buf_release(&r->body);
	free(r);
	*ctx = NULL;
}

/* ------------------------------------------------------------ life */

/* listen as an address: host[n] (localhost as 127.0.0.1), *port, *ai
 * (freeaddrinfo it). -1 with err when it is no numeric address and port. */
static int
resolve(const char *listen, char *host, size_t n, unsigned *port,
    struct addrinfo **ai, kz_error *err)
{
	struct addrinfo hints = { .ai_flags = AI_NUMERICHOST,
		.ai_socktype = SOCK_STREAM };

	*ai = NULL;
	if (kz_review_parse_listen(listen, host, n, port) != 0)
		return kz_error_set(err, NULL, 0, 0, "--listen wants ADDRESS:PORT,"
		    " such as 127.0.0.1:8080, not '%s'", listen);
	if (strcmp(host, "localhost") == 0)
		snprintf(host, n, "127.0.0.1");
	if (getaddrinfo(host, NULL, &hints, ai) != 0 || *ai == NULL)
		return kz_error_set(err, NULL, 0, 0, "--listen: '%s' is no IP"
		    " address", host);
	return 0;
}

int
kz_review_listen_check(const char *listen, kz_error *err)
{
	struct addrinfo *ai;
	char host[64];
	unsigned port;
	int rc = resolve(listen, host, sizeof host, &port, &ai, err);

	if (ai)
		freeaddrinfo(ai);
	return rc;
}

kz_review_server *
kz_review_server_start(kz_review_app *app, const char *listen, kz_error *err)
{
	kz_review_server *s;
	struct addrinfo *ai = NULL;
	char host[64];
	unsigned port;
	int v6;
	const union MHD_DaemonInfo *info;

	if (resolve(listen, host, sizeof host, &port, &ai, err) != 0) {
		if (ai)
			freeaddrinfo(ai);
		return NULL;
	}
	s = kz_calloc(1, sizeof *s);
	s->app = app;
	v6 = ai->ai_family == AF_INET6;
	if (v6)
		((struct sockaddr_in6 *)ai->ai_addr)->sin6_port = htons(port);
	else
		((struct sockaddr_in *)ai->ai_addr)->sin_port = htons(port);
	s->loopback = is_loopback(ai->ai_addr);
	snprintf(s->host, sizeof s->host, v6 ? "[%s]" : "%s", host);
	if (random_hex(s->csrf) != 0 || random_hex(s->token) != 0) {
		kz_error_set(err, NULL, 0, 0, "no random numbers for the tokens:"
		    " %s", strerror(errno));
		freeaddrinfo(ai);
		free(s);
		return NULL;
	}
	/* no MHD_USE_ERROR_LOG: the error comes back here, said once */
	s->daemon = MHD_start_daemon(MHD_USE_AUTO_INTERNAL_THREAD |
	    (v6 ? MHD_USE_IPv6 : 0), (uint16_t)port,
	    NULL, NULL, handle, s,
	    MHD_OPTION_SOCK_ADDR, ai->ai_addr,
	    MHD_OPTION_NOTIFY_COMPLETED, completed, s,
	    MHD_OPTION_UNESCAPE_CALLBACK, unescape, s,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)64,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
	    MHD_OPTION_END);
	freeaddrinfo(ai);
	if (s->daemon == NULL) {
		kz_error_set(err, NULL, 0, 0, "cannot listen on %s: %s", listen,
		    errno ? strerror(errno) : "libmicrohttpd refused");
		free(s);
		return NULL;
	}
	info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
	s->port = info && info->port ? info->port : port;
	if (s->loopback)
		snprintf(s->url, sizeof s->url, "http://%s:%u/", s->host, s->port);
	else
		snprintf(s->url, sizeof s->url, "http://%s:%u/?token=%s", s->host,
		    s->port, s->token);
	return s;
}

const char *
kz_review_server_url(const kz_review_server *s)
{
	return s->url;
}

int
kz_review_server_needs_token(const kz_review_server *s)
{
	return !s->loopback;
}

void
kz_review_server_stop(kz_review_server *s)
{
	if (s == NULL)
		return;
	MHD_stop_daemon(s->daemon);
	free(s);
}
