/** The command table: every command of the contract, by name, to its handler. */
import { auditCommands } from "./audit";
import { compareCommands } from "./compare";
import { draftCommands } from "./draft";
import { evidenceCommands } from "./evidence";
import { exportCommands } from "./export";
import { faultCommands } from "./faults";
import { importCommands } from "./import";
import { lessonCommands } from "./lesson";
import type { CommandTable } from "./handler";
import { playbackCommands } from "./playback";
import { scenarioCommands } from "./scenario";
import { sweepCommands } from "./sweep";

export type { CommandHandler, CommandTable } from "./handler";

export const COMMANDS: CommandTable = { ...scenarioCommands, ...playbackCommands, ...faultCommands, ...auditCommands, ...exportCommands, ...evidenceCommands, ...compareCommands, ...sweepCommands, ...importCommands, ...draftCommands, ...lessonCommands };
