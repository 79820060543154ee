<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>Reconcile</name>
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
        <source>Choose the counter's statement files</source>
        <translation>选择柜台结算单文件</translation>
    </message>
    <message>
        <source>Settlement statements (*.txt *.log *.out);;All files (*)</source>
        <translation>结算单 (*.txt *.log *.out);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Choose the counter's statement files first.</source>
        <translation>请先选择柜台结算单文件。</translation>
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
        <source>The counter's (CTP) settlement statements against RiskDesk's settlement, field by field and line by line, to the fen.</source>
        <translation>柜台（CTP）结算单与 RiskDesk 结算逐字段、逐明细比对，精确到分。</translation>
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
</context>
</TS>
