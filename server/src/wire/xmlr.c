#include "xmlr.h"

#include <expat.h>
#include <glib.h>
#include <limits.h>
#include <string.h>

/* Deeper documents than this are refused: no AWS request nests anywhere
 * near it, and it bounds the work a hostile body can cause. */
#define XMLR_MAX_DEPTH 256

typedef struct parse_ctx {
    XML_Parser parser;
    xmlr_node *root;
    xmlr_node *cur;
    GString *text;     /* character data of cur so far */
    GPtrArray *texts;  /* GString* of the open ancestors, parked */
    int depth;
    const char *refusal; /* why we stopped the parser ourselves, or NULL */
} parse_ctx;

static void node_free(xmlr_node *n)
{
    while (n) {
        xmlr_node *next = n->next;
        node_free(n->first_child);
        g_free(n->name);
        g_strfreev(n->attrs);
        g_free(n->text);
        g_free(n);
        n = next;
    }
}

void xmlr_free(xmlr_node *root)
{
    node_free(root);
}

static void refuse(parse_ctx *c, const char *why)
{
    if (!c->refusal)
        c->refusal = why;
    XML_StopParser(c->parser, XML_FALSE);
}

static void on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    parse_ctx *c = ud;
    if (++c->depth > XMLR_MAX_DEPTH) {
        refuse(c, "document nested too deeply");
        return;
    }
    xmlr_node *n = g_new0(xmlr_node, 1);
    n->name = g_strdup(name);
    size_t na = 0;
    while (atts[na])
        na++;
    n->attrs = g_new0(char *, na + 1);
    for (size_t i = 0; i < na; i++)
        n->attrs[i] = g_strdup(atts[i]);
    n->parent = c->cur;
    if (c->cur) {
        if (c->cur->last_child)
            c->cur->last_child->next = n;
        else
            c->cur->first_child = n;
        c->cur->last_child = n;
        g_ptr_array_add(c->texts, c->text);
        c->text = g_string_new(NULL);
    } else {
        c->root = n;
    }
    c->cur = n;
}

static void on_end(void *ud, const XML_Char *name)
{
    parse_ctx *c = ud;
    xmlr_node *n = c->cur;
    c->depth--;
    n->text_len = c->text->len;
    n->text = g_string_free(c->text, FALSE);
    c->cur = n->parent;
    if (c->texts->len > 0)
        c->text = g_ptr_array_steal_index(c->texts, c->texts->len - 1);
    else
        c->text = g_string_new(NULL);
}

static void on_chars(void *ud, const XML_Char *s, int len)
{
    parse_ctx *c = ud;
    /* Text outside the root element is only whitespace (expat rejects
     * anything else); it belongs to no node. */
    if (c->cur)
        g_string_append_len(c->text, s, len);
}

static void on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                       const XML_Char *pubid, int has_internal_subset)
{
    /* A DOCTYPE is the door to entity expansion attacks and external
     * fetches; no AWS protocol uses one. */
    refuse(ud, "DOCTYPE is not allowed");
}

static void on_entity_decl(void *ud, const XML_Char *name, int is_param,
                           const XML_Char *value, int value_len, const XML_Char *base,
                           const XML_Char *sysid, const XML_Char *pubid,
                           const XML_Char *notation)
{
    refuse(ud, "entity declarations are not allowed");
}

xmlr_node *xmlr_parse(const char *data, size_t len, char *err, size_t errlen)
{
    if (len > INT_MAX) {
        g_snprintf(err, errlen, "XML document too large");
        return NULL;
    }
    parse_ctx c = {0};
    c.parser = XML_ParserCreate("UTF-8");
    if (!c.parser) {
        g_snprintf(err, errlen, "out of memory");
        return NULL;
    }
    c.text = g_string_new(NULL);
    c.texts = g_ptr_array_new();
    XML_SetUserData(c.parser, &c);
    XML_SetElementHandler(c.parser, on_start, on_end);
    XML_SetCharacterDataHandler(c.parser, on_chars);
    XML_SetStartDoctypeDeclHandler(c.parser, on_doctype);
    XML_SetEntityDeclHandler(c.parser, on_entity_decl);
    XML_SetParamEntityParsing(c.parser, XML_PARAM_ENTITY_PARSING_NEVER);

    enum XML_Status st = XML_Parse(c.parser, data, (int)len, XML_TRUE);
    xmlr_node *result = NULL;
    if (st != XML_STATUS_OK || c.refusal) {
        if (c.refusal)
            g_snprintf(err, errlen, "line %lu, column %lu: %s",
                       (unsigned long)XML_GetCurrentLineNumber(c.parser),
                       (unsigned long)XML_GetCurrentColumnNumber(c.parser) + 1, c.refusal);
        else
            g_snprintf(err, errlen, "line %lu, column %lu: %s",
                       (unsigned long)XML_GetCurrentLineNumber(c.parser),
                       (unsigned long)XML_GetCurrentColumnNumber(c.parser) + 1,
                       XML_ErrorString(XML_GetErrorCode(c.parser)));
        /* Open elements have no text yet; node_free copes with NULL. */
        node_free(c.root);
    } else if (!c.root) {
        g_snprintf(err, errlen, "no root element");
    } else {
        result = c.root;
    }
    for (guint i = 0; i < c.texts->len; i++)
        g_string_free(g_ptr_array_index(c.texts, i), TRUE);
    g_ptr_array_free(c.texts, TRUE);
    g_string_free(c.text, TRUE);
    XML_ParserFree(c.parser);
    return result;
}

static const char *local_part(const char *name)
{
    const char *colon = strchr(name, ':');
    return colon ? colon + 1 : name;
}

const char *xmlr_local_name(const xmlr_node *n)
{
    return local_part(n->name);
}

static bool name_matches(const xmlr_node *n, const char *name)
{
    if (strchr(name, ':'))
        return strcmp(n->name, name) == 0;
    return strcmp(local_part(n->name), name) == 0;
}

xmlr_node *xmlr_child(const xmlr_node *n, const char *name)
{
    for (xmlr_node *c = n ? n->first_child : NULL; c; c = c->next)
        if (name_matches(c, name))
            return c;
    return NULL;
}

xmlr_node *xmlr_next(const xmlr_node *after, const char *name)
{
    for (xmlr_node *c = after ? after->next : NULL; c; c = c->next)
        if (name_matches(c, name))
            return c;
    return NULL;
}

const char *xmlr_attr(const xmlr_node *n, const char *name)
{
    for (char **a = n->attrs; a && a[0] && a[1]; a += 2)
        if (strcmp(a[0], name) == 0)
            return a[1];
    return NULL;
}

bool xmlr_has_children(const xmlr_node *n)
{
    return n->first_child != NULL;
}
