/**
 * The engine's public API. `electron/`, `renderer/`, `cli/` and tests import from here, never from deep
 * paths, so the engine can reorganise freely behind it.
 */
export { canonicalJson } from "./audit/canonical";
export { AuditLog, verifyChain, GENESIS_HASH, type AuditRecord, type StoredEntry, type ChainVerdict } from "./audit/AuditLog";
export { AuditSystem, GLOBAL_REGION, type AuditStore, type BufferStats, type LocatedEntry } from "./audit/system";
export { useAuditWriterScript } from "./audit/writer";
export { loadOrCreateInstallationKey, generateKeyPair, keyIdOf, parseEd25519PublicKey, verifyCheckpoint, type InstallationKey, type Checkpoint, type SignedCheckpoint } from "./audit/checkpoint";
export { leafHash, MerkleTree, verifyInclusion, verifyConsistency, EMPTY_ROOT } from "./audit/merkle";
export { writeEvidence, sealBundle, addPdf, MANIFEST_FILE } from "./evidence/bundle";
export { verifyEvidence, type CheckResult, type TrustedKey, type VerifyOptions } from "./evidence/verify";
export { openableFile } from "./evidence/library";
export { VirtualClock, type Clock, type TimerId, type WorkTracker } from "./clock";
export { runDrill, needsRealTime, ENGINE_VERSION, type DrillOptions, type DrillReport, type FaultReport, type StoreChain } from "./drill";
export type { LabEvent, TransitionEvent, FaultEvent, RequestEvent, RequestRecord, AttemptRecord, PolicyRecord } from "./events";
export { seededRandom, type Random } from "./random";
export { formatSummary } from "./report/summary";
export { drillPassed } from "./report/verdict";
export { percentile } from "./stats/percentile";
export { measureConduct, formatConductTable, type ConductRow } from "./report/conduct";
export { renderHtmlReport, type HtmlReportOptions } from "./report/html";
export { REPORT_PAGE_FILES, useReportPageBuild } from "./report/page";
export { reviewAudit, reviewScope, type AuditReview, type ResidencyViolation } from "./report/auditReview";
export { loadScenarioFile, parseScenario, formatProblems, ScenarioError, type ScenarioProblem } from "./scenario/load";
export { openRegularFile, readTextFile, type TextKind } from "./textFile";
export { scenarioJsonSchema, scenarioJsonSchemaText } from "./scenario/jsonSchema";
export { scenarioSchema, SCENARIO_REVISION, METRICS, type Scenario, type ScenarioInput, type Fault, type MetricName } from "./scenario/schema";
export { parseChatRequest, type ChatOutcome, type ChatSink, type ChatMeta, type ChatError, type ChatCompletion, type ChatCompletionChunk, type ChatRequest } from "./chat";
export { runChatCalls, type ChatCallPlan, type ChatCallResult } from "./chatCalls";
/** For the identity benchmark, which times token checks against a provider of its own. */
export { IdentityProvider } from "./identity/provider";
export { EngineSession, EXTERNAL_POPULATION, type SessionOptions, type InflightRequest } from "./session";
/** For tests and benchmarks that put a host of their own beside the simulated world on the shared MSW server. */
export { attachWorld, reply, type SimulatedHost } from "./sim/transport";
/** The two ways a session's exchanges travel: `runDrill` takes the direct one unless told otherwise. */
export { directTransport } from "./sim/transport";
export { globalFetch, type Transport } from "./http";
export { WORLD_HEADER } from "./labHeaders";
export { compareReports, designLabels, type Comparison, type ComparisonRow } from "./compare/compare";
export { formatComparison } from "./compare/format";
export { renderComparisonHtml } from "./compare/html";
export { IMPORTERS } from "./import/formats";
export { parseRegionRule, type RegionRule } from "./import/regions";
export { parseLesson } from "./lesson/load";
export { lessonSchema, LESSON_REVISION, type Lesson } from "./lesson/schema";
export { lessonJsonSchemaText } from "./lesson/jsonSchema";
export { scorecardSchema, scorecardHtml, classSummary, classSummaryHtml, type Scorecard, type QuestionSummary } from "./lesson/scorecard";
export { applyOverrides, parseOverride, type FieldOverride } from "./scenario/override";
export { describeCost, estimateRun, estimateRuns, MAX_REQUESTS_PER_RUN, MAX_REQUESTS_PER_SWEEP, refusalOf, sweepRefusal, type RunCost } from "./scenario/cost";
export { enumerateRuns, parseSeedRange, parseShard, parseVary, runKey, shardRuns, type SweepRun, type VariedField } from "./sweep/runs";
export { SweepAggregator, SweepLineError, sweepLineOf, sweepLineSchema, type SweepAggregate, type SweepLine } from "./sweep/aggregate";
export { formatSweep } from "./sweep/format";
export { renderSweepHtml } from "./sweep/html";
