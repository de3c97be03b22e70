#!/usr/bin/env node
// Fills XForms with ODK Web Forms' engine and writes the submissions it makes.
//
//   node fill.mjs jobs.json      (or the JSON on standard input)
//
// Input: {"jobs": [job, ...]}, each job
//   {"form": "/abs/form.xml", "attachments": {"households.csv": "/abs/households.csv"},
//    "steps": [{"set": "/data/q", "value": "x"}, ...], "out_dir": "/abs/out",
//    "preload": {"deviceID": "collect:x", "username": "bob"},
//    "geolocation": "31.23 121.47 10 5", "id": "anything"}
// Output: one JSON line per job, in order:
//   {"ok": true, "instance": "/abs/out/submission.xml", "attachments": [...],
//    "instanceID": "uuid:...", "validation": [], "error": null, "ms": 12}
// A job whose filled form breaks a required or constraint rule still writes its
// submission, with "ok": false and the engine's violations in "validation". A
// job that cannot run as asked (unknown path or value, missing attachment, bad
// input) has "ok": false and "error"; then the exit code is 1.
// See ../README.md.

import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { importEngine } from './browser-env.mjs';
import { FileNames, StepError, applyStep } from './steps.mjs';

// Standard output carries only the result lines: anything the engine logs goes
// to standard error.
console.log = console.info = console.debug = console.warn = console.error;

const engine = await importEngine();
const loadedForms = new Map();

const JOB_KEYS = new Set(['id', 'form', 'attachments', 'steps', 'out_dir', 'preload', 'geolocation']);
const PRELOAD_KEYS = new Set(['deviceID', 'username', 'email', 'phoneNumber']);
const SUBMISSION_FILE = 'submission.xml';

class JobError extends Error {}

async function main() {
  const { jobs } = parseInput(await readInput(process.argv[2]));
  let failed = false;
  for (const job of jobs) {
    const line = await runTimed(job);
    failed ||= line.error !== null;
    process.stdout.write(`${JSON.stringify(line)}\n`);
  }
  process.exitCode = failed ? 1 : 0;
}

async function readInput(argument) {
  if (argument === undefined || argument === '-') {
    const chunks = [];
    for await (const chunk of process.stdin) {
      chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString('utf8');
  }
  return readFile(argument, 'utf8');
}

function parseInput(text) {
  const input = JSON.parse(text);
  if (!Array.isArray(input?.jobs)) {
    throw new Error('input must be {"jobs": [job, ...]}');
  }
  return input;
}

async function runTimed(job) {
  const started = performance.now();
  let line;
  try {
    line = await runJob(job);
  } catch (error) {
    line = failure(error);
  }
  line.ms = Math.round(performance.now() - started);
  if (job?.id !== undefined) {
    line.id = job.id;
  }
  return line;
}

function failure(error) {
  const expected = error instanceof StepError || error instanceof JobError;
  return {
    ok: false,
    instance: null,
    attachments: [],
    instanceID: null,
    validation: [],
    error: expected ? error.message : `internal error: ${error?.stack ?? error}`,
  };
}

async function runJob(job) {
  checkJob(job);
  const form = await loadJobForm(job);
  const { root } = form.createInstance(instanceConfig(job));
  const fileNames = new FileNames();
  for (const [index, step] of (job.steps ?? []).entries()) {
    try {
      await applyStep(root, step, fileNames);
    } catch (error) {
      if (error instanceof StepError) {
        error.message = `step ${index + 1}: ${error.message}`;
      }
      throw error;
    }
  }
  await settle();
  return writeSubmission(root, job.out_dir);
}

// Lets the engine's asynchronous work (start-geopoint asking for a location)
// finish before the submission is made.
function settle() {
  return new Promise((resolve) => setImmediate(resolve));
}

function checkJob(job) {
  if (job === null || typeof job !== 'object' || Array.isArray(job)) {
    throw new JobError(`a job must be an object, got ${JSON.stringify(job)}`);
  }
  const unknown = Object.keys(job).filter((key) => !JOB_KEYS.has(key));
  if (unknown.length > 0) {
    throw new JobError(`unknown job keys ${unknown.join(', ')}; known: ${[...JOB_KEYS].join(', ')}`);
  }
  for (const key of ['form', 'out_dir']) {
    if (typeof job[key] !== 'string' || !path.isAbsolute(job[key])) {
      throw new JobError(`"${key}" must be an absolute path`);
    }
  }
  if (job.steps !== undefined && !Array.isArray(job.steps)) {
    throw new JobError('"steps" must be a list');
  }
  if (job.geolocation !== undefined && typeof job.geolocation !== 'string') {
    throw new JobError('"geolocation" must be a geopoint string: "latitude longitude altitude accuracy"');
  }
  const preload = Object.keys(job.preload ?? {}).filter((key) => !PRELOAD_KEYS.has(key));
  if (preload.length > 0) {
    throw new JobError(`unknown preload keys ${preload.join(', ')}; known: ${[...PRELOAD_KEYS].join(', ')}`);
  }
}

// start-geopoint asks the client for a location; without one it stays blank.
function instanceConfig(job) {
  const config = { preloadProperties: job.preload ?? {} };
  if (job.geolocation !== undefined) {
    config.geolocationProvider = { getLocation: async () => job.geolocation };
  }
  return config;
}

// ---------------------------------------------------------------- loading

// Jobs on the same form with the same attachments share one parsed form.
async function loadJobForm(job) {
  const xml = await readFile(job.form, 'utf8');
  const attachments = await readAttachments(job.attachments ?? {});
  const key = formKey(xml, attachments);
  if (!loadedForms.has(key)) {
    loadedForms.set(key, await loadForm(xml, attachments));
  }
  return loadedForms.get(key);
}

async function readAttachments(paths) {
  const attachments = new Map();
  for (const [name, file] of Object.entries(paths)) {
    attachments.set(name, await readFile(file));
  }
  return attachments;
}

function formKey(xml, attachments) {
  const hash = createHash('sha256').update(xml);
  for (const [name, bytes] of [...attachments].sort(([a], [b]) => (a < b ? -1 : 1))) {
    hash.update(`\0${name}\0`).update(bytes);
  }
  return hash.digest('hex');
}

async function loadForm(xml, attachments) {
  const missing = [];
  const fetchFormAttachment = async (url) => {
    const name = decodeURIComponent(new URL(url).pathname.split('/').pop());
    if (!attachments.has(name)) {
      missing.push(String(url));
      return new Response(`no attachment ${name}`, { status: 404 });
    }
    return new Response(attachments.get(name));
  };
  const result = await engine.loadForm(xml, { fetchFormAttachment });
  if (missing.length > 0) {
    throw new JobError(`the form needs ${missing.join(', ')}: add it to the job's "attachments"`);
  }
  if (result.status === 'failure') {
    throw new JobError(`the engine could not load the form: ${result.error?.message}`);
  }
  return result;
}

// ---------------------------------------------------------------- output

async function writeSubmission(root, outDir) {
  const payload = await root.prepareInstancePayload({ payloadType: 'monolithic' });
  const validation = (payload.violations ?? []).map(describeViolation);
  await mkdir(outDir, { recursive: true });
  let instance = null;
  const attachments = [];
  let xml = '';
  for (const [name, file] of payload.data[0].entries()) {
    if (name === engine.constants.INSTANCE_FILE_NAME) {
      xml = await file.text();
      instance = await writeFileIn(outDir, SUBMISSION_FILE, Buffer.from(xml, 'utf8'));
    } else {
      attachments.push(await writeFileIn(outDir, attachmentName(name), Buffer.from(await file.arrayBuffer())));
    }
  }
  const ok = payload.status === 'ready' && validation.length === 0;
  return { ok, instance, attachments, instanceID: instanceId(xml), validation, error: null };
}

function describeViolation({ reference, violation }) {
  return { path: reference, condition: violation.condition, message: violation.message?.asString ?? null };
}

function attachmentName(name) {
  if (name !== path.basename(name) || name === SUBMISSION_FILE || name.startsWith('.')) {
    throw new JobError(`the engine produced an attachment named ${JSON.stringify(name)}, which cannot be written`);
  }
  return name;
}

async function writeFileIn(directory, name, bytes) {
  const target = path.join(directory, name);
  await writeFile(target, bytes);
  return target;
}

function instanceId(xml) {
  return /<(?:[\w-]+:)?instanceID>([^<]*)</.exec(xml)?.[1] ?? null;
}

try {
  await main();
} catch (error) {
  process.stderr.write(`fill.mjs: ${error?.message ?? error}\n`);
  process.exitCode = 2;
}
