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
        <translation>套保持仓</translation>
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
    <message>
        <source>Reserve (CNY)</source>
        <translation>结算准备金（元）</translation>
    </message>
    <message>
        <source>Opening</source>
        <translation>开仓</translation>
    </message>
    <message>
        <source>Settled by</source>
        <translation>结算人</translation>
    </message>
    <message>
        <source>Settled at</source>
        <translation>结算时间</translation>
    </message>
    <message>
        <source>Imported at</source>
        <translation>导入时间</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Rows</source>
        <translation>行数</translation>
    </message>
    <message>
        <source>New</source>
        <translation>新增</translation>
    </message>
    <message>
        <source>Updated</source>
        <translation>更新</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Net</source>
        <translation>净持仓</translation>
    </message>
    <message>
        <source>Unit P&amp;L %</source>
        <translation>单位盈亏率</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>对比</translation>
    </message>
    <message>
        <source>Orders</source>
        <translation>平仓申报</translation>
    </message>
    <message>
        <source>Declared</source>
        <translation>有效申报</translation>
    </message>
    <message>
        <source>Filled</source>
        <translation>成交</translation>
    </message>
    <message>
        <source>Tier</source>
        <translation>档位</translation>
    </message>
    <message>
        <source>Reduced</source>
        <translation>减仓</translation>
    </message>
    <message>
        <source>Raw share</source>
        <translation>理论分配</translation>
    </message>
    <message>
        <source>Floor</source>
        <translation>取整</translation>
    </message>
    <message>
        <source>Fraction</source>
        <translation>余数</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>进位</translation>
    </message>
    <message>
        <source>Minimum reserve (CNY)</source>
        <translation>最低结算准备金 (元)</translation>
    </message>
    <message>
        <source>Trading margin (CNY)</source>
        <translation>交易保证金 (元)</translation>
    </message>
    <message>
        <source>To release (CNY)</source>
        <translation>应释放保证金 (元)</translation>
    </message>
    <message>
        <source>Released by lots (CNY)</source>
        <translation>平仓释放保证金 (元)</translation>
    </message>
    <message>
        <source>Lots to close</source>
        <translation>强平手数</translation>
    </message>
    <message>
        <source>Position</source>
        <translation>持仓方向</translation>
    </message>
    <message>
        <source>Order</source>
        <translation>平仓指令</translation>
    </message>
    <message>
        <source>Released (CNY)</source>
        <translation>释放保证金 (元)</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>期间</translation>
    </message>
    <message>
        <source>In force from</source>
        <translation>限额生效日</translation>
    </message>
    <message>
        <source>Party</source>
        <translation>主体</translation>
    </message>
    <message>
        <source>Open interest</source>
        <translation>单边持仓量</translation>
    </message>
    <message>
        <source>Speculative</source>
        <translation>投机持仓</translation>
    </message>
    <message>
        <source>Hedge lots are exempt from the limit</source>
        <translation>套期保值持仓不受持仓限额限制</translation>
    </message>
    <message>
        <source>Limit</source>
        <translation>持仓限额</translation>
    </message>
    <message>
        <source>Excess</source>
        <translation>超仓</translation>
    </message>
    <message>
        <source>Usage</source>
        <translation>使用率</translation>
    </message>
    <message>
        <source>Accounts</source>
        <translation>账户数</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Product / warehouse / holder</source>
        <translation>品种 / 仓库 / 持有人</translation>
    </message>
    <message>
        <source>Warehouse / product / holder</source>
        <translation>仓库 / 品种 / 持有人</translation>
    </message>
    <message>
        <source>Receipts</source>
        <translation>仓单数</translation>
    </message>
    <message>
        <source>Next deadline</source>
        <translation>最近注销日</translation>
    </message>
    <message>
        <source>Days left</source>
        <translation>剩余交易日</translation>
    </message>
    <message>
        <source>Produced on</source>
        <translation>生产日期</translation>
    </message>
    <message>
        <source>Days</source>
        <translation>天数</translation>
    </message>
    <message>
        <source>Allowed</source>
        <translation>上限天数</translation>
    </message>
    <message>
        <source>Matched on</source>
        <translation>配对日</translation>
    </message>
    <message>
        <source>Seller</source>
        <translation>卖方</translation>
    </message>
    <message>
        <source>Buyer</source>
        <translation>买方</translation>
    </message>
    <message>
        <source>Price (CNY)</source>
        <translation>交割结算价 (元)</translation>
    </message>
    <message>
        <source>Delivery day</source>
        <translation>交收日</translation>
    </message>
    <message>
        <source>Allocation</source>
        <translation>分配状态</translation>
    </message>
    <message>
        <source>Risk level</source>
        <translation>风险等级</translation>
    </message>
    <message>
        <source>Required (CNY)</source>
        <translation>应释放 (元)</translation>
    </message>
    <message>
        <source>Released ÷ required</source>
        <translation>释放 ÷ 应释放</translation>
    </message>
    <message>
        <source>Over-release (CNY)</source>
        <translation>超额释放 (元)</translation>
    </message>
    <message>
        <source>Shortfall (CNY)</source>
        <translation>缺口 (元)</translation>
    </message>
    <message>
        <source>Lines</source>
        <translation>笔数</translation>
    </message>
    <message>
        <source>Lots held</source>
        <translation>持仓手数</translation>
    </message>
    <message>
        <source>Margin per lot (CNY)</source>
        <translation>每手保证金 (元)</translation>
    </message>
    <message>
        <source>Why</source>
        <translation>说明</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>方案</translation>
    </message>
    <message>
        <source>Can release (CNY)</source>
        <translation>可释放 (元)</translation>
    </message>
    <message>
        <source>Lots method</source>
        <translation>手数算法</translation>
    </message>
    <message>
        <source>Equity (CNY)</source>
        <translation>客户权益 (元)</translation>
    </message>
    <message>
        <source>Deadline</source>
        <translation>追加期限</translation>
    </message>
    <message>
        <source>Notice no.</source>
        <translation>通知书编号</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>送达方式</translation>
    </message>
    <message>
        <source>Created at</source>
        <translation>生成时间</translation>
    </message>
    <message>
        <source>Notice</source>
        <translation>通知书</translation>
    </message>
    <message>
        <source>To call (CNY)</source>
        <translation>应追加 (元)</translation>
    </message>
    <message>
        <source>Section</source>
        <translation>部分</translation>
    </message>
    <message>
        <source>Line</source>
        <translation>明细</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>RiskDesk</source>
        <translation>RiskDesk</translation>
    </message>
    <message>
        <source>Difference</source>
        <translation>差额</translation>
    </message>
    <message>
        <source>Likely cause</source>
        <translation>可能原因</translation>
    </message>
    <message>
        <source>Normal</source>
        <translation>正常</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>警示</translation>
    </message>
    <message>
        <source>Margin call</source>
        <translation>追保</translation>
    </message>
    <message>
        <source>Forced close</source>
        <translation>强平</translation>
    </message>
    <message>
        <source>Deficit</source>
        <translation>穿仓</translation>
    </message>
    <message>
        <source>Worst level</source>
        <translation>最差风险等级</translation>
    </message>
    <message>
        <source>Loss (CNY)</source>
        <translation>亏损 (元)</translation>
    </message>
    <message>
        <source>First margin call</source>
        <translation>首次追保日</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>已逾期</translation>
    </message>
    <message>
        <source>Expiring</source>
        <translation>即将到期</translation>
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
        <source>Members</source>
        <translation>会员</translation>
    </message>
    <message>
        <source>Contracts locked at the limit</source>
        <translation>停板合约</translation>
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
        <source>&lt;b&gt;The database is empty&lt;/b&gt;: no clients or positions yet. Create demo data to try RiskDesk out, or import your files on the %1 screen: members, clients, contracts and warehouses first, then the day's files.</source>
        <translation>&lt;b&gt;数据库为空&lt;/b&gt;：还没有客户和持仓。可创建演示数据试用 RiskDesk，或在“%1”页面导入文件：先导入会员、客户、合约和仓库，再导入当日文件。</translation>
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
        <source>Settled trading day</source>
        <translation>结算日</translation>
    </message>
    <message>
        <source>Total margin call (CNY)</source>
        <translation>追加保证金合计 (元)</translation>
    </message>
    <message>
        <source>After the settlement of %1 (stored figures; intraday figures: %2)</source>
        <translation>%1 日终结算后（结算数据；盘中数据见%2）</translation>
    </message>
    <message>
        <source>After the day&apos;s settlement</source>
        <translation>日终结算后</translation>
    </message>
    <message>
        <source>Accounts at warning or worse: the worst %1 of %2</source>
        <translation>警示及以上账户：最严重的 %1 个，共 %2 个</translation>
    </message>
    <message>
        <source>Accounts at warning or worse: %2</source>
        <translation>警示及以上账户：共 %2 个</translation>
    </message>
    <message>
        <source>Risk ratio ≥ %1</source>
        <translation>风险度 ≥ %1</translation>
    </message>
    <message>
        <source>Risk ratio &lt; %1</source>
        <translation>风险度 &lt; %1</translation>
    </message>
    <message>
        <source>Available funds &lt; 0</source>
        <translation>可用资金 &lt; 0</translation>
    </message>
    <message>
        <source>Equity &lt; 0</source>
        <translation>客户权益 &lt; 0</translation>
    </message>
    <message>
        <source>Open %1: every client to call</source>
        <translation>打开%1：全部追保客户</translation>
    </message>
    <message>
        <source>Open %1: %2</source>
        <translation>打开%1：%2</translation>
    </message>
    <message>
        <source>No settled day yet</source>
        <translation>尚无结算日</translation>
    </message>
    <message>
        <source>%1 clients: %2</source>
        <translation>%1 户：%2</translation>
    </message>
    <message>
        <source>No client to call</source>
        <translation>无需追保</translation>
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
        <translation>日终结算后客户资金</translation>
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
        <translation>持仓限额</translation>
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
    <message>
        <source>Client forced close</source>
        <translation>强平单</translation>
    </message>
    <message>
        <source>Margin calls</source>
        <translation>追加保证金</translation>
    </message>
    <message>
        <source>Notices</source>
        <translation>通知书</translation>
    </message>
    <message>
        <source>Reconciliation</source>
        <translation>对账</translation>
    </message>
    <message>
        <source>Stress scenarios</source>
        <translation>压力测试</translation>
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
        <source>Banned</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Positions</source>
        <translation>持仓</translation>
    </message>
    <message>
        <source>Trades</source>
        <translation>成交</translation>
    </message>
    <message>
        <source>Settlement prices</source>
        <translation>结算价</translation>
    </message>
    <message>
        <source>Fund movements</source>
        <translation>出入金</translation>
    </message>
    <message>
        <source>Warehouse receipts</source>
        <translation>标准仓单</translation>
    </message>
    <message>
        <source>Unfilled closing orders</source>
        <translation>未成交平仓委托</translation>
    </message>
    <message>
        <source>Delivery matches</source>
        <translation>滚动交割配对</translation>
    </message>
    <message>
        <source>EFP</source>
        <translation>期转现</translation>
    </message>
    <message>
        <source>Spec.</source>
        <translation>投机</translation>
    </message>
    <message>
        <source>Sell to close</source>
        <translation>卖出平仓</translation>
    </message>
    <message>
        <source>Buy to close</source>
        <translation>买入平仓</translation>
    </message>
    <message>
        <source>General</source>
        <translation>一般月份</translation>
    </message>
    <message>
        <source>Pre-delivery</source>
        <translation>交割月前一月</translation>
    </message>
    <message>
        <source>Delivery</source>
        <translation>交割月</translation>
    </message>
    <message>
        <source>Client (entity)</source>
        <translation>非自然人客户</translation>
    </message>
    <message>
        <source>Individual</source>
        <translation>自然人客户</translation>
    </message>
    <message>
        <source>Futures company member</source>
        <translation>期货公司会员</translation>
    </message>
    <message>
        <source>Over limit</source>
        <translation>超仓</translation>
    </message>
    <message>
        <source>Near limit</source>
        <translation>接近限额</translation>
    </message>
    <message>
        <source>Within limit</source>
        <translation>限额内</translation>
    </message>
    <message>
        <source>No limit</source>
        <translation>不限</translation>
    </message>
    <message>
        <source>Free</source>
        <translation>未冻结</translation>
    </message>
    <message>
        <source>Pending</source>
        <translation>待分配</translation>
    </message>
    <message>
        <source>Allocated</source>
        <translation>已分配</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>会员</translation>
    </message>
    <message>
        <source>Clients</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>Contracts</source>
        <translation>合约</translation>
    </message>
    <message>
        <source>Delivery warehouses</source>
        <translation>交割仓库</translation>
    </message>
    <message>
        <source>Risk level</source>
        <translation>风险等级</translation>
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
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>级别</translation>
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
        <source>Acknowledged by</source>
        <translation>确认人</translation>
    </message>
    <message>
        <source>Acknowledged at</source>
        <translation>确认时间</translation>
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
</context>
<context>
    <name>RiskLevels</name>
    <message>
        <source>Normal</source>
        <translation>正常</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>警示</translation>
    </message>
    <message>
        <source>Margin call</source>
        <translation>追保</translation>
    </message>
    <message>
        <source>Forced close</source>
        <translation>强平</translation>
    </message>
    <message>
        <source>Deficit</source>
        <translation>穿仓</translation>
    </message>
    <message>
        <source>All risk levels</source>
        <translation>全部风险等级</translation>
    </message>
    <message>
        <source>Warning or worse</source>
        <translation>警示及以上</translation>
    </message>
    <message>
        <source>Margin call or worse</source>
        <translation>追保及以上</translation>
    </message>
    <message>
        <source>Forced close or worse</source>
        <translation>强平及以上</translation>
    </message>
</context>
</TS>
