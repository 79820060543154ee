<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>Monitor</name>
    <message>
        <source>Change since open (10k CNY)</source>
        <translation>较开盘变动（万元）</translation>
    </message>
    <message>
        <source>Client equity and member intraday reserve: change since the live day's open (positions at prior settlement), in 10,000 CNY</source>
        <translation>客户权益与会员盘中结算准备金：较当日开盘（持仓按昨结算价）的变动，单位万元</translation>
    </message>
    <message>
        <source>Client equity</source>
        <translation>客户权益</translation>
    </message>
    <message>
        <source>Reserve</source>
        <translation>准备金</translation>
    </message>
    <message>
        <source>Up %1</source>
        <translation>涨停 %1</translation>
    </message>
    <message>
        <source>Down %1</source>
        <translation>跌停 %1</translation>
    </message>
    <message>
        <source>Last price and change on prior settlement (dotted line); limit-up and limit-down prices (dashed lines)</source>
        <translation>最新价及较昨结算价（点线）涨跌；涨停价与跌停价（虚线）</translation>
    </message>
    <message>
        <source>Contract price (CNY)</source>
        <translation>合约价格（元）</translation>
    </message>
    <message>
        <source>Equity (10k CNY)</source>
        <translation>权益（万元）</translation>
    </message>
    <message>
        <source>Risk ratio (%)</source>
        <translation>风险度（%）</translation>
    </message>
    <message>
        <source>Equity</source>
        <translation>权益</translation>
    </message>
    <message>
        <source>Risk</source>
        <translation>风险度</translation>
    </message>
    <message>
        <source>Account %1</source>
        <translation>账户 %1</translation>
    </message>
    <message>
        <source>No alerts</source>
        <translation>暂无预警</translation>
    </message>
    <message>
        <source>All %1 acknowledged</source>
        <translation>%1 条已全部确认</translation>
    </message>
    <message>
        <source>%1 of %2 unacknowledged</source>
        <translation>未确认 %1 条 / 共 %2 条</translation>
    </message>
    <message>
        <source>&lt;b&gt;No positions to monitor&lt;/b&gt;: the database holds no positions yet. Create demo data to try the monitor out, or import the day's positions on the %1 screen.</source>
        <translation>&lt;b&gt;暂无可监控的持仓&lt;/b&gt;：数据库中还没有持仓。可创建演示数据试用实时监控，或在“%1”页面导入当日持仓。</translation>
    </message>
    <message>
        <source>Create demo data…</source>
        <translation>创建演示数据…</translation>
    </message>
    <message>
        <source>Open %1</source>
        <translation>前往%1</translation>
    </message>
    <message>
        <source>No positions in the database</source>
        <translation>数据库中没有持仓</translation>
    </message>
</context>
</TS>
