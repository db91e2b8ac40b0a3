// Charts on the vendored Apache ECharts (global `echarts`, loaded by
// index.html). Tooltips render as canvas rich text, not HTML, so labels
// from the data never become markup and the strict CSP holds.
import { h } from './dom.js';

const palette = ['#3b5bdb', '#f08c00', '#2b8a3e', '#c2255c', '#1098ad', '#7048e8', '#e8590c'];

// chart makes a chart container and draws option into it once it is in the
// page. It returns the element; el.chart is the ECharts instance.
export function chart(option, cls = 'chart', onReady) {
  const el = h('div', { class: cls, role: 'img', 'aria-label': option.title && option.title.text || 'chart' });
  requestAnimationFrame(() => {
    if (!el.isConnected || !window.echarts) return;
    const c = window.echarts.init(el, null, { renderer: 'canvas' });
    c.setOption({ color: palette, animationDuration: 300, tooltip: { renderMode: 'richText', confine: true }, ...option });
    c.on('finished', () => { el.dataset.drawn = 'true'; });
    el.chart = c;
    el.dataset.points = String(countPoints(option));
    if (onReady) onReady(c);
  });
  return el;
}

function countPoints(option) {
  return (option.series || []).reduce((n, s) => n + ((s.data && s.data.length) || (s.links && s.links.length) || 0), 0);
}

export function disposeAll(root) {
  root.querySelectorAll('.chart').forEach(el => el.chart && el.chart.dispose());
}

// bars draws a ranked horizontal bar chart of labels with one bar per series.
export function bars(title, labels, series, opts = {}) {
  // A readable chart shows the top 25; the table under it has every row.
  const n = Math.min(labels.length, 25);
  labels = labels.slice(0, n);
  series = series.map(s => ({ ...s, data: s.data.slice(0, n) }));
  const rev = [...labels].reverse();
  return chart({
    title: { text: title, left: 8, textStyle: { fontSize: 14 } },
    legend: { top: 4, right: 8 },
    tooltip: { renderMode: 'richText', trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { left: 8, right: 24, top: 40, bottom: 8, containLabel: true },
    xAxis: { type: 'value' },
    yAxis: { type: 'category', data: rev.map(l => truncate(l, 28)) },
    series: series.map(s => ({ name: s.name, type: 'bar', data: [...s.data].reverse(), emphasis: { focus: 'series' } })),
  }, opts.cls || 'chart');
}

// columns draws vertical bars over time or categories.
export function columns(title, labels, series, stacked) {
  return chart({
    title: { text: title, left: 8, textStyle: { fontSize: 14 } },
    legend: { top: 4, right: 8 },
    tooltip: { renderMode: 'richText', trigger: 'axis' },
    grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: labels.map(l => truncate(l, 18)), axisLabel: { rotate: labels.length > 8 ? 30 : 0 } },
    yAxis: { type: 'value' },
    series: series.map(s => ({ name: s.name, type: 'bar', stack: stacked ? 'all' : undefined, data: s.data })),
  }, 'chart small');
}

export function funnel(title, steps) {
  return chart({
    title: { text: title, left: 8, textStyle: { fontSize: 14 } },
    series: [{ type: 'funnel', left: '10%', width: '80%', top: 40, bottom: 10, sort: 'none', minSize: '8%',
      label: { show: true, position: 'inside', formatter: p => `${p.name}: ${p.value}` },
      data: steps.map(s => ({ name: s.name, value: s.value })) }],
  });
}

export function pie(title, data) {
  return chart({
    title: { text: title, left: 8, textStyle: { fontSize: 14 } },
    series: [{ type: 'pie', radius: ['35%', '65%'], top: 30, data: data.map(d => ({ name: truncate(d.name, 24), value: d.value })),
      label: { formatter: p => `${p.name} (${p.value})` } }],
  }, 'chart small');
}

// heatmap draws a square matrix (rows × columns of one label list).
export function heatmap(title, labels, cells, max) {
  return chart({
    title: { text: title, left: 8, textStyle: { fontSize: 14 } },
    grid: { left: 8, right: 16, top: 40, bottom: 60, containLabel: true },
    xAxis: { type: 'category', data: labels.map(l => truncate(l, 14)), axisLabel: { rotate: 30 } },
    yAxis: { type: 'category', data: labels.map(l => truncate(l, 18)) },
    visualMap: { min: 0, max: max || 1, calculable: true, orient: 'horizontal', left: 'center', bottom: 0, itemHeight: 120 },
    series: [{ type: 'heatmap', data: cells, label: { show: true, formatter: p => p.value[2].toFixed(3) } }],
  });
}

// network draws nodes [{id, name, category}] and links [{source, target,
// label}] with a force layout; categories name the legend.
export function network(nodes, links, categories, opts = {}) {
  return chart({
    legend: { data: categories, top: 4 },
    series: [{
      type: 'graph', layout: 'force', roam: true, draggable: true, categories: categories.map(name => ({ name })),
      force: { repulsion: opts.repulsion || 160, edgeLength: opts.edgeLength || 80, gravity: 0.08 },
      label: { show: true, position: 'right', formatter: p => truncate(p.data.name, 24) },
      edgeSymbol: ['none', 'arrow'], edgeSymbolSize: 6,
      edgeLabel: { show: !!opts.edgeLabels, fontSize: 9, formatter: p => p.data.label || '' },
      lineStyle: { color: 'source', opacity: 0.6, width: 1.2 },
      emphasis: { focus: 'adjacency' },
      data: nodes, links,
    }],
  }, opts.cls || 'chart', opts.onReady);
}

// sparkline is a small hand-drawn SVG line through values.
export function sparkline(values, w = 90, hgt = 24) {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('width', w); svg.setAttribute('height', hgt); svg.setAttribute('class', 'spark');
  svg.setAttribute('viewBox', `0 0 ${w} ${hgt}`);
  const max = Math.max(...values, 1e-9), min = Math.min(...values, 0);
  const pts = values.map((v, i) => [(i / Math.max(values.length - 1, 1)) * (w - 4) + 2, hgt - 2 - ((v - min) / (max - min || 1)) * (hgt - 4)]);
  const line = document.createElementNS(ns, 'polyline');
  line.setAttribute('points', pts.map(p => p.join(',')).join(' '));
  line.setAttribute('fill', 'none');
  const rising = values[values.length - 1] >= values[0];
  line.setAttribute('stroke', rising ? '#2b8a3e' : '#c92a2a');
  line.setAttribute('stroke-width', '2');
  svg.appendChild(line);
  for (const [x, y] of pts) {
    const c = document.createElementNS(ns, 'circle');
    c.setAttribute('cx', x); c.setAttribute('cy', y); c.setAttribute('r', '2');
    c.setAttribute('fill', rising ? '#2b8a3e' : '#c92a2a');
    svg.appendChild(c);
  }
  return svg;
}

export function truncate(s, n) {
  s = String(s ?? '');
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
