/** The fuses `setElectronFuses` flips, by @electron/fuses' index: `true` on, `false` off. */
export const FUSES: Readonly<Record<number, boolean>>;
/**
 * Flips FUSES in the Electron binary at `binaryPath` and returns each fuse's state read back, by name (`"removed"`
 * for a fuse this Electron no longer has); throws when there is no binary, no fuse wire, or a fuse did not take.
 */
export function setElectronFuses(binaryPath: string | null | undefined): Promise<Record<string, boolean | "removed">>;
