/** The Electron executable's path when it is installed, else null; never throws. */
export function electronBinaryPath(): string | null;
