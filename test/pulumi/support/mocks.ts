/** Pulumi program tests with `pulumi.runtime.setMocks`: what was registered, and Output values. */
import * as pulumi from "@pulumi/pulumi";
import { checkRecord } from "../../../provider/pulumi/managed-users-lifecycle";
import type { ManagedUsersInputs, RecordedUsers } from "../../../provider/pulumi/managed-users-types";

export interface Registered {
  type: string;
  name: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  inputs: Record<string, any>;
}

/**
 * The state the engine gives back for a registration, inputs echoed: for the stack's record
 * (`ManagedUsers`) after its real `check`, as the engine calls it, with `before` as the record the
 * stack held (none: a first update). The record's update, which writes at `up`, is not run here.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function engineState(type: string, inputs: Record<string, any>, before?: RecordedUsers): Record<string, unknown> {
  if (!type.endsWith(":ManagedUsers")) return inputs;
  return checkRecord(before ?? {}, inputs as ManagedUsersInputs).inputs as unknown as Record<string, unknown>;
}

/** Install mocks that record every resource registration and echo inputs as state. */
export async function recordResources(preview: boolean, before?: RecordedUsers): Promise<Registered[]> {
  const registered: Registered[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs });
        return { id: `${args.name}-id`, state: engineState(args.type, args.inputs, before) };
      },
      call: () => ({}),
    },
    "m365-licenses-test",
    "test",
    preview,
  );
  return registered;
}

/** The value of an Output (mocks resolve them in-process). */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((v) => (resolve(v), v)));
}

/** Wait until every registration of `resources` reached the mock monitor. */
export async function registered(resources: pulumi.CustomResource[]): Promise<void> {
  await Promise.all(resources.map((r) => valueOf(r.urn)));
}
