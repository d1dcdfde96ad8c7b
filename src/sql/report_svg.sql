/*
 * report_svg.sql -- the pieces campmon.report() draws with: HTML escaping,
 * axis labels, a time axis, small multiples (one panel per
 * series, each on its own scale: a family a hundred times larger does not
 * flatten the others), sparklines.  Every chart is inline SVG drawn in a
 * viewBox as wide as the page (960 units; CSS scales it to the page's
 * width); a label is given room for its length, and drawn narrower when
 * it would not fit, never cut
 * (t/011_report.pl measures every label in Chromium).  Every text from the
 * database goes through campmon._html.
 */

-- Text for HTML (element content and quoted attribute values alike)
CREATE OR REPLACE FUNCTION campmon._html(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT replace(replace(replace(replace(replace(coalesce(t, ''), '&', '&amp;'), '<', '&lt;'), '>', '&gt;'),
                   '"', '&quot;'), '''', '&#39;')
$$;

REVOKE ALL ON FUNCTION campmon._html(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._html(text) TO campmon_reader, pg_monitor;

-- A figure for a chart's axis: bytes pretty, counts plain
CREATE OR REPLACE FUNCTION campmon._chart_label(v double precision, unit text) RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE WHEN v IS NULL OR v = 'NaN'::float8 OR abs(v) >= 9e18 THEN ''
                WHEN unit = 'bytes' THEN pg_size_pretty(round(v)::bigint) ELSE round(v::numeric)::text END
$$;

REVOKE ALL ON FUNCTION campmon._chart_label(double precision,text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._chart_label(double precision,text) TO campmon_reader, pg_monitor;

-- A label of a chart: a <text> element at (x, y) given the room it may
-- take (in the chart's units); a label longer than its room is drawn
-- narrower (textLength), never cut.  About 7 units a character at the
-- charts' 11-unit font (wide capitals and digits included).
CREATE OR REPLACE FUNCTION campmon._svg_text(x numeric, y numeric, cls text, anchor text, room numeric, txt text)
RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT format('<text x="%s" y="%s" class="%s" text-anchor="%s" data-room="%s"%s>%s</text>',
                  x, y, campmon._html(cls), campmon._html(coalesce(anchor, 'start')), room,
                  CASE WHEN length(coalesce(txt, '')) * 7 > room AND room > 0
                       THEN format(' textLength="%s" lengthAdjust="spacingAndGlyphs"', room) ELSE '' END,
                  campmon._html(txt))
$$;

REVOKE ALL ON FUNCTION campmon._svg_text(numeric,numeric,text,text,numeric,text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._svg_text(numeric,numeric,text,text,numeric,text) TO campmon_reader, pg_monitor;

-- The ticks of a time axis from x0 to x1 (Unix seconds): at most max_ticks,
-- on whole hours or days (the session's time zone), each with its label.
CREATE OR REPLACE FUNCTION campmon._time_ticks(x0 double precision, x1 double precision, max_ticks integer)
RETURNS TABLE (at double precision, label text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    WITH step AS (
        SELECT s FROM unnest(ARRAY['1 hour', '3 hours', '6 hours', '12 hours', '1 day', '2 days', '7 days', '14 days',
                                   '1 month', '3 months', '1 year', '10 years']::interval[]) s
        WHERE x1 > x0 AND max_ticks > 0
          AND (x1 - x0) / extract(epoch FROM s) <= greatest(max_ticks, 1)
        ORDER BY s LIMIT 1
    )
    SELECT extract(epoch FROM g), to_char(g, CASE WHEN step.s < interval '1 day' THEN 'MM-DD HH24:MI' ELSE 'YYYY-MM-DD' END)
    FROM step, generate_series(date_trunc(CASE WHEN step.s < interval '1 day' THEN 'hour' ELSE 'day' END, to_timestamp(x0)),
                               to_timestamp(x1), step.s) g
    WHERE g >= to_timestamp(x0)
$$;

REVOKE ALL ON FUNCTION campmon._time_ticks(double precision,double precision,integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._time_ticks(double precision,double precision,integer) TO campmon_reader, pg_monitor;

-- Small multiples: one panel per series, four to a row across the page,
-- each on its own y scale from 0 (its name, its latest figure, its top
-- and the dates of its ends), so that a series a hundred times larger than
-- the others leaves them readable.  names, xs, ys: parallel arrays, one
-- element per point; series in the order of their first appearance.
CREATE OR REPLACE FUNCTION campmon._svg_multiples(id text, title text, unit text,
                                                 names text[], xs timestamptz[], ys double precision[])
RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    cols constant integer := 4;
    pw constant integer := 240;     -- a panel's width
    ph constant integer := 150;     -- and height
    l constant integer := 64;       -- room for the y labels
    t constant integer := 30;       -- for the panel's title
    b constant integer := 24;       -- for the dates
    r constant integer := 14;
    x0 double precision;
    x1 double precision;
    n integer;
    out text := '';
    s record;
    k integer := 0;
    ox integer;
    oy integer;
BEGIN
    IF coalesce(cardinality(xs), 0) = 0 THEN
        RETURN format('<p class="empty" id="%s">%s: no snapshot in this period.</p>', campmon._html(id), campmon._html(title));
    END IF;
    SELECT min(extract(epoch FROM x)), max(extract(epoch FROM x)) INTO x0, x1 FROM unnest(xs) x;
    IF x1 = x0 THEN x1 := x0 + 1; END IF;
    n := (SELECT count(DISTINCT u) FROM unnest(names) u);
    FOR s IN SELECT u.name, greatest(max(u.y), 1) AS ymax, (array_agg(u.y ORDER BY u.x DESC))[1] AS last_y,
                    array_agg(extract(epoch FROM u.x)::float8 ORDER BY u.x) AS px, array_agg(coalesce(u.y, 0) ORDER BY u.x) AS py
             FROM unnest(names, xs, ys) WITH ORDINALITY u(name, x, y, k)
             GROUP BY u.name ORDER BY min(u.k) LOOP
        ox := (k % cols) * pw;
        oy := (k / cols) * ph;
        out := out || format('<g class="panel" transform="translate(%s,%s)">', ox, oy)
            || campmon._svg_text(4, 16, 'legend panel-title', 'start', pw - r - 4,
                                 s.name || ': ' || campmon._chart_label(s.last_y, unit))
            || format('<line x1="%1$s" y1="%2$s" x2="%3$s" y2="%2$s" stroke="#444"/><line x1="%1$s" y1="%4$s" x2="%1$s" y2="%2$s" stroke="#444"/><line x1="%1$s" y1="%4$s" x2="%3$s" y2="%4$s" stroke="#ddd"/>',
                      l, ph - b, pw - r, t)
            || format('<text x="%s" y="%s" text-anchor="end" class="tick">%s</text><text x="%s" y="%s" text-anchor="end" class="tick">%s</text>',
                      l - 4, t + 4, campmon._html(campmon._chart_label(s.ymax, unit)), l - 4, ph - b + 4,
                      campmon._html(campmon._chart_label(0, unit)))
            || format('<text x="%s" y="%s" text-anchor="start" class="tick">%s</text><text x="%s" y="%s" text-anchor="end" class="tick">%s</text>',
                      l, ph - b + 15, to_char(to_timestamp(x0), 'MM-DD'), pw - r, ph - b + 15, to_char(to_timestamp(x1), 'MM-DD'))
            || format('<polyline class="series" data-series="%s" fill="none" stroke="#1f77b4" stroke-width="1.5" points="%s"/></g>',
                      campmon._html(s.name),
                      (SELECT string_agg(format('%s,%s', round((l + (q.x - x0) / (x1 - x0) * (pw - r - l))::numeric, 1),
                                                round((ph - b - q.y / s.ymax * (ph - b - t))::numeric, 1)), ' ' ORDER BY q.o)
                       FROM unnest(s.px, s.py) WITH ORDINALITY q(x, y, o)));
        k := k + 1;
    END LOOP;
    RETURN format('<figure><figcaption>%s</figcaption><svg xmlns="http://www.w3.org/2000/svg" id="%s" class="chart" viewBox="0 0 %s %s" role="img" aria-label="%s">',
                  campmon._html(title), campmon._html(id), cols * pw, ((n + cols - 1) / cols) * ph, campmon._html(title))
           || out || '</svg></figure>';
END $fn$;

REVOKE ALL ON FUNCTION campmon._svg_multiples(text,text,text,text[],timestamptz[],double precision[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._svg_multiples(text,text,text,text[],timestamptz[],double precision[]) TO campmon_reader, pg_monitor;

-- A sparkline of a series (oldest first)
CREATE OR REPLACE FUNCTION campmon._svg_spark(ys double precision[]) RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE WHEN cardinality(ys) >= 2 THEN
        format('<svg xmlns="http://www.w3.org/2000/svg" class="spark" width="120" height="24" viewBox="0 0 120 24"><polyline fill="none" stroke="#d62728" stroke-width="1.5" points="%s"/></svg>',
               (SELECT string_agg(format('%s,%s', round((2 + 116.0 * (u.i - 1) / (cardinality(ys) - 1))::numeric, 1),
                                         round((22 - 20 * (coalesce(u.y, 0) - m.lo) / greatest(m.hi - m.lo, 1))::numeric, 1)), ' ' ORDER BY u.i)
                FROM unnest(ys) WITH ORDINALITY u(y, i),
                     (SELECT min(y) AS lo, max(y) AS hi FROM unnest(ys) y) m))
        ELSE '' END
$$;

REVOKE ALL ON FUNCTION campmon._svg_spark(double precision[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._svg_spark(double precision[]) TO campmon_reader, pg_monitor;
