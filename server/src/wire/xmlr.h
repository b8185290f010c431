/* xmlr: XML documents read with expat into a small tree.
 *
 * One tree per parse; xmlr_free() releases it whole. Element names keep any
 * prefix as written ("xsi:type"); namespace declarations are attributes like
 * any other. Text is the concatenation of the element's own character data
 * (entities resolved). DOCTYPE and external entities are refused. */
#ifndef MOCKAWS_WIRE_XMLR_H
#define MOCKAWS_WIRE_XMLR_H

#include <stdbool.h>
#include <stddef.h>

typedef struct xmlr_node xmlr_node;
struct xmlr_node {
    char *name;
    char **attrs;      /* NULL-terminated name, value, name, value, ... */
    char *text;        /* own character data, never NULL */
    size_t text_len;
    xmlr_node *parent;
    xmlr_node *first_child, *last_child, *next;
};

/* NULL + message (with line and column) on malformed XML. */
xmlr_node *xmlr_parse(const char *data, size_t len, char *err, size_t errlen);
void xmlr_free(xmlr_node *root);

/* First child element with that name (local name compared, prefix ignored
 * when the name given has none), or NULL. */
xmlr_node *xmlr_child(const xmlr_node *n, const char *name);
/* Next sibling after `after` with that name. */
xmlr_node *xmlr_next(const xmlr_node *after, const char *name);
const char *xmlr_attr(const xmlr_node *n, const char *name);
/* The name without its prefix. */
const char *xmlr_local_name(const xmlr_node *n);
/* True when the node has child elements. */
bool xmlr_has_children(const xmlr_node *n);

#endif
