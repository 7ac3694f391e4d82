"""Names in the Latin alphabet for the English edition: divisions (GB/T 2260) and agencies.

The official Chinese name is always shown beside these. A province has its established English name;
any other division is its name in pinyin with the standard English for its level (成都市 → Chengdu
City, 武侯区 → Wuhou District, 凉山彝族自治州 → Liangshan Yi Autonomous Prefecture). An agency is its
divisions so named, then its own name: the standard English of a government body or a department of
the standard kinds (人民政府 → People's Government, 教育局 → Education Bureau, 卫生健康委员会 → Health
Commission), and pinyin for anything else, so that nothing is guessed.
"""

from __future__ import annotations

import re
from functools import lru_cache

from generator.model import Region
from generator.parse.metadata import slug
from generator.parse.region import region_from_code_or_name
from generator.site.i18n import translate

PROVINCES = {
    "110000": "Beijing Municipality",
    "120000": "Tianjin Municipality",
    "130000": "Hebei Province",
    "140000": "Shanxi Province",
    "150000": "Inner Mongolia Autonomous Region",
    "210000": "Liaoning Province",
    "220000": "Jilin Province",
    "230000": "Heilongjiang Province",
    "310000": "Shanghai Municipality",
    "320000": "Jiangsu Province",
    "330000": "Zhejiang Province",
    "340000": "Anhui Province",
    "350000": "Fujian Province",
    "360000": "Jiangxi Province",
    "370000": "Shandong Province",
    "410000": "Henan Province",
    "420000": "Hubei Province",
    "430000": "Hunan Province",
    "440000": "Guangdong Province",
    "450000": "Guangxi Zhuang Autonomous Region",
    "460000": "Hainan Province",
    "500000": "Chongqing Municipality",
    "510000": "Sichuan Province",
    "520000": "Guizhou Province",
    "530000": "Yunnan Province",
    "540000": "Xizang (Tibet) Autonomous Region",
    "610000": "Shaanxi Province",
    "620000": "Gansu Province",
    "630000": "Qinghai Province",
    "640000": "Ningxia Hui Autonomous Region",
    "650000": "Xinjiang Uygur Autonomous Region",
    "710000": "Taiwan Province",
    "810000": "Hong Kong Special Administrative Region",
    "820000": "Macao Special Administrative Region",
}

# The level a name ends with, longest first.
LEVELS = (
    ("特别行政区", "Special Administrative Region"),
    ("自治区", "Autonomous Region"),
    ("自治州", "Autonomous Prefecture"),
    ("自治县", "Autonomous County"),
    ("自治旗", "Autonomous Banner"),
    ("林区", "Forestry District"),
    ("新区", "New Area"),
    ("地区", "Prefecture"),
    ("街道", "Subdistrict"),
    ("苏木", "Sumu"),
    ("省", "Province"),
    ("市", "City"),
    ("县", "County"),
    ("区", "District"),
    ("旗", "Banner"),
    ("盟", "League"),
    ("镇", "Town"),
    ("乡", "Township"),
)

# The peoples named in autonomous divisions (民族自治地方), in their standard English.
PEOPLES = {
    "蒙古族": "Mongol", "回族": "Hui", "藏族": "Tibetan", "维吾尔族": "Uygur", "苗族": "Miao",
    "彝族": "Yi", "壮族": "Zhuang", "布依族": "Bouyei", "朝鲜族": "Korean", "满族": "Manchu",
    "侗族": "Dong", "瑶族": "Yao", "白族": "Bai", "土家族": "Tujia", "哈尼族": "Hani",
    "哈萨克族": "Kazak", "傣族": "Dai", "黎族": "Li", "傈僳族": "Lisu", "佤族": "Va", "畲族": "She",
    "拉祜族": "Lahu", "水族": "Sui", "东乡族": "Dongxiang", "纳西族": "Naxi", "景颇族": "Jingpo",
    "柯尔克孜族": "Kirgiz", "土族": "Tu", "达斡尔族": "Daur", "仫佬族": "Mulao", "羌族": "Qiang",
    "撒拉族": "Salar", "毛南族": "Maonan", "仡佬族": "Gelao", "锡伯族": "Xibe", "普米族": "Pumi",
    "塔吉克族": "Tajik", "怒族": "Nu", "鄂温克族": "Ewenki", "保安族": "Bonan", "裕固族": "Yugur",
    "独龙族": "Derung", "鄂伦春族": "Oroqen", "各族": "Multi-ethnic",
}  # fmt: skip
_PEOPLE = re.compile("|".join(sorted(PEOPLES, key=len, reverse=True)))

# Standard words of an agency's own name; the rest of it is pinyin.
BODIES = (
    ("人民政府办公室", "People's Government Office"),
    ("人民政府办公厅", "People's Government General Office"),
    ("人民政府", "People's Government"),
    ("街道办事处", "Subdistrict Office"),
    ("办事处", "Office"),
    ("政府办公室", "Government Office"),
    ("办公室", "Office"),
)


# The standard kinds of departments (the State Council's English for their ministries' names); the
# ending says what the body is: 局 Bureau, 厅 Department, 委员会 Commission.
DEPARTMENTS = {
    "发展和改革": "Development and Reform", "教育": "Education", "科学技术": "Science and Technology",
    "工业和信息化": "Industry and Information Technology", "公安": "Public Security",
    "民政": "Civil Affairs", "司法": "Justice", "财政": "Finance",
    "人力资源和社会保障": "Human Resources and Social Security", "自然资源": "Natural Resources",
    "生态环境": "Ecology and Environment", "住房和城乡建设": "Housing and Urban-Rural Development",
    "交通运输": "Transport", "水利": "Water Resources", "农业农村": "Agriculture and Rural Affairs",
    "商务": "Commerce", "文化广电和旅游": "Culture, Radio, Television and Tourism",
    "文化和旅游": "Culture and Tourism", "卫生健康": "Health", "退役军人事务": "Veterans Affairs",
    "应急管理": "Emergency Management", "审计": "Audit", "统计": "Statistics", "林业": "Forestry",
    "民族宗教事务": "Ethnic and Religious Affairs", "信访": "Public Complaints and Proposals",
    "体育": "Sports", "城市管理": "Urban Management", "税务": "Taxation",
}  # fmt: skip
WHOLE_NAMES = {
    "市场监督管理局": "Administration for Market Regulation",
    "医疗保障局": "Healthcare Security Administration",
    "机关事务管理局": "Government Offices Administration",
    "机关事务局": "Government Offices Administration",
    "政务服务和数据管理局": "Government Services and Data Administration",
    "人民防空办公室": "Civil Air Defence Office",
}
ENDINGS = (("委员会", "{} Commission"), ("局", "{} Bureau"), ("厅", "Department of {}"))


def department_name(text: str) -> str | None:
    """The standard English of a department's own name (without its divisions), or None."""
    if text in WHOLE_NAMES:
        return WHOLE_NAMES[text]
    for ending, form in ENDINGS:
        stem = text.removesuffix(ending)
        if stem != text and stem in DEPARTMENTS:
            return form.format(DEPARTMENTS[stem])
    return None


def pinyin(text: str, between: str = "") -> str:
    """Hanyu pinyin as one capitalised word (成都 → Chengdu, 西安 → Xi'an, 陕西 → Shaanxi); `between`
    goes between syllables (a soft hyphen, so that a narrow box breaks Heilong-jiang, not Heilon-gjiang)."""
    syllables = [s for s in slug(text).split("-") if s and s != "unknown"]
    word = ""
    for syllable in syllables:
        if word and syllable[0] in "aoe" and not word[-1].isdigit():
            word += "'"
        elif word:
            word += between
        word += syllable
    return word[:1].upper() + word[1:]


def place_en(code: str, name: str) -> str:
    """A division by its code, in English, largest last (Chengdu City, Sichuan Province)."""
    region = region_from_code_or_name(code) if code.isdigit() else None
    if region is None:
        return translate(name, "en")
    return ", ".join(english for _, english in reversed(region_names(region)))


def province_en(province: object) -> str:
    """A province (anything with `code` and `name`) in English."""
    return province_name_en(getattr(province, "code", ""), getattr(province, "name", ""))


def province_name_en(code: str, name: str) -> str:
    """A province by its code in English; "地区不详" (code "unknown") as the catalogue says it."""
    return division_name(name, code) if code.isdigit() else translate(name, "en")


@lru_cache(maxsize=8192)
def division_name(name: str, code: str | None = None) -> str:
    """A division's name in English: its established one (provinces), else pinyin and its level."""
    if code and code in PROVINCES:
        return PROVINCES[code]
    for suffix, english in LEVELS:
        if name.endswith(suffix) and len(name) > len(suffix):
            stem = name[: -len(suffix)]
            peoples = [PEOPLES[m] for m in _PEOPLE.findall(stem)]
            if peoples and suffix.startswith("自治"):
                stem = _PEOPLE.split(stem)[0]
                return f"{pinyin(stem)} {' and '.join(peoples)} {english}".replace("  ", " ")
            return f"{pinyin(stem)} {english}"
    return pinyin(name)


def region_names(region: Region) -> list[tuple[str, str]]:
    """(Chinese, English) of each division the region names, province first."""
    parts = (
        (region.province, region.province_code),
        (region.city, region.city_code),
        (region.county, region.county_code),
    )
    return [(name, division_name(name, code)) for name, code in parts if name]


@lru_cache(maxsize=16384)
def _agency_name(name: str, divisions: tuple[tuple[str, str], ...]) -> str:
    words: list[str] = []
    rest = name
    for chinese, english in divisions:  # the divisions it starts with, as printed
        if rest.startswith(chinese):
            words.append(english)
            rest = rest[len(chinese) :]
    department = department_name(rest)
    if department:
        return " ".join([*words, department])
    tail = ""
    for chinese, english in BODIES:
        if rest.endswith(chinese):
            rest, tail = rest[: -len(chinese)], english
            break
    if rest:
        words.append(division_name(rest) if _is_division(rest) else pinyin(rest))
    if tail:
        words.append(tail)
    return " ".join(w for w in words if w)


def _is_division(text: str) -> bool:
    """A town, township or subdistrict named before the body (齐家镇 of 齐家镇人民政府)."""
    return any(text.endswith(s) for s in ("镇", "乡", "街道", "苏木")) and len(text) > 1


def agency_name(name: str, region: Region | None) -> str:
    """成都市教育局 → Chengdu City Education Bureau; 德惠市人民政府办公室 → Dehui City People's Government
    Office; 双阳区齐家镇人民政府 → Shuangyang District Qijia Town People's Government."""
    divisions = tuple(region_names(region)) if region else ()
    return _agency_name(name, divisions) or pinyin(name)
