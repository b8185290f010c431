/* ui: the dashboard, one page (server/ui: index.html, app.js, app.css)
 * compiled into the library as static bytes (server/cmake/embed_ui.cmake)
 * and served by the control plane at GET /_mockaws/ui, and at GET / when a
 * browser navigates there. The page itself holds no data and so loads
 * without the control token; everything it shows comes from the control
 * API, which asks the page for the token. */
#ifndef MOCKAWS_CORE_UI_H
#define MOCKAWS_CORE_UI_H

#include <stdbool.h>
#include <stddef.h>

#include "wire/http.h"

typedef struct ui_asset {
    const char *name; /* "index.html", "app.js", "app.css" */
    const char *type; /* its Content-Type */
    const unsigned char *data;
    size_t len;
} ui_asset;

/* The generated table (build/generated/ui_assets.c). */
extern const ui_asset ui_assets[];
extern const size_t ui_nassets;

/* The file a GET or HEAD of this path asks for (/_mockaws/ui, its trailing
 * slash form and /_mockaws/ui/app.js, app.css; "/" is the page), or NULL. */
const ui_asset *ui_lookup(const http_request *req);
/* GET / from a browser's navigation, not an SDK's ListBuckets: no query,
 * no Authorization, no X-Amz-* header, and an Accept that prefers text/html
 * to anything else it names. */
bool ui_is_navigation(const http_request *req);
/* Answers with the file and the headers that keep the page to itself
 * (Content-Security-Policy, nosniff, no referrer, no framing). */
void ui_serve(const ui_asset *a, http_response *resp);

#endif
