/* What tests that write files share: removing the temporary directory they
 * made, without following a symlink out of it (some tests plant symlinks
 * on purpose). */
#ifndef MOCKAWS_TEST_TMPDIR_H
#define MOCKAWS_TEST_TMPDIR_H

#include <glib.h>
#include <glib/gstdio.h>

static inline void test_rm_rf(const char *path)
{
    GDir *d = g_file_test(path, G_FILE_TEST_IS_SYMLINK) ? NULL : g_dir_open(path, 0, NULL);
    if (!d) {
        g_unlink(path);
        return;
    }
    for (const char *n; (n = g_dir_read_name(d));) {
        char *p = g_build_filename(path, n, NULL);
        test_rm_rf(p);
        g_free(p);
    }
    g_dir_close(d);
    g_rmdir(path);
}

#endif
