/* Terminal width of UTF-8 text (client/cli/width.c), the basis of CJK-aware
 * table alignment in the CLI. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "width.h"

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

static void test_char_width_edges(void **state)
{
    assert_int_equal(cg_char_width(0x10FF), 1);
    assert_int_equal(cg_char_width(0x1100), 2); /* first Hangul Jamo initial */
    assert_int_equal(cg_char_width(0x115F), 2);
    assert_int_equal(cg_char_width(0x1160), 1);
    assert_int_equal(cg_char_width(0x3000), 2); /* ideographic space */
    assert_int_equal(cg_char_width(0x303F), 1); /* half fill space */
    assert_int_equal(cg_char_width(0x9FFF), 2);
    assert_int_equal(cg_char_width(0xFF60), 2);
    assert_int_equal(cg_char_width(0xFF61), 1);
    assert_int_equal(cg_char_width(0x3FFFD), 2);
    assert_int_equal(cg_char_width(0x3FFFE), 1);
    assert_int_equal(cg_char_width(0x10FFFF), 1);
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
        cmocka_unit_test(test_char_width_edges),
        cmocka_unit_test(test_invalid_utf8_counts_per_byte),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
