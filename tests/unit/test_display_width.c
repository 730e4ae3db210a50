/* Terminal width of UTF-8 text (client/cli/width.c, libunistring), the
 * basis of CJK-aware table alignment in the CLI (output.c). Needs the
 * zh_CN.UTF-8 locale (scripts/deps.sh). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <locale.h>

#include <cmocka.h>

#include "output.h"
#include "width.h"

static void use_locale(const char *name)
{
    if (setlocale(LC_CTYPE, name) == NULL)
        fail_msg("locale %s is not installed (scripts/deps.sh makes it)", name);
}

static int use_c(void **state)
{
    use_locale("C.UTF-8");
    return 0;
}

static void test_ascii(void **state)
{
    assert_int_equal(cg_display_width(""), 0);
    assert_int_equal(cg_display_width("hq"), 2);
    assert_int_equal(cg_display_width("CN=hq,O=chengguan dev"), 21);
}

static void test_cjk_is_two_columns(void **state)
{
    assert_int_equal(cg_display_width("兴隆台分局"), 10);
    assert_int_equal(cg_display_width("盘锦市城管执法局"), 16);
    assert_int_equal(cg_display_width("督查科 supervision"), 6 + 1 + 11);
    /* Fullwidth forms, CJK punctuation, Hangul, kana, an emoji, CJK Ext. B. */
    assert_int_equal(cg_display_width("ＡＢ１"), 6);
    assert_int_equal(cg_display_width("，。"), 4);
    assert_int_equal(cg_display_width("한글"), 4);
    assert_int_equal(cg_display_width("カナ"), 4);
    assert_int_equal(cg_display_width("\xF0\x9F\x98\x80"), 2); /* U+1F600 */
    assert_int_equal(cg_display_width("\xF0\xA0\x80\x80"), 2); /* U+20000 */
    assert_int_equal(cg_display_width("\xE4\xB6\xB5"), 2);     /* U+4DB5, Ext. A */
    assert_int_equal(cg_display_width("\xEF\xBD\xA1"), 1);     /* U+FF61, halfwidth 。 */
}

static void test_narrow_non_ascii(void **state)
{
    assert_int_equal(cg_display_width("café"), 4);
    assert_int_equal(cg_display_width("Ω№€"), 3);
    assert_int_equal(cg_display_width("\xC2\xA0"), 1); /* no-break space */
}

static void test_zero_width(void **state)
{
    assert_int_equal(cg_display_width("e\xCC\x81"), 1); /* e + U+0301 */
    assert_int_equal(cg_display_width("a\xE2\x80\x8B"
                                      "b"),
                     2);                                               /* zero-width space */
    assert_int_equal(cg_display_width("\xE5\x85\xB4\xEF\xB8\x80"), 2); /* 兴 + VS1 */
    assert_int_equal(cg_display_width("a\tb\n"), 2);                   /* controls */
}

/* East Asian Width A ("·" U+00B7, "×", "①", "→") is wide in a Chinese
 * terminal, narrow elsewhere; the wide and narrow ones do not change. */
static void test_ambiguous_follows_the_locale(void **state)
{
    use_locale("zh_CN.UTF-8");
    assert_int_equal(cg_display_width("张·三"), 6);
    assert_int_equal(cg_display_width("×①→"), 6);
    assert_int_equal(cg_display_width("兴隆台分局 ab"), 13);
    assert_int_equal(cg_display_width("e\xCC\x81"), 1);
    use_locale("C.UTF-8");
    assert_int_equal(cg_display_width("张·三"), 5);
    assert_int_equal(cg_display_width("×①→"), 3);
    assert_int_equal(cg_display_width("兴隆台分局 ab"), 13);
    use_locale("C");
    assert_int_equal(cg_display_width("张·三"), 5);
}

/* The table as printed, for rows of two columns. */
static char *printed(const char *const rows[][2], size_t n)
{
    cg_table *t = cg_table_new(2, rows[0]);
    for (size_t i = 1; i < n; i++)
        assert_int_equal(cg_table_add(t, rows[i]), 0);
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    cg_table_print(t, out);
    fclose(out);
    cg_table_free(t);
    return text;
}

/* Chinese, an ambiguous "·" and a combining accent line up: the second
 * column starts at the same terminal column on every line. */
static void test_table_alignment(void **state)
{
    static const char *const rows[][2] = {
        {"名称", "单位"},
        {"张·三", "兴隆台分局"},
        {"cafe\xCC\x81", "xinglongtai"},
        {"ab", "-"},
    };
    use_locale("zh_CN.UTF-8");
    char *text = printed(rows, 4);
    assert_string_equal(text, "名称    单位\n"
                              "张·三  兴隆台分局\n"
                              "cafe\xCC\x81    xinglongtai\n"
                              "ab      -\n");
    free(text);
    use_locale("C.UTF-8");
    text = printed(rows, 4);
    assert_string_equal(text, "名称   单位\n"
                              "张·三  兴隆台分局\n"
                              "cafe\xCC\x81   xinglongtai\n"
                              "ab     -\n");
    free(text);
}

static void test_invalid_utf8_counts_per_byte(void **state)
{
    assert_int_equal(cg_display_width("\xFF"), 1);
    assert_int_equal(cg_display_width("a\x80"
                                      "b"),
                     3);                                       /* stray continuation */
    assert_int_equal(cg_display_width("\xC0\xAF"), 2);         /* overlong '/' */
    assert_int_equal(cg_display_width("\xED\xA0\x80"), 3);     /* surrogate U+D800 */
    assert_int_equal(cg_display_width("\xF4\x90\x80\x80"), 4); /* over U+10FFFF */
    assert_int_equal(cg_display_width("\xE5\x85"), 2);         /* truncated 兴 */
    assert_int_equal(cg_display_width("\xE5\x85"
                                      "a"),
                     3); /* truncated, then 'a' */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ascii),
        cmocka_unit_test(test_cjk_is_two_columns),
        cmocka_unit_test(test_narrow_non_ascii),
        cmocka_unit_test(test_zero_width),
        cmocka_unit_test(test_invalid_utf8_counts_per_byte),
        cmocka_unit_test_setup(test_ambiguous_follows_the_locale, use_c),
        cmocka_unit_test_setup(test_table_alignment, use_c),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
