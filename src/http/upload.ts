import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { Busboy, type BusboyFileStream } from '@fastify/busboy';
import { AppError, appError } from '../errors.js';
import {
  XML_TYPES,
  declaredLength,
  limitOf,
  mediaType,
  refuseCompressed,
  type BodyLimits,
  type BodySpec,
} from './body.js';

/**
 * The `upload` reader (body.ts): one file, streamed to the route as it arrives (FED-2, FED-3), sent either
 * as the raw body (`application/xml`, `text/xml`, `application/samlmetadata+xml`) or as the one file of a
 * `multipart/form-data` body (a browser's file input, the field the route names; default `file`). Either
 * way the route iterates an `Upload` once for its chunks; nothing is buffered, decoded or parsed as XML here.
 */
export interface Upload extends AsyncIterable<Buffer> {
  /** The file's media type: the body's (raw), or the file part's Content-Type (multipart; '' when absent). */
  readonly mediaType: string;
  /** The size limit of the file itself. */
  readonly limitBytes: number;
  /** Content-Length of a raw upload when the client sent one; null for chunked and multipart bodies. */
  readonly declaredBytes: number | null;
  /** Multipart only: the short text fields sent before the file (e.g. which entity to take); else empty. */
  readonly fields: Readonly<Record<string, string>>;
  /** Multipart only: the file name the client gave, as sent (never used as a path); else null. */
  readonly fileName: string | null;
  /** True once the whole body was read: otherwise the connection cannot be reused and is closed. */
  readonly complete: boolean;
}

/** Every upload this module opened: what `isUpload` recognises (a route's body is never one by accident). */
const opened = new WeakSet<object>();

export function isUpload(value: unknown): value is Upload {
  return typeof value === 'object' && value !== null && opened.has(value);
}

/** What a multipart upload may carry besides its file: a few short fields, before the file. */
const MULTIPART_LIMITS = { fields: 8, fieldSize: 1024, fieldNameSize: 64, headerPairs: 16, parts: 9 };
/** Multipart framing (boundaries, part headers, fields) allowed on top of the file's own limit. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

/** Checks the headers (type, encoding, declared size) and hands the unread body to the route. */
export function openUpload(req: IncomingMessage, spec: BodySpec, limits: BodyLimits): Upload {
  const limitBytes = limitOf(spec, limits);
  const type = mediaType(req);
  const multipart = type === 'multipart/form-data';
  if (!multipart && !XML_TYPES.has(type)) throw new AppError('UNSUPPORTED_MEDIA_TYPE');
  refuseCompressed(req);
  if (multipart) {
    declaredLength(req, limitBytes + MULTIPART_OVERHEAD_BYTES);
    return new MultipartUpload(req, limitBytes, spec.field ?? 'file');
  }
  const declared = declaredLength(req, limitBytes);
  return new RawUpload(req, type, limitBytes, Number.isNaN(declared) ? null : declared);
}

const invalid = (reason: string): AppError => appError('UPLOAD_INVALID', { reason });

type PartEvent =
  | { kind: 'file'; field: string; stream: BusboyFileStream; fileName: string; mediaType: string }
  | { kind: 'finish' }
  | { kind: 'fail'; error: AppError };

/**
 * A `multipart/form-data` upload: exactly one file, in the field the route names, of at most `limitBytes`
 * (the file itself; the body may be MULTIPART_OVERHEAD_BYTES larger). Short text fields may precede it and
 * are kept in `fields`. Everything else is refused with `UPLOAD_INVALID` and its reason, thrown from the
 * iteration: a file in another field, a second file, no file, a field after the file, too many or too long
 * fields, a malformed body. The file's bytes are pulled from busboy as the route consumes them, and busboy
 * pulls from the socket as its file stream is read, so the file is never held whole.
 */
class MultipartUpload implements Upload {
  readonly declaredBytes = null;
  readonly fields: Record<string, string> = Object.create(null) as Record<string, string>;
  mediaType = '';
  fileName: string | null = null;
  private started = false;
  private finished = false;

  constructor(
    private readonly req: IncomingMessage,
    readonly limitBytes: number,
    private readonly field: string,
  ) {
    opened.add(this);
  }

  get complete(): boolean {
    return this.finished && this.req.readableEnded;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer, void, undefined> {
    if (this.started) throw new Error('an upload is read once');
    this.started = true;
    const events = this.parse();
    const first = await events.next();
    if (first.kind === 'fail') throw first.error;
    if (first.kind === 'finish') throw invalid(`no file: send one file in the form field "${this.field}"`);
    if (first.field !== this.field) {
      first.stream.resume();
      throw invalid(`the file goes in the form field "${this.field}", not "${first.field}"`);
    }
    this.mediaType = first.mediaType.split(';', 1)[0]!.trim().toLowerCase();
    this.fileName = first.fileName;
    for (;;) {
      // A failure while the file is read (the client hung up, a field after the file, a broken body) ends the
      // reading at once: the file stream itself may never end then.
      const pending = nextChunk(first.stream);
      pending.catch(() => undefined); // when the failure wins, this one settles unobserved
      const chunk = await Promise.race([pending, events.failure]);
      if (chunk === null) break;
      yield chunk;
    }
    if (first.stream.truncated) throw new AppError('PAYLOAD_TOO_LARGE');
    const last = await events.next();
    if (last.kind === 'fail') throw last.error;
    if (last.kind === 'file') {
      last.stream.resume();
      throw invalid('send exactly one file');
    }
  }

  /** busboy's events as a queue the iteration awaits; fields are kept or refused as they come. */
  private parse(): { next(): Promise<PartEvent>; failure: Promise<never> } {
    const queue: PartEvent[] = [];
    let waiting: ((e: PartEvent) => void) | undefined;
    let fileSeen = false;
    const push = (e: PartEvent): void => {
      if (waiting !== undefined) {
        const w = waiting;
        waiting = undefined;
        w(e);
      } else queue.push(e);
    };
    let failed = false;
    let rejectFailure!: (error: AppError) => void;
    const failure = new Promise<never>((_resolve, reject) => (rejectFailure = reject));
    failure.catch(() => undefined); // observed by the iteration only while it reads the file
    const fail = (error: AppError): void => {
      if (failed) return;
      failed = true;
      this.req.unpipe(bb);
      rejectFailure(error);
      push({ kind: 'fail', error });
    };
    let bb: ReturnType<typeof Busboy>;
    try {
      bb = Busboy({
        headers: this.req.headers as { 'content-type': string },
        limits: { ...MULTIPART_LIMITS, files: 2, fileSize: this.limitBytes },
      });
    } catch {
      throw invalid('the multipart body has no boundary');
    }
    bb.on('file', (field, stream, fileName, _encoding, mime) => {
      // A second file is discarded unread; the iteration refuses it when it gets there.
      if (failed || fileSeen) stream.resume();
      if (failed) return;
      fileSeen = true;
      push({ kind: 'file', field, stream, fileName, mediaType: mime });
    });
    bb.on('field', (name, value, nameTruncated, valueTruncated) => {
      if (fileSeen) return fail(invalid(`the field "${name}" must come before the file`));
      if (nameTruncated || valueTruncated)
        return fail(invalid(`the field "${name}" is too long (at most ${MULTIPART_LIMITS.fieldSize} bytes)`));
      if (Object.hasOwn(this.fields, name)) return fail(invalid(`the field "${name}" is sent twice`));
      this.fields[name] = value;
    });
    const tooMany = (): void =>
      fail(invalid(`too many form fields (at most ${MULTIPART_LIMITS.fields} besides the file)`));
    bb.on('fieldsLimit', tooMany).on('partsLimit', tooMany);
    bb.on('filesLimit', () => fail(invalid('send exactly one file')));
    bb.on('error', () => fail(invalid('the multipart body is malformed')));
    bb.on('finish', () => {
      this.finished = true;
      push({ kind: 'finish' });
    });
    this.req.on('aborted', () => fail(new AppError('REQUEST_ABORTED')));
    this.req.on('close', () => {
      if (!this.req.readableEnded) fail(new AppError('REQUEST_ABORTED'));
    });
    this.req.pipe(bb);
    return {
      failure,
      next: () => {
        const e = queue.shift();
        return e !== undefined ? Promise.resolve(e) : new Promise((resolve) => (waiting = resolve));
      },
    };
  }
}

/**
 * One uploaded file as it arrives (FED-2, FED-3): iterate it once for its chunks. The limit is counted while
 * the route reads (413 PAYLOAD_TOO_LARGE thrown from the iteration, the rest left unread); a client that hangs
 * up mid-file makes the iteration throw REQUEST_ABORTED. Reading pulls from the socket only as fast as the
 * route consumes, so a slow validator holds a few chunks, never the file.
 */
export class RawUpload implements Upload {
  readonly fields: Readonly<Record<string, string>> = Object.freeze({});
  readonly fileName = null;
  private started = false;
  private ended = false;

  constructor(
    private readonly req: IncomingMessage,
    /** The file's media type, e.g. `application/xml`. */
    readonly mediaType: string,
    readonly limitBytes: number,
    /** Content-Length when the client sent one (else chunked: known only at the end). */
    readonly declaredBytes: number | null,
  ) {
    opened.add(this);
  }

  /** True once every byte was read: otherwise the connection cannot be reused and is closed after the answer. */
  get complete(): boolean {
    return this.ended;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer, void, undefined> {
    if (this.started) throw new Error('an upload is read once');
    this.started = true;
    let size = 0;
    for (;;) {
      const chunk = await nextChunk(this.req);
      if (chunk === null) break;
      size += chunk.length;
      if (size > this.limitBytes) throw new AppError('PAYLOAD_TOO_LARGE');
      yield chunk;
    }
    this.ended = true;
    if (this.declaredBytes !== null && this.declaredBytes !== size) throw new AppError('REQUEST_ABORTED');
  }
}

/**
 * The next chunk, or null at the end. Pull-based (`read()` on 'readable') rather than the stream's own async
 * iterator, which destroys the request (and with it the socket) when the route stops early: the 413 or the
 * validator's answer must still reach the client.
 */
function nextChunk(req: Readable): Promise<Buffer | null> {
  const chunk = req.read() as Buffer | null;
  if (chunk !== null) return Promise.resolve(chunk);
  if (req.readableEnded) return Promise.resolve(null);
  if (req.destroyed) return Promise.reject(new AppError('REQUEST_ABORTED'));
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      req
        .off('readable', onReadable)
        .off('end', onEnd)
        .off('error', onAborted)
        .off('aborted', onAborted)
        .off('close', onClose);
    };
    const onReadable = (): void => {
      const next = req.read() as Buffer | null;
      if (next === null) return; // 'end' follows
      cleanup();
      resolve(next);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(null);
    };
    const onAborted = (): void => {
      cleanup();
      reject(new AppError('REQUEST_ABORTED'));
    };
    const onClose = (): void => {
      if (!req.readableEnded) onAborted();
    };
    req
      .on('readable', onReadable)
      .on('end', onEnd)
      .on('error', onAborted)
      .on('aborted', onAborted)
      .on('close', onClose);
  });
}

declare module 'koa' {
  interface Request {
    /** Set by the body middleware (middleware/body.ts) for POST, PUT and PATCH: parsed, or an Upload. */
    body?: unknown;
    /** `raw` routes: the exact bytes the body was parsed from (KEY-4 signatures). */
    rawBody?: Buffer;
  }
}
