// The graph explorer: start from a product, brand, tag, category or shopper
// and expand neighbours step by step (click a node, or its button in the
// list), drawn as a force-directed network.
import { api, qs } from '../api.js';
import { h, replace, errorBox } from '../dom.js';
import { network, disposeAll } from '../charts.js';

const kinds = ['product', 'brand', 'user', 'tag', 'category', 'post'];
const rels = ['follows', 'likes', 'purchases', 'carts', 'similar', 'brand', 'tags', 'category', 'posts', 'features'];

export async function explorerView(main, { query }) {
  const nodes = new Map(); // ref -> node
  const links = new Map(); // from|type|to -> link
  const expanded = new Set();
  const msg = h('div');
  const list = h('ul', { class: 'nodes', id: 'explorer-nodes' });
  const canvasBox = h('div', { class: 'col' });
  const status = h('p', { class: 'muted', id: 'explorer-status' }, 'Pick a start node.');
  let chartEl = null;

  const relBoxes = rels.map(r => h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'rel', value: r, checked: true }), r));
  const startForm = h('form', { class: 'inline', id: 'explorer-start', onsubmit: e => {
    e.preventDefault();
    const f = e.target;
    nodes.clear(); links.clear(); expanded.clear();
    const kind = f.kind.value;
    const v = f.start.value.trim();
    expand(kind === 'tag' || kind === 'category' ? { kind, key: v } : { kind, id: v });
  } },
  h('label', null, 'Start from', h('select', { name: 'kind' }, kinds.map(k => h('option', { value: k, selected: k === (query.get('kind') || 'product') ? true : null }, k)))),
  h('label', null, 'ID, tag name or category path', h('input', { name: 'start', value: query.get('id') || query.get('key') || '1', size: 24 })),
  h('label', null, 'Per relation', h('input', { name: 'limit', type: 'number', min: 1, max: 50, value: 6, size: 3 })),
  h('label', null, '\u00a0', h('button', { type: 'submit' }, 'Explore')));

  replace(main, h('h1', null, 'Graph explorer'), startForm,
    h('div', { class: 'row' }, relBoxes), msg, status,
    h('div', { class: 'explorer' }, canvasBox, h('aside', null, h('h2', null, 'Nodes'), list)));

  async function expand(ref) {
    const key = refOf(ref);
    const params = { kind: ref.kind, id: ref.id, key: ref.key, limit: startForm.limit.value,
      rel: relBoxes.map(l => l.firstChild).filter(i => i.checked).map(i => i.value) };
    replace(msg);
    try {
      const n = await api(`/v1/admin/graph/neighbours${qs(params)}`);
      add(n.center, true);
      n.nodes.forEach(x => add(x, false));
      n.links.forEach(l => links.set(`${l.from}|${l.type}|${l.to}`, l));
      expanded.add(key);
      draw();
    } catch (err) {
      replace(msg, errorBox(err));
    }
  }

  function add(x, center) {
    const old = nodes.get(x.ref);
    nodes.set(x.ref, { ...x, center: center || (old && old.center) });
  }

  function draw() {
    const cats = [...new Set([...nodes.values()].map(n => n.kind))];
    const data = [...nodes.values()].map(n => ({
      id: n.ref, name: n.name, category: cats.indexOf(n.kind), value: n.ref,
      symbolSize: expanded.has(n.ref) ? 22 : 12, itemStyle: expanded.has(n.ref) ? { borderColor: '#111', borderWidth: 2 } : undefined,
    }));
    const edges = [...links.values()].map(l => ({ source: l.from, target: l.to, label: l.type }));
    if (chartEl && chartEl.chart) chartEl.chart.dispose();
    chartEl = network(data, edges, cats, { onReady: c => c.on('click', e => {
      if (e.dataType !== 'node') return;
      const n = nodes.get(e.data.id);
      if (n && !expanded.has(n.ref)) expand(n);
    }) });
    chartEl.id = 'explorer-graph';
    replace(canvasBox, chartEl);
    status.textContent = `${nodes.size} nodes, ${links.size} links, ${expanded.size} expanded`;
    status.dataset.nodes = String(nodes.size);
    status.dataset.expanded = String(expanded.size);
    replace(list, [...nodes.values()].map(n => h('li', null,
      h('span', null, h('span', { class: 'kind' }, n.kind), ' ', n.name),
      expanded.has(n.ref) ? h('span', { class: 'muted' }, 'expanded')
        : h('button', { type: 'button', class: 'expand', dataset: { ref: n.ref }, onclick: () => expand(n) }, 'expand'))));
  }

  if (query.get('id') || query.get('key')) startForm.requestSubmit();
  return () => disposeAll(main);
}

function refOf(r) { return `${r.kind}:${r.key || r.id}`; }
