import { isRecord, sendJson, str, type Emulation, type EmulatorApp } from './context.js';
import { badRequest } from './odata.js';

const MAX_BATCH = 20;
/** Graph hands up to four requests of a batch to Outlook at once. */
const BATCH_PARALLELISM = 4;
const BATCH_METHODS = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'] as const;
const BATCH_RESPONSE_HEADERS = [
  'Content-Type',
  'Retry-After',
  'Location',
  'Preference-Applied',
  'ETag',
  'RateLimit-Exceeded',
  'RateLimit-Scope',
];

/** `POST /v1.0/$batch`: inner requests go through the whole pipeline again (auth, throttling, faults). */
export function registerBatchRoute(app: EmulatorApp, em: Emulation): void {
  app.post('/v1.0/$batch', async (req, reply) => {
    const body = isRecord(req.body) ? req.body : undefined;
    const requests = body?.['requests'];
    if (!Array.isArray(requests)) throw badRequest('Invalid batch payload format.');
    if (requests.length > MAX_BATCH)
      throw badRequest(`The number of requests in a batch exceeds the limit of ${MAX_BATCH}.`);
    interface Inner {
      id: string;
      method: string;
      url: string;
      headers: Record<string, string>;
      body: unknown;
      dependsOn: string[];
    }
    const inner: Inner[] = [];
    for (const r of requests) {
      if (!isRecord(r)) throw badRequest('Invalid batch payload format.');
      const id = str(r['id']);
      const method = str(r['method']);
      const url = str(r['url']);
      if (!id || !method || !url) throw badRequest('Batch requests need id, method and url.');
      if (inner.some((i) => i.id === id)) throw badRequest(`Batch request id '${id}' is duplicated.`);
      const headers: Record<string, string> = {};
      if (isRecord(r['headers']))
        for (const [k, v] of Object.entries(r['headers']))
          if (typeof v === 'string') headers[k.toLowerCase()] = v;
      const dependsOn = Array.isArray(r['dependsOn'])
        ? r['dependsOn'].filter((d): d is string => typeof d === 'string')
        : [];
      inner.push({ id, method: method.toUpperCase(), url, headers, body: r['body'], dependsOn });
    }
    for (const i of inner) {
      for (const d of i.dependsOn) {
        if (!inner.some((o) => o.id === d))
          throw badRequest(`Request '${i.id}' depends on unknown request '${d}'.`);
      }
    }
    const results = new Map<
      string,
      { id: string; status: number; headers: Record<string, string>; body?: unknown }
    >();
    type InnerResult = { id: string; status: number; headers: Record<string, string>; body?: unknown };
    const auth = str(req.headers.authorization);
    const outerPrefer = req.headers.prefer;
    const failure = (id: string, status: number, code: string, message: string): InnerResult => ({
      id,
      status,
      headers: { 'Content-Type': 'application/json' },
      body: em.errorBody(req, code, message),
    });
    const runOne = async (r: Inner): Promise<InnerResult> => {
      const failedDependency = r.dependsOn.find((d) => {
        const status = results.get(d)?.status ?? 0;
        return status < 200 || status >= 300;
      });
      if (failedDependency !== undefined) {
        return failure(
          r.id,
          424,
          'FailedDependency',
          `The request '${r.id}' depends on '${failedDependency}', which failed.`,
        );
      }
      if (r.body !== undefined && !Object.keys(r.headers).includes('content-type')) {
        return failure(
          r.id,
          400,
          'BadRequest',
          `Write request id : ${r.id} does not contain Content-Type header or body.`,
        );
      }
      const method = BATCH_METHODS.find((m) => m === r.method);
      if (!method)
        return failure(r.id, 400, 'BadRequest', `Invalid method '${r.method}' in batch request '${r.id}'.`);
      const path = r.url.replace(/^https?:\/\/[^/]+/i, '').replace(/^\/?(v1\.0\/)?/i, '/v1.0/');
      const headers: Record<string, string> = { ...r.headers };
      if (auth) headers['authorization'] = auth;
      if (outerPrefer !== undefined && headers['prefer'] === undefined)
        headers['prefer'] = Array.isArray(outerPrefer) ? outerPrefer.join(', ') : outerPrefer;
      const response = await app.inject({
        method,
        url: path,
        headers,
        ...(r.body !== undefined
          ? { payload: typeof r.body === 'string' ? r.body : JSON.stringify(r.body) }
          : {}),
      });
      const responseHeaders: Record<string, string> = {};
      for (const name of BATCH_RESPONSE_HEADERS) {
        const value = response.headers[name.toLowerCase()];
        if (typeof value === 'string' || typeof value === 'number') responseHeaders[name] = String(value);
      }
      const result: InnerResult = { id: r.id, status: response.statusCode, headers: responseHeaders };
      if (response.body.length > 0) {
        try {
          result.body = JSON.parse(response.body);
        } catch {
          result.body = Buffer.from(response.body).toString('base64');
        }
      }
      return result;
    };
    // Graph hands up to four requests of a batch to Outlook at once; with other requests to the
    // same mailbox in flight, inner requests can therefore meet the MailboxConcurrency limit.
    const remaining = [...inner];
    const running = new Set<Promise<void>>();
    while (remaining.length > 0 || running.size > 0) {
      for (let i = 0; i < remaining.length && running.size < BATCH_PARALLELISM;) {
        const r = remaining[i];
        if (!r || !r.dependsOn.every((d) => results.has(d))) {
          i += 1;
          continue;
        }
        remaining.splice(i, 1);
        const task: Promise<void> = runOne(r).then((result) => {
          results.set(r.id, result);
          running.delete(task);
        });
        running.add(task);
      }
      if (running.size === 0) throw badRequest('The dependsOn references of the batch form a cycle.');
      await Promise.race(running);
    }
    return sendJson(reply, 200, { responses: inner.map((r) => results.get(r.id)) });
  });
}
