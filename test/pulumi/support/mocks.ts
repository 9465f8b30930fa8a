/** Pulumi program tests with `pulumi.runtime.setMocks`: what was registered, and Output values. */
import * as pulumi from "@pulumi/pulumi";

export interface Registered {
  type: string;
  name: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  inputs: Record<string, any>;
}

/** Install mocks that record every resource registration and echo inputs as state. */
export async function recordResources(preview: boolean): Promise<Registered[]> {
  const registered: Registered[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs });
        return { id: `${args.name}-id`, state: args.inputs };
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
