// streammod ops dashboard. No framework, no inline script (the page's CSP forbids it): every
// value from the API, stream ids above all, goes into the page through textContent or
// attributes set from script, never through HTML parsing.
'use strict';

(function () {
  const POLL_MS = 1000;
  const NUMERIC_DESC = new Set(['segments_per_s', 'frames_per_s', 'bytes_per_s', 'p50_ms', 'p99_ms',
    'decode_ms', 'infer_ms', 'errors', 'degraded', 'last_seen']);
  const SVG = 'http://www.w3.org/2000/svg';
  const token = new URLSearchParams(window.location.search).get('token');
  const state = { sort: 'status', order: 'asc', q: '', status: '', page: 1, size: 50 };
  let inFlight = false;
  let again = false;
  let rendered = false;
  let pages = 1;

  const $ = (id) => document.getElementById(id);

  function api(path, query) {
    const url = new URL(path, window.location.origin);
    if (query) {
      for (const [k, v] of Object.entries(query)) {
        if (v !== '' && v !== null && v !== undefined) url.searchParams.set(k, String(v));
      }
    }
    const headers = token ? { Authorization: 'Bearer ' + token } : {};
    return fetch(url, { headers, cache: 'no-store' }).then((r) => {
      if (!r.ok) {
        return r.json().catch(() => ({})).then((b) => {
          throw new Error(r.status + (b && b.error ? ': ' + b.error : ''));
        });
      }
      return r.json();
    });
  }

  function text(el, value) {
    el.textContent = value === null || value === undefined ? '' : String(value);
  }

  function cell(tr, value, cls) {
    const td = document.createElement('td');
    if (cls) td.className = cls;
    text(td, value);
    tr.appendChild(td);
    return td;
  }

  function fixed(v, digits) {
    return typeof v === 'number' && isFinite(v) ? v.toFixed(digits) : '–';
  }

  /** [number, unit] of a byte rate. */
  function bytes(v) {
    if (!(v >= 0)) return ['–', ''];
    if (v >= 1048576) return [(v / 1048576).toFixed(1), 'MB/s'];
    if (v >= 1024) return [(v / 1024).toFixed(1), 'KB/s'];
    return [v.toFixed(0), 'B/s'];
  }

  function ago(ms) {
    if (!(ms >= 0)) return '–';
    if (ms < 1000) return 'now';
    const s = Math.round(ms / 1000);
    if (s < 120) return s + ' s ago';
    const m = Math.round(s / 60);
    return m < 120 ? m + ' min ago' : Math.round(m / 60) + ' h ago';
  }

  function sparkline(values) {
    const w = 110;
    const h = 22;
    const svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('class', 'spark');
    svg.setAttribute('width', String(w));
    svg.setAttribute('height', String(h));
    svg.setAttribute('viewBox', '0 0 ' + w + ' ' + h);
    const title = document.createElementNS(SVG, 'title');
    const n = values ? values.length : 0;
    title.textContent = n ? 'segments/s over the last ' + n + ' windows, latest ' + fixed(values[n - 1], 2) : 'no history yet';
    svg.appendChild(title);
    if (n === 0) return svg;
    const max = Math.max(...values, 0.0001);
    const pts = [];
    for (let i = 0; i < n; i++) {
      const x = n === 1 ? w - 1 : (i * (w - 2)) / (n - 1) + 1;
      const y = h - 2 - (values[i] / max) * (h - 4);
      pts.push(x.toFixed(1) + ',' + y.toFixed(1));
    }
    if (n === 1) pts.unshift('1,' + pts[0].split(',')[1]);
    const line = document.createElementNS(SVG, 'polyline');
    line.setAttribute('points', pts.join(' '));
    svg.appendChild(line);
    return svg;
  }

  /** The newest flagged verdict: its decision and sequence, and its thumbnail (same origin). */
  function flagCell(tr, r) {
    const td = cell(tr, '', 'flagcell');
    const lf = r.last_flag;
    if (!lf) return;
    if (lf.thumbnail) {
      const url = new URL('/api/evidence', window.location.origin);
      url.searchParams.set('stream', r.id);
      url.searchParams.set('seq', String(lf.sequence));
      if (token) url.searchParams.set('token', token);
      const img = document.createElement('img');
      img.className = 'thumb';
      img.alt = lf.decision + ' #' + lf.sequence;
      img.src = url.pathname + url.search;
      td.appendChild(img);
    }
    const label = document.createElement('span');
    label.className = 'flag ' + String(lf.decision).toLowerCase();
    text(label, lf.decision + ' #' + lf.sequence);
    td.appendChild(label);
    if (lf.at_ms > 0) td.title = new Date(lf.at_ms).toISOString();
  }

  function renderTable(page) {
    const body = $('rows');
    const frag = document.createDocumentFragment();
    for (const r of page.rows) {
      const tr = document.createElement('tr');
      tr.className = 'status-' + r.status;
      tr.dataset.streamId = r.id;
      const id = cell(tr, r.id, 'id');
      id.title = r.id;
      const st = cell(tr, '', 'status');
      const badge = document.createElement('span');
      badge.className = 'badge ' + r.status;
      text(badge, r.status);
      st.appendChild(badge);
      cell(tr, fixed(r.segments_per_s, 2), 'num seg');
      const sp = cell(tr, '', 'sparkcell');
      sp.appendChild(sparkline(r.history));
      cell(tr, fixed(r.frames_per_s, 1), 'num');
      cell(tr, fixed(r.bytes_per_s / 1024, 1), 'num');
      cell(tr, r.p50_ms, 'num');
      cell(tr, r.p99_ms, 'num');
      cell(tr, fixed(r.decode_ms, 1), 'num');
      cell(tr, fixed(r.infer_ms, 1), 'num');
      const d = r.decisions || {};
      cell(tr, [d.ALLOW || 0, d.REVIEW || 0, d.BLOCK || 0, d.ERROR || 0].join(' / '), 'mixcell');
      cell(tr, r.errors, 'num' + (r.errors > 0 ? ' bad' : ''));
      const seen = cell(tr, r.last_seen_ms > 0 ? ago(page.generated_at_ms - r.last_seen_ms) : '–', 'num');
      if (r.last_seen_ms > 0) seen.title = new Date(r.last_seen_ms).toISOString();
      flagCell(tr, r);
      frag.appendChild(tr);
    }
    body.replaceChildren(frag);
    pages = page.pages;
    state.page = page.page;
    text($('pageinfo'), 'page ' + page.page + ' of ' + page.pages + ' · ' + page.matched + ' of ' + page.total + ' streams');
    $('prev').disabled = page.page <= 1;
    $('next').disabled = page.page >= page.pages;
    $('empty').hidden = page.rows.length > 0;
    for (const th of document.querySelectorAll('th[data-sort]')) {
      th.classList.toggle('sorted-asc', th.dataset.sort === page.sort && page.order === 'asc');
      th.classList.toggle('sorted-desc', th.dataset.sort === page.sort && page.order === 'desc');
    }
  }

  function renderSummary(s) {
    const t = s.totals;
    text($('t-live'), t.live);
    text($('t-streams'), 'of ' + t.streams + ' tracked');
    text($('t-stalled'), t.stalled);
    $('t-stalled').classList.toggle('bad', t.stalled > 0);
    text($('t-segments'), fixed(t.segments_per_s, 1));
    text($('t-p99'), t.p99_max_ms > 0 ? 'worst p99 ' + t.p99_max_ms + ' ms' : '');
    text($('t-frames'), fixed(t.frames_per_s, 1));
    const [rate, unit] = bytes(t.bytes_per_s);
    text($('t-bytes'), rate);
    text($('t-bytes-unit'), unit + ' of segments');
    text($('t-errors'), t.errors);
    $('t-errors').classList.toggle('bad', t.errors > 0);
    text($('t-degraded'), t.degraded + ' degraded');
    const mix = $('t-mix');
    const order = ['ALLOW', 'REVIEW', 'BLOCK', 'ERROR'];
    const total = order.reduce((a, k) => a + (t.decisions[k] || 0), 0);
    const bars = document.createDocumentFragment();
    for (const k of order) {
      const v = t.decisions[k] || 0;
      if (v === 0) continue;
      const b = document.createElement('span');
      b.className = 'bar ' + k.toLowerCase();
      b.style.flexGrow = String(v);
      b.title = k + ' ' + v;
      bars.appendChild(b);
    }
    mix.replaceChildren(bars);
    text($('t-mix-text'), total === 0 ? 'no verdicts' : order.map((k) => k + ' ' + (t.decisions[k] || 0)).join(' · '));
    const job = s.job || {};
    text($('t-lag'), job.consumer_lag === null || job.consumer_lag === undefined ? 'unknown' : job.consumer_lag);
    text($('t-lag-note'), job.lag_note || '');
    $('t-lag-note').title = job.lag_note || '';
    text($('t-bp'), job.backpressure || 'unknown');
    $('t-bp').className = 'value bp-' + (job.backpressure || 'unknown');
    text($('t-bp-note'), job.backpressure_note || '');
    $('t-bp-note').title = job.backpressure_note || '';
    const feed = s.feed || {};
    text($('feed'), (feed.status || '') + (feed.unreadable ? ' · ' + feed.unreadable + ' unreadable records' : ''));
    text($('updated'), 'updated ' + new Date(s.generated_at_ms).toLocaleTimeString());
  }

  function showError(e) {
    const el = $('error');
    text(el, 'Cannot load data: ' + e.message);
    el.hidden = false;
  }

  // Bumped by every change the user makes (page, sort, filter): a table answer asked for before
  // the latest change is dropped, so a poll in flight cannot undo a click.
  let version = 0;

  function changed() {
    version += 1;
    tick();
  }

  async function tick() {
    if (inFlight) {
      again = true;
      return;
    }
    inFlight = true;
    const asked = version;
    try {
      const [summary, page] = await Promise.all([api('/api/summary'), api('/api/streams', state)]);
      renderSummary(summary);
      if (asked === version) {
        renderTable(page);
      } else {
        // Asked before the last click or filter change: showing it would undo that change.
        again = true;
      }
      $('error').hidden = true;
      if (!rendered) {
        rendered = true;
        window.dashboardFirstRenderMs = performance.now();
        document.body.dataset.rendered = 'true';
      }
    } catch (e) {
      showError(e);
    } finally {
      inFlight = false;
      if (again) {
        again = false;
        tick();
      }
    }
  }

  function init() {
    let debounce = null;
    $('filter').addEventListener('input', (ev) => {
      clearTimeout(debounce);
      debounce = setTimeout(() => {
        state.q = ev.target.value.trim();
        state.page = 1;
        changed();
      }, 150);
    });
    $('status').addEventListener('change', (ev) => {
      state.status = ev.target.value;
      state.page = 1;
      changed();
    });
    $('size').addEventListener('change', (ev) => {
      state.size = Number(ev.target.value);
      state.page = 1;
      changed();
    });
    $('prev').addEventListener('click', () => {
      if (state.page > 1) {
        state.page -= 1;
        changed();
      }
    });
    $('next').addEventListener('click', () => {
      if (state.page < pages) {
        state.page += 1;
        changed();
      }
    });
    for (const th of document.querySelectorAll('th[data-sort]')) {
      th.tabIndex = 0;
      const sortBy = () => {
        const key = th.dataset.sort;
        if (state.sort === key) {
          state.order = state.order === 'asc' ? 'desc' : 'asc';
        } else {
          state.sort = key;
          state.order = NUMERIC_DESC.has(key) ? 'desc' : 'asc';
        }
        state.page = 1;
        changed();
      };
      th.addEventListener('click', sortBy);
      th.addEventListener('keydown', (ev) => {
        if (ev.key === 'Enter' || ev.key === ' ') {
          ev.preventDefault();
          sortBy();
        }
      });
    }
    changed();
    setInterval(tick, POLL_MS);
  }

  init();
})();
