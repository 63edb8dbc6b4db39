"""The organisation report as a PowerPoint deck for the consultant (python-pptx).

Charts are native PowerPoint charts (editable, data inside the file), filled from the same
released result as the report: a value the report withholds (None) is left out of a chart and
shown as a dash in a table. Every text run names a Latin and an East Asian typeface, so PowerPoint
on Windows renders Japanese with a Japanese font instead of falling back to a Chinese one.
"""

import io

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from lxml import etree
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from assessment.analysis import campaign_results

from . import adapter, selectors
from .labels import BAND_LABELS, radar_series
from .loop import report_section
from .models import OwnerRole

FONTS = {"ja": ("Meiryo", "Meiryo"), "en": ("Segoe UI", "Meiryo")}  # (latin, east asian)
INK, MUTED, ACCENT = RGBColor(0x1F, 0x29, 0x37), RGBColor(0x6B, 0x72, 0x80), RGBColor(0x1D, 0x4E, 0xD8)
DASH = "–"
WIDTH, HEIGHT = Inches(13.333), Inches(7.5)  # 16:9


def _typeface(rpr, lang):
    """Name the Latin and East Asian typefaces on a run's (or a chart's default) properties."""
    latin_name, ea_name = FONTS[lang]
    for tag in ("a:latin", "a:ea"):
        old = rpr.find(qn(tag))
        if old is not None:
            rpr.remove(old)
    latin = etree.SubElement(rpr, qn("a:latin"), typeface=latin_name)
    ea = etree.SubElement(rpr, qn("a:ea"), typeface=ea_name)
    # schema order: fills and effects first, then latin, ea, cs, sym, hyperlinks
    following = [
        child
        for child in rpr
        if child.tag
        in (qn("a:cs"), qn("a:sym"), qn("a:hlinkClick"), qn("a:hlinkMouseOver"), qn("a:rtl"), qn("a:extLst"))
    ]
    for child in following:
        rpr.remove(child)
        ea.addnext(child)
    latin.addnext(ea)


def _text(frame, paragraphs, lang, size=18, color=INK, bold=False):
    """Fill a text frame: `paragraphs` is a list of strings or (string, size, bold, color)."""
    frame.word_wrap = True
    frame.clear()
    for index, spec in enumerate(paragraphs):
        text, psize, pbold, pcolor = (spec, size, bold, color) if isinstance(spec, str) else spec
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        run = paragraph.add_run()
        run.text = text
        run.font.size, run.font.bold = Pt(psize), pbold
        run.font.color.rgb = pcolor
        _typeface(run._r.get_or_add_rPr(), lang)


def _title(slide, text, lang):
    box = slide.shapes.add_textbox(Inches(0.6), Inches(0.35), WIDTH - Inches(1.2), Inches(0.9))
    _text(box.text_frame, [text], lang, size=28, bold=True)


def _chart_fonts(chart, lang, size=12):
    chart.font.size = Pt(size)
    _typeface(chart.font._rPr, lang)


def _num(value):
    return None if value is None else round(float(value), 1)


def _table(slide, rows, lang, *, top, widths, size=12, fills=None):
    shape = slide.shapes.add_table(
        len(rows), len(rows[0]), Inches(0.6), top, sum(widths, Emu(0)), Inches(0.4) * len(rows)
    )
    table = shape.table
    for c, width in enumerate(widths):
        table.columns[c].width = width
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            cell = table.cell(r, c)
            _text(
                cell.text_frame,
                [DASH if value is None else str(value)],
                lang,
                size=size,
                bold=(r == 0),
                color=RGBColor(0xFF, 0xFF, 0xFF) if r == 0 else INK,
            )
            if fills and fills.get((r, c)):
                cell.fill.solid()
                cell.fill.fore_color.rgb = fills[(r, c)]
    return table


def _heat(score):
    """Low scores red, high green, like the report's heatmap; None (not shown) grey."""
    if score is None:
        return RGBColor(0xE5, 0xE7, 0xEB)
    steps = [(20, "F8B4B4"), (40, "FBD5B5"), (60, "FDF6B2"), (80, "BCF0DA"), (101, "84E1BC")]
    return RGBColor.from_string(next(color for limit, color in steps if score < limit))


def deck_pptx(*, campaign, lang):
    with translation.override(lang):
        return _deck(campaign, lang)


def _deck(campaign, lang):
    result = campaign_results(campaign=campaign)
    info = selectors.framework_dimensions_info(campaign=campaign)
    order = [d["key"] for d in info]
    names = [d["name"][lang] for d in info]
    level_name = {level["level"]: level["name"][lang] for level in campaign.framework.levels}
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    blank = prs.slide_layouts[6]

    slide = prs.slides.add_slide(blank)
    box = slide.shapes.add_textbox(Inches(0.8), Inches(2.2), WIDTH - Inches(1.6), Inches(3))
    _text(
        box.text_frame,
        [
            (_("Innovation readiness report"), 20, False, ACCENT),
            (result["campaign"]["organisation_name"][lang], 40, True, INK),
            (f"{campaign.name} · {timezone.localdate():%Y-%m-%d}", 18, False, MUTED),
        ],
        lang,
    )

    slide = prs.slides.add_slide(blank)
    _title(slide, _("Executive summary"), lang)
    box = slide.shapes.add_textbox(Inches(0.6), Inches(1.4), WIDTH - Inches(1.2), Inches(5.5))
    if not result["shown"]:
        _text(
            box.text_frame,
            [
                _("Too few responses for results: nothing is shown until %(n)d people have answered.")
                % {"n": result["anonymity_threshold"]}
            ],
            lang,
        )
        buffer = io.BytesIO()
        prs.save(buffer)
        return buffer.getvalue()
    overall = result["overall"]
    lines = [
        (
            _("Readiness index: %(score)s / 100 (level %(level)s %(name)s)")
            % {
                "score": DASH if overall["score"] is None else round(overall["score"]),
                "level": overall["level"] or DASH,
                "name": level_name.get(overall["level"], ""),
            },
            24,
            True,
            INK,
        ),
        (_("%(n)d respondents") % {"n": result["respondents"]}, 16, False, MUTED),
        (_("Three things to do first"), 20, True, ACCENT),
    ]
    lines += [
        (f"{number}. {rec['title'][lang]}", 18, False, INK) for number, rec in enumerate(result["first_three"], start=1)
    ]
    _text(box.text_frame, lines, lang)

    # radar: everyone, and executives vs everyone else where the report shows them exactly
    gaps = {g["dimension"]: g for g in result["gaps"]}
    slide = prs.slides.add_slide(blank)
    _title(slide, _("Readiness by dimension"), lang)
    data = CategoryChartData(number_format="0")
    data.categories = names
    for series in radar_series(result, order):
        data.add_series(series["name"], [_num(value) for value in series["values"]])
    chart = slide.shapes.add_chart(
        XL_CHART_TYPE.RADAR_MARKERS, Inches(1.5), Inches(1.3), Inches(10.3), Inches(6), data
    ).chart
    chart.has_legend, chart.legend.position, chart.legend.include_in_layout = True, XL_LEGEND_POSITION.BOTTOM, False
    chart.value_axis.maximum_scale, chart.value_axis.minimum_scale = 100, 0
    _chart_fonts(chart, lang)

    slide = prs.slides.add_slide(blank)
    _title(slide, _("Perception gap: executives minus everyone else"), lang)
    if any(gaps[k]["exact"] for k in order):
        data = CategoryChartData(number_format="+0;-0;0")
        data.categories = names
        data.add_series(_("Perception gap"), [_num(gaps[k]["gap"]) for k in order])
        chart = slide.shapes.add_chart(
            XL_CHART_TYPE.BAR_CLUSTERED, Inches(0.8), Inches(1.3), Inches(11.7), Inches(5.2), data
        ).chart
        chart.has_legend, chart.has_title = False, False
        chart.category_axis.reverse_order = True  # first dimension on top, as in the report
        plot = chart.plots[0]
        plot.has_data_labels = True
        plot.data_labels.number_format, plot.data_labels.number_format_is_linked = "+0;-0;0", False
        _chart_fonts(chart, lang)
    rows = [[_("Dimension"), _("Perception gap")]] + [
        [
            name,
            f"{gaps[k]['gap']:+.0f}"
            if gaps[k]["exact"]
            else (BAND_LABELS[gaps[k]["band"]]() if gaps[k]["band"] else None),
        ]
        for k, name in zip(order, names, strict=True)
    ]
    if not any(gaps[k]["exact"] for k in order):
        _table(slide, rows, lang, top=Inches(1.4), widths=[Inches(6), Inches(5)])
    note = slide.shapes.add_textbox(Inches(0.6), Inches(6.7), WIDTH - Inches(1.2), Inches(0.5))
    _text(
        note.text_frame,
        [_("Only bands are shown where the exact figure could identify respondents.")],
        lang,
        size=11,
        color=MUTED,
    )

    departments = result["groups"]["department"]
    slide = prs.slides.add_slide(blank)
    _title(slide, _("Departments by dimension"), lang)
    dept_names = {k: v[lang] for k, v in result["department_names"].items()}

    def label(row):
        if row["key"] is not None:
            return dept_names.get(row["key"], row["key"] or _("Not given"))
        return _("Other (merged)")

    rows = [[_("Department"), *names]] + [
        [label(row)]
        + [None if row["dimensions"][k]["score"] is None else round(row["dimensions"][k]["score"]) for k in order]
        for row in departments
    ]
    fills = {
        (r, c + 1): _heat(row["dimensions"][k]["score"])
        for r, row in enumerate(departments, start=1)
        for c, k in enumerate(order)
    }
    if departments:
        _table(
            slide, rows, lang, top=Inches(1.4), widths=[Inches(2.5)] + [Inches(1.6)] * len(order), size=11, fills=fills
        )
    else:
        box = slide.shapes.add_textbox(Inches(0.6), Inches(1.4), Inches(12), Inches(1))
        _text(box.text_frame, [_("No department reaches the anonymity threshold.")], lang)

    slide = prs.slides.add_slide(blank)
    _title(slide, _("Top recommendations"), lang)
    box = slide.shapes.add_textbox(Inches(0.6), Inches(1.3), WIDTH - Inches(1.2), Inches(5.8))
    lines = []
    for rec in adapter.recommendations(result)[:5]:
        owner = str(OwnerRole(rec["owner"]).label) if rec["owner"] in OwnerRole.values else rec["owner"]
        lines += [(rec["title"][lang], 16, True, INK), (f"{owner} · {rec['reason']['text'][lang]}", 12, False, MUTED)]
    _text(box.text_frame, lines or [_("No recommendation is triggered: every dimension is at a high level.")], lang)

    slide = prs.slides.add_slide(blank)
    _title(slide, _("Commitments"), lang)
    current = selectors.commitments_current(campaign=campaign)
    actions = list(selectors.actions_for_campaign(campaign=campaign))
    rows = [[_("Dimension"), _("Target level"), _("By"), _("Why"), _("Actions")]]
    for key, name in zip(order, names, strict=True):
        commitment = current.get(key)
        mine = [a for a in actions if a.dimension == key]
        rows.append(
            [
                name,
                f"{commitment.target_level} {level_name.get(commitment.target_level, '')}" if commitment else None,
                commitment.target_date.isoformat() if commitment else None,
                commitment.rationale if commitment else None,
                len(mine),
            ]
        )
    _table(
        slide,
        rows,
        lang,
        top=Inches(1.4),
        widths=[Inches(2.6), Inches(1.8), Inches(1.5), Inches(5), Inches(1.2)],
        size=12,
    )

    loop = report_section(campaign=campaign, result=result, lang=lang)
    if loop:
        slide = prs.slides.add_slide(blank)
        _title(slide, _("Commitments since the previous assessment"), lang)
        rows = [
            [
                _("Dimension"),
                _("Target"),
                _("Executives' level now"),
                _("Staff-perceived level before"),
                _("Staff-perceived level now"),
                _("Actions done"),
            ]
        ]
        for row in loop["rows"]:
            rows.append(
                [
                    row["name"],
                    row["target"]["level"]["n"] if row["target"] else None,
                    row["executives_now"]["n"] if row["executives_now"] else None,
                    row["staff_before"]["n"] if row["staff_before"] else None,
                    row["staff_now"]["n"] if row["staff_now"] else None,
                    f"{len(row['actions_done'])} / {row['actions_total']}",
                ]
            )
        _table(slide, rows, lang, top=Inches(1.4), widths=[Inches(3)] + [Inches(1.8)] * 5, size=12)

    buffer = io.BytesIO()
    prs.save(buffer)
    return buffer.getvalue()
