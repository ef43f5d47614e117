/**
 * A POSIX ustar archive of a few regular files, written whole in memory: an evidence bundle downloaded as
 * one file (`tar -xf` opens it anywhere). Only what a bundle needs: regular files, paths of at most 255
 * bytes, sizes below 8 GiB.
 */
const BLOCK = 512;

export interface TarFile {
  /** Path inside the archive, forward slashes. */
  readonly path: string;
  readonly bytes: Buffer;
  /** Modification time, seconds since the epoch. */
  readonly mtime: number;
}

export function tarArchive(files: readonly TarFile[]): Buffer {
  const parts: Buffer[] = [];
  for (const file of files) {
    parts.push(header(file), file.bytes, Buffer.alloc((BLOCK - (file.bytes.length % BLOCK)) % BLOCK));
  }
  parts.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(parts);
}

function header({ path, bytes, mtime }: TarFile): Buffer {
  const block = Buffer.alloc(BLOCK);
  const [prefix, name] = splitPath(path);
  const put = (offset: number, length: number, text: string) => block.write(text, offset, length, "utf8");
  const octal = (offset: number, length: number, value: number) => put(offset, length, `${value.toString(8).padStart(length - 1, "0")}\0`);
  put(0, 100, name);
  put(100, 8, "0000644\0");
  octal(108, 8, 0);
  octal(116, 8, 0);
  octal(124, 12, bytes.length);
  octal(136, 12, Math.max(0, Math.floor(mtime)));
  put(148, 8, " ".repeat(8));
  put(156, 1, "0");
  put(257, 6, "ustar\0");
  put(263, 2, "00");
  put(345, 155, prefix);
  let sum = 0;
  for (const byte of block) sum += byte;
  put(148, 8, `${sum.toString(8).padStart(6, "0")}\0 `);
  return block;
}

/** ustar keeps a path as a prefix (≤ 155 bytes) and a name (≤ 100 bytes), split at a slash. */
function splitPath(path: string): [prefix: string, name: string] {
  if (Buffer.byteLength(path) <= 100) return ["", path];
  for (let i = path.indexOf("/"); i !== -1; i = path.indexOf("/", i + 1)) {
    const [prefix, name] = [path.slice(0, i), path.slice(i + 1)];
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100) return [prefix, name];
  }
  throw new Error(`${path}: too long a path for a tar archive`);
}
