<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AlertDesk</name>
    <message>
        <source>Account / contract</source>
        <translation>账户 / 合约</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>未确认</translation>
    </message>
    <message>
        <source>Critical</source>
        <translation>严重</translation>
    </message>
    <message>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Latest</source>
        <translation>最近</translation>
    </message>
    <message>
        <source>Latest message</source>
        <translation>最近消息</translation>
    </message>
    <message>
        <source>day</source>
        <translation>日盘</translation>
    </message>
    <message>
        <source>night</source>
        <translation>夜盘</translation>
    </message>
    <message>
        <source>%1 night</source>
        <translation>%1 夜盘</translation>
    </message>
    <message>
        <source>%1 exchange time; trading day %2, %3 session</source>
        <translation>交易所时间 %1；交易日 %2，%3</translation>
    </message>
    <message>
        <source>%1 new critical alerts</source>
        <translation>%1 条新的严重预警</translation>
    </message>
    <message>
        <source>By account</source>
        <translation>按账户</translation>
    </message>
    <message>
        <source>Snoozed</source>
        <translation>已静音</translation>
    </message>
    <message>
        <source>Snooze %1 min</source>
        <translation>静音 %1 分钟</translation>
    </message>
    <message>
        <source>No sound or desktop notification for new critical alerts for %1 minutes; the alerts are still listed.</source>
        <translation>%1 分钟内新的严重预警不发声、不弹出桌面通知；预警仍照常列出。</translation>
    </message>
</context>
<context>
    <name>DeskTools</name>
    <message>
        <source>Chinese: red up and profit</source>
        <translation>中国习惯：红涨、红为盈利</translation>
    </message>
    <message>
        <source>International: green up and profit</source>
        <translation>国际习惯：绿涨、绿为盈利</translation>
    </message>
    <message>
        <source>&amp;Colours</source>
        <translation>颜色(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Find a client…</source>
        <translation>查找客户(&amp;F)…</translation>
    </message>
    <message>
        <source>Go to the &amp;navigation</source>
        <translation>转到导航栏(&amp;N)</translation>
    </message>
    <message>
        <source>Find a client</source>
        <translation>查找客户</translation>
    </message>
    <message>
        <source>Client code or name — Enter opens the client</source>
        <translation>客户代码或名称 — 回车打开客户</translation>
    </message>
    <message>
        <source>Reading the clients…</source>
        <translation>正在读取客户…</translation>
    </message>
    <message>
        <source>%1 clients</source>
        <translation>共 %1 个客户</translation>
    </message>
    <message>
        <source>No client matches “%1”.</source>
        <translation>没有与“%1”匹配的客户。</translation>
    </message>
    <message>
        <source>First %1 matches: type more to narrow.</source>
        <translation>前 %1 个匹配：继续输入以缩小范围。</translation>
    </message>
    <message>
        <source>Monitor charts in their own window</source>
        <translation>监控图表单独成窗</translation>
    </message>
    <message>
        <source>Monitor alerts in their own window</source>
        <translation>监控预警单独成窗</translation>
    </message>
    <message>
        <source>&amp;Panels</source>
        <translation>面板(&amp;P)</translation>
    </message>
    <message>
        <source>Live monitor: charts</source>
        <translation>实时风险监控：图表</translation>
    </message>
    <message>
        <source>Live monitor: alerts</source>
        <translation>实时风险监控：预警</translation>
    </message>
    <message>
        <source>Save window layout</source>
        <translation>保存窗口布局</translation>
    </message>
    <message>
        <source>Name of this window layout (panels, docks, sizes):</source>
        <translation>窗口布局名称（面板、停靠位置、尺寸）：</translation>
    </message>
    <message>
        <source>Save window layout as…</source>
        <translation>窗口布局另存为…</translation>
    </message>
    <message>
        <source>Delete window layout</source>
        <translation>删除窗口布局</translation>
    </message>
    <message>
        <source>&amp;Window layouts</source>
        <translation>窗口布局(&amp;W)</translation>
    </message>
</context>
<context>
    <name>TableTools</name>
    <message>
        <source>%1 — filtered: %2</source>
        <translation>%1 — 已筛选：%2</translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <source>CSV, UTF-8 (*.csv)</source>
        <translation>CSV，UTF-8 (*.csv)</translation>
    </message>
    <message>
        <source>PDF (*.pdf)</source>
        <translation>PDF (*.pdf)</translation>
    </message>
    <message>
        <source>Export rows</source>
        <translation>导出行</translation>
    </message>
    <message>
        <source>%1 of %2 rows</source>
        <translation>%2 行中的 %1 行</translation>
    </message>
    <message>
        <source>Exported %1 rows to %2</source>
        <translation>已导出 %1 行到 %2</translation>
    </message>
    <message>
        <source>Filter: %1</source>
        <translation>筛选：%1</translation>
    </message>
    <message>
        <source>Clear filter</source>
        <translation>清除筛选</translation>
    </message>
    <message>
        <source>yuan</source>
        <translation>元</translation>
    </message>
    <message>
        <source>From (at least)</source>
        <translation>从（不低于）</translation>
    </message>
    <message>
        <source>To (at most)</source>
        <translation>到（不高于）</translation>
    </message>
    <message>
        <source>Leave a field empty for no bound on that side.</source>
        <translation>留空表示该侧不设界限。</translation>
    </message>
    <message>
        <source>%1 is above %2: nothing would pass.</source>
        <translation>%1 高于 %2：没有任何行能通过。</translation>
    </message>
    <message>
        <source>%1: “%2” is not a number in %3.</source>
        <translation>%1：“%2”不是以%3计的数字。</translation>
    </message>
    <message>
        <source>%1: “%2” is not a whole number.</source>
        <translation>%1：“%2”不是整数。</translation>
    </message>
    <message>
        <source>%1: “%2” has more decimals than %3 can hold.</source>
        <translation>%1：“%2”的小数位数超过%3的精度。</translation>
    </message>
    <message>
        <source>(blank)</source>
        <translation>（空白）</translation>
    </message>
    <message>
        <source>Search the values</source>
        <translation>搜索取值</translation>
    </message>
    <message>
        <source>Select all</source>
        <translation>全选</translation>
    </message>
    <message>
        <source>Select none</source>
        <translation>全不选</translation>
    </message>
    <message>
        <source>%1 more values: type to narrow the list.</source>
        <translation>还有 %1 个取值：输入文字以缩小列表。</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Copy with headers</source>
        <translation>连同表头复制</translation>
    </message>
    <message>
        <source>Export selected rows…</source>
        <translation>导出所选行…</translation>
    </message>
    <message>
        <source>Export the table…</source>
        <translation>导出整表…</translation>
    </message>
    <message>
        <source>Filter “%1”…</source>
        <translation>筛选“%1”…</translation>
    </message>
    <message>
        <source>Clear the filter of “%1”</source>
        <translation>清除“%1”的筛选</translation>
    </message>
    <message>
        <source>Clear every column filter</source>
        <translation>清除全部列筛选</translation>
    </message>
    <message>
        <source>Columns</source>
        <translation>列</translation>
    </message>
    <message>
        <source>Show every column</source>
        <translation>显示全部列</translation>
    </message>
    <message>
        <source>Layouts</source>
        <translation>布局</translation>
    </message>
    <message>
        <source>Save layout as…</source>
        <translation>布局另存为…</translation>
    </message>
    <message>
        <source>Delete layout</source>
        <translation>删除布局</translation>
    </message>
    <message>
        <source>Default layout</source>
        <translation>默认布局</translation>
    </message>
    <message>
        <source>Save layout</source>
        <translation>保存布局</translation>
    </message>
    <message>
        <source>Name of this layout (columns, widths, order, sort, filters):</source>
        <translation>布局名称（列、列宽、顺序、排序、筛选）：</translation>
    </message>
</context>
</TS>
