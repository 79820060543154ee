<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>Stress</name>
    <message>
        <source>Day</source>
        <translation>日</translation>
    </message>
    <message>
        <source>Applies to</source>
        <translation>对象</translation>
    </message>
    <message>
        <source>Price move</source>
        <translation>价格变动</translation>
    </message>
    <message>
        <source>Margin change</source>
        <translation>保证金调整</translation>
    </message>
    <message>
        <source>Deposit (CNY)</source>
        <translation>入金 (元)</translation>
    </message>
    <message>
        <source>* for every product, a product (m), a contract (m2701); for a deposit a client code or member:CODE</source>
        <translation>* 表示全部品种，也可填品种 (m) 或合约 (m2701)；入金行填客户代码或 member:会员代码</translation>
    </message>
    <message>
        <source>limit_down, limit_up (跌停 / 涨停), -20 ticks or -3%</source>
        <translation>limit_down、limit_up（跌停 / 涨停）、-20 ticks 或 -3%</translation>
    </message>
    <message>
        <source>+5 (points above the rules' rate) or 15% (a new rate from that day)</source>
        <translation>+5（在规则费率上加 5 个百分点）或 15%（自当日起的新费率）</translation>
    </message>
    <message>
        <source>Lots of the forced liquidation closed that day</source>
        <translation>当日执行的强行平仓手数</translation>
    </message>
    <message>
        <source>Settling the scenario day by day…</source>
        <translation>正在逐日结算情景…</translation>
    </message>
    <message>
        <source>Scenario: %1</source>
        <translation>情景：%1</translation>
    </message>
    <message>
        <source>Per day: press Run (Ctrl+R) to run the scenario</source>
        <translation>逐日结果：按“运行 (Ctrl+R)”运行情景</translation>
    </message>
    <message>
        <source>Clients</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>Per day after %1: %2 days, %3 clients</source>
        <translation>%1 之后逐日结果：%2 天，%3 个客户</translation>
    </message>
    <message>
        <source>Clients, worst level first: %1 at margin call or worse</source>
        <translation>客户（最差风险等级在前）：%1 个达到追保或更差</translation>
    </message>
    <message>
        <source>Base: the last settled day; %1 day(s)</source>
        <translation>起点：最近结算日；共 %1 天</translation>
    </message>
    <message>
        <source>Scenario</source>
        <translation>情景</translation>
    </message>
    <message>
        <source>Add row</source>
        <translation>添加行</translation>
    </message>
    <message>
        <source>Remove row</source>
        <translation>删除行</translation>
    </message>
    <message>
        <source>Run (Ctrl+R)</source>
        <translation>运行 (Ctrl+R)</translation>
    </message>
    <message>
        <source>%1 clients shown</source>
        <translation>显示 %1 个客户</translation>
    </message>
    <message>
        <source>%1 forced reduction (lots): %2</source>
        <translation>%1 强制减仓（手）：%2</translation>
    </message>
    <message>
        <source>%1 member %2 below zero: %3 lots liquidated next day, opening banned</source>
        <translation>%1 会员 %2 结算准备金为负：次日强行平仓 %3 手，禁止开仓</translation>
    </message>
    <message>
        <source>Row %1, %2</source>
        <translation>第 %1 行，%2</translation>
    </message>
</context>
</TS>
