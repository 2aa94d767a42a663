// How requests reach the apiserver. As client-go does: one HTTP/2 connection per kubeconfig and
// process, every request and every watch a stream on it. client-node opens a connection for each
// watch, and an agent one for each request in flight: a test worker made 36 TLS handshakes (13
// for requests, 23 for watches), each paid in the worker and in the apiserver under test. 36
// connections cost a process 105 ms of CPU where 36 streams on one session cost 16 ms (2026-12-07,
// polyglot). HTTP/1.1 (kept-alive connections, one per watch) where the cluster is reached over
// plain http or through a proxy, or where its server offers no HTTP/2.
import http2 from "node:http2";
// Types only: node:http and node:https are loaded by the HTTP/1.1 path alone. Importing node:http
// as an ES module costs a process 25-40 ms of CPU (2026-12-07, polyglot), and a test worker
// talking HTTP/2 never needs it.
import type http from "node:http";
import type https from "node:https";

/** What the kubeconfig gives a request: the TLS identity and headers (client-node renews exec tokens). */
export type Prepared = https.RequestOptions & { headers: Record<string, string> };

/** A whole answer. */
export interface Answer {
  code: number;
  text: string;
  retryAfter?: string;
}

/** A stream whose lines arrive as the server sends them (a watch). */
export interface Opened {
  code: number;
  /** The body of an answer other than 200 (the stream is over then). */
  text: string;
  retryAfter?: string;
  /** Settles when the stream is over: undefined when the server ended it or it was closed here, else why it broke. */
  ended: Promise<Error | undefined>;
  close(): void;
}

/** Errors after which a request certainly never reached the server on a connection it shared: sent again once. */
const neverServed = new Set(["ECONNRESET", "ERR_HTTP2_GOAWAY_SESSION", "ERR_HTTP2_INVALID_SESSION", "ERR_HTTP2_STREAM_CANCEL"]);

/** An apiserver that does not speak HTTP/2 refuses the protocol in the TLS handshake. */
const noHttp2 = new Set(["ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL", "ERR_HTTP2_ERROR"]);

export class Transport {
  /** Connections opened (a request on a kept one opens none). */
  connections = 0;
  private session?: http2.ClientHttp2Session;
  private identity = "";
  /** Streams open per session: a session holds the process open only while one is. */
  private readonly open = new Map<http2.ClientHttp2Session, number>();
  private http1: boolean;
  private agent?: https.Agent;

  private readonly origin: URL;
  private readonly proxied: boolean;
  constructor(origin: URL, proxied: boolean) {
    this.origin = origin;
    this.proxied = proxied;
    this.http1 = origin.protocol !== "https:" || proxied;
  }

  /** Sends a request and reads its whole answer; `timeoutMs` bounds the wait for it. */
  async exchange(method: string, url: URL, prepared: Prepared, payload: string | undefined, timeoutMs: number): Promise<Answer> {
    const once = (): Promise<Answer> => this.start(method, url, prepared, payload, timeoutMs, undefined);
    return once().catch((e: NodeJS.ErrnoException & { shared?: boolean }) => {
      // A stream the server refused (RST_STREAM REFUSED_STREAM, as it goes away) was not processed either.
      if (e.shared && (neverServed.has(e.code ?? "") || /NGHTTP2_REFUSED_STREAM/.test(e.message))) return once();
      throw e;
    });
  }

  /** Opens a stream of lines (a watch); `idleMs` without a byte closes it (quiet, not broken). */
  async stream(url: URL, prepared: Prepared, onLine: (line: string) => void, idleMs: number): Promise<Opened> {
    return this.start("GET", url, prepared, undefined, idleMs, onLine);
  }

  private async start(method: string, url: URL, prepared: Prepared, payload: string | undefined, timeoutMs: number, onLine: ((line: string) => void) | undefined): Promise<Opened> {
    if (!this.http1) {
      try {
        return await this.overHttp2(method, url, prepared, payload, timeoutMs, onLine);
      } catch (e) {
        if (!(e as { refusedHttp2?: boolean }).refusedHttp2) throw e;
        this.http1 = true;
      }
    }
    return this.overHttp1(method, url, prepared, payload, timeoutMs, onLine);
  }

  private sessionFor(prepared: Prepared): { session: http2.ClientHttp2Session; shared: boolean } {
    const { ca, cert, key, pfx, passphrase, servername, rejectUnauthorized } = prepared;
    const identity = [ca, cert, key, pfx, passphrase, servername, rejectUnauthorized].map((v) => String(v ?? "")).join("\0");
    const s = this.session;
    if (s && !s.closed && !s.destroyed && identity === this.identity) return { session: s, shared: true };
    s?.close();
    const session = http2.connect(this.origin, { ca, cert, key, pfx, passphrase, servername, ...(rejectUnauthorized === undefined ? {} : { rejectUnauthorized }) });
    this.connections++;
    this.session = session;
    this.identity = identity;
    this.open.set(session, 0);
    session.unref();
    // Each stream on it reports the error; the session is only forgotten.
    const forget = () => {
      if (this.session === session) this.session = undefined;
    };
    session.on("error", forget);
    session.on("goaway", forget);
    session.on("close", () => {
      forget();
      clearInterval(health);
      this.open.delete(session);
    });
    // As client-go checks its HTTP/2 connections: a ping every 30 s while streams are open, and a
    // session that does not answer in 15 s is ended, with every stream on it (a watch then resumes
    // on a new one) rather than waiting on a connection that is gone.
    const health = setInterval(() => {
      if (!this.open.get(session)) return;
      const dead = setTimeout(() => session.destroy(new Error("the apiserver's connection stopped answering pings for 15 s")), 15_000);
      dead.unref();
      session.ping(() => clearTimeout(dead));
    }, 30_000);
    health.unref();
    return { session, shared: false };
  }

  private overHttp2(method: string, url: URL, prepared: Prepared, payload: string | undefined, timeoutMs: number, onLine: ((line: string) => void) | undefined): Promise<Opened> {
    const { session, shared } = this.sessionFor(prepared);
    const headers: http2.OutgoingHttpHeaders = { ":method": method, ":path": url.pathname + url.search };
    for (const [k, v] of Object.entries(prepared.headers)) if (!/^(connection|content-length|host|keep-alive|transfer-encoding)$/i.test(k)) headers[k.toLowerCase()] = v;
    if (this.open.set(session, (this.open.get(session) ?? 0) + 1).get(session) === 1) session.ref();
    const req = session.request(headers, { endStream: payload === undefined });
    const cancel = () => req.close(http2.constants.NGHTTP2_CANCEL);
    return new Promise<Opened>((resolve, reject) => {
      let answered = false;
      const stream = ending(cancel);
      req.on("error", (e: NodeJS.ErrnoException) => {
        if (answered) return stream.end(e);
        const refused = !shared && [e.code, (e.cause as NodeJS.ErrnoException | undefined)?.code].some((c) => noHttp2.has(c ?? ""));
        reject(Object.assign(e, { shared, ...(refused ? { refusedHttp2: true } : {}) }));
      });
      req.on("close", () => {
        const n = (this.open.get(session) ?? 1) - 1;
        this.open.set(session, n);
        if (n === 0) session.unref();
        // A stream reset without an error event must not leave its caller waiting.
        if (answered) return stream.end(undefined);
        reject(Object.assign(new Error(`${method} ${url.pathname}: the stream closed before its answer (code ${req.rstCode})`), { code: "ERR_HTTP2_STREAM_CANCEL", shared }));
      });
      req.setTimeout(timeoutMs, () => {
        cancel();
        // A quiet watch is over, and resumed by its caller; anything else had no answer.
        if (answered && onLine) return stream.end(undefined);
        reject(new Error(`${method} ${url.pathname}: no answer within ${Math.round(timeoutMs / 1000)} s`));
      });
      req.on("response", (h) => {
        readAnswer(req, Number(h[":status"] ?? 0), h["retry-after"] as string | undefined, onLine, stream, (o) => {
          answered = true;
          resolve(o);
        });
      });
      if (payload !== undefined) req.end(payload);
    });
  }

  private async overHttp1(method: string, url: URL, prepared: Prepared, payload: string | undefined, timeoutMs: number, onLine: ((line: string) => void) | undefined): Promise<Opened> {
    const mod: typeof https | typeof http = url.protocol === "https:" ? (await import("node:https")).default : (await import("node:http")).default;
    const opts: https.RequestOptions = { ...prepared, method, headers: { ...prepared.headers } };
    // client-node hands every request an agent without keep-alive: one that keeps its connections,
    // with the same TLS identity (a proxy keeps client-node's own agent).
    if (url.protocol === "https:" && !this.proxied) opts.agent = this.keptAlive(mod as typeof https, prepared);
    if (payload !== undefined) {
      // Node sends a DELETE body neither chunked nor with a length unless told: the apiserver then
      // reads no body, and DeleteOptions (propagationPolicy) were silently dropped.
      (opts.headers as Record<string, string>)["Content-Length"] = String(Buffer.byteLength(payload));
    }
    return new Promise<Opened>((resolve, reject) => {
      let answered = false;
      const stream = ending(() => req.destroy());
      const req = mod.request(url, opts, (res: http.IncomingMessage) => {
        res.on("error", (e) => (answered ? stream.end(e) : reject(e)));
        res.on("close", () => answered && stream.end(undefined));
        readAnswer(res, res.statusCode ?? 0, res.headers["retry-after"], onLine, stream, (o) => {
          answered = true;
          resolve(o);
        });
      });
      req.once("socket", () => void (req.reusedSocket || this.connections++));
      req.on("error", (e) => (answered ? stream.end(e) : reject(Object.assign(e, { shared: req.reusedSocket }))));
      req.setTimeout(timeoutMs, () => {
        // A quiet watch is over, and resumed by its caller; anything else had no answer.
        if (answered && onLine) {
          req.destroy();
          return stream.end(undefined);
        }
        req.destroy(new Error(`${method} ${url.pathname}: no answer within ${Math.round(timeoutMs / 1000)} s`));
      });
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  /** One keep-alive agent with the TLS options client-node gave the first request. */
  private keptAlive(mod: typeof https, prepared: Prepared): https.Agent {
    const { ca, cert, key, pfx, passphrase, rejectUnauthorized, servername } = prepared;
    return (this.agent ??= new mod.Agent({ keepAlive: true, ca, cert, key, pfx, passphrase, servername, ...(rejectUnauthorized === undefined ? {} : { rejectUnauthorized }) }));
  }
}

/** How a stream's end reaches the one who opened it; `close` ends it from this side. */
interface Ending {
  ended: Promise<Error | undefined>;
  end(why: Error | undefined): void;
  close(): void;
}

function ending(cancel: () => void): Ending {
  let end!: (why: Error | undefined) => void;
  const ended = new Promise<Error | undefined>((r) => (end = r));
  return { ended, end, close: () => (cancel(), end(undefined)) };
}

/**
 * Reads a response: a watch's 200 as lines from here on (its end told through `stream`), any other
 * answer whole. `answer` is called as soon as the answer is known, synchronously with the event
 * that tells it, so that the caller's error and close handlers already see it answered.
 */
function readAnswer(body: NodeJS.ReadableStream, code: number, retryAfter: string | undefined, onLine: ((line: string) => void) | undefined, stream: Ending, answer: (o: Opened) => void): void {
  if (onLine && code === 200) {
    lines(body, onLine);
    body.on("end", () => stream.end(undefined));
    answer({ code, text: "", retryAfter, ended: stream.ended, close: stream.close });
    return;
  }
  const chunks: Buffer[] = [];
  body.on("data", (c: Buffer) => chunks.push(c));
  body.on("end", () => answer({ code, text: Buffer.concat(chunks).toString("utf8"), retryAfter, ended: Promise.resolve(undefined), close: () => undefined }));
}

/** Calls `onLine` with each complete line of a stream. */
function lines(body: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let rest = "";
  body.setEncoding("utf8");
  body.on("data", (chunk: string) => {
    rest += chunk;
    let nl: number;
    while ((nl = rest.indexOf("\n")) >= 0) {
      const line = rest.slice(0, nl);
      rest = rest.slice(nl + 1);
      if (line.trim()) onLine(line);
    }
  });
  // A last line the server ended without a newline.
  body.on("end", () => void (rest.trim() && onLine(rest)));
}
