/**
 * The provider objects Pulumi serializes into every resource's state. They capture two short
 * strings and require the package's runtime inside each method, so the stored text stays well under
 * 4 KB and holds no client, token or credential (credentials arrive later, through `configure`, in
 * the provider process). Only `import type` here: a value import would be captured and serialized.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";

export type RuntimeKind = "userLicenses" | "licenseSet" | "managedUsers" | "groupLicenses";

/** Where the provider process finds the runtime: the installed package first, then this copy. */
export function runtimeLocations(): string[] {
  // The package name resolves from the Pulumi project's node_modules on any machine, so a state
  // written on a laptop still works in CI; the absolute path serves a checkout of this repository.
  // A program run from this repository's TypeScript sources (`provider/pulumi`) finds the compiled
  // runtime in dist/ (`npm run build`): the provider process is plain node and loads JavaScript.
  const compiled = /[\\/]dist[\\/]provider[\\/]pulumi$/.test(__dirname) ? [] : [`${__dirname}/../../dist/provider/pulumi/provider-runtime`];
  return ["m365-licenses/pulumi/runtime", `${__dirname}/provider-runtime`, ...compiled];
}

export function dynamicProvider(kind: RuntimeKind, locations: string[] = runtimeLocations()): dynamic.ResourceProvider {
  const runtime = (): dynamic.ResourceProvider => {
    for (const where of locations) {
      try {
        return require(where)[kind];
      } catch (e) {
        const err = e as { code?: string; message?: string };
        if (err.code !== "MODULE_NOT_FOUND" || !String(err.message).includes(where)) throw e;
      }
    }
    throw new Error(`m365-licenses: cannot load the provider runtime (tried ${locations.join(", ")}); add m365-licenses to the Pulumi project's dependencies`);
  };
  return {
    configure: (req) => runtime().configure!(req),
    check: (olds, news) => runtime().check!(olds, news),
    diff: (id, olds, news) => runtime().diff!(id, olds, news),
    create: (inputs) => runtime().create(inputs),
    read: (id, props) => runtime().read!(id, props),
    update: (id, olds, news) => runtime().update!(id, olds, news),
    delete: (id, props) => runtime().delete!(id, props),
  };
}

const made = new Map<RuntimeKind, dynamic.ResourceProvider>();
/** One provider object per kind and process: Pulumi serializes each object once and caches it. */
export function sharedProvider(kind: RuntimeKind): dynamic.ResourceProvider {
  let p = made.get(kind);
  if (!p) made.set(kind, (p = dynamicProvider(kind)));
  return p;
}
