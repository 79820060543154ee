<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>Reconcile</name>
    <message>
        <source>%1: lines, fills and closes are not compared: the settlement cannot be recomputed from the stored inputs (%2)</source>
        <translation>%1：未比对持仓明细、成交和平仓明细：无法从已存的输入重算该日结算（%2）</translation>
    </message>
    <message>
        <source>%1: the positions stored by the settlement differ from a settlement of the stored inputs (an input changed after it): settle the day again before trusting the line differences</source>
        <translation>%1：结算存储的持仓与按已存输入重算的结算不一致（结算之后有输入被修改）：请重新结算该日，再判断持仓明细的差异</translation>
    </message>
    <message>
        <source>%1: member %2's stored reserve, margin or offset differ from a settlement of the stored inputs: settle the day again before trusting the member differences</source>
        <translation>%1：会员 %2 存储的结算准备金、保证金或充抵金额与按已存输入重算的结算不一致：请重新结算该日，再判断会员数据的差异</translation>
    </message>
    <message>
        <source>Reconciliation breaks</source>
        <translation>对账差异</translation>
    </message>
    <message>
        <source>File: %1</source>
        <translation>文件：%1</translation>
    </message>
    <message>
        <source>RiskDesk: %1</source>
        <translation>RiskDesk：%1</translation>
    </message>
    <message>
        <source>Difference: %1</source>
        <translation>差额：%1</translation>
    </message>
    <message>
        <source>Matched</source>
        <translation>一致</translation>
    </message>
    <message>
        <source>Differing</source>
        <translation>有差异</translation>
    </message>
    <message>
        <source>One side only</source>
        <translation>仅一方有</translation>
    </message>
    <message>
        <source>Statements per day (click a day to list its differences)</source>
        <translation>每日结算单（点击某日，列出当日的差异）</translation>
    </message>
    <message>
        <source>All sections</source>
        <translation>全部部分</translation>
    </message>
    <message>
        <source>Statement</source>
        <translation>结算单</translation>
    </message>
    <message>
        <source>Account summary</source>
        <translation>资金状况</translation>
    </message>
    <message>
        <source>Positions</source>
        <translation>持仓</translation>
    </message>
    <message>
        <source>Closed lines</source>
        <translation>平仓明细</translation>
    </message>
    <message>
        <source>Trades</source>
        <translation>成交记录</translation>
    </message>
    <message>
        <source>Deposits</source>
        <translation>出入金</translation>
    </message>
    <message>
        <source>Member</source>
        <translation>会员</translation>
    </message>
    <message>
        <source>Balance b/f</source>
        <translation>期初结存</translation>
    </message>
    <message>
        <source>Deposit/withdrawal</source>
        <translation>出入金</translation>
    </message>
    <message>
        <source>Realized P/L</source>
        <translation>平仓盈亏</translation>
    </message>
    <message>
        <source>MTM P/L</source>
        <translation>持仓盯市盈亏</translation>
    </message>
    <message>
        <source>Commission</source>
        <translation>手续费</translation>
    </message>
    <message>
        <source>Delivery</source>
        <translation>交割</translation>
    </message>
    <message>
        <source>Balance c/f</source>
        <translation>期末结存</translation>
    </message>
    <message>
        <source>Client equity</source>
        <translation>客户权益</translation>
    </message>
    <message>
        <source>Pledge amount</source>
        <translation>质押金</translation>
    </message>
    <message>
        <source>Margin occupied</source>
        <translation>保证金占用</translation>
    </message>
    <message>
        <source>Fund available</source>
        <translation>可用资金</translation>
    </message>
    <message>
        <source>Risk degree</source>
        <translation>风险度</translation>
    </message>
    <message>
        <source>Margin call</source>
        <translation>应追加资金</translation>
    </message>
    <message>
        <source>Fees waived</source>
        <translation>减免手续费</translation>
    </message>
    <message>
        <source>Lots</source>
        <translation>手数</translation>
    </message>
    <message>
        <source>Average open price</source>
        <translation>开仓均价</translation>
    </message>
    <message>
        <source>Prior settlement price</source>
        <translation>昨结算价</translation>
    </message>
    <message>
        <source>Settlement price</source>
        <translation>结算价</translation>
    </message>
    <message>
        <source>Contract</source>
        <translation>合约</translation>
    </message>
    <message>
        <source>Buy/sell</source>
        <translation>买/卖</translation>
    </message>
    <message>
        <source>Open/close</source>
        <translation>开平</translation>
    </message>
    <message>
        <source>Spec/hedge</source>
        <translation>投/保</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>价格</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <source>—</source>
        <translation>—</translation>
    </message>
    <message>
        <source>Trade split</source>
        <translation>成交拆分</translation>
    </message>
    <message>
        <source>Trade on one side only</source>
        <translation>成交仅一方有</translation>
    </message>
    <message>
        <source>Hedge flag</source>
        <translation>投机套保标志</translation>
    </message>
    <message>
        <source>Deposit on another day</source>
        <translation>出入金记在他日</translation>
    </message>
    <message>
        <source>Fee waiver (S01–S05)</source>
        <translation>手续费减免（S01–S05）</translation>
    </message>
    <message>
        <source>Another exchange's margin rule</source>
        <translation>他交易所保证金规则</translation>
    </message>
    <message>
        <source>Average vs FIFO open price</source>
        <translation>均价与先开先平开仓价</translation>
    </message>
    <message>
        <source>Rounding</source>
        <translation>舍入</translation>
    </message>
    <message>
        <source>Statements matched</source>
        <translation>结算单一致</translation>
    </message>
    <message>
        <source>Statements differing</source>
        <translation>结算单有差异</translation>
    </message>
    <message>
        <source>Only in the files</source>
        <translation>仅文件中有</translation>
    </message>
    <message>
        <source>Only in RiskDesk</source>
        <translation>仅 RiskDesk 有</translation>
    </message>
    <message>
        <source>Differences</source>
        <translation>差异</translation>
    </message>
    <message>
        <source>Every day in the files</source>
        <translation>文件中的每一天</translation>
    </message>
    <message>
        <source>%1 of %2 differences</source>
        <translation>差异 %1 / %2 条</translation>
    </message>
    <message>
        <source>Reading statements</source>
        <translation>读取结算单</translation>
    </message>
    <message>
        <source>Comparing with RiskDesk's settlement</source>
        <translation>与 RiskDesk 结算比对</translation>
    </message>
    <message>
        <source>Reconciling…</source>
        <translation>正在对账…</translation>
    </message>
    <message>
        <source>Reconciling</source>
        <translation>对账</translation>
    </message>
    <message>
        <source>Cancelled: nothing was recorded.</source>
        <translation>已取消：未记录任何内容。</translation>
    </message>
    <message>
        <source>Breaks found on %1: every difference is listed below.</source>
        <translation>%1 对账不符：全部差异列于下方。</translation>
    </message>
    <message>
        <source>%1 statements of %2 agree with RiskDesk to the fen.</source>
        <translation>%2 的 %1 份结算单与 RiskDesk 分毫不差。</translation>
    </message>
    <message>
        <source>No statement files chosen</source>
        <translation>未选择结算单文件</translation>
    </message>
    <message>
        <source>Export the differences</source>
        <translation>导出差异</translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx);;CSV, UTF-8 (*.csv)</source>
        <translation>Excel 工作簿 (*.xlsx);;CSV，UTF-8 (*.csv)</translation>
    </message>
    <message>
        <source>Exported %1</source>
        <translation>已导出 %1</translation>
    </message>
    <message>
        <source>Statement files…</source>
        <translation>结算单文件…</translation>
    </message>
    <message>
        <source>Day</source>
        <translation>交易日</translation>
    </message>
    <message>
        <source>Reconcile</source>
        <translation>对账</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <source>Filter by client, line, field or cause</source>
        <translation>按客户、明细、字段或原因筛选</translation>
    </message>
    <message>
        <source>Daily P/L</source>
        <translation>当日盈亏</translation>
    </message>
    <message>
        <source>Prior reserve</source>
        <translation>上日结算准备金余额</translation>
    </message>
    <message>
        <source>Prior margin</source>
        <translation>上日交易保证金</translation>
    </message>
    <message>
        <source>Prior offset</source>
        <translation>上日充抵金额</translation>
    </message>
    <message>
        <source>Deposited</source>
        <translation>入金</translation>
    </message>
    <message>
        <source>Withdrawn</source>
        <translation>出金</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>其他</translation>
    </message>
    <message>
        <source>Cash</source>
        <translation>货币资金</translation>
    </message>
    <message>
        <source>Settlement reserve</source>
        <translation>结算准备金余额</translation>
    </message>
    <message>
        <source>Interest base</source>
        <translation>计息基数</translation>
    </message>
    <message>
        <source>Minimum reserve</source>
        <translation>结算准备金最低余额</translation>
    </message>
    <message>
        <source>Member figures</source>
        <translation>会员数据</translation>
    </message>
    <message>
        <source>CTP statement text</source>
        <translation>CTP 结算单文本</translation>
    </message>
    <message>
        <source>CFMMC daily statements</source>
        <translation>监控中心结算日报</translation>
    </message>
    <message>
        <source>member settlement CSV</source>
        <translation>会员结算 CSV</translation>
    </message>
    <message>
        <source>Choose the statement files</source>
        <translation>选择结算单文件</translation>
    </message>
    <message>
        <source>Statements (*.txt *.log *.out *.xls *.xlsx *.csv)</source>
        <translation>结算单 (*.txt *.log *.out *.xls *.xlsx *.csv)</translation>
    </message>
    <message>
        <source>CTP statement text (*.txt *.log *.out)</source>
        <translation>CTP 结算单文本 (*.txt *.log *.out)</translation>
    </message>
    <message>
        <source>CFMMC daily statements (*.xls *.xlsx)</source>
        <translation>监控中心结算日报 (*.xls *.xlsx)</translation>
    </message>
    <message>
        <source>Member settlement CSV (*.csv)</source>
        <translation>会员结算 CSV (*.csv)</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>所有文件 (*)</translation>
    </message>
    <message>
        <source>Choose the statement files first.</source>
        <translation>请先选择结算单文件。</translation>
    </message>
    <message>
        <source> Files read: %1.</source>
        <translation> 已读取：%1。</translation>
    </message>
    <message>
        <source>no member file</source>
        <translation>未提供会员文件</translation>
    </message>
    <message>
        <source>member %1</source>
        <translation>会员 %1</translation>
    </message>
    <message>
        <source>List the member&apos;s figures</source>
        <translation>只列出会员数据</translation>
    </message>
    <message>
        <source>The counter&apos;s (CTP) statements, CFMMC daily statements and the member&apos;s settlement CSV against RiskDesk&apos;s settlement, field by field and line by line, to the fen.</source>
        <translation>柜台（CTP）结算单、监控中心结算日报和会员结算 CSV 与 RiskDesk 结算逐字段、逐明细比对，精确到分。</translation>
    </message>
    <message>
        <source>%1 files: %2 …</source>
        <translation>%1 个文件：%2 …</translation>
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
        <source>long+short</source>
        <translation>多空</translation>
    </message>
    <message>
        <source>spec</source>
        <translation>投机</translation>
    </message>
    <message>
        <source>hedge</source>
        <translation>套保</translation>
    </message>
    <message>
        <source>deposit</source>
        <translation>入金</translation>
    </message>
    <message>
        <source>withdrawal</source>
        <translation>出金</translation>
    </message>
    <message>
        <source>opened today</source>
        <translation>今仓</translation>
    </message>
    <message>
        <source>carried</source>
        <translation>昨仓</translation>
    </message>
    <message>
        <source>one fen</source>
        <translation>一分</translation>
    </message>
    <message>
        <source>one hundredth of a percent</source>
        <translation>万分之一</translation>
    </message>
    <message>
        <source>in the counter&apos;s file, not in RiskDesk</source>
        <translation>文件中有，RiskDesk 中没有</translation>
    </message>
    <message>
        <source>in RiskDesk, not in the counter&apos;s file</source>
        <translation>RiskDesk 中有，文件中没有</translation>
    </message>
    <message>
        <source>a fill missing on one side: %1</source>
        <translation>一方缺少成交：%1</translation>
    </message>
    <message>
        <source>%1 is %2 fills in the counter&apos;s file: %3</source>
        <translation>%1 在文件中拆为 %2 笔成交：%3</translation>
    </message>
    <message>
        <source>%1 is %2 fills in RiskDesk</source>
        <translation>%1 在 RiskDesk 中为 %2 笔成交</translation>
    </message>
    <message>
        <source>%1 %2: %3 on one side, %4 on the other</source>
        <translation>%1 %2：一方为%3，另一方为%4</translation>
    </message>
    <message>
        <source>fill %1: %2 vs %3</source>
        <translation>成交 %1：%2 对 %3</translation>
    </message>
    <message>
        <source>the hedge rate applies to the flipped line</source>
        <translation>投保标志不同的持仓适用套保保证金率</translation>
    </message>
    <message>
        <source>the counter books it on %1, RiskDesk on %2</source>
        <translation>文件记于 %1，RiskDesk 记于 %2</translation>
    </message>
    <message>
        <source>RiskDesk books this %1 on %2</source>
        <translation>RiskDesk 将此笔%1记于 %2</translation>
    </message>
    <message>
        <source>the counter books it on %1</source>
        <translation>文件记于 %1</translation>
    </message>
    <message>
        <source>a deposit or withdrawal booked on another day</source>
        <translation>出入金记在了另一天</translation>
    </message>
    <message>
        <source>RiskDesk waived %1 of fees (seed rules S01–S05) that the counter charged</source>
        <translation>RiskDesk 减免了 %1 手续费（规则 S01–S05），柜台照收</translation>
    </message>
    <message>
        <source>%1 charges the larger side of a contract only</source>
        <translation>%1 按单向大边收取保证金</translation>
    </message>
    <message>
        <source>average open price vs first-in-first-out lots</source>
        <translation>开仓均价与先开先平之差</translation>
    </message>
    <message>
        <source>closed against an average open price, not first-in-first-out</source>
        <translation>按开仓均价而非先开先平平仓</translation>
    </message>
</context>
</TS>
