<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>Faults</name>
    <message>
        <source>(read-only)</source>
        <translation>（只读）</translation>
    </message>
    <message>
        <source>Another writer is using the database.</source>
        <translation>另一个写入操作正在使用数据库。</translation>
    </message>
    <message>
        <source>Another writer stored the same data meanwhile.</source>
        <translation>另一个写入操作同时写入了相同的数据。</translation>
    </message>
    <message>
        <source>Opened read-only: it can be viewed, not changed.</source>
        <translation>以只读方式打开：可以查看，不能修改。</translation>
    </message>
    <message>
        <source>Please send that file with your report.</source>
        <translation>反馈问题时请附上该文件。</translation>
    </message>
    <message>
        <source>RiskDesk hit an unexpected error (%1). Nothing more was done; the details are in the log file:</source>
        <translation>RiskDesk 发生意外错误（%1），本次操作已停止；详细信息已写入日志文件：</translation>
    </message>
    <message>
        <source>The connection to the database was lost.</source>
        <translation>与数据库的连接已断开。</translation>
    </message>
    <message>
        <source>The database file cannot be read or written.</source>
        <translation>无法读写数据库文件。</translation>
    </message>
    <message>
        <source>The database is damaged.</source>
        <translation>数据库已损坏。</translation>
    </message>
    <message>
        <source>The database is full.</source>
        <translation>数据库已满。</translation>
    </message>
    <message>
        <source>The database is read-only.</source>
        <translation>数据库为只读。</translation>
    </message>
    <message>
        <source>Waiting for another writer: %1</source>
        <translation>正在等待另一个写入操作完成：%1</translation>
    </message>
</context>
</TS>
