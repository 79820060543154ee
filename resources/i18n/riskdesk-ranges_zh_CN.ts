<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>SafeRange</name>
    <message>
        <source>Safe price ranges</source>
        <translation>安全价格区间</translation>
    </message>
    <message>
        <source>Contract</source>
        <translation>合约</translation>
    </message>
    <message>
        <source>S (CNY)</source>
        <translation>结算价 (元)</translation>
    </message>
    <message>
        <source>Clients</source>
        <translation>客户数</translation>
    </message>
    <message>
        <source>&lt; 0 at S</source>
        <translation>可用已负</translation>
    </message>
    <message>
        <source>Safe down to</source>
        <translation>下行安全至</translation>
    </message>
    <message>
        <source>Ticks</source>
        <translation>跳数</translation>
    </message>
    <message>
        <source>Move</source>
        <translation>幅度</translation>
    </message>
    <message>
        <source>Bound by</source>
        <translation>约束客户</translation>
    </message>
    <message>
        <source>Safe up to</source>
        <translation>上行安全至</translation>
    </message>
    <message>
        <source>Member down to</source>
        <translation>会员下行至</translation>
    </message>
    <message>
        <source>Member up to</source>
        <translation>会员上行至</translation>
    </message>
    <message>
        <source>Limit band (CNY)</source>
        <translation>涨跌停区间 (元)</translation>
    </message>
    <message>
        <source>Finding the safe price ranges…</source>
        <translation>正在计算安全价格区间…</translation>
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
        <source>Safe price ranges after %1: %2 contracts, %3 narrower than a limit move</source>
        <translation>%1 结算后的安全价格区间：%2 个合约，其中 %3 个窄于一个涨跌停板</translation>
    </message>
    <message>
        <source>%1 clients below zero at S left out</source>
        <translation>%1 个客户在结算价下可用资金已为负，未计入</translation>
    </message>
    <message>
        <source>Recompute</source>
        <translation>重新计算</translation>
    </message>
    <message>
        <source>Settling the next day at the settlement prices with one contract moved (the next day&apos;s margin rates): the last price down and up at which no client&apos;s available funds are below zero, and the client below zero one tick beyond; the member&apos;s reserve likewise. — : no price binds. Tinted: a move to the day&apos;s limit takes a client below zero.</source>
        <translation>以结算价结算下一交易日，只移动一个合约的价格（按下一交易日的保证金率）： 向下、向上仍无客户可用资金为负的最后价格， 以及再移动一跳即为负的客户； 会员结算准备金同理。 —：任何价格都不受约束。 底色：涨跌停一个板即有客户可用资金为负。</translation>
    </message>
</context>
<context>
    <name>WhatIf</name>
    <message>
        <source>What-if</source>
        <translation>假设分析</translation>
    </message>
    <message>
        <source>Contract</source>
        <translation>合约</translation>
    </message>
    <message>
        <source>S (CNY)</source>
        <translation>结算价 (元)</translation>
    </message>
    <message>
        <source>Open rate</source>
        <translation>开仓保证金率</translation>
    </message>
    <message>
        <source>One lot (CNY)</source>
        <translation>每手保证金 (元)</translation>
    </message>
    <message>
        <source>Long lots</source>
        <translation>可开多 (手)</translation>
    </message>
    <message>
        <source>Short lots</source>
        <translation>可开空 (手)</translation>
    </message>
    <message>
        <source>Margin in use</source>
        <translation>保证金占用</translation>
    </message>
    <message>
        <source>Receipt offset used</source>
        <translation>仓单充抵</translation>
    </message>
    <message>
        <source>Available funds</source>
        <translation>可用资金</translation>
    </message>
    <message>
        <source>Risk ratio</source>
        <translation>风险度</translation>
    </message>
    <message>
        <source>Risk level</source>
        <translation>风险等级</translation>
    </message>
    <message>
        <source>Margin freed by the close</source>
        <translation>平仓释放保证金</translation>
    </message>
    <message>
        <source>Margin added by the rate change</source>
        <translation>调整保证金率增加的保证金</translation>
    </message>
    <message>
        <source>No close</source>
        <translation>不平仓</translation>
    </message>
    <message>
        <source>every contract</source>
        <translation>全部合约</translation>
    </message>
    <message>
        <source>%1 %2 · %3, %4 lots</source>
        <translation>%1 %2 · %3，%4 手</translation>
    </message>
    <message>
        <source>line_margin(n) − line_margin(n − k)</source>
        <translation>n 手保证金 − (n − k) 手保证金</translation>
    </message>
    <message>
        <source>lines left at the changed rate</source>
        <translation>剩余持仓按调整后的保证金率</translation>
    </message>
    <message>
        <source>Lots still openable</source>
        <translation>尚可开仓手数</translation>
    </message>
    <message>
        <source>Lots still openable after these changes (speculation, at S of %1 and the open rate, fees not counted)</source>
        <translation>按上述调整后尚可开仓手数（投机，按 %1 结算价与开仓保证金率，不计手续费）</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>平仓</translation>
    </message>
    <message>
        <source>lots</source>
        <translation>手</translation>
    </message>
    <message>
        <source>Margin rate</source>
        <translation>保证金率</translation>
    </message>
    <message>
        <source>points</source>
        <translation>个百分点</translation>
    </message>
    <message>
        <source>Percentage points added to the open rate (negative: cut)</source>
        <translation>在开仓保证金率上增加的百分点（负数为下调）</translation>
    </message>
    <message>
        <source>Reset</source>
        <translation>重置</translation>
    </message>
    <message>
        <source>Figure</source>
        <translation>项目</translation>
    </message>
    <message>
        <source>Now</source>
        <translation>当前</translation>
    </message>
    <message>
        <source>After</source>
        <translation>调整后</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>变化</translation>
    </message>
</context>
</TS>
