/**
 * The rule for tests that need a program this machine may lack: outside CI they are skipped with a loud
 * notice; under CI=true the missing program fails the run, never passes it silently.
 */
export function toolAvailable(available: boolean, problem: string, skipped: string, remedy: string): boolean {
  if (available) return true;
  const notice = `\n${"!".repeat(78)}\n!! ${problem}: ${skipped} are SKIPPED.\n!! ${remedy}\n${"!".repeat(78)}\n`;
  if (process.env.CI) throw new Error(`CI=true but ${notice}`);
  process.stderr.write(notice);
  return false;
}
