/** The shape of the command table: one typed handler per command of the contract. */
import type { CommandName, CommandPayload, CommandResults } from "../contract";
import type { Lab } from "../lab";

export interface CommandHandler<K extends CommandName> {
  /**
   * A command that changes nothing: it does not wait for the commands before it to finish, and no
   * snapshot follows it.
   */
  readonly readOnly: boolean;
  /** Why the command is refused while a lesson is open (it would replace or rewrite the lesson's run); absent: allowed. */
  readonly refusedInLesson?: string;
  readonly run: (lab: Lab, input: CommandPayload<K>) => CommandResults[K] | Promise<CommandResults[K]>;
}

/** Handlers for some of the commands: what each file of `commands/` exports. */
export type Handlers<Names extends CommandName> = { readonly [K in Names]: CommandHandler<K> };

/** Every command's handler: one missing, or taking or answering the wrong type, fails the typecheck. */
export type CommandTable = Handlers<CommandName>;
