"""Chinese lexicon: theme clusters, moods, style words and function words.

Every vocabulary word is two characters (one sung syllable each) so line lengths can be
planned. Word lists are separated by spaces.
"""

from __future__ import annotations

from dataclasses import dataclass


def words(text: str) -> tuple[str, ...]:
    """The space-separated words of a text block."""
    return tuple(text.split())


@dataclass(frozen=True, slots=True)
class ZhCluster:
    name: str
    triggers: tuple[str, ...]
    nouns: tuple[str, ...]
    verbs: tuple[str, ...]
    adjs: tuple[str, ...]
    places: tuple[str, ...]


def _cluster(name: str, *lists: str) -> ZhCluster:
    """``lists``: triggers, nouns, verbs, adjectives, places."""
    triggers, nouns, verbs, adjs, places = (words(s) for s in lists)
    return ZhCluster(name, triggers, nouns, verbs, adjs, places)


ZH_CLUSTERS: tuple[ZhCluster, ...] = (
    _cluster("night", "夜 深夜 夜晚 午夜 晚上 月亮 月光 星星 夜色 凌晨 失眠",
             "月光 星星 夜色 路灯 窗台 灯火 霓虹 晚风", "闪烁 沉睡 失眠 等待 徘徊 发光",
             "安静 漫长 温柔 朦胧 寂静 明亮", "窗前 街角 楼顶 夜空 桥上 巷口"),
    _cluster("city", "城市 都市 街道 街头 霓虹 地铁 高楼 马路 人群",
             "霓虹 地铁 高楼 人群 路口 街灯 车流 站台", "奔跑 穿梭 流浪 等待 闪烁 回头",
             "拥挤 喧嚣 明亮 匆忙 陌生 繁华", "街角 路口 天桥 站台 楼顶 巷口"),
    _cluster("love", "爱 爱情 喜欢 恋爱 心动 爱人 亲爱 表白 想你 思念 心上人",
             "心跳 拥抱 誓言 玫瑰 笑容 眼睛 温柔 情书", "相爱 拥抱 守候 陪伴 想念 靠近",
             "甜蜜 温暖 心动 真心 温柔 美好", "身边 怀里 心里 窗前 海边 梦里"),
    _cluster("sea", "海 大海 海边 海浪 沙滩 海洋 海风 岛屿 浪花 潮水",
             "海浪 浪花 沙滩 海风 贝壳 灯塔 海鸥 潮水", "漂流 航行 起伏 拍打 远航 歌唱",
             "蔚蓝 辽阔 咸咸 温柔 自由 无边", "海边 岸边 船上 岛上 沙滩 港口"),
    _cluster("cat", "猫 猫咪 小猫 喵 猫儿 橘猫 黑猫",
             "猫咪 尾巴 胡须 毛线 阳光 肉垫 窗台 鱼干", "打盹 伸腰 撒娇 玩耍 跳跃 呼噜",
             "慵懒 可爱 柔软 调皮 好奇 暖暖", "窗台 沙发 屋顶 门口 纸箱 阳台"),
    _cluster("dog", "狗 小狗 狗狗 汪 宠物", "尾巴 小狗 皮球 脚印 项圈 草地",
             "奔跑 摇尾 玩耍 等待 守候 跳跃", "忠诚 快乐 调皮 可爱 温暖 憨憨",
             "门口 草地 院子 公园 身边 路口"),
    _cluster("code", "编程 代码 程序 程序员 电脑 键盘 屏幕 算法 调试 网络 数据 软件 服务器 "
             "机器 人工智能 二进制 黑客 加班",
             "代码 屏幕 键盘 光标 程序 数据 信号 机器", "编译 运行 调试 敲打 闪烁 循环",
             "数字 冰冷 无尽 闪亮 执着 清醒", "屏幕 桌前 机房 窗前 云端 网络"),
    _cluster("summer", "夏天 夏日 夏季 阳光 西瓜 蝉鸣 暑假 炎热 晴天 太阳",
             "阳光 西瓜 蝉鸣 汽水 晴天 冰棍 晚霞 风扇", "奔跑 歌唱 欢笑 闪耀 游泳 燃烧",
             "炎热 灿烂 明亮 快乐 耀眼 金色", "海边 树下 操场 街头 屋顶 河边"),
    _cluster("rain", "雨 下雨 雨天 雨夜 雨水 大雨 小雨 雷雨 雨伞 阴天",
             "雨滴 雨伞 窗户 水洼 乌云 雷声 屋檐 雨水", "滴落 等待 飘落 哭泣 淋湿 停留",
             "潮湿 阴冷 灰色 安静 朦胧 冰凉", "窗前 屋檐 街角 伞下 路口 车站"),
    _cluster("home", "家 回家 家乡 故乡 妈妈 爸爸 母亲 父亲 家人 老家 外婆 奶奶",
             "灯光 饭菜 老屋 门口 炊烟 院子 小路 照片", "等待 守候 回来 想念 陪伴 长大",
             "温暖 熟悉 简单 安心 亲切 平凡", "门口 厨房 院子 窗前 村口 桌前"),
    _cluster("road", "路 旅行 远方 公路 火车 出发 旅途 远行 流浪 旅程 自驾",
             "公路 火车 地图 行李 车窗 站台 远方 背包", "出发 流浪 前行 奔跑 远行 漂泊",
             "遥远 漫长 自由 孤单 无边 辽阔", "路上 车站 远方 路口 天边 山间"),
    _cluster("dreams", "梦 梦想 梦境 做梦 希望 愿望 理想 未来",
             "梦想 翅膀 星光 天空 彩虹 云朵 愿望 城堡", "飞翔 追逐 出发 坚持 闪耀 实现",
             "遥远 美丽 闪亮 勇敢 执着 自由", "天空 云端 远方 梦里 天边 山顶"),
    _cluster("party", "派对 跳舞 狂欢 舞池 蹦迪 聚会 舞会 周末 节日 庆祝",
             "舞池 音乐 灯光 鼓点 节拍 人群 烟花 酒杯", "跳舞 狂欢 摇摆 尖叫 旋转 跳跃",
             "疯狂 热烈 闪亮 快乐 尽兴 火热", "舞池 台上 街头 屋顶 灯下 人群"),
    _cluster("sadness", "难过 伤心 悲伤 眼泪 哭 孤独 寂寞 离别 失恋 分手 心碎 告别 忧伤",
             "眼泪 背影 回忆 伤口 沉默 空房 旧信 雨夜", "哭泣 离开 告别 沉默 遗忘 等待",
             "孤单 寂寞 冰冷 空空 破碎 沉默", "窗前 街角 车站 路口 门外 雨里"),
    _cluster("winter", "冬天 冬日 雪 下雪 雪花 寒冷 冬季 圣诞 新年",
             "雪花 围巾 炉火 手套 白雪 冬夜 热茶 屋檐", "飘落 融化 等待 取暖 守候 沉睡",
             "寒冷 洁白 安静 温暖 冰冷 纯白", "窗前 屋檐 雪地 炉边 街头 山间"),
    _cluster("space", "宇宙 星空 星球 银河 火箭 太空 星辰 行星 月球 外星",
             "星辰 银河 火箭 行星 流星 光年 卫星 星尘", "飞翔 漂浮 旋转 闪耀 穿越 坠落",
             "遥远 无边 神秘 闪亮 浩瀚 寂静", "太空 银河 星空 天边 云端 轨道"),
    _cluster("nature", "森林 山 大山 河 河流 花 花开 春天 风 小鸟 田野 树 草原",
             "森林 河流 花朵 小鸟 微风 山谷 树叶 草原", "生长 开放 流淌 歌唱 飞翔 苏醒",
             "青青 清新 自由 温柔 辽阔 安静", "山间 河边 林中 田野 山顶 花园"),
    _cluster("music", "音乐 歌 唱歌 吉他 钢琴 旋律 乐队 歌声 节奏 麦克风",
             "吉他 旋律 歌声 琴弦 音符 唱片 鼓点 钢琴", "歌唱 弹奏 哼唱 回荡 摇摆 跳动",
             "动听 轻快 悠扬 温柔 响亮 简单", "台上 街头 窗前 心里 耳边 夜里"),
    _cluster("time", "回忆 时光 青春 过去 童年 毕业 从前 岁月 记忆 怀念 昨天",
             "时光 照片 回忆 青春 岁月 操场 课桌 旧梦", "怀念 回头 流逝 长大 告别 想起",
             "青涩 遥远 美好 泛黄 单纯 难忘", "操场 教室 街角 从前 心里 梦里"),
)  # fmt: skip

ZH_DEFAULT_CLUSTERS: tuple[str, ...] = ("night", "dreams", "road", "time")

# mood -> trigger words (the mood names match _vocab_en.MOODS)
ZH_MOODS: dict[str, tuple[str, ...]] = {
    "sad": words("难过 伤心 悲伤 忧伤 哭 眼泪 孤独 寂寞 失恋 离别 心碎 思念 分手 遗憾"),
    "happy": words("欢快 快乐 开心 愉快 欢乐 轻快 活泼 高兴 派对 跳舞 狂欢 可爱 阳光"),
    "romantic": words("浪漫 爱情 甜蜜 恋爱 表白 心动 喜欢 婚礼 情歌"),
    "calm": words("安静 宁静 平静 温柔 轻柔 放松 治愈 催眠 摇篮曲 慵懒 舒缓 深夜"),
    "energetic": words("激昂 热血 燃 激情 动感 摇滚 奔跑 狂野 朋克 金属"),
    "dark": words("黑暗 愤怒 恐怖 阴暗 压抑"),
    "hopeful": words("希望 梦想 励志 勇敢 追梦 未来 出发 坚持"),
    "nostalgic": words("怀旧 回忆 青春 童年 过去 从前 怀念 毕业 岁月"),
}

# mood -> adjectives for lyrics
ZH_MOOD_ADJS: dict[str, tuple[str, ...]] = {
    "sad": words("孤单 寂寞 冰冷 破碎 沉默 遥远"),
    "happy": words("快乐 明亮 灿烂 热烈 闪亮 美好"),
    "romantic": words("甜蜜 温柔 温暖 心动 美好 浪漫"),
    "calm": words("安静 温柔 轻轻 柔软 缓慢 宁静"),
    "energetic": words("热烈 疯狂 滚烫 勇敢 狂野 燃烧"),
    "dark": words("黑暗 冰冷 沉重 阴冷 破碎 无声"),
    "hopeful": words("明亮 勇敢 闪亮 崭新 温暖 自由"),
    "nostalgic": words("泛黄 遥远 青涩 难忘 美好 单纯"),
}

# Chinese style words -> the genre words the engine's style resolver understands.
ZH_GENRES: dict[str, str] = {
    "摇滚": "rock", "朋克": "punk", "民谣": "folk", "抒情": "ballad", "情歌": "ballad",
    "说唱": "hip hop", "嘻哈": "hip hop", "电子": "edm", "电音": "edm", "爵士": "jazz",
    "蓝调": "blues", "乡村": "country", "雷鬼": "reggae", "金属": "metal",
    "节奏布鲁斯": "r&b", "放克": "funk", "交响": "orchestral", "管弦": "orchestral",
    "古典": "orchestral", "古风": "orchestral", "氛围": "ambient", "拉丁": "latin",
    "摇篮曲": "lullaby", "催眠曲": "lullaby", "儿歌": "lullaby", "流行": "pop",
    "合成器": "synthwave", "赛博": "synthwave", "蒸汽波": "synthwave", "低保真": "lofi hip hop",
}  # fmt: skip
ZH_VOICES: dict[str, str] = {
    "女声": "female vocals", "女生": "female vocals", "女孩": "female vocals",
    "女歌手": "female vocals", "少女": "female vocals", "男声": "male vocals",
    "男生": "male vocals", "男孩": "male vocals", "男歌手": "male vocals",
}  # fmt: skip

# Words that carry no theme: function words and words about the request itself.
ZH_STOP: tuple[str, ...] = words("""
    的 了 在 是 和 与 跟 我 你 他 她 它 我们 你们 他们 一个 一首 一只 一段 这 那 这首
    关于 有关 歌曲 歌词 首 歌 写 写一首 来一首 帮我 请 给 让 为 把 被 很 非常 有点 风格
    曲子 作品 主题 感觉 的歌 之 着 过 也 都 又 还 就 吧 呢 啊 呀 嗯 首歌 音乐风格
""")
