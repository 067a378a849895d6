import * as fs from 'fs';
import * as path from 'path';
import {
  createPipeline,
  getPrimaryPipeline,
  IPipelineFlowDocument,
  parsePipeline,
  serializePipeline,
  validatePipeline
} from '../../src/model';
import { CLI_DIR, FIXTURES_ROOT, findPipelineFixtures, readFixture, seededRandom, VALIDATION_DIR } from './helpers';

const fixtures = findPipelineFixtures();

describe('fixtures', () => {
  it('finds the shared fixtures', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(20);
  });

  describe.each(fixtures.map(file => [path.relative(FIXTURES_ROOT, file), file]))('%s', (_name, file) => {
    const text = fs.readFileSync(file, 'utf8');
    const result = parsePipeline(text);

    it('parses to a document, or explains why not', () => {
      if (result.document === null) {
        expect(result.diagnostics.filter(d => d.severity === 'error').length).toBeGreaterThan(0);
        for (const diagnostic of result.diagnostics) {
          expect(diagnostic.message.length).toBeGreaterThan(10);
        }
      } else {
        expect(getPrimaryPipeline(result.document)).not.toBeNull();
      }
    });

    it('round-trips: parse → serialize → parse is deep-equal', () => {
      if (result.document === null) {
        return;
      }
      const written = serializePipeline(result.document);
      const again = parsePipeline(written);
      expect(again.document).toEqual(result.document);
      expect(serializePipeline(again.document!)).toBe(written);
    });

    it('keeps unknown fields at every level', () => {
      if (result.document === null) {
        return;
      }
      const random = seededRandom(text.length);
      const doc = JSON.parse(serializePipeline(result.document));
      const injected = injectUnknownKeys(doc, random);
      expect(injected.length).toBeGreaterThan(3);
      const reparsed = parsePipeline(JSON.stringify(doc, null, 2));
      expect(reparsed.document).not.toBeNull();
      const reread = JSON.parse(serializePipeline(reparsed.document!));
      for (const { path: where, key, value } of injected) {
        expect(getAt(reread, where)[key]).toEqual(value);
      }
    });
  });
});

/** Adds `x_unknown_*` keys to the document, its pipelines, nodes, app_data, ports and links. */
function injectUnknownKeys(doc: any, random: () => number) {
  const injected: { path: (string | number)[]; key: string; value: unknown }[] = [];
  const add = (where: (string | number)[]) => {
    const target = getAt(doc, where);
    if (target && typeof target === 'object' && !Array.isArray(target)) {
      const key = `x_unknown_${Math.floor(random() * 1e6)}`;
      const value = { nested: [1, 'two', { three: random() > 0.5 }], text: 'ünïcødé' };
      target[key] = value;
      injected.push({ path: where, key, value });
    }
  };
  add([]);
  doc.pipelines.forEach((pipeline: any, p: number) => {
    add(['pipelines', p]);
    add(['pipelines', p, 'app_data']);
    add(['pipelines', p, 'app_data', 'properties']);
    pipeline.nodes.forEach((node: any, n: number) => {
      const base = ['pipelines', p, 'nodes', n];
      add(base);
      add([...base, 'app_data']);
      add([...base, 'app_data', 'component_parameters']);
      add([...base, 'app_data', 'ui_data']);
      (node.inputs ?? []).forEach((port: any, i: number) => {
        add([...base, 'inputs', i]);
        (port.links ?? []).forEach((_link: any, l: number) => add([...base, 'inputs', i, 'links', l]));
      });
    });
  });
  return injected;
}

function getAt(value: any, where: (string | number)[]): any {
  return where.reduce((current, step) => (current == null ? current : current[step]), value);
}

describe('parsePipeline errors', () => {
  it('locates invalid JSON by line and column', () => {
    const result = parsePipeline(readFixture(`${VALIDATION_DIR}/generic_malformed_basic_pipeline_only_notebook.pipeline`));
    expect(result.document).toBeNull();
    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0]).toMatchObject({ severity: 'error', code: 'invalid-json', line: 372, column: 1 });
    expect(result.diagnostics[0].message).toMatch(/line 372, column 1/);
  });

  it('locates errors on a later line', () => {
    const result = parsePipeline('{\n  "a": 1,\n  "b": tru\n}');
    expect(result.diagnostics[0]).toMatchObject({ code: 'invalid-json', line: 3 });
  });

  it('says "unexpected end of the file" when the text stops where a value belongs', () => {
    const result = parsePipeline('{"a": ');
    expect(result.diagnostics[0].message).toBe('Invalid JSON at line 1, column 7: unexpected end of the file where a value was expected');
  });

  it('reports a missing pipelines field', () => {
    const result = parsePipeline(readFixture(`${CLI_DIR}/pipeline_without_pipelines_field.pipeline`));
    expect(result.document).toBeNull();
    expect(result.diagnostics.map(d => d.code)).toContain('missing-pipelines');
  });

  it('reports an empty pipelines list', () => {
    const result = parsePipeline(readFixture(`${CLI_DIR}/pipeline_with_zero_length_pipelines_field.pipeline`));
    expect(result.document).toBeNull();
    expect(result.diagnostics[0].message).toMatch(/"pipelines" list is empty/);
  });

  it('reports a wrong doc_type and version', () => {
    const doc: any = createPipeline('x');
    doc.doc_type = 'notebook';
    doc.version = '2.0';
    const result = parsePipeline(JSON.stringify(doc));
    expect(result.document).toBeNull();
    expect(result.diagnostics.map(d => d.code).sort()).toEqual(['invalid-doc-type', 'invalid-version']);
  });

  it('reports a primary_pipeline that does not exist', () => {
    const doc: any = createPipeline('x');
    doc.primary_pipeline = 'nope';
    const result = parsePipeline(JSON.stringify(doc));
    expect(result.document).toBeNull();
    expect(result.diagnostics[0]).toMatchObject({ code: 'missing-primary-pipeline' });
    expect(result.diagnostics[0].message).toContain('"nope"');
  });

  it('reports duplicate node ids', () => {
    const doc = JSON.parse(readFixture('elyra/cypress/fixtures/pipelines/producer-consumer.pipeline'));
    doc.pipelines[0].nodes[1].id = doc.pipelines[0].nodes[0].id;
    const result = parsePipeline(JSON.stringify(doc));
    expect(result.document).toBeNull();
    expect(result.diagnostics.find(d => d.code === 'duplicate-node-id')).toMatchObject({
      nodeId: doc.pipelines[0].nodes[0].id
    });
  });

  it('reports links to missing nodes, naming the node', () => {
    const doc = JSON.parse(readFixture('elyra/cypress/fixtures/pipelines/producer-consumer.pipeline'));
    doc.pipelines[0].nodes[1].inputs[0].links[0].node_id_ref = 'ghost';
    const result = parsePipeline(JSON.stringify(doc));
    expect(result.document).not.toBeNull();
    const problem = result.diagnostics.find(d => d.code === 'dangling-link')!;
    expect(problem).toMatchObject({ severity: 'error', nodeId: doc.pipelines[0].nodes[1].id, nodeLabel: 'consumer.ipynb' });
    expect(problem.message).toContain('ghost');
    expect(problem.message).toContain('consumer.ipynb');
  });

  it('reports wrong property types with node and property', () => {
    const doc = JSON.parse(readFixture('elyra/cypress/fixtures/pipelines/producer-consumer.pipeline'));
    doc.pipelines[0].nodes[0].app_data.component_parameters.filename = 42;
    doc.pipelines[0].nodes[1].app_data.component_parameters.memory = true;
    doc.pipelines[0].nodes[2].app_data.component_parameters.env_vars = 'A=1';
    const result = parsePipeline(JSON.stringify(doc));
    expect(result.document).not.toBeNull();
    const typeErrors = result.diagnostics.filter(d => d.severity === 'error');
    expect(typeErrors.map(d => [d.code, d.nodeLabel, d.property])).toEqual([
      ['invalid-property', 'producer.ipynb', 'filename'],
      ['invalid-resource', 'consumer.ipynb', 'memory'],
      ['invalid-env-var', 'setup.py', 'env_vars']
    ]);
    expect(typeErrors[0].message).toMatch(/filename.*must be a string, not 42/);
    expect(typeErrors[1].message).toMatch(/memory.*must be a number or a string, not true/);
  });

  it('leaves well-typed but invalid values to validatePipeline, so the canvas can show them', () => {
    const result = parsePipeline(readFixture(`${VALIDATION_DIR}/generic_invalid_node_property_hardware_resources.pipeline`));
    expect(result.document).not.toBeNull();
    expect(result.diagnostics).toEqual([]);
    const doc = JSON.parse(readFixture('elyra/cypress/fixtures/pipelines/producer-consumer.pipeline'));
    doc.pipelines[0].nodes[1].app_data.component_parameters.memory = 'lots';
    doc.pipelines[0].nodes[1].app_data.component_parameters.runtime_image = 'Bad Image';
    const parsed = parsePipeline(JSON.stringify(doc));
    expect(parsed.diagnostics).toEqual([]);
    const problems = validatePipeline(parsed.document!).map(d => [d.code, d.property]);
    expect(problems).toEqual([
      ['invalid-image', 'runtime_image'],
      ['invalid-resource', 'memory']
    ]);
  });

  it('refuses files over the size limit without parsing them', () => {
    const big = `{"pad": "${'x'.repeat(2000)}"}`;
    const result = parsePipeline(big, { maxBytes: 1000 });
    expect(result.document).toBeNull();
    expect(result.diagnostics[0]).toMatchObject({ code: 'file-too-large' });
    expect(result.diagnostics[0].message).toMatch(/too large/);
  });

  it('rejects a 50 MB file quickly with the default limit', () => {
    const big = `{"pad": "${'x'.repeat(50 * 1024 * 1024)}"}`;
    const started = Date.now();
    const result = parsePipeline(big);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(result.diagnostics[0].message).toMatch(/50\.0 MB; the limit is 20\.0 MB/);
  });

  it('counts multi-byte characters as bytes', () => {
    const text = `{"pad": "${'é'.repeat(600)}"}`;
    expect(parsePipeline(text, { maxBytes: 1000 }).diagnostics[0].code).toBe('file-too-large');
  });

  it.each([
    ['', 'empty'],
    ['null', 'expected a JSON object, found null'],
    ['[]', 'found a list'],
    ['"pipeline"', 'found a string'],
    ['{}', '"doc_type" is missing']
  ])('explains %j', (text, expected) => {
    const result = parsePipeline(text);
    expect(result.document).toBeNull();
    expect(result.diagnostics.map(d => d.message).join('\n')).toContain(expected);
  });
});

describe('serializePipeline', () => {
  it('writes 2-space JSON with a trailing newline', () => {
    const text = serializePipeline(createPipeline('demo'));
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.split('\n')[1]).toBe('  "doc_type": "pipeline",');
  });

  it('reproduces a file written by Elyra byte for byte (apart from the final newline)', () => {
    const text = readFixture('elyra/cypress/fixtures/pipelines/producer-consumer.pipeline');
    const doc = parsePipeline(text).document as IPipelineFlowDocument;
    expect(serializePipeline(doc).trimEnd()).toBe(text.trimEnd());
  });
});
