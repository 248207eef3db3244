"""Fixed colours and dash styles: the same narrative, stance or side looks the same on
every chart, and lines stay apart under colour-vision deficiency.

Colours are from the Okabe-Ito palette (designed to stay distinguishable with protan,
deutan and tritan vision) plus two of Paul Tol's "muted" hues; every narrative also
gets its own dash style, so two lines never differ by colour alone.
"""

from __future__ import annotations

from typing import Any

# narrative id -> (colour, dash). Kremlin-side: warm / dark hues; counter: blues, greens.
NARRATIVE_STYLE: dict[str, tuple[str, str]] = {
    "broken-promise": ("#D55E00", "solid"),
    "encirclement": ("#E69F00", "dash"),
    "rejected-partnership": ("#CC79A7", "dot"),
    "ukraine-proxy": ("#000000", "dashdot"),
    "nato-provoked-war": ("#882255", "longdash"),
    "no-binding-pledge": ("#0072B2", "solid"),
    "sovereign-choice": ("#56B4E9", "dash"),
    "defensive-alliance": ("#009E73", "dot"),
    "aggression-drives-enlargement": ("#117733", "dashdot"),
}
# Narratives outside the taxonomy cycle through these.
SPARE_COLOURS = ("#44AA99", "#999933", "#AA4499", "#332288")
SPARE_DASHES = ("solid", "dash", "dot", "dashdot")

STANCE_COLOURS: dict[str, str] = {
    "promotes": "#D55E00",
    "reports": "#6B6B6B",
    "disputes": "#0072B2",
    "unknown": "#BBBBBB",
}
SIDE_COLOURS: dict[str, str] = {"Kremlin-side": "#D55E00", "Counter-narrative": "#0072B2"}
SIDE_DASHES: dict[str, str] = {"Kremlin-side": "solid", "Counter-narrative": "dash"}
# Axis and tick text: #333333 on white is 12.6:1, well above WCAG's 4.5:1 for text.
TEXT_COLOUR = "#333333"
# Secondary text (captions, notes): #4D4D4D on white is 8.5:1; Streamlit's own faded caption
# colour measured 3.7-3.9:1 in the browser audit (tests/dashboards/test_browser.py).
MUTED_TEXT_COLOUR = "#4D4D4D"
# Page-wide CSS: captions at full opacity in the muted colour (Streamlit fades them below
# 4.5:1), and code blocks in one readable colour (the syntax colours reach only 2.5-3.6:1).
READABLE_CSS = f"""<style>
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] * {{
  opacity: 1 !important; color: {MUTED_TEXT_COLOUR} !important; }}
[data-testid="stCode"] code span {{ color: {TEXT_COLOUR} !important; }}
</style>"""


def narrative_style(narrative_id: str, index: int = 0) -> tuple[str, str]:
    """The (colour, dash) of a narrative; ``index`` picks a spare style for unknown ids."""
    if narrative_id in NARRATIVE_STYLE:
        return NARRATIVE_STYLE[narrative_id]
    return SPARE_COLOURS[index % len(SPARE_COLOURS)], SPARE_DASHES[index % len(SPARE_DASHES)]


# Groups (outlets, media types, countries, languages) take colours in a fixed order of the
# group's full list, not of what a filter leaves, so a group keeps its colour between views.
GROUP_COLOURS = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#000000",
    "#882255",
)
GROUP_DASHES = ("solid", "dash", "dot", "dashdot", "longdash")


def group_style(group: str, every_group: list[str]) -> tuple[str, str]:
    """The (colour, dash) of ``group``, fixed by its position in ``every_group`` (sorted)."""
    ordered = sorted(every_group)
    k = ordered.index(group) if group in ordered else len(ordered)
    return GROUP_COLOURS[k % len(GROUP_COLOURS)], GROUP_DASHES[
        (k // len(GROUP_COLOURS)) % len(GROUP_DASHES)
    ]


def readable(fig: Any) -> Any:
    """``fig`` with every axis, legend and colour-bar text in TEXT_COLOUR.

    Streamlit's chart theme draws tick labels in #808495 (3.7:1 on white); a figure-wide
    font colour does not override the theme's per-axis colours, so each is set here.
    """
    fig.update_layout(
        font={"color": TEXT_COLOUR},
        legend_font_color=TEXT_COLOUR,
        legend_title_font_color=TEXT_COLOUR,
    )
    fig.update_xaxes(tickfont_color=TEXT_COLOUR, title_font_color=TEXT_COLOUR)
    fig.update_yaxes(tickfont_color=TEXT_COLOUR, title_font_color=TEXT_COLOUR)
    fig.update_coloraxes(colorbar_tickfont_color=TEXT_COLOUR, colorbar_title_font_color=TEXT_COLOUR)
    fig.update_traces(
        selector={"type": "heatmap"},
        colorbar_tickfont_color=TEXT_COLOUR,
        colorbar_title_font_color=TEXT_COLOUR,
    )
    fig.update_annotations(font_color=TEXT_COLOUR)
    return fig
