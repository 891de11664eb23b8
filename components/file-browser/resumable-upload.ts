'use client';

/**
 * The browser's side of a resumable upload (lib/upload-sessions.ts): start a session, ask which parts
 * the server has, PUT the others one at a time, complete. A part that meets a network error (or a
 * server that is restarting) is tried again with backoff, after asking the server whether it arrived
 * after all, so a dropped connection costs at most one part. The session id is kept by the caller:
 * Retry after a failure continues the same session.
 */

export const RETRYING_NOTE = 'Connection lost — retrying…';
const BACKOFF_MS = [1000, 2000, 4000, 8000, 15000];
/** Parts of one file sent at once: hides each part's round trip and server-side commit behind the other's bytes. */
const PARTS_IN_FLIGHT = 2;
/** Attempts per step before giving up (the session stays, so Retry continues it): about two minutes. */
const MAX_ATTEMPTS = 12;

type Answer = { status: number; body: Record<string, unknown> } | 'network' | 'aborted';

// XMLHttpRequest rather than fetch: only XHR reports upload progress.
function request(method: string, url: string, body: Blob | string | null, signal: AbortSignal, onProgress?: (loaded: number) => void): Promise<Answer> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve('aborted');
    const xhr = new XMLHttpRequest();
    const stop = () => xhr.abort();
    signal.addEventListener('abort', stop, { once: true });
    const done = (a: Answer) => {
      signal.removeEventListener('abort', stop);
      resolve(a);
    };
    xhr.open(method, url);
    if (typeof body === 'string') xhr.setRequestHeader('Content-Type', 'application/json');
    if (onProgress) xhr.upload.onprogress = (e) => onProgress(e.loaded);
    xhr.onload = () => {
      let parsed: Record<string, unknown> = {};
      try {
        parsed = JSON.parse(xhr.responseText) as Record<string, unknown>;
      } catch {}
      done({ status: xhr.status, body: parsed });
    };
    xhr.onerror = () => done('network');
    xhr.ontimeout = () => done('network');
    xhr.onabort = () => done(signal.aborted ? 'aborted' : 'network');
    xhr.send(body);
  });
}

// Worth another try: no answer at all, or a server restarting / overloaded / a proxy timing out.
const transient = (a: Answer) => a === 'network' || (typeof a === 'object' && (a.status >= 500 || a.status === 408 || a.status === 429 || a.status === 499));

function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const finish = () => {
      clearTimeout(t);
      window.removeEventListener('online', finish);
      signal.removeEventListener('abort', finish);
      resolve();
    };
    const t = setTimeout(finish, ms);
    // Back online: no need to sit out the rest of the backoff.
    window.addEventListener('online', finish);
    signal.addEventListener('abort', finish);
  });
}

class Stop extends Error {}
const refusal = (a: Answer) => (typeof a === 'object' && typeof a.body.error === 'string' ? a.body.error : `The server refused the upload (${typeof a === 'object' ? a.status : a}).`);

export type ResumableOptions = {
  datasetId: string;
  path: string;
  file: File;
  batch: string | null;
  signal: AbortSignal;
  /** The session of an earlier attempt (Retry): continued if the server still has it. */
  session: string | null;
  onSession: (id: string | null) => void;
  onProgress: (loaded: number) => void;
  onNote: (note: string | undefined) => void;
};

/** Uploads `file` in parts; resolves null when done, else the message to show (the session is kept unless refused). */
export async function uploadResumable(o: ResumableOptions): Promise<string | null> {
  const base = `/api/datasets/${encodeURIComponent(o.datasetId)}/uploads`;
  // One step, tried until it gets an answer that is not transient (or gives up).
  const attempt = async (step: () => Promise<Answer>, retryFirst?: () => Promise<boolean>): Promise<Answer> => {
    for (let i = 0; ; i++) {
      if (i > 0 && retryFirst && (await retryFirst())) return { status: 200, body: {} };
      const a = await step();
      if (a === 'aborted') throw new Stop();
      if (!transient(a)) {
        if (i > 0) o.onNote(undefined);
        return a;
      }
      if (i + 1 >= MAX_ATTEMPTS) return a;
      o.onNote(RETRYING_NOTE);
      await wait(BACKOFF_MS[Math.min(i, BACKOFF_MS.length - 1)], o.signal);
      if (o.signal.aborted) throw new Stop();
    }
  };
  const lost = 'The connection was lost. Retry to continue where the upload stopped.';
  let current = o.session;
  const setSession = (id: string | null) => {
    current = id;
    o.onSession(id);
  };
  // Refused for good (a role lost, the dataset locked…): the session's parts are of no more use.
  const refused = (a: Answer) => {
    if (current) void fetch(`${base}/${current}`, { method: 'DELETE', keepalive: true }).catch(() => {});
    setSession(null);
    return refusal(a);
  };
  try {
    // The parts the server already has (resuming), or a new session.
    let info: { status: number; body: Record<string, unknown> } | null = null;
    if (current) {
      const a = await attempt(() => request('GET', `${base}/${current}`, null, o.signal));
      if (typeof a !== 'object' || transient(a)) return lost;
      if (a.status === 200) info = a;
      else if (a.status === 404) setSession(null); // expired or cancelled: start again
      else return refused(a);
    }
    if (!info) {
      const a = await attempt(() => request('POST', base, JSON.stringify({ path: o.path, size: o.file.size, contentType: o.file.type || null, batch: o.batch }), o.signal));
      if (typeof a !== 'object' || transient(a)) return lost;
      if (a.status >= 400) return refusal(a);
      info = a;
    }
    const { id, partSize, parts, received } = info.body as { id: string; partSize: number; parts: number; received: { partNumber: number; size: number }[] };
    setSession(id);
    const have = new Set(received.map((r) => r.partNumber));
    const sizeOf = (n: number) => Math.min(partSize, o.file.size - (n - 1) * partSize);
    let stored = received.reduce((sum, r) => sum + r.size, 0);
    const sending = new Map<number, number>(); // part → bytes of it sent so far
    const progress = () => o.onProgress(stored + [...sending.values()].reduce((a, b) => a + b, 0));
    progress();
    // Did part n arrive although its answer was lost? (Asked before sending it again.)
    const arrived = (n: number) => async () => {
      const a = await request('GET', `${base}/${id}`, null, o.signal);
      return typeof a === 'object' && a.status === 200 && (a.body.received as { partNumber: number }[]).some((r) => r.partNumber === n);
    };
    // PARTS_IN_FLIGHT workers take the missing parts in order; the first failure stops them taking more.
    const queue = Array.from({ length: parts }, (_, i) => i + 1).filter((n) => !have.has(n));
    const stop: { failed: Answer | null } = { failed: null };
    const worker = async () => {
      while (!stop.failed && queue.length > 0) {
        const n = queue.shift()!;
        const blob = o.file.slice((n - 1) * partSize, (n - 1) * partSize + sizeOf(n));
        sending.set(n, 0);
        const a = await attempt(() => request('PUT', `${base}/${id}/parts/${n}`, blob, o.signal, (l) => {
          sending.set(n, l);
          progress();
        }), arrived(n));
        sending.delete(n);
        if (typeof a !== 'object' || a.status >= 300) {
          stop.failed ??= a;
          return;
        }
        stored += sizeOf(n);
        progress();
      }
    };
    await Promise.all(Array.from({ length: PARTS_IN_FLIGHT }, worker));
    if (stop.failed) {
      const a = stop.failed;
      if (typeof a !== 'object' || transient(a)) return lost;
      if (a.status === 404) {
        setSession(null);
        return refusal(a);
      }
      return refused(a);
    }
    // A Complete cut off on the client may still be winding down on the server ("being completed"): wait.
    const complete = async (): Promise<Answer> => {
      const a = await request('POST', `${base}/${id}`, null, o.signal);
      return typeof a === 'object' && a.status === 409 && String(a.body.error).includes('being completed') ? { status: 503, body: a.body } : a;
    };
    const done = await attempt(complete);
    if (typeof done !== 'object' || transient(done)) return lost;
    // 404 after a lost answer: the session is gone because an earlier Complete went through.
    if (done.status >= 400 && !(done.status === 404 && (await completedEarlier(o)))) return refused(done);
    setSession(null);
    return null;
  } catch (err) {
    if (!(err instanceof Stop)) throw err;
    // Cancelled: the server's parts go too (keepalive: the request outlives a page being left).
    const id = current;
    setSession(null);
    if (id) void fetch(`${base}/${id}`, { method: 'DELETE', keepalive: true }).catch(() => {});
    return 'The upload was cancelled.';
  }
}

// Whether the file at the path now has the size of ours (asked only after a Complete whose answer was lost).
async function completedEarlier(o: ResumableOptions): Promise<boolean> {
  const url = `/api/datasets/${encodeURIComponent(o.datasetId)}/files/${o.path.split('/').map(encodeURIComponent).join('/')}`;
  const res = await fetch(url, { headers: { Range: 'bytes=0-0' } }).catch(() => null);
  await res?.body?.cancel();
  return res?.status === 206 && res.headers.get('content-range') === `bytes 0-0/${o.file.size}`;
}
