/* har: the journal as an HTTP Archive 1.2 document (GET
 * /_mockaws/journal.har), so a capture opens in a browser's developer
 * tools and in HAR viewers. Its own module because it reads both the
 * journal and the captures the journal owns. */
#ifndef MOCKAWS_CORE_HAR_H
#define MOCKAWS_CORE_HAR_H

#include <jansson.h>

#include "core/journal.h"

/* The entries matching f, oldest first (new reference). Entries without a
 * capture appear with what the journal knows, their URL on endpoint
 * ("http://host:port"); each entry's journal JSON is its "_mockaws". */
json_t *har_journal(journal *j, const journal_filter *f, const char *endpoint);

#endif
