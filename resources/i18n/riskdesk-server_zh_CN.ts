<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>Roles</name>
    <message>
        <source>viewer</source>
        <translation>查看员</translation>
    </message>
    <message>
        <source>risk officer</source>
        <translation>风控员</translation>
    </message>
    <message>
        <source>clearing</source>
        <translation>结算员</translation>
    </message>
    <message>
        <source>head of risk</source>
        <translation>风控主管</translation>
    </message>
    <message>
        <source>auditor</source>
        <translation>稽核员</translation>
    </message>
    <message>
        <source>administrator</source>
        <translation>管理员</translation>
    </message>
    <message>
        <source>no desk role</source>
        <translation>无席位角色</translation>
    </message>
    <message>
        <source>Single desk: every action is allowed.</source>
        <translation>单席位模式：所有操作均可执行。</translation>
    </message>
    <message>
        <source>Server mode: logged in to the database as %1 (%2).</source>
        <translation>服务器模式：以 %1（%2）登录数据库。</translation>
    </message>
    <message>
        <source>Your role (%1) may not do this: it needs the role %2.</source>
        <translation>您的角色（%1）无权执行此操作：需要角色 %2。</translation>
    </message>
    <message>
        <source> or </source>
        <translation>或</translation>
    </message>
</context>
</TS>
