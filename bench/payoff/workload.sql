-- workload.sql: one round of Campaign's delivery preparation and of the
-- delivery dashboard, on the demo database (demo/campaign_demo.sql), as
-- bench/payoff_bench.sh measures it before and after campmon's plan.
--
-- What Adobe documents of a delivery's preparation (the analysis), in the
-- order Campaign runs it, each statement labelled /* payoff:<name> */ so
-- that pg_stat_statements gives its time and buffers:
--   dlv_start        the delivery leaves "being edited" (nmsdelivery, a hot
--                    table: one row per delivery, updated all the time);
--   wk_create        its work table wkdlv_<deliveryId>_<n> (DDL: the catalogs);
--   target           the target: the recipients of the operator's folder with
--                    an e-mail address, into the work table;
--   wk_index         the work table's index on its id;
--   excl_denylist    recipients who no longer want to be contacted (the
--                    profile's denylist flags) leave the target;
--   excl_quarantine  addresses in quarantine or denylisted in nmsaddress
--                    (status 1, 2) leave it;
--   excl_pressure    recipients already sent to within the period leave it:
--                    the pressure rule's "messages sent to the recipient in
--                    the period" counted in the delivery log nmsbroadlogrcp
--                    (7 days, at least :pressure_max messages);
--   parts            the delivery's parts (nmsdeliverypart), one INSERT per
--                    part of 1,000 messages, as the mid-sourcing
--                    AppendDeliveryPart call adds them one by one;
--   dlv_counters     the delivery's counters and state after the analysis.
-- Then what the delivery dashboard reads (for a recently sent delivery,
-- :sent, and for the one being prepared):
--   dash_list        the deliveries list, latest modified first;
--   dash_stat        the sent delivery's indicators (nmsdeliverystat);
--   dash_status      its delivery logs counted by status;
--   dash_sendlogs    its "Sending logs" tab: the latest messages with the
--                    recipient and the failure message;
--   dash_urls        its tracking indicators per URL (clicks, recipients);
--   dash_tracking    its "Tracking logs" tab: the latest opens and clicks;
--   dash_parts       the parts of the delivery being prepared.
-- After the round (not measured), the delivery ends as Campaign ends one:
-- its parts are deleted, its work table dropped, and (for the next rounds)
-- it is back to "being edited".
--
-- psql variables: dlv (a delivery being edited), sent (a sent delivery),
-- folder (the target's folder), wk (the work table's name), part0 (first part
-- id), ref (the demo's reference "now"), pressure_max (1), pfx (empty, or an
-- EXPLAIN prefix: bench/payoff_bench.sh records each statement's plan once).
\set ON_ERROR_STOP 1
\if :{?pressure_max} \else \set pressure_max 1 \endif
\if :{?pfx} \else \set pfx '' \endif

\echo @@dlv_start
:pfx /* payoff:dlv_start */ UPDATE nmsdelivery SET istate = 51, tslastmodified = :'ref'::timestamp
 WHERE ideliveryid = :dlv;

\echo @@wk_create
/* payoff:wk_create */ CREATE TABLE :"wk" (iid integer, irecipientid integer, ssegmentcode varchar(32),
                                          imessagetype smallint, saddress varchar(128));

\echo @@target
:pfx /* payoff:target */ INSERT INTO :"wk" (iid, irecipientid, ssegmentcode, imessagetype, saddress)
SELECT r.irecipientid, r.irecipientid, 'SEG' || r.irecipientid % 7, 0, r.semail
FROM nmsrecipient r
WHERE r.ifolderid = :folder AND r.semail IS NOT NULL AND r.semail <> '';

\echo @@wk_index
SELECT :'wk' || '_id' AS wk_index \gset
/* payoff:wk_index */ CREATE INDEX :"wk_index" ON :"wk" (iid);

\echo @@excl_denylist
:pfx /* payoff:excl_denylist */ DELETE FROM :"wk" w USING nmsrecipient r
 WHERE r.irecipientid = w.irecipientid AND (r.iblacklist <> 0 OR r.iblacklistemail <> 0);

\echo @@excl_quarantine
:pfx /* payoff:excl_quarantine */ DELETE FROM :"wk" w USING nmsaddress a
 WHERE a.saddress = w.saddress AND a.itype = 0 AND a.istatus IN (1, 2);

\echo @@excl_pressure
:pfx /* payoff:excl_pressure */ DELETE FROM :"wk" w
 USING (SELECT b.irecipientid FROM nmsbroadlogrcp b
        WHERE b.tsevent >= :'ref'::timestamp - interval '7 days' AND b.istatus <> 2
        GROUP BY b.irecipientid HAVING count(*) >= :pressure_max) p
 WHERE p.irecipientid = w.irecipientid;

\echo @@parts
SELECT format('%s /* payoff:parts */ INSERT INTO nmsdeliverypart (ideliverypartid, ideliveryid, ipartnum, istatus, icount, iprocessed, sserver, tscreated, tslastmodified) VALUES (%s, %s, %s, 0, %s, 0, %L, %L, %L)',
              :'pfx', :part0 + p, :dlv, p, n, 'mta' || (1 + p % 3) || '.campaign.example.com', :'ref', :'ref')
FROM (SELECT p, count(*) AS n
      FROM (SELECT (row_number() OVER (ORDER BY iid) - 1) / 1000 + 1 AS p FROM :"wk") x GROUP BY p) w
ORDER BY p \gexec

\echo @@dlv_counters
:pfx /* payoff:dlv_counters */ UPDATE nmsdelivery SET istate = 55, itodeliver = (SELECT count(*) FROM :"wk"),
       tslastmodified = :'ref'::timestamp
 WHERE ideliveryid = :dlv;

\echo @@dash_list
:pfx /* payoff:dash_list */ SELECT ideliveryid, sinternalname, slabel, istate, itodeliver, iprocessed, isent, isuccess, ierror, tslastmodified
FROM nmsdelivery WHERE ideletestatus = 0 AND iismodel = 0
ORDER BY tslastmodified DESC LIMIT 50;

\echo @@dash_stat
:pfx /* payoff:dash_stat */ SELECT iprocessed, isent, isuccess, ierror, iopen, iclick, iunsub, tscomputed
FROM nmsdeliverystat WHERE ideliveryid = :sent;

\echo @@dash_status
:pfx /* payoff:dash_status */ SELECT istatus, count(*) FROM nmsbroadlogrcp WHERE ideliveryid = :sent GROUP BY istatus;

\echo @@dash_sendlogs
:pfx /* payoff:dash_sendlogs */ SELECT b.ibroadlogid, b.tsevent, b.istatus, b.saddress, r.sfirstname, r.slastname, m.smessage
FROM nmsbroadlogrcp b
LEFT JOIN nmsrecipient r ON r.irecipientid = b.irecipientid
LEFT JOIN nmsbroadlogmsg m ON m.ibroadlogmsgid = b.imsgid
WHERE b.ideliveryid = :sent
ORDER BY b.tsevent DESC LIMIT 100;

\echo @@dash_urls
:pfx /* payoff:dash_urls */ SELECT u.slabel, u.ssource, count(*) AS clicks, count(DISTINCT t.irecipientid) AS recipients
FROM nmstrackinglogrcp t JOIN nmstrackingurl u ON u.iurlid = t.iurlid
WHERE t.ideliveryid = :sent
GROUP BY u.slabel, u.ssource;

\echo @@dash_tracking
:pfx /* payoff:dash_tracking */ SELECT t.tslog, t.irecipientid, t.iurlid, t.ssourceip
FROM nmstrackinglogrcp t WHERE t.ideliveryid = :sent
ORDER BY t.tslog DESC LIMIT 100;

\echo @@dash_parts
:pfx /* payoff:dash_parts */ SELECT ipartnum, istatus, icount, iprocessed, sserver
FROM nmsdeliverypart WHERE ideliveryid = :dlv ORDER BY ipartnum;

-- the delivery ends (not measured): parts deleted, work table dropped
\echo @@end
DELETE FROM nmsdeliverypart WHERE ideliveryid = :dlv;
UPDATE nmsdelivery SET istate = 0, itodeliver = 0 WHERE ideliveryid = :dlv;
DROP TABLE :"wk";
