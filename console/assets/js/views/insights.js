// Merchandiser insights as charts, each with its CSV export (the same
// endpoint with Accept: text/csv).
import { api, qs, downloadCSV } from '../api.js';
import { h, replace, errorBox, table, fmt } from '../dom.js';
import { bars, columns, funnel, pie, heatmap, network, sparkline, disposeAll } from '../charts.js';

const tabs = [
  ['influencers', 'Influencers'], ['trending', 'Trending'], ['audience', 'Audience'],
  ['bought-together', 'Bought together'], ['brand-overlap', 'Brand overlap'], ['funnel', 'Funnel'], ['searches', 'Searches'],
];

const windows = ['24h', '7d', '30d', '90d', '365d'];

export async function insightsView(main, { parts, query }) {
  const name = parts[0] || 'influencers';
  const body = h('div', { id: 'insight', dataset: { insight: name } });
  replace(main, h('h1', null, 'Insights'),
    h('div', { class: 'tabs' }, tabs.map(([k, t]) => h('a', { href: `#/insights/${k}`, class: k === name ? 'active' : null, id: `tab-${k}` }, t))),
    body);
  const p = Object.fromEntries(query.entries());
  const draw = renderers[name];
  if (!draw) throw new Error(`no insight ${name}`);
  await draw(body, p);
  return () => disposeAll(main);
}

// form makes the parameter form; submitting changes the hash, which redraws.
function form(name, fields, values) {
  return h('form', { class: 'inline', onsubmit: e => {
    e.preventDefault();
    const params = {};
    for (const [k, v] of new FormData(e.target)) if (v !== '') params[k] = v;
    location.hash = `#/insights/${name}${qs(params)}`;
  } },
  fields.map(f => h('label', null, f.label,
    f.options
      ? h('select', { name: f.name }, f.options.map(o => h('option', { value: o, selected: String(values[f.name] ?? f.def) === o ? true : null }, o)))
      : h('input', { name: f.name, type: f.type || 'text', value: values[f.name] ?? f.def ?? '', placeholder: f.placeholder || '', size: f.size || 10 }))),
  h('label', null, '\u00a0', h('button', { type: 'submit' }, 'Show')));
}

function csvButton(path, name) {
  const b = h('button', { class: 'secondary csv', type: 'button', onclick: async () => {
    b.disabled = true;
    try { await downloadCSV(path, `${name}.csv`); } catch (err) { b.after(errorBox(err)); } finally { b.disabled = false; }
  } }, 'Download CSV');
  return b;
}

const windowField = { name: 'window', label: 'Window', options: windows, def: '7d' };
const limitField = { name: 'limit', label: 'Limit', type: 'number', def: '15', size: 4 };

function header(el, title, path, name, f) {
  replace(el, f, h('div', { class: 'actions' }, h('h2', null, title), csvButton(path, name)));
}

async function topProduct(win) {
  const r = await api(`/v1/admin/insights/trending${qs({ window: win || '30d', limit: 1 })}`);
  return r.rows[0];
}

const renderers = {
  async influencers(el, p) {
    const params = { window: p.window || '30d', limit: p.limit || 15 };
    const path = `/v1/admin/insights/influencers${qs(params)}`;
    header(el, 'Influencers by followers, with reach in the window', path, 'influencers', form('influencers', [windowField, limitField], params));
    const r = await api(path);
    const labels = r.rows.map(x => `${x.name} (${x.kind})`);
    el.append(bars('followers and reach', labels, [
      { name: 'followers', data: r.rows.map(x => x.followers) }, { name: 'reach', data: r.rows.map(x => x.reach) }]),
    table([{ key: 'name' }, { key: 'kind' }, { key: 'followers', num: true }, { key: 'reach', num: true }], r.rows));
  },

  async trending(el, p) {
    const params = { window: p.window || '7d', limit: p.limit || 15, kind: p.kind || 'product', category: p.category || '' };
    const path = `/v1/admin/insights/trending${qs(params)}`;
    header(el, `Trending ${params.kind}s`, path, 'trending', form('trending', [windowField, limitField,
      { name: 'kind', label: 'Kind', options: ['product', 'brand', 'tag'], def: 'product' },
      { name: 'category', label: 'Category path', placeholder: 'Apparel > Topwear', size: 18 }], params));
    const r = await api(path);
    // Each row's series is its engagement in equal slices of the window,
    // oldest first, computed by the server with the ranking.
    el.append(bars('time-decayed score', r.rows.map(x => x.name), [{ name: 'score', data: r.rows.map(x => x.score) }]),
      table([
        { key: 'name' },
        { key: 'trend', label: 'over the window', render: x => h('span', { class: 'spark-slot', dataset: { points: (x.series || []).join(' ') } },
          sparkline(x.series && x.series.length ? x.series : [0])) },
        { key: 'current', num: true }, { key: 'previous', num: true },
        { key: 'change', label: 'change', render: x => x.change == null ? h('span', { class: 'muted' }, 'new')
          : h('span', { class: x.change >= 0 ? 'up' : 'down' }, `${x.change >= 0 ? '+' : ''}${fmt(x.change * 100, 0)}%`) },
        { key: 'score', num: true },
      ], r.rows));
    el.dataset.sparklines = 'true';
  },

  async audience(el, p) {
    let params = { window: p.window || '30d', limit: p.limit || 10, kind: p.kind || 'product', id: p.id || '' };
    if (!params.id) {
      const top = await topProduct(params.window);
      if (top) params = { ...params, kind: 'product', id: top.id };
    }
    const path = `/v1/admin/insights/audience${qs(params)}`;
    header(el, `Audience of ${params.kind} ${params.id}`, path, 'audience', form('audience', [windowField, limitField,
      { name: 'kind', label: 'Kind', options: ['product', 'brand'], def: 'product' }, { name: 'id', label: 'ID', type: 'number' }], params));
    if (!params.id) { el.append(h('p', { class: 'muted' }, 'No engagement in the window yet.')); return; }
    const r = await api(path);
    const byKind = k => r.rows.filter(x => x.kind === k).map(x => ({ name: x.segment, value: x.users }));
    el.append(h('p', null, `${fmt(r.size)} shoppers engaged.`),
      h('div', { class: 'grid3' },
        pie('interest: tags', byKind('tag')), pie('interest: brands', byKind('brand')),
        pie('interest: categories', byKind('category')), pie('other brands they follow', byKind('followed brand'))),
      table([{ key: 'segment' }, { key: 'kind' }, { key: 'users', num: true }], r.rows));
  },

  async 'bought-together'(el, p) {
    const params = { product: p.product || '', min_count: p.min_count || 2, limit: p.limit || 20 };
    const path = `/v1/admin/insights/bought-together${qs(params)}`;
    header(el, 'Bought together', path, 'bought-together', form('bought-together', [
      { name: 'product', label: 'Product ID (optional)', type: 'number' }, { name: 'min_count', label: 'Min. shoppers', type: 'number', def: '2', size: 4 }, limitField], params));
    const r = await api(path);
    const nodes = new Map();
    const links = [];
    for (const x of r.rows) {
      const [ta, tb] = splitPair(x.pair);
      nodes.set(x.a, { id: String(x.a), name: ta, category: 0, symbolSize: 14 });
      nodes.set(x.b, { id: String(x.b), name: tb, category: 0, symbolSize: 14 });
      links.push({ source: String(x.a), target: String(x.b), label: `lift ${fmt(x.lift)}`, lineStyle: { width: 1 + Math.min(6, x.lift) } });
    }
    el.append(
      table([{ key: 'pair' }, { key: 'both', num: true }, { key: 'support', num: true }, { key: 'confidence', num: true }, { key: 'lift', num: true }], r.rows),
      h('h2', null, 'As a network (edge width: lift)'),
      network([...nodes.values()], links, ['product'], { edgeLabels: true, cls: 'chart' }));
  },

  async 'brand-overlap'(el, p) {
    // The matrix asks the pairwise endpoint for every pair of the chosen
    // brands (default: the five with most followers).
    let ids = (p.brands || '').split(',').map(s => s.trim()).filter(Boolean);
    const names = new Map();
    if (ids.length < 2) {
      const inf = await api(`/v1/admin/insights/influencers${qs({ window: '365d', limit: 200 })}`);
      const brands = inf.rows.filter(x => x.kind === 'brand').slice(0, 5);
      brands.forEach(b => names.set(String(b.id), b.name));
      ids = brands.map(b => String(b.id));
    }
    const params = { brands: ids.join(',') };
    const pairPath = (a, b) => `/v1/admin/insights/brand-overlap${qs({ a, b })}`;
    replace(el, form('brand-overlap', [{ name: 'brands', label: 'Brand IDs (comma-separated)', size: 40 }], params));
    if (ids.length < 2) { el.append(h('p', { class: 'muted' }, 'Pick at least two brands.')); return; }
    el.append(h('div', { class: 'actions' }, h('h2', null, 'Shared audience (Jaccard index)'), csvButton(pairPath(ids[0], ids[1]), 'brand-overlap')));
    const cells = [];
    const sizes = new Map();
    const jobs = [];
    for (let i = 0; i < ids.length; i++) {
      for (let j = i + 1; j < ids.length; j++) {
        jobs.push(api(pairPath(ids[i], ids[j])).then(r => {
          cells.push([i, j, r.jaccard], [j, i, r.jaccard]);
          sizes.set(ids[i], r.rows[0].users); sizes.set(ids[j], r.rows[1].users);
        }));
      }
    }
    await Promise.all(jobs);
    ids.forEach((_, i) => cells.push([i, i, 1]));
    const labels = ids.map(id => names.get(id) || `brand ${id}`);
    const max = Math.max(...cells.filter(c => c[0] !== c[1]).map(c => c[2]), 0.01);
    el.append(heatmap('brand × brand', labels, cells, max),
      table([{ key: 'brand' }, { key: 'id' }, { key: 'audience', num: true }], ids.map((id, i) => ({ brand: labels[i], id, audience: sizes.get(id) }))));
  },

  async funnel(el, p) {
    let params = { window: p.window || '30d', product: p.product || '', category: p.category || '' };
    if (!params.product && !params.category) {
      const top = await topProduct(params.window);
      if (top) params.product = top.id;
    }
    const path = `/v1/admin/insights/funnel${qs(params)}`;
    header(el, `Funnel of ${params.product ? `product ${params.product}` : params.category}`, path, 'funnel', form('funnel', [windowField,
      { name: 'product', label: 'Product ID', type: 'number' }, { name: 'category', label: 'or category path', size: 18 }], params));
    if (!params.product && !params.category) { el.append(h('p', { class: 'muted' }, 'No engagement in the window yet.')); return; }
    const r = await api(path);
    el.append(funnel('view → like → cart → purchase', r.rows.map(x => ({ name: x.step, value: x.users }))),
      table([{ key: 'step' }, { key: 'users', num: true }, { key: 'rate', label: 'of views', render: x => x.rate == null ? '' : `${fmt(x.rate * 100, 1)}%` }], r.rows));
  },

  async searches(el, p) {
    const params = { window: p.window || '30d', limit: p.limit || 15 };
    const path = `/v1/admin/insights/searches${qs(params)}`;
    header(el, 'What shoppers search for', path, 'searches', form('searches', [windowField, limitField], params));
    const r = await api(path);
    const top = r.rows.filter(x => x.list === 'top');
    const zero = r.rows.filter(x => x.list === 'zero_results');
    if (r.days && r.days.length) {
      el.append(columns('searches per day', r.days.map(d => d.day), [
        { name: 'with results', data: r.days.map(d => d.searches - d.zeroResults) }, { name: 'zero results', data: r.days.map(d => d.zeroResults) }], true));
    }
    el.append(h('div', { class: 'row' },
      h('div', { class: 'col' }, bars('top queries', top.map(x => x.query), [{ name: 'searches', data: top.map(x => x.count) }], { cls: 'chart small' })),
      h('div', { class: 'col' }, bars('zero-result queries', zero.map(x => x.query), [{ name: 'searches', data: zero.map(x => x.count) }], { cls: 'chart small' }))),
    table([{ key: 'query' }, { key: 'list' }, { key: 'count', num: true }], r.rows));
  },
};

function splitPair(pair) {
  const i = String(pair).indexOf(' + ');
  return i < 0 ? [pair, ''] : [pair.slice(0, i), pair.slice(i + 3)];
}
