'use strict';
/**
 * Moves access-log entries from the local journal into the patients' pods,
 * off the request path.
 *
 * `record()` is all a request pays: one synchronous append to the journal.
 * Every `flushMs` the journal is rotated (and fsynced) and its entries are
 * written to their day documents, one write per document per flush, so a
 * burst of reads costs one write per day document, not one per read. This is
 * below CSS's authorization, so the server writes where no agent may (see
 * AccessLogHttpHandler).
 *
 * How a day document is written: it is created through CSS's ResourceStore
 * (an insert-only N3 patch). Later entries are appended to its file as
 * N-Triples lines under CSS's own write lock for that resource, when CSS
 * stores pods in files (FileIdentifierMapper given, document stored as
 * Turtle): an N3 patch re-reads and rewrites the whole document, so a busy
 * day's document (thousands of entries) would make every flush slower than
 * the last; an append costs the same at any size. Otherwise, and whenever
 * the file is not plain Turtle, every flush is an N3 patch through the store.
 *
 * The access-log container and its ACL are the server's: created here when
 * first needed, the ACL rewritten once per process start so that the pod's
 * owners may Read and nobody may do anything else.
 *
 * Lifecycle (CSS initializer/finalizer): initialize() replays what an earlier
 * process journalled but did not write (entries are idempotent: their IRIs
 * are fixed in the journal) and starts the timer; finalize() writes the rest.
 */
const { randomUUID } = require('node:crypto');
const { appendFile } = require('node:fs/promises');
const { Writer } = require('n3');
const {
  BasicRepresentation, RepresentationMetadata, getLoggerFor, guardedStreamFrom,
} = require('@solid/community-server');
const { accessLogContainer, entryQuads, makeEntry } = require('./entries');
const { Journal } = require('./journal');

class AccessLogWriter {
  /**
   * @param {import('@solid/community-server').ResourceStore} store CSS's ResourceStore
   * @param {import('./PodOwners').PodOwners} podOwners
   * @param {string} journalFolder a local folder outside the pods
   * @param {number|string} [flushMs] how often the journal is fsynced and written to the pods (default 1000)
   * @param {import('@solid/community-server').ReadWriteLocker} [locker] CSS's ResourceLocker (for appends)
   * @param {import('@solid/community-server').FileIdentifierMapper} [fileMapper] CSS's FileIdentifierMapper (for appends)
   */
  constructor(store, podOwners, journalFolder, flushMs = 1000, locker = undefined, fileMapper = undefined) {
    this.logger = getLoggerFor(this);
    this.store = store;
    this.podOwners = podOwners;
    this.journal = new Journal(journalFolder);
    this.flushMs = Math.max(50, Number(flushMs) || 1000);
    /** Rotated journal segments not yet in the pods, oldest first. */
    this.pending = [];
    /** Pods whose access-log container and ACL this process has made sure of. */
    this.ensured = new Map();
    this.timer = undefined;
    this.flushing = undefined;
    this.failures = 0;
    this.locker = locker;
    this.fileMapper = fileMapper;
    /** Day documents known to exist (so later entries can be appended), most recent last. */
    this.existing = new Set();
    this.appends = 0;
    this.patches = 0;
  }

  /**
   * Journals one read (synchronously). `read`: { pod, agent?, clientId?, resource, method, status }.
   * Must never throw into the request: a journal failure is logged and the read goes on.
   */
  record(read) {
    try {
      this.journal.append(makeEntry({ ...read, id: randomUUID(), time: new Date() }));
    } catch (error) {
      this.logger.error(`Could not journal the access-log entry for ${read.resource}: ${error?.message ?? error}`);
    }
  }

  async initialize() {
    const leftOver = this.journal.leftOver();
    this.journal.open();
    this.pending.push(...leftOver);
    const replayed = leftOver.reduce((n, s) => n + s.entries.length, 0);
    await this.writePending();
    if (replayed > 0) this.logger.info(`Replayed ${replayed} access-log entries journalled before the last stop`);
    this.timer = setInterval(() => void this.flush(), this.flushMs);
    this.timer.unref();
  }

  async finalize() {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
    this.journal.close();
  }

  /** Rotates the journal and writes every pending segment; one flush at a time. */
  flush() {
    this.flushing ??= (async () => {
      try {
        const segment = await this.journal.rotate();
        if (segment) this.pending.push(segment);
        await this.writePending();
      } catch (error) {
        this.logger.error(`Access-log flush failed: ${error?.message ?? error}`);
      } finally {
        this.flushing = undefined;
      }
    })();
    return this.flushing;
  }

  async writePending() {
    while (this.pending.length > 0) {
      const segment = this.pending[0];
      try {
        await this.write(segment.entries);
      } catch (error) {
        this.failures += 1;
        // Keep the segment (on disk and here) and try again at the next flush.
        if (this.failures === 1 || this.failures % 60 === 0) {
          this.logger.error(`Could not write ${segment.entries.length} access-log entries to the pods (will retry): ${error?.message ?? error}`);
        }
        return;
      }
      this.failures = 0;
      Journal.remove(segment.file);
      this.pending.shift();
    }
  }

  /** Writes entries to their day documents: one insert-only patch per document. */
  async write(entries) {
    const byDocument = new Map();
    for (const entry of entries) {
      const list = byDocument.get(entry.document) ?? [];
      list.push(entry);
      byDocument.set(entry.document, list);
    }
    for (const [document, list] of byDocument) {
      if (!(await this.ensureLog(list[0].pod))) {
        this.logger.warn(`Dropped ${list.length} access-log entries for ${list[0].pod}: it has no health/ container`);
        continue;
      }
      const quads = list.flatMap(entryQuads);
      if (!(await this.append(document, quads))) {
        await this.store.modifyResource({ path: document }, insertPatch(document, quads));
        this.patches += 1;
        this.remember(document);
      }
    }
  }

  /** Appends to an existing Turtle file under CSS's write lock; false if that is not possible (then patch). */
  async append(document, quads) {
    if (!this.locker || !this.fileMapper) return false;
    const identifier = { path: document };
    if (!this.existing.has(document)) {
      if (!(await this.store.hasResource(identifier))) return false;
      this.remember(document);
    }
    const lines = `\n${new Writer({ format: 'N-Triples' }).quadsToString(quads)}`;
    return this.locker.withWriteLock(identifier, async () => {
      const link = await this.fileMapper.mapUrlToFilePath(identifier, false);
      if (link.contentType !== 'text/turtle') return false;
      await appendFile(link.filePath, lines);
      this.appends += 1;
      return true;
    });
  }

  remember(document) {
    this.existing.add(document);
    if (this.existing.size > 10_000) this.existing.delete(this.existing.values().next().value);
  }

  /**
   * Makes sure `{pod}health/access-log/` exists with the server's ACL (owners: Read; nobody else anything).
   * False if the pod has no `health/` container (not a patient's pod). Once per pod per process.
   */
  ensureLog(pod) {
    let ensured = this.ensured.get(pod);
    if (!ensured) {
      ensured = this.createLog(pod).catch((error) => {
        this.ensured.delete(pod);
        throw error;
      });
      this.ensured.set(pod, ensured);
    }
    return ensured;
  }

  async createLog(pod) {
    if (!(await this.store.hasResource({ path: `${pod}health/` }))) return false;
    const container = accessLogContainer(pod);
    if (!(await this.store.hasResource({ path: container }))) {
      await this.store.setRepresentation({ path: container }, new BasicRepresentation([], { path: container }));
    }
    const owners = await this.podOwners.ownersOf(pod);
    if (owners.length === 0) this.logger.warn(`${pod} has no owner: its access log is readable by nobody`);
    const acl = `${container}.acl`;
    await this.store.setRepresentation({ path: acl }, new BasicRepresentation(aclTurtle(container, owners), { path: acl }, 'text/turtle'));
    return true;
  }
}

/** An N3 Patch as CSS's own body parser makes it, inserting only. */
function insertPatch(document, inserts) {
  return {
    metadata: new RepresentationMetadata({ path: document }, 'text/n3'),
    data: guardedStreamFrom(''),
    binary: true,
    isEmpty: false,
    deletes: [],
    inserts,
    conditions: [],
  };
}

/** The access log's ACL: the pod's owners may read it (and every day document in it); nobody may write. */
function aclTurtle(container, owners) {
  const agents = owners.map((webId) => `<${webId}>`).join(', ');
  return [
    '@prefix acl: <http://www.w3.org/ns/auth/acl#> .',
    '',
    '# Written by the pod server (Helsevev access log). Nobody, not even the owner, can change it over HTTP.',
    ...(owners.length > 0
      ? [`<#owner> a acl:Authorization ; acl:agent ${agents} ;`,
        `  acl:accessTo <${container}> ; acl:default <${container}> ; acl:mode acl:Read .`]
      : []),
    '',
  ].join('\n');
}

module.exports = { AccessLogWriter, aclTurtle };
