<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>ForcedClose</name>
    <message>
        <source>Nothing to release</source>
        <translation>无需释放</translation>
    </message>
    <message>
        <source>Every line closed</source>
        <translation>全部平仓</translation>
    </message>
    <message>
        <source>Optimal (one line)</source>
        <translation>最优（单笔持仓）</translation>
    </message>
    <message>
        <source>Optimal (bounds)</source>
        <translation>最优（下界证明）</translation>
    </message>
    <message>
        <source>Optimal (search)</source>
        <translation>最优（完全搜索）</translation>
    </message>
    <message>
        <source>Best within budget</source>
        <translation>搜索上限内最佳</translation>
    </message>
    <message>
        <source>Edited by hand</source>
        <translation>手工修改</translation>
    </message>
    <message>
        <source>Proposal</source>
        <translation>建议方案</translation>
    </message>
    <message>
        <source>One line</source>
        <translation>单笔持仓</translation>
    </message>
    <message>
        <source>Largest remainder</source>
        <translation>最大余数法</translation>
    </message>
    <message>
        <source>Same ratio</source>
        <translation>同比例</translation>
    </message>
    <message>
        <source>Fewest lots</source>
        <translation>最少手数</translation>
    </message>
    <message>
        <source>Available funds ≥ 0</source>
        <translation>可用资金 ≥ 0</translation>
    </message>
    <message>
        <source>Risk ratio ≤ %1</source>
        <translation>风险度 ≤ %1</translation>
    </message>
    <message>
        <source>Both</source>
        <translation>两者兼顾</translation>
    </message>
    <message>
        <source>Call deadline</source>
        <translation>追保截止时间</translation>
    </message>
    <message>
        <source>Close on</source>
        <translation>强平日</translation>
    </message>
    <message>
        <source>Clients</source>
        <translation>客户数</translation>
    </message>
    <message>
        <source>Proven optimal</source>
        <translation>已证最优</translation>
    </message>
    <message>
        <source>Required (CNY)</source>
        <translation>应释放 (元)</translation>
    </message>
    <message>
        <source>Released (CNY)</source>
        <translation>释放保证金 (元)</translation>
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
        <source>Lots to close</source>
        <translation>强平手数</translation>
    </message>
    <message>
        <source>Order lines</source>
        <translation>平仓指令条数</translation>
    </message>
    <message>
        <source>Above %1 (clients)</source>
        <translation>超过 %1（客户数）</translation>
    </message>
    <message>
        <source>%1, line %2: “%3” is not a whole number of lots from 0 to %4; nothing was changed.</source>
        <translation>%1，持仓 %2：“%3”不是 0 至 %4 之间的整数手数；未作修改。</translation>
    </message>
    <message>
        <source>Sizing the forced-close orders…</source>
        <translation>正在计算强平单…</translation>
    </message>
    <message>
        <source>Client: “%1” is not a client code.</source>
        <translation>客户：“%1”不是客户代码。</translation>
    </message>
    <message>
        <source>Needed: one lot fewer leaves %1 short</source>
        <translation>必需：少平一手将缺 %1 元</translation>
    </message>
    <message>
        <source>Not needed: one lot fewer still covers</source>
        <translation>非必需：少平一手仍可覆盖</translation>
    </message>
    <message>
        <source>Hedge lines are excluded</source>
        <translation>套保持仓不参与强平</translation>
    </message>
    <message>
        <source>No margin to release</source>
        <translation>无保证金可释放</translation>
    </message>
    <message>
        <source>Not needed (least over-release)</source>
        <translation>无需平仓（超额释放最少）</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <source>The call deadline (%1, exchange time) has passed: %2 client(s) are due for forced close on %3.</source>
        <translation>追保截止时间（%1，交易所时间）已过：%2 名客户应于 %3 强行平仓。</translation>
    </message>
    <message>
        <source>The call deadline (%1, exchange time) has not passed: these orders are a preview only; the clients may still pay.</source>
        <translation>追保截止时间（%1，交易所时间）尚未到达：以下指令仅为预览，客户仍可追加保证金。</translation>
    </message>
    <message>
        <source>%1 client(s) have the best set found within the search budget, not proven optimal: %2.</source>
        <translation>%1 名客户的方案为搜索上限内找到的最佳方案，未证明最优：%2。</translation>
    </message>
    <message>
        <source>Receipts pledged as margin: closing frees less than it releases for %1.</source>
        <translation>有仓单充抵保证金：%1 平仓增加的可用资金少于释放的保证金。</translation>
    </message>
    <message>
        <source>%1 client(s) release more than %2 of the requirement: %3. Their smallest close set already exceeds it; check before sending.</source>
        <translation>%1 名客户的释放超过应释放的 %2：%3。其最小平仓方案已超出，下达前请核对。</translation>
    </message>
    <message>
        <source>%1 no longer covers its requirement (released %2)</source>
        <translation>%1 已不足以覆盖应释放金额（释放 %2）</translation>
    </message>
    <message>
        <source>%1 releases %2, above %3</source>
        <translation>%1 释放 %2，超过 %3</translation>
    </message>
    <message>
        <source>Edited by hand: %1 client(s).</source>
        <translation>手工修改：%1 名客户。</translation>
    </message>
    <message>
        <source>Every edited list covers its requirement within %1.</source>
        <translation>所有修改后的指令均覆盖应释放金额且不超过 %1。</translation>
    </message>
    <message>
        <source>Clients: %1</source>
        <translation>客户：%1</translation>
    </message>
    <message>
        <source>Lines</source>
        <translation>持仓明细</translation>
    </message>
    <message>
        <source>Alternatives</source>
        <translation>其他方案</translation>
    </message>
    <message>
        <source>Lines of client %1 (double-click a number of lots to close to edit it)</source>
        <translation>客户 %1 的持仓（双击强平手数可修改）</translation>
    </message>
    <message>
        <source>Sets beaten for client %1</source>
        <translation>客户 %1 的方案对比</translation>
    </message>
    <message>
        <source>all due clients</source>
        <translation>全部到期客户</translation>
    </message>
    <message>
        <source>client %1</source>
        <translation>客户 %1</translation>
    </message>
    <message>
        <source>close on %1 · %2</source>
        <translation>%1 强平 · %2</translation>
    </message>
    <message>
        <source>Settled day</source>
        <translation>结算日</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>Type a client code and press Enter for one client; leave empty for every client due after the settled day.</source>
        <translation>输入客户代码并按回车查看单个客户；留空则为结算日后全部到期客户。</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>目标</translation>
    </message>
    <message>
        <source>Close hedge lines too</source>
        <translation>含套保持仓</translation>
    </message>
    <message>
        <source>Reset to proposal</source>
        <translation>恢复建议方案</translation>
    </message>
    <message>
        <source>Export order list… (Ctrl+E)</source>
        <translation>导出强平单… (Ctrl+E)</translation>
    </message>
    <message>
        <source>%1 clients, %2 order lines</source>
        <translation>%1 名客户，%2 条平仓指令</translation>
    </message>
    <message>
        <source>Forced close orders</source>
        <translation>强平单</translation>
    </message>
    <message>
        <source>and %1 more</source>
        <translation>等，另有 %1 名</translation>
    </message>
    <message>
        <source>Edited (proposal %1); %2</source>
        <translation>已修改（建议 %1 手）；%2</translation>
    </message>
    <message>
        <source>%1.</source>
        <translation>%1。</translation>
    </message>
    <message>
        <source>; </source>
        <translation>；</translation>
    </message>
</context>
</TS>
