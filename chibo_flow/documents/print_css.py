"""The Party format (format.py) written as CSS: the declarations of a TextStyle and the
document fonts, for every printed page (the final copy's PDF, the registers' print view)."""

from chibo_flow.documents.format import PAGE, TextStyle

_CSS_GENERIC_FAMILIES = {"serif", "sans-serif", "monospace"}
# A boxed element (a stamp): a single frame around its text only, centred in its column.
BOXED_CSS = (
    " border: 1pt solid #000; padding: 0 4pt; display: table; margin-left: auto;"
    " margin-right: auto;"
)


def font_family() -> str:
    """The CSS font-family list of the document fonts."""
    return ", ".join(f if f in _CSS_GENERIC_FAMILIES else css_string(f) for f in PAGE.fonts)


def css_declarations(style: TextStyle) -> str:
    """The CSS declarations setting an element as `style` says (size, weight, case, spacing)."""
    indent = f"{PAGE.first_line_indent_mm}mm" if style.indent else "0"
    return (
        f"font-size: {style.size_pt}pt; font-weight: {'bold' if style.bold else 'normal'}; "
        f"font-style: {'italic' if style.italic else 'normal'}; "
        f"text-transform: {'uppercase' if style.caps else 'none'}; "
        f"text-decoration: {'underline' if style.underline else 'none'}; "
        f"text-align: {style.align}; text-indent: {indent}; "
        f"margin-top: {style.space_before_pt}pt; margin-bottom: {style.space_after_pt}pt;"
        + (BOXED_CSS if style.boxed else "")
    )


def css_string(text: str) -> str:
    """`text` as a quoted CSS string."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ")
    return f'"{escaped}"'
