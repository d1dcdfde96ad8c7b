-- vars.sql: pgbench -D definitions for campaign.pgbench (id ranges of the
-- demo data), one per line.
SELECT format('-Dbl_lo=%s', min(ibroadlogid)), format('-Dbl_hi=%s', max(ibroadlogid)) FROM nmsbroadlogrcp
UNION ALL SELECT format('-Ddlv_lo=%s', min(ideliveryid)), format('-Ddlv_hi=%s', max(ideliveryid)) FROM nmsdelivery
UNION ALL SELECT format('-Ddp_lo=%s', min(ideliverypartid)), format('-Ddp_hi=%s', max(ideliverypartid)) FROM nmsdeliverypart
UNION ALL SELECT format('-Drcp_lo=%s', min(irecipientid)), format('-Drcp_hi=%s', max(irecipientid)) FROM nmsrecipient
UNION ALL SELECT format('-Durl_lo=%s', min(iurlid)), format('-Durl_hi=%s', max(iurlid)) FROM nmstrackingurl;
