"""Chinese line templates, by section and by the part of speech of the rhyming end word.

Slots as in the English templates: {T} theme, {H} title, {N} noun, {V} verb, {A}
adjective, {P} place, end slot {RN}/{RV}/{RA}; every vocabulary word is two characters.
A particle followed by "?" (的, 着, 啊) is optional: the writer tries the line with and
without it to reach an even character count.
"""

from __future__ import annotations

from chorus.lyrics._vocab_zh import words

VERSE: dict[str, tuple[str, ...]] = {
    "RN": (
        "{P}有{A}的?{RN}", "我在{P}想起{RN}", "{T}陪着?我看{RN}", "{A}的?{N}和{RN}",
        "穿过{P}寻找{RN}", "每个{N}都是{RN}", "{T}就是我的{RN}", "在{P}等一场{RN}",
        "你是{P}最{A}的{RN}", "{T}藏着{A}的?{RN}", "抬头看见{A}的?{RN}",
        "把{N}写进{A}的?{RN}", "{T}和{N}的?{RN}", "想带着{T}去看{RN}",
    ),
    "RV": (
        "我在{P}静静{RV}", "{T}还在{P}{RV}", "让{A}的?{N}{RV}", "跟着{N}一起{RV}",
        "我想和{T}一起{RV}", "就算{N}不再{RV}", "{A}的?{N}轻轻{RV}", "在{P}看{N}{RV}",
        "今夜我们为{T}{RV}", "{T}教会我{RV}", "{N}陪着?{T}{RV}",
    ),
    "RA": (
        "{P}的?{N}那么{RA}", "有{T}的日子总是{RA}", "这个{N}有点{RA}", "我的心依然{RA}",
        "{T}让我变得{RA}", "{A}的?{N}也变得{RA}", "{T}的?{N}那么{RA}",
    ),
}  # fmt: skip

HOOK: dict[str, tuple[str, ...]] = {
    "RN": ("{H}啊?陪我去{RN}", "{H}是我的{RN}", "唱一首{H}给{RN}", "{H}带我飞向{RN}"),
    "RV": ("{H}就在{P}{RV}", "{H}让我们{RV}", "{H}陪着?我{RV}"),
    "RA": ("{H}永远{RA}", "啊?{H}那么{RA}", "{H}总是那么{RA}"),
}

CHORUS: dict[str, tuple[str, ...]] = {
    "RN": (
        "带我飞向{RN}", "我们一起去看{RN}", "{T}就是我的{RN}", "你是{A}的?{RN}",
        "抱紧{T}和{RN}", "把{N}点亮成{RN}", "{T}照亮{RN}",
    ),
    "RV": (
        "让我们一起{RV}", "{T}陪我{RV}", "就这样一直{RV}", "跟着{T}{RV}",
        "{P}的?{N}在{RV}", "我们{V}{RV}",
    ),
    "RA": (
        "有你的{P}最{RA}", "{T}让世界{RA}", "今夜的?{N}好{RA}", "我们的{N}多么{RA}",
        "{T}的心那么{RA}",
    ),
}  # fmt: skip

BRIDGE: dict[str, tuple[str, ...]] = {
    "RN": ("如果{N}找不到{RN}", "也许{T}就是{RN}", "在{P}留下{RN}", "我会记得{T}和{RN}"),
    "RV": ("就算{N}不再{RV}", "也许明天我们会{RV}", "等{T}回来{RV}"),
    "RA": ("当{N}变得{RA}", "哪怕{P}不再{RA}", "就算{T}不再{RA}"),
}

OUTRO: dict[str, tuple[str, ...]] = {
    "RN": ("{T}和最后的{RN}", "再见了{A}的{RN}"),
    "RV": ("{T}还在{RV}", "我们慢慢{RV}"),
    "RA": ("{T}永远{RA}", "愿{N}一直{RA}"),
}

TITLES: tuple[str, ...] = ("{T}", "{A}的{T}", "{T}之歌", "{T}的{N}", "{P}的{T}", "致{T}")
PLAIN_TITLES: tuple[str, ...] = ("{A}的{N}", "{N}之歌", "{P}的{N}")

# Generic end words (two characters) for rhyming, by part of speech.
END_NOUNS = words("""
    月光 远方 时光 故乡 海洋 太阳 翅膀 模样 地方 夜晚 彼岸 蓝天 从前 身边 答案 明天
    天空 星空 彩虹 霓虹 眼睛 生命 歌声 风景 梦境 回忆 秘密 奇迹 天地 勇气 温度 脚步
    旅途 礼物 尽头 街头 宇宙 朋友 窗口 未来 大海 色彩 舞台 玫瑰 星辉 拥抱 微笑 心跳
    味道 街道 晚霞 浪花 烟花 天涯 角落 烟火 灯火 星河 清晨 黄昏 灵魂 星辰 青春 声音
    世界 季节 蝴蝶 岁月
""")
END_VERBS = words("""
    飞翔 歌唱 流浪 发光 陪伴 相遇 回头 停留 挥手 守候 漂流 等待 回来 花开 奔跑 燃烧
    拥抱 微笑 回家 说话 唱歌 诉说 闪烁 经过 沉醉 入睡 靠近 前行 旅行 心动 想起 追寻
    出发
""")
END_ADJS = words("""
    明亮 漫长 温暖 浪漫 平凡 灿烂 安静 干净 透明 美丽 甜蜜 幸福 自由 温柔 可爱 精彩
    美好 骄傲 快乐 辽阔
""")
