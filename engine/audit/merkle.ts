/**
 * Merkle tree hashing of RFC 6962 §2.1 (carried unchanged into RFC 9162 §2.1) over leaf hashes the caller
 * supplies: tree roots, inclusion and consistency proofs, and their verification.
 *
 * Leaves and interior nodes hash under different one-byte prefixes (0x00, 0x01), so no leaf can pass for a
 * node and no subtree for a leaf. The verifiers are RFC 9162's bit-walking algorithms (§2.1.3.2, §2.1.4.2)
 * and share nothing with the provers but the node hash, so a mistake in one is not mirrored in the other.
 *
 * Hashes are 64 lower-case hex digits wherever they cross this module's boundary; every hash handed in is
 * checked for that form first, because `Buffer.from(text, "hex")` silently stops at the first bad digit.
 * Sizes and indices are plain numbers, so anything up to 2^53 leaves works; halving is done with arithmetic,
 * not with the 32-bit bitwise operators.
 */
import { createHash, hash } from "node:crypto";

const HASH_BYTES = 32;
const HEX_HASH = /^[0-9a-f]{64}$/;

/** Root of the empty tree: SHA-256 of no bytes. */
export const EMPTY_ROOT = hash("sha256", "");

/** A verifier's answer; `reason` says what did not hold, in words meant for a person. */
export type Verdict = { ok: true } | { ok: false; reason: string };

const OK: Verdict = { ok: true };
const fail = (reason: string): Verdict => ({ ok: false, reason });

const LEAF_PREFIX = Uint8Array.of(0x00);

/** The leaf hash of RFC 6962: SHA-256(0x00 ‖ data), a string taken as its UTF-8 bytes. */
export function leafHash(data: Uint8Array | string): string {
  return createHash("sha256").update(LEAF_PREFIX).update(data).digest("hex");
}

/** The interior node hash of RFC 6962: SHA-256(0x01 ‖ left ‖ right), for two hex hashes. */
export function nodeHash(left: string, right: string): string {
  return toHex(hashChildren(bytesOf(left, "left"), bytesOf(right, "right")));
}

// One input buffer reused for every node: building a tree of a million leaves hashes a million nodes, and
// would otherwise allocate a 65-byte input for each. Safe because hashing is synchronous and copies its input.
const nodeInput = Buffer.alloc(1 + 2 * HASH_BYTES, 0x01);

function hashChildren(left: Uint8Array, right: Uint8Array): Buffer {
  nodeInput.set(left, 1);
  nodeInput.set(right, 1 + HASH_BYTES);
  return hash("sha256", nodeInput, "buffer");
}

const toHex = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");

const notAHash = (what: string) => `${what} is not a hash of 64 lower-case hex digits`;
const parseHash = (text: unknown): Buffer | undefined => (typeof text === "string" && HEX_HASH.test(text) ? Buffer.from(text, "hex") : undefined);

function bytesOf(text: string, what: string): Buffer {
  const bytes = parseHash(text);
  if (!bytes) throw new TypeError(`${notAHash(what)}: ${JSON.stringify(text)}`);
  return bytes;
}

const isCount = (n: number): boolean => Number.isSafeInteger(n) && n >= 0;

/** The largest power of two not above `n` (n ≥ 1). */
function powerOfTwoAtMost(n: number): number {
  const power = 2 ** Math.floor(Math.log2(n));
  // Math.log2 of a number within a rounding error of a large power of two can land on the wrong side of it.
  if (power > n) return power / 2;
  return power * 2 <= n ? power * 2 : power;
}

const isPowerOfTwo = (n: number): boolean => n >= 1 && powerOfTwoAtMost(n) === n;

/**
 * MTH of RFC 6962 §2.1: the root of the tree over `leafHashes` in order, {@link EMPTY_ROOT} for none.
 * Hashes each node once (n − 1 node hashes) and keeps only a stack of log2(n) subtree roots.
 */
export function rootOf(leafHashes: readonly string[]): string {
  // The roots of the complete subtrees so far, left to right, each smaller than the one before it.
  const stack: Buffer[] = [];
  leafHashes.forEach((leaf, i) => {
    let node = bytesOf(leaf, `leafHashes[${i}]`);
    // With i + 1 leaves, each trailing zero bit of i + 1 is one more pair of equal subtrees to merge.
    for (let count = i + 1; count % 2 === 0; count /= 2) node = hashChildren(stack.pop()!, node);
    stack.push(node);
  });
  // MTH splits at the largest power of two below n, which is the same as folding these roots from the right.
  let root = stack.pop();
  if (!root) return EMPTY_ROOT;
  for (let left = stack.pop(); left; left = stack.pop()) root = hashChildren(left, root);
  return toHex(root);
}

/** The audit path (RFC 6962 §2.1.1 PATH) of leaf `index` in the tree over the first `treeSize` leaf hashes. */
export function inclusionProof(leafHashes: readonly string[], index: number, treeSize: number = leafHashes.length): string[] {
  return treeOf(leafHashes, treeSize).inclusionProof(index);
}

/** The consistency proof (RFC 6962 §2.1.2 PROOF) that the first `oldSize` leaf hashes are a prefix of the first `newSize`. */
export function consistencyProof(leafHashes: readonly string[], oldSize: number, newSize: number = leafHashes.length): string[] {
  return treeOf(leafHashes, newSize).consistencyProof(oldSize);
}

function treeOf(leafHashes: readonly string[], size: number): MerkleTree {
  if (!isCount(size) || size > leafHashes.length) throw new RangeError(`tree size ${size} is not between 0 and the ${leafHashes.length} leaf hashes given`);
  const tree = new MerkleTree();
  for (let i = 0; i < size; i++) tree.append(leafHashes[i]!);
  return tree;
}

/**
 * Whether `proof` shows that `leafHash` is leaf `index` of the tree of `treeSize` leaves whose root is
 * `root`: the algorithm of RFC 9162 §2.1.3.2.
 *
 * The tree size itself is not bound by the root, so the same proof can also pass for a neighbouring size
 * whose path has the same shape (leaf 0 of a tree of 3 and of 4, for instance); whoever relies on the size
 * must take it from a signed checkpoint together with the root.
 */
export function verifyInclusion(leafHash: string, index: number, treeSize: number, proof: readonly string[], root: string): Verdict {
  if (!isCount(treeSize)) return fail(`tree size must be a non-negative integer, got ${treeSize}`);
  if (!isCount(index)) return fail(`index must be a non-negative integer, got ${index}`);
  if (index >= treeSize) return fail(`index ${index} is beyond tree size ${treeSize}`);
  const leaf = parseHash(leafHash);
  if (!leaf) return fail(notAHash("leaf hash"));
  const expectedRoot = parseHash(root);
  if (!expectedRoot) return fail(notAHash("root"));
  const path = parseProof(proof);
  if (typeof path === "string") return fail(path);

  let fn = index;
  let sn = treeSize - 1;
  let computed = leaf;
  for (const sibling of path) {
    if (sn === 0) return fail(`proof has wrong length: too long (${countOf(path)}) for leaf ${index} of a tree of ${treeSize}`);
    if (fn % 2 === 1 || fn === sn) {
      computed = hashChildren(sibling, computed);
      // On the right border a node without a right sibling moves up a level unchanged.
      while (fn % 2 === 0 && fn !== 0) [fn, sn] = [fn / 2, Math.floor(sn / 2)];
    } else {
      computed = hashChildren(computed, sibling);
    }
    [fn, sn] = [Math.floor(fn / 2), Math.floor(sn / 2)];
  }
  if (sn !== 0) return fail(`proof has wrong length: too short (${countOf(path)}) for leaf ${index} of a tree of ${treeSize}`);
  return computed.equals(expectedRoot) ? OK : fail("root mismatch");
}

/**
 * Whether `proof` shows that the tree of `oldSize` leaves with root `oldRoot` is a prefix of the tree of
 * `newSize` leaves with root `newRoot`: the algorithm of RFC 9162 §2.1.4.2. Equal sizes need an empty proof
 * and equal roots. An old size of 0 needs an empty proof and is consistent with any tree, whatever roots
 * are given, as in transparency-dev/merkle: the empty tree is a prefix of every tree. As with
 * {@link verifyInclusion}, the roots do not bind the sizes; take both from signed checkpoints.
 */
export function verifyConsistency(oldSize: number, newSize: number, oldRoot: string, newRoot: string, proof: readonly string[]): Verdict {
  if (!isCount(oldSize)) return fail(`old size must be a non-negative integer, got ${oldSize}`);
  if (!isCount(newSize)) return fail(`new size must be a non-negative integer, got ${newSize}`);
  if (oldSize > newSize) return fail(`old size ${oldSize} is larger than new size ${newSize}`);
  const oldRootBytes = parseHash(oldRoot);
  if (!oldRootBytes) return fail(notAHash("old root"));
  const newRootBytes = parseHash(newRoot);
  if (!newRootBytes) return fail(notAHash("new root"));
  const path = parseProof(proof);
  if (typeof path === "string") return fail(path);

  if ((oldSize === 0 || oldSize === newSize) && path.length > 0) {
    return fail(`proof has wrong length: ${countOf(path)} where none are needed from size ${oldSize} to ${newSize}`);
  }
  if (oldSize === newSize) return oldRootBytes.equals(newRootBytes) ? OK : fail(`roots differ although both trees have size ${oldSize}`);
  if (oldSize === 0) return OK;
  if (path.length === 0) return fail(`proof has wrong length: empty, from size ${oldSize} to ${newSize}`);

  // The prover leaves out the old root when it is a complete subtree, since the verifier holds it already.
  const [seed, ...rest] = isPowerOfTwo(oldSize) ? [oldRootBytes, ...path] : path;
  let fn = oldSize - 1;
  let sn = newSize - 1;
  // Start at the root of the largest complete subtree that ends at the old tree's last leaf.
  while (fn % 2 === 1) [fn, sn] = [(fn - 1) / 2, Math.floor(sn / 2)];
  let oldComputed = seed!;
  let newComputed = seed!;
  for (const node of rest) {
    if (sn === 0) return fail(`proof has wrong length: too long (${countOf(path)}) from size ${oldSize} to ${newSize}`);
    if (fn % 2 === 1 || fn === sn) {
      oldComputed = hashChildren(node, oldComputed);
      newComputed = hashChildren(node, newComputed);
      while (fn % 2 === 0 && fn !== 0) [fn, sn] = [fn / 2, Math.floor(sn / 2)];
    } else {
      // A node to the right exists only in the new tree.
      newComputed = hashChildren(newComputed, node);
    }
    [fn, sn] = [Math.floor(fn / 2), Math.floor(sn / 2)];
  }
  if (sn !== 0) return fail(`proof has wrong length: too short (${countOf(path)}) from size ${oldSize} to ${newSize}`);
  if (!oldComputed.equals(oldRootBytes)) return fail("old root mismatch");
  if (!newComputed.equals(newRootBytes)) return fail("new root mismatch");
  return OK;
}

const countOf = (path: readonly Buffer[]) => (path.length === 1 ? "1 hash" : `${path.length} hashes`);

/** The proof's hashes as bytes, or the reason its first malformed element is not a hash. */
function parseProof(proof: readonly unknown[]): Buffer[] | string {
  if (!Array.isArray(proof)) return "proof is not an array of hashes";
  const path: Buffer[] = [];
  for (const [i, text] of proof.entries()) {
    const bytes = parseHash(text);
    if (!bytes) return notAHash(`proof[${i}]`);
    path.push(bytes);
  }
  return path;
}

/** Hashes packed back to back in fixed-size chunks: no object per hash, and growing never copies. */
class HashArray {
  private static readonly CHUNK = 512;
  private readonly chunks: Uint8Array[] = [];
  length = 0;

  push(bytes: Uint8Array): void {
    const offset = this.length % HashArray.CHUNK;
    if (offset === 0) this.chunks.push(new Uint8Array(HashArray.CHUNK * HASH_BYTES));
    this.chunks.at(-1)!.set(bytes, offset * HASH_BYTES);
    this.length++;
  }

  /** A view of hash `i`, valid for as long as the array lives (stored hashes never change). */
  at(i: number): Uint8Array {
    const offset = (i % HashArray.CHUNK) * HASH_BYTES;
    return this.chunks[Math.floor(i / HashArray.CHUNK)]!.subarray(offset, offset + HASH_BYTES);
  }
}

/**
 * A Merkle tree grown one leaf hash at a time, answering for its current size or any earlier one.
 *
 * It keeps, for every level k, the root of each complete subtree of 2^k leaves, left to right: the leaf
 * hashes themselves, then one node per pair, and so on. Every range the RFC 6962 recursions ask for is then a
 * handful of those subtrees, so a root or a proof at any size costs O(log n) node hashes instead of
 * rehashing all n leaves. The price is memory: n leaf hashes plus about n subtree roots, 32 bytes each, so
 * about 64 bytes per leaf (64 MB for a million entries), plus at most one partly filled 16 KiB chunk per level.
 */
export class MerkleTree {
  private readonly levels: HashArray[] = [new HashArray()];

  /** Number of leaves appended so far. */
  get size(): number {
    return this.levels[0]!.length;
  }

  /** Adds a leaf hash (64 lower-case hex digits) and returns its index. */
  append(leafHash: string): number {
    const index = this.size;
    let node: Uint8Array = bytesOf(leafHash, "leaf hash");
    for (let level = 0; ; level++) {
      const nodes = (this.levels[level] ??= new HashArray());
      nodes.push(node);
      if (nodes.length % 2 === 1) break;
      node = hashChildren(nodes.at(nodes.length - 2), node);
    }
    return index;
  }

  /** The root of the tree over the first `size` leaves (default all). */
  root(size: number = this.size): string {
    this.checkSize(size, "size");
    return size === 0 ? EMPTY_ROOT : toHex(this.rangeHash(0, size));
  }

  /** The audit path (RFC 6962 §2.1.1 PATH) of leaf `index` in the tree of the first `size` leaves (default all). */
  inclusionProof(index: number, size: number = this.size): string[] {
    this.checkSize(size, "size");
    if (!isCount(index) || index >= size) throw new RangeError(`leaf index ${index} is not in a tree of size ${size}`);
    const path: Uint8Array[] = [];
    let [start, end] = [0, size];
    while (end - start > 1) {
      const split = start + powerOfTwoAtMost(end - start - 1);
      if (index < split) {
        path.push(this.rangeHash(split, end));
        end = split;
      } else {
        path.push(this.rangeHash(start, split));
        start = split;
      }
    }
    // PATH lists siblings from the leaf up; the walk above met them from the root down.
    return path.reverse().map(toHex);
  }

  /**
   * The consistency proof (RFC 6962 §2.1.2 PROOF) between the trees of the first `oldSize` and `newSize`
   * leaves (default all); empty when `oldSize` is 0 or equals `newSize`.
   */
  consistencyProof(oldSize: number, newSize: number = this.size): string[] {
    this.checkSize(newSize, "new size");
    if (!isCount(oldSize) || oldSize > newSize) throw new RangeError(`old size ${oldSize} is not between 0 and new size ${newSize}`);
    if (oldSize === 0 || oldSize === newSize) return [];
    const proof: Uint8Array[] = [];
    let [start, end] = [0, newSize];
    // SUBPROOF's flag b: the old tree's root is the subtree at hand, which the verifier already holds.
    let verifierHoldsOldRoot = true;
    for (;;) {
      if (oldSize === end) {
        if (!verifierHoldsOldRoot) proof.push(this.rangeHash(start, end));
        break;
      }
      const split = start + powerOfTwoAtMost(end - start - 1);
      if (oldSize <= split) {
        proof.push(this.rangeHash(split, end));
        end = split;
      } else {
        proof.push(this.rangeHash(start, split));
        start = split;
        verifierHoldsOldRoot = false;
      }
    }
    return proof.reverse().map(toHex);
  }

  private checkSize(size: number, what: string): void {
    if (!isCount(size) || size > this.size) throw new RangeError(`${what} ${size} is not between 0 and the tree's ${this.size} leaves`);
  }

  /**
   * MTH of leaves [start, end). Only for ranges that start at a multiple of a power of two at least as large
   * as the range, as all of RFC 6962's recursions do: such a range is complete subtrees of decreasing size.
   */
  private rangeHash(start: number, end: number): Uint8Array {
    const subtrees: Uint8Array[] = [];
    for (let at = start; at < end; ) {
      const width = powerOfTwoAtMost(end - at);
      subtrees.push(this.levels[Math.round(Math.log2(width))]!.at(at / width));
      at += width;
    }
    let root = subtrees.pop()!;
    for (let left = subtrees.pop(); left; left = subtrees.pop()) root = hashChildren(left, root);
    return root;
  }
}
