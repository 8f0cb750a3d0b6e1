"""Chart images: rendered on the server by kaleido through the system's Chromium, with the CJK
font present, so Chinese reads as Chinese in the PNG and stays text in the SVG.

Without a CJK font Chromium draws every Chinese character as the same empty box, so two
different Chinese titles would give identical pixels: comparing them is what proves the font.

CI installs chromium and fonts-noto-cjk, so there (CI=true) a missing browser fails the run
with a clear message; on a developer machine without them these tests are skipped.
"""
import io
import os
import zipfile

import docx
import plotly.graph_objects as go
import pytest
from PIL import Image, ImageChops

from dashboard import charts
from dashboard.report import render
from dashboard.report.pack import make_pack
from dashboard.report.word import WJ
from tests.conftest import scope

MISSING = render.check_renderer()


@pytest.fixture(scope="module")
def renderer():
    if MISSING:
        message = "图表图片无法生成:" + ";".join(MISSING)
        if os.environ.get("CI") == "true":
            pytest.fail(message + "(CI 必须安装 chromium 和 fonts-noto-cjk,见 .ci/run)")
        pytest.skip(message)
    with render.ChartRenderer() as r:
        yield r


def titled(title: str) -> go.Figure:
    return charts.rate_ranking(["商州区", "山阳县"], [3, 1], [3, 2], title)


def title_region(png: bytes) -> Image.Image:
    img = Image.open(io.BytesIO(png)).convert("RGB")
    return img.crop((0, 0, img.width, 70 * render.PNG_SCALE))  # the template's top margin, where the title sits


def test_chinese_title_is_drawn_with_a_cjk_font(renderer):
    a = renderer.render(titled("党组织覆盖率统计"))
    b = renderer.render(titled("学校党员发展情况"))
    blank = renderer.render(titled("　" * 8))
    img = Image.open(io.BytesIO(a.png))
    assert a.png.startswith(b"\x89PNG\r\n\x1a\n") and img.format == "PNG"
    assert img.size == (render.WIDTH * render.PNG_SCALE, titled("x").layout.height * render.PNG_SCALE)  # print resolution
    assert len(img.convert("L").getcolors(1 << 16) or []) > 16  # anti-aliased text and bars, not a blank page
    # The title is drawn at all...
    assert ImageChops.difference(title_region(a.png), title_region(blank.png)).getbbox() is not None
    # ...and as distinct glyphs: missing-glyph boxes would be identical for both titles.
    assert ImageChops.difference(title_region(a.png), title_region(b.png)).getbbox() is not None, \
        "两个不同的中文标题渲染结果相同:中文字体缺失,文字被画成了方框"


def test_svg_keeps_the_chinese_as_text(renderer):
    svg = renderer.render(titled("党组织覆盖率统计")).svg.decode("utf-8")
    assert svg.lstrip().startswith("<svg") and "党组织覆盖率统计" in svg and "商州区" in svg
    assert "100.0%（3/3）" in svg  # bar labels carry numerator and denominator


def test_pack_renders_every_chart_in_one_session(renderer, get, handmade_dir):
    pack = make_pack(get, scope(2024), data_dir=handmade_dir, renderer=renderer)
    assert not pack.problems
    charts_ = pack.report.charts
    pngs = sorted(p for p in pack.files if p.endswith(".png"))
    svgs = sorted(p for p in pack.files if p.endswith(".svg"))
    assert len(pngs) == len(svgs) == len(charts_) >= 8
    assert pngs[0] == "图表/图01_2024年全市各县区党组织覆盖率.png"
    d = docx.Document(io.BytesIO(pack.files[pack.docx_name]))
    assert len(d.inline_shapes) == len(charts_)
    captions = [p.text.replace(WJ, "") for p in d.paragraphs if p.style.name == "图题"]
    assert len(captions) == len(charts_) and captions[0] == "图1 2024年全市各县区党组织覆盖率"
    assert len(zipfile.ZipFile(io.BytesIO(pack.zip_bytes())).namelist()) == len(pack.files)


def test_document_pictures_have_no_title_the_files_keep_theirs(renderer):
    """The document captions each figure once, so its picture is drawn without the title (and
    the title's band); the pack's own PNG and SVG, which travel alone, keep it."""
    fig = titled("党组织覆盖率统计")
    image = renderer.render(fig)
    assert "党组织覆盖率统计" in image.svg.decode("utf-8")
    bare = render.untitled(fig)
    assert bare.layout.title.text == "" and bare.layout.margin.t == fig.layout.margin.t - render.TITLE_BAND
    doc = Image.open(io.BytesIO(image.doc_png))
    assert doc.size == (render.WIDTH * render.DOC_SCALE, (fig.layout.height - render.TITLE_BAND) * render.DOC_SCALE)
    # With no title, the top band of the picture is as empty as that of a blank-titled figure.
    blank = renderer.render(titled("　" * 8))
    top = (0, 0, doc.width, 30 * render.DOC_SCALE)
    assert ImageChops.difference(doc.convert("RGB").crop(top),
                                 Image.open(io.BytesIO(blank.doc_png)).convert("RGB").crop(top)).getbbox() is None


def test_missing_browser_says_what_to_install_and_still_makes_the_document(monkeypatch, get, handmade_dir):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    problems = render.check_renderer()
    assert any("apt-get install -y chromium fonts-noto-cjk" in p for p in problems)
    pack = make_pack(get, scope(2024), data_dir=handmade_dir)
    assert pack.problems == problems
    assert not [p for p in pack.files if p.endswith((".png", ".svg"))]
    text = "\n".join(p.text.replace(WJ, "") for p in docx.Document(io.BytesIO(pack.files[pack.docx_name])).paragraphs)
    assert "共有党员68名" in text and "apt-get install -y chromium fonts-noto-cjk" in text


def test_missing_cjk_font_is_reported(monkeypatch, tmp_path):
    if not render.shutil.which("fc-list"):
        pytest.skip("没有 fontconfig 的 fc-list,无法模拟缺少中文字体")
    conf = tmp_path / "fonts.conf"
    # fontconfig with no font directories at all: what a machine without fonts-noto-cjk sees.
    conf.write_text(f'<?xml version="1.0"?><fontconfig><cachedir>{tmp_path}/cache</cachedir></fontconfig>',
                    encoding="utf-8")
    monkeypatch.setenv("FONTCONFIG_FILE", str(conf))
    assert render.cjk_fonts() == []
    assert any("未找到中文字体" in p and "fonts-noto-cjk" in p for p in render.check_renderer())
