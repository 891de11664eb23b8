'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { userAction } from '@/lib/action';
import { changeGrantRole, leaveDataset, removeGrant, restoreGrant, setGrantExpiry, transferOwnership } from '@/lib/grants';
import { manageInvitation, unrevokeInvitation } from '@/lib/invitations';
import { shareDataset, sharePeopleFor } from '@/lib/sharing';
import { decideAccessRequest, requestAccess } from '@/lib/sharing-requests';
import { datasetRefSchema, endOfDayUtc, grantRoleField, grantExpirySchema, grantRefSchema, grantRoleSchema, shareSchema } from '@/lib/validation/sharing';
import { z } from 'zod';
import { uuidField } from '@/lib/validation/common';

const refresh = (datasetId: string) => revalidatePath(`/datasets/${datasetId}`, 'layout'); // every tab of the dataset

export const shareDatasetAction = userAction(shareSchema, async (user, { datasetId, ...input }) => {
  const results = await shareDataset(user, datasetId, input);
  refresh(datasetId);
  return results;
});

/** The share dialog's people suggestions, fetched when it opens. */
export const sharePeopleAction = userAction(datasetRefSchema, async (user, { datasetId }) => sharePeopleFor(user.id, datasetId));

export const changeRoleAction = userAction(grantRoleSchema, async (user, { datasetId, grantId, role }) => {
  await changeGrantRole(user.id, datasetId, grantId, role);
  refresh(datasetId);
});

export const removeAccessAction = userAction(grantRefSchema, async (user, { datasetId, grantId }) => {
  const out = await removeGrant(user.id, datasetId, grantId);
  refresh(datasetId);
  return out;
});

const undoSchema = z.object({ datasetId: uuidField, undoId: uuidField });

export const undoRemoveAccessAction = userAction(undoSchema, async (user, { datasetId, undoId }) => {
  const out = await restoreGrant(user.id, datasetId, undoId);
  refresh(datasetId);
  return out;
});

export const undoRevokeInvitationAction = userAction(undoSchema, async (user, { datasetId, undoId }) => {
  const { email } = await unrevokeInvitation(user, undoId);
  refresh(datasetId);
  return { email };
});

export const setAccessUntilAction = userAction(grantExpirySchema, async (user, { datasetId, grantId, expiresAt }) => {
  // A date means "through the end of that day" (UTC).
  await setGrantExpiry(user.id, datasetId, grantId, expiresAt ? endOfDayUtc(expiresAt) : null);
  refresh(datasetId);
});

export const leaveDatasetAction = userAction(datasetRefSchema, async (user, { datasetId }) => {
  await leaveDataset(user.id, datasetId);
  redirect('/datasets');
});

export const transferOwnershipAction = userAction(grantRefSchema, async (user, { datasetId, grantId }) => {
  await transferOwnership(user.id, datasetId, grantId);
  refresh(datasetId);
});

const invitationActionSchema = z.object({ datasetId: uuidField, invitationId: uuidField, action: z.enum(['extend', 'resend', 'revoke']) });

export const manageInvitationAction = userAction(invitationActionSchema, async (user, { datasetId, invitationId, action }) => {
  const out = await manageInvitation(user, invitationId, action);
  refresh(datasetId);
  return out;
});

// Any id at all: the answer never says whether the dataset exists.
// A malformed id can never name a dataset, so refusing it reveals nothing; a well-formed one always "succeeds".
const requestAccessSchema = z.object({ datasetId: uuidField, message: z.string().max(2000).default('') });

export const requestAccessAction = userAction(requestAccessSchema, async (user, { datasetId, message }) => {
  await requestAccess(user, datasetId, message);
});

const decideSchema = z.object({ datasetId: uuidField, requestId: uuidField, decision: z.enum(['approve', 'deny']), role: grantRoleField.default('viewer') });

export const decideAccessRequestAction = userAction(decideSchema, async (user, { datasetId, requestId, decision, role }) => {
  const out = await decideAccessRequest(user, datasetId, requestId, decision, role);
  refresh(datasetId);
  return out;
});
