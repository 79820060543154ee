<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>App</name>
    <message>
        <source>Unexpected error</source>
        <translation>意外错误</translation>
    </message>
    <message>
        <source>RiskDesk hit an unexpected error. The details are in the log; please report them.</source>
        <translation>RiskDesk 发生意外错误。详细信息已写入日志，请反馈给技术支持。</translation>
    </message>
    <message>
        <source>RiskDesk</source>
        <translation>RiskDesk 风控台</translation>
    </message>
</context>
<context>
    <name>Columns</name>
    <message>
        <source>Client code</source>
        <translation>客户代码</translation>
    </message>
    <message>
        <source>Client name</source>
        <translation>客户名称</translation>
    </message>
    <message>
        <source>Member</source>
        <translation>会员</translation>
    </message>
    <message>
        <source>Balance (CNY)</source>
        <translation>当日结存 (元)</translation>
    </message>
    <message>
        <source>Margin (CNY)</source>
        <translation>保证金占用 (元)</translation>
    </message>
    <message>
        <source>Available (CNY)</source>
        <translation>可用资金 (元)</translation>
    </message>
    <message>
        <source>Risk ratio</source>
        <translation>风险度</translation>
    </message>
    <message>
        <source>Margin call (CNY)</source>
        <translation>追加保证金 (元)</translation>
    </message>
    <message>
        <source>Member name</source>
        <translation>会员名称</translation>
    </message>
    <message>
        <source>Settlement reserve (CNY)</source>
        <translation>结算准备金 (元)</translation>
    </message>
    <message>
        <source>Clients</source>
        <translation>客户数</translation>
    </message>
    <message>
        <source>Contract</source>
        <translation>合约</translation>
    </message>
    <message>
        <source>Product</source>
        <translation>品种</translation>
    </message>
    <message>
        <source>Settlement (CNY)</source>
        <translation>结算价 (元)</translation>
    </message>
    <message>
        <source>Limit lock</source>
        <translation>停板</translation>
    </message>
    <message>
        <source>Side</source>
        <translation>买卖</translation>
    </message>
    <message>
        <source>Spec/Hedge</source>
        <translation>投机/套保</translation>
    </message>
    <message>
        <source>Lots</source>
        <translation>手数</translation>
    </message>
    <message>
        <source>Opened today</source>
        <translation>今开 (手)</translation>
    </message>
    <message>
        <source>Open price (CNY)</source>
        <translation>开仓均价 (元)</translation>
    </message>
    <message>
        <source>Limit up (CNY)</source>
        <translation>涨停板价 (元)</translation>
    </message>
    <message>
        <source>Limit down (CNY)</source>
        <translation>跌停板价 (元)</translation>
    </message>
    <message>
        <source>Open interest (lots)</source>
        <translation>持仓量 (手)</translation>
    </message>
    <message>
        <source>Volume (lots)</source>
        <translation>成交量 (手)</translation>
    </message>
    <message>
        <source>Receipt no.</source>
        <translation>仓单号</translation>
    </message>
    <message>
        <source>Warehouse</source>
        <translation>仓库</translation>
    </message>
    <message>
        <source>Holder</source>
        <translation>持有人</translation>
    </message>
    <message>
        <source>Tons</source>
        <translation>吨数</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Registered on</source>
        <translation>注册日期</translation>
    </message>
    <message>
        <source>Hedge</source>
        <translation>投机/套保</translation>
    </message>
    <message>
        <source>Trading day</source>
        <translation>交易日</translation>
    </message>
    <message>
        <source>Dynamic equity (CNY)</source>
        <translation>动态权益（元）</translation>
    </message>
    <message>
        <source>Margin, prior settle (CNY)</source>
        <translation>保证金·昨结算（元）</translation>
    </message>
    <message>
        <source>Risk ratio (%)</source>
        <translation>风险度（%）</translation>
    </message>
    <message>
        <source>Floating P&amp;L (CNY)</source>
        <translation>浮动盈亏（元）</translation>
    </message>
    <message>
        <source>To position limit (lots)</source>
        <translation>距持仓限额（手）</translation>
    </message>
    <message>
        <source>Last price (CNY)</source>
        <translation>最新价（元）</translation>
    </message>
    <message>
        <source>Prior settlement (CNY)</source>
        <translation>昨结算价（元）</translation>
    </message>
    <message>
        <source>Change (CNY)</source>
        <translation>涨跌（元）</translation>
    </message>
    <message>
        <source>To limit up (CNY)</source>
        <translation>距涨停（元）</translation>
    </message>
    <message>
        <source>To limit down (CNY)</source>
        <translation>距跌停（元）</translation>
    </message>
    <message>
        <source>Price age (s)</source>
        <translation>行情时效（秒）</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>级别</translation>
    </message>
    <message>
        <source>Rule</source>
        <translation>规则</translation>
    </message>
    <message>
        <source>Account / contract</source>
        <translation>账户 / 合约</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>内容</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Acknowledged by</source>
        <translation>确认人</translation>
    </message>
    <message>
        <source>Acknowledged at</source>
        <translation>确认时间</translation>
    </message>
    <message>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>详情</translation>
    </message>
</context>
<context>
    <name>ErrorView</name>
    <message>
        <source>File: %1</source>
        <translation>文件：%1</translation>
    </message>
    <message>
        <source>Row: %1</source>
        <translation>行：%1</translation>
    </message>
    <message>
        <source>Field: %1</source>
        <translation>字段：%1</translation>
    </message>
    <message>
        <source>RiskDesk</source>
        <translation>RiskDesk 风控台</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Monitoring</source>
        <translation>监控</translation>
    </message>
    <message>
        <source>Clearing</source>
        <translation>清算</translation>
    </message>
    <message>
        <source>Risk actions</source>
        <translation>风险处置</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>数据</translation>
    </message>
    <message>
        <source>Open database</source>
        <translation>打开数据库</translation>
    </message>
    <message>
        <source>SQLite databases (*.sqlite *.sqlite3 *.db);;All files (*)</source>
        <translation>SQLite 数据库 (*.sqlite *.sqlite3 *.db);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Opening database</source>
        <translation>正在打开数据库</translation>
    </message>
    <message>
        <source>About RiskDesk</source>
        <translation>关于 RiskDesk</translation>
    </message>
    <message>
        <source>&lt;b&gt;RiskDesk&lt;/b&gt; %1&lt;br&gt;Risk console for DCE member firms: margins, settlement, forced reduction and liquidation, warehouse receipts.&lt;br&gt;&lt;br&gt;Qt %2 · PySide6 %3</source>
        <translation>&lt;b&gt;RiskDesk 风控台&lt;/b&gt; %1&lt;br&gt;面向大商所会员单位的风险管理终端：保证金、结算、强制减仓与强行平仓、标准仓单。&lt;br&gt;&lt;br&gt;Qt %2 · PySide6 %3</translation>
    </message>
    <message>
        <source>Database: %1</source>
        <translation>数据库：%1</translation>
    </message>
    <message>
        <source>Trading day: %1</source>
        <translation>交易日：%1</translation>
    </message>
    <message>
        <source>User: %1</source>
        <translation>用户：%1</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Open database…</source>
        <translation>打开数据库(&amp;O)…</translation>
    </message>
    <message>
        <source>&amp;New database…</source>
        <translation>新建数据库(&amp;N)…</translation>
    </message>
    <message>
        <source>New database</source>
        <translation>新建数据库</translation>
    </message>
    <message>
        <source>%1 already exists. Choose another name, or open it with File → Open database.</source>
        <translation>%1 已存在。请换一个文件名，或用“文件 → 打开数据库”打开它。</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Reload</source>
        <translation>刷新(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About RiskDesk</source>
        <translation>关于 RiskDesk(&amp;A)</translation>
    </message>
    <message>
        <source>Create &amp;demo data…</source>
        <translation>创建演示数据(&amp;D)…</translation>
    </message>
    <message>
        <source>Create demo data</source>
        <translation>创建演示数据</translation>
    </message>
    <message>
        <source>Create a demo data set in this database?</source>
        <translation>在此数据库中创建一套演示数据？</translation>
    </message>
    <message>
        <source>The demo data are invented: one brokerage member with its clients, 60 trading days of prices, positions, balances and warehouse receipts. They replace demo data created earlier in this database; a database holding imported data or other members is left untouched.&lt;br&gt;&lt;br&gt;&lt;b&gt;Small&lt;/b&gt;: 500 clients, about 3,500 position lines a day; a few seconds, about 2 MB.&lt;br&gt;&lt;b&gt;Large&lt;/b&gt;: 100,000 clients, about 1,000,000 position lines a day; about half a minute to a minute, about 450 MB on disk and 1 GB of memory while it is built.</source>
        <translation>演示数据均为虚构：一家期货公司会员及其客户，60 个交易日的结算价、持仓、客户资金和标准仓单。它会替换此数据库中之前创建的演示数据；含有导入数据或其他会员的数据库不会被改动。&lt;br&gt;&lt;br&gt;&lt;b&gt;小数据集&lt;/b&gt;：500 个客户，每日约 3,500 条持仓；几秒钟，约 2 MB。&lt;br&gt;&lt;b&gt;大数据集&lt;/b&gt;：100,000 个客户，每日约 1,000,000 条持仓；约半分钟至一分钟，占用磁盘约 450 MB，生成时约需 1 GB 内存。</translation>
    </message>
    <message>
        <source>Small data set</source>
        <translation>小数据集</translation>
    </message>
    <message>
        <source>Large data set</source>
        <translation>大数据集</translation>
    </message>
    <message>
        <source>Generating the demo data</source>
        <translation>正在生成演示数据</translation>
    </message>
    <message>
        <source>Removing the earlier demo data</source>
        <translation>正在删除之前的演示数据</translation>
    </message>
    <message>
        <source>Writing table %1 of %2</source>
        <translation>正在写入数据表（%1/%2）</translation>
    </message>
    <message>
        <source>Creating demo data</source>
        <translation>正在创建演示数据</translation>
    </message>
    <message>
        <source>Demo data created: %1 clients, %2 to %3</source>
        <translation>演示数据已创建：%1 个客户，%2 至 %3</translation>
    </message>
    <message>
        <source>This database already holds other data.</source>
        <translation>此数据库中已有其他数据。</translation>
    </message>
    <message>
        <source>It holds imported files or members other than the demo member, so demo data are not created in it: nothing was written. Create demo data in an empty database, or in one that holds only demo data.</source>
        <translation>其中有导入的文件或演示会员以外的会员，因此不在其中创建演示数据，未写入任何内容。请在空数据库或只含演示数据的数据库中创建演示数据。</translation>
    </message>
</context>
<context>
    <name>Overview</name>
    <message>
        <source>Trading day</source>
        <translation>交易日</translation>
    </message>
    <message>
        <source>Settlement reserve (CNY)</source>
        <translation>结算准备金 (元)</translation>
    </message>
    <message>
        <source>Exchange margin (CNY)</source>
        <translation>交易所保证金 (元)</translation>
    </message>
    <message>
        <source>Clients</source>
        <translation>客户数</translation>
    </message>
    <message>
        <source>Accounts at risk</source>
        <translation>风险账户</translation>
    </message>
    <message>
        <source>Client balance (CNY)</source>
        <translation>客户权益合计 (元)</translation>
    </message>
    <message>
        <source>Client margin (CNY)</source>
        <translation>客户保证金占用 (元)</translation>
    </message>
    <message>
        <source>Client available funds (CNY)</source>
        <translation>客户可用资金 (元)</translation>
    </message>
    <message>
        <source>Position lines</source>
        <translation>持仓明细</translation>
    </message>
    <message>
        <source>Warehouse receipts</source>
        <translation>标准仓单</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>%1 accounts</source>
        <translation>%1 个账户</translation>
    </message>
    <message>
        <source>Most at-risk accounts</source>
        <translation>风险度最高的账户</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>会员</translation>
    </message>
    <message>
        <source>Contracts locked at the limit</source>
        <translation>停板合约</translation>
    </message>
    <message>
        <source>Position of the member and its clients after settlement</source>
        <translation>结算后会员及客户资金状况</translation>
    </message>
    <message>
        <source>Minimum %1</source>
        <translation>最低余额 %1</translation>
    </message>
    <message>
        <source>Held at the exchange</source>
        <translation>交易所占用</translation>
    </message>
    <message>
        <source>%1 with a balance that day</source>
        <translation>其中 %1 个当日有结存</translation>
    </message>
    <message>
        <source>%1 at ≥100%, %2 at ≥80%</source>
        <translation>≥100%：%1 个，≥80%：%2 个</translation>
    </message>
    <message>
        <source>Sum of clients</source>
        <translation>客户合计</translation>
    </message>
    <message>
        <source>%1 lots open</source>
        <translation>持仓 %1 手</translation>
    </message>
    <message>
        <source>%1 tons, not cancelled</source>
        <translation>%1 吨（未注销）</translation>
    </message>
    <message>
        <source>&lt;b&gt;The database is empty&lt;/b&gt;: no clients or positions yet. Create demo data to try RiskDesk out, or import the day's files on the %1 screen (the member, its clients and the contracts must be in the database first).</source>
        <translation>&lt;b&gt;数据库为空&lt;/b&gt;：还没有客户和持仓。可创建演示数据试用 RiskDesk，或在“%1”页面导入当日文件（会员、客户和合约须已在数据库中）。</translation>
    </message>
    <message>
        <source>Create demo data…</source>
        <translation>创建演示数据…</translation>
    </message>
    <message>
        <source>Open %1</source>
        <translation>前往%1</translation>
    </message>
</context>
<context>
    <name>ProgressDialog</name>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
</context>
<context>
    <name>Screens</name>
    <message>
        <source>Accounts</source>
        <translation>客户资金</translation>
    </message>
    <message>
        <source>Client funds after settlement</source>
        <translation>结算后客户资金</translation>
    </message>
    <message>
        <source>Filter by client code or name</source>
        <translation>按客户代码或名称筛选</translation>
    </message>
    <message>
        <source>Overview</source>
        <translation>总览</translation>
    </message>
    <message>
        <source>Positions</source>
        <translation>持仓</translation>
    </message>
    <message>
        <source>Open position lines after settlement</source>
        <translation>结算后持仓明细</translation>
    </message>
    <message>
        <source>Filter by client or contract</source>
        <translation>按客户或合约筛选</translation>
    </message>
    <message>
        <source>All products</source>
        <translation>全部品种</translation>
    </message>
    <message>
        <source>Settlement prices</source>
        <translation>结算价</translation>
    </message>
    <message>
        <source>Daily settlement prices and price limits</source>
        <translation>当日结算价及涨跌停板</translation>
    </message>
    <message>
        <source>Filter by contract or product</source>
        <translation>按合约或品种筛选</translation>
    </message>
    <message>
        <source>Warehouse receipts</source>
        <translation>标准仓单</translation>
    </message>
    <message>
        <source>Standard warehouse receipts by holder</source>
        <translation>按持有人列示的标准仓单</translation>
    </message>
    <message>
        <source>Filter by receipt, holder or warehouse</source>
        <translation>按仓单号、持有人或仓库筛选</translation>
    </message>
    <message>
        <source>Live risk monitor</source>
        <translation>实时风险监控</translation>
    </message>
    <message>
        <source>Daily settlement</source>
        <translation>日终结算</translation>
    </message>
    <message>
        <source>Forced reduction</source>
        <translation>强制减仓</translation>
    </message>
    <message>
        <source>Forced liquidation</source>
        <translation>强行平仓</translation>
    </message>
    <message>
        <source>Position limits</source>
        <translation>限仓管理</translation>
    </message>
    <message>
        <source>Delivery</source>
        <translation>交割</translation>
    </message>
    <message>
        <source>Imports</source>
        <translation>数据导入</translation>
    </message>
    <message>
        <source>Alerts</source>
        <translation>风险预警</translation>
    </message>
</context>
<context>
    <name>TableScreen</name>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>no data yet</source>
        <translation>暂无数据</translation>
    </message>
    <message>
        <source>Trading day %1</source>
        <translation>交易日 %1</translation>
    </message>
    <message>
        <source>%1 rows</source>
        <translation>共 %1 行</translation>
    </message>
    <message>
        <source>%1 of %2 rows</source>
        <translation>显示 %1 / %2 行</translation>
    </message>
</context>
<context>
    <name>Values</name>
    <message>
        <source>Long</source>
        <translation>多头</translation>
    </message>
    <message>
        <source>Short</source>
        <translation>空头</translation>
    </message>
    <message>
        <source>Speculation</source>
        <translation>投机</translation>
    </message>
    <message>
        <source>Hedge</source>
        <translation>套保</translation>
    </message>
    <message>
        <source>—</source>
        <translation>—</translation>
    </message>
    <message>
        <source>Limit up</source>
        <translation>涨停</translation>
    </message>
    <message>
        <source>Limit down</source>
        <translation>跌停</translation>
    </message>
    <message>
        <source>Held</source>
        <translation>持有</translation>
    </message>
    <message>
        <source>Pledged as margin</source>
        <translation>充抵保证金</translation>
    </message>
    <message>
        <source>In delivery</source>
        <translation>交割中</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已注销</translation>
    </message>
    <message>
        <source>Futures company</source>
        <translation>期货公司</translation>
    </message>
    <message>
        <source>Non-brokerage member</source>
        <translation>非期货公司会员</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <source>Critical</source>
        <translation>严重</translation>
    </message>
    <message>
        <source>Risk ratio</source>
        <translation>风险度</translation>
    </message>
    <message>
        <source>Negative available</source>
        <translation>可用资金为负</translation>
    </message>
    <message>
        <source>Position limit</source>
        <translation>持仓限额</translation>
    </message>
    <message>
        <source>Limit lock</source>
        <translation>涨跌停板</translation>
    </message>
    <message>
        <source>Receipt expiry</source>
        <translation>仓单到期</translation>
    </message>
    <message>
        <source>Acknowledged</source>
        <translation>已确认</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>未确认</translation>
    </message>
</context>
<context>
    <name>Alerts</name>
    <message>
        <source>Warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <source>Critical</source>
        <translation>严重</translation>
    </message>
    <message>
        <source>Risk ratio</source>
        <translation>风险度</translation>
    </message>
    <message>
        <source>Negative available</source>
        <translation>可用资金为负</translation>
    </message>
    <message>
        <source>Position limit</source>
        <translation>持仓限额</translation>
    </message>
    <message>
        <source>Limit lock</source>
        <translation>涨跌停板</translation>
    </message>
    <message>
        <source>Receipt expiry</source>
        <translation>仓单到期</translation>
    </message>
    <message>
        <source>Acknowledged</source>
        <translation>已确认</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>未确认</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>级别</translation>
    </message>
    <message>
        <source>Rule</source>
        <translation>规则</translation>
    </message>
    <message>
        <source>Account / contract</source>
        <translation>账户 / 合约</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>内容</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Acknowledged by</source>
        <translation>确认人</translation>
    </message>
    <message>
        <source>Acknowledged at</source>
        <translation>确认时间</translation>
    </message>
    <message>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>详情</translation>
    </message>
    <message>
        <source>Stored live-monitor alerts and the audit log</source>
        <translation>实时监控预警记录与审计日志</translation>
    </message>
    <message>
        <source>Alert history</source>
        <translation>预警记录</translation>
    </message>
    <message>
        <source>Audit log</source>
        <translation>审计日志</translation>
    </message>
    <message>
        <source>Filter by account, contract or message</source>
        <translation>按账户、合约或内容筛选</translation>
    </message>
    <message>
        <source>Filter by user, action or detail</source>
        <translation>按用户、操作或详情筛选</translation>
    </message>
    <message>
        <source>All alerts</source>
        <translation>全部预警</translation>
    </message>
    <message>
        <source>All actions</source>
        <translation>全部操作</translation>
    </message>
    <message>
        <source>only the newest %1 alerts are loaded</source>
        <translation>仅加载最近 %1 条预警</translation>
    </message>
    <message>
        <source>Risk ratio crossed %1</source>
        <translation>风险度超过 %1</translation>
    </message>
    <message>
        <source>Available funds below zero</source>
        <translation>可用资金低于零</translation>
    </message>
    <message>
        <source>Position at %1 of its limit</source>
        <translation>持仓达到限额的 %1</translation>
    </message>
    <message>
        <source>Price locked at its limit</source>
        <translation>价格封于涨跌停板</translation>
    </message>
    <message>
        <source>Warehouse receipt near its deadline</source>
        <translation>仓单临近注销期限</translation>
    </message>
</context>
<context>
    <name>Monitor</name>
    <message>
        <source>max</source>
        <translation>最快</translation>
    </message>
    <message>
        <source>All risk levels</source>
        <translation>全部风险度</translation>
    </message>
    <message>
        <source>Risk ≥ 80 %</source>
        <translation>风险度 ≥ 80%</translation>
    </message>
    <message>
        <source>Risk ≥ 100 %</source>
        <translation>风险度 ≥ 100%</translation>
    </message>
    <message>
        <source>Negative available</source>
        <translation>可用资金为负</translation>
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
        <translation>按客户号或名称筛选</translation>
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
        <source>Client equity and member reserve (10k CNY)</source>
        <translation>客户权益与会员结算准备金（万元）</translation>
    </message>
    <message>
        <source>Client equity</source>
        <translation>客户权益</translation>
    </message>
    <message>
        <source>Intraday reserve</source>
        <translation>盘中结算准备金</translation>
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
        <source>Price of %1 with limit band (CNY)</source>
        <translation>%1 价格与涨跌停板（元）</translation>
    </message>
    <message>
        <source>Selected account: click an account row</source>
        <translation>选中账户：请点击账户行</translation>
    </message>
    <message>
        <source>%1: equity (blue), risk % (red)</source>
        <translation>%1：权益（蓝）· 风险度%（红）</translation>
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
        <source>Reserve %1</source>
        <translation>结算准备金 %1</translation>
    </message>
    <message>
        <source>≥80 %: %1</source>
        <translation>≥80%：%1</translation>
    </message>
    <message>
        <source>≥100 %: %1</source>
        <translation>≥100%：%1</translation>
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
        <source>%1 unacknowledged</source>
        <translation>%1 条未确认</translation>
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
</context>
</TS>
