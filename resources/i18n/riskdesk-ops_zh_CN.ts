<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>ImportLayouts</name>
    <message>
        <source>date YYYY-MM-DD, a trading day</source>
        <translation>日期 YYYY-MM-DD，须为交易日</translation>
    </message>
    <message>
        <source>Trading day the row belongs to (night session: the next trading day)</source>
        <translation>该行所属交易日（夜盘计入下一交易日）</translation>
    </message>
    <message>
        <source>client code</source>
        <translation>客户号</translation>
    </message>
    <message>
        <source>Client code (客户号)</source>
        <translation>客户号</translation>
    </message>
    <message>
        <source>contract code</source>
        <translation>合约代码</translation>
    </message>
    <message>
        <source>Contract code, must be in the contract table</source>
        <translation>合约代码，须在合约表中</translation>
    </message>
    <message>
        <source>long / short</source>
        <translation>long / short（多 / 空）</translation>
    </message>
    <message>
        <source>Position side: long / short (also 多/空, buy/sell, 买/卖)</source>
        <translation>持仓方向：long / short（也可写 多/空、buy/sell、买/卖）</translation>
    </message>
    <message>
        <source>0 / 1 (also spec / hedge, 投机 / 套保)</source>
        <translation>0 / 1（也可写 spec / hedge、投机 / 套保）</translation>
    </message>
    <message>
        <source>Hedge position (empty = speculative)</source>
        <translation>套保持仓（空 = 投机）</translation>
    </message>
    <message>
        <source>whole number ≥ 0</source>
        <translation>整数 ≥ 0</translation>
    </message>
    <message>
        <source>Open lots at the end of the day</source>
        <translation>日终持仓手数</translation>
    </message>
    <message>
        <source>Of which opened on that day (≤ lots; empty = 0)</source>
        <translation>其中当日开仓（≤ 手数；空 = 0）</translation>
    </message>
    <message>
        <source>yuan, ≤ 2 decimals, on the contract&apos;s tick</source>
        <translation>元，最多 2 位小数，须为最小变动价位的整数倍</translation>
    </message>
    <message>
        <source>Average opening price of the open lots</source>
        <translation>持仓的开仓均价</translation>
    </message>
    <message>
        <source>yuan, ≤ 2 decimals, ≥ 0</source>
        <translation>元，最多 2 位小数，≥ 0</translation>
    </message>
    <message>
        <source>Margin held after settlement (empty = 0)</source>
        <translation>结算后占用保证金（空 = 0）</translation>
    </message>
    <message>
        <source>text ≤ 32</source>
        <translation>文本 ≤ 32 字符</translation>
    </message>
    <message>
        <source>Exchange trade number</source>
        <translation>交易所成交编号</translation>
    </message>
    <message>
        <source>YYYY-MM-DD HH:MM:SS, Beijing time</source>
        <translation>YYYY-MM-DD HH:MM:SS，北京时间</translation>
    </message>
    <message>
        <source>Time of the fill (Beijing time)</source>
        <translation>成交时间（北京时间）</translation>
    </message>
    <message>
        <source>Position side the trade affects: long / short; or buy / sell (买/卖), resolved with the action</source>
        <translation>成交影响的持仓方向：long / short；或 buy / sell（买/卖），结合开平判断</translation>
    </message>
    <message>
        <source>open / close / deliver</source>
        <translation>open / close / deliver（开 / 平 / 交割）</translation>
    </message>
    <message>
        <source>open / close / deliver (开仓/平仓/交割)</source>
        <translation>开平标志：open / close / deliver（开仓/平仓/交割）</translation>
    </message>
    <message>
        <source>whole number ≥ 1</source>
        <translation>整数 ≥ 1</translation>
    </message>
    <message>
        <source>Lots traded</source>
        <translation>成交手数</translation>
    </message>
    <message>
        <source>Trade price</source>
        <translation>成交价</translation>
    </message>
    <message>
        <source>Fee charged (empty = 0)</source>
        <translation>手续费（空 = 0）</translation>
    </message>
    <message>
        <source>Settlement price of the day</source>
        <translation>当日结算价</translation>
    </message>
    <message>
        <source>Limit-up price of the day (≥ settlement price)</source>
        <translation>当日涨停板价（≥ 结算价）</translation>
    </message>
    <message>
        <source>Limit-down price of the day (≤ settlement price)</source>
        <translation>当日跌停板价（≤ 结算价）</translation>
    </message>
    <message>
        <source>none / limit_up / limit_down</source>
        <translation>none / limit_up / limit_down（无 / 涨停 / 跌停）</translation>
    </message>
    <message>
        <source>Limit-locked close (单边市); empty = none</source>
        <translation>单边市收盘；空 = none</translation>
    </message>
    <message>
        <source>Single-side open interest in lots (empty = 0)</source>
        <translation>单边持仓量，手（空 = 0）</translation>
    </message>
    <message>
        <source>Volume in lots (empty = 0)</source>
        <translation>成交量，手（空 = 0）</translation>
    </message>
    <message>
        <source>Unique movement number</source>
        <translation>唯一流水号</translation>
    </message>
    <message>
        <source>member code</source>
        <translation>会员号</translation>
    </message>
    <message>
        <source>Member code (会员号)</source>
        <translation>会员号</translation>
    </message>
    <message>
        <source>Client code; empty for the member&apos;s own reserve movements (the client must belong to the member)</source>
        <translation>客户号；会员自有结算准备金出入金留空（客户须属于该会员）</translation>
    </message>
    <message>
        <source>deposit / withdrawal</source>
        <translation>deposit / withdrawal（入金 / 出金）</translation>
    </message>
    <message>
        <source>deposit / withdrawal (入金/出金)</source>
        <translation>deposit / withdrawal（入金/出金）</translation>
    </message>
    <message>
        <source>yuan, ≤ 2 decimals, &gt; 0</source>
        <translation>元，最多 2 位小数，&gt; 0</translation>
    </message>
    <message>
        <source>Amount in yuan</source>
        <translation>金额（元）</translation>
    </message>
    <message>
        <source>text ≤ 200</source>
        <translation>文本 ≤ 200 字符</translation>
    </message>
    <message>
        <source>Free text</source>
        <translation>自由文本</translation>
    </message>
    <message>
        <source>Receipt number</source>
        <translation>仓单号</translation>
    </message>
    <message>
        <source>product code</source>
        <translation>品种代码</translation>
    </message>
    <message>
        <source>Product code (must be in the product table)</source>
        <translation>品种代码（须在品种表中）</translation>
    </message>
    <message>
        <source>warehouse code</source>
        <translation>仓库代码</translation>
    </message>
    <message>
        <source>Warehouse or factory warehouse code (must be in the warehouse table)</source>
        <translation>仓库或厂库代码（须在仓库表中）</translation>
    </message>
    <message>
        <source>holder code</source>
        <translation>持有人代码</translation>
    </message>
    <message>
        <source>Client code, or the member code for the member&apos;s own receipts (a client must belong to the member)</source>
        <translation>客户号；会员自有仓单填会员号（客户须属于该会员）</translation>
    </message>
    <message>
        <source>Receipt lots</source>
        <translation>仓单手数</translation>
    </message>
    <message>
        <source>Tons of goods (lots × the product&apos;s tons a lot, within the tolerance)</source>
        <translation>货物吨数（手数 × 品种每手吨数，在容差之内）</translation>
    </message>
    <message>
        <source>date YYYY-MM-DD</source>
        <translation>日期 YYYY-MM-DD</translation>
    </message>
    <message>
        <source>Production date (≤ registration date)</source>
        <translation>生产日期（≤ 注册日期）</translation>
    </message>
    <message>
        <source>Registration date (not after today)</source>
        <translation>注册日期（不晚于今天）</translation>
    </message>
    <message>
        <source>held / margin / delivery / cancelled</source>
        <translation>held / margin / delivery / cancelled（持有 / 充抵 / 交割 / 注销）</translation>
    </message>
    <message>
        <source>held / margin / delivery / cancelled (empty = held)</source>
        <translation>held / margin / delivery / cancelled（空 = held）</translation>
    </message>
    <message>
        <source>Date of the last status change</source>
        <translation>最近一次状态变更日期</translation>
    </message>
    <message>
        <source>Order number</source>
        <translation>委托号</translation>
    </message>
    <message>
        <source>Side of the position being closed: long / short; or buy / sell (买/卖: sell closes a long, buy closes a short)</source>
        <translation>被平持仓的方向：long / short；或 buy / sell（买/卖：卖平多，买平空）</translation>
    </message>
    <message>
        <source>Unfilled lots</source>
        <translation>未成交手数</translation>
    </message>
    <message>
        <source>Limit price of the order</source>
        <translation>委托限价</translation>
    </message>
    <message>
        <source>standard / non_standard</source>
        <translation>standard / non_standard（标准仓单 / 非标准仓单）</translation>
    </message>
    <message>
        <source>Matching day: from the first trading day of the contract&apos;s delivery month to the day before its last trading day</source>
        <translation>配对日：自合约交割月第一个交易日至最后交易日的前一交易日</translation>
    </message>
    <message>
        <source>Client code of the seller (not an individual client)</source>
        <translation>卖方客户号（不得为自然人客户）</translation>
    </message>
    <message>
        <source>Client code of the buyer (not an individual client, not the seller)</source>
        <translation>买方客户号（不得为自然人客户，不得与卖方相同）</translation>
    </message>
    <message>
        <source>Matched lots</source>
        <translation>配对手数</translation>
    </message>
    <message>
        <source>Delivery settlement price: the matching day&apos;s settlement price (empty = the stored one; a given price must equal it where it is stored)</source>
        <translation>交割结算价，即配对日结算价（空 = 取已存储的结算价；如填写，须与已存储的结算价一致）</translation>
    </message>
    <message>
        <source>Trading day the exchange approved the EFP</source>
        <translation>交易所批准期转现的交易日</translation>
    </message>
    <message>
        <source>Client code of the long position holder</source>
        <translation>多方持仓客户号</translation>
    </message>
    <message>
        <source>Client code of the short position holder (not the long client)</source>
        <translation>空方持仓客户号（不得与多方相同）</translation>
    </message>
    <message>
        <source>Lots closed on each side</source>
        <translation>每方平仓手数</translation>
    </message>
    <message>
        <source>Negotiated price of the goods (need not be on the tick)</source>
        <translation>现货协议价格（不必是最小变动价位的整数倍）</translation>
    </message>
    <message>
        <source>standard (标准仓单期转现) / non_standard (非标准仓单期转现)</source>
        <translation>期转现类型：standard（标准仓单期转现）/ non_standard（非标准仓单期转现）</translation>
    </message>
    <message>
        <source>text ≤ 16</source>
        <translation>文本 ≤ 16 字符</translation>
    </message>
    <message>
        <source>text ≤ 100</source>
        <translation>文本 ≤ 100 字符</translation>
    </message>
    <message>
        <source>Member name</source>
        <translation>会员名称</translation>
    </message>
    <message>
        <source>brokerage / non_brokerage</source>
        <translation>brokerage / non_brokerage（期货公司会员 / 非期货公司会员）</translation>
    </message>
    <message>
        <source>brokerage (期货公司会员) / non_brokerage (非期货公司会员)</source>
        <translation>brokerage（期货公司会员）/ non_brokerage（非期货公司会员）</translation>
    </message>
    <message>
        <source>Minimum settlement reserve balance in yuan, as agreed with the exchange (spec Q12)</source>
        <translation>结算准备金最低余额（元），按与交易所的约定（规格 Q12）</translation>
    </message>
    <message>
        <source>Client name</source>
        <translation>客户名称</translation>
    </message>
    <message>
        <source>Member code (会员号), must be in the member table; a stored client keeps its member</source>
        <translation>会员号，须在会员表中；已有客户不能改属其他会员</translation>
    </message>
    <message>
        <source>1 / 0 (also individual / institution, 自然人 / 机构)</source>
        <translation>1 / 0（也可写 individual / institution、自然人 / 机构）</translation>
    </message>
    <message>
        <source>1 for an individual (natural person: no delivery, individual position limits), 0 for an institution</source>
        <translation>1 = 自然人客户（不得参与交割，适用自然人持仓限额），0 = 机构客户</translation>
    </message>
    <message>
        <source>Account opening date (not after today)</source>
        <translation>开户日期（不晚于今天）</translation>
    </message>
    <message>
        <source>product code + YYMM</source>
        <translation>品种代码 + 年月（YYMM）</translation>
    </message>
    <message>
        <source>Contract code: a product of resources/products.toml + YYMM of a delivery month the product lists</source>
        <translation>合约代码：resources/products.toml 中的品种代码 + 该品种挂牌交割月份的年月（YYMM）</translation>
    </message>
    <message>
        <source>Product code; must be the letters of the contract code (empty = those)</source>
        <translation>品种代码，须与合约代码的字母部分一致（空 = 取合约代码的字母）</translation>
    </message>
    <message>
        <source>First trading day (empty = the trading day after the last trading day of the same month&apos;s contract a year earlier)</source>
        <translation>上市首日（空 = 上一年同月合约最后交易日的下一个交易日）</translation>
    </message>
    <message>
        <source>Minimum price step in yuan (empty = the product&apos;s tick; a change must leave the stored prices on the tick)</source>
        <translation>最小变动价位（元）（空 = 品种的最小变动价位；修改后已存的价格须仍在价位上）</translation>
    </message>
    <message>
        <source>rate, 0.07 or 7%, &gt; 0 and ≤ 1</source>
        <translation>比率，如 0.07 或 7%，&gt; 0 且 ≤ 1</translation>
    </message>
    <message>
        <source>Price limit as a share of the prior settlement price (empty = the product&apos;s contract limit)</source>
        <translation>涨跌停板幅度，占上一交易日结算价的比例（空 = 品种合约规定的幅度）</translation>
    </message>
    <message>
        <source>General-month trading margin rate, speculative (empty = the product&apos;s contract minimum; not below it)</source>
        <translation>一般月份投机交易保证金率（空 = 品种合约最低保证金率；不得低于该值）</translation>
    </message>
    <message>
        <source>General-month trading margin rate, hedge (empty = the speculative rate; not below the contract minimum)</source>
        <translation>一般月份套保交易保证金率（空 = 投机保证金率；不得低于合约最低保证金率）</translation>
    </message>
    <message>
        <source>Warehouse or factory warehouse code</source>
        <translation>交割仓库或厂库代码</translation>
    </message>
    <message>
        <source>text ≤ 64</source>
        <translation>文本 ≤ 64 字符</translation>
    </message>
    <message>
        <source>Chinese name</source>
        <translation>中文名称</translation>
    </message>
    <message>
        <source>English name (empty = none)</source>
        <translation>英文名称（空 = 无）</translation>
    </message>
    <message>
        <source>City (empty = none)</source>
        <translation>城市（空 = 无）</translation>
    </message>
    <message>
        <source>warehouse / factory</source>
        <translation>warehouse / factory（交割仓库 / 厂库）</translation>
    </message>
    <message>
        <source>warehouse (交割仓库) / factory (厂库); empty = warehouse</source>
        <translation>warehouse（交割仓库）/ factory（厂库）；空 = warehouse</translation>
    </message>
</context>
<context>
    <name>Imports</name>
    <message>
        <source>reading</source>
        <translation>读取</translation>
    </message>
    <message>
        <source>validating</source>
        <translation>校验</translation>
    </message>
    <message>
        <source>comparing with stored rows</source>
        <translation>与已存数据比对</translation>
    </message>
    <message>
        <source>writing</source>
        <translation>写入</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>待处理</translation>
    </message>
    <message>
        <source>Valid</source>
        <translation>校验通过</translation>
    </message>
    <message>
        <source>%1 error(s)</source>
        <translation>%1 处错误</translation>
    </message>
    <message>
        <source>Imported</source>
        <translation>已导入</translation>
    </message>
    <message>
        <source>Not imported</source>
        <translation>未导入</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
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
        <source>Unchanged</source>
        <translation>未变</translation>
    </message>
    <message>
        <source>Column</source>
        <translation>列名</translation>
    </message>
    <message>
        <source>Required</source>
        <translation>必填</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Meaning</source>
        <translation>说明</translation>
    </message>
    <message>
        <source>Also accepted</source>
        <translation>可用表头</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <source>e.g. %1</source>
        <translation>例：%1</translation>
    </message>
    <message>
        <source>Rows are matched to stored rows by: %1</source>
        <translation>按以下字段与已存数据匹配：%1</translation>
    </message>
    <message>
        <source>Back-office files into the database: every row is checked first; one bad row and nothing is imported</source>
        <translation>将后台文件导入数据库：先逐行校验，任一行有误则整批不导入</translation>
    </message>
    <message>
        <source>Add files…</source>
        <translation>添加文件…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清空</translation>
    </message>
    <message>
        <source>Validate</source>
        <translation>校验</translation>
    </message>
    <message>
        <source>Check every row and count what would change; write nothing</source>
        <translation>逐行校验并统计将发生的变化，不写入任何数据</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>Drop .csv or .xlsx files here, or choose them with “Add files…”.
A file named after its kind (positions*.csv, trades*.xlsx, 持仓*.csv …) gets that kind; any other file gets the kind chosen above.</source>
        <translation>将 .csv 或 .xlsx 文件拖放到此处，或点击“添加文件…”选择。
文件名以类型开头（positions*.csv、trades*.xlsx、持仓*.csv …）时自动识别类型；其他文件使用上方所选类型。</translation>
    </message>
    <message>
        <source>Column layout</source>
        <translation>文件格式</translation>
    </message>
    <message>
        <source>Recent imports</source>
        <translation>最近导入</translation>
    </message>
    <message>
        <source>%1 file(s)</source>
        <translation>%1 个文件</translation>
    </message>
    <message>
        <source>Not an import file (use .csv or .xlsx): %1</source>
        <translation>不是可导入的文件（请使用 .csv 或 .xlsx）：%1</translation>
    </message>
    <message>
        <source>Choose files to import</source>
        <translation>选择要导入的文件</translation>
    </message>
    <message>
        <source>Import files (*.csv *.xlsx *.xlsm);;All files (*)</source>
        <translation>导入文件 (*.csv *.xlsx *.xlsm);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Columns of a %1 file (header in row 1)</source>
        <translation>%1文件的列（第 1 行为表头）</translation>
    </message>
    <message>
        <source>Validating files</source>
        <translation>正在校验文件</translation>
    </message>
    <message>
        <source>Importing files</source>
        <translation>正在导入文件</translation>
    </message>
    <message>
        <source>Cancelled: the file being imported was rolled back.</source>
        <translation>已取消：正在导入的文件已全部回滚。</translation>
    </message>
    <message>
        <source>Nothing was imported: %1</source>
        <translation>未导入任何数据：%1</translation>
    </message>
    <message>
        <source>%1 row(s): %2 new, %3 updated, %4 unchanged</source>
        <translation>%1 行：新增 %2，更新 %3，未变 %4</translation>
    </message>
    <message>
        <source>%1 error(s) in %2 file(s)</source>
        <translation>%2 个文件中有 %1 处错误</translation>
    </message>
    <message>
        <source>Validation failed: %1. Nothing was imported.</source>
        <translation>校验未通过：%1。未导入任何数据。</translation>
    </message>
    <message>
        <source>All files are valid; importing would change %1.</source>
        <translation>全部文件校验通过；导入将涉及 %1。</translation>
    </message>
    <message>
        <source>%1. Imported before the failure: %2 file(s), %3. The rest was not.</source>
        <translation>%1。出错前已导入 %2 个文件（%3），其余未导入。</translation>
    </message>
    <message>
        <source>Nothing was imported: %1. Correct the files and retry.</source>
        <translation>未导入任何数据：%1。请修正文件后重试。</translation>
    </message>
    <message>
        <source>Imported %1 file(s): %2.</source>
        <translation>已导入 %1 个文件：%2。</translation>
    </message>
    <message>
        <source>Problems (%1)</source>
        <translation>问题（%1）</translation>
    </message>
    <message>
        <source>Problems: none</source>
        <translation>问题：无</translation>
    </message>
</context>
<context>
    <name>OpsCommon</name>
    <message>
        <source>Copy selected rows</source>
        <translation>复制所选行</translation>
    </message>
    <message>
        <source>Copy all rows</source>
        <translation>复制全部行</translation>
    </message>
</context>
<context>
    <name>Settlement</name>
    <message>
        <source>Monthly statement…</source>
        <translation>月结算单…</translation>
    </message>
    <message>
        <source>The client's statement of %1: every settled day of the month summed, to sign off (PDF or XLSX)</source>
        <translation>该客户 %1 的月结算单：汇总当月每个已结算交易日，供客户签字确认（PDF 或 XLSX）</translation>
    </message>
    <message>
        <source>Reading positions, trades and prices</source>
        <translation>读取持仓、成交和结算价</translation>
    </message>
    <message>
        <source>Settling clients and members</source>
        <translation>结算客户和会员</translation>
    </message>
    <message>
        <source>Writing the results</source>
        <translation>写入结算结果</translation>
    </message>
    <message>
        <source>Clients settled</source>
        <translation>已结算客户</translation>
    </message>
    <message>
        <source>Total client margin (CNY)</source>
        <translation>客户保证金合计（元）</translation>
    </message>
    <message>
        <source>Ending reserve (CNY)</source>
        <translation>当日结算准备金余额（元）</translation>
    </message>
    <message>
        <source>Client margin calls</source>
        <translation>需追加保证金客户</translation>
    </message>
    <message>
        <source>Settled by</source>
        <translation>结算人</translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <source>PDF document (*.pdf)</source>
        <translation>PDF 文档 (*.pdf)</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>Settle every client and member for a trading day; statements per spec 2.d</source>
        <translation>对一个交易日的全部客户和会员进行结算；结算单按规则 2.d</translation>
    </message>
    <message>
        <source>%1 settled day(s)</source>
        <translation>已结算 %1 个交易日</translation>
    </message>
    <message>
        <source>Trading day</source>
        <translation>交易日</translation>
    </message>
    <message>
        <source>Run settlement</source>
        <translation>执行结算</translation>
    </message>
    <message>
        <source>Settle the chosen day in one transaction (Ctrl+Enter)</source>
        <translation>在一个事务中结算所选交易日（Ctrl+Enter）</translation>
    </message>
    <message>
        <source>Settled days</source>
        <translation>已结算交易日</translation>
    </message>
    <message>
        <source>Export XLSX…</source>
        <translation>导出 XLSX…</translation>
    </message>
    <message>
        <source>Export PDF…</source>
        <translation>导出 PDF…</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>Client code or name</source>
        <translation>客户号或名称</translation>
    </message>
    <message>
        <source>Member statement</source>
        <translation>会员结算单</translation>
    </message>
    <message>
        <source>Client statement</source>
        <translation>客户结算单</translation>
    </message>
    <message>
        <source>Settled by %1 at %2. Running it again replaces the stored results.</source>
        <translation>已由 %1 于 %2 结算。再次执行将替换已存结果。</translation>
    </message>
    <message>
        <source>Settled results are stored, but no run is in the audit log (loaded data). Running it again replaces them.</source>
        <translation>已有结算结果，但审计日志中没有结算记录（导入的数据）。再次执行将替换这些结果。</translation>
    </message>
    <message>
        <source>Next day to settle: its prices are loaded.</source>
        <translation>待结算的下一交易日：结算价已导入。</translation>
    </message>
    <message>
        <source>Not settled yet. The last settled day is %1.</source>
        <translation>尚未结算。最近已结算交易日为 %1。</translation>
    </message>
    <message>
        <source>Not settled.</source>
        <translation>未结算。</translation>
    </message>
    <message>
        <source>Day not settled</source>
        <translation>该日未结算</translation>
    </message>
    <message>
        <source>Sum over clients</source>
        <translation>全部客户合计</translation>
    </message>
    <message>
        <source>Minimum %1 · call %2</source>
        <translation>最低余额 %1 · 追保 %2</translation>
    </message>
    <message>
        <source>%1 members</source>
        <translation>%1 个会员</translation>
    </message>
    <message>
        <source>See the member statements</source>
        <translation>见会员结算单</translation>
    </message>
    <message>
        <source>Available funds below zero</source>
        <translation>可用资金小于零</translation>
    </message>
    <message>
        <source>Opening banned for member %1 from the next trading day: the settlement reserve is below zero (R26). Restore it above the minimum to lift the ban.</source>
        <translation>会员 %1 自下一交易日起暂停开仓：结算准备金余额小于零（R26）。补足至最低余额以上后解除。</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>项目</translation>
    </message>
    <message>
        <source>Amount (CNY)</source>
        <translation>金额（元）</translation>
    </message>
    <message>
        <source>No member statement for this day</source>
        <translation>该日无会员结算单</translation>
    </message>
    <message>
        <source>Settling %1</source>
        <translation>正在结算 %1</translation>
    </message>
    <message>
        <source>Settlement of %1 cancelled: everything was rolled back, the stored results are unchanged.</source>
        <translation>%1 的结算已取消：全部回滚，已存结果未改变。</translation>
    </message>
    <message>
        <source>Settlement of %1 refused, nothing was written: %2 problem(s), listed under Problems.</source>
        <translation>%1 的结算被拒绝，未写入任何数据：共 %2 个问题，见“问题”页。</translation>
    </message>
    <message>
        <source>%1 settled: %2 clients, %3 position lines, %4 trades.</source>
        <translation>%1 结算完成：%2 个客户，%3 条持仓，%4 笔成交。</translation>
    </message>
    <message>
        <source>Warnings: %1</source>
        <translation>提示：%1</translation>
    </message>
    <message>
        <source>Problems</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>Export statement</source>
        <translation>导出结算单</translation>
    </message>
    <message>
        <source>Export failed: %1</source>
        <translation>导出失败：%1</translation>
    </message>
    <message>
        <source>Statement written to %1</source>
        <translation>结算单已保存至 %1</translation>
    </message>
    <message>
        <source>Settle %1 again?</source>
        <translation>重新结算 %1？</translation>
    </message>
    <message>
        <source>Settle again</source>
        <translation>再次结算</translation>
    </message>
    <message>
        <source>%1 is already settled. Running its settlement again replaces the stored results of %1: positions, client balances and member reserves.</source>
        <translation>%1 已经结算。再次执行结算将替换 %1 已保存的结算结果：持仓、客户资金和会员结算准备金。</translation>
    </message>
    <message>
        <source>The later settled day %2 is not recomputed: its stored results stay based on the current results of %1. Settle it again afterwards to carry the change forward.</source>
        <translation>之后已结算的交易日 %2 不会重新计算：其已保存的结果仍基于 %1 当前的结算结果。如需将变更延续到该日，请随后重新结算该日。</translation>
    </message>
    <message>
        <source>The %3 later settled days (%4 to %5) are not recomputed: their stored results stay based on the current results of %1. Settle them again afterwards, one day at a time in date order, to carry the change forward.</source>
        <translation>之后已结算的 %3 个交易日（%4 至 %5）不会重新计算：其已保存的结果仍基于 %1 当前的结算结果。如需将变更延续到这些交易日，请随后按日期顺序逐日重新结算。</translation>
    </message>
</context>
<context>
    <name>ValidationErrors</name>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Row</source>
        <translation>行</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>说明</translation>
    </message>
    <message>
        <source>unknown import kind {kind}; known kinds: {kinds}</source>
        <translation>未知的导入类型 {kind}；可用类型：{kinds}</translation>
    </message>
    <message>
        <source>unsupported file type {suffix}; use .csv or .xlsx</source>
        <translation>不支持的文件类型 {suffix}；请使用 .csv 或 .xlsx 文件</translation>
    </message>
    <message>
        <source>cannot read the file: {reason}</source>
        <translation>无法读取文件：{reason}</translation>
    </message>
    <message>
        <source>the file is empty (expected a header in row 1)</source>
        <translation>文件为空（第 1 行应为列标题）</translation>
    </message>
    <message>
        <source>row 1 must hold the column headers; it is empty</source>
        <translation>第 1 行应为列标题，但该行为空</translation>
    </message>
    <message>
        <source>cannot decode the file as UTF-8 or GB18030 text; save it as CSV UTF-8</source>
        <translation>无法按 UTF-8 或 GB18030 文本解码该文件；请另存为“CSV UTF-8”格式</translation>
    </message>
    <message>
        <source>malformed CSV: {detail}</source>
        <translation>CSV 格式错误：{detail}</translation>
    </message>
    <message>
        <source>not a readable .xlsx workbook: {detail}</source>
        <translation>不是可读取的 .xlsx 工作簿：{detail}</translation>
    </message>
    <message>
        <source>the workbook has no sheets</source>
        <translation>工作簿中没有工作表</translation>
    </message>
    <message>
        <source>column &apos;{column}&apos; appears twice (as &apos;{first}&apos; in column {first_position} and in column {position})</source>
        <translation>列“{column}”出现了两次（第 {first_position} 列“{first}”和第 {position} 列）</translation>
    </message>
    <message>
        <source>required column is missing (accepted headers: {accepted})</source>
        <translation>缺少必需的列（可用的列标题：{accepted}）</translation>
    </message>
    <message>
        <source>the file has no data rows</source>
        <translation>文件中没有数据行</translation>
    </message>
    <message>
        <source>{count} more error(s) not shown; fix these and re-run</source>
        <translation>另有 {count} 处错误未列出；请先修正以上错误后重新校验</translation>
    </message>
    <message>
        <source>required value is missing</source>
        <translation>必填值为空</translation>
    </message>
    <message>
        <source>must be a whole number &gt;= {minimum}, got &apos;{value}&apos;</source>
        <translation>应为不小于 {minimum} 的整数，实际为“{value}”</translation>
    </message>
    <message>
        <source>must be a yuan amount such as 3012.50, got &apos;{value}&apos;</source>
        <translation>应为以元为单位的金额（如 3012.50），实际为“{value}”</translation>
    </message>
    <message>
        <source>must be a price in yuan such as 3012.50, got &apos;{value}&apos;</source>
        <translation>应为以元为单位的价格（如 3012.50），实际为“{value}”</translation>
    </message>
    <message>
        <source>must have at most two decimals (whole fen), got &apos;{value}&apos;</source>
        <translation>最多两位小数（精确到分），实际为“{value}”</translation>
    </message>
    <message>
        <source>must be a price &gt; 0, got &apos;{value}&apos;</source>
        <translation>价格应大于 0，实际为“{value}”</translation>
    </message>
    <message>
        <source>must be an amount {bound}, got &apos;{value}&apos;</source>
        <translation>金额应 {bound}，实际为“{value}”</translation>
    </message>
    <message>
        <source>must be a date YYYY-MM-DD, got &apos;{value}&apos;</source>
        <translation>应为日期 YYYY-MM-DD，实际为“{value}”</translation>
    </message>
    <message>
        <source>&apos;{value}&apos; is outside the trading calendar ({known_from} to {known_until}): {detail}</source>
        <translation>日期“{value}”超出交易日历的已知范围（{known_from} 至 {known_until}）</translation>
    </message>
    <message>
        <source>must be a trading day, got &apos;{value}&apos; (a {weekday})</source>
        <translation>应为交易日，实际为“{value}”（{weekday}）</translation>
    </message>
    <message>
        <source>must be a trading day, got &apos;{value}&apos; (a {weekday}, exchange closed)</source>
        <translation>应为交易日，实际为“{value}”（{weekday}，交易所休市）</translation>
    </message>
    <message>
        <source>must be a date and time YYYY-MM-DD HH:MM:SS, got &apos;{value}&apos;</source>
        <translation>应为日期时间 YYYY-MM-DD HH:MM:SS，实际为“{value}”</translation>
    </message>
    <message>
        <source>must be at most {max_length} characters, got {length}</source>
        <translation>最多 {max_length} 个字符，实际为 {length} 个</translation>
    </message>
    <message>
        <source>must be one of {allowed}, got &apos;{value}&apos;</source>
        <translation>应为 {allowed} 之一，实际为“{value}”</translation>
    </message>
    <message>
        <source>must be 0 (speculative) or 1 (hedge), got &apos;{value}&apos;</source>
        <translation>应为 0（投机）或 1（套保），实际为“{value}”</translation>
    </message>
    <message>
        <source>unknown contract (not in the contract table), got &apos;{value}&apos;</source>
        <translation>未知合约“{value}”（不在合约表中）</translation>
    </message>
    <message>
        <source>unknown product (not in the product table), got &apos;{value}&apos;</source>
        <translation>未知品种“{value}”（不在品种表中）</translation>
    </message>
    <message>
        <source>unknown client (not in the client table), got &apos;{value}&apos;</source>
        <translation>未知客户“{value}”（不在客户表中）</translation>
    </message>
    <message>
        <source>unknown member (not in the member table), got &apos;{value}&apos;</source>
        <translation>未知会员“{value}”（不在会员表中）</translation>
    </message>
    <message>
        <source>unknown warehouse (not in the warehouse table), got &apos;{value}&apos;</source>
        <translation>未知仓库“{value}”（不在仓库表中）</translation>
    </message>
    <message>
        <source>unknown holder (neither a client nor a member code), got &apos;{value}&apos;</source>
        <translation>未知持有人“{value}”（既不是客户号也不是会员号）</translation>
    </message>
    <message>
        <source>&apos;{value}&apos; is not valid: {detail}</source>
        <translation>值“{value}”无效：{detail}</translation>
    </message>
    <message>
        <source>must be a multiple of the tick of {contract} ({tick} yuan), got &apos;{value}&apos;</source>
        <translation>应为 {contract} 最小变动价位（{tick} 元）的整数倍，实际为“{value}”</translation>
    </message>
    <message>
        <source>contract {contract} was not listed yet on {day} (listed {listed})</source>
        <translation>合约 {contract} 在 {day} 尚未上市（上市日 {listed}）</translation>
    </message>
    <message>
        <source>contract {contract} had expired by {day} (last day {last})</source>
        <translation>合约 {contract} 在 {day} 已到期（最后日 {last}）</translation>
    </message>
    <message>
        <source>must not exceed lots ({lots}), got &apos;{value}&apos;</source>
        <translation>不得超过手数（{lots}），实际为“{value}”</translation>
    </message>
    <message>
        <source>must not be below the settlement price ({settlement}), got &apos;{value}&apos;</source>
        <translation>不得低于结算价（{settlement}），实际为“{value}”</translation>
    </message>
    <message>
        <source>must not be above the settlement price ({settlement}), got &apos;{value}&apos;</source>
        <translation>不得高于结算价（{settlement}），实际为“{value}”</translation>
    </message>
    <message>
        <source>must be a client of member {member} or the member itself, got member code &apos;{value}&apos;</source>
        <translation>应为会员 {member} 的客户或该会员本身，实际为会员号“{value}”</translation>
    </message>
    <message>
        <source>client {client} belongs to member {owner}, not to {member}</source>
        <translation>客户 {client} 属于会员 {owner}，不属于会员 {member}</translation>
    </message>
    <message>
        <source>must not be after the registration date ({registered}), got &apos;{value}&apos;</source>
        <translation>不得晚于注册日期（{registered}），实际为“{value}”</translation>
    </message>
    <message>
        <source>duplicate key ({key}): already on row {first_row}</source>
        <translation>匹配键重复（{key}）：已在第 {first_row} 行出现</translation>
    </message>
    <message>
        <source>Monday</source>
        <translation>星期一</translation>
    </message>
    <message>
        <source>Tuesday</source>
        <translation>星期二</translation>
    </message>
    <message>
        <source>Wednesday</source>
        <translation>星期三</translation>
    </message>
    <message>
        <source>Thursday</source>
        <translation>星期四</translation>
    </message>
    <message>
        <source>Friday</source>
        <translation>星期五</translation>
    </message>
    <message>
        <source>Saturday</source>
        <translation>星期六</translation>
    </message>
    <message>
        <source>Sunday</source>
        <translation>星期日</translation>
    </message>
    <message>
        <source>, </source>
        <translation>，</translation>
    </message>
    <message>
        <source>row %1</source>
        <translation>第 %1 行</translation>
    </message>
    <message>
        <source>field &apos;%1&apos;</source>
        <translation>字段“%1”</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>%1 error(s): %2</source>
        <translation>%1 处错误：%2</translation>
    </message>
    <message>
        <source>; </source>
        <translation>；</translation>
    </message>
    <message>
        <source> (and %1 more)</source>
        <translation>（另有 %1 处）</translation>
    </message>
    <message>
        <source>Header in the file: %1</source>
        <translation>文件中的列标题：%1</translation>
    </message>
    <message>
        <source>must be a different client from the other party, got &apos;{value}&apos; for both</source>
        <translation>应与另一方为不同客户，实际双方均为“{value}”</translation>
    </message>
    <message>
        <source>must not be an individual client (individuals may not deliver), got &apos;{value}&apos;</source>
        <translation>不得为自然人客户（自然人不得参与交割），实际为“{value}”</translation>
    </message>
    <message>
        <source>must be a rolling-delivery matching day of {contract} ({first} to {last}), got &apos;{value}&apos;</source>
        <translation>应为 {contract} 的滚动交割配对日（{first} 至 {last}），实际为“{value}”</translation>
    </message>
    <message>
        <source>no settlement price of {contract} on {day} is stored; import the settlement prices first or give the price</source>
        <translation>未存储 {contract} 在 {day} 的结算价；请先导入结算价，或在文件中填写价格</translation>
    </message>
    <message>
        <source>must be the settlement price of {contract} on {day} ({settlement}), got &apos;{value}&apos;</source>
        <translation>应为 {contract} 在 {day} 的结算价（{settlement}），实际为“{value}”</translation>
    </message>
    <message>
        <source>no EFP fee rate is in force for {contract} on {day} (resources/fees.toml)</source>
        <translation>{day} 没有适用于 {contract} 的期转现手续费率（resources/fees.toml）</translation>
    </message>
    <message>
        <source>the database holds {count} records with this key; an import cannot tell which one to update</source>
        <translation>数据库中有 {count} 条记录使用此匹配键，导入无法确定应更新哪一条</translation>
    </message>
    <message>
        <source>cannot change a match whose receipts are already allocated to warehouses, got &apos;{value}&apos;</source>
        <translation>该配对的仓单已分配到仓库，不能通过导入修改，实际为“{value}”</translation>
    </message>
    <message>
        <source>must be 1 (individual) or 0 (institution), got &apos;{value}&apos;</source>
        <translation>应为 1（自然人）或 0（机构），实际为“{value}”</translation>
    </message>
    <message>
        <source>must be a contract code: product letters + YYMM such as m2701, got &apos;{value}&apos;</source>
        <translation>应为合约代码：品种字母 + 年月（YYMM），如 m2701，实际为“{value}”</translation>
    </message>
    <message>
        <source>must be a delivery month the product lists ({allowed}), got &apos;{value}&apos;</source>
        <translation>应为该品种挂牌的交割月份（{allowed}），实际为“{value}”</translation>
    </message>
    <message>
        <source>must be a rate &gt; 0 and &lt;= 1 such as 0.07 or 7%, got &apos;{value}&apos;</source>
        <translation>应为大于 0 且不超过 1 的比率，如 0.07 或 7%，实际为“{value}”</translation>
    </message>
    <message>
        <source>must be a whole number of millionths (at most 6 decimals, 4 in percent), got &apos;{value}&apos;</source>
        <translation>应精确到百万分之一（小数最多 6 位，百分数最多 4 位），实际为“{value}”</translation>
    </message>
    <message>
        <source>must be the product of contract {contract}, got &apos;{value}&apos;</source>
        <translation>应为合约 {contract} 的品种，实际为“{value}”</translation>
    </message>
    <message>
        <source>must not be below the contract minimum margin rate ({minimum}), got &apos;{value}&apos;</source>
        <translation>不得低于合约最低保证金率（{minimum}），实际为“{value}”</translation>
    </message>
    <message>
        <source>must not be after the last trading day ({last}), got &apos;{value}&apos;</source>
        <translation>不得晚于最后交易日（{last}），实际为“{value}”</translation>
    </message>
    <message>
        <source>member code + client code make the trading code &apos;{value}&apos;, longer than {max_length} characters</source>
        <translation>会员号 + 客户号组成的交易编码“{value}”超过 {max_length} 个字符</translation>
    </message>
    <message>
        <source>the trading code &apos;{value}&apos; (member code + client code) belongs to client {client}</source>
        <translation>交易编码“{value}”（会员号 + 客户号）已属于客户 {client}</translation>
    </message>
    <message>
        <source>too large: must be at most {maximum}, got &apos;{value}&apos;</source>
        <translation>数值过大：应不超过 {maximum}，实际为“{value}”</translation>
    </message>
    <message>
        <source>must use only letters A-Z, digits 0-9 and - _ . (starting with a letter or a digit), got &apos;{value}&apos; ({character} at position {position})</source>
        <translation>只能使用字母 A-Z、数字 0-9 和 - _ .（首字符为字母或数字），实际为“{value}”（第 {position} 个字符 {character}）</translation>
    </message>
    <message>
        <source>must not contain control characters or line breaks, got {character} at position {position}</source>
        <translation>不得包含控制字符或换行符，第 {position} 个字符为 {character}</translation>
    </message>
    <message>
        <source>unknown {what}: codes are case-sensitive and the {what} table has &apos;{other}&apos;, got &apos;{value}&apos;</source>
        <translation>未知{what}：代码区分大小写，{what}表中为“{other}”，实际为“{value}”</translation>
    </message>
    <message>
        <source>differs only in letter case from the stored {what} &apos;{other}&apos;; codes are case-sensitive, so this would be a second {what}, got &apos;{value}&apos;</source>
        <translation>与已存的{what}“{other}”仅大小写不同；代码区分大小写，这将成为另一个{what}，实际为“{value}”</translation>
    </message>
    <message>
        <source>differs only in letter case from &apos;{other}&apos; on row {first_row}; codes are case-sensitive, so this would be a second {what}, got &apos;{value}&apos;</source>
        <translation>与第 {first_row} 行的“{other}”仅大小写不同；代码区分大小写，这将成为另一个{what}，实际为“{value}”</translation>
    </message>
    <message>
        <source>must not be after today ({today}), got &apos;{value}&apos;</source>
        <translation>不得晚于今天（{today}），实际为“{value}”</translation>
    </message>
    <message>
        <source>must not be before {earliest}, got &apos;{value}&apos;</source>
        <translation>不得早于 {earliest}，实际为“{value}”</translation>
    </message>
    <message>
        <source>must lie within the limit prices of {contract} on {day} ({lower} to {upper}), got &apos;{value}&apos;</source>
        <translation>应在 {contract} 于 {day} 的涨跌停价之间（{lower} 至 {upper}），实际为“{value}”</translation>
    </message>
    <message>
        <source>must lie within {multiple} price limits of {contract}&apos;s settlement price {reference} on {reference_day} ({lower} to {upper}), got &apos;{value}&apos;</source>
        <translation>应在 {contract} 于 {reference_day} 的结算价 {reference} 上下 {multiple} 个涨跌停板幅度之内（{lower} 至 {upper}），实际为“{value}”</translation>
    </message>
    <message>
        <source>must lie within {ratio} times {contract}&apos;s settlement price {reference} on {reference_day} ({lower} to {upper}), got &apos;{value}&apos;</source>
        <translation>应在 {contract} 于 {reference_day} 的结算价 {reference} 的 {ratio} 倍范围之内（{lower} 至 {upper}），实际为“{value}”</translation>
    </message>
    <message>
        <source>must not exceed {maximum} for {lots} lot(s) at {price} (lots x {per_lot} + {share} of the value), got &apos;{value}&apos;</source>
        <translation>{lots} 手、价格 {price} 的手续费不得超过 {maximum}（手数 × {per_lot} + 成交金额的 {share}），实际为“{value}”</translation>
    </message>
    <message>
        <source>must fall within the sessions of trading day {day} ({from_day} 00:00 to {day} 23:59:59, Beijing time), got &apos;{value}&apos;</source>
        <translation>应在交易日 {day} 的交易时段内（北京时间 {from_day} 00:00 至 {day} 23:59:59），实际为“{value}”</translation>
    </message>
    <message>
        <source>a {lock} close needs the settlement price at the {side} limit price {limit}, got settlement price {settlement}</source>
        <translation>单边市的结算价应等于停板价 {limit}，实际结算价为 {settlement}</translation>
    </message>
    <message>
        <source>must be {low} to {high} tons for {lots} lot(s) of {product} ({unit} t a lot), got &apos;{value}&apos;</source>
        <translation>{lots} 手 {product}（每手 {unit} 吨）应为 {low} 至 {high} 吨，实际为“{value}”</translation>
    </message>
    <message>
        <source>a tick of {tick} yuan leaves {count} distinct stored price(s) of {contract} off the tick (e.g. the {price_kind} {price}), got &apos;{value}&apos;</source>
        <translation>最小变动价位 {tick} 元将使 {contract} 已存的 {count} 个不同价格不在最小变动价位上（如{price_kind} {price}），实际为“{value}”</translation>
    </message>
    <message>
        <source>client</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>member</source>
        <translation>会员</translation>
    </message>
    <message>
        <source>warehouse</source>
        <translation>仓库</translation>
    </message>
    <message>
        <source>holder</source>
        <translation>持有人</translation>
    </message>
    <message>
        <source>contract</source>
        <translation>合约</translation>
    </message>
    <message>
        <source>product</source>
        <translation>品种</translation>
    </message>
    <message>
        <source>settlement price</source>
        <translation>结算价</translation>
    </message>
    <message>
        <source>upper limit</source>
        <translation>涨停价</translation>
    </message>
    <message>
        <source>lower limit</source>
        <translation>跌停价</translation>
    </message>
    <message>
        <source>trade price</source>
        <translation>成交价</translation>
    </message>
    <message>
        <source>closing order price</source>
        <translation>平仓委托价</translation>
    </message>
    <message>
        <source>delivery price</source>
        <translation>交割结算价</translation>
    </message>
    <message>
        <source>too large for client {client} in {contract}: must be at most {maximum}, got &apos;{value}&apos;</source>
        <translation>客户 {client} 在 {contract} 的数值过大：应不超过 {maximum}，实际为“{value}”</translation>
    </message>
</context>
</TS>
