// The console's one way to the API: the bearer token lives in sessionStorage
// (gone when the tab closes, never in a URL or cookie) and travels only in
// the Authorization header. Every screen is subject to the server's checks.

const KEY = 'stylegraph.token';

export const session = {
  get token() { return sessionStorage.getItem(KEY); },
  set(token) { sessionStorage.setItem(KEY, token); },
  clear() { sessionStorage.removeItem(KEY); sessionStorage.removeItem('stylegraph.me'); },
  get me() { try { return JSON.parse(sessionStorage.getItem('stylegraph.me')); } catch { return null; } },
  setMe(me) { sessionStorage.setItem('stylegraph.me', JSON.stringify(me)); },
};

export class APIError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message ? `${e.message}${e.field ? ` (${e.field})` : ''}` : `HTTP ${status}`);
    this.status = status;
    this.code = e.code || String(status);
  }
}

// A screen's reads belong to it: leaving the screen (app.js calls navigate)
// aborts those still in flight, so a slow report neither draws over the next
// screen nor keeps the server working for nobody (the server stops a read
// whose client went away). Writes are not tied to it: a like or a post sent
// just before leaving still completes.
let screen = new AbortController();

// navigate aborts the reads of the screen being left and returns the signal
// of the next one.
export function navigate() {
  screen.abort();
  screen = new AbortController();
  return screen.signal;
}

// api calls path (/v1/...) and returns the decoded JSON (or text for CSV).
export async function api(path, { method = 'GET', body, accept = 'application/json', signal } = {}) {
  const headers = { Accept: accept };
  if (session.token) headers.Authorization = `Bearer ${session.token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method === 'GET') signal = signal ? AbortSignal.any([signal, screen.signal]) : screen.signal;
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal, credentials: 'omit', cache: 'no-store' });
  if (res.status === 401 && session.token) {
    session.clear();
    window.dispatchEvent(new Event('signed-out'));
  }
  if (res.status === 204) return null;
  const type = res.headers.get('Content-Type') || '';
  const data = type.includes('json') ? await res.json() : await res.text();
  if (!res.ok) throw new APIError(res.status, typeof data === 'object' ? data : null);
  return data;
}

export function qs(params) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v == null || v === '') continue;
    if (Array.isArray(v)) v.forEach(x => u.append(k, x));
    else u.append(k, v);
  }
  const s = u.toString();
  return s ? `?${s}` : '';
}

// stream reads the live feed (Server-Sent Events over fetch, since
// EventSource cannot send the Authorization header), calling onItem with
// each Feed object; it reconnects with Last-Event-ID until signal aborts.
export async function stream(path, onItem, signal, onOpen) {
  let last = '';
  while (!signal.aborted) {
    try {
      const headers = { Accept: 'text/event-stream', Authorization: `Bearer ${session.token}` };
      if (last) headers['Last-Event-ID'] = last;
      const res = await fetch(path, { headers, signal, credentials: 'omit', cache: 'no-store' });
      if (!res.ok) throw new APIError(res.status, null);
      if (onOpen) onOpen();
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buf = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += value;
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i); buf = buf.slice(i + 2);
          let id = '', event = 'message', data = '';
          for (const line of block.split('\n')) {
            if (line.startsWith('id:')) id = line.slice(3).trim();
            else if (line.startsWith('event:')) event = line.slice(6).trim();
            else if (line.startsWith('data:')) data += line.slice(5).trim();
          }
          if (id) last = id;
          if (event === 'feed' && data) onItem(JSON.parse(data));
        }
      }
    } catch (err) {
      if (signal.aborted) return;
      if (err.status === 401 || err.status === 403) return;
    }
    await new Promise(r => setTimeout(r, 2000));
  }
}

// download fetches path as CSV and saves it as name.
export async function downloadCSV(path, name) {
  const text = await api(path, { accept: 'text/csv' });
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
  const a = document.createElement('a');
  a.href = url; a.download = name; document.body.appendChild(a); a.click(); a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
