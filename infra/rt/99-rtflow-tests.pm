# RT for RT Flow's importer tests: on loopback, mail kept in mbox files, never sent.
Set($WebDomain, '127.0.0.1');
Set($WebPort, 8080);
Set($MailCommand, 'mbox');
Set($LogToSyslog, undef);
Set($LogToSTDERR, 'warning');
1;
