/**
 * What a lone site file relies on from Debian's /etc/apache2/apache2.conf when it is read without its tree: the
 * LogFormat nicknames Debian defines there (`CustomLog ${APACHE_LOG_DIR}/access.log combined` in the stock
 * 000-default.conf names one). Copied from Debian 12's apache2 2.4.71 package.
 */
export const DEBIAN_LOG_FORMATS: Readonly<Record<string, string>> = {
  vhost_combined: '%v:%p %h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i"',
  combined: '%h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i"',
  common: '%h %l %u %t "%r" %>s %O',
  referer: '%{Referer}i -> %U',
  agent: '%{User-agent}i',
};
