/* Unit tests of the XML writer (xmlw) and reader (xmlr). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "wire/xmlr.h"
#include "wire/xmlw.h"

static void test_writer_nesting_and_empty(void **state)
{
    GString *out = g_string_new(NULL);
    xmlw w;
    xmlw_init(&w, out, 1);
    xmlw_start(&w, "Root");
    xmlw_attr(&w, "xmlns", "http://x/");
    xmlw_start(&w, "Empty");
    xmlw_end(&w);
    xmlw_element(&w, "E", "");
    xmlw_element(&w, "V", "v");
    xmlw_finish(&w);
    assert_string_equal(out->str, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                                  "<Root xmlns=\"http://x/\"><Empty/><E></E><V>v</V></Root>");
    g_string_free(out, TRUE);
}

static void test_writer_escapes(void **state)
{
    GString *out = g_string_new(NULL);
    xmlw w;
    xmlw_init(&w, out, 0);
    xmlw_start(&w, "a");
    xmlw_attr(&w, "k", "<\"&'>\n\t\r");
    static const char text[] = "a<b>&c\x01\n\"'\r";
    xmlw_text(&w, text, sizeof text - 1);
    xmlw_finish(&w);
    assert_string_equal(out->str, "<a k=\"&lt;&quot;&amp;&apos;&gt;&#xA;&#x9;&#xD;\">"
                                  "a&lt;b&gt;&amp;c\n&quot;&apos;&#xD;</a>");
    g_string_free(out, TRUE);
}

static void test_round_trip(void **state)
{
    GString *out = g_string_new(NULL);
    xmlw w;
    xmlw_init(&w, out, 1);
    xmlw_start(&w, "r");
    xmlw_attr(&w, "k", "a\nb\tc");
    static const char text[] = "x\r\ny & <z> \xc3\xa9";
    xmlw_element_len(&w, "t", text, sizeof text - 1);
    xmlw_finish(&w);

    char err[128];
    xmlr_node *root = xmlr_parse(out->str, out->len, err, sizeof err);
    assert_non_null(root);
    assert_string_equal(xmlr_attr(root, "k"), "a\nb\tc");
    xmlr_node *t = xmlr_child(root, "t");
    assert_non_null(t);
    assert_int_equal(t->text_len, sizeof text - 1);
    assert_memory_equal(t->text, text, sizeof text - 1);
    xmlr_free(root);
    g_string_free(out, TRUE);
}

static void test_reader_tree(void **state)
{
    static const char doc[] =
        "<?xml version=\"1.0\"?>\n<a:Root xmlns:a=\"urn:x\" id=\"7\">"
        "pre<m>1</m><n/>mid<m>2<q>&amp;&#65;</q>3</m>post</a:Root>";
    char err[128];
    xmlr_node *root = xmlr_parse(doc, sizeof doc - 1, err, sizeof err);
    assert_non_null(root);
    assert_string_equal(root->name, "a:Root");
    assert_string_equal(xmlr_local_name(root), "Root");
    assert_string_equal(xmlr_attr(root, "id"), "7");
    assert_string_equal(xmlr_attr(root, "xmlns:a"), "urn:x");
    assert_null(xmlr_attr(root, "nope"));
    assert_string_equal(root->text, "premidpost");
    assert_true(xmlr_has_children(root));

    xmlr_node *m1 = xmlr_child(root, "m");
    assert_non_null(m1);
    assert_string_equal(m1->text, "1");
    assert_false(xmlr_has_children(m1));
    xmlr_node *m2 = xmlr_next(m1, "m");
    assert_non_null(m2);
    assert_string_equal(m2->text, "23");
    assert_ptr_equal(m2->parent, root);
    xmlr_node *q = xmlr_child(m2, "q");
    assert_string_equal(q->text, "&A");
    assert_null(xmlr_next(m2, "m"));
    assert_string_equal(xmlr_child(root, "n")->text, "");
    xmlr_free(root);
}

static void test_reader_prefixed_lookup(void **state)
{
    static const char doc[] = "<r><x:a>1</x:a><a>2</a></r>";
    char err[128];
    xmlr_node *root = xmlr_parse(doc, sizeof doc - 1, err, sizeof err);
    assert_non_null(root);
    assert_string_equal(xmlr_child(root, "a")->text, "1");
    assert_string_equal(xmlr_child(root, "x:a")->text, "1");
    assert_null(xmlr_child(root, "y:a"));
    xmlr_free(root);
}

static void test_reader_refuses_doctype(void **state)
{
    static const char doc[] =
        "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY e \"boom\">]><r>&e;</r>";
    char err[128] = "";
    assert_null(xmlr_parse(doc, sizeof doc - 1, err, sizeof err));
    assert_non_null(strstr(err, "DOCTYPE"));

    static const char ext[] =
        "<!DOCTYPE r SYSTEM \"file:///etc/passwd\"><r/>";
    assert_null(xmlr_parse(ext, sizeof ext - 1, err, sizeof err));
}

static void test_reader_malformed(void **state)
{
    char err[128] = "";
    static const char bad[] = "<a><b></a>";
    assert_null(xmlr_parse(bad, sizeof bad - 1, err, sizeof err));
    assert_non_null(strstr(err, "line 1"));
    static const char truncated[] = "<a><b>text";
    assert_null(xmlr_parse(truncated, sizeof truncated - 1, err, sizeof err));
    assert_null(xmlr_parse("", 0, err, sizeof err));
    static const char two_roots[] = "<a/><b/>";
    assert_null(xmlr_parse(two_roots, sizeof two_roots - 1, err, sizeof err));
}

static void test_reader_depth_limit(void **state)
{
    GString *doc = g_string_new(NULL);
    for (int i = 0; i < 1000; i++)
        g_string_append(doc, "<a>");
    for (int i = 0; i < 1000; i++)
        g_string_append(doc, "</a>");
    char err[128] = "";
    assert_null(xmlr_parse(doc->str, doc->len, err, sizeof err));
    assert_non_null(strstr(err, "deep"));
    g_string_free(doc, TRUE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_writer_nesting_and_empty),
        cmocka_unit_test(test_writer_escapes),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_reader_tree),
        cmocka_unit_test(test_reader_prefixed_lookup),
        cmocka_unit_test(test_reader_refuses_doctype),
        cmocka_unit_test(test_reader_malformed),
        cmocka_unit_test(test_reader_depth_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
