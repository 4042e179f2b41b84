import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AuthConfig } from '../config/auth-config';
import type { MailSettings } from '../config/mail-config';
import type { Tx } from '../database/unit-of-work';
import { KeyEncryption } from '../signing-keys/key-encryption';
import { MailMetrics, type SendOutcome } from './mail.metrics';
import { describeFailure, isPermanentFailure, type MailTransport } from './mail-transport';
import { MAIL_TRANSPORT } from './mail.tokens';
import { type ClaimedRow, OutboxRepository } from './outbox.repository';
import { OutboxStatus } from './outbox-status';
import { bodyAad } from './mail-body';

/** Runs a job row; calls `complete(trx)` inside its own transaction so the job and its completion commit together. */
export type JobHandler = (payload: unknown, complete: (trx: Tx) => Promise<void>) => Promise<void>;

const BATCH = 10;
const PRUNE_EVERY_MS = 60 * 60_000;
/** Sent and failed mails are kept this long as a record (bodies already erased). */
const KEEP_FINISHED_MS = 7 * 86_400_000;

/**
 * Delivers the outbox: polls every MAIL_POLL_INTERVAL (and at once when this instance wrote mail), claims due rows
 * under a lease, sends each, and marks it sent — at least once: a crash between the server's acceptance and the mark
 * sends it again after the lease. Failures are retried with exponential backoff (MAIL_RETRY_BASE_DELAY doubling up to
 * MAIL_RETRY_MAX_DELAY) until MAIL_MAX_ATTEMPTS, or given up at once when the server refuses for good (SMTP 5xx).
 * Several instances share the table: each row is claimed by one of them (see `OutboxRepository.claim`).
 */
@Injectable()
export class MailDeliveryWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('MailDelivery');
  private readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly settings: MailSettings;
  private readonly sealer: KeyEncryption;
  private readonly jobs = new Map<string, JobHandler>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  private lastPrune = 0;

  constructor(
    private readonly rows: OutboxRepository,
    @Inject(MAIL_TRANSPORT) private readonly transport: MailTransport,
    private readonly metrics: MailMetrics,
    private readonly status: OutboxStatus,
    config: AuthConfig,
  ) {
    this.settings = config.mail;
    this.sealer = new KeyEncryption(config.signingKeys.encryptionSecret);
  }

  registerJob(kind: `${string}.request`, handler: JobHandler): void {
    this.jobs.set(kind, handler);
  }

  onApplicationBootstrap(): void {
    if (!this.settings.enabled) return;
    this.stopped = false;
    this.schedule(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    this.transport.close();
  }

  /** Runs a cycle now (or right after the one in progress). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.schedule(0);
  }

  /** One poll: claims and handles due rows until none are left, then reports the outbox. For specs too. */
  async runOnce(now = () => new Date()): Promise<void> {
    for (;;) {
      const claimed = await this.rows.claim(this.owner, BATCH, now(), this.settings.claimLeaseMs);
      for (const row of claimed) await this.handle(row, now);
      if (claimed.length < BATCH) break;
    }
    const state = await this.rows.state();
    const oldestMs = state.oldestCreatedAt ? Math.max(0, now().getTime() - state.oldestCreatedAt.getTime()) : 0;
    this.metrics.observeOutbox(state.depth, oldestMs);
    this.status.update(state.depth, oldestMs, this.settings.stuckAfterMs);
    if (now().getTime() - this.lastPrune > PRUNE_EVERY_MS) {
      this.lastPrune = now().getTime();
      await this.rows.pruneFinishedBefore(new Date(now().getTime() - KEEP_FINISHED_MS));
    }
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.running = this.cycle().finally(() => {
        this.running = undefined;
        if (this.stopped) return;
        const rerun = this.again;
        this.again = false;
        this.schedule(rerun ? 0 : this.settings.pollIntervalMs);
      });
    }, delayMs);
    this.timer.unref();
  }

  private async cycle(): Promise<void> {
    try {
      await this.runOnce();
    } catch (error) {
      // The database is down or busy: the rows stay, and the next poll tries again.
      this.logger.warn(`Mail outbox poll failed (retried at the next poll): ${describeFailure(error)}`);
    }
  }

  private async handle(row: ClaimedRow, now: () => Date): Promise<void> {
    const attempts = row.attempts + 1;
    const job = row.kind.endsWith('.request');
    const count = (outcome: SendOutcome) => {
      if (!job) this.metrics.countSend(outcome);
    };
    try {
      if (job) await this.runJob(row);
      else {
        await this.send(row);
        await this.rows.markSent(row.id, this.owner, now());
      }
      count('sent');
    } catch (error) {
      const reason = describeFailure(error);
      if (isPermanentFailure(error) || attempts >= this.settings.maxAttempts) {
        count('failed');
        this.logger.error(`Mail ${row.id} (${row.kind}) given up after ${attempts} attempt(s): ${reason}`);
        await this.rows.markFailed(row.id, this.owner, attempts, now(), reason);
        return;
      }
      count('retry');
      const delayMs = Math.min(
        this.settings.retryBaseDelayMs * 2 ** Math.min(attempts - 1, 30),
        this.settings.retryMaxDelayMs,
      );
      this.logger.warn(`Mail ${row.id} (${row.kind}) attempt ${attempts} failed, next in ${delayMs} ms: ${reason}`);
      await this.rows.markRetry(row.id, this.owner, attempts, new Date(now().getTime() + delayMs), reason);
    }
  }

  private async send(row: ClaimedRow): Promise<void> {
    if (row.recipient === null || row.subject === null || row.textBody === null || row.htmlBody === null) {
      throw Object.assign(new Error('outbox row without a mail'), { responseCode: 550 });
    }
    await this.transport.send({
      id: row.id,
      to: row.recipient,
      subject: row.subject,
      text: this.sealer.open(bodyAad(row.id, 'text'), row.textBody),
      html: this.sealer.open(bodyAad(row.id, 'html'), row.htmlBody),
    });
  }

  private async runJob(row: ClaimedRow): Promise<void> {
    const handler = this.jobs.get(row.kind);
    if (!handler) throw new Error(`no handler for outbox job ${row.kind} on this instance`);
    const payload: unknown = row.payload === null ? null : JSON.parse(row.payload);
    await handler(payload, (trx) => this.rows.markSent(row.id, this.owner, new Date(), trx));
  }
}
