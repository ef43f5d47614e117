import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../cli/faults";
import { inProcess, root } from "./runCli";

const faults = (...args: string[]) => inProcess(() => main(args));

describe("npm run faults", () => {
  it("exits 2 on bad arguments, an unknown region or model, or a scenario it cannot measure, naming what is wrong", async () => {
    const cases: [string[], string][] = [
      [["a.yaml", "b.yaml"], "expected at most one scenario file, got 2\nusage: npm run faults -- [scenario.yaml] [--region R] [--model M] [--json]\n"],
      [["--region", "mars"], '--region: unknown region "mars" (known: eu-west)\n'],
      [["--model", "chat-huge"], '--model: unknown logical model "chat-huge" (known: chat-large)\n'],
      [[join(root, "scenarios/eu-outage-reject.yaml")], "measuring conduct needs chat-large served in eu-west by two providers (found: openai-sim@eu-west/gpt-4o)\n"],
      [[join(root, "test/fixtures/real-upstream.yaml")], "local@eu-west is a real server, which answers in wall time: request-level conduct is measured in virtual time, with simulated providers only\n"],
    ];
    for (const [args, message] of cases) {
      const { code, stderr, stdout } = await faults(...args);
      expect([code, stderr, stdout], args.join(" ")).toEqual([2, message, ""]);
    }
  });
});
