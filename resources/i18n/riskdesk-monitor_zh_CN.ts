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
    <message>
        <source>max</source>
        <translation>最快</translation>
    </message>
    <message>
        <source>running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>stale</source>
        <translation>行情中断</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>finished</source>
        <translation>回放结束</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>出错</translation>
    </message>
    <message>
        <source>loading</source>
        <translation>加载中</translation>
    </message>
    <message>
        <source>Building the live state…</source>
        <translation>正在建立实时状态…</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>行情源</translation>
    </message>
    <message>
        <source>Simulated market</source>
        <translation>模拟行情</translation>
    </message>
    <message>
        <source>The book's shared feed</source>
        <translation>本账簿共享行情</translation>
    </message>
    <message>
        <source>Replay files</source>
        <translation>回放文件</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>种子</translation>
    </message>
    <message>
        <source>Files…</source>
        <translation>文件…</translation>
    </message>
    <message>
        <source>Speed</source>
        <translation>速度</translation>
    </message>
    <message>
        <source>Filter by client code or name</source>
        <translation>按客户代码或名称筛选</translation>
    </message>
    <message>
        <source>All products</source>
        <translation>全部品种</translation>
    </message>
    <message>
        <source>Accounts</source>
        <translation>账户</translation>
    </message>
    <message>
        <source>Positions</source>
        <translation>持仓</translation>
    </message>
    <message>
        <source>Contracts</source>
        <translation>合约</translation>
    </message>
    <message>
        <source>Accounts by risk ratio (%)</source>
        <translation>账户风险度分布（%）</translation>
    </message>
    <message>
        <source>Choose ticks.csv and, optionally, trades.csv</source>
        <translation>选择 ticks.csv（以及可选的 trades.csv）</translation>
    </message>
    <message>
        <source>CSV files (*.csv);;All files (*)</source>
        <translation>CSV 文件 (*.csv);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Feed stopped: %1</source>
        <translation>行情已停止：%1</translation>
    </message>
    <message>
        <source>Selected account: click an account row</source>
        <translation>选中账户：请点击账户行</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <source>Not started</source>
        <translation>未启动</translation>
    </message>
    <message>
        <source>Trading day %1 · positions of %2 at prior settlement</source>
        <translation>交易日 %1 · %2 持仓按昨结算价</translation>
    </message>
    <message>
        <source>Member %1</source>
        <translation>会员 %1</translation>
    </message>
    <message>
        <source>Client equity %1</source>
        <translation>客户权益 %1</translation>
    </message>
    <message>
        <source>Feed: %1</source>
        <translation>行情：%1</translation>
    </message>
    <message>
        <source>Data age: %1</source>
        <translation>数据时效：%1</translation>
    </message>
    <message>
        <source>Unacknowledged alerts: %1</source>
        <translation>未确认预警：%1</translation>
    </message>
    <message>
        <source>Alerts</source>
        <translation>预警</translation>
    </message>
    <message>
        <source>Acknowledge</source>
        <translation>确认</translation>
    </message>
    <message>
        <source>Acknowledge all</source>
        <translation>全部确认</translation>
    </message>
    <message>
        <source>Reserve, intraday %1 · settled %2: %3</source>
        <translation>盘中结算准备金 %1 · %2 日终结算后：%3</translation>
    </message>
    <message>
        <source>Reserve</source>
        <translation>盘中准备金</translation>
    </message>
    <message>
        <source>Intraday calls (CNY)</source>
        <translation>盘中追保 (元)</translation>
    </message>
    <message>
        <source>%1 clients: %2</source>
        <translation>%1 户：%2</translation>
    </message>
    <message>
        <source>No client to call</source>
        <translation>无需追保</translation>
    </message>
    <message>
        <source>Open %1 on this snapshot (%2)</source>
        <translation>按此快照打开%1（%2）</translation>
    </message>
    <message>
        <source>Rejected %1 · Out of order %2</source>
        <translation>异常数据 %1 · 乱序行情 %2</translation>
    </message>
    <message>
        <source>Feed events not applied today: malformed %1, outside the price limits %2, refused by the engine %3 (unknown code, implausible fill, closing more than held). Out-of-order ticks %4: older than the price already shown, dropped.</source>
        <translation>今日未采用的行情事件：格式错误 %1，超出涨跌停板 %2，引擎拒绝 %3（代码未知、成交不合理、平仓超过持仓）。乱序行情 %4：早于已显示的价格，已丢弃。</translation>
    </message>
</context>
</TS>
