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
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>%1 (saved)</source>
        <translation>%1（已保存）</translation>
    </message>
    <message>
        <source>Scenario %1 saved.</source>
        <translation>情景 %1 已保存。</translation>
    </message>
    <message>
        <source>Saving the scenario</source>
        <translation>正在保存情景</translation>
    </message>
    <message>
        <source>Delete scenario</source>
        <translation>删除情景</translation>
    </message>
    <message>
        <source>Delete the saved scenario %1?</source>
        <translation>删除已保存的情景 %1？</translation>
    </message>
    <message>
        <source>Scenario %1 deleted.</source>
        <translation>情景 %1 已删除。</translation>
    </message>
    <message>
        <source>Deleting the scenario</source>
        <translation>正在删除情景</translation>
    </message>
    <message>
        <source>Name to save under</source>
        <translation>保存名称</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Store the edited scenario in the database under this name</source>
        <translation>以此名称将编辑的情景保存到数据库</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Charts</source>
        <translation>图表</translation>
    </message>
    <message>
        <source>Grid</source>
        <translation>情景矩阵</translation>
    </message>
    <message>
        <source>Σ member reserve (10,000 CNY)</source>
        <translation>会员结算准备金合计（万元）</translation>
    </message>
    <message>
        <source>Loss from %1 to %2 CNY; a negative loss is a gain</source>
        <translation>亏损自 %1 至 %2 元；负亏损即盈利</translation>
    </message>
    <message>
        <source>Member reserve by day</source>
        <translation>每日会员结算准备金</translation>
    </message>
    <message>
        <source>Accounts per risk level by day</source>
        <translation>每日各风险等级账户数</translation>
    </message>
    <message>
        <source>Clients by loss over the scenario (10,000 CNY, bar's lower end)</source>
        <translation>按情景亏损分布的客户数（万元，柱的下限）</translation>
    </message>
    <message>
        <source>Days</source>
        <translation>天数</translation>
    </message>
    <message>
        <source>Worst day</source>
        <translation>最差日</translation>
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
        <source>To call (CNY)</source>
        <translation>应追加 (元)</translation>
    </message>
    <message>
        <source>Lowest reserve (CNY)</source>
        <translation>最低准备金 (元)</translation>
    </message>
    <message>
        <source>Members &lt; 0</source>
        <translation>准备金为负的会员</translation>
    </message>
    <message>
        <source>Reduced</source>
        <translation>强制减仓</translation>
    </message>
    <message>
        <source>Liquidated</source>
        <translation>强制平仓</translation>
    </message>
    <message>
        <source>Lots of every forced liquidation decided (closed the next day)</source>
        <translation>已决定的强制平仓手数（次日平仓）</translation>
    </message>
    <message>
        <source>Not run</source>
        <translation>未运行</translation>
    </message>
    <message>
        <source>Library scenarios</source>
        <translation>情景库</translation>
    </message>
    <message>
        <source>One-day shocks: 5 products, −5 … +5 %</source>
        <translation>单日冲击：5个品种，−5 … +5 %</translation>
    </message>
    <message>
        <source>Running the grid of scenarios…</source>
        <translation>正在运行情景矩阵…</translation>
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
        <source>Scenarios × outcomes: press Run grid (each row: the worst day's accounts per level and call, the lowest reserve, lots reduced and liquidated)</source>
        <translation>情景 × 结果：点击“运行矩阵”（每行：最差日各风险等级账户数与应追加金额、最低准备金、减仓与强平手数）</translation>
    </message>
    <message>
        <source>Scenarios × outcomes after %1: %2 scenarios</source>
        <translation>%1 之后的情景 × 结果：%2 个情景</translation>
    </message>
    <message>
        <source>%1 not run</source>
        <translation>%1 个未运行</translation>
    </message>
    <message>
        <source>Run grid</source>
        <translation>运行矩阵</translation>
    </message>
</context>
</TS>
