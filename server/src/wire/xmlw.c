#include "xmlw.h"

#include <string.h>

void xmlw_init(xmlw *w, GString *out, int declaration)
{
    w->out = out;
    w->stack = g_ptr_array_new_with_free_func(g_free);
    w->in_start_tag = 0;
    if (declaration)
        g_string_append(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
}

static void close_start_tag(xmlw *w)
{
    if (w->in_start_tag) {
        g_string_append_c(w->out, '>');
        w->in_start_tag = 0;
    }
}

void xmlw_start(xmlw *w, const char *name)
{
    close_start_tag(w);
    g_string_append_c(w->out, '<');
    g_string_append(w->out, name);
    g_ptr_array_add(w->stack, g_strdup(name));
    w->in_start_tag = 1;
}

void xmlw_attr(xmlw *w, const char *name, const char *value)
{
    g_return_if_fail(w->in_start_tag);
    g_string_append_c(w->out, ' ');
    g_string_append(w->out, name);
    g_string_append(w->out, "=\"");
    xmlw_escape(w->out, value, strlen(value), 1);
    g_string_append_c(w->out, '"');
}

void xmlw_text(xmlw *w, const char *text, size_t len)
{
    close_start_tag(w);
    xmlw_escape(w->out, text, len, 0);
}

void xmlw_end(xmlw *w)
{
    g_return_if_fail(w->stack->len > 0);
    char *name = g_ptr_array_steal_index(w->stack, w->stack->len - 1);
    if (w->in_start_tag) {
        g_string_append(w->out, "/>");
        w->in_start_tag = 0;
    } else {
        g_string_append(w->out, "</");
        g_string_append(w->out, name);
        g_string_append_c(w->out, '>');
    }
    g_free(name);
}

void xmlw_element_len(xmlw *w, const char *name, const char *text, size_t len)
{
    xmlw_start(w, name);
    /* An explicit empty element reads back as "" rather than as absent
     * in every SDK, and <a></a> is what AWS itself writes. */
    close_start_tag(w);
    xmlw_text(w, text, len);
    xmlw_end(w);
}

void xmlw_element(xmlw *w, const char *name, const char *text)
{
    xmlw_element_len(w, name, text ? text : "", text ? strlen(text) : 0);
}

void xmlw_finish(xmlw *w)
{
    if (!w->stack)
        return;
    while (w->stack->len > 0)
        xmlw_end(w);
    g_ptr_array_free(w->stack, TRUE);
    w->stack = NULL;
}

void xmlw_escape(GString *out, const char *s, size_t len, int attr)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '&': g_string_append(out, "&amp;"); break;
        case '<': g_string_append(out, "&lt;"); break;
        case '>': g_string_append(out, "&gt;"); break;
        case '"': g_string_append(out, "&quot;"); break;
        case '\'': g_string_append(out, "&apos;"); break;
        /* A parser normalizes literal whitespace in attribute values to
         * spaces, and CR in text to LF: references keep them intact. */
        case '\r': g_string_append(out, "&#xD;"); break;
        case '\n':
            if (attr)
                g_string_append(out, "&#xA;");
            else
                g_string_append_c(out, '\n');
            break;
        case '\t':
            if (attr)
                g_string_append(out, "&#x9;");
            else
                g_string_append_c(out, '\t');
            break;
        default:
            /* XML 1.0 has no way to carry the other C0 controls, not even
             * as references: drop them rather than emit a broken document. */
            if (c >= 0x20 || c == '\t')
                g_string_append_c(out, (char)c);
            break;
        }
    }
}
