import { describe, expect, it } from "vitest";
import { AuditLog, verifyChain } from "../../engine";
import { ChainVerifier } from "../../engine/audit/AuditLog";

describe("ChainVerifier", () => {
  it("verifies a growing log piece by piece, reaching the same head as verifying it whole", () => {
    const log = AuditLog.open(":memory:");
    const verifier = new ChainVerifier();
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 30; i++) log.append({ kind: "request", t: round * 100 + i, region: "eu-west", requestId: `r-${round}-${i}` });
      for (const entry of log.entries({ fromSeq: verifier.nextSeq })) expect(verifier.add(entry)).toBe(true);
      expect(verifier.verdict()).toEqual({ ok: true, count: log.head.seq, head: log.head.hash });
    }
    expect(verifyChain(log)).toEqual(verifier.verdict());
    log.close();
  });

  it("stays bad after the first bad entry, naming it", () => {
    const log = AuditLog.open(":memory:");
    for (let i = 0; i < 5; i++) log.append({ kind: "request", t: i, region: "eu-west" });
    const [first, second, third] = [...log.entries()];
    const verifier = new ChainVerifier();
    expect(verifier.add(first!)).toBe(true);
    expect(verifier.add(third!)).toBe(false);
    expect(verifier.add(second!)).toBe(false);
    expect(verifier.verdict()).toMatchObject({ ok: false, firstBad: { seq: 2, reason: expect.stringContaining("sequence gap") } });
    log.close();
  });
});
