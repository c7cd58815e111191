'use strict';
/**
 * The access log's journal: entries are appended, one JSON line each, to
 * `{folder}/current.ndjson` on the request path (a plain `write(2)` into the
 * page cache: microseconds, no fsync), so an entry is on disk before its read
 * is answered and a crash of the server process loses none. Every flush
 * interval the current file is renamed to a numbered segment and fsynced; a
 * crash of the whole machine can lose at most the entries of the last
 * interval. A segment is deleted once its entries are in the pods; whatever is
 * left in the folder at start-up is replayed (entries are idempotent).
 *
 * Never reads a pod; never blocks on anything but a local append. The folder
 * is 0700 and its files 0600 (who read which patient's data is health data).
 */
const { closeSync, fdatasync, close, mkdirSync, openSync, readdirSync, readFileSync, renameSync, unlinkSync, writeSync } = require('node:fs');
const { join } = require('node:path');
const { promisify } = require('node:util');
const { isEntry } = require('./entries');

const CURRENT = 'current.ndjson';
const SEGMENT = /^segment-(\d+)\.ndjson$/u;

class Journal {
  /** @param {string} folder created if missing */
  constructor(folder) {
    this.folder = folder;
    this.fd = undefined;
    this.entries = [];
    this.sequence = 0;
  }

  /**
   * Files left by an earlier process, oldest first, with their entries. A left-over current file
   * becomes the newest segment first, so open() can start an empty one.
   */
  leftOver() {
    mkdirSync(this.folder, { recursive: true, mode: 0o700 });
    const numbered = (names) => names.filter((n) => SEGMENT.test(n)).map((n) => ({ n, seq: Number(SEGMENT.exec(n)[1]) }));
    for (const { seq } of numbered(readdirSync(this.folder))) this.sequence = Math.max(this.sequence, seq);
    if (readdirSync(this.folder).includes(CURRENT)) renameSync(join(this.folder, CURRENT), this.nextSegment());
    return numbered(readdirSync(this.folder))
      .sort((a, b) => a.seq - b.seq)
      .map(({ n }) => ({ file: join(this.folder, n), entries: readEntries(join(this.folder, n)) }));
  }

  nextSegment() {
    this.sequence += 1;
    return join(this.folder, `segment-${String(this.sequence).padStart(12, '0')}.ndjson`);
  }

  /** Starts a fresh current file. Call after leftOver() has been dealt with. */
  open() {
    mkdirSync(this.folder, { recursive: true, mode: 0o700 });
    this.fd = openSync(join(this.folder, CURRENT), 'a', 0o600);
    this.entries = [];
  }

  /** Appends one entry (synchronously, no fsync). */
  append(entry) {
    if (this.fd === undefined) throw new Error('The access log journal is not open');
    writeSync(this.fd, `${JSON.stringify(entry)}\n`);
    this.entries.push(entry);
  }

  get size() {
    return this.entries.length;
  }

  /**
   * Closes the current file as a numbered segment and opens a new current one.
   * Resolves once the segment is fsynced, with its file and entries; undefined if nothing was journalled.
   */
  async rotate() {
    if (this.fd === undefined || this.entries.length === 0) return undefined;
    const fd = this.fd;
    const entries = this.entries;
    const file = this.nextSegment();
    renameSync(join(this.folder, CURRENT), file);
    this.open();
    await promisify(fdatasync)(fd);
    await promisify(close)(fd);
    return { file, entries };
  }

  /** Removes a segment whose entries are safely in the pods. */
  static remove(file) {
    try {
      unlinkSync(file);
    } catch (error) {
      if (error.code !== 'ENOENT') throw error;
    }
  }

  close() {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** The entries of a journal file; a torn or foreign line (a crash mid-write) is skipped. */
function readEntries(file) {
  const entries = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const value = JSON.parse(line);
      if (isEntry(value)) entries.push(value);
    } catch {
      // A line cut short by a crash: nothing we can write.
    }
  }
  return entries;
}

module.exports = { Journal, readEntries };
