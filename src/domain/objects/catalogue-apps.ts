// Application and media objects (queues, conferences, music on hold, media files, voicemail boxes,
// phones, flows, campaigns, feature codes, ...), by MANAGEDB name. Objects marked OpenAPI only are
// not MANAGEDB objects in MiRTA; openapi.php serves them from this catalogue.
import { campaignNumberSchema, campaignSchema } from './campaign.ts';
import { conferenceSchema } from './conference.ts';
import { cronJobSchema } from './cron-job.ts';
import { disaSchema } from './disa.ts';
import { flowSchema } from './flow.ts';
import { mediaFileSchema } from './media-file.ts';
import { musicOnHoldSchema } from './musiconhold.ts';
import type { ObjectSchema } from './object-schema.ts';
import { pagingGroupSchema } from './paging-group.ts';
import { phonePhonebookSchema } from './phone-phonebook.ts';
import { phoneSchema } from './phone.ts';
import { queueSchema } from './queue.ts';
import { featureCodeSchema, pinCodeSchema, shortNumberSchema } from './short-codes.ts';
import { tenantVariableSchema } from './tenant-variable.ts';
import { userProfileSchema } from './user-profile.ts';
import { voicemailSchema } from './voicemail.ts';

export const APP_OBJECTS: Readonly<Record<string, ObjectSchema>> = {
  queue: queueSchema,
  conference: conferenceSchema,
  musiconhold: musicOnHoldSchema,
  mediafile: mediaFileSchema,
  voicemail: voicemailSchema,
  phone: phoneSchema,
  phonephonebook: phonePhonebookSchema,
  // OpenAPI only (§3.4.24, §3.4.19).
  flow: flowSchema,
  paginggroup: pagingGroupSchema,
  tenantvariable: tenantVariableSchema,
  disa: disaSchema,
  campaign: campaignSchema,
  campaignnumber: campaignNumberSchema,
  cronjob: cronJobSchema,
  featurecode: featureCodeSchema,
  shortnumber: shortNumberSchema,
  pincode: pinCodeSchema,
  userprofile: userProfileSchema,
};
