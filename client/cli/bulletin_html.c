#include "bulletin_html.h"

#include "bulletin_view.h"
#include "i18n.h"
#include "local_time.h"

#include <stdlib.h>
#include <string.h>

/* One colour per unit, in the order of the reply's units. */
static const char *const colours[] = {"#c0392b", "#2471a3", "#229954", "#d68910",
                                      "#7d3c98", "#17a589", "#566573"};
#define COLOUR(i) colours[(i) % (sizeof colours / sizeof colours[0])]

/* Chart geometry (SVG user units). */
enum { W = 640, LEFT = 150, RIGHT = 60, BAR = 18, GAP = 6, TOP = 28 };

static const char *str(const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s != NULL ? s : "";
}

void cg_html_text(FILE *out, const char *s)
{
    for (; s != NULL && *s != '\0'; s++) {
        switch (*s) {
        case '&':
            fputs("&amp;", out);
            break;
        case '<':
            fputs("&lt;", out);
            break;
        case '>':
            fputs("&gt;", out);
            break;
        case '"':
            fputs("&quot;", out);
            break;
        case '\'':
            fputs("&#39;", out);
            break;
        default:
            fputc(*s, out);
        }
    }
}

void cg_html_begin(FILE *out, const char *title)
{
    /* TRANSLATORS: the language of the HTML pages written (lang attribute). */
    fprintf(out, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n",
            _("en"));
    fputs("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>", out);
    cg_html_text(out, title);
    fputs("</title>\n<style>\n"
          "body{font-family:\"Noto Sans CJK SC\",\"Microsoft YaHei\",\"PingFang SC\",sans-serif;"
          "margin:2em auto;max-width:1100px;color:#222;padding:0 1em}\n"
          "h1{font-size:1.6em;text-align:center;color:#a61b1b}\n"
          "h2{font-size:1.2em;border-left:4px solid #a61b1b;padding-left:.5em;margin-top:2em}\n"
          "p.meta{text-align:center;color:#555}\n"
          "table{border-collapse:collapse;width:100%;font-size:.9em}\n"
          "th,td{border:1px solid #bbb;padding:.3em .5em;text-align:right;white-space:nowrap}\n"
          "th:first-child,td:first-child{text-align:left}\n"
          "thead th{background:#f2e6e6}\n"
          "tr.total td{font-weight:bold;background:#faf5f5}\n"
          "td.few{color:#888;font-style:italic}\n"
          ".charts{display:flex;flex-wrap:wrap;gap:1em}\n"
          ".charts figure{margin:0;flex:1 1 500px;min-width:0}\n"
          ".charts svg{width:100%;height:auto}\n"
          "figcaption{font-weight:bold;margin-bottom:.3em}\n"
          "svg text{font-size:12px;fill:#333}\n"
          "</style>\n</head>\n<body>\n",
          out);
}

/* The table: indicators as rows, units as columns, score and rank last. */
static void table(FILE *out, const json_t *reply)
{
    const json_t *units = json_object_get(reply, "units");
    size_t i, u;
    const json_t *ind, *unit;
    char cell[128];
    fprintf(out, "<table id=\"bulletin\">\n<thead><tr><th>");
    cg_html_text(out, _("indicator"));
    fputs("</th><th>", out);
    cg_html_text(out, _("weight"));
    fputs("</th>", out);
    json_array_foreach(units, u, unit)
    {
        fputs("<th>", out);
        cg_html_text(out, str(unit, "unit_name"));
        fputs("</th>", out);
    }
    fputs("</tr></thead>\n<tbody>\n", out);
    json_array_foreach(json_object_get(reply, "indicators"), i, ind)
    {
        fputs("<tr data-key=\"", out);
        cg_html_text(out, str(ind, "key"));
        fputs("\"><td>", out);
        cg_html_text(out, cg_bulletin_label(ind));
        fprintf(out, "</td><td>%lld</td>",
                (long long)json_integer_value(json_object_get(ind, "weight")));
        json_array_foreach(units, u, unit)
        {
            const json_t *v = cg_bulletin_value(unit, str(ind, "key"));
            cg_bulletin_cell(ind, v, cell, sizeof cell);
            fputs(strcmp(str(v, "status"), "too_few") == 0 ? "<td class=\"few\">" : "<td>", out);
            cg_html_text(out, cell);
            fputs("</td>", out);
        }
        fputs("</tr>\n", out);
    }
    for (int k = 0; k < 2; k++) {
        fputs(k == 0 ? "<tr class=\"total\" id=\"score\"><td>"
                     : "<tr class=\"total\" id=\"rank\"><td>",
              out);
        cg_html_text(out, k == 0 ? _("composite score") : _("rank"));
        fputs("</td><td></td>", out);
        json_array_foreach(units, u, unit)
        {
            if (k == 0)
                cg_bulletin_score(unit, cell, sizeof cell);
            else
                cg_bulletin_rank(reply, unit, cell, sizeof cell);
            fputs("<td>", out);
            cg_html_text(out, cell);
            fputs("</td>", out);
        }
        fputs("</tr>\n", out);
    }
    fputs("</tbody>\n</table>\n", out);
}

/* A horizontal bar per unit: value / max of the row's scale, with its text. */
static void bars(FILE *out, const char *caption, const json_t *reply, const json_t *ind)
{
    const json_t *units = json_object_get(reply, "units");
    size_t n = json_array_size(units), u;
    const json_t *unit;
    int rate = ind == NULL || cg_bulletin_is_rate(ind);
    double max = rate ? 1 : 0;
    json_array_foreach(units, u, unit)
    {
        double v = ind == NULL ? json_number_value(json_object_get(unit, "score")) / 100
                               : json_number_value(json_object_get(
                                     cg_bulletin_value(unit, str(ind, "key")), "value"));
        if (v > max)
            max = v;
    }
    int h = TOP + (int)n * (BAR + GAP) + 8;
    fputs("<figure class=\"chart\"><figcaption>", out);
    cg_html_text(out, caption);
    fprintf(out,
            "</figcaption>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
            "viewBox=\"0 0 %d %d\" role=\"img\">\n",
            W, h, W, h);
    fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#999\"/>\n", LEFT, TOP - 6,
            LEFT, h - 4);
    json_array_foreach(units, u, unit)
    {
        const json_t *v = ind != NULL ? cg_bulletin_value(unit, str(ind, "key")) : NULL;
        double x = ind == NULL ? json_number_value(json_object_get(unit, "score")) / 100
                               : json_number_value(json_object_get(v, "value"));
        char label[128];
        if (ind == NULL)
            cg_bulletin_score(unit, label, sizeof label);
        else
            cg_bulletin_cell(ind, v, label, sizeof label);
        int y = TOP + (int)u * (BAR + GAP);
        int len = max > 0 ? (int)(x / max * (W - LEFT - RIGHT - 90) + 0.5) : 0;
        fprintf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", LEFT - 6, y + 13);
        cg_html_text(out, str(unit, "unit_name"));
        fprintf(out, "</text><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>",
                LEFT, y, len, BAR, COLOUR(u));
        fprintf(out, "<text x=\"%d\" y=\"%d\">", LEFT + len + 4, y + 13);
        cg_html_text(out, label);
        fputs("</text>\n", out);
    }
    fputs("</svg></figure>\n", out);
}

/* The legend: one swatch per unit, each as wide as its name (about 13
 * units a character at 12px, CJK or not). */
static void legend(FILE *out, const json_t *units, int y)
{
    size_t u;
    const json_t *unit;
    int x = 10;
    json_array_foreach(units, u, unit)
    {
        const char *name = str(unit, "unit_name");
        int chars = 0;
        for (const char *p = name; *p != '\0'; p++)
            chars += ((unsigned char)*p & 0xC0) != 0x80;
        fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>", x, y,
                COLOUR(u));
        fprintf(out, "<text x=\"%d\" y=\"%d\">", x + 16, y + 11);
        cg_html_text(out, name);
        fputs("</text>\n", out);
        x += 16 + 13 * chars + 14;
    }
}

/* Weekly patrol compliance, one line per unit, 0-100 %. */
static void weekly(FILE *out, const json_t *reply)
{
    const json_t *units = json_object_get(reply, "units"), *weeks = json_object_get(reply, "weeks");
    size_t nw = 0, i, u;
    const json_t *w, *unit;
    const char *last = "";
    json_array_foreach(weeks, i, w) if (strcmp(str(w, "week"), last) != 0)
    {
        nw++;
        last = str(w, "week");
    }
    enum { H = 300, PT = 20, PB = 60, PL = 50, PR = 20 };
    fputs("<figure class=\"chart\" id=\"weekly\"><figcaption>", out);
    cg_html_text(out, _("Weekly patrol compliance"));
    fprintf(out,
            "</figcaption>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
            "viewBox=\"0 0 %d %d\" role=\"img\">\n",
            W, H, W, H);
    for (int pct = 0; pct <= 100; pct += 25) {
        double y = PT + (H - PT - PB) * (1 - pct / 100.0);
        fprintf(out,
                "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%d%%</text>\n",
                PL, y, W - PR, y, PL - 4, y + 4, pct);
    }
    double step = nw > 1 ? (double)(W - PL - PR) / (double)(nw - 1) : 0;
    json_array_foreach(units, u, unit)
    {
        size_t k = 0;
        last = "";
        int any = 0;
        json_array_foreach(weeks, i, w)
        {
            if (strcmp(str(w, "week"), last) != 0) {
                if (last[0] != '\0')
                    k++;
                last = str(w, "week");
            }
            double due = json_number_value(json_object_get(w, "due"));
            if (strcmp(str(w, "unit"), str(unit, "unit")) != 0 || due <= 0)
                continue;
            double share = json_number_value(json_object_get(w, "patrolled")) / due;
            double x = PL + step * (double)k, y = PT + (H - PT - PB) * (1 - share);
            if (!any)
                fprintf(out, "<polyline fill=\"none\" stroke-width=\"2\" stroke=\"%s\" points=\"",
                        COLOUR(u));
            fprintf(out, "%s%.1f,%.1f", any ? " " : "", x, y);
            any = 1;
        }
        if (any)
            fputs("\"/>\n", out);
    }
    /* the first and the last week under the axis */
    if (nw > 0) {
        fprintf(out, "<text x=\"%d\" y=\"%d\">", PL, H - PB + 16);
        cg_html_text(out, str(json_array_get(weeks, 0), "week"));
        fprintf(out, "</text><text x=\"%d\" y=\"%d\" text-anchor=\"end\">", W - PR, H - PB + 16);
        cg_html_text(out, last);
        fputs("</text>\n", out);
    }
    legend(out, units, H - 24);
    fputs("</svg></figure>\n", out);
}

/* New illegal-construction cases by month, a bar per unit in each month. */
static void monthly(FILE *out, const json_t *reply)
{
    const json_t *units = json_object_get(reply, "units"),
                 *months = json_object_get(reply, "months");
    const char *first = str(reply, "first"), *as_of = str(reply, "as_of");
    int y0 = atoi(first), m0 = atoi(first + 5), y1 = atoi(as_of), m1 = atoi(as_of + 5);
    int nm = (y1 - y0) * 12 + m1 - m0 + 1;
    if (nm < 1)
        nm = 1;
    size_t nu = json_array_size(units), i, u;
    const json_t *m, *unit;
    double max = 1;
    json_array_foreach(months, i, m)
    {
        double c = json_number_value(json_object_get(m, "cases"));
        if (c > max)
            max = c;
    }
    enum { H = 260, PT = 20, PB = 60, PL = 50, PR = 20 };
    double slot = (double)(W - PL - PR) / nm, bw = slot * 0.8 / (double)(nu > 0 ? nu : 1);
    fputs("<figure class=\"chart\" id=\"illegal\"><figcaption>", out);
    cg_html_text(out, _("New illegal-construction cases by month"));
    fprintf(out,
            "</figcaption>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
            "viewBox=\"0 0 %d %d\" role=\"img\">\n",
            W, H, W, H);
    fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#999\"/>", PL, H - PB,
            W - PR, H - PB);
    fprintf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.0f</text>\n", PL - 4, PT + 4, max);
    for (int k = 0; k < nm; k++) {
        char month[16];
        int y = y0 + (m0 - 1 + k) / 12, mon = (m0 - 1 + k) % 12 + 1;
        snprintf(month, sizeof month, "%04d-%02d", y, mon);
        double x = PL + slot * k + slot * 0.1;
        json_array_foreach(units, u, unit)
        {
            double c = 0;
            json_array_foreach(months, i, m) if (strcmp(str(m, "month"), month) == 0 &&
                                                 strcmp(str(m, "unit"), str(unit, "unit")) == 0) c =
                json_number_value(json_object_get(m, "cases"));
            double h = (H - PT - PB) * c / max;
            fprintf(out,
                    "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
                    "<title>%s %.0f</title></rect>",
                    x + bw * (double)u, H - PB - h, bw, h, COLOUR(u), month, c);
        }
        if (nm <= 12 || k % 3 == 0)
            fprintf(out, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
                    PL + slot * k + slot / 2, H - PB + 16, nm <= 12 ? month + 5 : month);
    }
    legend(out, units, H - 24);
    fputs("</svg></figure>\n", out);
}

int cg_bulletin_html(FILE *out, const json_t *reply)
{
    char title[128], iso[64], now[64];
    snprintf(title, sizeof title, _("Supervision bulletin %s"), str(reply, "period"));
    cg_time_now(iso, sizeof iso);
    if (cg_time_text_of(iso, now, sizeof now) != 0)
        snprintf(now, sizeof now, "%s", iso);
    cg_html_begin(out, title);
    fputs("<h1>", out);
    cg_html_text(out, title);
    fputs("</h1>\n<p class=\"meta\">", out);
    fprintf(out, _("Period %s to %s; figures as of %s; made %s (Beijing time)."),
            str(reply, "first"), str(reply, "last"), str(reply, "as_of"), now);
    fputs("</p>\n<h2>", out);
    cg_html_text(out, _("Indicators by unit"));
    fputs("</h2>\n", out);
    table(out, reply);
    fputs("<p>", out);
    cg_html_text(out,
                 _("Rates as share (numerator/denominator). A rate over too few cases is "
                   "not scored; the composite score is the weighted mean of the indicators "
                   "scored; a unit scored on less than 60 per cent of the weight is not ranked."));
    fputs("</p>\n<h2>", out);
    cg_html_text(out, _("Charts"));
    fputs("</h2>\n<div class=\"charts\">\n", out);
    weekly(out, reply);
    monthly(out, reply);
    bars(out, _("composite score"), reply, NULL);
    size_t i;
    const json_t *ind;
    json_array_foreach(json_object_get(reply, "indicators"), i, ind)
        bars(out, cg_bulletin_label(ind), reply, ind);
    fputs("</div>\n</body>\n</html>\n", out);
    return ferror(out) ? -1 : 0;
}
