<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AuditLog</name>
    <message>
        <source>Live feed publishing started</source>
        <translation>开始发布实时行情</translation>
    </message>
    <message>
        <source>Live feed publishing stopped</source>
        <translation>停止发布实时行情</translation>
    </message>
    <message>
        <source>Desk logged in</source>
        <translation>席位登录</translation>
    </message>
    <message>
        <source>Login added to a role</source>
        <translation>添加登录用户至角色</translation>
    </message>
    <message>
        <source>Server mode initialised</source>
        <translation>初始化服务器模式</translation>
    </message>
    <message>
        <source>Alerts stored</source>
        <translation>存储预警</translation>
    </message>
    <message>
        <source>Alerts acknowledged</source>
        <translation>确认预警</translation>
    </message>
    <message>
        <source>Delivery allocation recorded</source>
        <translation>记录交割配对</translation>
    </message>
    <message>
        <source>Delivery match recorded</source>
        <translation>记录交割撮合</translation>
    </message>
    <message>
        <source>EFP recorded</source>
        <translation>记录期转现</translation>
    </message>
    <message>
        <source>Client contact saved</source>
        <translation>保存客户联系方式</translation>
    </message>
    <message>
        <source>Notices generated</source>
        <translation>生成通知书</translation>
    </message>
    <message>
        <source>Notice status changed</source>
        <translation>更改通知书状态</translation>
    </message>
    <message>
        <source>Notice e-mailed</source>
        <translation>邮件发送通知书</translation>
    </message>
    <message>
        <source>Demo data created</source>
        <translation>创建演示数据</translation>
    </message>
    <message>
        <source>Daily settlement run</source>
        <translation>执行日终结算</translation>
    </message>
    <message>
        <source>Export: %1</source>
        <translation>导出：%1</translation>
    </message>
    <message>
        <source>Import: %1</source>
        <translation>导入：%1</translation>
    </message>
    <message>
        <source>warehouse receipts</source>
        <translation>标准仓单</translation>
    </message>
    <message>
        <source>position limits</source>
        <translation>持仓限额</translation>
    </message>
    <message>
        <source>forced reduction</source>
        <translation>强制减仓</translation>
    </message>
    <message>
        <source>forced liquidation orders</source>
        <translation>强平单</translation>
    </message>
    <message>
        <source>client forced close orders</source>
        <translation>客户强行平仓单</translation>
    </message>
    <message>
        <source>delivery allocation</source>
        <translation>交割配对</translation>
    </message>
    <message>
        <source>client statement</source>
        <translation>客户结算单</translation>
    </message>
    <message>
        <source>member statement</source>
        <translation>会员结算单</translation>
    </message>
    <message>
        <source>notices</source>
        <translation>通知书</translation>
    </message>
    <message>
        <source>members</source>
        <translation>会员</translation>
    </message>
    <message>
        <source>clients</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>contracts</source>
        <translation>合约</translation>
    </message>
    <message>
        <source>warehouses</source>
        <translation>仓库</translation>
    </message>
    <message>
        <source>positions</source>
        <translation>持仓</translation>
    </message>
    <message>
        <source>trades</source>
        <translation>成交</translation>
    </message>
    <message>
        <source>settlement prices</source>
        <translation>结算价</translation>
    </message>
    <message>
        <source>fund movements</source>
        <translation>出入金</translation>
    </message>
    <message>
        <source>closing orders</source>
        <translation>平仓指令</translation>
    </message>
    <message>
        <source>delivery matches</source>
        <translation>交割撮合</translation>
    </message>
    <message>
        <source>EFPs</source>
        <translation>期转现</translation>
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
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>Member</source>
        <translation>会员</translation>
    </message>
    <message>
        <source>Day</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Trading day</source>
        <translation>交易日</translation>
    </message>
    <message>
        <source>Alerts</source>
        <translation>预警</translation>
    </message>
    <message>
        <source>First</source>
        <translation>首条</translation>
    </message>
    <message>
        <source>Last</source>
        <translation>末条</translation>
    </message>
    <message>
        <source>Count</source>
        <translation>数量</translation>
    </message>
    <message>
        <source>Numbers</source>
        <translation>编号</translation>
    </message>
    <message>
        <source>Number</source>
        <translation>编号</translation>
    </message>
    <message>
        <source>Skipped</source>
        <translation>跳过</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>渠道</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Scale</source>
        <translation>规模</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <source>First day</source>
        <translation>首日</translation>
    </message>
    <message>
        <source>Last day</source>
        <translation>末日</translation>
    </message>
    <message>
        <source>Rows written</source>
        <translation>写入行数</translation>
    </message>
    <message>
        <source>Contract</source>
        <translation>合约</translation>
    </message>
    <message>
        <source>Lots</source>
        <translation>手数</translation>
    </message>
    <message>
        <source>… %1 more</source>
        <translation>…… 另有 %1 项</translation>
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
        <source>All users</source>
        <translation>全部用户</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>Reconciliation run</source>
        <translation>对账</translation>
    </message>
    <message>
        <source>reconciliation breaks</source>
        <translation>对账差异</translation>
    </message>
    <message>
        <source>CTP statements</source>
        <translation>CTP 结算单</translation>
    </message>
    <message>
        <source>CFMMC daily statements</source>
        <translation>监控中心结算日报</translation>
    </message>
    <message>
        <source>member settlement CSV</source>
        <translation>会员结算 CSV</translation>
    </message>
</context>
</TS>
