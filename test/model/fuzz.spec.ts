/**
 * Hostile input: parsePipeline must never throw, and whatever document it accepts must
 * survive validation, flattening, property resolution and serialisation.
 */
import * as fs from 'fs';
import {
  connect,
  copySelection,
  flattenPipeline,
  moveNodes,
  pasteSelection,
  removeNodes,
  setNodeProperty,
  getLinks,
  getNodeLabel,
  getNodes,
  parsePipeline,
  resolveNodeProperties,
  serializePipeline,
  validatePipeline
} from '../../src/model';
import { findPipelineFixtures, seededRandom } from './helpers';

const fixtures = findPipelineFixtures().map(file => fs.readFileSync(file, 'utf8'));
const random = seededRandom(20240607);
const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)];

const WEIRD_VALUES: unknown[] = [
  null,
  true,
  0,
  -1,
  1e308,
  '',
  '\u0000',
  'ünï😀',
  [],
  {},
  [null],
  [1, 'a', { env_var: 5 }],
  { env_var: {}, value: [] },
  { pipeline_id_ref: 42 },
  { node_id_ref: null },
  'x'.repeat(1000)
];

/** Replaces a random value somewhere in the JSON tree with something odd. */
function mutateTree(value: any, depth = 0): any {
  if (depth > 12 || value === null || typeof value !== 'object') {
    return random() < 0.5 ? pick(WEIRD_VALUES) : value;
  }
  const keys = Object.keys(value);
  if (keys.length === 0) {
    return pick(WEIRD_VALUES);
  }
  const key = pick(keys);
  const copy: any = Array.isArray(value) ? [...value] : { ...value };
  const roll = random();
  if (roll < 0.1) {
    delete copy[key];
  } else if (roll < 0.25) {
    copy[key] = pick(WEIRD_VALUES);
  } else {
    copy[key] = mutateTree(value[key], depth + 1);
  }
  return copy;
}

function mutateText(text: string): string {
  const at = Math.floor(random() * text.length);
  const roll = random();
  if (roll < 0.3) {
    return text.slice(0, at) + text.slice(at + 1 + Math.floor(random() * 20));
  }
  if (roll < 0.6) {
    return text.slice(0, at) + pick(['{', '}', '[', ']', ',', ':', '"', '\\', 'null', '\n', '\u2028']) + text.slice(at);
  }
  return text.slice(0, at);
}

function exercise(text: string): void {
  const result = parsePipeline(text);
  expect(Array.isArray(result.diagnostics)).toBe(true);
  for (const diagnostic of result.diagnostics) {
    expect(typeof diagnostic.message).toBe('string');
    expect(['error', 'warning']).toContain(diagnostic.severity);
  }
  if (result.document === null) {
    expect(result.diagnostics.some(d => d.severity === 'error')).toBe(true);
    return;
  }
  const doc = result.document;
  validatePipeline(doc);
  flattenPipeline(doc);
  getLinks(doc);
  for (const pipeline of doc.pipelines) {
    for (const node of getNodes(pipeline)) {
      getNodeLabel(node);
      resolveNodeProperties(doc, node.id);
    }
  }
  expect(parsePipeline(serializePipeline(doc)).document).not.toBeNull();
  // Editing operations on whatever was accepted must not throw either.
  const ids = doc.pipelines.flatMap(p => getNodes(p).map(n => n.id));
  if (ids.length >= 2) {
    connect(doc, ids[0], ids[1]);
    moveNodes(doc, [{ id: ids[1], x: 1, y: 1 }]);
    setNodeProperty(doc, ids[0], 'memory', 1);
    const pasted = pasteSelection(doc, copySelection(doc, ids.slice(0, 2)), { x: 10, y: 10 });
    expect(pasted.error).toBeUndefined();
    removeNodes(pasted.document, [ids[0]]);
  }
}

describe('parsePipeline never throws', () => {
  it('on structurally mutated fixtures', () => {
    const parsed = fixtures.flatMap(text => {
      try {
        return [JSON.parse(text)];
      } catch {
        return [];
      }
    });
    for (let i = 0; i < 1500; i++) {
      let tree = pick(parsed);
      const rounds = 1 + Math.floor(random() * 4);
      for (let r = 0; r < rounds; r++) {
        tree = mutateTree(tree);
      }
      exercise(JSON.stringify(tree));
    }
  });

  it('on textually mutated fixtures', () => {
    for (let i = 0; i < 600; i++) {
      exercise(mutateText(pick(fixtures)));
    }
  });

  it.each([
    ['deep arrays', '['.repeat(100000) + ']'.repeat(100000)],
    ['deep unclosed arrays', '['.repeat(200000)],
    ['deep objects', '{"a":'.repeat(50000) + '1' + '}'.repeat(50000)],
    ['a lone surrogate', '"\ud800"'],
    ['BOM', '\ufeff{}'],
    ['huge number', '1'.repeat(5000)],
    ['proto keys', '{"__proto__": {"doc_type": "pipeline"}, "constructor": 1}'],
    ['nested pipelines garbage', '{"doc_type":"pipeline","version":"3.0","primary_pipeline":"p","pipelines":[{"id":"p","nodes":[{"id":"n","type":"super_node","subflow_ref":{"pipeline_id_ref":"p"},"inputs":[{"id":"i","links":[{"node_id_ref":"n","port_id_ref":"o"}]}],"outputs":[{"id":"o","subflow_node_ref":"n"}]}]}]}']
  ])('on %s', (_name, text) => {
    exercise(text);
  });
});
