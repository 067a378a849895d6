import * as fs from 'fs';
import * as path from 'path';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { IPipelineFlowDocument, parsePipeline } from '../../src/model';

/** The shared Elyra fixtures (read-only); found at test time so new ones are picked up. */
export const FIXTURES_ROOT = path.resolve(__dirname, '../../../shared/fixtures');

export function findPipelineFixtures(root: string = FIXTURES_ROOT): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(full);
      } else if (entry.name.endsWith('.pipeline')) {
        found.push(full);
      }
    }
  };
  if (fs.existsSync(root)) {
    walk(root);
  }
  return found.sort();
}

/** A fixture parsed with the model; fails the test if it does not parse. */
export function loadFixture(relative: string): IPipelineFlowDocument {
  const { document, diagnostics } = parsePipeline(fs.readFileSync(path.join(FIXTURES_ROOT, relative), 'utf8'));
  if (!document) {
    throw new Error(`fixture ${relative} did not parse: ${JSON.stringify(diagnostics)}`);
  }
  return document;
}

/** Every document of a YAML stream, read with YAML 1.1 rules (as Kubernetes reads it). */
export function readYaml11(text: string): unknown[] {
  return parseAllDocuments(text, { version: '1.1' }).map(doc => {
    if (doc.errors.length) {
      throw new Error(doc.errors.map(e => e.message).join('\n'));
    }
    return doc.toJS();
  });
}

/** The same with YAML 1.2 (core schema) rules. */
export function readYaml12(text: string): unknown[] {
  return parseAllDocuments(text, { version: '1.2' }).map(doc => doc.toJS());
}

/** Plain JSON data (drops nothing our objects hold: no undefined, no functions). */
export function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value));
}

export { parseYaml };

export const PRODUCER_CONSUMER = 'elyra/cypress/fixtures/pipelines/producer-consumer.pipeline';
export const HELLO_WORLD = 'elyra-examples/pipelines/run-generic-pipelines-on-kubeflow-pipelines/hello-generic-world.pipeline';
export const GENERIC_TEST = 'elyra/cypress/fixtures/generic-test.pipeline';

/** Storage options as a runtime configuration would give them. */
export const STORAGE = {
  storageEndpoint: 'http://minio.minio.svc:9000',
  bucket: 'pipelines',
  storageSecretName: 'pipeline-storage',
  storageRegion: 'us-east-1'
};

/**
 * What the kubelet makes of an env value: a port of Kubernetes'
 * third_party/forked/golang/expansion Expand with MappingFuncFor(vars) — `$(NAME)` is
 * replaced when NAME is known, `$$` becomes `$`, anything else stays.
 */
export function kubeExpand(input: string, vars: Record<string, string> = {}): string {
  let out = '';
  let checkpoint = 0;
  for (let cursor = 0; cursor < input.length; cursor++) {
    if (input[cursor] === '$' && cursor + 1 < input.length) {
      out += input.slice(checkpoint, cursor);
      const rest = input.slice(cursor + 1);
      const rune = String.fromCodePoint(rest.codePointAt(0) as number);
      let read: string;
      let isVar = false;
      let advance = rune.length;
      if (rune === '$') {
        read = '$';
      } else if (rune === '(') {
        const close = rest.indexOf(')', 1);
        if (close !== -1) {
          read = rest.slice(1, close);
          isVar = true;
          advance = close + 1;
        } else {
          read = '$(';
          advance = 1;
        }
      } else {
        read = `$${rune}`;
      }
      out += isVar ? (Object.prototype.hasOwnProperty.call(vars, read) ? vars[read] : `$(${read})`) : read;
      cursor += advance;
      checkpoint = cursor + 1;
    }
  }
  return out + input.slice(checkpoint);
}
