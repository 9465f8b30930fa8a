/**
 * What the serialized providers `require` inside their methods: the lifecycle of each resource kind
 * against the process's session. Everything heavy (catalog, HTTP client, snapshot) lives behind this
 * module, so the provider text stored in each resource's state stays a few lines long.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { Catalog } from "../catalog/catalog";
import { redact, UserError } from "../errors";
import { checkGroupInputs, deleteGroup, diffGroupInputs, readGroup, updateGroup, writeGroup } from "./group-licenses-lifecycle";
import type { GroupLicensesInputs, GroupLicensesOutputs } from "./group-licenses-types";
import { checkSetInputs, deleteSet, diffSetInputs, readSet, writeSet } from "./license-set-lifecycle";
import type { LicenseSetInputs, LicenseSetOutputs } from "./license-set-types";
import { checkRecord, createRecord, diffRecord, readRecord, updateRecord } from "./managed-users-lifecycle";
import type { ManagedUsersOutputs } from "./managed-users-types";
import { configureProvider, currentSession } from "./provider-session";
import { checkUserInputs, diffUserInputs } from "./user-inputs";
import { deleteUser, readUser, writeUser } from "./user-licenses-lifecycle";
import type { UserLicensesInputs, UserLicensesOutputs } from "./user-licenses-types";

/** Pulumi prints `message`; a UserError's hint belongs there too, and no secret ever does. */
async function surface<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof UserError) throw new Error(redact(e.hint ? `${e.message}\n${e.hint}` : e.message));
    if (e instanceof Error) e.message = redact(e.message);
    throw e;
  }
}

const configure = async (req: dynamic.ConfigureRequest): Promise<void> => surface(async () => configureProvider((k) => req.config.get(k)));

export const userLicenses: dynamic.ResourceProvider<UserLicensesInputs, UserLicensesOutputs> = {
  configure,
  check: async (_olds, news) => surface(async () => ({ inputs: news, failures: checkUserInputs(news) })),
  diff: async (_id, olds, news) => surface(async () => diffUserInputs(olds, news, Catalog.load())),
  create: async (inputs) => surface(() => writeUser(currentSession(), inputs)),
  // ReadResult types `inputs` as the outputs; ours are the input half of them.
  read: async (id, props) => surface(() => readUser(currentSession(), id, props!) as Promise<dynamic.ReadResult<UserLicensesOutputs>>),
  update: async (_id, _olds, news) => surface(async () => ({ outs: (await writeUser(currentSession(), news)).outs })),
  delete: async (id, props) => surface(() => deleteUser(currentSession(), id, props)),
};

export const licenseSet: dynamic.ResourceProvider<LicenseSetInputs, LicenseSetOutputs> = {
  configure,
  check: async (_olds, news) => surface(async () => ({ inputs: news, failures: checkSetInputs(news) })),
  diff: async (_id, olds, news) => surface(async () => diffSetInputs(olds, news, Catalog.load())),
  create: async (inputs) => surface(() => writeSet(currentSession(), undefined, inputs)),
  read: async (id, props) => surface(() => readSet(currentSession(), id, props!) as Promise<dynamic.ReadResult<LicenseSetOutputs>>),
  update: async (id, olds, news) => surface(async () => ({ outs: (await writeSet(currentSession(), olds, news, id)).outs })),
  delete: async (_id, props) => surface(() => deleteSet(currentSession(), props)),
};

/** The stack's record of the users it manages; its update lets go of the users an `up` drops; deleting it deletes nothing. */
export const managedUsers: dynamic.ResourceProvider<ManagedUsersOutputs, ManagedUsersOutputs> = {
  configure,
  check: async (olds, news) => surface(async () => checkRecord(olds, news)),
  diff: async (_id, olds, news) => surface(async () => diffRecord(olds, news)),
  create: async (inputs) => surface(() => createRecord(inputs)),
  read: async (id, props) => surface(() => readRecord(id, props!)),
  update: async (_id, _olds, news) => surface(() => updateRecord(currentSession, news)),
  delete: async () => undefined,
};

export const groupLicenses: dynamic.ResourceProvider<GroupLicensesInputs, GroupLicensesOutputs> = {
  configure,
  check: async (_olds, news) => surface(async () => ({ inputs: news, failures: checkGroupInputs(news) })),
  diff: async (_id, olds, news) => surface(async () => diffGroupInputs(olds, news)),
  create: async (inputs) => surface(() => writeGroup(currentSession(), inputs)),
  read: async (id, props) => surface(() => readGroup(currentSession(), id, props!) as Promise<dynamic.ReadResult<GroupLicensesOutputs>>),
  update: async (_id, olds, news) => surface(async () => ({ outs: await updateGroup(currentSession(), olds, news) })),
  delete: async (id, props) => surface(() => deleteGroup(currentSession(), id, props)),
};
