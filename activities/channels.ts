// The channels a delivery goes out through: email (SMTP, or a folder catcher in the embedded
// default) and signed webhooks. Each send either succeeds with the receiver's answer or throws;
// `permanent` errors are the ones no retry can fix (a rejected address, a 4xx from a webhook).
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { mkdir, readdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import nodemailer from 'nodemailer';
import { literalRefused, WebhookAllowList } from '../domain/webhook-targets';
import { checkedLookup, RefusedTarget } from './webhook-targets';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** The RFC 5322 Message-ID, the same on every attempt, so a receiver can tell a repeat. */
  messageId: string;
  /** An iCalendar invitation (a session's convocation) sent as the message's calendar part. */
  calendar?: string | null;
}

export interface Mailer {
  /** Sends one message; resolves with the server's answer. */
  send(mail: OutgoingMail): Promise<string>;
  /** For channels that can tell: whether a message with this Message-ID already arrived. */
  alreadyDelivered?(messageId: string): Promise<boolean>;
  /** Where a person can look at what was sent, for the start-up banner. */
  describe(): string;
  close(): void;
}

export class ChannelError extends Error {
  override name = 'ChannelError';
  constructor(message: string, readonly permanent: boolean, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The message as nodemailer takes it: an invitation becomes its text/calendar part (with its METHOD). */
function withCalendar({ calendar, ...mail }: OutgoingMail) {
  if (!calendar) return mail;
  const method = /^METHOD:(\w+)/m.exec(calendar)?.[1] ?? 'REQUEST';
  return { ...mail, icalEvent: { method, filename: 'invitacion.ics', content: calendar } };
}

/** Mail through an SMTP server (SMTP_URL, e.g. smtp://user:pass@host:587). */
export function smtpMailer(url: string, from: string): Mailer {
  // A pool of open connections: a round's messages share them instead of a handshake each.
  const transport = nodemailer.createTransport({ url, pool: true, maxConnections: 8, maxMessages: 1000 }, { from });
  return {
    async send(mail) {
      try {
        const info = await transport.sendMail({ ...withCalendar(mail), from });
        return info.response;
      } catch (e) {
        const err = e as { message: string; responseCode?: number };
        // 5xx is the server's final word on this message (unknown mailbox, refused address); the
        // rest (refused connections, timeouts, 4xx) may pass on a later attempt.
        throw new ChannelError(`SMTP: ${err.message}`, (err.responseCode ?? 0) >= 500, { cause: e });
      }
    },
    describe: () => `SMTP ${new URL(url).host}`,
    close: () => transport.close(),
  };
}

/** What identifies a message's file whatever day it was written: a hash of its Message-ID. */
const idOf = (messageId: string) => createHash('sha256').update(messageId).digest('hex').slice(0, 12);

/** The subject as a file name: lowercase words without accents, joined by dashes. */
const slug = (subject: string) => subject.replace(/^\[Mesa MTIGM\]\s*/, '').normalize('NFD').replace(/[\u0300-\u036f]/g, '')
  .toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60).replace(/-+$/, '') || 'mensaje';

/** `2026-11-29T10-46-00Z-asunto-del-mensaje-<id>.eml`: sorted by name, the newest is the last. */
const fileOf = (mail: OutgoingMail, at: Date) => `${at.toISOString().replace(/\.\d{3}/, '').replace(/:/g, '-')}-${slug(mail.subject)}-${idOf(mail.messageId)}.eml`;

/**
 * The embedded default when no SMTP_URL is set: each message is written as an .eml file (open it
 * with any mail program) into a folder of the data directory, named by date and subject so the
 * newest is easy to find. One file per Message-ID (its hash ends the name), so this channel knows
 * what arrived and never holds a message twice.
 */
export function folderMailer(dir: string, from: string): Mailer {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  const arrived = async (messageId: string) => {
    const suffix = `-${idOf(messageId)}.eml`;
    return (await readdir(dir).catch(() => [] as string[])).some((name) => name.endsWith(suffix));
  };
  return {
    async send(mail) {
      const info = await transport.sendMail({ ...withCalendar(mail), from });
      await mkdir(dir, { recursive: true });
      const path = join(dir, fileOf(mail, new Date()));
      // Written whole under a temporary name, then renamed: a reader never sees half a message.
      await writeFile(`${path}.tmp`, info.message as Buffer);
      await rename(`${path}.tmp`, path);
      return `guardado en ${path}`;
    },
    alreadyDelivered: arrived,
    describe: () => `carpeta ${dir}`,
    close: () => transport.close(),
  };
}

// ---- webhooks ------------------------------------------------------------------------------

export const signatureHeader = 'x-mesa-signature';
export const deliveryHeader = 'x-mesa-delivery';

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, the same scheme receivers verify. */
export function signWebhook(secret: string, body: string, timestamp: number): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

/** For receivers (and our tests): true only for the exact body, the right secret and a recent time. */
export function verifyWebhook(secret: string, body: string, header: string, nowSeconds = Math.floor(Date.now() / 1000), toleranceSeconds = 300): boolean {
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=') as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || !parts.v1 || Math.abs(nowSeconds - t) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, body, t).split('v1=')[1]!, 'hex');
  const given = Buffer.from(parts.v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export interface WebhookPost {
  url: string;
  secret: string;
  body: string;
  deliveryId: string;
  event: string;
  /** Aborts the request: the activity's cancellation. */
  signal: AbortSignal;
  /** Private or local targets accepted anyway (MESA_WEBHOOK_ALLOW); none by default. */
  allow?: WebhookAllowList;
}

const noAllowance = new WebhookAllowList();

/** One POST over http(s), connected only to an address that passed the target check. */
function post(p: WebhookPost, allow: WebhookAllowList): Promise<number> {
  const url = new URL(p.url);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, {
      method: 'POST',
      lookup: checkedLookup(allow),
      signal: AbortSignal.any([p.signal, AbortSignal.timeout(10_000)]),
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(p.body),
        [signatureHeader]: signWebhook(p.secret, p.body, Math.floor(Date.now() / 1000)),
        [deliveryHeader]: p.deliveryId,
        'x-mesa-event': p.event,
        'user-agent': 'Mesa-MTIGM-Webhooks/1',
      },
    }, (res) => {
      // The receiver's body is not read: only its status counts.
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(p.body);
  });
}

/**
 * One signed POST; a receiver that does not answer in 10 s counts as a failed attempt. A refused
 * target is a permanent failure whose message says only that: no address, port or connection
 * error, so the delivery list cannot be used to probe what answers inside our network.
 */
export async function postWebhook(p: WebhookPost): Promise<string> {
  const allow = p.allow ?? noAllowance;
  const refused = () => new ChannelError('Webhook: el destino no está permitido (red privada o local). Revise la dirección del webhook.', true);
  let status: number;
  try {
    if (literalRefused(new URL(p.url).hostname, allow)) throw refused();
    status = await post(p, allow);
  } catch (e) {
    if (e instanceof ChannelError) throw e;
    if (e instanceof RefusedTarget) throw refused();
    throw new ChannelError(`Webhook ${p.url}: ${(e as Error).message}`, false, { cause: e });
  }
  if (status >= 200 && status < 300) return `HTTP ${status}`;
  // 408 and 429 ask us to come back later; any other 4xx will not change by repeating it.
  const permanent = status >= 400 && status < 500 && status !== 408 && status !== 429;
  throw new ChannelError(`Webhook ${p.url}: respondió HTTP ${status}`, permanent);
}
