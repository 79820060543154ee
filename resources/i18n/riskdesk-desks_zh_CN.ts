<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>BookFeed</name>
    <message>
        <source>disconnected</source>
        <translation>已断开</translation>
    </message>
    <message>
        <source>The book's alerts</source>
        <translation>账簿共享警报</translation>
    </message>
    <message>
        <source>Raised once by the feed process for every desk; an acknowledgement here is every desk's.</source>
        <translation>由行情进程为所有席位统一产生一次；在此确认即对所有席位生效。</translation>
    </message>
</context>
</TS>
