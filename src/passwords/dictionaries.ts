import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { compileFunction } from 'node:vm';
import type * as LanguageCommon from '@zxcvbn-ts/language-common';
import type * as LanguageEn from '@zxcvbn-ts/language-en';

/**
 * PWD-6's word lists — zxcvbn-ts's shipped language data — in a compact form (DESIGN §5 memory budget).
 * zxcvbn ranks every list into a plain object (word → rank): 235,000 words in hash tables of ~614,000
 * slots, ~22 MB of heap, and Node's module cache keeps the decompressed arrays beside them for the life of
 * the process. Here a list becomes one string of its words, their offsets and an open-addressing table of
 * word indices (~6 MB in all, mostly typed arrays), and the packages' files are evaluated outside the module
 * cache, so the arrays are garbage once indexed. A rank is zxcvbn's: position + 1, a duplicate's last
 * position winning. test/unit/passwords/dictionaries.test.ts pins ranks and scores to zxcvbn's own.
 */
export class RankedList {
  private constructor(
    /** Every word, concatenated. */
    private readonly text: string,
    /** Word i is text[starts[i], starts[i + 1]). */
    private readonly starts: Int32Array,
    /** Open addressing on FNV-1a: word index + 1, 0 = empty. Its length is a power of two ≥ 2 × words. */
    private readonly slots: Int32Array,
    readonly maxWordLength: number,
  ) {}

  static of(list: readonly (string | number)[]): RankedList {
    const words = list.map(String);
    const starts = new Int32Array(words.length + 1);
    let maxWordLength = 0;
    for (let i = 0; i < words.length; i++) {
      const length = words[i]!.length;
      starts[i + 1] = starts[i]! + length;
      maxWordLength = Math.max(maxWordLength, length);
    }
    let size = 2;
    while (size < 2 * words.length) size *= 2;
    const ranked = new RankedList(words.join(''), starts, new Int32Array(size), maxWordLength);
    for (let i = 0; i < words.length; i++) ranked.insert(words[i]!, i);
    return ranked;
  }

  /** zxcvbn's rank of `word` (1 = most common), or undefined when the list does not hold it. */
  rank(word: string): number | undefined {
    const slot = this.find(word);
    const entry = this.slots[slot]!;
    return entry === 0 ? undefined : entry;
  }

  private insert(word: string, index: number): void {
    this.slots[this.find(word)] = index + 1; // a duplicate overwrites: the later rank wins, as in zxcvbn
  }

  /** The slot holding `word`, or the empty slot where it would go. */
  private find(word: string): number {
    const mask = this.slots.length - 1;
    let hash = 0x811c9dc5;
    for (let i = 0; i < word.length; i++) hash = Math.imul(hash ^ word.charCodeAt(i), 0x01000193);
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot]!;
      if (entry === 0 || this.holds(entry - 1, word)) return slot;
    }
  }

  private holds(index: number, word: string): boolean {
    const start = this.starts[index]!;
    if (this.starts[index + 1]! - start !== word.length) return false;
    for (let i = 0; i < word.length; i++) if (this.text.charCodeAt(start + i) !== word.charCodeAt(i)) return false;
    return true;
  }
}

/**
 * A CommonJS file evaluated outside Node's module cache, so its exports are garbage once the caller drops
 * them. Its relative requires load the same way; packages (zxcvbn's few-KB decompressor) through Node's
 * require, resolved from the file as Node would.
 */
function loadUncached(file: string): unknown {
  const module = { exports: {} as unknown };
  const resolveFrom = createRequire(file);
  const load = (spec: string): unknown =>
    spec.startsWith('.') ? loadUncached(resolveFrom.resolve(spec)) : resolveFrom(spec);
  const params = ['exports', 'require', 'module', '__filename', '__dirname'];
  const body = compileFunction(readFileSync(file, 'utf8'), params, { filename: file }) as (
    ...args: unknown[]
  ) => unknown;
  body(module.exports, load, module, file, dirname(file));
  return module.exports;
}

const packages = createRequire(import.meta.url);
type Lists = Record<string, readonly (string | number)[]>;
type Common = typeof LanguageCommon;
type En = typeof LanguageEn;

function ranked(lists: Lists): Record<string, RankedList> {
  return Object.fromEntries(Object.entries(lists).map(([name, list]) => [name, RankedList.of(list)]));
}

export interface CommonData {
  lists: Record<string, RankedList>;
  graphs: Common['adjacencyGraphs'];
}

/** @zxcvbn-ts/language-common: the common-password and diceware lists, keyboard adjacency graphs. */
export function loadCommonData(): CommonData {
  const data = loadUncached(packages.resolve('@zxcvbn-ts/language-common')) as Common;
  return { lists: ranked(data.dictionary), graphs: data.adjacencyGraphs };
}

export interface EnglishData {
  lists: Record<string, RankedList>;
  translations: En['translations'];
}

/** @zxcvbn-ts/language-en: English words, names, Wikipedia terms, word sequences, feedback texts. */
export function loadEnglishData(): EnglishData {
  const data = loadUncached(packages.resolve('@zxcvbn-ts/language-en')) as En;
  return { lists: ranked(data.dictionary), translations: data.translations };
}
