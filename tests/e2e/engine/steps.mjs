// Applies fill steps to a form instance created by ODK Web Forms' engine.
//
// The engine forgives a lot that a test must not: a value outside a select's
// current choices, an integer given "3.5", a date given "tomorrow", an answer
// to a question that is not relevant -- all are dropped or coerced without a
// word. Every step here therefore checks what the engine actually kept and
// throws a StepError when it differs from what the step asked for.

import { readFile } from 'node:fs/promises';
import path from 'node:path';

export class StepError extends Error {}

const ACTIONS = ['set', 'select', 'add_repeat', 'remove_repeat', 'file'];
const STEP_KEYS = new Set([...ACTIONS, 'value', 'values', 'count', 'path', 'name', 'type']);

const MEDIA_TYPES = {
  '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.gif': 'image/gif',
  '.webp': 'image/webp', '.mp3': 'audio/mpeg', '.m4a': 'audio/mp4', '.amr': 'audio/amr',
  '.ogg': 'audio/ogg', '.wav': 'audio/wav', '.mp4': 'video/mp4', '.3gp': 'video/3gpp',
  '.pdf': 'application/pdf', '.csv': 'text/csv', '.txt': 'text/plain',
};

const NUMERIC_TYPES = new Set(['int', 'decimal', 'geopoint', 'geotrace', 'geoshape']);

/** Keeps what one job's file steps have named, to refuse names that collide. */
export class FileNames {
  #owners = new Map();

  claim(name, reference) {
    const owner = this.#owners.get(name);
    if (owner !== undefined && owner !== reference) {
      throw new StepError(
        `file name "${name}" is already used by ${owner}: the engine keeps only one ` +
          `attachment per name, so give this step a distinct "name"`,
      );
    }
    this.#owners.set(name, reference);
  }
}

export async function applyStep(root, step, fileNames) {
  const action = stepAction(step);
  const node = findNode(root, step[action]);
  switch (action) {
    case 'set':
      return setValue(node, step.value);
    case 'select':
      return selectValues(node, requireArray(step.values, 'values'));
    case 'add_repeat':
      return addRepeat(node, step.count ?? 1);
    case 'remove_repeat':
      return removeRepeat(node);
    case 'file':
      return attachFile(node, step, fileNames);
  }
}

function stepAction(step) {
  if (step === null || typeof step !== 'object' || Array.isArray(step)) {
    throw new StepError(`a step must be an object, got ${JSON.stringify(step)}`);
  }
  const unknown = Object.keys(step).filter((key) => !STEP_KEYS.has(key));
  const actions = ACTIONS.filter((key) => key in step);
  if (unknown.length > 0 || actions.length !== 1) {
    throw new StepError(
      `a step needs exactly one of ${ACTIONS.join(', ')} (unknown keys: ` +
        `${unknown.join(', ') || 'none'}): ${JSON.stringify(step)}`,
    );
  }
  if (typeof step[actions[0]] !== 'string') {
    throw new StepError(`"${actions[0]}" must be a node reference such as /data/group/question`);
  }
  return actions[0];
}

function requireArray(values, key) {
  if (!Array.isArray(values) || values.some((value) => typeof value !== 'string')) {
    throw new StepError(`"${key}" must be a list of strings, got ${JSON.stringify(values)}`);
  }
  return values;
}

// ---------------------------------------------------------------- finding nodes

function* descendants(node) {
  yield node;
  for (const child of node.currentState.children ?? []) {
    yield* descendants(child);
  }
}

export function findNode(root, reference) {
  for (const node of descendants(root)) {
    if (node.currentState.reference === reference) {
      return node;
    }
  }
  throw new StepError(`no node ${reference} in this form${similarReferences(root, reference)}`);
}

function similarReferences(root, reference) {
  const name = reference.split('/').pop().replace(/\[\d+\]$/, '');
  const similar = [...descendants(root)]
    .map((node) => node.currentState.reference)
    .filter((candidate) => candidate.split('/').pop().replace(/\[\d+\]$/, '') === name);
  if (similar.length > 0) {
    return `; nodes with that name now: ${similar.join(', ')}`;
  }
  return ' (repeat instances are addressed as /data/repeat[1]/question, 1-based)';
}

function describe(node) {
  return `${node.currentState.reference} (${node.nodeType})`;
}

function requireAnswerable(node) {
  if (!node.currentState.relevant) {
    throw new StepError(
      `${describe(node)} is not relevant now, so Collect would not show it: ` +
        `answer the questions that make it relevant first`,
    );
  }
  if (node.currentState.readonly) {
    throw new StepError(`${describe(node)} is read-only`);
  }
}

// ---------------------------------------------------------------- set

function setValue(node, value) {
  if (value !== null && !['string', 'number', 'boolean'].includes(typeof value)) {
    throw new StepError(`"value" must be a string, number, boolean or null: ${JSON.stringify(value)}`);
  }
  switch (node.nodeType) {
    case 'input':
    case 'range':
      return setTypedValue(node, value === null ? '' : String(value));
    case 'select':
      return selectValues(node, splitSelection(node, value));
    case 'trigger':
      return setTrigger(node, value);
    case 'upload':
      throw new StepError(`${describe(node)} takes a file: use {"file": ..., "path": ...}`);
    case 'model-value':
    case 'note':
      throw new StepError(`${describe(node)} is calculated or a note: it cannot be answered`);
    default:
      throw new StepError(`${describe(node)} is not a question`);
  }
}

function setTypedValue(node, text) {
  requireAnswerable(node);
  node.setValue(text);
  const kept = serializedValue(node);
  if (!sameValue(text, kept, node.valueType)) {
    throw new StepError(
      `the engine did not accept ${JSON.stringify(text)} for ${describe(node)} of type ` +
        `${node.valueType}: it kept ${JSON.stringify(kept)}`,
    );
  }
}

function splitSelection(node, value) {
  if (value === null || value === '') {
    return [];
  }
  const text = String(value);
  return node.selectType === 'select' ? text.split(/\s+/).filter(Boolean) : [text];
}

function setTrigger(node, value) {
  requireAnswerable(node);
  if (typeof value !== 'boolean') {
    throw new StepError(`${describe(node)} is an acknowledge question: "value" must be true or false`);
  }
  node.setValue(value);
}

// The value exactly as it will appear in the submission.
function serializedValue(node) {
  const xml = node.instanceState.instanceXML;
  const match = /^<[^>]+?(?:\/>|>([\s\S]*)<\/[^>]+>)$/.exec(xml);
  if (match === null) {
    throw new StepError(`cannot read the value of ${describe(node)} from ${JSON.stringify(xml)}`);
  }
  return unescapeXml(match[1] ?? '');
}

function unescapeXml(text) {
  const entities = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
  return text.replace(/&(lt|gt|amp|quot|apos);/g, (_, name) => entities[name]);
}

// Numbers may be written differently ("10" kept as "10.0"); nothing else may.
function sameValue(given, kept, valueType) {
  if (given === kept) {
    return true;
  }
  if (NUMERIC_TYPES.has(valueType)) {
    return sameNumbers(given, kept);
  }
  if (valueType === 'dateTime') {
    return !Number.isNaN(Date.parse(given)) && Date.parse(given) === Date.parse(kept);
  }
  return false;
}

function sameNumbers(given, kept) {
  const tokens = (text) => text.split(/[\s;]+/).filter(Boolean).map(Number);
  const [a, b] = [tokens(given), tokens(kept)];
  return a.length === b.length && a.every((number, index) => number === b[index]);
}

// ---------------------------------------------------------------- select

function selectValues(node, values) {
  if (node.nodeType === 'rank') {
    return rankValues(node, values);
  }
  if (node.nodeType !== 'select') {
    throw new StepError(`${describe(node)} is not a select question`);
  }
  requireAnswerable(node);
  if (node.selectType === 'select1' && values.length > 1) {
    throw new StepError(`${describe(node)} is a select_one: give at most one value`);
  }
  refuseUnknownChoices(node, values);
  node.selectValues(values);
  const kept = [...node.currentState.value];
  if (kept.length !== values.length || !values.every((value) => kept.includes(value))) {
    throw new StepError(`${describe(node)} kept ${JSON.stringify(kept)} when given ${JSON.stringify(values)}`);
  }
}

function refuseUnknownChoices(node, values) {
  const choices = node.currentState.valueOptions.map((option) => option.value);
  const unknown = values.filter((value) => !choices.includes(value));
  if (unknown.length > 0) {
    throw new StepError(
      `${JSON.stringify(unknown)} not among the choices ${describe(node)} offers now ` +
        `(after any choice_filter): ${JSON.stringify(choices)}`,
    );
  }
}

function rankValues(node, values) {
  requireAnswerable(node);
  node.setValues(values);
  const kept = [...node.currentState.value];
  if (JSON.stringify(kept) !== JSON.stringify(values)) {
    throw new StepError(`${describe(node)} kept ${JSON.stringify(kept)} when given ${JSON.stringify(values)}`);
  }
}

// ---------------------------------------------------------------- repeats

function addRepeat(node, count) {
  if (node.nodeType === 'repeat-range:controlled') {
    throw new StepError(`${describe(node)} has its count set by the form (repeat_count)`);
  }
  if (node.nodeType !== 'repeat-range:uncontrolled') {
    throw new StepError(`${describe(node)} is not a repeat (address the repeat without [n])`);
  }
  if (!Number.isInteger(count) || count < 1) {
    throw new StepError(`"count" must be a positive integer, got ${JSON.stringify(count)}`);
  }
  requireAnswerable(node);
  node.addInstances(node.currentState.children.length - 1, count);
}

function removeRepeat(node) {
  const range = node.parent;
  if (node.nodeType !== 'repeat-instance' || range.nodeType !== 'repeat-range:uncontrolled') {
    throw new StepError(`${describe(node)} is not an instance of a repeat the user controls (/data/repeat[n])`);
  }
  range.removeInstances(range.currentState.children.indexOf(node), 1);
}

// ---------------------------------------------------------------- files

async function attachFile(node, step, fileNames) {
  if (node.nodeType !== 'upload') {
    throw new StepError(`${describe(node)} is not an image/audio/video/file question`);
  }
  requireAnswerable(node);
  if (typeof step.path !== 'string') {
    throw new StepError(`a file step needs "path", the file to attach`);
  }
  const name = step.name ?? path.basename(step.path);
  if (name !== path.basename(name) || name.startsWith('.')) {
    throw new StepError(`"name" must be a plain file name, got ${JSON.stringify(name)}`);
  }
  fileNames.claim(name, node.currentState.reference);
  const type = step.type ?? MEDIA_TYPES[path.extname(name).toLowerCase()] ?? 'application/octet-stream';
  node.setValue(new File([await readFile(step.path)], name, { type }));
  if (node.currentState.instanceValue !== name) {
    throw new StepError(`${describe(node)} named the file ${node.currentState.instanceValue}, not ${name}`);
  }
}
