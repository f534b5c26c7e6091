"""Chinese cue words: which words of a Chinese question say what it asks.

The Chinese half of :mod:`knowledge_base.cues` and :mod:`knowledge_base.role_cues` (same
intents, same roles); Mandarin, with common Cantonese forms where clerks use them
(边个 = 谁, 几多钱 = 多少钱).
"""

from __future__ import annotations

from knowledge_base.cues import Intent

ZH: dict[Intent, tuple[str, ...]] = {
    Intent.LIMIT: (
        "限购",
        "每人最多",
        "每位顾客限",
        "最多买",
        "限几",
        "最多能买",
        "最多可以买",
        "最多可买",
    ),
    Intent.TARGETS: ("目标", "指标", "任务"),
    Intent.STAFFING: ("人手", "排班", "员工", "执行", "安排人", "人员"),
    # Cantonese too: 边个 = 谁.
    Intent.CONTACT: (
        "联系",
        "找谁",
        "负责人",
        "分机",
        "打给谁",
        "问谁",
        "找边个",
        "问边个",
        "边个负责",
    ),
    Intent.CHANGES: ("变化", "改了", "变更", "更新", "有什么不同", "新版本"),
    Intent.FAQ: ("怎么说", "怎么回答", "顾客问", "客人问", "怎么跟顾客", "怎么解释"),
    Intent.DATES: (
        "结束",
        "截止",
        "到什么时候",
        "到哪天",
        "持续到",
        "开始",
        "什么时候",
        "哪天",
        "几号",
        "几时",
        "做到",
    ),
    Intent.PRICE: (
        "多少钱",
        "价格",
        "价钱",
        "会员价",
        "总共",
        "一共",
        "要付",
        "付多少",
        "到手价",
        "什么价",
        "卖多少",
        "怎么卖",
        "几多钱",
        "几钱",
    ),
    Intent.DISCOUNT: ("折扣", "打折", "优惠多少", "几折", "便宜多少", "打几折", "减多少", "省多少"),
    Intent.IN_OFFER: (
        "参加",
        "参与",
        "包括",
        "算不算",
        "有没有优惠",
        "有优惠吗",
        "在优惠",
        "能打折吗",
    ),
    Intent.OVERVIEW: ("介绍", "是什么", "有哪些优惠", "什么活动", "哪些活动"),
}

FAQ_TOPICS_ZH = ("优惠券", "代金券", "叠加", "一起用", "混搭", "同时使用")

STACK_ZH = ("叠加", "一起用", "同时使用", "同时参加", "一起参加")

WHICH_ZH = ("哪个活动", "哪个优惠", "什么活动", "哪一个活动", "哪个促销")

START_ZH = ("开始", "哪天开始")

END_ZH = ("结束", "截止", "到什么时候", "到哪天", "持续到")

WHERE_ZH = ("哪些店", "哪些门店", "哪家店", "哪几家店")

LEFT_OUT_ZH = ("不参加", "除了", "排除")

LIST_ZH = ("有哪些优惠", "什么活动", "哪些活动", "有什么优惠")
UPCOMING_ZH = ("即将", "接下来", "下一个活动", "下个活动", "快开始")

MEMBER_ZH = ("会员",)
NON_MEMBER_ZH = ("非会员", "不是会员", "没有会员")
"""Asked for someone who is not a member: checked before :data:`MEMBER_ZH`."""
