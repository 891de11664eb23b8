import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { datasets } from './datasets';
import { teams } from './teams';
import { users } from './users';

export const invitationStatus = pgEnum('invitation_status', ['pending', 'accepted', 'declined', 'revoked']);

/** An offer of a dataset role, or of team membership, to an email address. "Expired" = pending past expires_at. */
export const invitations = pgTable(
  'invitations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    datasetId: uuid('dataset_id').references(() => datasets.id, { onDelete: 'cascade' }),
    teamId: uuid('team_id').references(() => teams.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    role: text('role').notNull(), // a dataset role or a team role, depending on the target
    tokenHash: text('token_hash').notNull(),
    status: invitationStatus('status').notNull().default('pending'),
    message: text('message').notNull().default(''),
    // Dataset invitations: the grant made on acceptance stops granting at this instant ("Access until").
    accessUntil: timestamp('access_until', { withTimezone: true }),
    invitedBy: uuid('invited_by').references(() => users.id, { onDelete: 'set null' }),
    acceptedBy: uuid('accepted_by').references(() => users.id, { onDelete: 'set null' }),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('invitations_one_target', sql`(${t.datasetId} is null) <> (${t.teamId} is null)`),
    uniqueIndex('invitations_token_hash_key').on(t.tokenHash),
    uniqueIndex('invitations_pending_dataset_key').on(t.datasetId, t.email).where(sql`status = 'pending'`),
    uniqueIndex('invitations_pending_team_key').on(t.teamId, t.email).where(sql`status = 'pending'`),
    index('invitations_email_idx').on(t.email, t.status),
  ],
);

export const outboxStatus = pgEnum('outbox_status', ['pending', 'sent', 'failed']);

/** Transactional outbox: written with the change that causes the email, delivered by lib/email/worker.ts. */
export const emailOutbox = pgTable(
  'email_outbox',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind').notNull(),
    to: text('to').notNull(),
    payload: jsonb('payload').notNull(),
    // Deleting an invitation (its dataset or team went) deletes its queued emails: they would carry a dead link.
    invitationId: uuid('invitation_id').references(() => invitations.id, { onDelete: 'cascade' }),
    status: outboxStatus('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    lastError: text('last_error'),
    providerId: text('provider_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
  },
  (t) => [
    index('email_outbox_due_idx').on(t.status, t.nextAttemptAt),
    index('email_outbox_invitation_idx').on(t.invitationId),
  ],
);

/** Append-only record of who did what to a dataset or a team. */
export const activityEvents = pgTable(
  'activity_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    datasetId: uuid('dataset_id').references(() => datasets.id, { onDelete: 'cascade' }),
    teamId: uuid('team_id').references(() => teams.id, { onDelete: 'cascade' }),
    actorId: uuid('actor_id').references(() => users.id, { onDelete: 'set null' }),
    action: text('action').notNull(),
    detail: jsonb('detail').notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('activity_dataset_idx').on(t.datasetId, t.createdAt),
    index('activity_team_idx').on(t.teamId, t.createdAt),
  ],
);

/**
 * One submission of the share form, by its client-generated request id: a resubmission of the same
 * form (a retry after a lost response or a crash) returns the first result instead of sharing again.
 * Results are stored without invitation links (tokens are only ever stored hashed). Kept for a day.
 */
export const shareRequests = pgTable(
  'share_requests',
  {
    userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    requestId: uuid('request_id').notNull(),
    datasetId: uuid('dataset_id').notNull().references(() => datasets.id, { onDelete: 'cascade' }),
    result: jsonb('result'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.requestId] })],
);

/**
 * "Request access": a signed-in user asks for a dataset they cannot open. One pending request per
 * user and dataset; managers and the owner approve (with a role) or deny it.
 */
export const accessRequests = pgTable(
  'access_requests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    datasetId: uuid('dataset_id').notNull().references(() => datasets.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    message: text('message').notNull().default(''),
    status: text('status').notNull().default('pending'), // pending | approved | denied
    decidedBy: uuid('decided_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('access_requests_pending_key').on(t.datasetId, t.userId).where(sql`status = 'pending'`),
    index('access_requests_dataset_idx').on(t.datasetId, t.status),
  ],
);

/** Reminders and notices already sent (each once): what, about which row, for which deadline. */
export const sharingNotices = pgTable(
  'sharing_notices',
  {
    kind: text('kind').notNull(), // invitation-expiring | invitation-expired | access-ending
    subjectId: uuid('subject_id').notNull(),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.subjectId, t.dueAt] })],
);

/** Optional emails a user turned off (`team-shares`: a dataset shared with one of their teams). */
export const notificationOptOuts = pgTable(
  'notification_opt_outs',
  {
    userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.kind] })],
);
