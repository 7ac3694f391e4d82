"""Reading single cells and labels: many small input → expected cases, one test id each."""

from __future__ import annotations

import pytest

from generator.parse.text import norm, read_number

NUMBER_CASES = [
    ("0", 0, None),
    ("00", 0, None),
    ("\u00a00", 0, None),
    ("0\u00a0", 0, None),
    ("\u3000\u300016", 16, None),
    ("１２", 12, None),
    ("+170", 170, None),
    ("-5", -5, None),
    ("−3", -3, None),
    ("－8", -8, None),
    ("增5", 5, None),
    ("减12", -12, None),
    ("28204万元", 28204, "万元"),
    ("75.77万元", 75.77, "万元"),
    ("251000元", 251000, "元"),
    ("1,234", 1234, None),
    ("1010件", 1010, "件"),
    ("477.35", 477.35, None),
]
BLANK_CASES = ["", " ", "\u00a0", "-", "/", "—", "无", "N/A"]
NOT_NUMBERS = ["规章", "约二十", "1.属于国家秘密", "2020年", "12件左右"]


@pytest.mark.parametrize(("raw", "value", "unit"), NUMBER_CASES, ids=[c[0] or "empty" for c in NUMBER_CASES])
def test_numbers(raw: str, value: float, unit: str | None) -> None:
    number = read_number(raw)
    assert number is not None and (number.value, number.unit) == (value, unit)


@pytest.mark.parametrize("raw", BLANK_CASES)
def test_blank_is_not_zero(raw: str) -> None:
    number = read_number(raw)
    assert number is not None and number.value is None


@pytest.mark.parametrize("raw", NOT_NUMBERS)
def test_labels_are_not_numbers(raw: str) -> None:
    assert read_number(raw) is None


@pytest.mark.parametrize(
    ("label", "key"),
    [
        ("（一）予以公开", "(一)予以公开"),
        ("(一) 予以公开", "(一)予以公开"),
        ("3.危及“三安全一稳定”", "3.危及三安全一稳定"),
        ('3.危及"三安全一稳定"', "3.危及三安全一稳定"),
        ("屬於國家秘密", "属于国家秘密"),
        ("规    章", "规章"),
        ("第二十条第（九）项", "第二十条第(九)项"),
    ],
)
def test_label_keys(label: str, key: str) -> None:
    assert norm(label) == key


def test_shaanxi_and_shanxi_get_different_ids() -> None:
    from generator.parse.metadata import slug

    assert slug("陕西省统计局") == "shaan-xi-sheng-tong-ji-ju"
    assert slug("山西省统计局") == "shan-xi-sheng-tong-ji-ju"
    assert slug("通化市东昌区人民政府") == "tong-hua-shi-dong-chang-qu-ren-min-zheng-fu"


@pytest.mark.parametrize(
    ("title", "agency"),
    [
        # a web page's header links before the title (its text joined into one line)
        ("登录 注册 新津区生态环境局2022年政府信息公开工作年度报告", "新津区生态环境局"),
        ("登录注册首页 德惠市政府办2020年政府信息公开年报", "德惠市政府办"),
        # a name that starts with one of those words is left whole
        ("注册会计师协会2020年政府信息公开年报", "注册会计师协会"),
        ("2020年通化市东昌区政府信息公开工作年度报告", "通化市东昌区"),
    ],
)
def test_the_agency_in_a_title_leaves_out_site_links(title: str, agency: str) -> None:
    from generator.parse.metadata import agency_from_title

    assert agency_from_title(title) == agency


def test_site_links_on_the_line_above_a_title_are_not_the_agency() -> None:
    from generator.model import Source
    from generator.parse.metadata import find_title

    lines = ["登录 注册 新津区生态环境局", "2022年政府信息公开工作年度报告", "本报告依据……"]
    title = find_title(Source("x.txt", tuple(lines), 1, {}, "utf-8", "0" * 64))
    assert title is not None and title.agency == "新津区生态环境局"
    assert title.text == "新津区生态环境局2022年政府信息公开工作年度报告"


def test_a_title_that_runs_on_into_the_text_still_names_the_agency() -> None:
    from generator.model import Source
    from generator.parse.metadata import find_title

    line = (
        "2021年安化县枫林镇政府信息公开工作年度报告 发布日期:2022-01-13 浏览次数:820 " + "本报告依据……" * 20
    )
    title = find_title(Source("x.txt", (line,), 1, {}, "utf-8", "0" * 64))
    assert title is not None and title.text == "2021年安化县枫林镇政府信息公开工作年度报告"
    assert title.agency == "安化县枫林镇" and title.year == 2021


def test_latin_letters_and_digits_in_a_name_stay_words_in_its_id() -> None:
    from generator.parse.metadata import _spell

    assert _spell("2021-anhuaxian-fenglinzhen") == "2021-anhuaxian-fenglinzhen"
    assert _spell("成都市第3中学") == "cheng-du-shi-di-3-zhong-xue"
