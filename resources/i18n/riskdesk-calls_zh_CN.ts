<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>Calls</name>
    <message>
        <source>After settlement</source>
        <translation>日终结算后</translation>
    </message>
    <message>
        <source>Intraday (live monitor)</source>
        <translation>盘中（实时监控）</translation>
    </message>
    <message>
        <source>Available funds ≥ 0</source>
        <translation>可用资金 ≥ 0</translation>
    </message>
    <message>
        <source>Risk ratio back to the target</source>
        <translation>风险度回到目标</translation>
    </message>
    <message>
        <source>Both (the larger)</source>
        <translation>两者取大</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>Figures</source>
        <translation>数据</translation>
    </message>
    <message>
        <source>Settled day</source>
        <translation>结算日</translation>
    </message>
    <message>
        <source>Call target</source>
        <translation>追保目标</translation>
    </message>
    <message>
        <source>Target ratio (%)</source>
        <translation>目标风险度 (%)</translation>
    </message>
    <message>
        <source>Empty: the warning threshold (%1)</source>
        <translation>留空：按警示线（%1）</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Read the list again (intraday: the monitor's newest snapshot)</source>
        <translation>重新读取名单（盘中：取实时监控的最新快照）</translation>
    </message>
    <message>
        <source>Filter by client code or name</source>
        <translation>按客户代码或名称筛选</translation>
    </message>
    <message>
        <source>Generate notices…</source>
        <translation>生成通知书…</translation>
    </message>
    <message>
        <source>Send by e-mail…</source>
        <translation>邮件发送…</translation>
    </message>
    <message>
        <source>Notice history</source>
        <translation>通知书记录</translation>
    </message>
    <message>
        <source>Open client</source>
        <translation>查看客户</translation>
    </message>
    <message>
        <source>Target ratio: %1</source>
        <translation>目标风险度：%1</translation>
    </message>
    <message>
        <source>Start the live risk monitor to list intraday calls</source>
        <translation>请先启动实时风险监控，才能列出盘中追保名单</translation>
    </message>
    <message>
        <source>After the settlement of %1 · due by %2 (Beijing time)</source>
        <translation>%1 日终结算后 · 追加期限 %2（北京时间）</translation>
    </message>
    <message>
        <source>Intraday %1, live snapshot of %3 · due by %2 (Beijing time)</source>
        <translation>盘中 %1，实时快照 %3 · 追加期限 %2（北京时间）</translation>
    </message>
    <message>
        <source>Listed %1 · to call %2 · total to call %3 CNY</source>
        <translation>名单 %1 户 · 需追保 %2 户 · 应追加合计 %3 元</translation>
    </message>
    <message>
        <source>Accounts per level (%1 in all):</source>
        <translation>各风险等级账户数（共 %1 户）：</translation>
    </message>
    <message>
        <source>Notices ask for the settlement's amount (available funds back to zero)</source>
        <translation>通知书按结算追保金额（使可用资金回到零）</translation>
    </message>
    <message>
        <source>Notices state the figures of a settlement: list a settled day to generate them</source>
        <translation>通知书载明结算数据：请选择已结算日后再生成</translation>
    </message>
    <message>
        <source>%1 client(s) get a notice.</source>
        <translation>%1 户将生成通知书。</translation>
    </message>
    <message>
        <source>%1 left out: available funds not below zero (no call to notice).</source>
        <translation>%1 户不生成：可用资金不为负（无需追保）。</translation>
    </message>
    <message>
        <source>%1 left out: they already hold this notice for the day.</source>
        <translation>%1 户不生成：当日已有此类通知书。</translation>
    </message>
    <message>
        <source>No notice to generate for these clients.</source>
        <translation>这些客户无需生成通知书。</translation>
    </message>
    <message>
        <source>Generating notices</source>
        <translation>正在生成通知书</translation>
    </message>
    <message>
        <source>Generated %1 %2: %3.</source>
        <translation>已生成 %1 份%2：%3。</translation>
    </message>
    <message>
        <source>No notice generated.</source>
        <translation>未生成通知书。</translation>
    </message>
    <message>
        <source>%1 client(s) left out.</source>
        <translation>%1 户未生成。</translation>
    </message>
    <message>
        <source>No notice to send: generate the notices first (or they were sent already).</source>
        <translation>没有可发送的通知书：请先生成通知书（或通知书已发送）。</translation>
    </message>
    <message>
        <source>%1 client(s) have no notice yet.</source>
        <translation>%1 户尚无通知书。</translation>
    </message>
    <message>
        <source>%1 notice(s) were sent already.</source>
        <translation>%1 份通知书已发送过。</translation>
    </message>
    <message>
        <source>Generate notices</source>
        <translation>生成通知书</translation>
    </message>
    <message>
        <source>Selected clients (%1)</source>
        <translation>选中的客户（%1 户）</translation>
    </message>
    <message>
        <source>All listed clients (%1)</source>
        <translation>名单中全部客户（%1 户）</translation>
    </message>
    <message>
        <source>Generate</source>
        <translation>生成</translation>
    </message>
    <message>
        <source>Notice</source>
        <translation>通知书</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Intended channel</source>
        <translation>拟送达方式</translation>
    </message>
    <message>
        <source>For</source>
        <translation>对象</translation>
    </message>
    <message>
        <source>No settled day yet: margin calls are listed after the daily settlement (%1), or intraday from the live risk monitor.</source>
        <translation>尚无结算日：追保名单在日终结算（%1）后列出，或从实时风险监控列出盘中名单。</translation>
    </message>
</context>
<context>
    <name>Notices</name>
    <message>
        <source>Numbering and storing the notices</source>
        <translation>编号并保存通知书</translation>
    </message>
    <message>
        <source>Sending e-mails</source>
        <translation>正在发送邮件</translation>
    </message>
    <message>
        <source>Writing PDF files</source>
        <translation>正在生成 PDF 文件</translation>
    </message>
    <message>
        <source>E-mail is not set up: %1</source>
        <translation>邮件发送未配置：%1</translation>
    </message>
    <message>
        <source>Send by e-mail</source>
        <translation>邮件发送</translation>
    </message>
    <message>
        <source>Send %1 notice(s) by e-mail through %2 as %3?</source>
        <translation>通过 %2 以 %3 的名义发送 %1 份通知书？</translation>
    </message>
    <message>
        <source>Sent %1, failed %2, skipped %3.</source>
        <translation>已发送 %1 份，失败 %2 份，跳过 %3 份。</translation>
    </message>
    <message>
        <source>Mark the delivery status</source>
        <translation>登记送达状态</translation>
    </message>
    <message>
        <source>%1 notice(s): %2</source>
        <translation>%1 份通知书：%2</translation>
    </message>
    <message>
        <source>e.g. SMS to 138…, receipt signed by the client</source>
        <translation>例如：短信发至 138…，客户已签收</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>登记</translation>
    </message>
    <message>
        <source>New status</source>
        <translation>新状态</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>送达方式</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Contact of %1</source>
        <translation>%1 的联系方式</translation>
    </message>
    <message>
        <source>E-mail</source>
        <translation>电子邮件</translation>
    </message>
    <message>
        <source>Mobile</source>
        <translation>手机</translation>
    </message>
    <message>
        <source>Not generated</source>
        <translation>未生成</translation>
    </message>
    <message>
        <source>Generated</source>
        <translation>已生成</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>已发送</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>已送达</translation>
    </message>
    <message>
        <source>Confirmed</source>
        <translation>已确认</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>发送失败</translation>
    </message>
    <message>
        <source>Margin call notice</source>
        <translation>追加保证金通知书</translation>
    </message>
    <message>
        <source>Forced-close notice</source>
        <translation>强行平仓通知书</translation>
    </message>
    <message>
        <source>System</source>
        <translation>系统</translation>
    </message>
    <message>
        <source>SMS</source>
        <translation>短信</translation>
    </message>
    <message>
        <source>By hand</source>
        <translation>专人送达</translation>
    </message>
    <message>
        <source>Chinese</source>
        <translation>中文</translation>
    </message>
    <message>
        <source>English</source>
        <translation>英文</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>all clients</source>
        <translation>全部客户</translation>
    </message>
    <message>
        <source>All days</source>
        <translation>全部日期</translation>
    </message>
    <message>
        <source>All kinds</source>
        <translation>全部类型</translation>
    </message>
    <message>
        <source>All statuses</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <source>Search number or client</source>
        <translation>搜索编号或客户</translation>
    </message>
    <message>
        <source>Mark status…</source>
        <translation>登记状态…</translation>
    </message>
    <message>
        <source>Send by e-mail…</source>
        <translation>邮件发送…</translation>
    </message>
    <message>
        <source>Open PDF</source>
        <translation>打开 PDF</translation>
    </message>
    <message>
        <source>Export PDF…</source>
        <translation>导出 PDF…</translation>
    </message>
    <message>
        <source>Contact…</source>
        <translation>联系方式…</translation>
    </message>
    <message>
        <source>Open client</source>
        <translation>查看客户</translation>
    </message>
    <message>
        <source>Record a delivery made outside RiskDesk (SMS, system message, by hand) or the client's receipt and confirmation; audited, statuses only move forward</source>
        <translation>登记在 RiskDesk 之外完成的送达（短信、系统消息、专人送达）或客户的签收和确认；记入审计日志，状态只能向前推进</translation>
    </message>
    <message>
        <source>Margin-call and forced-close notices: delivery status and history (every change is audited)</source>
        <translation>追加保证金通知书与强行平仓通知书：送达状态与记录（每次变更均记入审计日志）</translation>
    </message>
    <message>
        <source>the newest %1 of %2 notices</source>
        <translation>最新 %1 份，共 %2 份</translation>
    </message>
    <message>
        <source>History: select a notice</source>
        <translation>送达记录：请选择一份通知书</translation>
    </message>
    <message>
        <source>History of %1 · client %2 %3 · e-mail %4 · mobile %5</source>
        <translation>%1 的送达记录 · 客户 %2 %3 · 邮箱 %4 · 手机 %5</translation>
    </message>
    <message>
        <source>No status can follow for all of these notices: a confirmed notice is final, and statuses only move forward.</source>
        <translation>这些通知书没有共同的后续状态：已确认的通知书不可再变更，状态只能向前推进。</translation>
    </message>
    <message>
        <source>Recording</source>
        <translation>正在登记</translation>
    </message>
    <message>
        <source>Recorded for %1 notice(s).</source>
        <translation>已登记 %1 份通知书。</translation>
    </message>
    <message>
        <source>These notices were sent already.</source>
        <translation>这些通知书已发送过。</translation>
    </message>
    <message>
        <source>%1 notice(s) were sent already.</source>
        <translation>%1 份通知书已发送过。</translation>
    </message>
    <message>
        <source>No PDF viewer opened %1</source>
        <translation>没有 PDF 阅读器打开 %1</translation>
    </message>
    <message>
        <source>Export notices as PDF to</source>
        <translation>将通知书导出为 PDF 到</translation>
    </message>
    <message>
        <source>Wrote %1 PDF file(s) to %2</source>
        <translation>已将 %1 个 PDF 文件写入 %2</translation>
    </message>
    <message>
        <source>Contact of %1 saved.</source>
        <translation>已保存 %1 的联系方式。</translation>
    </message>
    <message>
        <source>No notice yet: generate notices on the %1 screen.</source>
        <translation>尚无通知书：请在“%1”页面生成。</translation>
    </message>
</context>
</TS>
