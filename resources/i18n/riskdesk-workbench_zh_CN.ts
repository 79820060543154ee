<?xml version='1.0' encoding='utf-8'?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>Delivery</name>
    <message>
        <source>&lt;b&gt;%1 pairs&lt;/b&gt; (lower bound %2, %3) · warehouses: %4 · buyers: %5</source>
        <translation>&lt;b&gt;%1 对&lt;/b&gt;（下界 %2，%3）· 仓库：%4 · 买方：%5</translation>
    </message>
    <message>
        <source>optimal</source>
        <translation>最优</translation>
    </message>
    <message>
        <source>may not be optimal</source>
        <translation>未必最优</translation>
    </message>
    <message>
        <source>Allocating receipts…</source>
        <translation>正在分配仓单…</translation>
    </message>
    <message>
        <source>No stored delivery matches: use the calculator on the right for given lots.</source>
        <translation>暂无交割配对记录：可用右侧计算器按给定手数分配。</translation>
    </message>
    <message>
        <source>Delivery matches: %1</source>
        <translation>交割配对：%1 条</translation>
    </message>
    <message>
        <source>Minimum pairing for seller %1 (%2)</source>
        <translation>卖方 %1（%2）的最少配对</translation>
    </message>
    <message>
        <source>Minimum pairing for a seller</source>
        <translation>卖方最少配对</translation>
    </message>
    <message>
        <source>Allocations are previews: nothing is recorded here. Fewest pairs are exact up to 20 warehouses and buyers after equal pairs; beyond, the lower bound tells how far from optimal.</source>
        <translation>分配仅为预览，此处不写入任何记录。剔除等量配对后仓库与买方合计不超过 20 个时，最少配对为精确解；超过时以下界衡量与最优的差距。</translation>
    </message>
    <message>
        <source>Seller</source>
        <translation>卖方</translation>
    </message>
    <message>
        <source>Ad hoc calculator</source>
        <translation>临时计算器</translation>
    </message>
    <message>
        <source>Enter the seller's receipts by warehouse and the buyers' lots as CODE:LOTS, separated by commas; both sides must total the same lots.</source>
        <translation>按“代码:手数”输入卖方各仓库的仓单与各买方的手数，以逗号分隔；两边合计手数须相等。</translation>
    </message>
    <message>
        <source>Warehouses</source>
        <translation>仓库</translation>
    </message>
    <message>
        <source>Buyers</source>
        <translation>买方</translation>
    </message>
    <message>
        <source>Allocate</source>
        <translation>分配</translation>
    </message>
    <message>
        <source>Fewest pairs</source>
        <translation>最少配对</translation>
    </message>
    <message>
        <source>%1 matches</source>
        <translation>%1 条配对</translation>
    </message>
    <message>
        <source>Delivery allocation</source>
        <translation>交割仓单分配</translation>
    </message>
</context>
<context>
    <name>Limits</name>
    <message>
        <source>Seed table (verified)</source>
        <translation>基准表（已核实）</translation>
    </message>
    <message>
        <source>Current table (partly unverified)</source>
        <translation>现行表（部分未核实）</translation>
    </message>
    <message>
        <source>Near or over the limit</source>
        <translation>接近或超过限额</translation>
    </message>
    <message>
        <source>All checked accounts</source>
        <translation>全部已检查账户</translation>
    </message>
    <message>
        <source>Checking position limits…</source>
        <translation>正在检查持仓限额…</translation>
    </message>
    <message>
        <source>Client sides checked (lots): %1 · over %2 · near (≥ %3) %4 · shown %5</source>
        <translation>已检查客户单边持仓（手）：%1 · 超仓 %2 · 接近（≥ %3）%4 · 显示 %5</translation>
    </message>
    <message>
        <source>No limit data for products %1 (%2 account sides not checked): the limit tables hold no value for their period or party; no limit is guessed.</source>
        <translation>品种 %1 无持仓限额数据（%2 个账户单边未检查）：限额表中没有对应期间或主体的数值，系统不作推测。</translation>
    </message>
    <message>
        <source>Unverified limit rows in use: %1</source>
        <translation>使用了未核实的限额数据：%1</translation>
    </message>
    <message>
        <source>Without limit data: %1 contract/party combinations</source>
        <translation>无限额数据：%1 个合约/主体组合</translation>
    </message>
    <message>
        <source>Hedge lots are exempt; %1</source>
        <translation>套保持仓不计入限额；%1</translation>
    </message>
    <message>
        <source>Limit table</source>
        <translation>限额表</translation>
    </message>
    <message>
        <source>Warn from</source>
        <translation>预警线</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <source>%1 rows shown</source>
        <translation>显示 %1 行</translation>
    </message>
    <message>
        <source>No limit value in the table for this period and party</source>
        <translation>限额表中无此期间与主体的数值</translation>
    </message>
    <message>
        <source>No settlement price (open interest) that day</source>
        <translation>当日无结算价（持仓量）</translation>
    </message>
    <message>
        <source>Limit period unknown: beyond the trading calendar</source>
        <translation>限额期间未知：超出交易日历范围</translation>
    </message>
</context>
<context>
    <name>Liquidation</name>
    <message>
        <source>Settlement reserve (CNY)</source>
        <translation>结算准备金 (元)</translation>
    </message>
    <message>
        <source>What-if deposit (CNY)</source>
        <translation>假设入金 (元)</translation>
    </message>
    <message>
        <source>Minimum reserve (CNY)</source>
        <translation>最低结算准备金 (元)</translation>
    </message>
    <message>
        <source>Required (CNY)</source>
        <translation>应追加 (元)</translation>
    </message>
    <message>
        <source>Clients' trading margin (CNY)</source>
        <translation>客户交易保证金 (元)</translation>
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
        <source>Shortfall (CNY)</source>
        <translation>缺口 (元)</translation>
    </message>
    <message>
        <source>requirement reading</source>
        <translation>追加口径</translation>
    </message>
    <message>
        <source>lots method</source>
        <translation>手数算法</translation>
    </message>
    <message>
        <source>minimum reserve</source>
        <translation>最低结算准备金</translation>
    </message>
    <message>
        <source>Computing the forced-liquidation preview…</source>
        <translation>正在计算强行平仓预览…</translation>
    </message>
    <message>
        <source>Amounts: yuan with at most two decimals, e.g. 1,000,000.00</source>
        <translation>金额：以元为单位，最多两位小数，例如 1,000,000.00</translation>
    </message>
    <message>
        <source>A what-if deposit must not be negative</source>
        <translation>假设入金不能为负数</translation>
    </message>
    <message>
        <source>Opening banned: the reserve is below zero; the member may not open positions until the reserve is back to the minimum of %1 CNY (R26).</source>
        <translation>限制开仓：结算准备金低于零；在结算准备金恢复到最低余额 %1 元之前，会员不得开新仓（R26）。</translation>
    </message>
    <message>
        <source>Preview rests on unverified defaults (%1); the exchange's result is authoritative.</source>
        <translation>本预览基于未核实的默认参数（%1）；以交易所结果为准。</translation>
    </message>
    <message>
        <source>No forced liquidation: the reserve after the deposit is not below zero.</source>
        <translation>无需强行平仓：计入入金后的结算准备金不低于零。</translation>
    </message>
    <message>
        <source>Members and their latest reserve</source>
        <translation>会员及最新结算准备金</translation>
    </message>
    <message>
        <source>Clients: %1</source>
        <translation>客户：%1</translation>
    </message>
    <message>
        <source>Order list for the trading desk: %1 lines</source>
        <translation>交易台平仓指令：%1 条</translation>
    </message>
    <message>
        <source>Member %1</source>
        <translation>会员 %1</translation>
    </message>
    <message>
        <source>Member</source>
        <translation>会员</translation>
    </message>
    <message>
        <source>Assume reserve (CNY)</source>
        <translation>假设结算准备金 (元)</translation>
    </message>
    <message>
        <source>Stress test: use this reserve instead of the stored one</source>
        <translation>压力测试：用此数值代替已存的结算准备金</translation>
    </message>
    <message>
        <source>Export order list… (Ctrl+E)</source>
        <translation>导出平仓指令… (Ctrl+E)</translation>
    </message>
    <message>
        <source>Preview figures</source>
        <translation>预览数据</translation>
    </message>
    <message>
        <source>%1 lines to close</source>
        <translation>%1 条待平仓</translation>
    </message>
    <message>
        <source>Forced liquidation order list, member %1</source>
        <translation>强行平仓指令单，会员 %1</translation>
    </message>
    <message>
        <source>Ratio (required ÷ margin)</source>
        <translation>比例（应追加÷保证金）</translation>
    </message>
    <message>
        <source>Can release (CNY)</source>
        <translation>可释放 (元)</translation>
    </message>
    <message>
        <source>Released ÷ required</source>
        <translation>释放 ÷ 应追加</translation>
    </message>
    <message>
        <source>Over-release (CNY)</source>
        <translation>超额释放 (元)</translation>
    </message>
    <message>
        <source>The lots release %1 of the requirement (above %2): over-release %3 CNY. Closing more than the shortfall needs exposes the firm to the clients&apos; losses; compare the lot methods below.</source>
        <translation>平仓释放为应追加的 %1（超过 %2）：超额释放 %3 元。平仓超过缺口所需会使公司承担客户损失的风险；请对比下方各手数算法。</translation>
    </message>
    <message>
        <source>Lot methods compared (requirement: %1)</source>
        <translation>手数算法对比（追加口径：%1）</translation>
    </message>
</context>
<context>
    <name>Params</name>
    <message>
        <source>Loss threshold X (% of S(D3))</source>
        <translation>亏损阈值 X（占 S(D3) 的 %）</translation>
    </message>
    <message>
        <source>Declared orders count when the unit net loss is at least X</source>
        <translation>单位净持仓亏损达到 X 时，申报平仓方有效</translation>
    </message>
    <message>
        <source>Tier bounds T1, T2 (%)</source>
        <translation>分档界限 T1、T2（%）</translation>
    </message>
    <message>
        <source>Profitable clients: tier 1 at or above T1, tier 2 at or above T2</source>
        <translation>盈利客户：盈利率 ≥ T1 为第一档，≥ T2 为第二档</translation>
    </message>
    <message>
        <source>Hedge positions last</source>
        <translation>套保持仓最后分配</translation>
    </message>
    <message>
        <source>P&amp;L method</source>
        <translation>盈亏计算方法</translation>
    </message>
    <message>
        <source>Opening price</source>
        <translation>开仓价</translation>
    </message>
    <message>
        <source>S(D0) (needs opening days)</source>
        <translation>S(D0)（需开仓日期）</translation>
    </message>
    <message>
        <source>The database does not keep each line's opening day</source>
        <translation>数据库未保存每笔持仓的开仓日期</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>Requirement</source>
        <translation>追加口径</translation>
    </message>
    <message>
        <source>Back to zero</source>
        <translation>补足至零</translation>
    </message>
    <message>
        <source>Back to the minimum reserve</source>
        <translation>补足至最低结算准备金</translation>
    </message>
    <message>
        <source>Lots per line</source>
        <translation>每笔手数算法</translation>
    </message>
    <message>
        <source>Largest remainder (least over-release)</source>
        <translation>最大余数法（超额释放最少）</translation>
    </message>
    <message>
        <source>Same ratio on every line</source>
        <translation>各持仓按同一比例</translation>
    </message>
    <message>
        <source>Fewest lots per client</source>
        <translation>每客户手数最少</translation>
    </message>
    <message>
        <source>unverified</source>
        <translation>未核实</translation>
    </message>
    <message>
        <source>edited</source>
        <translation>已修改</translation>
    </message>
    <message>
        <source>Default not confirmed in a DCE text; the exchange's result counts.</source>
        <translation>默认值未在大商所文件中核实；以交易所结果为准。</translation>
    </message>
    <message>
        <source>Changed from the default</source>
        <translation>已改动默认值</translation>
    </message>
    <message>
        <source>Restore defaults</source>
        <translation>恢复默认</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>是</translation>
    </message>
</context>
<context>
    <name>Receipts</name>
    <message>
        <source>Current rules</source>
        <translation>现行规则</translation>
    </message>
    <message>
        <source>Seed rules</source>
        <translation>基准规则</translation>
    </message>
    <message>
        <source>Checking receipt deadlines…</source>
        <translation>正在检查仓单有效期…</translation>
    </message>
    <message>
        <source>All holders</source>
        <translation>全部持有人</translation>
    </message>
    <message>
        <source>Due on %1: %2 receipts</source>
        <translation>%1 到期：%2 张仓单</translation>
    </message>
    <message>
        <source>Holdings: %1 receipts, %2 lots, %3 tons</source>
        <translation>持有：%1 张仓单，%2 手，%3 吨</translation>
    </message>
    <message>
        <source>%1 receipts reach their cancellation deadline within %2 trading days (amber); %3 are past it (red). Deadlines follow the %4.</source>
        <translation>%1 张仓单将在 %2 个交易日内到达注销期限（黄色）；%3 张已过期（红色）。有效期按%4计算。</translation>
    </message>
    <message>
        <source>%1 receipts have no deadline: no validity rule for their product in this version.</source>
        <translation>%1 张仓单无注销期限：该版本无此品种的有效期规则。</translation>
    </message>
    <message>
        <source>%1 receipts have their deadline beyond the trading calendar (known to %2).</source>
        <translation>%1 张仓单的注销期限超出交易日历（已知至 %2）。</translation>
    </message>
    <message>
        <source>no rule</source>
        <translation>无规则</translation>
    </message>
    <message>
        <source>after %1</source>
        <translation>晚于 %1</translation>
    </message>
    <message>
        <source>The deadline lies beyond the trading calendar, which is known to %1.</source>
        <translation>注销期限在交易日历之外(交易日历已知至 %1)。</translation>
    </message>
    <message>
        <source>%1 overdue</source>
        <translation>%1 逾期</translation>
    </message>
    <message>
        <source>%1 receipts are overdue: still registered past the deadline they got at registration, they should have been cancelled and count for no margin offset.</source>
        <translation>%1 张仓单逾期：已过注册时确定的注销期限仍未注销，应当注销，且不得充抵保证金。</translation>
    </message>
    <message>
        <source>Unverified rules: %1</source>
        <translation>未核实规则：%1</translation>
    </message>
    <message>
        <source>Registrations blocked by the 45-day rule: %1</source>
        <translation>受 45 天规则限制不能注册：%1</translation>
    </message>
    <message>
        <source>Holdings</source>
        <translation>持有</translation>
    </message>
    <message>
        <source>Registrations blocked by the 45-day rule</source>
        <translation>受 45 天规则限制不能注册</translation>
    </message>
    <message>
        <source>Cancellation deadlines (click a date)</source>
        <translation>注销期限（点击日期查看）</translation>
    </message>
    <message>
        <source>Holder %1</source>
        <translation>持有人 %1</translation>
    </message>
    <message>
        <source>Rule version</source>
        <translation>规则版本</translation>
    </message>
    <message>
        <source>Expand / collapse</source>
        <translation>展开 / 收起</translation>
    </message>
    <message>
        <source>%1 receipts</source>
        <translation>%1 张仓单</translation>
    </message>
    <message>
        <source>Holder: no holder matches “%1”.</source>
        <translation>持有人：没有与“%1”匹配的持有人。</translation>
    </message>
    <message>
        <source>(%1 receipts)</source>
        <translation>（%1 张仓单）</translation>
    </message>
    <message>
        <source>Holder</source>
        <translation>持有人</translation>
    </message>
    <message>
        <source>Type part of a holder&apos;s code or name, then Enter</source>
        <translation>输入持有人代码或名称的一部分，然后按回车</translation>
    </message>
    <message>
        <source>&amp;Only expiring within</source>
        <translation>只看到期日在(&amp;O)</translation>
    </message>
    <message>
        <source>Expiring within %1 trading days: %2 receipts, %3 lots, %4 tons (of %5)</source>
        <translation>%1 个交易日内到期：%2 张仓单，%3 手，%4 吨（共 %5 张）</translation>
    </message>
    <message>
        <source>Group by &amp;warehouse</source>
        <translation>按仓库分组(&amp;W)</translation>
    </message>
    <message>
        <source>The tree by warehouse, then product and holder: each warehouse&apos;s figures over all its products (Alt+W)</source>
        <translation>按仓库、品种、持有人分层：每个仓库一行，合计其全部品种（Alt+W）</translation>
    </message>
    <message>
        <source>trading days</source>
        <translation>个交易日内</translation>
    </message>
    <message>
        <source>expiring within %1 trading days</source>
        <translation>%1 个交易日内到期</translation>
    </message>
</context>
<context>
    <name>Reduction</name>
    <message>
        <source>Largest remainder (R23)</source>
        <translation>最大余数进位（R23）</translation>
    </message>
    <message>
        <source>Half-up (old rule, comparison)</source>
        <translation>四舍五入（旧规则，对比）</translation>
    </message>
    <message>
        <source>declaring side</source>
        <translation>申报平仓方</translation>
    </message>
    <message>
        <source>profitable side</source>
        <translation>盈利客户方</translation>
    </message>
    <message>
        <source>not involved</source>
        <translation>未涉及</translation>
    </message>
    <message>
        <source>long</source>
        <translation>多头</translation>
    </message>
    <message>
        <source>short</source>
        <translation>空头</translation>
    </message>
    <message>
        <source>flat</source>
        <translation>持平</translation>
    </message>
    <message>
        <source>profitable side shares</source>
        <translation>盈利客户按比例分配</translation>
    </message>
    <message>
        <source>declared side shares</source>
        <translation>申报方按比例分配</translation>
    </message>
    <message>
        <source>loss threshold</source>
        <translation>亏损阈值</translation>
    </message>
    <message>
        <source>tier bounds</source>
        <translation>分档界限</translation>
    </message>
    <message>
        <source>hedges last</source>
        <translation>套保最后</translation>
    </message>
    <message>
        <source>P&amp;L method</source>
        <translation>盈亏计算方法</translation>
    </message>
    <message>
        <source>remainder tie-break</source>
        <translation>余数同值排序</translation>
    </message>
    <message>
        <source>rounding</source>
        <translation>取整方法</translation>
    </message>
    <message>
        <source>Computing the forced-reduction preview…</source>
        <translation>正在计算强制减仓预览…</translation>
    </message>
    <message>
        <source>No contract has three consecutive limit-locked days; choose a contract and preview it as if today were D3.</source>
        <translation>没有合约连续三日同方向单边市；可选择合约，按“假设今日为 D3”预览。</translation>
    </message>
    <message>
        <source>Parameters: %1</source>
        <translation>参数：%1</translation>
    </message>
    <message>
        <source>%1 · %2 · D3 %3</source>
        <translation>%1 · %2 · D3 %3</translation>
    </message>
    <message>
        <source>%1 · %2 %3 day(s), last %4</source>
        <translation>%1 · %2 %3 天，最近 %4</translation>
    </message>
    <message>
        <source>Declaring side (lots): %1 clients, %2 declared</source>
        <translation>申报平仓方（手）：%1 个客户，有效申报 %2</translation>
    </message>
    <message>
        <source>Profitable side (lots): %1 clients, %2 reduced</source>
        <translation>盈利客户方（手）：%1 个客户，减仓 %2</translation>
    </message>
    <message>
        <source> (as if D3)</source>
        <translation>（假设 D3）</translation>
    </message>
    <message>
        <source>Preview rests on unverified defaults (%1); the exchange's result is authoritative.</source>
        <translation>本预览基于未核实的默认参数（%1）；以交易所结果为准。</translation>
    </message>
    <message>
        <source>For this product the exchange may choose other measures instead.</source>
        <translation>该品种交易所也可能改用其他措施。</translation>
    </message>
    <message>
        <source>Explanation</source>
        <translation>分配说明</translation>
    </message>
    <message>
        <source>Select a client in either table to see how its lots were allocated.</source>
        <translation>在任一表中选择客户，查看其手数如何分配。</translation>
    </message>
    <message>
        <source>Explanation: client %1 (%2)</source>
        <translation>分配说明：客户 %1（%2）</translation>
    </message>
    <message>
        <source>Tier %1, %2: %3 × %4 ⁄ %5 = %6 → %7 lots</source>
        <translation>第 %1 档，%2：%3 × %4 ⁄ %5 = %6 → %7 手</translation>
    </message>
    <message>
        <source>No pro-rata share: the other side covered this position in full.</source>
        <translation>无需按比例分配：对方已全部覆盖该持仓。</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1 %2 %3 lots&lt;/b&gt;: position P&amp;L %4 CNY, unit P&amp;L %5 CNY/lot (%6 of S(D3)); %7, tier %8; declared %9, filled %10, reduced %11</source>
        <translation>&lt;b&gt;%1 %2 %3 手&lt;/b&gt;：持仓盈亏 %4 元，单位净持仓盈亏 %5 元/手（占 S(D3) 的 %6）；%7，第 %8 档；有效申报 %9，成交 %10，减仓 %11</translation>
    </message>
    <message>
        <source>Desk preview; the exchange's result counts</source>
        <translation>本部门预览，以交易所结果为准</translation>
    </message>
    <message>
        <source>%1 · D1 %2 · D3 %3 · X %4</source>
        <translation>%1 · D1 %2 · D3 %3 · X %4</translation>
    </message>
    <message>
        <source>Contract</source>
        <translation>合约</translation>
    </message>
    <message>
        <source>As if D3</source>
        <translation>假设为 D3</translation>
    </message>
    <message>
        <source>Treat today as D3 locked in the chosen direction</source>
        <translation>将今日视为所选方向单边市的 D3</translation>
    </message>
    <message>
        <source>Rounding:</source>
        <translation>取整方法：</translation>
    </message>
    <message>
        <source>Preview figures</source>
        <translation>预览数据</translation>
    </message>
    <message>
        <source>%1 declaring, %2 profitable clients</source>
        <translation>申报方 %1 个，盈利客户 %2 个</translation>
    </message>
    <message>
        <source>Forced reduction preview %1</source>
        <translation>强制减仓预览 %1</translation>
    </message>
    <message>
        <source>Rounding: %1</source>
        <translation>取整方法：%1</translation>
    </message>
    <message>
        <source>Declared %1, filled %2, reduced %3, unfilled %4, overshoot %5</source>
        <translation>有效申报 %1，成交 %2，减仓 %3，未成交 %4，超额 %5</translation>
    </message>
    <message>
        <source>D1 → D3</source>
        <translation>D1 → D3</translation>
    </message>
    <message>
        <source>Limit lock</source>
        <translation>单边市</translation>
    </message>
    <message>
        <source>S(D3) (CNY)</source>
        <translation>S(D3) (元)</translation>
    </message>
    <message>
        <source>Multiplier</source>
        <translation>交易单位</translation>
    </message>
    <message>
        <source>Position lines / orders</source>
        <translation>持仓笔数 / 申报笔数</translation>
    </message>
    <message>
        <source>Declared (lots)</source>
        <translation>有效申报（手）</translation>
    </message>
    <message>
        <source>Filled (lots)</source>
        <translation>成交（手）</translation>
    </message>
    <message>
        <source>Reduced (lots)</source>
        <translation>减仓（手）</translation>
    </message>
    <message>
        <source>Unfilled (lots)</source>
        <translation>未成交（手）</translation>
    </message>
    <message>
        <source>Overshoot (lots)</source>
        <translation>超额（手）</translation>
    </message>
    <message>
        <source>Other: reduced / overshoot</source>
        <translation>另一算法：减仓 / 超额</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>结论</translation>
    </message>
    <message>
        <source>Reduction will run</source>
        <translation>将执行</translation>
    </message>
    <message>
        <source>Possible (exchange may choose)</source>
        <translation>可能执行（交易所可选）</translation>
    </message>
    <message>
        <source>Nothing to reduce</source>
        <translation>无需减仓</translation>
    </message>
</context>
<context>
    <name>Workbench</name>
    <message>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <source>Recompute (Ctrl+R)</source>
        <translation>重新计算 (Ctrl+R)</translation>
    </message>
    <message>
        <source>Export… (Ctrl+E)</source>
        <translation>导出… (Ctrl+E)</translation>
    </message>
    <message>
        <source>Computing…</source>
        <translation>计算中…</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>Trading day %1</source>
        <translation>交易日 %1</translation>
    </message>
    <message>
        <source>Recompute</source>
        <translation>重新计算</translation>
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
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Exported %1</source>
        <translation>已导出 %1</translation>
    </message>
</context>
</TS>
