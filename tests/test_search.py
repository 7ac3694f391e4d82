"""Site search (generator/site/search.py): the keys an agency is found by, the index's shape and
determinism, and the search family in the pipeline. What the browser makes of the index is in
tests/test_browser_search.py; that the engine makes the same files is in tests/test_incremental.py."""

from __future__ import annotations

import json
from functools import lru_cache

from generator.families import FAMILIES
from generator.model import Region
from generator.site import search
from generator.site.model import Corpus, build_corpus
from tests.site_factories import DEHUI, make_report
from tests.site_html import parse, resolve, site_files

SICHUAN = Region("510000", "四川省", "510000")
CHENGDU = Region("510100", "四川省", "510000", "成都市", "510100")
WUHOU = Region("510107", "四川省", "510000", "成都市", "510100", "武侯区", "510107")
MIANYANG = Region("510700", "四川省", "510000", "绵阳市", "510700")
GUANGXI = Region("450000", "广西壮族自治区", "450000")

AGENCIES: tuple[tuple[str, str, Region, tuple[int, ...]], ...] = (
    ("成都市教育局", "cheng-du-shi-jiao-yu-ju", CHENGDU, (2020, 2021)),
    ("成都市卫生健康委员会", "cheng-du-shi-wei-sheng-jian-kang-wei-yuan-hui", CHENGDU, (2021,)),
    ("成都市人力资源和社会保障局", "cheng-du-shi-ren-li-zi-yuan-he-she-hui-bao-zhang-ju", CHENGDU, (2020,)),
    ("武侯区教育局", "wu-hou-qu-jiao-yu-ju", WUHOU, (2021, 2022)),
    ("绵阳市教育局", "mian-yang-shi-jiao-yu-ju", MIANYANG, (2020,)),
    ("绵阳市住房和城乡建设局", "mian-yang-shi-zhu-fang-he-cheng-xiang-jian-she-ju", MIANYANG, (2022,)),
    ("四川省发展和改革委员会", "si-chuan-sheng-fa-zhan-he-gai-ge-wei-yuan-hui", SICHUAN, (2021,)),
    (
        "广西壮族自治区市场监督管理局",
        "guang-xi-zhuang-zu-zi-zhi-qu-shi-chang-jian-du-guan-li-ju",
        GUANGXI,
        (2021,),
    ),
    ("德惠市人民政府办公室", "de-hui-shi-ren-min-zheng-fu-ban-gong-shi", DEHUI, (2019, 2020)),
)


@lru_cache(maxsize=1)
def search_corpus() -> Corpus:
    """Agencies named as people abbreviate them: departments of a province, two cities and a district
    of one, an autonomous region, a county-level city's government office."""
    reports = [
        make_report(agency=name, agency_id=agency_id, region=region, year=year, template=template)
        for name, agency_id, region, years in AGENCIES
        for year in years
        for template in ("2021" if year >= 2021 else "2019",)
    ]
    return build_corpus(reports, schemas={})


@lru_cache(maxsize=1)
def search_site() -> dict[str, bytes]:
    return site_files(search_corpus())


def test_short_names_of_divisions() -> None:
    assert search.short_name("四川省") == "四川"
    assert search.short_name("成都市") == "成都"
    assert search.short_name("武侯区") == "武侯"
    assert search.short_name("浦东新区") == "浦东"
    assert search.short_name("广西壮族自治区") == "广西"
    assert search.short_name("新疆维吾尔自治区") == "新疆"
    assert search.short_name("内蒙古自治区") == "内蒙古"
    assert search.short_name("恩施土家族苗族自治州") == "恩施"
    assert search.short_name("香港特别行政区") == "香港"
    assert search.short_name("和县") is None  # 和 alone is no name
    assert search.short_name("北京") is None


def test_keys_without_the_region_prefix_and_with_it_in_short() -> None:
    keys = search.name_keys("成都市教育局", CHENGDU)
    assert keys[0] == "成都市教育局"
    assert {"成都教育局", "教育局"} <= set(keys)
    keys = search.name_keys("四川省成都市教育局", CHENGDU)
    assert {"四川成都教育局", "成都市教育局", "成都教育局", "教育局"} <= set(keys)
    keys = search.name_keys("武侯区教育局", WUHOU)
    assert {"武侯教育局", "教育局"} <= set(keys)
    assert "广西市场监督管理局" in search.name_keys("广西壮族自治区市场监督管理局", GUANGXI)


def test_a_region_name_is_taken_off_only_at_the_start_and_never_leaves_nothing() -> None:
    assert search.name_keys("成都市", CHENGDU) == ("成都市",)
    keys = search.name_keys("教育局", CHENGDU)
    assert keys == ("教育局",)
    assert "教育局" not in search.name_keys("四川省教育厅成都办事处", CHENGDU)[1:]


def test_abbreviations_both_ways() -> None:
    keys = search.name_keys("成都市卫生健康委员会", CHENGDU)
    assert {"卫健委", "成都市卫健委"} <= set(keys)
    assert "卫健委" in search.name_keys("成都市卫生健康局", CHENGDU)
    assert "发改委" in search.name_keys("四川省发展和改革委员会", SICHUAN)
    assert "人社局" in search.name_keys("成都市人力资源和社会保障局", CHENGDU)
    assert "住建局" in search.name_keys("绵阳市住房和城乡建设局", MIANYANG)
    assert "市监局" in search.name_keys("广西壮族自治区市场监督管理局", GUANGXI)
    assert "政府办" in search.name_keys("德惠市人民政府办公室", DEHUI)
    assert "环保局" in search.name_keys("成都市生态环境局", CHENGDU)
    # and the other way: a name printed abbreviated is found by the full words
    keys = search.name_keys("德惠市政府办", DEHUI)
    assert {"人民政府办公室", "德惠市人民政府办公室"} <= set(keys)
    # 政府办 inside 人民政府办公室 is not expanded again
    assert not any("人民人民" in k for k in search.name_keys("德惠市人民政府办公室", DEHUI))


def test_traditional_characters_are_simplified_in_keys_and_mapped_for_the_query() -> None:
    assert search.normalise("成都市衛生健康委員會") == "成都市卫生健康委员会"
    assert search.normalise("ＣＨＥＮＧ du") == "chengdu"
    assert search.name_keys("成都市衛生健康委員會", CHENGDU)[0] == "成都市卫生健康委员会"
    mapping = search.traditional_map(["卫生健康委员会"])
    assert mapping["衛"] == "卫" and mapping["會"] == "会" and mapping["員"] == "员"
    assert "生" not in mapping and all(v in "卫生健康委员会" for v in mapping.values())


def test_index_entries() -> None:
    index = json.loads(search.index_bytes(search_corpus()))
    assert index["format"] == search.INDEX_FORMAT
    by_id = {entry[0]: entry for entry in index["agencies"]}
    education = by_id["cheng-du-shi-jiao-yu-ju"]
    assert education[1:3] == ["成都市教育局", "510100"]
    assert index["labels"][education[3]] == "市级部门"
    assert education[4] == [2020, 2021]  # report ids are <agency id>-<year>
    assert education[1][education[5] :] == "教育局"  # the core, by the characters before it
    assert education[6:] == [[], [], "Chengdu City Education Bureau"]  # the id spells the name
    health = by_id["cheng-du-shi-wei-sheng-jian-kang-wei-yuan-hui"]
    assert health[6:] == [["卫健委"], ["wei-jian-wei"], "Chengdu City Health Commission"]
    assert index["regions"]["510107"] == ["武侯区", "510100", "武侯", "wu-hou-qu", "Wuhou District"]
    assert index["regions"]["510100"] == ["成都市", "510000", "成都", "cheng-du-shi", "Chengdu City"]
    assert index["regions"]["510000"] == ["四川省", "", "四川", "si-chuan-sheng", "Sichuan Province"]
    assert index["regions"]["450000"][2] == "广西"
    assert ["about", "关于本站"] in index["pages"]
    assert index["t2s"]["衛"] == "卫"


def test_the_index_is_deterministic_and_small() -> None:
    corpus = search_corpus()
    first = search.index_bytes(corpus)
    again = search.index_bytes(build_corpus(tuple(reversed(corpus.reports)), schemas={}))
    assert first == again
    assert len(first) < 200 * len(corpus.agencies) + 4000


def test_the_search_family_makes_the_page_and_the_index() -> None:
    (family,) = [f for f in FAMILIES if f.name == "search"]
    assert family.items(search_corpus()) == ("index",)
    files = search_site()
    assert json.loads(files["search/index.json"]) == search.search_index(search_corpus())
    page = parse(files["search/index.html"])
    (form,) = page.xpath("//form[@id='search-form']")
    assert form.get("method") == "get" and form.get("data-index") == "../search/index.json"
    assert page.xpath("//input[@id='search-q']/@name") == ["q"]
    assert page.xpath("//noscript//a/@href") == ["../agencies/"]
    assert page.xpath("//script/@src") == ["../static/search.js"]
    assert "static/search.js" in files
    assert not page.xpath("//form[@class='site-search']")  # the page has its own box


def test_every_other_page_has_a_search_box_that_submits_to_the_search_page() -> None:
    files = search_site()
    own = ("search/index.html", "en/search/index.html", "404.html")
    pages = [p for p in files if p.endswith(".html") and p not in own]
    assert len(pages) > 20
    for path in pages:
        (form,) = parse(files[path]).xpath("//form[@class='site-search']")
        assert form.get("method") == "get", path
        edition = "en/" if path.startswith("en/") else ""  # the search page in the page's language
        assert resolve(path, form.get("action")) == (f"{edition}search/index.html", ""), path
        assert form.xpath(".//input/@name") == ["q"]


def test_the_index_changes_with_what_it_shows() -> None:
    corpus = search_corpus()
    (family,) = [f for f in FAMILIES if f.name == "search"]

    class Context:
        def __init__(self, corpus: Corpus) -> None:
            self.corpus = corpus

    inputs = family.inputs(Context(corpus), "index")  # type: ignore[arg-type]
    renamed = build_corpus(
        [make_report(agency="成都市教育局（新）", agency_id="cheng-du-shi-jiao-yu-ju", region=CHENGDU)],
        schemas={},
    )
    assert family.inputs(Context(renamed), "index") != inputs  # type: ignore[arg-type]
    other_pages = build_corpus(corpus.reports, pages={"about": "# 关于"}, schemas={})
    assert family.inputs(Context(other_pages), "index") != inputs  # type: ignore[arg-type]
