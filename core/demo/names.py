"""Chinese-looking names for demo clients and warehouses, generated from syllable lists.

Everything is vectorised over a ``numpy.random.Generator`` so that 100,000 names cost a
few hundred milliseconds and the same generator state always gives the same names.
The names are invented: any match with a real person or company is a coincidence.
"""

from __future__ import annotations

import numpy as np

# Common surnames, most frequent first; weights fall off like the real distribution.
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余"
    "杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史"
)
_GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力鹏飞宇浩然婷雪琳"
    "晨阳欣怡子涵梓轩博文俊峰海燕丹志国庆东春梅立新宏亮晓光永振兴德成金龙凤嘉慧思远"
)
_REGIONS = (
    "大连",
    "营口",
    "锦州",
    "沈阳",
    "哈尔滨",
    "长春",
    "天津",
    "青岛",
    "日照",
    "烟台",
    "上海",
    "张家港",
    "南通",
    "宁波",
    "杭州",
    "广州",
    "东莞",
    "深圳",
    "郑州",
    "石家庄",
    "太原",
    "唐山",
    "北京",
    "武汉",
    "成都",
    "厦门",
    "临沂",
    "潍坊",
    "济南",
    "合肥",
)
_TRADE_NAMES = (
    "恒泰",
    "鼎盛",
    "嘉禾",
    "华丰",
    "中融",
    "金穗",
    "宏源",
    "瑞祥",
    "汇通",
    "丰谷",
    "永盛",
    "海融",
    "盛达",
    "东方",
    "新润",
    "广益",
    "信诚",
    "长兴",
    "北辰",
    "润泽",
    "泰和",
    "裕丰",
    "国信",
    "银河",
    "锦程",
    "正大",
    "远航",
    "同创",
    "启明",
    "天元",
)
_HEDGER_TRADES = (
    "粮油贸易",
    "饲料",
    "油脂",
    "农业发展",
    "化工",
    "塑料制品",
    "钢铁",
    "焦化",
    "煤业",
    "矿业",
    "蛋品",
    "物产",
    "实业",
    "供应链管理",
    "国际贸易",
)
_FUND_TRADES = ("投资管理", "资产管理", "私募基金管理", "期货投资", "资本管理")
_COMPANY_FORMS = ("有限公司", "有限公司", "有限公司", "股份有限公司", "集团有限公司")


def _zipf_weights(n: int, s: float = 1.0) -> np.ndarray:
    w = 1.0 / np.arange(1, n + 1) ** s
    return np.asarray(w / w.sum())


def person_names(rng: np.random.Generator, n: int) -> list[str]:
    """``n`` personal names: a surname and one or two given-name characters."""
    surnames = np.array(list(_SURNAMES), dtype=object)
    given = np.array(list(_GIVEN), dtype=object)
    sur = rng.choice(len(surnames), size=n, p=_zipf_weights(len(surnames), 0.8))
    g1 = rng.integers(0, len(given), size=n)
    g2 = rng.integers(0, len(given), size=n)
    two = rng.random(n) < 0.7
    first = surnames[sur] + given[g1]
    full = np.where(two, first + given[g2], first)
    return [str(x) for x in full.tolist()]


def company_names(rng: np.random.Generator, n: int, *, funds: np.ndarray) -> list[str]:
    """``n`` company names; rows where ``funds`` is true read like asset managers."""
    regions = np.array(_REGIONS, dtype=object)
    trade_names = np.array(_TRADE_NAMES, dtype=object)
    hedger = np.array(_HEDGER_TRADES, dtype=object)
    fund = np.array(_FUND_TRADES, dtype=object)
    forms = np.array(_COMPANY_FORMS, dtype=object)
    r = regions[rng.integers(0, len(regions), size=n)]
    t = trade_names[rng.integers(0, len(trade_names), size=n)]
    business = np.where(
        funds,
        fund[rng.integers(0, len(fund), size=n)],
        hedger[rng.integers(0, len(hedger), size=n)],
    )
    form = forms[rng.integers(0, len(forms), size=n)]
    names = r + t + business + form
    return [str(x) for x in names.tolist()]
