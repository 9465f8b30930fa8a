import { describe, expect, it } from "vitest";
import { loadDesiredState } from "../../provider/desired/load-state";
import { plan } from "../../provider/plan/plan";
import { packageRoot } from "../../provider/util/package-root";
import { fabrikamDesired, fabrikamSnapshot, FABRIKAM_NOW } from "./fabrikam";

/** The example files the README plans (examples/fabrikam) say what the fixture of these tests says. */
describe("examples/fabrikam", () => {
  it("plans like the Fabrikam fixture against the same tenant", () => {
    const fromFiles = loadDesiredState(["examples/fabrikam/licenses"], { cwd: packageRoot() });
    const expected = plan(fabrikamDesired(), fabrikamSnapshot(), FABRIKAM_NOW);
    const { source, ...actual } = plan(fromFiles, fabrikamSnapshot(), FABRIKAM_NOW);
    expect(actual).toEqual(expected);
    // Made from files, the plan names them and their content hash (for apply --plan).
    expect(source).toEqual({ files: fromFiles.files, sha256: fromFiles.sourceHash });
  });
});
